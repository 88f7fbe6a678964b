"""CloudWatch dashboards: the grid only. Each family builds its own section (Elastic Beanstalk:
``components/beanstalk/monitoring.py``; a service's header, health check and custom metrics:
``components/service_alarms.py``); this module places sections on pages.

Layout follows cdk-monitoring-constructs: a 24-column grid with named widths, each section opening
with a header text widget. Bodies are deterministic JSON (sorted keys). A dashboard that would
exceed CloudWatch's limits (500 widgets, 2,500 metrics) is split into ``<name>``, ``<name>-2``, ...
at section boundaries (inside a section only when one section alone is too big).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common import child, type_token
from data.catalogue.cloudwatch import (
    ALARM_WIDGET_MAX_ALARMS, DASHBOARD_GRID_COLUMNS, DASHBOARD_MAX_METRICS, DASHBOARD_MAX_WIDGETS,
)
from data.catalogue.metrics import Metric
from data.model import Estate, OverviewDashboard, Threshold

GRID_COLUMNS = DASHBOARD_GRID_COLUMNS
FULL, HALF, THIRD, QUARTER = GRID_COLUMNS, GRID_COLUMNS // 2, GRID_COLUMNS // 3, GRID_COLUMNS // 4
HEADER_HEIGHT, GRAPH_HEIGHT, ALARMS_HEIGHT = 2, 6, 4
MAX_WIDGETS = DASHBOARD_MAX_WIDGETS
MAX_METRICS = DASHBOARD_MAX_METRICS
MAX_ALARMS_PER_WIDGET = ALARM_WIDGET_MAX_ALARMS


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


def metric_line(metric: Metric, dimensions: Mapping[str, Any], options: Mapping[str, Any] | None = None) -> list:
    """A catalogue metric as a widget line: namespace, name, its own dimensions (picked from
    ``dimensions``, in the catalogue's order) and the line's options."""
    pairs = [part for name, value in metric.dimension_values(dict(dimensions)).items() for part in (name, value)]
    return [metric.namespace, metric.name, *pairs, dict(options or {})]


def threshold_lines(threshold: Threshold | None, **extra: Any) -> list[dict]:
    """A threshold's levels as horizontal annotations (warning first), the alarm's own values."""
    if threshold is None:
        return []
    return [{"label": severity.value, "value": value, **extra} for severity, value in threshold.levels()]


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


class _Slot(int):
    """Where an Output stood in a dashboard body: its index among the body's Outputs."""


def dashboard_body(widgets: list[dict[str, Any]]) -> pulumi.Output[str]:
    """The body as compact, key-sorted JSON. Its Outputs (environment names, load balancer
    dimensions) are resolved with one ``Output.all`` before the structure is serialised:
    ``Output.json_dumps`` lifts every list and mapping that holds an Output into an Output of its own,
    some 800 extra Outputs on prod's two largest dashboards (measured with ``make bench``). Same
    JSON, same dependencies, same secrecy and unknown-ness as ``json_dumps``."""
    outputs: list[pulumi.Output[Any]] = []

    def hollow(node: Any) -> Any:
        if isinstance(node, pulumi.Output):
            outputs.append(node)
            return _Slot(len(outputs) - 1)
        if isinstance(node, Mapping):
            return {key: hollow(value) for key, value in node.items()}
        if isinstance(node, (list, tuple)):
            return [hollow(value) for value in node]
        return node

    def fill(node: Any, values: list[Any]) -> Any:
        if isinstance(node, _Slot):
            return values[node]
        if isinstance(node, dict):
            return {key: fill(value, values) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(value, values) for value in node]
        return node

    template = hollow({"widgets": widgets})
    return pulumi.Output.all(*outputs).apply(
        lambda values: json.dumps(fill(template, list(values)), sort_keys=True, separators=(",", ":"))
    )


def page_names(name: str, count: int) -> list[str]:
    return [name] + [f"{name}-{i}" for i in range(2, count + 1)]


@dataclass
class DashboardSetArgs:
    """The dashboard's name and its sections, in order (each family builds its own)."""

    dashboard_name: str
    sections: list[Section]


class DashboardSet(pulumi.ComponentResource):
    """One logical dashboard, as many CloudWatch dashboards as its size needs."""

    def __init__(self, name: str, args: DashboardSetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("dashboards", "DashboardSet"), name, None, opts)
        pages = paginate(args.sections)
        self.dashboards = [
            aws.cloudwatch.Dashboard(
                page_name,
                dashboard_name=page_name,
                dashboard_body=dashboard_body(layout(widgets)),
                opts=child(self),
            )
            for page_name, widgets in zip(page_names(args.dashboard_name, len(pages)), pages)
        ]
        self.register_outputs({"dashboards": [d.dashboard_name for d in self.dashboards]})
