"""Service level objectives: a service's availability (and optionally latency) objective, its error
budget, and the multi-window, multi-burn-rate alerting scheme of the Google SRE Workbook ("Alerting on
SLOs", https://sre.google/workbook/alerting-on-slos/) as data.

The arithmetic, written once and read by the alarms, the policy rules, the runbook tables and the monthly
report: an objective of 99.9 % over 30 days leaves an error budget of 0.1 % of the requests (0.001); a
burn rate of 1 spends exactly the budget over the window; spending 2 % of it in one hour is a burn rate of
0.02 x 720 h / 1 h = 14.4, i.e. an error ratio of 14.4 x 0.001 = 0.0144 over that hour.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field, model_validator

from data.model.base import Severity, StrictModel, format_number

WORKBOOK = "https://sre.google/workbook/alerting-on-slos/"
DAY = 86_400
HOUR = 3_600
# Floats carry binary noise (1 - 99.9 / 100 = 0.000999...943): every derived figure is rounded to this many
# decimals, far below any ratio CloudWatch can measure.
DECIMALS = 12

# The supported objective windows. At least 7 days: the ticket pair's long window (3 days) must sit well
# inside the objective's window; at most 90 days (a quarter, the longest window the Workbook discusses):
# the report reads the SLI back at hourly resolution, which CloudWatch keeps 455 days. The alarm windows
# themselves do not depend on it (CloudWatch limits: data.catalogue.cloudwatch).
WINDOW_DAYS_RANGE = (7, 90)


class LatencyObjective(StrictModel):
    """A share of requests answered faster than a threshold (the Workbook's latency SLI)."""

    threshold_ms: int = Field(
        ge=1, le=60_000,
        description="Response time in milliseconds a request must beat to count as fast (the load balancer's"
        " TargetResponseTime for an Elastic Beanstalk web service).",
    )
    percent: float = Field(
        gt=0, lt=100, description="Percent of requests that must be faster than `threshold_ms` over the window (e.g. 99).",
    )


class ServiceObjective(StrictModel):
    """A service's availability objective over a rolling window; the burn-rate alarms derive from it."""

    availability: float = Field(
        gt=0, lt=100,
        description="Percent of requests answered without a server error over the window (runbook 000: authz-eb"
        " 99.9, subscriptions-contracts-eb 99.8); the error budget is the rest (99.9: 0.1 %).",
    )
    window_days: int = Field(
        default=30, ge=WINDOW_DAYS_RANGE[0], le=WINDOW_DAYS_RANGE[1],
        description="Days of the rolling window the objective holds over (7-90; the burn-rate pairs' budget"
        " fractions are of this window's budget).",
    )
    latency: LatencyObjective | None = Field(
        default=None,
        description="Optional latency objective: a share of requests under a response time, drawn on the service's"
        " dashboard (percentile rank of the load balancer's TargetResponseTime); not alarmed.",
    )

    @model_validator(mode="after")
    def _pages_can_fire(self) -> ServiceObjective:
        fastest = max(BURN_RATE_PAIRS, key=lambda pair: pair.burn_rate(self.window_days))
        threshold = burn_rate_threshold(self, fastest.burn_rate(self.window_days))
        if threshold >= 1:
            raise ValueError(
                f"availability: {format_number(self.availability)} % over {self.window_days} days makes the"
                f" {fastest.name} page's error ratio {format_number(threshold)}, which no service can exceed;"
                " raise availability or shorten window_days"
            )
        return self


def error_budget(objective: ServiceObjective) -> float:
    """The share of requests allowed to fail over the window: 1 - availability / 100 (99.9: 0.001)."""
    return round(1 - objective.availability / 100, DECIMALS)


def burn_rate_threshold(objective: ServiceObjective, burn_rate: float) -> float:
    """The error ratio at which the budget burns at ``burn_rate``: burn_rate x budget (99.9, 14.4: 0.0144)."""
    return round(burn_rate * error_budget(objective), DECIMALS)


@dataclass(frozen=True)
class BurnRatePair:
    """One alert of the multi-window scheme: ``budget_fraction`` of the window's budget spent within
    ``long_window`` seconds, confirmed by the same rate over ``short_window`` (1/12 of it: the alert resets
    soon after the burn stops)."""

    name: str
    budget_fraction: float
    long_window: int
    short_window: int
    severity: Severity
    source: str = WORKBOOK

    def burn_rate(self, window_days: int = 30) -> float:
        """fraction x window / long window: 2 % of 30 days in 1 h is 0.02 x 720 = 14.4."""
        return round(self.budget_fraction * window_days * DAY / self.long_window, DECIMALS)

    @property
    def signal(self) -> str:
        """The alarm's signal (runbook section ``#slo-burn-<name>``)."""
        return f"slo-burn-{self.name}"


# Workbook, "Alerting on SLOs", the approach "Multiwindow, Multi-Burn-Rate Alerts" (its recommended parameters for a
# 99.9 % SLO; the corpus here holds no copy of the page, the figures are the and the Workbook's):
# page on 2 % of the budget in 1 h (14.4x) or 5 % in 6 h (6x), ticket on 10 % in 3 days (1x); each
# long window confirmed by a short one of 1/12 its length (5 min, 30 min, 6 h). In urgency order.
BURN_RATE_PAIRS: tuple[BurnRatePair, ...] = (
    BurnRatePair("fast", 0.02, 1 * HOUR, 5 * 60, Severity.critical),
    BurnRatePair("slow", 0.05, 6 * HOUR, 30 * 60, Severity.critical),
    BurnRatePair("ticket", 0.10, 3 * DAY, 6 * HOUR, Severity.warning),
)
PAIRS_BY_NAME = {pair.name: pair for pair in BURN_RATE_PAIRS}


def burn_rate_alarm_names(service_name: str) -> dict[str, tuple[str, str, str]]:
    """Per pair name, (composite, long-window child, short-window child) alarm names. The composite follows
    the alarm factory's ``<owner>-<signal>-<severity>`` (``authz-eb-slo-burn-fast-critical``); its children
    ``<owner>-<signal>-long`` and ``-short`` carry no actions."""
    return {
        pair.name: (
            f"{service_name}-{pair.signal}-{pair.severity.value}",
            f"{service_name}-{pair.signal}-long",
            f"{service_name}-{pair.signal}-short",
        )
        for pair in BURN_RATE_PAIRS
    }


def window_text(seconds: int) -> str:
    """``300`` -> ``5 min``, ``3600`` -> ``1 h``, ``259200`` -> ``3 days``."""
    if seconds % DAY == 0:
        days = seconds // DAY
        return f"{days} day{'s' if days > 1 else ''}"
    if seconds % HOUR == 0:
        return f"{seconds // HOUR} h"
    return f"{seconds // 60} min"
