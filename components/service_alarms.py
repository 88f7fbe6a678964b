"""Per-service alarms, warning and critical: the family's signal table (an Elastic Beanstalk service:
``components/beanstalk/signals.py``) and the service's own custom metric alarms, every alarm through
the ``AlarmFactory``.

Custom metrics published without a service dimension (``Symphonia/Production ErrorCount``) describe
the whole platform, not one service: ``PlatformAlarms`` declares ``estate.platform_alarms`` under
their estate-level owner, through the same factory and the same custom-metric settings, and
``platform_section`` shows them on the overview dashboards that name them.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.beanstalk.signals import SIGNALS as BEANSTALK_SIGNALS
from components.common import type_token
from components.dashboards import Section, alarm_status, graph, text
from data.model import Estate, MetricAlarm, PlatformMetricAlarm, Service


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


class ServiceAlarms(pulumi.ComponentResource):
    """The alarms watching one service from inside (Elastic Beanstalk and its instances)."""

    def __init__(
        self, name: str, service: Service, factory: AlarmFactory, *,
        environment_name: str | None = None, autoscaling_group: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(type_token("alarms", "ServiceAlarms"), name, None, opts)
        self._service = service
        self._factory = factory
        self.alarms: list[aws.cloudwatch.MetricAlarm] = []
        if service.kind == "beanstalk":
            dimensions = {"AutoScalingGroupName": autoscaling_group, "EnvironmentName": environment_name}
            for signal in BEANSTALK_SIGNALS:
                self.alarms += factory.signal_alarms(
                    self, service.name, signal, getattr(service.thresholds, signal.threshold_key),
                    dimensions=dimensions, literals={"EnvironmentName": service.environment_name},
                )
        for custom in service.metric_alarms:
            self._custom(custom)
        self.register_outputs({"alarms": [alarm.arn for alarm in self.alarms]})

    def _custom(self, custom: MetricAlarm) -> None:
        self.alarms += self._factory.threshold_alarms(self, self._service.name, custom.signal, custom.threshold, **custom_alarm_settings(custom))


class PlatformAlarms(pulumi.ComponentResource):
    """The alarms of one estate-level owner (e.g. ``symphonia-platform``) on platform-wide metrics."""

    def __init__(
        self, name: str, owner: str, alarms: list[PlatformMetricAlarm], factory: AlarmFactory,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(type_token("alarms", "PlatformAlarms"), name, None, opts)
        self.owner = owner
        self.declared = [alarm for alarm in alarms if alarm.owner == owner]
        self.alarms: list[aws.cloudwatch.MetricAlarm] = []
        self.by_signal: dict[str, list[aws.cloudwatch.MetricAlarm]] = {}
        for custom in self.declared:
            levels = factory.threshold_alarms(self, owner, custom.signal, custom.threshold, **custom_alarm_settings(custom))
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
    for custom in shown:
        dims = [part for key, value in sorted(custom.dimensions.items()) for part in (key, value)]
        widgets.append(graph(
            f"{custom.namespace} {custom.metric}", estate.region,
            [[custom.namespace, custom.metric, *dims, {"label": custom.metric}]],
            stat=custom.statistic, period=custom.period,
            annotations=[{"label": severity.value, "value": value} for severity, value in custom.threshold.levels()],
        ))
    arns = [arn for custom in shown for arn in alarm_arns.get((custom.owner, custom.signal), [])]
    if arns:
        widgets += alarm_status("Platform alarms", arns)
    return Section(widgets)
