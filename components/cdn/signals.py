"""The signals of a CloudFront distribution the estate watches: one row each (alarms, dashboard lines).

Corrections of the runbooks: seed 000 alarm 3 omits both the region and the ``Region=Global``
dimension (its alarm would never leave INSUFFICIENT_DATA); ``CacheHitRate`` is an additional metric
(runbook 000: "below 80 %, adjust the TTLs"), published only once the distribution has a monitoring
subscription, which the unit declares because a row reads it.
"""

from __future__ import annotations

from components.signals import Signal, SignalTable
from data.catalogue import cloudfront

SIGNALS = SignalTable("cdn", "distribution", (
    Signal("5xx-rate", "error_rate_5xx", f"CloudFront {cloudfront.ERROR_RATE_5XX.name} (percentage of requests)", "%",
           metric=cloudfront.ERROR_RATE_5XX, statistic="Average", period=300, evaluation_periods=1,
           treat_missing_data="notBreaching"),
    Signal("cache-hit-rate", "cache_hit_rate",
           f"CloudFront {cloudfront.CACHE_HIT_RATE.name} (runbook 000: below 80 %, adjust the TTLs)", "%",
           metric=cloudfront.CACHE_HIT_RATE, statistic="Average", period=3600, evaluation_periods=1,
           treat_missing_data="missing"),
))


def what_of(signal: Signal, distribution_id: str) -> str:
    """The row's sentence naming the distribution: ``CloudFront 5xxErrorRate of E123 (...)``."""
    return signal.what.replace(signal.metric.name, f"{signal.metric.name} of {distribution_id}", 1)
