"""The service unit: what every kind of service shares, whatever declares it.

- ``ServiceAlarms``: the alarms watching a service from inside, i.e. its family's (an Elastic
  Beanstalk service's: ``components/beanstalk/monitoring.py``) and the service's own custom metric
  alarms, every alarm through the ``AlarmFactory``;
- ``service_section``: the service's dashboard section, a header, its family's widgets, its Route 53
  health check, its custom metrics and the status of its alarms.

What a kind contributes is a ``FamilyMonitoring`` (the program's dispatch table chooses it by
``service.kind``); a kind with nothing to watch from inside (``external``) contributes none.

Custom metrics published without a service dimension (``Symphonia/Production ErrorCount``) describe
the whole platform, not one service: ``PlatformAlarms`` declares ``estate.platform_alarms`` under
their estate-level owner, through the same factory and the same custom-metric settings, and
``platform_section`` shows them on the overview dashboards that name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.common import type_token
from components.dashboards import Section, Widget, alarm_status, graph, text, threshold_lines
from components.healthchecks.check import health_check_widgets
from data.model import Estate, MetricAlarm, PlatformMetricAlarm, Service


class FamilyMonitoring(Protocol):
    """What a service's family watches from inside: its alarms and its part of the dashboard section."""

    def alarms(self, parent: pulumi.Resource, factory: AlarmFactory) -> list[aws.cloudwatch.MetricAlarm]: ...

    def header(self, region: str) -> list[str]: ...

    def widgets(self, region: str) -> list[Widget]: ...


def custom_alarm_settings(custom: MetricAlarm) -> dict:
    """The factory's arguments for an alarm on an application metric (a service's or the platform's)."""
    percentile = custom.statistic.startswith("p")
    return dict(
        what=custom.description or f"{custom.namespace} {custom.metric} ({custom.statistic})",
        unit="", namespace=custom.namespace, metric_name=custom.metric,
        statistic=None if percentile else custom.statistic,
        extended_statistic=custom.statistic if percentile else None,
        dimensions=dict(custom.dimensions) or None,
        period=custom.period, evaluation_periods=custom.evaluation_periods,
        treat_missing_data=custom.treat_missing_data,
    )


def custom_metric_widget(custom: MetricAlarm, region: str) -> Widget:
    """A custom metric alarm's graph: the metric as the alarm reads it, with the alarm's levels."""
    dims = [part for key, value in sorted(custom.dimensions.items()) for part in (key, value)]
    return graph(
        f"{custom.namespace} {custom.metric}", region,
        [[custom.namespace, custom.metric, *dims, {"label": custom.metric}]],
        stat=custom.statistic, period=custom.period, annotations=threshold_lines(custom.threshold),
    )


@dataclass(frozen=True)
class ServiceAlarmsArgs:
    """The service, its family's monitoring (None when the kind watches nothing from inside), the factory."""

    service: Service
    alarms: AlarmFactory
    family: FamilyMonitoring | None = None


class ServiceAlarms(pulumi.ComponentResource):
    """The alarms watching one service from inside: its family's, then its custom metric alarms."""

    def __init__(self, name: str, args: ServiceAlarmsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("alarms", "ServiceAlarms"), name, None, opts)
        service, factory = args.service, args.alarms
        self.alarms: list[aws.cloudwatch.MetricAlarm] = []
        if args.family is not None:
            self.alarms += args.family.alarms(self, factory)
        for custom in service.metric_alarms:
            self.alarms += factory.threshold_alarms(self, service.name, custom.signal, custom.threshold, **custom_alarm_settings(custom))
        self.register_outputs({"alarms": [alarm.arn for alarm in self.alarms]})


def service_section(
    estate: Estate, service: Service, family: FamilyMonitoring | None = None, alarm_arns: list | None = None,
    health_check_id: pulumi.Input[str] | None = None, objective: list[Widget] | None = None,
) -> Section:
    """Header, the family's widgets, the health check, custom metrics, the objective's widgets (error budget,
    burn rate, burn-rate alerts: ``components.slo.monitoring``), alarm status."""
    region = estate.region
    lines = [f"# {service.name}", service.description, *(family.header(region) if family else [])]
    if service.public_url:
        lines.append(f"Public URL {service.public_url}{service.health_check.path}")
    lines.append(f"[Runbook]({estate.runbook_url}#{service.name})")
    section = Section([text("\n\n".join(line for line in lines if line))])
    if family is not None:
        section.widgets += family.widgets(region)
    if health_check_id is not None:
        section.widgets += health_check_widgets(health_check_id, region)
    section.widgets += [custom_metric_widget(custom, region) for custom in service.metric_alarms]
    section.widgets += objective or []
    if alarm_arns:
        section.widgets += alarm_status(f"{service.name} alarms", alarm_arns)
    return section


@dataclass(frozen=True)
class PlatformAlarmsArgs:
    """One estate-level owner, the platform alarms declared (those of other owners are skipped), the factory."""

    owner: str
    declared: list[PlatformMetricAlarm]
    alarms: AlarmFactory


class PlatformAlarms(pulumi.ComponentResource):
    """The alarms of one estate-level owner (e.g. ``symphonia-platform``) on platform-wide metrics."""

    def __init__(self, name: str, args: PlatformAlarmsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("alarms", "PlatformAlarms"), name, None, opts)
        self.owner = args.owner
        self.declared = [alarm for alarm in args.declared if alarm.owner == args.owner]
        self.alarms: list[aws.cloudwatch.MetricAlarm] = []
        self.by_signal: dict[str, list[aws.cloudwatch.MetricAlarm]] = {}
        for custom in self.declared:
            levels = args.alarms.threshold_alarms(self, self.owner, custom.signal, custom.threshold, **custom_alarm_settings(custom))
            self.by_signal[custom.signal] = levels
            self.alarms += levels
        self.register_outputs({"alarms": [alarm.arn for alarm in self.alarms]})


def platform_owners(estate: Estate) -> list[str]:
    """The estate-level owners of platform alarms, in declaration order."""
    return list(dict.fromkeys(alarm.owner for alarm in estate.platform_alarms))


def platform_section(estate: Estate, board_name: str, alarm_arns: dict[tuple[str, str], list]) -> Section | None:
    """The overview dashboard's platform alarms: one graph per metric with its levels, and their status.
    ``alarm_arns`` maps (owner, signal) to the alarms' ARNs. None when the board shows no platform alarm."""
    shown = [alarm for alarm in estate.platform_alarms if board_name in alarm.dashboards]
    if not shown:
        return None
    owners = list(dict.fromkeys(alarm.owner for alarm in shown))
    widgets = [text(f"# Platform alarms\n\nMetrics published by every service without a service dimension; owner {', '.join(owners)}")]
    widgets += [custom_metric_widget(custom, estate.region) for custom in shown]
    arns = [arn for custom in shown for arn in alarm_arns.get((custom.owner, custom.signal), [])]
    if arns:
        widgets += alarm_status("Platform alarms", arns)
    return Section(widgets)
