"""A CloudWatch dashboard drawn to scale as SVG: its 24-column grid, one ``<rect class="widget">`` per
widget at ``x * COLUMN_PX, y * ROW_PX`` and ``width * COLUMN_PX`` by ``height * ROW_PX``, the widget's
title, its horizontal annotations (thresholds) as lines on the widget's y scale, and the metrics it
plots (each widget's ``<title>`` tooltip lists them all; those that fit are written in the box).

Dashboard body (``DASHBOARD_BODY`` of the catalogue): widgets with ``x``, ``y``, ``width``, ``height``
in grid units on ``DASHBOARD_GRID_COLUMNS`` (24) columns;
a metrics row is ``[namespace, name, dimension, value, ..., {options}]`` where ``"."`` repeats the
row above, or ``[{"expression": ...}]``. All text is escaped: titles come from the stack file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from data.catalogue.cloudwatch import DASHBOARD_GRID_COLUMNS

GRID_COLUMNS = DASHBOARD_GRID_COLUMNS
COLUMN_PX = 40
ROW_PX = 30
TITLE_PX = 18  # the title band of a widget
LINE_PX = 13  # one line of metric text
CHAR_PX = 6.2  # average width of a character of the series text (10 px monospace), to cut what would overflow
TITLE_CHAR_PX = 7.0  # the same for the bold 11 px title
THRESHOLD_COLOURS = {"critical": "#cf222e", "warning": "#bf8700"}


@dataclass(frozen=True)
class Dashboard:
    name: str
    widgets: list[Mapping[str, Any]]

    @property
    def rows(self) -> int:
        return max((int(w.get("y", 0)) + int(w.get("height", 6)) for w in self.widgets), default=1)


def dashboards(resources: list[Mapping[str, Any]]) -> list[Dashboard]:
    """The dashboards of a render, by name."""
    found = []
    for resource in resources:
        if resource["type"] != "aws:cloudwatch/dashboard:Dashboard":
            continue
        body = resource["inputs"].get("dashboardBody", "{}")
        document = json.loads(body) if isinstance(body, str) else body
        name = str(resource["inputs"].get("dashboardName") or resource["name"])
        found.append(Dashboard(name, list(document.get("widgets", []))))
    return sorted(found, key=lambda d: d.name)


def metric_lines(properties: Mapping[str, Any]) -> list[str]:
    """One line per series a metric widget plots: ``label: Namespace Metric (stat) dim=value`` or
    ``label = expression``."""
    lines, previous = [], []
    default_stat = properties.get("stat", "")
    for row in properties.get("metrics", []) or []:
        if not isinstance(row, list):
            continue
        options = row[-1] if row and isinstance(row[-1], dict) else {}
        values = [v for v in row if not isinstance(v, dict)]
        if "expression" in options:
            lines.append(f"{options.get('label') or options.get('id', 'expression')} = {options['expression']}")
            continue
        values = [previous[i] if v == "." and i < len(previous) else v for i, v in enumerate(values)]
        previous = values
        if len(values) < 2:
            continue
        namespace, metric, dims = str(values[0]), str(values[1]), values[2:]
        dimensions = " ".join(f"{dims[i]}={dims[i + 1]}" for i in range(0, len(dims) - 1, 2))
        stat = options.get("stat", default_stat)
        label = options.get("label")
        text = f"{namespace} {metric}" + (f" ({stat})" if stat else "") + (f" {dimensions}" if dimensions else "")
        lines.append(f"{label}: {text}" if label else text)
    return lines


def widget_title(widget: Mapping[str, Any]) -> str:
    properties = widget.get("properties", {}) or {}
    if properties.get("title"):
        return str(properties["title"])
    if widget.get("type") == "text":
        first = next((line.strip("# ").strip() for line in str(properties.get("markdown", "")).splitlines() if line.strip()), "")
        return first or "text"
    if widget.get("type") == "alarm":
        return f"alarm status ({len(properties.get('alarms', []) or [])} alarms)"
    return str(widget.get("type", "widget"))


def widget_lines(widget: Mapping[str, Any]) -> list[str]:
    """What a widget shows besides its title: the series it plots, the alarms it lists, its text."""
    properties = widget.get("properties", {}) or {}
    kind = widget.get("type")
    if kind == "metric":
        return metric_lines(properties)
    if kind == "alarm":
        return [str(arn).rsplit(":", 1)[-1] for arn in properties.get("alarms", []) or []]
    if kind == "text":
        return [line.strip() for line in str(properties.get("markdown", "")).splitlines()[1:] if line.strip()]
    if kind == "log":
        return [str(properties.get("query", ""))]
    return []


def thresholds(widget: Mapping[str, Any]) -> list[tuple[str, float, str]]:
    """(label, value, axis) of each horizontal annotation of a metric widget."""
    annotations = (widget.get("properties", {}) or {}).get("annotations", {}) or {}
    found = []
    for line in annotations.get("horizontal", []) or []:
        if isinstance(line, dict) and isinstance(line.get("value"), int | float):
            found.append((str(line.get("label", "")), float(line["value"]), str(line.get("yAxis", "left"))))
    return found


def _axis_range(widget: Mapping[str, Any], axis: str, values: list[float]) -> tuple[float, float]:
    """The y range of an axis: its declared min and max, else 0 .. a quarter above the highest line."""
    declared = ((widget.get("properties", {}) or {}).get("yAxis", {}) or {}).get(axis, {}) or {}
    low = float(declared.get("min", min([0.0, *values])))
    high = float(declared.get("max", max(values) * 1.25 if values and max(values) > low else low + 1))
    return (low, high) if high > low else (low, low + 1)


def _cut(text: str, width_px: float, char_px: float = CHAR_PX) -> str:
    room = max(int(width_px / char_px), 4)
    return text if len(text) <= room else text[: room - 1] + "…"


def widget_svg(widget: Mapping[str, Any], index: int) -> str:
    x, y = int(widget.get("x", 0)) * COLUMN_PX, int(widget.get("y", 0)) * ROW_PX
    width, height = int(widget.get("width", 6)) * COLUMN_PX, int(widget.get("height", 6)) * ROW_PX
    title, lines = widget_title(widget), widget_lines(widget)
    tooltip = "\n".join([title, *lines])
    kind = escape(str(widget.get("type", "widget")))
    parts = [
        f'<g class="widget-{kind}" data-widget="{index}">',
        f'<rect class="widget" x="{x}" y="{y}" width="{width}" height="{height}"><title>{escape(tooltip)}</title></rect>',
        f'<text class="title" x="{x + 6}" y="{y + 13}">{escape(_cut(title, width - 12, TITLE_CHAR_PX))}</text>',
    ]
    lines_room = max((height - TITLE_PX - 4) // LINE_PX, 0)
    shown = lines if len(lines) <= lines_room else lines[: max(lines_room - 1, 0)] + [f"+{len(lines) - max(lines_room - 1, 0)} more"]
    for number, line in enumerate(shown):
        parts.append(f'<text class="series" x="{x + 6}" y="{y + TITLE_PX + 11 + number * LINE_PX}">{escape(_cut(line, width - 12))}</text>')
    marks = thresholds(widget)
    for axis in ("left", "right"):
        on_axis = [(label, value) for label, value, side in marks if side == axis]
        if not on_axis:
            continue
        low, high = _axis_range(widget, axis, [value for _, value in on_axis])
        # The plot area is what the series text leaves, so a threshold line never crosses a series name.
        top, bottom = min(y + TITLE_PX + len(shown) * LINE_PX + 8, y + height - 12), y + height - 2
        for label, value in on_axis:
            level = bottom - (value - low) / (high - low) * (bottom - top)
            level = round(min(max(level, top), bottom), 1)
            colour = THRESHOLD_COLOURS.get(label.lower(), "#57606a")
            parts.append(f'<line class="threshold" x1="{x}" y1="{level}" x2="{x + width}" y2="{level}" stroke="{colour}">'
                         f'<title>{escape(f"{label} {value:g} ({axis} axis)")}</title></line>')
            anchor = x + width - 4 if axis == "right" else x + 4
            side = "end" if axis == "right" else "start"
            parts.append(f'<text class="threshold-label" x="{anchor}" y="{level - 2}" text-anchor="{side}" fill="{colour}">'
                         f'{escape(f"{label} {value:g}")}</text>')
    parts.append("</g>")
    return "".join(parts)


def dashboard_svg(dashboard: Dashboard) -> str:
    """One ``<svg class="dashboard">`` of the whole grid, 24 columns wide, as tall as its widgets."""
    width, height = GRID_COLUMNS * COLUMN_PX, dashboard.rows * ROW_PX
    grid = " ".join(f"M{c * COLUMN_PX} 0V{height}" for c in range(1, GRID_COLUMNS))
    widgets = "".join(widget_svg(widget, index) for index, widget in enumerate(dashboard.widgets))
    return (
        f'<svg class="dashboard" data-dashboard="{escape(dashboard.name)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(f"dashboard {dashboard.name}: {len(dashboard.widgets)} widgets")}">'
        f'<path class="grid" d="{grid}"/>{widgets}</svg>'
    )


def widgets_table(dashboard: Dashboard) -> str:
    """The same widgets as a table (position, title, every series and threshold): nothing cut."""
    rows = []
    for widget in dashboard.widgets:
        position = f"{widget.get('x', 0)},{widget.get('y', 0)} {widget.get('width', 6)}×{widget.get('height', 6)}"
        marks = ", ".join(f"{label} {value:g}" + (" (right)" if axis == "right" else "") for label, value, axis in thresholds(widget))
        series = "<br>".join(escape(line) for line in widget_lines(widget))
        rows.append(f"<tr><td>{escape(position)}</td><td>{escape(widget_title(widget))}</td>"
                    f"<td>{escape(marks)}</td><td class=\"series\">{series}</td></tr>")
    return ("<table><thead><tr><th>x,y w×h</th><th>widget</th><th>thresholds</th><th>plots / lists</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
