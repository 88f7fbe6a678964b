"""Issue 12 #7: a service tunes its built-in alarms per signal in the stack file (threshold, period,
evaluation periods, datapoints to alarm) or switches one off (``latency_p95: null``); CloudWatch's
constraints are checked at load (exit 2 with the key path), and ``services-environment-alarms``
accepts a signal the stack file deliberately switched off, saying so."""

from __future__ import annotations

import copy

import pytest

from data.config import EstateConfigError, parse_estate
from policies.rules.runner import run_policies
from tests.test_policies_rules import CONFIG, compliant_render, drop
from tools.check import estate_policy_config

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RULE = "services-environment-alarms"


def _alarms(render, prefix):
    return {a.inputs["alarmName"] if "alarmName" in a.inputs else a.inputs["name"]: a.inputs
            for a in render.of_type(ALARM) if (a.inputs.get("name") or "").startswith(prefix)}


def test_a_tuned_signal_gets_its_period_evaluation_periods_and_datapoints(prod_estate, render_estate_dict):
    prod_estate["services"][0]["thresholds"] = {
        "latency_p95": {"warning": 0.3, "critical": 0.8, "period": 60, "evaluation_periods": 5, "datapoints_to_alarm": 3}}
    alarms = _alarms(render_estate_dict(prod_estate), "authz-eb-latency-p95")
    assert {name: (a["threshold"], a["period"], a["evaluationPeriods"], a["datapointsToAlarm"]) for name, a in alarms.items()} == {
        "authz-eb-latency-p95-warning": (0.3, 60, 5, 3), "authz-eb-latency-p95-critical": (0.8, 60, 5, 3)}


def test_null_switches_a_signal_off(prod_estate, render_estate_dict):
    prod_estate["services"][0]["thresholds"] = {"latency_p95": None, "cpu": None}
    render = render_estate_dict(prod_estate)
    assert _alarms(render, "authz-eb-latency-p95") == {} and _alarms(render, "authz-eb-cpu") == {}
    assert _alarms(render, "authz-eb-health")  # the others stay


@pytest.mark.parametrize("override, expected", [
    ({"warning": 1, "period": 45, "evaluation_periods": 2},
     "estate.services[0].thresholds.latency_p95.period: 45 is not an alarm period CloudWatch accepts: 10, 20, 30 or a multiple of 60 seconds"),
    ({"warning": 1, "period": 900, "evaluation_periods": 97},
     "estate.services[0].thresholds.latency_p95.evaluation_periods: period (900) x evaluation_periods (97) = 87300 s; CloudWatch allows at most 86400 s (one day) for a period under an hour"),
    ({"warning": 1, "period": 7200, "evaluation_periods": 85},
     "estate.services[0].thresholds.latency_p95.evaluation_periods: period (7200) x evaluation_periods (85) = 612000 s; CloudWatch allows at most 604800 s (seven days)"),
    ({"warning": 1, "evaluation_periods": 2, "datapoints_to_alarm": 3},
     "estate.services[0].thresholds.latency_p95.datapoints_to_alarm: 3 exceeds evaluation_periods (2); CloudWatch needs datapoints to alarm <= evaluation periods"),
    ({"warning": 1, "period": 60},
     "estate.services[0].thresholds.latency_p95.evaluation_periods: give it with period or datapoints_to_alarm, so the alarm window (period x evaluation periods, at most one day, seven days for a period of an hour or more) is the stack file's"),
])
def test_cloudwatch_constraints_are_checked_at_load(prod_estate, override, expected):
    prod_estate["services"][0]["thresholds"] = {"latency_p95": override}
    with pytest.raises(EstateConfigError) as error:
        parse_estate(prod_estate, "eu-central-1")
    assert expected in error.value.problems


def test_the_alarms_rule_accepts_a_switched_off_signal_and_says_so():
    render = compliant_render()
    drop(render, "api-latency-warning", "api-latency-critical")
    assert sorted(v.message.partition("\n")[2] for v in run_policies(render, config=CONFIG).violations if v.policy == RULE) == [
        "environment api-prod has no critical latency-p95 alarm.", "environment api-prod has no warning latency-p95 alarm."]
    config = {**CONFIG, RULE: {"switched_off": {"api-prod": ["latency-p95"]}}}
    assert [v for v in run_policies(render, config=config).violations if v.policy == RULE] == []
    drop(render, "api-cpu-warning")
    [message] = [v.message.partition("\n")[2] for v in run_policies(render, config=config).violations if v.policy == RULE]
    assert message == "environment api-prod has no warning cpu alarm. (Switched off in the stack file: latency-p95.)"


def test_estate_check_config_lists_each_service_s_switched_off_signals(prod_estate):
    prod_estate["services"][0]["thresholds"] = {"latency_p95": None}
    config = estate_policy_config(parse_estate(prod_estate, "eu-central-1"))
    assert config[RULE]["switched_off"] == {"authz-eb-prod": ["latency-p95"]}
