"""The signal of a Route 53 health check: one row (its alarm, its dashboard line, its runbook section).

The endpoint is down when the Minimum of HealthCheckStatus (1 healthy, 0 unhealthy) stays below 1 for
two minutes; no data means the checkers stopped reporting, which is treated as down. The threshold is
the metric's own "healthy" value, so it is fixed, not a stack-file key.
"""

from __future__ import annotations

from components.signals import Signal, SignalTable
from data.catalogue import route53
from data.model import Threshold

SIGNALS = SignalTable("route53", "service", (
    Signal(
        "health-check", "", f"Route 53 health check of the service's public /health ({route53.HEALTH_CHECK_STATUS.name}, 1 healthy)", "",
        metric=route53.HEALTH_CHECK_STATUS, statistic="Minimum", period=60, evaluation_periods=2,
        treat_missing_data="breaching", fixed=Threshold(critical=1, direction="below"),
    ),
))
HEALTH_CHECK = SIGNALS.get("health-check")
