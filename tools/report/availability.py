"""The availability a service measured over a month, read from the metrics its burn-rate alarm watches.

The deployed burn-rate child alarm is the source of the SLI, not a copy of it: its metric queries
``errors`` and ``requests`` (MetricStat, Sum) carry the real dimensions (``LoadBalancer app/...``) that
only the deployment knows. ``errors`` may also be a sum of other MetricStat queries of the alarm,
``FILL(target_5xx, 0) + FILL(elb_5xx, 0)`` as ``data.catalogue.slo`` writes it (5xx of the targets and of the
load balancer itself): each term is read and added (filling missing hours with 0 adds nothing to a sum).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tools.report.month import Month

ERRORS, REQUESTS = "errors", "requests"
# One term of a sum: ``m1`` or ``FILL(m1, 0)``.
_TERM = re.compile(r"^(?:FILL\(\s*([a-z][A-Za-z0-9_]*)\s*,\s*0\s*\)|([a-z][A-Za-z0-9_]*))$")


class SliProblem(Exception):
    """The deployed alarm cannot give the SLI (missing query, not a sum of metrics): one line."""


@dataclass(frozen=True)
class Counts:
    """Errors and requests summed over the month, and how many hourly datapoints carried them."""

    errors: float
    requests: float
    datapoints: int


def sli_metric_stats(alarm: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """``{"errors": [MetricStat, ...], "requests": [MetricStat]}`` from a DescribeAlarms MetricAlarm."""
    queries = {q["Id"]: q for q in alarm.get("Metrics") or []}
    name = alarm.get("AlarmName", "?")
    found: dict[str, list[dict[str, Any]]] = {}
    for role in (ERRORS, REQUESTS):
        query = queries.get(role)
        if query is None:
            raise SliProblem(f"alarm {name} has no metric query '{role}' (ids: {', '.join(sorted(queries)) or 'none'})")
        if "MetricStat" in query:
            found[role] = [query["MetricStat"]]
            continue
        expression = query.get("Expression", "")
        terms = [_TERM.match(part.strip()) for part in expression.split("+")]
        parts = [t.group(1) or t.group(2) for t in terms if t] if all(terms) else []
        stats = [queries[p]["MetricStat"] for p in parts if "MetricStat" in queries.get(p, {})]
        if not parts or len(stats) != len(parts):
            raise SliProblem(f"alarm {name}: query '{role}' is '{expression}', neither a metric nor a sum of the alarm's metrics")
        found[role] = stats
    for role, stats in found.items():
        for stat in stats:
            if stat.get("Stat") != "Sum":
                raise SliProblem(f"alarm {name}: query '{role}' reads {stat.get('Stat')}, not Sum: counts cannot be added up")
    return found


def _query(query_id: str, stat: Mapping[str, Any], period: int) -> dict[str, Any]:
    return {"Id": query_id, "ReturnData": True,
            "MetricStat": {"Metric": stat["Metric"], "Period": period, "Stat": "Sum"}}


def monthly_counts(cloudwatch: Any, stats: Mapping[str, list[Mapping[str, Any]]], month: Month) -> Counts:
    """Sum of every hourly datapoint of the month for ``errors`` and ``requests`` (GetMetricData,
    every NextToken page)."""
    queries, roles = [], {}
    for role in (ERRORS, REQUESTS):
        for index, stat in enumerate(stats[role]):
            query_id = f"{role}{index}"
            queries.append(_query(query_id, stat, month.period))
            roles[query_id] = role
    totals = {ERRORS: 0.0, REQUESTS: 0.0}
    datapoints = 0
    for result in _results(cloudwatch, queries, month):
        role = roles.get(result["Id"])
        if role is None:
            continue
        totals[role] += sum(float(v) for v in result.get("Values") or ())
        if role == REQUESTS:
            datapoints += len(result.get("Values") or ())
    return Counts(errors=totals[ERRORS], requests=totals[REQUESTS], datapoints=datapoints)


def _results(cloudwatch: Any, queries: list[dict[str, Any]], month: Month) -> Iterable[Mapping[str, Any]]:
    token = None
    while True:
        kwargs: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": month.start, "EndTime": month.end,
                                  "ScanBy": "TimestampAscending"}
        if token:
            kwargs["NextToken"] = token
        page = cloudwatch.get_metric_data(**kwargs)
        yield from page.get("MetricDataResults") or ()
        token = page.get("NextToken")
        if not token:
            return
