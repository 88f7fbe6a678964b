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


def test_host_metric_matchers_use_host_matcher_fields(prod_render):
    """#4: OUTSIDE_METRIC_THRESHOLD configurations match hosts (Admin API HostMatcherField); CLUSTER_NAME
    is a replica-set matcher field and is refused there. The cluster's hosts are those of its replica
    set, read from the cluster's standard connection string (``replicaSet=``)."""
    import re

    for config in prod_render.of_type(CONFIG):
        matchers = config.inputs["matchers"]
        fields = [m["fieldName"] for m in matchers]
        assert set(fields) <= set(atlas.HOST_MATCHER_FIELDS), (config.name, fields)
        (replica_set,) = [m for m in matchers if m["fieldName"] == "REPLICA_SET_NAME"]
        assert replica_set["operator"] == "EQUALS" and re.fullmatch(r"atlas-[a-z0-9]+-shard-0", replica_set["value"]), replica_set


def test_replica_set_name_is_read_from_the_standard_connection_string():
    from components.atlas.monitoring import replica_set_name

    # The provider's documented example (docs/resources/advanced_cluster.md).
    standard = (
        "mongodb://cluster-atlas-shard-00-00.ygo1m.mongodb.net:27017,cluster-atlas-shard-00-01.ygo1m.mongodb.net:27017,"
        "cluster-atlas-shard-00-02.ygo1m.mongodb.net:27017/?ssl=true&authSource=admin&replicaSet=atlas-12diht-shard-0"
    )
    assert replica_set_name({"standard": standard}) == "atlas-12diht-shard-0"
    assert replica_set_name([{"standard": standard}]) == "atlas-12diht-shard-0"
    import pytest

    with pytest.raises(ValueError, match="replicaSet"):
        replica_set_name({"standard": "mongodb://h:27017/?ssl=true"})


def test_alert_table_matchers_are_host_matcher_fields():
    for alert in ALERTS:
        for field, _ in alert.matchers:
            assert field in atlas.HOST_MATCHER_FIELDS


def test_critical_atlas_alerts_page_through_pagerduty_warning_stays_email(prod_render, prod_stack_file):
    """#12: Atlas's native PagerDuty notification on every critical configuration, its service key a
    secret reference (rendered [secret]); warnings notify email only, never the pager."""
    from data.config import ESTATE_KEY

    declared = prod_stack_file.config[ESTATE_KEY]["atlas"]["pagerduty"]
    assert set(declared["service_key"]) <= {"secrets_manager", "ssm", "config"}
    for config in prod_render.of_type(CONFIG):
        kinds = [n["typeName"] for n in config.inputs["notifications"]]
        if config.name.endswith("-critical"):
            (pager,) = [n for n in config.inputs["notifications"] if n["typeName"] == atlas.NOTIFY_PAGER_DUTY]
            assert pager["serviceKey"] == "[secret]" and "region" not in pager  # provider 4.18: US only
            assert "intervalMin" not in pager  # PagerDuty owns the repeat interval (Admin API)
        else:
            assert set(kinds) == {atlas.NOTIFY_EMAIL}, (config.name, kinds)


def test_pagerduty_service_key_is_a_reference_never_plaintext(prod_estate, render_estate_dict):
    from data.config import EstateConfigError
    import pytest

    prod_estate["atlas"]["pagerduty"] = {"service_key": "0123456789abcdef0123456789abcdef"}
    with pytest.raises(EstateConfigError, match=r"atlas\.pagerduty\.service_key"):
        render_estate_dict(prod_estate)
    prod_estate["atlas"]["pagerduty"] = {"service_key": {"generated": 32}}
    with pytest.raises(EstateConfigError, match=r"atlas\.pagerduty\.service_key"):
        render_estate_dict(prod_estate)
    prod_estate["atlas"]["pagerduty"] = {"service_key": {"ssm": "/x/pd"}, "region": "EU"}  # not declarable
    with pytest.raises(EstateConfigError, match=r"atlas\.pagerduty\.region"):
        render_estate_dict(prod_estate)
