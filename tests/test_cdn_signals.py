"""The CloudFront signal table (components/cdn/signals.py): catalogue metrics of the global-metrics
region, and the monitoring subscription only when a row reading an additional metric is enabled."""

from __future__ import annotations

import pytest

from components.cdn.monitoring import needs_additional_metrics
from components.cdn.signals import SIGNALS, what_of
from data.catalogue import cloudfront
from data.catalogue.regions import GLOBAL_METRICS_REGION, metric_region
from data.model import CdnDistribution, CdnThresholds, Threshold


def test_rows_read_cloudfront_metrics_in_the_global_metrics_region():
    assert SIGNALS.names == ("5xx-rate", "cache-hit-rate")
    for signal in SIGNALS:
        assert signal.threshold_key in CdnThresholds.model_fields
        assert metric_region(signal.namespace, "eu-central-1") == GLOBAL_METRICS_REGION
        assert signal.metric.dimension_values(cloudfront.dimension_values("E1ABCDEFG")) == {
            "DistributionId": "E1ABCDEFG", "Region": "Global"}


def test_what_names_the_distribution():
    assert what_of(SIGNALS.get("5xx-rate"), "E1ABCDEFG") == "CloudFront 5xxErrorRate of E1ABCDEFG (percentage of requests)"


def test_subscription_only_when_cache_hit_rate_is_watched():
    watched = CdnDistribution(name="cdn", distribution_id="E1ABCDEFG", service="web", serves="static")
    assert needs_additional_metrics(watched)
    off = CdnDistribution(name="cdn", distribution_id="E1ABCDEFG", service="web", serves="static",
                          thresholds={"cache_hit_rate": None})
    assert not needs_additional_metrics(off)


# Issue 12 #8: the default alarms fit what the distribution serves. An API's responses are mostly uncacheable,
# so a default "hit rate below 80 %" alarm would always fire: only a static distribution gets it by default.
@pytest.mark.parametrize("serves, default", [
    ("static", Threshold(warning=80, direction="below")), ("api", None), ("mixed", None), (None, None)])
def test_the_cache_hit_alarm_is_a_default_of_static_distributions_only(serves, default):
    given = {"serves": serves} if serves else {}
    distribution = CdnDistribution(name="cdn", distribution_id="E1ABCDEFG", service="web", **given)
    assert distribution.thresholds.cache_hit_rate == default
    assert needs_additional_metrics(distribution) is (default is not None)
    assert distribution.thresholds.error_rate_5xx == Threshold(critical=5)  # a 5xx rate is a fault whatever it serves


def test_an_explicit_cache_hit_threshold_holds_for_an_api():
    explicit = CdnDistribution(name="cdn", distribution_id="E1ABCDEFG", service="web", serves="api",
                               thresholds={"cache_hit_rate": {"warning": 30, "direction": "below"}})
    assert explicit.thresholds.cache_hit_rate == Threshold(warning=30, direction="below")
    off = CdnDistribution(name="cdn", distribution_id="E1ABCDEFG", service="web", serves="static",
                          thresholds={"error_rate_5xx": {"critical": 10}, "cache_hit_rate": None})
    assert off.thresholds.cache_hit_rate is None


def test_the_alarm_text_is_the_estates_own():
    """No company's runbook in the code: the estate's advice (cdn[].advice) replaces the metric's explanation."""
    hit = SIGNALS.get("cache-hit-rate")
    assert what_of(hit, "E1ABCDEFG") == "CloudFront CacheHitRate of E1ABCDEFG (cacheable requests served from the cache)"
    assert what_of(hit, "E1ABCDEFG", "see wiki/cdn: purge, then raise max-age") == (
        "CloudFront CacheHitRate of E1ABCDEFG (see wiki/cdn: purge, then raise max-age)")
    for signal in SIGNALS:
        assert "runbook" not in signal.what.lower() and "TTL" not in signal.what


def test_an_unknown_advice_key_or_serves_value_is_refused(prod_estate):
    from data.config import EstateConfigError, parse_estate

    prod_estate["cdn"][0]["serves"] = "assets"
    prod_estate["cdn"][0]["advice"] = {"cache_hit": "adjust the TTLs"}
    with pytest.raises(EstateConfigError) as error:
        parse_estate(prod_estate, "eu-central-1")
    problems = error.value.problems
    assert any(p.startswith("estate.cdn[0].serves: ") and "static" in p for p in problems), problems
    assert "estate.cdn[0].advice.cache_hit: unknown key (did you mean 'cache_hit_rate'?)" in problems, problems


def test_an_api_distribution_renders_no_hit_rate_alarm_and_a_static_one_no_runbook_text(prod_estate, render_estate_dict):
    prod_estate["cdn"] = [
        {"name": "api-cdn", "distribution_id": "E1APIAPIAPI", "service": "authz-eb", "serves": "api"},
        {"name": "assets-cdn", "distribution_id": "E2STATICSTA", "service": "authz-eb", "serves": "static"},
    ]
    render = render_estate_dict(prod_estate)
    alarms = {a.inputs["name"]: a.inputs for a in render.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert {"api-cdn-5xx-rate-critical", "assets-cdn-5xx-rate-critical", "assets-cdn-cache-hit-rate-warning"} <= set(alarms)
    assert not any(name.startswith("api-cdn-cache-hit-rate") for name in alarms)
    (subscription,) = render.of_type("aws:cloudfront/monitoringSubscription:MonitoringSubscription")
    assert subscription.inputs["distributionId"] == "E2STATICSTA"
    description = alarms["assets-cdn-cache-hit-rate-warning"]["alarmDescription"]
    assert description.startswith("WARNING: CloudFront CacheHitRate of E2STATICSTA (cacheable requests served from the cache) < 80%")
    assert "runbook 000" not in description and "TTL" not in description


def test_prod_keeps_its_runbook_advice_from_its_stack_file(prod_render):
    alarm = prod_render.named("authz-cdn-cache-hit-rate-warning", "aws:cloudwatch/metricAlarm:MetricAlarm")
    assert "CacheHitRate of E8GKHGYOIP84 (runbook 000: below 80 %, adjust the TTLs) < 80%" in alarm.inputs["alarmDescription"]


def test_cloudfront_section_beside_its_service_in_the_global_metrics_region(prod_render):
    import json

    boards = {d.inputs["dashboardName"]: json.loads(d.inputs["dashboardBody"])
              for d in prod_render.of_type("aws:cloudwatch/dashboard:Dashboard")}
    widgets = boards["RT-Backend-Services"]["widgets"]  # authz-eb, whose distribution is authz-cdn
    assert any(w["properties"].get("markdown", "").startswith("# CloudFront authz-cdn") for w in widgets)
    graphs = [w["properties"] for w in widgets if w["properties"].get("metrics", [[None]])[0][0] == cloudfront.NAMESPACE]
    assert {g["region"] for g in graphs} == {GLOBAL_METRICS_REGION}
    assert [g["metrics"][0][1] for g in graphs] == ["5xxErrorRate", "CacheHitRate"]
    assert [g["metrics"][0][2:6] for g in graphs] == [["DistributionId", "E8GKHGYOIP84", "Region", "Global"]] * 2
    assert [[a["value"] for a in g["annotations"]["horizontal"]] for g in graphs] == [[5], [80]]
