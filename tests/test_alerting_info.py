"""Issue 12 #5: the ``info`` severity is optional. No alarm publishes to it (a threshold has a warning
and a critical level, budgets notify warning or critical), so an estate needs subscribers for critical
and warning only, and gets an info topic only when someone listens to it (applications may publish
there: the instances' sns:Publish covers every alert topic). Whatever the subscriptions, every alarm
action is a topic the render declares."""

from __future__ import annotations

import pytest

from data.config import EstateConfigError

TOPIC = "aws:sns/topic:Topic"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def _without_info(estate: dict) -> dict:
    for subscription in estate["alerting"]["subscriptions"]:
        subscription["severities"] = [s for s in subscription["severities"] if s != "info"]
    return estate


def _topic_arns(render) -> set[str]:
    return {f"arn:aws:sns:{render.region_of(t)}:123456789012:{t.inputs['name']}" for t in render.of_type(TOPIC)}


def _alarm_targets(render) -> set[str]:
    return {arn for alarm in render.of_type(ALARM) for key in ("alarmActions", "okActions", "insufficientDataActions")
            for arn in alarm.inputs.get(key) or []}


@pytest.fixture(scope="module")
def info_less(_prod_estate_pristine):
    import copy

    from conftest import render_estate_dict

    return render_estate_dict(_without_info(copy.deepcopy(_prod_estate_pristine)))


def test_an_estate_without_info_subscribers_renders_without_an_info_topic(info_less):
    names = {t.inputs["name"] for t in info_less.of_type(TOPIC)}
    assert not any(name.endswith("-info") for name in names)
    assert {"rt-estate-prod-critical", "rt-estate-prod-warning"} <= names
    assert all(not s.inputs["topic"].endswith("-info") for s in info_less.of_type(SUBSCRIPTION))


def test_with_an_info_subscriber_the_info_topic_exists_and_is_heard(prod_render):
    info = [t for t in prod_render.of_type(TOPIC) if t.inputs["name"] == "rt-estate-prod-info"]
    assert info, "prod's chat hears info: its topic is declared"
    heard = {s.inputs["topic"] for s in prod_render.of_type(SUBSCRIPTION)}
    assert all(f"arn:aws:sns:{prod_render.region_of(t)}:123456789012:rt-estate-prod-info" in heard for t in info)


@pytest.mark.parametrize("render_name", ["prod_render", "info_less"])
def test_every_alarm_action_is_a_declared_topic(request, render_name):
    render = request.getfixturevalue(render_name)
    targets = _alarm_targets(render)
    assert targets, "alarms route somewhere"
    sns_targets = {arn for arn in targets if arn.startswith("arn:aws:sns:")}
    assert sns_targets <= _topic_arns(render), sorted(sns_targets - _topic_arns(render))


@pytest.mark.parametrize("dropped", ["critical", "warning"])
def test_critical_and_warning_still_need_a_subscriber(prod_estate, render_estate_dict, dropped):
    for subscription in prod_estate["alerting"]["subscriptions"]:
        subscription["severities"] = [s for s in subscription["severities"] if s != dropped] or ["info"]
    with pytest.raises(EstateConfigError) as caught:
        render_estate_dict(prod_estate)
    assert caught.value.problems == [
        f"estate.alerting: no subscription receives severity {dropped}: its alarms would publish to a topic nobody"
        " hears (critical and warning each need a subscriber; info is optional)"
    ]

