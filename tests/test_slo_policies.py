"""Issue 14 item 5: the objective rules, each where it fires and where it passes (on the hand-written compliant
render of test_policies_rules.py, whose service ``api`` has an objective of 99.9 %)."""

from __future__ import annotations

import copy

import pytest

from policies.rules.runner import run_policies
from test_policies_rules import CONFIG, compliant_render, drop, find, inputs, set_setting
from slo_fixtures import add_burn_rate_alarms
from test_policies_rules import Builder

ALL_BURN = [f"api-slo-burn-{pair}-{part}" for pair, severity in (("fast", "critical"), ("slow", "critical"), ("ticket", "warning"))
            for part in (severity, "long", "short")]


@pytest.fixture(scope="module")
def baseline() -> dict:
    return compliant_render()


def _violations(render: dict, rule: str) -> list[str]:
    return [v.message.split("\n", 1)[1] for v in run_policies(render, config=CONFIG).violations if v.policy == rule]


def test_the_compliant_render_has_no_objective_finding(baseline):
    for rule in ("alerting-slo-objective-declared", "alerting-slo-burn-rate-pair", "alerting-slo-burn-rate-threshold",
                 "alerting-slo-child-in-composite"):
        assert _violations(baseline, rule) == [], rule


def test_a_public_service_without_an_objective_is_advised(baseline):
    render = copy.deepcopy(baseline)
    drop(render, *ALL_BURN)
    result = run_policies(render, config=CONFIG)
    (finding,) = [v for v in result.violations if v.policy == "alerting-slo-objective-declared"]
    assert finding.enforcement_level == "advisory" and result.exit_code == 0
    assert "environment api-prod answers the internet and has no availability objective" in finding.message


@pytest.mark.parametrize("setting, value", [
    (("aws:ec2:vpc", "ELBScheme"), "internal"),  # an internal load balancer: no public URL
])
def test_an_internal_service_needs_no_objective(baseline, setting, value):
    render = copy.deepcopy(baseline)
    drop(render, *ALL_BURN)
    set_setting(render, "api-prod", *setting, value)
    assert _violations(render, "alerting-slo-objective-declared") == []


def test_a_worker_needs_no_objective(baseline):
    render = copy.deepcopy(baseline)
    drop(render, *ALL_BURN)
    inputs(render, "api-prod")["tier"] = "Worker"
    assert _violations(render, "alerting-slo-objective-declared") == []


def test_a_pair_whose_short_child_measures_the_long_window_fires(baseline):
    render = copy.deepcopy(baseline)
    for query in inputs(render, "api-slo-burn-slow-short")["metricQueries"]:
        if "metric" in query:
            query["metric"]["period"] = 21600
    assert _violations(render, "alerting-slo-burn-rate-pair") == [
        "burn-rate alert api-slo-burn-slow-critical: its short-window child measures 21600 s, not the slow pair's 1800 s."]


def test_a_pair_that_pages_on_either_window_fires(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "api-slo-burn-fast-critical")["alarmRule"] = 'ALARM("api-slo-burn-fast-long") OR ALARM("api-slo-burn-fast-short")'
    assert _violations(render, "alerting-slo-burn-rate-pair") == [
        'burn-rate alert api-slo-burn-fast-critical: the rule must need both windows (AND): ALARM("api-slo-burn-fast-long")'
        ' OR ALARM("api-slo-burn-fast-short")']


def test_a_threshold_off_the_objective_fires_and_says_the_arithmetic(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "api-slo-burn-fast-long").update(threshold=0.0288)  # 99.8's, on a 99.9 objective
    assert _violations(render, "alerting-slo-burn-rate-threshold") == [
        "threshold 0.0288 does not match the objective: fast pair, 99.9 % over 30 days is 14.4 x 0.001 = 0.0144."]


def test_a_threshold_matching_another_objective_passes():
    b = Builder()
    env = b.add("aws:elasticbeanstalk/environment:Environment", "api-prod", {"name": "api-prod", "settings": []})
    topics = {sev: b.add("aws:sns/topic:Topic", f"t-{sev}", {"name": f"t-{sev}", "tags": {"severity": sev}}) for sev in ("critical", "warning")}
    add_burn_rate_alarms(b, "api", env, topics, availability=99.8)
    render = b.render()
    assert find(render, "api-slo-burn-fast-long")["inputs"]["threshold"] == 0.0288
    assert _violations(render, "alerting-slo-burn-rate-threshold") == []


def test_a_burn_rate_alarm_without_its_objective_tags_fires(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "api-slo-burn-ticket-short")["tags"].pop("slo_availability")
    assert _violations(render, "alerting-slo-burn-rate-threshold") == [
        "the alarm carries no valid slo_availability and slo_window_days tags: its threshold cannot be checked against an objective."]


def test_a_silent_child_its_composite_does_not_name_fires(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "api-slo-burn-slow-critical")["alarmRule"] = 'ALARM("api-slo-burn-slow-long") AND ALARM("other")'
    messages = _violations(render, "alerting-slo-child-in-composite")
    assert messages == ['alarm api-slo-burn-slow-short has no actions and composite api-slo-burn-slow-critical does not name it'
                        ' in its rule (ALARM("api-slo-burn-slow-long") AND ALARM("other")).']


def test_a_silent_child_of_a_silent_composite_fires(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "api-slo-burn-ticket-warning").update(alarmActions=[], okActions=[])
    assert len(_violations(render, "alerting-slo-child-in-composite")) == 2


def test_an_alarm_without_actions_or_composite_is_still_caught_by_the_actions_rule(baseline):
    """The silent-child exemption needs the tag: an untagged alarm without actions is what it always was."""
    render = copy.deepcopy(baseline)
    inputs(render, "api-slo-burn-fast-long")["tags"].pop("notifies_through")
    assert {v.policy for v in run_policies(render, config=CONFIG).violations
            if v.urn == find(render, "api-slo-burn-fast-long")["urn"]} == {"alerting-alarm-actions-notify", "alerting-alarm-topic-region"}


def test_the_estates_declared_objective_wins_over_the_alarms_tags(baseline):
    """An alarm whose tags and threshold were both edited to 99.9 while the estate declares 99.8 for it."""
    declared = {**CONFIG, "alerting-slo-burn-rate-threshold": {"objectives": {"api": {"availability": 99.8, "window_days": 30}}}}
    messages = [v.message.split("\n", 1)[1] for v in run_policies(baseline, config=declared).violations
                if v.policy == "alerting-slo-burn-rate-threshold" and v.urn == find(baseline, "api-slo-burn-fast-long")["urn"]]
    assert messages == [
        "the alarm is tagged 99.9 % over 30 days; the estate declares 99.8 % over 30 days for api.",
        "threshold 0.0144 does not match the objective: fast pair, 99.8 % over 30 days is 14.4 x 0.002 = 0.0288."]
    agreeing = {**CONFIG, "alerting-slo-burn-rate-threshold": {"objectives": {"api": {"availability": 99.9, "window_days": 30}}}}
    assert [v for v in run_policies(baseline, config=agreeing).violations if v.policy == "alerting-slo-burn-rate-threshold"] == []


def test_estate_check_passes_the_declared_objectives_to_the_rule(prod_stack_file):
    from data.config import estate_from_stack_file
    from tools.check import estate_policy_config

    config = estate_policy_config(estate_from_stack_file(prod_stack_file))
    assert config["alerting-slo-burn-rate-threshold"]["objectives"] == {
        "authz-eb": {"availability": 99.9, "window_days": 30},
        "subscriptions-contracts-eb": {"availability": 99.8, "window_days": 30}}
