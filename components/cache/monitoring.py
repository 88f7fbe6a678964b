"""What watches the Redis cache: its alarms and its dashboard section, from the signal table
(``components/cache/signals.py``)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.cache.signals import SIGNALS, worst_node
from components.dashboards import Section, alarm_status
from components.sections import header, metric_line, signal_graph
from data.catalogue.elasticache import member_cluster_ids
from data.catalogue.regions import metric_region
from data.model import Cache, Estate


def nodes_of(cache: Cache) -> list[str]:
    """The member clusters of the cache's replication group: the primary and its replicas."""
    return member_cluster_ids(cache.name, cache.replicas + 1)


def redis_alarms(parent: pulumi.Resource, factory: AlarmFactory, cache: Cache) -> list[aws.cloudwatch.MetricAlarm]:
    """One alarm per signal and declared level, on the worst node, owned by the cache."""
    nodes = nodes_of(cache)
    alarms: list[aws.cloudwatch.MetricAlarm] = []
    for signal in SIGNALS:
        alarms += factory.signal_alarms(
            parent, cache.name, worst_node(signal, nodes), getattr(cache.thresholds, signal.threshold_key),
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
            getattr(cache.thresholds, signal.threshold_key),
        ))
    arns = [alarm.arn for alarm in factory.alarms_of(cache.name)]
    if arns:
        widgets += alarm_status(f"{cache.name} alarms", arns)
    return Section(widgets)
