"""Per-service alarms, warning and critical, from ``service.thresholds`` (and the custom metric alarms).

One method per signal, each saying which metric it watches and why that one; every alarm goes
through the ``AlarmFactory``. Corrections of the runbooks (docs/seed-decisions.md):
- CPU is ``AWS/EC2 CPUUtilization`` by the environment's Auto Scaling group (``AWS/ElasticBeanstalk``
  publishes no CPUUtilization; seed 000 alarm 1).
- EnvironmentHealth alarms when it *reaches* 15 (Warning) / 20 (Degraded) (seed 000's
  ``LessThanThreshold 15`` fires when the environment is healthy).
- RootFilesystemUtil is an instance metric (dimensions EnvironmentName + InstanceId); instances
  come and go, so the alarm is a Metrics Insights query taking the MAX over the environment's
  instances (SEARCH is not allowed in alarms; Metrics Insights is).

Custom metrics published without a service dimension (``Symphonia/Production ErrorCount``) describe
the whole platform, not one service: ``PlatformAlarms`` declares ``estate.platform_alarms`` under
their estate-level owner, through the same factory and the same custom-metric settings, and
``platform_section`` shows them on the overview dashboards that name them.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.common import type_token
from components.dashboards import Section, alarm_status, graph, text
from data.model import Estate, MetricAlarm, PlatformMetricAlarm, Service

EB = "AWS/ElasticBeanstalk"
MetricQuery = aws.cloudwatch.MetricAlarmMetricQueryArgs
MetricStat = aws.cloudwatch.MetricAlarmMetricQueryMetricArgs


def error_rate_queries(environment_name: pulumi.Input[str], period: int) -> list[MetricQuery]:
    """5xx as a percentage of requests; FILL(…, 0) on the 5xx count and IF on the total avoid a
    division by zero when there is no traffic (the result is then missing, not an error)."""
    dims = {"EnvironmentName": environment_name}
    return [
        MetricQuery(id="errors", return_data=False, metric=MetricStat(
            namespace=EB, metric_name="ApplicationRequests5xx", stat="Sum", period=period, dimensions=dims)),
        MetricQuery(id="requests", return_data=False, metric=MetricStat(
            namespace=EB, metric_name="ApplicationRequestsTotal", stat="Sum", period=period, dimensions=dims)),
        MetricQuery(id="rate", return_data=True, label="5xx error rate (%)",
                    expression="IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)"),
    ]


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


def root_filesystem_query(environment_name: str, period: int) -> list[MetricQuery]:
    """The fullest root filesystem among the environment's current instances (Metrics Insights)."""
    query = (
        f'SELECT MAX(RootFilesystemUtil) FROM SCHEMA("{EB}", EnvironmentName, InstanceId)'
        f" WHERE EnvironmentName = '{environment_name}'"
    )
    return [MetricQuery(id="disk", return_data=True, label="Fullest root filesystem (%)", expression=query, period=period)]


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
            self._cpu(autoscaling_group)
            self._environment_health(environment_name)
            self._error_rate(environment_name)
            self._latency(environment_name)
            self._root_filesystem(environment_name)
        for custom in service.metric_alarms:
            self._custom(custom)
        self.register_outputs({"alarms": [alarm.arn for alarm in self.alarms]})

    def _levels(self, signal: str, threshold, **kwargs) -> None:
        self.alarms += self._factory.threshold_alarms(self, self._service.name, signal, threshold, **kwargs)

    def _cpu(self, autoscaling_group) -> None:
        self._levels(
            "cpu", self._service.thresholds.cpu,
            what="Average CPU of the environment's instances (AWS/EC2 CPUUtilization by Auto Scaling group)",
            unit="%", namespace="AWS/EC2", metric_name="CPUUtilization", statistic="Average",
            dimensions={"AutoScalingGroupName": autoscaling_group},
            period=300, evaluation_periods=2, treat_missing_data="missing",
        )

    def _environment_health(self, environment_name) -> None:
        # 0 OK, 1 Info, 5 Unknown, 10 No data, 15 Warning, 20 Degraded, 25 Severe: levels, so >=.
        self._levels(
            "health", self._service.thresholds.health,
            what="Elastic Beanstalk EnvironmentHealth (15 Warning, 20 Degraded, 25 Severe)",
            unit="", inclusive=True, namespace=EB, metric_name="EnvironmentHealth", statistic="Maximum",
            dimensions={"EnvironmentName": environment_name},
            period=60, evaluation_periods=5, datapoints_to_alarm=3, treat_missing_data="breaching",
        )

    def _error_rate(self, environment_name) -> None:
        self._levels(
            "5xx-rate", self._service.thresholds.error_rate_5xx,
            what="5xx responses as a percentage of requests (100 * ApplicationRequests5xx / ApplicationRequestsTotal)",
            unit="%", metric_queries=error_rate_queries(environment_name, 300),
            evaluation_periods=2, treat_missing_data="notBreaching",
        )

    def _latency(self, environment_name) -> None:
        self._levels(
            "latency-p95", self._service.thresholds.latency_p95,
            what="95th percentile of request latency (ApplicationLatencyP95)",
            unit="s", namespace=EB, metric_name="ApplicationLatencyP95", statistic="Maximum",
            dimensions={"EnvironmentName": environment_name},
            period=300, evaluation_periods=2, treat_missing_data="notBreaching",
        )

    def _root_filesystem(self, environment_name) -> None:
        self._levels(
            "root-filesystem", self._service.thresholds.root_filesystem,
            what="Fullest root filesystem among the instances (RootFilesystemUtil, MAX by Metrics Insights)",
            unit="%", metric_queries=root_filesystem_query(self._service.environment_name, 300),
            evaluation_periods=2, treat_missing_data="missing",
        )

    def _custom(self, custom: MetricAlarm) -> None:
        self._levels(custom.signal, custom.threshold, **custom_alarm_settings(custom))


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
