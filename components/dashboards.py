"""CloudWatch dashboards: one per service, and the runbooks' overview dashboards.

Layout follows cdk-monitoring-constructs: a 24-column grid with named widths, each service section
opening with a header text widget. Bodies are deterministic JSON (sorted keys). A dashboard that
would exceed CloudWatch's limits (500 widgets, 2,500 metrics) is split into ``<name>``,
``<name>-2``, ... at section boundaries (inside a section only when one section alone is too big).

Corrections of the runbooks' dashboards (estate-inventory C): every metric carries its dimensions
(``EnvironmentName``), CPU comes from ``AWS/EC2`` by Auto Scaling group, and EnvironmentHealth (a
0-25 level) never shares an axis with instance counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common import child, type_token
from data.catalogue.cloudwatch import (
    ALARM_WIDGET_MAX_ALARMS, DASHBOARD_GRID_COLUMNS, DASHBOARD_MAX_METRICS, DASHBOARD_MAX_WIDGETS,
)
from data.model import Estate, OverviewDashboard, Service

GRID_COLUMNS = DASHBOARD_GRID_COLUMNS
FULL, HALF, THIRD, QUARTER = GRID_COLUMNS, GRID_COLUMNS // 2, GRID_COLUMNS // 3, GRID_COLUMNS // 4
HEADER_HEIGHT, GRAPH_HEIGHT, ALARMS_HEIGHT = 2, 6, 4
MAX_WIDGETS = DASHBOARD_MAX_WIDGETS
MAX_METRICS = DASHBOARD_MAX_METRICS
MAX_ALARMS_PER_WIDGET = ALARM_WIDGET_MAX_ALARMS
EB = "AWS/ElasticBeanstalk"
HEALTH_CHECK_REGION = "us-east-1"


@dataclass
class Widget:
    type: str
    width: int
    height: int
    properties: dict[str, Any]

    @property
    def metric_count(self) -> int:
        return len(self.properties.get("metrics", []))

    def placed(self, x: int, y: int) -> dict[str, Any]:
        return {"type": self.type, "x": x, "y": y, "width": self.width, "height": self.height, "properties": self.properties}


@dataclass
class Section:
    """A titled group of widgets (one service, or the business metrics)."""

    widgets: list[Widget] = field(default_factory=list)


def text(markdown: str, width: int = FULL, height: int = HEADER_HEIGHT) -> Widget:
    return Widget("text", width, height, {"markdown": markdown})


def graph(title: str, region: str, metrics: list, *, width: int = HALF, stat: str = "Average", period: int = 300,
          y_axis: dict | None = None, annotations: list | None = None) -> Widget:
    properties: dict[str, Any] = {
        "title": title, "region": region, "metrics": metrics, "view": "timeSeries",
        "stat": stat, "period": period, "stacked": False,
    }
    if y_axis:
        properties["yAxis"] = y_axis
    if annotations:
        properties["annotations"] = {"horizontal": annotations}
    return Widget("metric", width, GRAPH_HEIGHT, properties)


def alarm_status(title: str, alarm_arns: list) -> list[Widget]:
    """Alarm status widgets (CloudWatch shows at most 100 alarms in one)."""
    chunks = [alarm_arns[i : i + MAX_ALARMS_PER_WIDGET] for i in range(0, len(alarm_arns), MAX_ALARMS_PER_WIDGET)]
    return [
        Widget("alarm", FULL, ALARMS_HEIGHT, {"title": title if i == 0 else f"{title} ({i + 1})", "alarms": chunk, "sortBy": "stateUpdatedTimestamp"})
        for i, chunk in enumerate(chunks)
    ]


def _levels(threshold) -> list[dict]:
    return [{"label": severity.value, "value": value} for severity, value in threshold.levels()]


def service_section(estate: Estate, service: Service, autoscaling_group=None, alarm_arns=None,
                    health_check_id=None) -> Section:
    """Header, health, requests and errors, latency, CPU and disk, custom metrics, alarm status."""
    region = estate.region
    section = Section()
    lines = [f"# {service.name}", service.description]
    if service.kind == "beanstalk":
        lines.append(f"Elastic Beanstalk environment `{service.environment_name}` in {region}")
    if service.public_url:
        lines.append(f"Public URL {service.public_url}{service.health_check.path}")
    lines.append(f"[Runbook]({estate.runbook_url}#{service.name})")
    section.widgets.append(text("\n\n".join(line for line in lines if line)))
    thresholds = service.thresholds
    if service.kind == "beanstalk":
        env = ["EnvironmentName", service.environment_name]
        section.widgets.append(graph(
            "Health", region,
            [[EB, "EnvironmentHealth", *env, {"stat": "Maximum", "label": "EnvironmentHealth (0 OK .. 25 Severe)"}],
             [EB, "InstancesOk", *env, {"yAxis": "right", "label": "Instances OK"}],
             [EB, "InstancesDegraded", *env, {"yAxis": "right", "label": "Instances degraded"}],
             [EB, "InstancesSevere", *env, {"yAxis": "right", "label": "Instances severe"}]],
            y_axis={"left": {"min": 0, "max": 25}, "right": {"min": 0}}, annotations=_levels(thresholds.health),
        ))
        section.widgets.append(graph(
            "Requests and errors", region,
            [[EB, "ApplicationRequestsTotal", *env, {"id": "requests", "stat": "Sum", "label": "Requests"}],
             [EB, "ApplicationRequests4xx", *env, {"stat": "Sum", "label": "4xx"}],
             [EB, "ApplicationRequests5xx", *env, {"id": "errors", "stat": "Sum", "label": "5xx"}],
             [{"expression": "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)", "id": "rate",
               "label": "5xx rate (%)", "yAxis": "right"}]],
            stat="Sum", annotations=[{**level, "yAxis": "right"} for level in _levels(thresholds.error_rate_5xx)],
        ))
        section.widgets.append(graph(
            "Latency (s)", region,
            [[EB, "ApplicationLatencyP50", *env, {"label": "p50"}],
             [EB, "ApplicationLatencyP95", *env, {"label": "p95"}],
             [EB, "ApplicationLatencyP99", *env, {"label": "p99"}]],
            stat="Maximum", annotations=_levels(thresholds.latency_p95),
        ))
        cpu = ["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", autoscaling_group, {"label": "CPU (%)"}]
        disk = {"expression": (f'SELECT MAX(RootFilesystemUtil) FROM SCHEMA("{EB}", EnvironmentName, InstanceId)'
                               f" WHERE EnvironmentName = '{service.environment_name}'"),
                "id": "disk", "label": "Fullest root filesystem (%)"}
        section.widgets.append(graph(
            "CPU and disk (%)", region, [cpu, [disk]], y_axis={"left": {"min": 0, "max": 100}},
            annotations=_levels(thresholds.cpu),
        ))
    if health_check_id is not None:
        section.widgets.append(graph(
            "External health check (Route 53)", HEALTH_CHECK_REGION,
            [["AWS/Route53", "HealthCheckStatus", "HealthCheckId", health_check_id, {"stat": "Minimum", "label": "Healthy (1)"}],
             ["AWS/Route53", "HealthCheckPercentageHealthy", "HealthCheckId", health_check_id,
              {"yAxis": "right", "label": "Checkers reporting healthy (%)"}]],
            period=60, y_axis={"left": {"min": 0, "max": 1}, "right": {"min": 0, "max": 100}},
        ))
    for custom in service.metric_alarms:
        dims = [part for key, value in sorted(custom.dimensions.items()) for part in (key, value)]
        section.widgets.append(graph(
            f"{custom.namespace} {custom.metric}", region,
            [[custom.namespace, custom.metric, *dims, {"label": custom.metric}]],
            stat=custom.statistic, period=custom.period, annotations=_levels(custom.threshold),
        ))
    if alarm_arns:
        section.widgets += alarm_status(f"{service.name} alarms", alarm_arns)
    return section


def business_section(estate: Estate, board: OverviewDashboard) -> Section:
    """The runbook's "Platform Activity" widget: the app publishes these metrics without dimensions."""
    metrics = board.business_metrics
    return Section([
        text(f"# Platform activity\n\n`{metrics.namespace}`, published by the services (no dimensions)"),
        graph("Platform activity", estate.region, [[metrics.namespace, name, {"label": name}] for name in metrics.metrics],
              width=FULL, stat=metrics.statistic, period=metrics.period),
    ])


def paginate(sections: list[Section], max_widgets: int = MAX_WIDGETS, max_metrics: int = MAX_METRICS) -> list[list[Widget]]:
    """Pages of widgets within the limits, cut between sections whenever a section fits whole."""
    pages: list[list[Widget]] = [[]]

    def size(widgets: list[Widget]) -> tuple[int, int]:
        return len(widgets), sum(w.metric_count for w in widgets)

    def fits(page: list[Widget], more: list[Widget]) -> bool:
        count, metrics = size(page + more)
        return count <= max_widgets and metrics <= max_metrics

    for section in sections:
        if fits(pages[-1], section.widgets):
            pages[-1].extend(section.widgets)
            continue
        if pages[-1] and fits([], section.widgets):
            pages.append(list(section.widgets))
            continue
        for widget in section.widgets:  # a section too big for one dashboard: cut inside it
            if widget.metric_count > max_metrics:
                raise ValueError(f"a widget with {widget.metric_count} metrics exceeds the dashboard limit")
            if not fits(pages[-1], [widget]):
                pages.append([])
            pages[-1].append(widget)
    return [page for page in pages if page]


def layout(widgets: list[Widget]) -> list[dict[str, Any]]:
    """Left to right, top to bottom on the 24-column grid; a row is as tall as its tallest widget."""
    placed, x, y, row_height = [], 0, 0, 0
    for widget in widgets:
        if x + widget.width > GRID_COLUMNS:
            x, y, row_height = 0, y + row_height, 0
        placed.append(widget.placed(x, y))
        x += widget.width
        row_height = max(row_height, widget.height)
    return placed


def page_names(name: str, count: int) -> list[str]:
    return [name] + [f"{name}-{i}" for i in range(2, count + 1)]


class DashboardSet(pulumi.ComponentResource):
    """One logical dashboard, as many CloudWatch dashboards as its size needs."""

    def __init__(self, name: str, dashboard_name: str, sections: list[Section], region_opts: pulumi.ResourceOptions | None = None,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("dashboards", "DashboardSet"), name, None, opts)
        pages = paginate(sections)
        self.dashboards = [
            aws.cloudwatch.Dashboard(
                page_name,
                dashboard_name=page_name,
                dashboard_body=pulumi.Output.json_dumps({"widgets": layout(widgets)}, sort_keys=True, separators=(",", ":")),
                opts=child(self, region_opts),
            )
            for page_name, widgets in zip(page_names(dashboard_name, len(pages)), pages)
        ]
        self.register_outputs({"dashboards": [d.dashboard_name for d in self.dashboards]})
