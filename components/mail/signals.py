"""The signals of the SES domain: the account's reputation, one row each (alarms, dashboard lines).

Reputation metrics are account-wide fractions, updated a few times an hour; SES reviews an account at
5 % bounces / 0.1 % complaints (``data.catalogue.ses``), so the estate warns below and pages at those
levels, inclusive (``>=``, as SES's alarm procedure compares). No mail sent means no datapoint: the alarm keeps its state (``ignore``, as SES's alarm procedure
says), so a quiet period neither raises nor resolves a page.
"""

from __future__ import annotations

from components.signals import Signal, SignalTable
from data.catalogue import ses

SIGNALS = SignalTable("mail", "mail domain", (
    Signal("bounce-rate", "bounce_rate", "SES account bounce rate (fraction)", "",
           metric=ses.REPUTATION_BOUNCE_RATE, statistic="Maximum", period=900, evaluation_periods=1,
           treat_missing_data=ses.ALARM_TREAT_MISSING_DATA, inclusive=ses.ALARM_INCLUSIVE),
    Signal("complaint-rate", "complaint_rate", "SES account complaint rate (fraction)", "",
           metric=ses.REPUTATION_COMPLAINT_RATE, statistic="Maximum", period=900, evaluation_periods=1,
           treat_missing_data=ses.ALARM_TREAT_MISSING_DATA, inclusive=ses.ALARM_INCLUSIVE),
))
