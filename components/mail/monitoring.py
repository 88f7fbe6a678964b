"""What watches the SES domain: the reputation alarms and the dashboard section, from the signal table
(``components/mail/signals.py``)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.dashboards import HALF, Section, alarm_status
from components.mail.signals import SIGNALS
from components.sections import header, metric_line, signal_graph
from data.catalogue import ses
from data.catalogue.regions import metric_region
from data.model import Estate, Mail


def slug(value: str) -> str:
    """``noreply@symphonia.fr`` -> ``noreply-at-symphonia-fr`` (resource names, alarm owners)."""
    return value.replace("@", "-at-").replace(".", "-").lower()


def owner_of(mail: Mail) -> str:
    """The owner of the domain's alarms (``ses-symphonia-fr``)."""
    return f"ses-{slug(mail.domain)}"


def reputation_alarms(parent: pulumi.Resource, factory: AlarmFactory, owner: str, mail: Mail) -> list[aws.cloudwatch.MetricAlarm]:
    """One alarm per signal and declared level (the metrics have no dimension: the whole account)."""
    alarms: list[aws.cloudwatch.MetricAlarm] = []
    for signal in SIGNALS:
        alarms += factory.signal_alarms(parent, owner, signal, getattr(mail, signal.threshold_key))
    return alarms


def ses_section(estate: Estate, board_services: list[str], factory: AlarmFactory) -> Section | None:
    """SES on an overview board whose services send mail: the account's reputation with the alarms'
    levels and SES's review levels, then the domain's alarm status. None when no service sends mail."""
    mail = estate.mail
    users = [s.name for s in estate.services if s.name in board_services and s.uses_mail]
    if mail is None or not users:
        return None
    owner = owner_of(mail)
    widgets = [header(
        f"Mail {mail.domain}",
        [f"SES account reputation in {estate.region}, used by {', '.join(users)}: fractions (0.05 is 5 %); "
         f"SES reviews an account at {ses.BOUNCE_RATE_REVIEW:g} bounces or {ses.COMPLAINT_RATE_REVIEW:g} complaints."],
        list(SIGNALS), estate.runbook_url,
    )]
    for signal in SIGNALS:
        widgets.append(signal_graph(
            signal, metric_region(signal.namespace, estate.region), [metric_line(signal, {}, signal.metric.name)],
            getattr(mail, signal.threshold_key), width=HALF,
        ))
    arns = [alarm.arn for alarm in factory.alarms_of(owner)]
    if arns:
        widgets += alarm_status(f"{owner} alarms", arns)
    return Section(widgets)
