"""What watches the Redis cache: its alarms and its dashboard section, from the signal table
(``components/cache/signals.py``)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.cache.signals import SIGNALS, worst_node
from components.dashboards import Section, alarm_status
from components.sections import header, metric_line, signal_graph
from components.signals import Signal
from data.catalogue import elasticache
from data.catalogue.elasticache import member_cluster_ids
from data.catalogue.regions import metric_region
from data.model import Cache, Estate, Threshold


def nodes_of(cache: Cache) -> list[str]:
    """The member clusters of the cache's replication group: the primary and its replicas."""
    return member_cluster_ids(cache.name, cache.replicas + 1)


def _per_node_type(value: float, vcpus: int) -> float:
    return round(value / vcpus, 2)


def threshold_of(cache: Cache, signal: Signal) -> Threshold | None:
    """The levels the row's alarms use on this cache. Host CPU (``cpu``) is declared as a share of one core
    and divided by the node type's vCPUs (ElastiCache: 90 % / cores); from 4 vCPUs it is not watched (the
    engine thread's own metric is, as ElastiCache advises)."""
    threshold = getattr(cache.thresholds, signal.threshold_key)
    if signal.name != "cpu" or threshold is None:
        return threshold
    if not elasticache.watches_host_cpu(cache.node_type):
        return None
    vcpus = elasticache.vcpus(cache.node_type)
    return threshold.model_copy(update={
        level: _per_node_type(value, vcpus)
        for level, value in (("warning", threshold.warning), ("critical", threshold.critical)) if value is not None
    })


def _what(cache: Cache, signal: Signal) -> str | None:
    if signal.name != "cpu":
        return None
    vcpus = elasticache.vcpus(cache.node_type)
    return f"{signal.what}, {cache.node_type} {vcpus} vCPUs (one core's share / {vcpus})"


def redis_alarms(parent: pulumi.Resource, factory: AlarmFactory, cache: Cache) -> list[aws.cloudwatch.MetricAlarm]:
    """One alarm per signal and declared level, on the worst node, owned by the cache."""
    nodes = nodes_of(cache)
    alarms: list[aws.cloudwatch.MetricAlarm] = []
    for signal in SIGNALS:
        alarms += factory.signal_alarms(
            parent, cache.name, worst_node(signal, nodes), threshold_of(cache, signal), what=_what(cache, signal),
        )
    return alarms


def redis_section(estate: Estate, board_services: list[str], factory: AlarmFactory) -> Section | None:
    """The cache on an overview board whose services use it: a graph per signal, one line per node,
    the alarms' levels drawn, then the cache's alarm status. None when no service of the board uses it."""
    cache = estate.cache
    users = [s.name for s in estate.services if s.name in board_services and s.uses_cache]
    if cache is None or not users:
        return None
    nodes = nodes_of(cache)
    widgets = [header(
        f"Redis {cache.name}",
        [f"ElastiCache replication group in {estate.region}, nodes {', '.join(nodes)}, used by {', '.join(users)}; "
         "the alarms watch the worst node."],
        list(SIGNALS), estate.runbook_url,
    )]
    for signal in SIGNALS:
        (dimension,) = signal.metric.dimensions
        widgets.append(signal_graph(
            signal, metric_region(signal.namespace, estate.region),
            [metric_line(signal, {dimension: node}, node) for node in nodes],
            threshold_of(cache, signal),
        ))
    arns = [alarm.arn for alarm in factory.alarms_of(cache.name)]
    if arns:
        widgets += alarm_status(f"{cache.name} alarms", arns)
    return Section(widgets)
