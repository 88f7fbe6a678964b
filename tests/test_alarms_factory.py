"""The alarm factory decides names, descriptions, routing, missing-data handling and tags for every
alarm of the estate (prod and the example estates)."""

from __future__ import annotations

import re
from pathlib import Path

import pulumi
import pytest

from infra.engine import render_program, render_stack
from data.model import Threshold

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^(?P<owner>[a-z0-9-]+?)-(?P<signal>[a-z0-9-]+)-(?P<severity>critical|warning|info)$")


@pytest.fixture(scope="module")
def renders(prod_render):
    return {"prod": prod_render, "tontetic": render_stack(PROJECT_ROOT / "examples" / "tontetic.yaml")}


def _topic_arn(render, topic):
    return f"arn:aws:sns:{render.region_of(topic)}:123456789012:{topic.inputs['name']}"


@pytest.mark.parametrize("estate", ["prod", "tontetic"])
def test_every_alarm_routes_alarm_and_ok_to_its_severity_topic_in_its_own_region(renders, estate):
    render = renders[estate]
    topics = {_topic_arn(render, t): t for t in render.of_type(TOPIC)}
    alarms = render.of_type(ALARM)
    assert alarms
    for alarm in alarms:
        severity = alarm.inputs["tags"]["severity"]
        if "notifies_through" in alarm.inputs["tags"]:  # a burn-rate window: its composite routes (test_slo_render)
            assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"] == []
            continue
        assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"], alarm.name
        (action,) = alarm.inputs["alarmActions"]
        topic = topics[action]
        assert topic.inputs["name"].endswith(f"-{severity}"), alarm.name
        assert render.region_of(topic) == render.region_of(alarm), f"{alarm.name} acts on a topic of another region"
        assert alarm.inputs["actionsEnabled"] is True


@pytest.mark.parametrize("estate", ["prod", "tontetic"])
def test_names_descriptions_and_tags_come_from_the_factory(renders, estate):
    render = renders[estate]
    for alarm in render.of_type(ALARM):
        inputs = alarm.inputs
        tags = inputs["tags"]
        if "notifies_through" in tags:  # a burn-rate window, named for its composite and its window
            assert inputs["name"] == f"{tags['service']}-{tags['signal']}-{tags['slo_window']}"
            assert tags["notifies_through"] == f"{tags['service']}-{tags['signal']}-{tags['severity']}"
            assert inputs["alarmDescription"].endswith(f"Runbook: {_runbook(render)}#{tags['signal']}")
            continue
        assert inputs["name"] == f"{tags['service']}-{tags['signal']}-{tags['severity']}"
        assert NAME.match(inputs["name"])
        description = inputs["alarmDescription"]
        assert description.startswith(tags["severity"].upper() + ": ")
        assert description.endswith(f"Runbook: {_runbook(render)}#{tags['signal']}")
        threshold = inputs["threshold"]
        shown = str(int(threshold)) if float(threshold).is_integer() else f"{threshold:g}"
        assert re.search(rf"(>|>=|<|<=) {re.escape(shown)}", description), description
        assert inputs["treatMissingData"] in ("breaching", "notBreaching", "ignore", "missing")
        assert 1 <= inputs["datapointsToAlarm"] <= inputs["evaluationPeriods"]
        assert tags["organisation"] and tags["environment"]


def _runbook(render):
    urls = {a.inputs["alarmDescription"].rsplit("Runbook: ", 1)[1].split("#")[0] for a in render.of_type(ALARM)}
    assert len(urls) == 1
    return urls.pop()


def test_warning_and_critical_are_separate_alarms_on_separate_topics(prod_render):
    alarms = {a.inputs["name"]: a for a in prod_render.of_type(ALARM)}
    warning, critical = alarms["authz-eb-cpu-warning"], alarms["authz-eb-cpu-critical"]
    assert (warning.inputs["threshold"], critical.inputs["threshold"]) == (70, 85)
    assert warning.inputs["alarmActions"] != critical.inputs["alarmActions"]


def _factory_program(build):
    """A tiny program: routing + factory + whatever ``build(factory, parent)`` declares."""
    from components.alarms import AlarmFactory
    from components.alerting import AlertRouting, AlertRoutingArgs
    from data.config import load_stack_file, estate_from_stack_file
    from infra.program import declare_regions

    estate = estate_from_stack_file(load_stack_file(PROJECT_ROOT / "examples" / "mytechgear.yaml"))

    def program():
        regions = declare_regions(estate)
        routing = AlertRouting("routing", AlertRoutingArgs.from_estate(estate, regions))
        parent = pulumi.ComponentResource("test:index:Parent", "parent")
        build(AlarmFactory(estate, routing, regions), parent)

    return program


def _render(build):
    return render_program(_factory_program(build), config={"aws:region": "eu-west-3"})


def test_direction_and_inclusive_choose_the_comparison():
    def build(factory, parent):
        common = dict(what="x", unit="%", namespace="N", metric_name="M", statistic="Average")
        factory.threshold_alarms(parent, "svc", "above", Threshold(warning=1, critical=2), **common)
        factory.threshold_alarms(parent, "svc", "levels", Threshold(warning=15, critical=20), inclusive=True, **common)
        factory.threshold_alarms(parent, "svc", "below", Threshold(warning=80, direction="below"), **common)

    operators = {a.inputs["name"]: a.inputs["comparisonOperator"] for a in _render(build).of_type(ALARM)}
    assert operators == {
        "svc-above-warning": "GreaterThanThreshold",
        "svc-above-critical": "GreaterThanThreshold",
        "svc-levels-warning": "GreaterThanOrEqualToThreshold",
        "svc-levels-critical": "GreaterThanOrEqualToThreshold",
        "svc-below-warning": "LessThanThreshold",
    }


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(namespace="N", metric_name="M", statistic="Sum", metric_queries=[]), "not both"),
        (dict(namespace="N", metric_name="M"), "needs namespace, metric_name and a statistic"),
        (dict(namespace="N", metric_name="M", statistic="Sum", treat_missing_data="zero"), "treat_missing_data"),
        (dict(namespace="N", metric_name="M", statistic="Sum", evaluation_periods=1, datapoints_to_alarm=2), "exceeds"),
        # Review B-10: period x evaluation periods at most one day under an hour's period, seven days from an
        # hour (PutMetricAlarm Period).
        (dict(namespace="N", metric_name="M", statistic="Sum", period=900, evaluation_periods=97), "86400"),
        (dict(namespace="N", metric_name="M", statistic="Sum", period=7200, evaluation_periods=85), "604800"),
        # Review §15: a metric-math alarm reads at most 10 metrics; an expression is at most 1024 characters.
        (dict(metric_queries=[{"id": f"m{i}", "metric": {"namespace": "N", "metricName": "M", "period": 60, "stat": "Sum"}}
                              for i in range(11)] + [{"id": "e", "expression": "MAX(METRICS())", "returnData": True}]), "10 metrics"),
        (dict(metric_queries=[{"id": "e", "expression": "1" + "+1" * 512, "returnData": True}]), "1024"),
    ],
)
def test_the_factory_refuses_inconsistent_alarms(kwargs, message):
    def build(factory, parent):
        factory.alarm(parent, "svc", "sig", "warning", 1, what="x", unit="", **kwargs)

    with pytest.raises(Exception, match=message):
        _render(build)


def test_the_same_alarm_cannot_be_declared_twice():
    def build(factory, parent):
        for _ in range(2):
            factory.alarm(parent, "svc", "sig", "warning", 1, what="x", unit="", namespace="N", metric_name="M", statistic="Sum")

    with pytest.raises(Exception, match="declared twice"):
        _render(build)


@pytest.mark.parametrize("period, periods, refused", [(3600, 24, False), (3600, 25, False), (900, 97, True), (60, 100, False)])
def test_custom_alarms_evaluate_at_most_one_day(prod_estate, period, periods, refused):
    """Review B-10: CloudWatch refuses period x evaluation_periods above 86,400 s for a period under an hour (exit 2,
    key path); from an hour the limit is seven days."""
    from data.config import EstateConfigError, parse_estate

    prod_estate["platform_alarms"][0].update(period=period, evaluation_periods=periods)
    if not refused:
        parse_estate(prod_estate, "eu-central-1")
        return
    with pytest.raises(EstateConfigError) as error:
        parse_estate(prod_estate, "eu-central-1")
    assert any(line.startswith("estate.platform_alarms[0].evaluation_periods: ") and "86400" in line
               for line in error.value.problems), error.value.problems
