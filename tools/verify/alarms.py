"""Alarms: every ``MetricAlarm`` of the render exists with its metric (or metric queries),
statistic, threshold, comparison and actions, has its actions enabled, and is not in ALARM.

The alarms' metric, dimensions and comparison are decided by the components (the alarm factory);
reading them from the render, verify keeps no copy of those decisions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from data.catalogue.resources import TOPIC
from tools.verify.aws import Unavailable, call
from tools.verify.declared import Context, Declared, by_region
from tools.verify.report import FAIL, PASS

FAMILY, WHAT = "alarm", "alarms"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@dataclass(frozen=True)
class ExpectedAlarm:
    name: str
    region: str
    namespace: str | None
    metric_name: str | None
    statistic: str | None
    threshold: float
    comparison: str
    action_topics: tuple[str, ...]  # topic names, in the alarm's region
    metric_queries: tuple[str, ...] = ()  # "id=<expression or namespace/metric>" of metric math alarms
    runbook: str = ""


def _topic_name_from_arn(value: Any) -> str | None:
    """``arn:aws:sns:<region>:<account>:<name>`` -> name (what the offline render's mocks return)."""
    if isinstance(value, str) and value.startswith("arn:") and value.count(":") >= 5:
        return value.split(":", 5)[5]
    return None


def declared_alarms(resources: Iterable[Any], primary_region: str) -> list[ExpectedAlarm]:
    """Every ``aws:cloudwatch/metricAlarm:MetricAlarm`` of a render, with the region of its provider.

    ``resources`` follow the engine's JSON contract (``urn, type, name, provider, inputs``; inputs in
    camelCase as the engine sees them); objects with the same attributes work too.
    """
    declared = resources if isinstance(resources, Declared) else Declared(list(resources), primary_region)
    topic_names_by_urn = {str(t.get("urn")): declared.inputs(t).get("name") for t in declared.of_type(TOPIC)}
    alarms = []
    for res in declared.of_type(METRIC_ALARM):
        inputs = declared.inputs(res)
        topics = []
        for action in inputs.get("alarmActions") or []:
            name = _topic_name_from_arn(action)
            if name is None:  # an unresolved output: the alarm depends on exactly the topic it acts on
                deps = [topic_names_by_urn[d] for d in res.get("dependencies") or [] if d in topic_names_by_urn]
                name = deps[0] if len(deps) == 1 else str(action)
            topics.append(name)
        queries = []
        for query in inputs.get("metricQueries") or []:
            metric = query.get("metric") or {}
            body = query.get("expression") or f"{metric.get('namespace')}/{metric.get('metricName')}"
            queries.append(f"{query.get('id')}={body}")
        description = inputs.get("alarmDescription") or ""
        alarms.append(
            ExpectedAlarm(
                name=inputs.get("name") or res.get("name"),
                region=declared.region_of(res),
                namespace=inputs.get("namespace"),
                metric_name=inputs.get("metricName"),
                statistic=inputs.get("statistic") or inputs.get("extendedStatistic"),
                threshold=float(inputs.get("threshold")),
                comparison=inputs.get("comparisonOperator"),
                action_topics=tuple(sorted(topics)),
                metric_queries=tuple(sorted(queries)),
                runbook=description.split("Runbook: ", 1)[1].strip() if "Runbook: " in description else "",
            )
        )
    return sorted(alarms, key=lambda a: (a.region, a.name))


def check(ctx: Context) -> None:
    alarms = declared_alarms(ctx.declared, ctx.declared.primary)
    for region, expected in sorted(by_region(alarms, lambda a: a.region).items()):
        cloudwatch = ctx.clients("cloudwatch", region)
        found: dict[str, dict] = {}
        try:
            for start in range(0, len(expected), 100):  # DescribeAlarms takes at most 100 names
                names = [a.name for a in expected[start : start + 100]]
                page = call(cloudwatch.describe_alarms, AlarmNames=names, AlarmTypes=["MetricAlarm"], MaxRecords=100)
                found.update({m["AlarmName"]: m for m in page.get("MetricAlarms", [])})
        except Unavailable as error:
            for alarm in expected:
                ctx.unavailable("alarm", alarm.name, region, error, "CloudWatch DescribeAlarms")
            continue
        for alarm in expected:
            _check_alarm(ctx, alarm, found.get(alarm.name))


def _check_alarm(ctx: Context, alarm: ExpectedAlarm, live: dict | None) -> None:
    region = alarm.region
    if live is None:
        ctx.add("alarm", alarm.name, region, FAIL, "missing: the alarm does not exist",
                "run `pulumi up` on the stack to recreate it (someone deleted it, or the last update failed);"
                " until then the signal is unwatched")
        return
    drift = []
    if alarm.metric_queries:
        live_queries = sorted(
            f"{q.get('Id')}={q.get('Expression') or (q.get('MetricStat', {}).get('Metric', {}).get('Namespace', '') + '/' + q.get('MetricStat', {}).get('Metric', {}).get('MetricName', ''))}"
            for q in live.get("Metrics") or []
        )
        if tuple(live_queries) != alarm.metric_queries:
            drift.append(f"metric queries {live_queries} instead of {list(alarm.metric_queries)}")
    else:
        if live.get("Namespace") != alarm.namespace or live.get("MetricName") != alarm.metric_name:
            drift.append(f"metric {live.get('Namespace')}/{live.get('MetricName')} instead of {alarm.namespace}/{alarm.metric_name}")
        live_stat = live.get("Statistic") or live.get("ExtendedStatistic")
        if alarm.statistic and live_stat != alarm.statistic:
            drift.append(f"statistic {live_stat} instead of {alarm.statistic}")
    threshold = live.get("Threshold")
    if threshold is None or not math.isclose(float(threshold), alarm.threshold, rel_tol=1e-9, abs_tol=1e-12):
        drift.append(f"threshold {threshold} instead of {alarm.threshold:g}")
    if live.get("ComparisonOperator") != alarm.comparison:
        drift.append(f"comparison {live.get('ComparisonOperator')} instead of {alarm.comparison}")
    live_topics = sorted(
        f"{arn.split(':')[5]}" if arn.split(":")[3] == region else f"{arn.split(':')[5]} (in {arn.split(':')[3]})"
        for arn in live.get("AlarmActions") or []
        if arn.startswith("arn:") and arn.count(":") >= 5
    )
    if tuple(live_topics) != alarm.action_topics:
        drift.append(f"actions {live_topics or 'none'} instead of {list(alarm.action_topics)}")
    if live.get("ActionsEnabled") is False:
        drift.append("actions disabled")
    if drift:
        ctx.add("alarm", alarm.name, region, FAIL, "differs from the program: " + "; ".join(drift),
                "changed outside Pulumi: `pulumi refresh` to see the drift, then `pulumi up` to restore the declared alarm")
        return
    if live.get("StateValue") == "ALARM":
        ctx.add("alarm", alarm.name, region, FAIL,
                f"in ALARM since {live.get('StateUpdatedTimestamp')}: {live.get('StateReason', '')}".strip(),
                f"follow the alarm's runbook: {alarm.runbook or ctx.runbook}")
        return
    ctx.add("alarm", alarm.name, region, PASS, f"declared and {live.get('StateValue', 'no state')}")
