"""What watches the SES domain: the reputation alarms, from the signal table (``components/mail/signals.py``)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.mail.signals import SIGNALS
from data.model import Mail


def reputation_alarms(parent: pulumi.Resource, factory: AlarmFactory, owner: str, mail: Mail) -> list[aws.cloudwatch.MetricAlarm]:
    """One alarm per signal and declared level (the metrics have no dimension: the whole account)."""
    alarms: list[aws.cloudwatch.MetricAlarm] = []
    for signal in SIGNALS:
        alarms += factory.signal_alarms(parent, owner, signal, getattr(mail, signal.threshold_key))
    return alarms
