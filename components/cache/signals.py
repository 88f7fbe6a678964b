"""The signals of the Redis cache: one row each, driving its alarms, its dashboard lines and what the
policy rules and generated docs say about it.

Each row names a per-node metric; the cache watches its worst node (``worst_node``): metric math
``MAX`` over the member clusters, so a failover does not leave an alarm watching a replica. CPU is
watched twice: the host's ``CPUUtilization`` (small nodes, 2 vCPUs or fewer; its levels are a share of
one core divided by the node's vCPUs, ``monitoring.threshold_of``) and the engine thread's
``EngineCPUUtilization`` (Redis is single-threaded), as ElastiCache's "Which metrics should I monitor?"
advises. ``volatile-lru`` evicts only keys with a TTL: evictions mean memory is short for the working set.
"""

from __future__ import annotations

from dataclasses import replace

from components.signals import MathInput, MetricMath, Signal, SignalTable
from data.catalogue import elasticache

SIGNALS = SignalTable("cache", "cache", (
    Signal("cpu", "cpu", "Redis host CPU (worst node)", "%",
           metric=elasticache.CPU_UTILIZATION, statistic="Average", period=300, evaluation_periods=3),
    Signal("engine-cpu", "engine_cpu", "Redis engine thread CPU (worst node)", "%",
           metric=elasticache.ENGINE_CPU_UTILIZATION, statistic="Average", period=300, evaluation_periods=3),
    Signal("memory", "memory", "Redis memory used of maxmemory (worst node)", "%",
           metric=elasticache.DATABASE_MEMORY_USAGE_PERCENTAGE, statistic="Average", period=300, evaluation_periods=3),
    Signal("evictions", "evictions", "keys evicted for lack of memory (worst node)", "keys",
           metric=elasticache.EVICTIONS, statistic="Sum", period=300, evaluation_periods=1),
    Signal("connections", "connections", "client connections (worst node)", "connections",
           metric=elasticache.CURR_CONNECTIONS, statistic="Maximum", period=300, evaluation_periods=1),
))


def worst_node_math(signal: Signal, nodes: list[str]) -> MetricMath:
    """``MAX`` of the row's metric over ``nodes`` (member cluster ids), one input per node."""
    metric = signal.metric
    (dimension,) = metric.dimensions
    inputs = tuple(
        MathInput(f"node{index}", metric, signal.statistic, dimensions=((dimension, node),))
        for index, node in enumerate(nodes, start=1)
    )
    ids = ", ".join(item.id for item in inputs)
    return MetricMath(id="worst", expression=f"MAX([{ids}])", label=f"{metric.name} (worst node)", inputs=inputs)


def worst_node(signal: Signal, nodes: list[str]) -> Signal:
    """The row as the alarms evaluate it: its metric's worst node among ``nodes``."""
    return replace(signal, metric=None, statistic=None, math=worst_node_math(signal, nodes))
