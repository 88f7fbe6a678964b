"""The signal of an ACM certificate the estate uses: one row (its alarms, its runbook section).

The load balancers' certificate (runbook 000, monthly checklist: "Certificats SSL ... valides (> 30
jours)"): the lowest DaysToExpiry of the day. ACM renews DNS-validated certificates ahead of expiry,
so falling under 30 days means a renewal failed. The metric is daily: one period of a day; a day
without data keeps the alarm's state (ACM publishes once a day, not at a fixed time).
"""

from __future__ import annotations

from components.signals import Signal, SignalTable
from data.catalogue import acm

SIGNALS = SignalTable("acm", "certificate", (
    Signal(
        "certificate-expiry", "certificate_expiry_days",
        f"Days before the load balancers' ACM certificate expires ({acm.NAMESPACE} {acm.DAYS_TO_EXPIRY.name})", " days",
        metric=acm.DAYS_TO_EXPIRY, statistic="Minimum", period=acm.PUBLISHING_PERIOD, evaluation_periods=1,
        treat_missing_data="missing",
    ),
))
