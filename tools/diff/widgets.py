"""Dashboard bodies compared widget by widget, each widget known by what it shows, not where it sits.

A widget's identity is its type, its title (a text widget: its heading) and its subject: the services
(else the raw dimension values) its metrics and Metrics Insights queries name. Removing a service from
an overview therefore reads as that service's widgets removed, never as another service's widgets
re-pointed; widgets that only moved are counted in one line, not listed property by property.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tools.diff.result import Change

_LAYOUT = ("x", "y", "width", "height")
_QUOTED = re.compile(r"=\s*'([^']+)'")


def _parse(body: Any) -> dict[str, Any]:
    if isinstance(body, str):
        try:
            parsed = json.loads(body)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return body if isinstance(body, dict) else {}


def _dimension_values(metrics: Any) -> list[str]:
    """Dimension values a widget's ``metrics`` name: ``[namespace, metric, name1, value1, ..., {options}]``
    rows, ``"..."`` placeholders repeating the row above, and the quoted values of expressions."""
    values: list[str] = []
    for row in metrics if isinstance(metrics, list) else []:
        if not isinstance(row, list):
            continue
        plain = [item for item in row if isinstance(item, str)]
        values += [plain[i] for i in range(3, len(plain), 2) if plain[i] != "..."]
        for item in row:
            if isinstance(item, dict) and isinstance(item.get("expression"), str):
                values += _QUOTED.findall(item["expression"])
    return values


def widget_identity(widget: Mapping[str, Any], subject_of: Callable[[str], str | None] = lambda value: None) -> str:
    """``metric 'CPU and disk (%)' of tms-sync-eb``: type, title (a text widget's first line) and the
    services (or raw dimension values) it plots."""
    props = widget.get("properties") or {}
    kind = widget.get("type", "widget")
    title = props.get("title")
    if not title and kind == "text":
        title = next((line.strip() for line in str(props.get("markdown", "")).splitlines() if line.strip()), "")
    values = _dimension_values(props.get("metrics"))
    subjects = sorted({subject_of(v) or v for v in values})
    identity = f"{kind} '{title}'" if title else str(kind)
    return identity + (f" of {', '.join(subjects)}" if subjects else "")


def _keyed(widgets: Iterable[Mapping[str, Any]], subject_of) -> dict[str, Mapping[str, Any]]:
    keyed: dict[str, Mapping[str, Any]] = {}
    for widget in widgets:
        key, n = widget_identity(widget, subject_of), 1
        while key in keyed:  # the same widget twice: told apart by order among its twins only
            n += 1
            key = f"{widget_identity(widget, subject_of)} (#{n})"
        keyed[key] = widget
    return keyed


def compare_dashboards(before: Any, after: Any, compare: Callable[[Any, Any, str, list[Change]], None],
                       subject_of: Callable[[str], str | None] = lambda value: None) -> list[Change]:
    """Dashboard bodies (JSON strings or parsed) widget by widget, by identity; ``compare`` compares two
    widgets' remaining properties. Widgets added or removed are one change each (``kind``); layout
    moves are one ``dashboardBody layout`` change counting them."""
    old_body, new_body = _parse(before), _parse(after)
    old = _keyed(old_body.get("widgets") or [], subject_of)
    new = _keyed(new_body.get("widgets") or [], subject_of)
    out: list[Change] = []
    moved = 0
    for key in dict.fromkeys([*old, *new]):
        path = f"dashboardBody widget {key}"
        if key not in old:
            out.append(Change(path, None, _summary(new[key]), kind="added"))
        elif key not in new:
            out.append(Change(path, _summary(old[key]), None, kind="removed"))
        else:
            a, b = dict(old[key]), dict(new[key])
            if any(a.get(k) != b.get(k) for k in _LAYOUT):
                moved += 1
            for k in _LAYOUT:
                a.pop(k, None)
                b.pop(k, None)
            compare(a, b, path, out)
    if moved:
        out.append(Change("dashboardBody layout", None, f"{moved} widget(s) moved or resized", kind="moved"))
    rest_old = {k: v for k, v in old_body.items() if k != "widgets"}
    rest_new = {k: v for k, v in new_body.items() if k != "widgets"}
    compare(rest_old, rest_new, "dashboardBody", out)
    return out


def _summary(widget: Mapping[str, Any]) -> str:
    props = widget.get("properties") or {}
    metrics = [row[1] for row in props.get("metrics") or [] if isinstance(row, list) and len(row) > 1 and isinstance(row[1], str)]
    return f"{len(metrics)} metric(s): {', '.join(dict.fromkeys(metrics))}" if metrics else ""


def dimension_owners(resources: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Dimension value -> service, read from the render: every metric alarm tagged with a service names
    its dimensions (environment, Auto Scaling group, load balancer, health check id), and each
    environment its name."""
    owners: dict[str, str] = {}

    def collect(value: Any, service: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "dimensions" and isinstance(item, dict):
                    for dim in item.values():
                        if isinstance(dim, str):
                            owners.setdefault(dim, service)
                else:
                    collect(item, service)
        elif isinstance(value, list):
            for item in value:
                collect(item, service)

    for resource in resources:
        inputs = resource.get("inputs") or {}
        tags = inputs.get("tags") if isinstance(inputs.get("tags"), dict) else {}
        service = tags.get("service")
        if not isinstance(service, str):
            continue
        if resource.get("type") == "aws:elasticbeanstalk/environment:Environment" and isinstance(inputs.get("name"), str):
            owners.setdefault(inputs["name"], service)
        collect(inputs, service)
    return owners
