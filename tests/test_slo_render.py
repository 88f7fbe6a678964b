"""Issue 14 item 2, done means: the prod render has, for authz-eb (99.9) and subscriptions-contracts-eb (99.8),
the three burn-rate pairs as composite alarms over metric-math children, thresholds derived from the
objective, routed (pages critical, ticket warning) and suppressed by the fast page; and the dashboards show
the error budget remaining and the burn rate."""

from __future__ import annotations

import json

import pytest

from data.model.slo import burn_rate_alarm_names

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
TOPIC_ARN = "arn:aws:sns:eu-central-1:123456789012:rt-estate-prod-{}"
EXPECTED = {
    "authz-eb": {"fast": 0.0144, "slow": 0.006, "ticket": 0.001},
    "subscriptions-contracts-eb": {"fast": 0.0288, "slow": 0.012, "ticket": 0.002},
}
WINDOWS = {"fast": (3600, 300), "slow": (21600, 1800), "ticket": (259200, 21600)}
SEVERITY = {"fast": "critical", "slow": "critical", "ticket": "warning"}


@pytest.fixture(scope="module")
def alarms(prod_render):
    metric = {r.inputs["name"]: r for r in prod_render.of_type(METRIC_ALARM)}
    composite = {r.inputs["alarmName"]: r for r in prod_render.of_type(COMPOSITE_ALARM)}
    return metric, composite


@pytest.mark.parametrize("service", sorted(EXPECTED))
def test_three_pairs_as_composites_over_metric_math_children(alarms, service):
    metric, composite = alarms
    for pair, (composite_name, long_name, short_name) in burn_rate_alarm_names(service).items():
        parent = composite[composite_name].inputs
        assert parent["alarmRule"] == f'ALARM("{long_name}") AND ALARM("{short_name}")'
        for name, window in zip((long_name, short_name), WINDOWS[pair]):
            child = metric[name].inputs
            assert child["threshold"] == EXPECTED[service][pair]
            assert child["comparisonOperator"] == "GreaterThanThreshold"
            assert child["evaluationPeriods"] == 1 and child["treatMissingData"] == "notBreaching"
            assert child["alarmActions"] == [] and child["okActions"] == []
            queries = {q["id"]: q for q in child["metricQueries"]}
            # The contract the monthly report reads: errors, requests, error_ratio (the one returning data).
            assert [q["id"] for q in child["metricQueries"] if q.get("returnData")] == ["error_ratio"]
            assert not queries["errors"].get("returnData") and not queries["requests"].get("returnData")
            assert queries["requests"]["metric"]["metricName"] == "RequestCount"
            assert queries["requests"]["metric"]["stat"] == "Sum"
            assert {q["metric"]["period"] for q in child["metricQueries"] if "metric" in q} == {window}
            assert {q["metric"]["namespace"] for q in child["metricQueries"] if "metric" in q} == {"AWS/ApplicationELB"}


@pytest.mark.parametrize("service", sorted(EXPECTED))
def test_pages_critical_tickets_warning_and_the_fast_page_suppresses_the_others(alarms, service):
    _, composite = alarms
    names = burn_rate_alarm_names(service)
    fast = names["fast"][0]
    for pair, (composite_name, *_children) in names.items():
        parent = composite[composite_name].inputs
        topic = [TOPIC_ARN.format(SEVERITY[pair])]
        assert composite_name.endswith(SEVERITY[pair])
        assert parent["alarmActions"] == topic and parent["okActions"] == topic
        assert parent["tags"]["severity"] == SEVERITY[pair]
        suppressor = parent.get("actionsSuppressor")
        if pair == "fast":
            assert suppressor is None
        else:
            assert suppressor == {"alarm": fast, "waitPeriod": 300, "extensionPeriod": WINDOWS[pair][1]}
        assert "Runbook: https://github.com/rt-technologie/monitored-estate/blob/main/docs/runbooks.md#slo-burn-" in parent["alarmDescription"]


def test_the_description_says_the_arithmetic(alarms):
    _, composite = alarms
    assert composite["authz-eb-slo-burn-fast-critical"].inputs["alarmDescription"].startswith(
        "CRITICAL: authz-eb spends 2 % of its 30-day error budget (objective 99.9 %) within 1 h: error ratio > 0.0144"
        " (burn rate 14.4) over 1 h and over 5 min.")


def test_services_without_an_objective_get_no_burn_rate_alarms(alarms):
    metric, composite = alarms
    services = {name.split("-slo-burn-")[0] for name in [*metric, *composite] if "-slo-burn-" in name}
    assert services == set(EXPECTED)


def test_the_dashboard_shows_budget_remaining_and_burn_rate(prod_render):
    boards = [r for r in prod_render.of_type(DASHBOARD) if r.inputs["dashboardName"].startswith("authz-eb")]
    widgets = [w for board in boards for w in json.loads(board.inputs["dashboardBody"])["widgets"]]
    titles = [w["properties"].get("title", "") for w in widgets]
    budget = next(w for w in widgets if w["properties"].get("title", "").startswith("Error budget remaining"))
    assert budget["properties"]["view"] == "singleValue" and budget["properties"]["start"] == "-P30D"
    expressions = [m[0]["expression"] for m in budget["properties"]["metrics"] if isinstance(m[0], dict)]
    assert "100 * (1 - error_ratio / 0.001)" in expressions
    burn = next(w for w in widgets if w["properties"].get("title", "").startswith("Burn rate"))
    assert [a["value"] for a in burn["properties"]["annotations"]["horizontal"]] == [14.4, 6.0, 1.0]
    assert "authz-eb burn-rate alerts" in titles


def test_a_latency_objective_is_drawn_as_the_share_of_fast_requests():
    from components.slo.monitoring import latency_widget, objective_widgets
    from data.model import Service

    service = Service(name="quotes", slo={"availability": 99.5, "latency": {"threshold_ms": 300, "percent": 95}})
    widget = latency_widget(service, "app/quotes/1", "us-west-2")
    assert widget.properties["stat"] == "PR(:0.3)"  # percent of requests answered within 0.3 s
    assert widget.properties["metrics"] == [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", "app/quotes/1",
                                             {"stat": "PR(:0.3)", "label": "PR(:0.3) (%)"}]]
    assert widget.properties["annotations"]["horizontal"] == [{"label": "objective", "value": 95}]
    without = Service(name="quotes", slo={"availability": 99.5})
    assert len(objective_widgets(service, "x", "us-west-2", ["arn"])) == len(objective_widgets(without, "x", "us-west-2", ["arn"])) + 1
