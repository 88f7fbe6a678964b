"""The Redis cache's signal table (components/cache/signals.py): every row reads a catalogue metric
and a threshold of the stack file, and the alarms evaluate the worst node."""

from __future__ import annotations

from components.cache.signals import SIGNALS, worst_node
from data.catalogue import elasticache
from data.model import CacheThresholds


def test_every_row_has_a_stack_file_threshold_and_a_catalogue_metric():
    assert SIGNALS.names == ("cpu", "engine-cpu", "memory", "evictions", "connections")
    for signal in SIGNALS:
        assert signal.threshold_key in CacheThresholds.model_fields, signal.name
        assert signal.metric.namespace == elasticache.NAMESPACE and signal.metric.source.startswith("https://docs.aws.amazon.com/")


def test_worst_node_reads_each_member_cluster_once():
    row = worst_node(SIGNALS.get("memory"), elasticache.member_cluster_ids("redis", 3))
    source = row.alarm_source({})
    queries = source["metric_queries"]
    assert [q["metric"]["dimensions"] for q in queries[:-1]] == [{"CacheClusterId": f"redis-00{i}"} for i in (1, 2, 3)]
    assert queries[-1]["expression"] == "MAX([node1, node2, node3])"
    assert queries[-1]["label"] == "DatabaseMemoryUsagePercentage (worst node)"


def _boards(render):
    import json

    return {d.inputs["dashboardName"]: json.loads(d.inputs["dashboardBody"])
            for d in render.of_type("aws:cloudwatch/dashboard:Dashboard")}


def test_redis_section_only_on_the_board_of_its_users_with_the_alarm_levels(prod_render):
    boards = _boards(prod_render)
    titles = lambda board: [w["properties"].get("markdown", "").split("\n", 1)[0] for w in boards[board]["widgets"]]
    assert "# Redis symphonia-redis-prod" in titles("Symphonia-Production")  # tms-sync-eb uses the cache
    assert "# Redis symphonia-redis-prod" not in titles("RT-Backend-Services")  # none of its services does
    graphs = {w["properties"]["title"]: w["properties"] for w in boards["Symphonia-Production"]["widgets"] if w["type"] == "metric"}
    for signal in SIGNALS:
        props = graphs[signal.what]
        assert [m[3] for m in props["metrics"]] == ["symphonia-redis-prod-001", "symphonia-redis-prod-002"]
        assert props["stat"] == signal.statistic and props["period"] == signal.period
    assert [a["value"] for a in graphs["Redis memory used of maxmemory (worst node)"]["annotations"]["horizontal"]] == [75, 90]
    statuses = [w for w in boards["Symphonia-Production"]["widgets"] if w["properties"].get("title") == "symphonia-redis-prod alarms"]
    assert len(statuses[0]["properties"]["alarms"]) == 10
