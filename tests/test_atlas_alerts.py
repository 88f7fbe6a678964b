"""The Atlas alert table (components/atlas/alerts.py): Atlas metrics from the catalogue, thresholds of
the stack file, and one alert configuration per row and level in prod."""

from __future__ import annotations

from components.atlas.alerts import ALERTS
from data.catalogue import atlas
from data.model import Atlas

CONFIG = "mongodbatlas:index/alertConfiguration:AlertConfiguration"


def test_rows_read_catalogue_metrics_and_atlas_thresholds():
    assert [a.name for a in ALERTS] == ["connections", "replication-lag", "disk"]
    for alert in ALERTS:
        assert alert.threshold_key in Atlas.model_fields
        assert alert.metric.units in ("RAW", "SECONDS") and alert.source == atlas.ADMIN_API_SOURCE


def test_prod_alert_configurations_follow_the_table(prod_render):
    configs = {r.name: r.inputs for r in prod_render.of_type(CONFIG)}
    assert set(configs) == {f"symphonia-prod-{a.name}-{sev}" for a in ALERTS for sev in ("warning", "critical")}
    for alert in ALERTS:
        inputs = configs[f"symphonia-prod-{alert.name}-critical"]
        assert inputs["eventType"] == atlas.OUTSIDE_METRIC_THRESHOLD and inputs["severityOverride"] == "CRITICAL"
        assert inputs["metricThresholdConfig"]["metricName"] == alert.metric.name
        assert inputs["metricThresholdConfig"]["units"] == alert.metric.units
