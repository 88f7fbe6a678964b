"""DR parity: every alarm signal, alert topic, subscription route, dashboard section and health check of
the primary stack has its counterpart in the DR stack, with the same meaning.

Names differ between the stacks (``authz-eb-5xx-rate-critical`` and ``authz-eb-dr-5xx-rate-critical``,
``rt-estate-prod-critical`` and ``rt-estate-dr-critical``): each item is matched by a key built from
what it means, with the environment word dropped (``StackRender.normalise``):

- alarm: service (its ``service`` tag), signal, severity, region role (primary or us-east-1); then the
  metric, threshold, comparison, periods and the topics it notifies must agree;
- topic: name, region role; then its severity and purpose tags;
- route: topic, region role, subscriber name (the subscription's logical name after its topic's); then
  the protocol and endpoint;
- dashboard section: dashboard name, section header; then the titles of the section's widgets;
- health check: service tag, region role; then type, host, port, path, threshold and interval.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tools.recovery.stack import StackRender, arn_parts, tags

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
FAMILIES = ("alarm", "topic", "route", "dashboard section", "health check")

# Items of the primary stack with no DR counterpart on purpose, and why: (family, alarm signal or the
# normalised name of a topic, route topic, dashboard or health-check service) -> reason.
_REPLICATION = "the primary's replication to the DR region: the DR stack reads the standbys, it does not replicate back"
PRIMARY_ONLY: dict[tuple[str, str], str] = {
    ("alarm", "replication-failed"): _REPLICATION,
    ("alarm", "replication-latency"): _REPLICATION,
}


def primary_only(key: tuple[str, ...]) -> str | None:
    """The reason an item of the primary stack needs no DR counterpart, if it is listed."""
    return PRIMARY_ONLY.get((key[0], key[2] if key[0] == "alarm" else key[1]))

Items = dict[tuple[str, ...], list[tuple[str, dict[str, Any]]]]  # key -> [(physical name, meaning)]


@dataclass(frozen=True)
class Gap:
    family: str
    name: str  # the primary stack's physical name
    problem: str


@dataclass(frozen=True)
class Parity:
    primary: str
    dr: str
    counts: dict[str, int]
    gaps: tuple[Gap, ...]
    dr_only: tuple[str, ...] = field(default=())  # informational: DR items with no primary counterpart
    primary_only: tuple[str, ...] = field(default=())  # informational: listed in PRIMARY_ONLY, with the reason

    @property
    def ok(self) -> bool:
        return not self.gaps


def _add(items: Items, key: tuple[str, ...], name: str, meaning: dict[str, Any]) -> None:
    items.setdefault(key, []).append((name, meaning))


def _topic_of(render: StackRender, arn: str) -> tuple[str, str]:
    """(normalised topic name, region role) of an SNS topic ARN."""
    _, region, name = arn_parts(arn)
    return render.normalise(name), render.region_role(region)


def alarms(render: StackRender) -> Items:
    items: Items = {}
    for alarm in render.of_type(ALARM):
        inputs, tag = alarm["inputs"], tags(alarm)
        key = ("alarm", render.normalise(tag.get("service", "")), tag.get("signal") or render.normalise(inputs.get("name", alarm["name"])),
               tag.get("severity", ""), render.region_role(render.region_of(alarm)))
        queries = [render.normalise(str((q.get("metric") or {}).get("metricName") or q.get("expression")))
                   for q in inputs.get("metricQueries") or []]
        meaning = {
            "metric": f"{inputs.get('namespace', '')}/{inputs.get('metricName', '')}" if inputs.get("metricName") else queries,
            "statistic": inputs.get("statistic") or inputs.get("extendedStatistic"),
            **{k: inputs.get(k) for k in ("comparisonOperator", "threshold", "evaluationPeriods", "datapointsToAlarm", "period", "treatMissingData")},
            "notifies": sorted({_topic_of(render, arn) for arn in inputs.get("alarmActions") or []}),
        }
        _add(items, key, inputs.get("name", alarm["name"]), meaning)
    return items


def topics(render: StackRender) -> Items:
    items: Items = {}
    for topic in render.of_type(TOPIC):
        name = topic["inputs"].get("name", topic["name"])
        key = ("topic", render.normalise(name), render.region_role(render.region_of(topic)))
        _add(items, key, name, {"severity": tags(topic).get("severity"), "purpose": tags(topic).get("purpose")})
    return items


def routes(render: StackRender) -> Items:
    by_topic = {(t["inputs"].get("name", t["name"]), render.region_of(t)): t for t in render.of_type(TOPIC)}
    items: Items = {}
    for subscription in render.of_type(SUBSCRIPTION):
        inputs = subscription["inputs"]
        _, region, topic_name = arn_parts(str(inputs.get("topic", "")))
        topic = by_topic.get((topic_name, region))
        # The subscription is named after its topic's logical name (the topic may be missing: then the
        # usual `<topic>-<region>-` or `<topic>-`); what follows is the subscriber's name.
        prefixes = [f"{topic['name']}-"] if topic else [f"{topic_name}-{region}-", f"{topic_name}-"]
        prefix = next((p for p in prefixes if subscription["name"].startswith(p)), None)
        subscriber = subscription["name"][len(prefix):] if prefix else f"{inputs.get('protocol')}:{inputs.get('endpoint')}"
        key = ("route", render.normalise(topic_name), render.region_role(region), render.normalise(subscriber))
        _add(items, key, subscription["name"], {"protocol": inputs.get("protocol"), "endpoint": inputs.get("endpoint")})
    return items


def dashboard_sections(render: StackRender) -> Items:
    items: Items = {}
    for dashboard in render.of_type(DASHBOARD):
        name = dashboard["inputs"].get("dashboardName", dashboard["name"])
        try:
            widgets = json.loads(dashboard["inputs"].get("dashboardBody", "")).get("widgets", [])
        except (TypeError, ValueError, AttributeError):
            widgets = []  # an unresolved body: the dashboard is compared as a whole
        sections: list[tuple[str, list[str]]] = [("", [])]
        for widget in widgets:
            properties = widget.get("properties", {})
            markdown = properties.get("markdown", "") if widget.get("type") == "text" else ""
            if markdown.startswith("#"):
                sections.append((render.normalise(markdown.splitlines()[0]), []))
            else:
                sections[-1][1].append(render.normalise(str(properties.get("title", widget.get("type", "")))))
        for header, titles in sections:
            if header or titles or len(sections) == 1:
                _add(items, ("dashboard section", render.normalise(name), header), f"{name} / {header or '(top)'}",
                     {"widgets": titles})
    return items


def health_checks(render: StackRender) -> Items:
    items: Items = {}
    for check in render.of_type(HEALTH_CHECK):
        inputs = check["inputs"]
        key = ("health check", render.normalise(tags(check).get("service") or check["name"]), render.region_role(render.region_of(check)))
        meaning = {k: inputs.get(k) for k in ("type", "fqdn", "ipAddress", "port", "resourcePath", "searchString",
                                               "failureThreshold", "requestInterval")}
        _add(items, key, tags(check).get("Name") or check["name"], meaning)
    return items


EXTRACTORS = {"alarm": alarms, "topic": topics, "route": routes, "dashboard section": dashboard_sections,
              "health check": health_checks}


def _differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    return [f"{k} {ours.get(k)!r} in primary, {theirs.get(k)!r} in DR" for k in sorted(set(ours) | set(theirs)) if ours.get(k) != theirs.get(k)]


def parity(primary: StackRender, dr: StackRender) -> Parity:
    gaps: list[Gap] = []
    counts: dict[str, int] = {}
    dr_only: list[str] = []
    exempted: list[str] = []
    for family, extract in EXTRACTORS.items():
        ours, theirs = extract(primary), extract(dr)
        counts[family] = sum(len(found) for found in ours.values())
        for key, found in sorted(ours.items()):
            reason = primary_only(key)
            if reason is not None and key not in theirs:
                exempted += [f"{family} {name}: {reason}" for name, _ in found]
                continue
            counterpart = theirs.get(key)
            if counterpart is None:
                gaps += [Gap(family, name, "no DR counterpart") for name, _ in found]
            elif len(counterpart) != len(found):
                gaps.append(Gap(family, found[0][0], f"{len(found)} in primary, {len(counterpart)} in DR"))
            else:
                for (name, meaning), (dr_name, dr_meaning) in zip(sorted(found, key=_order), sorted(counterpart, key=_order)):
                    gaps += [Gap(family, name, f"differs from {dr_name}: {line}") for line in _differences(meaning, dr_meaning)]
        dr_only += [f"{family}: {name}" for key, found in sorted(theirs.items()) if key not in ours for name, _ in found]
    return Parity(primary.stack, dr.stack, counts, tuple(gaps), tuple(dr_only), tuple(exempted))


def _order(item: tuple[str, dict[str, Any]]) -> str:
    return json.dumps(item[1], sort_keys=True, default=str)
