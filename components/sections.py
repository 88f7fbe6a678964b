"""A family's dashboard section from its signal table (cdk-monitoring-constructs: the same metric feeds
the alarm and the widget, and the alarm's threshold is drawn on the widget).

``components/dashboards.py`` keeps the grid and the widget types; each family's ``monitoring.py``
builds its section from these helpers: a header naming the signals with their runbook sections, one
graph per row with the row's statistic and period and a line per declared threshold level.
"""

from __future__ import annotations

from components.dashboards import THIRD, Widget, graph, text
from components.signals import Signal
from data.model import Threshold


def threshold_lines(threshold: Threshold | None) -> list[dict]:
    """One horizontal annotation per declared level (warning, critical)."""
    if threshold is None:
        return []
    return [{"label": severity.value, "value": value} for severity, value in threshold.levels()]


def header(title: str, lines: list[str], signals: list[Signal], runbook_url: str) -> Widget:
    """The section's opening text: what it shows, then each signal linked to its runbook section."""
    links = ", ".join(f"[{signal.name}]({runbook_url}#{signal.name})" for signal in signals)
    return text("\n\n".join([f"# {title}", *lines, f"Signals: {links}"]))


def signal_graph(signal: Signal, region: str, lines: list[list], threshold: Threshold | None, *,
                 title: str | None = None, width: int = THIRD) -> Widget:
    """The row's metric lines (``[namespace, name, *dimensions, options]``) with its alarm's levels."""
    return graph(title or signal.what, region, lines, width=width, stat=signal.statistic, period=signal.period,
                 annotations=threshold_lines(threshold))


def metric_line(signal: Signal, dimensions: dict[str, str], label: str) -> list:
    """One line of the row's metric, its dimensions in the metric's order."""
    metric = signal.metric
    values = metric.dimension_values(dimensions)
    return [metric.namespace, metric.name, *[part for name in metric.dimensions for part in (name, values[name])], {"label": label}]
