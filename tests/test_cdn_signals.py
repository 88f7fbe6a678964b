"""The CloudFront signal table (components/cdn/signals.py): catalogue metrics of the global-metrics
region, and the monitoring subscription only when a row reading an additional metric is enabled."""

from __future__ import annotations

from components.cdn.monitoring import needs_additional_metrics
from components.cdn.signals import SIGNALS, what_of
from data.catalogue import cloudfront
from data.catalogue.regions import GLOBAL_METRICS_REGION, metric_region
from data.model import CdnDistribution, CdnThresholds


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
    watched = CdnDistribution(name="cdn", distribution_id="E1ABCDEFG", service="web")
    assert needs_additional_metrics(watched)
    off = CdnDistribution(name="cdn", distribution_id="E1ABCDEFG", service="web", thresholds={"cache_hit_rate": None})
    assert not needs_additional_metrics(off)


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
