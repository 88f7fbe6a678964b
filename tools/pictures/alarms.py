"""The alarms table of the page: name, service and severity, metric or expression, threshold and
comparison, period x evaluation periods, and where each state change goes (topics by region).

The fields are CloudWatch's PutMetricAlarm parameters as the render carries them (camelCase); the
comparison symbols are the catalogue's (data/catalogue/cloudwatch.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from data.catalogue.cloudwatch import COMPARISON_SYMBOLS
from tools.pictures.routing import ALARM_TYPES, SEVERITY_ORDER

def _metric(metric: Mapping[str, Any], stat: str | None = None) -> str:
    dimensions = " ".join(f"{k}={v}" for k, v in sorted((metric.get("dimensions") or {}).items()))
    stat = stat or metric.get("stat") or ""
    return f"{metric.get('namespace', '')} {metric.get('metricName', '')}" + (f" ({stat})" if stat else "") + (
        f" {dimensions}" if dimensions else "")


def what_it_watches(inputs: Mapping[str, Any]) -> list[str]:
    """The metric (namespace, name, statistic, dimensions), or the expression and the metrics it reads."""
    if inputs.get("alarmRule"):
        return [f"rule: {inputs['alarmRule']}"]
    queries = inputs.get("metricQueries") or []
    if not queries:
        stat = inputs.get("statistic") or inputs.get("extendedStatistic")
        return [_metric({**inputs, "dimensions": inputs.get("dimensions")}, stat)]
    lines = []
    for query in sorted(queries, key=lambda q: not q.get("returnData", False)):
        name = query.get("label") or query.get("id", "")
        if query.get("expression"):
            lines.append(f"{query.get('id')} = {query['expression']}" + (f" ({name})" if query.get("label") else ""))
        elif query.get("metric"):
            lines.append(f"{query.get('id')}: {_metric(query['metric'])}")
    return lines


def _period(inputs: Mapping[str, Any]) -> int | None:
    if inputs.get("period"):
        return int(inputs["period"])
    periods = [q["metric"].get("period") for q in inputs.get("metricQueries") or [] if q.get("metric")]
    periods += [q.get("period") for q in inputs.get("metricQueries") or [] if q.get("period")]
    return int(min(p for p in periods if p)) if any(periods) else None


def evaluation(inputs: Mapping[str, Any]) -> str:
    if inputs.get("alarmRule"):
        return "when the rule holds"
    period, periods = _period(inputs), inputs.get("evaluationPeriods")
    datapoints = inputs.get("datapointsToAlarm")
    text = f"{period} s × {periods}" if period else f"× {periods}"
    if datapoints and periods and datapoints != periods:
        text += f" ({datapoints} of {periods} breaching)"
    return text


def threshold(inputs: Mapping[str, Any]) -> str:
    if inputs.get("alarmRule"):
        return "composite"
    # The four static comparisons as symbols; an anomaly-band operator keeps its API name.
    symbol = COMPARISON_SYMBOLS.get(str(inputs.get("comparisonOperator")), str(inputs.get("comparisonOperator", "")))
    if inputs.get("thresholdMetricId"):
        return f"{symbol} {inputs['thresholdMetricId']}"
    value = inputs.get("threshold")
    return f"{symbol} {value:g}" if isinstance(value, int | float) else symbol


def _topics(arns: Any) -> list[str]:
    """``arn:aws:sns:<region>:<account>:<name>`` -> ``<name> (<region>)``; another action by its ARN's resource."""
    shown = []
    for arn in sorted(a for a in arns or [] if isinstance(a, str)):
        parts = arn.split(":", 5)
        shown.append(f"{parts[5]} ({parts[3]})" if len(parts) == 6 else arn)
    return shown


def alarm_rows(resources: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per alarm, sorted by service, severity (critical first) and name."""
    rows = []
    for resource in resources:
        if resource["type"] not in ALARM_TYPES:
            continue
        inputs = resource.get("inputs", {})
        tags = inputs.get("tags") or {}
        severity = str(tags.get("severity", ""))
        rows.append({
            "name": str(inputs.get("name") or inputs.get("alarmName") or resource["name"]),
            "service": str(tags.get("service", "")),
            "severity": severity,
            "watches": what_it_watches(inputs),
            "threshold": threshold(inputs),
            "evaluation": evaluation(inputs),
            "alarm": _topics(inputs.get("alarmActions")),
            "ok": _topics(inputs.get("okActions")),
            "missing": str(inputs.get("treatMissingData", "")),
        })
    rank = {severity: index for index, severity in enumerate(SEVERITY_ORDER)}
    return sorted(rows, key=lambda r: (r["service"], rank.get(r["severity"], len(rank)), r["name"]))


def alarms_table(resources: list[Mapping[str, Any]]) -> str:
    rows = []
    for row in alarm_rows(resources):
        actions = "<br>".join(escape(topic) for topic in row["alarm"]) or "<em>none</em>"
        if row["ok"] and row["ok"] != row["alarm"]:
            actions += "<br>OK: " + "<br>".join(escape(topic) for topic in row["ok"])
        elif row["ok"]:
            actions += " <span class=\"dim\">(and OK)</span>"
        rows.append(
            f'<tr class="sev-{escape(row["severity"])}"><td>{escape(row["name"])}</td><td>{escape(row["service"])}</td>'
            f'<td>{escape(row["severity"])}</td><td class="series">{"<br>".join(escape(line) for line in row["watches"])}</td>'
            f'<td>{escape(row["threshold"])}</td><td>{escape(row["evaluation"])}</td><td>{actions}</td>'
            f'<td>{escape(row["missing"])}</td></tr>'
        )
    head = ("<tr><th>alarm</th><th>service</th><th>severity</th><th>metric or expression</th><th>threshold</th>"
            "<th>period × evaluations</th><th>actions (topic, region)</th><th>missing data</th></tr>")
    return f'<table class="alarms"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
