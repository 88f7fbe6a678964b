"""The signals of a CloudFront distribution the estate watches: one row each (alarms, dashboard lines).

Corrections of the runbooks: seed 000 alarm 3 omits both the region and the ``Region=Global``
dimension (its alarm would never leave INSUFFICIENT_DATA); ``CacheHitRate`` is an additional metric,
published only once the distribution has a monitoring subscription, which the unit declares because a
row reads it. The text in parentheses explains the metric; an estate puts its own advice there
(``cdn[].advice``: RT's stack file carries runbook 000's "below 80 %, adjust the TTLs").
"""

from __future__ import annotations

from components.signals import Signal, SignalTable
from data.catalogue import cloudfront

SIGNALS = SignalTable("cdn", "distribution", (
    Signal("5xx-rate", "error_rate_5xx", f"CloudFront {cloudfront.ERROR_RATE_5XX.name} (percentage of requests)", "%",
           metric=cloudfront.ERROR_RATE_5XX, statistic="Average", period=300, evaluation_periods=1,
           treat_missing_data="notBreaching"),
    Signal("cache-hit-rate", "cache_hit_rate",
           f"CloudFront {cloudfront.CACHE_HIT_RATE.name} (cacheable requests served from the cache)", "%",
           metric=cloudfront.CACHE_HIT_RATE, statistic="Average", period=3600, evaluation_periods=1,
           treat_missing_data="missing"),
))


def what_of(signal: Signal, distribution_id: str, advice: str | None = None) -> str:
    """The row's sentence naming the distribution, ``CloudFront 5xxErrorRate of E123 (...)``, with the estate's
    ``advice`` (``cdn[].advice``) in the parentheses when it gives one."""
    text = signal.what.replace(signal.metric.name, f"{signal.metric.name} of {distribution_id}", 1)
    return f"{text[:text.index(' (')]} ({advice})" if advice else text
