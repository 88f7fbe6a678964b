"""Issue 13 #2: the offline price table (each price with its page and date), the estimate of a render by
service and family, the cost delta of a change, and the advisory rule on the budget's warning level."""

from __future__ import annotations

import json

import pytest

from data.catalogue import prices
from policies.rules.runner import run_policies
from tools.cost import ESTATE, cost_delta, delta_markdown, estimate

RULE = "cost-estimate-within-budget"


# -- The price table ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "region", "usd", "source", "read_on", "status"), [
    ("cloudwatch.alarm-metric.standard", "us-east-1", 0.10, prices.CLOUDWATCH, prices.C3X_ALARMS, "read-elsewhere"),
    ("cloudwatch.alarm-metric.high-resolution", "us-east-1", 0.30, prices.CLOUDWATCH, prices.C3X_ALARMS, "read-elsewhere"),
    ("cloudwatch.composite-alarm", "us-east-1", 0.50, prices.CLOUDWATCH, prices.C3X_ALARMS, "read-elsewhere"),
    ("route53.health-check.aws-endpoint", prices.GLOBAL, 0.50, prices.ROUTE53, prices.WEWANTCODE_ROUTE53, "read-elsewhere"),
    ("route53.health-check.non-aws-endpoint", prices.GLOBAL, 0.75, prices.ROUTE53, prices.WEWANTCODE_ROUTE53, "read-elsewhere"),
    ("elasticache.node.cache.t3.micro", "us-east-1", 0.017, prices.ELASTICACHE, prices.DRAGONFLY_T3_MICRO, "read-elsewhere"),
    ("elb.application.hour", "eu-west-1", 0.0252, prices.ELB, prices.CAL53_ALB, "read-elsewhere"),
    ("secretsmanager.secret", "us-east-1", 0.40, prices.SECRETS_MANAGER, prices.HIVEBOOK_SECRETS, "read-elsewhere"),
    ("budgets.budget", prices.GLOBAL, 0.02, prices.BUDGETS, prices.BUDGETS_GUIDE, "read-elsewhere"),
])
def test_prices_pinned_to_the_page_they_were_read_on(key, region, usd, source, read_on, status):
    price = prices.price(key, region)
    assert (price.usd, price.source, price.read_on, price.status, price.date_read) == (usd, source, read_on, status, "2026-11-29")


def test_every_entry_says_where_to_check_it_and_how_settled():
    entries = prices.entries()
    assert {e.region for e in entries} >= {"eu-central-1", "eu-west-1", "us-east-1", prices.GLOBAL}
    for entry in entries:
        assert entry.status in prices.STATUSES and entry.source.startswith("http") and entry.date_read == prices.READ_ON
        assert (entry.usd is None) == (entry.status == "not-priced"), entry
        assert bool(entry.read_on) == (entry.status == "read-elsewhere"), entry
        if entry.status in ("unverified", "not-priced"):
            assert entry.note, f"{entry.key} {entry.region}: an unverified or missing figure says why"


def test_what_varies_with_use_is_not_priced():
    for key in ("sns.sms", "elb.lcu", "s3.storage"):
        assert prices.price(key, "eu-central-1").usd is None
    assert prices.price("atlas.tier.M10", "eu-central-1").status == "not-priced"  # no page read gives it
    assert prices.price("ec2.instance.x9.huge", "eu-central-1").note == "no price for ec2.instance.x9.huge in eu-central-1 in the table"


# -- The estimate of prod -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prod_estimate(prod_render):
    return estimate(prod_render)


def _lines(result, service, family):
    return [line for line in result.lines if (line.service, line.family) == (service, family)]


def test_prod_has_a_total_and_a_breakdown(prod_estimate):
    assert prod_estimate.stack == "prod" and prod_estimate.total_usd > 0
    breakdown = prod_estimate.by_service_family()
    assert round(sum(breakdown.values()), 2) == prod_estimate.total_usd
    families = {family for _, family in breakdown}
    assert {"alarms", "compute", "load balancers", "custom metrics", "health checks", "cache", "secrets", "dashboards"} <= families
    for line in prod_estimate.lines:
        assert line.price.source.startswith("http"), line


def test_eb_instances_are_the_minimum_times_the_hourly_price(prod_estimate):
    (compute,) = [l for l in _lines(prod_estimate, "authz-eb", "compute") if "instances" in l.item]
    assert (compute.item, compute.quantity, compute.region) == ("t3.small instances (minimum)", 2, "eu-central-1")
    assert compute.monthly_usd == round(2 * prices.price("ec2.instance.t3.small", "eu-central-1").usd * 730, 2)
    (alb,) = [l for l in _lines(prod_estimate, "authz-eb", "load balancers") if l.price.key == "elb.application.hour"]
    assert alb.monthly_usd == round(0.027 * 730, 2)


def test_alarms_are_priced_per_metric_they_read(prod_estimate):
    alarms = {(l.item, l.region): l.quantity for l in _lines(prod_estimate, "authz-eb", "alarms")}
    # 14 metrics in eu-central-1 for the static alarms: the 5xx-rate, LB 5xx-rate metric-math alarms read 2
    # metrics each; the Metrics Insights root-filesystem alarm analyses one metric per instance (MinSize 2); the
    # health check's alarm lives in us-east-1. The objective adds 6 burn-rate windows reading 3 metrics each
    # (target 5xx, ELB 5xx, requests) and their 3 composite alarms (issue 14: priced like any other alarm).
    assert alarms[("Metrics Insights metrics analysed", "eu-central-1")] == 4
    assert alarms[("standard alarm metrics", "us-east-1")] == 1
    assert alarms[("standard alarm metrics", "eu-central-1")] == 14 + 6 * 3
    assert alarms[("composite alarms", "eu-central-1")] == 3


def test_enhanced_health_metrics_and_health_check_options(prod_estimate):
    (metrics,) = _lines(prod_estimate, "authz-eb", "custom metrics")
    assert metrics.quantity == 16 + 2 * 2  # 16 environment metrics, 2 instance metrics x 2 instances
    checks = {l.item: l.quantity for l in _lines(prod_estimate, "authz-eb", "health checks")}
    assert checks == {"health checks (aws endpoint)": 1, "option: HTTPS": 1, "option: latency measurement": 1}


def test_what_prod_cannot_price_is_listed_not_guessed(prod_estimate):
    unpriced = {(l.family, l.item) for l in prod_estimate.unpriced_lines}
    assert ("database", "Atlas M10 cluster (AWS)") in unpriced
    assert ("alert routing", "SMS subscriptions (per message)") in unpriced
    assert any("data transfer" in item for item in prod_estimate.not_priced)
    sms = [l for l in prod_estimate.unpriced_lines if l.price.key == "sns.sms" and l.region == "eu-central-1"]
    assert sms and sms[0].note == "capped at 50 USD a month in eu-central-1 (SmsPreferences)"
    (dashboards,) = _lines(prod_estimate, ESTATE, "dashboards")
    assert dashboards.quantity == 6 - prices.FREE_DASHBOARDS


def test_the_json_contract_estimates_as_the_render_does(prod_render, prod_estimate):
    document = json.loads(prod_render.to_json())
    assert estimate(document, region="eu-central-1").total_usd == prod_estimate.total_usd
    assert cost_delta(document, prod_render, base_region="eu-central-1").rows == []
    # The contract does not carry the default region: without it, nothing is priced in a guessed region.
    unknown = estimate(document)
    compute = [line for line in unknown.lines if line.family == "compute"]
    assert compute and {line.region for line in compute} == {"unknown"} and all(line.monthly_usd is None for line in compute)


# -- The delta of a change ----------------------------------------------------------------------------------


def test_an_instance_type_change_moves_the_delta_by_the_table_difference(prod_estate, render_estate_dict):
    base = render_estate_dict(prod_estate)
    (authz,) = [s for s in prod_estate["services"] if s["name"] == "authz-eb"]
    authz["platform"]["instance_type"] = "t3.medium"
    head = render_estate_dict(prod_estate)
    delta = cost_delta(base, head)
    per_instance = prices.price("ec2.instance.t3.medium", "eu-central-1").usd - prices.price("ec2.instance.t3.small", "eu-central-1").usd
    assert delta.delta_usd == round(2 * per_instance * 730, 2)
    (row,) = delta.rows
    assert (row.service, row.family) == ("authz-eb", "compute")
    assert row.changes == ("t3.medium instances (minimum) (eu-central-1): 0 -> 2", "t3.small instances (minimum) (eu-central-1): 2 -> 0")
    text = delta_markdown(delta)
    assert text.startswith("### Estimated monthly cost\n") and f"+{delta.delta_usd:,.2f} USD a month" in text
    assert "| authz-eb | compute |" in text and len(text) < 5000


def test_no_change_no_row(prod_render):
    delta = cost_delta(prod_render, prod_render)
    assert delta.delta_usd == 0 and delta.rows == [] and "No priced change." in delta_markdown(delta)


# -- The rule: the estimate against the budget's warning level -----------------------------------------------


def _rule_violations(render):
    return [v for v in run_policies(render).violations if v.policy == RULE]


def test_rule_passes_when_the_estimate_is_below_the_warning_level(prod_render, prod_estimate):
    assert prod_estimate.total_usd < 1500 * 0.80
    assert _rule_violations(prod_render) == []


def test_rule_fires_when_the_estimate_exceeds_the_warning_level(prod_estate, render_estate_dict, prod_estimate):
    prod_estate["budget"].update(monthly_limit_usd=200, alert_percentages=[90, 50, 100])  # warns at 100 USD
    (violation,) = _rule_violations(render_estate_dict(prod_estate))
    assert violation.enforcement_level == "advisory" and violation.urn.endswith("::rt-estate-prod-monthly")
    assert f"estimated {prod_estimate.total_usd:,.2f} USD a month exceeds budget rt-estate-prod-monthly's warning level" \
           " 100.00 USD (200.00 x 50 %)" in violation.message


# -- Families prod does not declare, on hand-written records ------------------------------------------------


def _record(type_, name, inputs, region="eu-central-1"):
    from tools.cost import Resource

    return Resource(type_, name, f"urn:pulumi:t::p::{type_}::{name}", region, inputs)


def test_alarm_kinds_external_health_checks_and_composites():
    alarm = "aws:cloudwatch/metricAlarm:MetricAlarm"
    records = [
        _record(alarm, "fast", {"period": 10, "tags": {"service": "api"}}),
        _record(alarm, "band", {"tags": {"service": "api"}, "thresholdMetricId": "band", "metricQueries": [
            {"id": "m", "metric": {"metricName": "Latency", "namespace": "X", "period": 60, "stat": "p95"}, "returnData": True},
            {"id": "band", "expression": "ANOMALY_DETECTION_BAND(m, 2)"},
        ]}),
        _record(alarm, "insights", {"tags": {"service": "api"}, "metricQueries": [
            {"id": "q", "expression": "SELECT MAX(CPUUtilization) FROM \"AWS/EC2\"", "period": 300, "returnData": True},
        ]}),
        _record("aws:cloudwatch/compositeAlarm:CompositeAlarm", "both", {"tags": {"service": "api"}}),
        _record("aws:route53/healthCheck:HealthCheck", "hc", {
            "type": "HTTPS_STR_MATCH", "requestInterval": 10, "measureLatency": False, "tags": {"service": "api"},
        }, region=None),
    ]
    result = estimate(records, region="eu-central-1", stack="t")
    got = {(l.item, l.price.key): (l.quantity, l.monthly_usd) for l in result.lines}
    assert got[("high-resolution alarm metrics", "cloudwatch.alarm-metric.high-resolution")] == (1, 0.30)
    assert got[("anomaly-detection alarm metrics", "cloudwatch.alarm-metric.anomaly-detection")] == (3, 0.30)
    assert got[("Metrics Insights metrics analysed", "cloudwatch.alarm-metric.metrics-insights")] == (1, 0.10)
    assert got[("composite alarms", "cloudwatch.composite-alarm")] == (1, 0.50)
    # "api" runs on no Elastic Beanstalk environment here: a non-AWS endpoint, its options at the non-AWS price.
    assert got[("health checks (non aws endpoint)", "route53.health-check.non-aws-endpoint")] == (1, 0.75)
    options = {item for item, key in got if key == "route53.health-check.option.non-aws-endpoint"}
    assert options == {"option: HTTPS", "option: string matching", "option: fast interval"}
    assert result.total_usd == round(0.30 + 0.30 + 0.10 + 0.50 + 0.75 + 3 * 2.00, 2)
