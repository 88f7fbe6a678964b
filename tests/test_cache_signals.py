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
