"""ElastiCache (Redis OSS / Valkey) metrics (namespace ``AWS/ElastiCache``).

ElastiCache publishes host-level metrics (``CPUUtilization``) and engine metrics (``EngineCPUUtilization``,
``DatabaseMemoryUsagePercentage``, ``Evictions``, ``CurrConnections``) for every cache node, every 60
seconds, always (nothing to enable). A node is addressed by ``CacheClusterId`` (a replication group's
member cluster: one node each when cluster mode is off) and optionally ``CacheNodeId``.
Sources: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html (60-second
publishing), ...CacheMetrics.HostLevel.html and ...CacheMetrics.Redis.html (names and units).
"""

from __future__ import annotations

from data.catalogue.metrics import Metric

NAMESPACE = "AWS/ElastiCache"
METRICS_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html"
HOST_LEVEL_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.HostLevel.html"
REDIS_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html"
PUBLISHING_PERIOD = 60
NODE = ("CacheClusterId",)
_DIMENSIONS_NOTE = (
    "The pages name CacheClusterId and CacheNodeId as dimensions but give no table of which metric has "
    "which; a member cluster of a non-clustered replication group has one node, so CacheClusterId alone "
    "addresses it (as the AWS CDK's generated ElastiCache metrics do)."
)


def _node(name: str, unit: str, source: str, description: str, note: str = "") -> Metric:
    return Metric(NAMESPACE, name, unit, NODE, PUBLISHING_PERIOD, source, description=description,
                  note=" ".join(part for part in (note, _DIMENSIONS_NOTE) if part))


CPU_UTILIZATION = _node("CPUUtilization", "Percent", HOST_LEVEL_SOURCE, "CPU of the whole host, all cores")
ENGINE_CPU_UTILIZATION = _node(
    "EngineCPUUtilization", "Percent", REDIS_SOURCE, "CPU of the engine's main thread (Redis is single-threaded)",
)
DATABASE_MEMORY_USAGE_PERCENTAGE = _node(
    "DatabaseMemoryUsagePercentage", "Percent", REDIS_SOURCE, "memory used, as a percentage of maxmemory",
    note="The unit row was not in the excerpt read; the metric is a percentage by its definition.",
)
EVICTIONS = _node("Evictions", "Count", REDIS_SOURCE, "keys evicted for lack of memory (maxmemory policy)")
CURR_CONNECTIONS = _node("CurrConnections", "Count", REDIS_SOURCE, "client connections, read replicas' excluded")


def member_cluster_ids(group: str, node_count: int) -> list[str]:
    """ElastiCache names the member clusters of a non-clustered replication group ``<group>-001``,
    ``<group>-002``... (one per node, primary first at creation)."""
    return [f"{group}-{index:03d}" for index in range(1, node_count + 1)]
