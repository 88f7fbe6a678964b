"""What watches the Atlas cluster: its alert configurations, from ``components/atlas/alerts.py``.

Atlas cannot publish to SNS, so an alert notifies the same people the estate's alert topics reach:
the email and SMS subscribers of that severity (https subscribers are paging/chat relays expecting
SNS's format, which Atlas webhooks do not send), and, for critical alerts, PagerDuty through Atlas's
own PagerDuty notification (``atlas.pagerduty``: its service key a secret reference, never plaintext).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pulumi
import pulumi_mongodbatlas as mongodbatlas

from components.atlas.alerts import ALERTS, AtlasAlert
from components.common import child
from data.catalogue import atlas
from data.model import Atlas, Severity, Subscription

CHANNELS = {"email": (atlas.NOTIFY_EMAIL, "email_address"), "sms": (atlas.NOTIFY_SMS, "mobile_number")}


def notifications(alert: AtlasAlert, severity: Severity, subscriptions: list[Subscription],
                  pager_key: pulumi.Input[str] | None = None) -> list:
    """Email subscribers of ``severity`` first, then SMS ones, then (critical only, when a service key
    is given) PagerDuty; refuses an alert nobody would receive."""
    found = [
        mongodbatlas.AlertConfigurationNotificationArgs(
            type_name=type_name, interval_min=alert.interval_min, delay_min=alert.delay_min, **{field: s.endpoint},
        )
        for protocol, (type_name, field) in CHANNELS.items()
        for s in subscriptions
        if s.protocol == protocol and severity in s.severities
    ]
    if severity == Severity.critical and pager_key is not None:
        # No interval_min: PagerDuty owns the repeat (data.catalogue.atlas.NOTIFY_PAGER_DUTY).
        found.append(mongodbatlas.AlertConfigurationNotificationArgs(
            type_name=atlas.NOTIFY_PAGER_DUTY, service_key=pulumi.Output.secret(pager_key), delay_min=alert.delay_min,
        ))
    if not found:
        raise ValueError(f"no email or sms subscriber receives {severity.value}: Atlas alert {alert.name} would notify nobody")
    return found


def replica_set_name(connection_strings: Any) -> str:
    """The replica set of a REPLICASET cluster, from the ``replicaSet`` option of its standard
    connection string (``data.catalogue.atlas.REPLICA_SET_SOURCE``): host alerts match the cluster's
    hosts by it (``CLUSTER_NAME`` is not a host matcher field). Refuses a string without it rather
    than declare an alert that matches no host."""
    value = connection_strings[0] if isinstance(connection_strings, list) and connection_strings else connection_strings
    standard = (value.get("standard") if isinstance(value, dict) else getattr(value, "standard", None)) or ""
    names = parse_qs(urlsplit(standard).query).get("replicaSet") or []
    if len(names) != 1 or not names[0]:
        raise ValueError(f"the cluster's standard connection string has no replicaSet option: {standard!r}")
    return names[0]


def alert_configurations(parent: pulumi.Resource, model: Atlas, project_id, subscriptions: list[Subscription],
                         connection_strings: pulumi.Input[Any] = None, pager_key: pulumi.Input[str] | None = None) -> list:
    """One alert configuration per row and declared level, on the hosts of the cluster's replica set
    (``connection_strings``: the cluster's output); critical ones also page (``pager_key``: the value
    of ``model.pagerduty.service_key``)."""
    replica_set = pulumi.Output.from_input(connection_strings).apply(replica_set_name)
    created = []
    for alert in ALERTS:
        threshold = getattr(model, alert.threshold_key)
        for severity, value in threshold.levels():
            created.append(mongodbatlas.AlertConfiguration(
                f"{model.cluster}-{alert.name}-{severity.value}",
                project_id=project_id,
                event_type=atlas.OUTSIDE_METRIC_THRESHOLD,
                enabled=True,
                severity_override=atlas.SEVERITIES[severity.value],
                matchers=[
                    mongodbatlas.AlertConfigurationMatcherArgs(field_name=field, operator=atlas.MATCH_EQUALS, value=value_)
                    for field, value_ in ((atlas.MATCH_REPLICA_SET, replica_set), *alert.matchers)
                ],
                metric_threshold_config=mongodbatlas.AlertConfigurationMetricThresholdConfigArgs(
                    metric_name=alert.metric.name,
                    operator=atlas.OPERATORS[threshold.direction],
                    threshold=value,
                    units=alert.metric.units,
                    mode=atlas.MODE_AVERAGE,
                ),
                notifications=notifications(alert, severity, subscriptions, pager_key),
                opts=child(parent, additional_secret_outputs=["notifications"]) if pager_key is not None else child(parent),
            ))
    return created
