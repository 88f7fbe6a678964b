"""Monitoring of an Elastic Beanstalk service, read from its signal table (``signals``):

- the alarms: one per row and declared level, through the alarm factory;
- the dashboard section: the widgets below draw the rows' own metric, metric math and Metrics
  Insights query (so the 5xx expression and the disk query are written once, in the table) with the
  rows' threshold lines; a row no widget draws gets a graph of its own;
- the enhanced-health metrics the environment must publish (``ENVIRONMENT_METRICS``,
  ``INSTANCE_METRICS``): what the rows and the widgets read, plus the complete status classes and
  instance states for the EB console's health page and ad-hoc investigation.

Corrections of the runbooks' dashboards (estate-inventory C): every metric carries its dimensions
(``EnvironmentName``), CPU comes from ``AWS/EC2`` by Auto Scaling group, and EnvironmentHealth (a
0-25 level) never shares an axis with instance counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.beanstalk.signals import QUEUE_OF, SIGNALS, applies_to
from components.dashboards import Widget, graph, metric_line, threshold_lines
from components.signals import MetricMath, MetricsInsights, Signal, SignalTable
from data.catalogue import beanstalk as eb
from data.catalogue.metrics import Metric
from data.model import Service

# -- widgets, as data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A catalogue metric drawn for context (no signal of the table reads it on this widget)."""

    metric: Metric
    options: Mapping[str, Any]


@dataclass(frozen=True)
class SignalLine:
    """A row of the table on a widget: its metric (with the row's statistic when the widget's
    differs), its Metrics Insights query, or its metric-math expression after the inputs that no
    ``InputLine`` placed earlier."""

    signal: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InputLine:
    """One input of a row's metric math, placed on the widget (id and statistic from the table)."""

    signal: str
    input: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Panel:
    """One graph of the section: its lines in order, and the row whose threshold lines it draws."""

    title: str
    lines: tuple[Line | SignalLine | InputLine, ...]
    annotate: str | None = None
    annotation_axis: str | None = None  # "right" when the thresholds belong to the right axis
    stat: str = "Average"
    period: int = 300
    y_axis: Mapping[str, Any] | None = None

    @property
    def signals(self) -> tuple[str, ...]:
        return tuple(line.signal for line in self.lines if isinstance(line, SignalLine))


RIGHT = {"yAxis": "right"}
PANELS = (
    Panel("Health", (
        SignalLine("health", {"label": f"{eb.ENVIRONMENT_HEALTH.name} (0 OK .. 25 Severe)"}),
        Line(eb.INSTANCES["Ok"], {**RIGHT, "label": "Instances OK"}),
        Line(eb.INSTANCES["Degraded"], {**RIGHT, "label": "Instances degraded"}),
        Line(eb.INSTANCES["Severe"], {**RIGHT, "label": "Instances severe"}),
    ), annotate="health", y_axis={"left": {"min": 0, "max": 25}, "right": {"min": 0}}),
    Panel("Requests and errors", (
        InputLine("5xx-rate", "requests", {"label": "Requests"}),
        Line(eb.APPLICATION_REQUESTS["4xx"], {"stat": "Sum", "label": "4xx"}),
        InputLine("5xx-rate", "errors", {"label": "5xx"}),
        SignalLine("5xx-rate", {"label": "5xx rate (%)", **RIGHT}),
    ), annotate="5xx-rate", annotation_axis="right", stat="Sum"),
    # What the load balancer answers itself (502/503/504 with no healthy target) never reaches EB's counts.
    Panel("Load balancer requests and 5xx", (
        InputLine("lb-5xx-rate", "requests", {"label": "Requests (ALB)"}),
        InputLine("lb-5xx-rate", "errors", {"label": "5xx from the ALB"}),
        SignalLine("lb-5xx-rate", {"label": "ALB 5xx rate (%)", **RIGHT}),
    ), annotate="lb-5xx-rate", annotation_axis="right", stat="Sum"),
    Panel("Latency (s)", (
        Line(eb.APPLICATION_LATENCY["P50"], {"label": "p50"}),
        SignalLine("latency-p95", {"label": "p95"}),
        Line(eb.APPLICATION_LATENCY["P99"], {"label": "p99"}),
    ), annotate="latency-p95", stat="Maximum"),
    # Both in percent on one 0-100 axis; the disk's own thresholds are on its alarm, not drawn here.
    Panel("CPU and disk (%)", (
        SignalLine("cpu", {"label": "CPU (%)"}),
        SignalLine("root-filesystem"),
    ), annotate="cpu", y_axis={"left": {"min": 0, "max": 100}}),
)


def _math_input(math: MetricMath, input_id: str):
    return next(item for item in math.inputs if item.id == input_id)


def _input_line(math: MetricMath, input_id: str, dimensions: Mapping, options: Mapping) -> list:
    item = _math_input(math, input_id)
    return metric_line(item.metric, dimensions, {"id": item.id, "stat": item.statistic, **options})


def panel_metrics(panel: Panel, table: SignalTable, dimensions: Mapping, literals: Mapping[str, str]) -> list:
    """The widget's ``metrics`` array: catalogue metrics with their dimensions, and the rows'
    expressions and queries exactly as their alarms evaluate them."""
    placed = {(line.signal, line.input) for line in panel.lines if isinstance(line, InputLine)}
    metrics: list = []
    for line in panel.lines:
        if isinstance(line, Line):
            metrics.append(metric_line(line.metric, dimensions, line.options))
            continue
        signal = table.get(line.signal)
        if isinstance(line, InputLine):
            metrics.append(_input_line(signal.math, line.input, dimensions, line.options))
        elif signal.metric is not None:
            stat = {} if signal.statistic == panel.stat else {"stat": signal.statistic}
            metrics.append(metric_line(signal.metric, dimensions, {**stat, **line.options}))
        elif signal.math is not None:
            metrics += [_input_line(signal.math, item.id, dimensions, {})
                        for item in signal.math.inputs if (signal.name, item.id) not in placed]
            metrics.append([{"expression": signal.math.expression, "id": signal.math.id, "label": signal.math.label, **line.options}])
        else:
            insights: MetricsInsights = signal.insights
            metrics.append([{"expression": insights.query(literals), "id": insights.id, "label": insights.label, **line.options}])
    return metrics


def own_panel(signal: Signal) -> Panel:
    """The graph of a row no panel draws: its metric, expression or query, and its threshold lines."""
    return Panel(signal.name, (SignalLine(signal.name),), annotate=signal.name,
                 stat=signal.statistic or "Average", period=signal.period)


# -- the metrics the environment must publish -----------------------------------------------------

# Read by no row and no widget, published anyway: the complete status classes and instance states
# complete the EB console's health page and ad-hoc investigation (runbook 000 § Monitoring Quotidien).
ALSO_PUBLISHED = (*eb.APPLICATION_REQUESTS.values(), *eb.INSTANCES.values(), eb.LOAD_AVERAGE_1MIN)


def metrics_read(table: SignalTable = SIGNALS, panels: tuple[Panel, ...] = PANELS) -> set[Metric]:
    """Every catalogue metric the rows and the widgets read."""
    read = {metric for signal in table for metric in signal.metrics}
    read |= {line.metric for panel in panels for line in panel.lines if isinstance(line, Line)}
    return read


def config_document_metrics(metrics) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Of ``metrics``, the enhanced-health metrics that must be listed in the ConfigDocument (the
    others are always published or belong to another namespace), by dimensions, sorted by name."""
    listed = [m for m in metrics if m.namespace == eb.NAMESPACE and m.published == eb.CONFIG_DOCUMENT]
    return {dims: tuple(sorted({m.name for m in listed if m.dimensions == dims})) for dims in (eb.ENVIRONMENT, eb.INSTANCE)}


_PUBLISHED = config_document_metrics(metrics_read() | set(ALSO_PUBLISHED))
ENVIRONMENT_METRICS = _PUBLISHED[eb.ENVIRONMENT]
INSTANCE_METRICS = _PUBLISHED[eb.INSTANCE]


# -- one service's monitoring ---------------------------------------------------------------------


@dataclass(frozen=True)
class BeanstalkMonitoring:
    """What watches one Elastic Beanstalk service: its alarms and its dashboard section.

    ``environment_name`` and ``autoscaling_group`` are the environment's outputs: the alarms'
    dimensions take them, so each alarm depends on the environment it watches (the policy rule
    ``services-environment-alarms`` finds them that way). The widgets name the environment as
    declared (plain text: a dashboard body is one JSON string).
    """

    service: Service
    environment_name: pulumi.Input[str] | None = None
    autoscaling_group: pulumi.Input[str] | None = None
    load_balancer: pulumi.Input[str] | None = None  # the ALB's LoadBalancer dimension (app/<name>/<id>)
    table: SignalTable = SIGNALS
    panels: tuple[Panel, ...] = PANELS
    queues: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)  # tier worker: "queue" / "dead_letter" -> its name

    @property
    def signals(self) -> list[Signal]:
        """The rows that apply to the service's tier (a worker has no request rows, a web server no queue rows)."""
        return [signal for signal in self.table if applies_to(signal.name, self.service.tier)]

    def _dimensions(self, signal: Signal, common: Mapping[str, Any]) -> dict[str, Any]:
        queue = QUEUE_OF.get(signal.name)
        return {**common, "QueueName": self.queues[queue]} if queue else dict(common)

    @property
    def _literals(self) -> dict[str, str]:
        return {"EnvironmentName": self.service.environment_name}

    def _threshold(self, signal: Signal):
        return getattr(self.service.thresholds, signal.threshold_key)

    def alarms(self, parent: pulumi.Resource, factory: AlarmFactory) -> list[aws.cloudwatch.MetricAlarm]:
        """Every row's alarms, in the table's order, as children of ``parent``."""
        dimensions = {"AutoScalingGroupName": self.autoscaling_group, "EnvironmentName": self.environment_name,
                      "LoadBalancer": self.load_balancer}
        alarms: list[aws.cloudwatch.MetricAlarm] = []
        for signal in self.signals:
            threshold = self._threshold(signal)  # None: switched off in the stack file
            window = getattr(threshold, "window", None)
            alarms += factory.signal_alarms(
                parent, self.service.name, replace(signal, **window) if window else signal, threshold,
                dimensions=self._dimensions(signal, dimensions), literals=self._literals,
            )
        return alarms

    def header(self, region: str) -> list[str]:
        return [f"Elastic Beanstalk environment `{self.service.environment_name}` in {region}"]

    def widgets(self, region: str) -> list[Widget]:
        """The panels, then a graph for each row no panel draws."""
        applicable = {signal.name for signal in self.signals}
        own_panels = [panel for panel in self.panels if set(panel.signals) <= applicable]
        drawn = {name for panel in own_panels for name in panel.signals}
        panels = [*own_panels, *(own_panel(signal) for signal in self.signals if signal.name not in drawn)]
        dimensions = {"EnvironmentName": self.service.environment_name, "AutoScalingGroupName": self.autoscaling_group,
                      "LoadBalancer": self.load_balancer}
        widgets = []
        for panel in panels:
            threshold = self._threshold(self.table.get(panel.annotate)) if panel.annotate else None
            axis = {"yAxis": panel.annotation_axis} if panel.annotation_axis else {}
            signal = self.table.get(panel.signals[0]) if len(panel.signals) == 1 else None
            widgets.append(graph(
                panel.title, region,
                panel_metrics(panel, self.table, self._dimensions(signal, dimensions) if signal else dimensions, self._literals),
                stat=panel.stat, period=panel.period, y_axis=dict(panel.y_axis) if panel.y_axis else None,
                annotations=threshold_lines(threshold, **axis),
            ))
        return widgets
