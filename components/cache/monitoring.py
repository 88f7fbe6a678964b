"""What watches the Redis cache: its alarms, from the signal table (``components/cache/signals.py``)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.cache.signals import SIGNALS, worst_node
from data.catalogue.elasticache import member_cluster_ids
from data.model import Cache


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
