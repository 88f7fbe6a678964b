"""ElastiCache Redis (runbook 001's ``symphonia-redis-prod``), encrypted, authenticated, watched.

Runbook 001 creates a single unencrypted node reached as ``redis://`` on a host name that does not
exist (``symphonia-redis.cache.amazonaws.com``; real endpoints carry a generated suffix). Here:

- a replication group (one primary + ``replicas`` read replicas; automatic failover and Multi-AZ
  when there is a replica), in-transit and at-rest encryption, an AUTH token from the secret store;
- a subnet group on the private subnets and a security group admitting 6379 only from the services'
  instance security group (no egress rule: Redis never opens connections);
- the estate's maintenance window (seed 004: Sunday 02:00-05:00 UTC) unless the cache names its own,
  daily snapshots kept ``snapshot_retention_days``, a final snapshot if the group is ever deleted;
- alarms through the alarm factory on the worst node (metric math ``MAX`` over the member clusters,
  so a failover does not leave the alarm watching a replica);
- ``url``: ``rediss://<primary endpoint>:6379`` from the real endpoint output, for ``REDIS_URL``.

The default parameter group (``default.redis7``) is kept: its ``volatile-lru`` policy evicts only keys
with a TTL, which is how the services use the cache (``REDIS_TTL``); evictions are alarmed on.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.common import child, estate_tags, stateful, type_token
from data.model import Cache, Estate

REDIS_PORT = 6379
NAMESPACE = "AWS/ElastiCache"


def member_cluster_ids(cache: Cache) -> list[str]:
    """ElastiCache names the nodes of a non-clustered replication group ``<group>-001``, ``-002``..."""
    return [f"{cache.name}-{index:03d}" for index in range(1, cache.replicas + 2)]


# signal -> (metric, statistic, what the alarm says, unit, evaluation periods of 5 minutes)
SIGNALS = {
    "cpu": ("CPUUtilization", "Average", "Redis host CPU (worst node)", "%", 3),
    "engine-cpu": ("EngineCPUUtilization", "Average", "Redis engine thread CPU (worst node)", "%", 3),
    "memory": ("DatabaseMemoryUsagePercentage", "Average", "Redis memory used of maxmemory (worst node)", "%", 3),
    "evictions": ("Evictions", "Sum", "keys evicted for lack of memory (worst node)", "keys", 1),
    "connections": ("CurrConnections", "Maximum", "client connections (worst node)", "connections", 1),
}
THRESHOLD_FIELDS = {
    "cpu": "cpu", "engine-cpu": "engine_cpu", "memory": "memory", "evictions": "evictions", "connections": "connections",
}


def worst_node_queries(cache: Cache, metric: str, statistic: str, period: int) -> list[aws.cloudwatch.MetricAlarmMetricQueryArgs]:
    """One query per node, and ``MAX`` of them (the only one returning data)."""
    nodes = member_cluster_ids(cache)
    queries = [
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=f"node{index}",
            return_data=False,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=NAMESPACE,
                metric_name=metric,
                dimensions={"CacheClusterId": node},
                period=period,
                stat=statistic,
            ),
        )
        for index, node in enumerate(nodes, start=1)
    ]
    ids = ", ".join(f"node{index}" for index in range(1, len(nodes) + 1))
    queries.append(
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id="worst", expression=f"MAX([{ids}])", label=f"{metric} (worst node)", return_data=True
        )
    )
    return queries


class RedisCache(pulumi.ComponentResource):
    """The replication group with its network, secret and alarms."""

    def __init__(
        self,
        name: str,
        estate: Estate,
        secrets,
        alarms,
        services_security_group: aws.ec2.SecurityGroup | None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(type_token("cache", "RedisCache"), name, None, opts)
        cache = estate.cache
        if cache is None:
            raise ValueError("the estate declares no cache")
        if estate.network is None:
            raise ValueError("a cache needs estate.network (its VPC and private subnets)")
        tags = estate_tags(estate, service=cache.name, purpose="cache")

        subnets = aws.elasticache.SubnetGroup(
            f"{cache.name}-subnets",
            name=f"{cache.name}-subnets",
            description=f"Private subnets of {cache.name}",
            subnet_ids=list(estate.network.private_subnet_ids),
            tags=tags,
            opts=child(self),
        )
        self.security_group = aws.ec2.SecurityGroup(
            f"{cache.name}-sg",
            name=f"{cache.name}-sg",
            description=f"Redis {cache.name}: port {REDIS_PORT} from the services' instances only",
            vpc_id=estate.network.vpc_id,
            tags=tags,
            opts=child(self),
        )
        if services_security_group is not None:
            aws.vpc.SecurityGroupIngressRule(
                f"{cache.name}-from-services",
                security_group_id=self.security_group.id,
                referenced_security_group_id=services_security_group.id,
                ip_protocol="tcp",
                from_port=REDIS_PORT,
                to_port=REDIS_PORT,
                description="Redis from the services' instances",
                tags=tags,
                opts=child(self),
            )

        self.auth_token_secret_arn = secrets.arn(owner=cache.name, key="AUTH_TOKEN", ref=cache.auth_token)
        auth_token = secrets.value(owner=cache.name, key="AUTH_TOKEN", ref=cache.auth_token)
        window = (cache.maintenance_window or estate.maintenance.preferred).window
        has_replica = cache.replicas > 0

        self.replication_group = aws.elasticache.ReplicationGroup(
            cache.name,
            replication_group_id=cache.name,
            description=f"Redis cache of the {estate.organisation} {estate.environment} services",
            engine="redis",
            engine_version=cache.engine_version,
            node_type=cache.node_type,
            num_cache_clusters=cache.replicas + 1,
            automatic_failover_enabled=has_replica,
            multi_az_enabled=has_replica,
            port=REDIS_PORT,
            subnet_group_name=subnets.name,
            security_group_ids=[self.security_group.id],
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            auth_token=pulumi.Output.secret(auth_token),
            maintenance_window=window,
            snapshot_retention_limit=cache.snapshot_retention_days,
            snapshot_window=cache.snapshot_window,
            final_snapshot_identifier=f"{cache.name}-final",
            auto_minor_version_upgrade=True,
            apply_immediately=False,  # changes wait for the maintenance window
            tags=tags,
            opts=stateful(self, additional_secret_outputs=["auth_token"]),
        )
        self.url = pulumi.Output.format("rediss://{0}:{1}", self.replication_group.primary_endpoint_address, REDIS_PORT)

        period = 300
        for signal, (metric, statistic, what, unit, evaluations) in SIGNALS.items():
            threshold = getattr(cache.thresholds, THRESHOLD_FIELDS[signal])
            alarms.threshold_alarms(
                self,
                cache.name,
                signal,
                threshold,
                what=what,
                unit=unit,
                metric_queries=worst_node_queries(cache, metric, statistic, period),
                evaluation_periods=evaluations,
            )
        self.register_outputs({"url": self.url, "auth_token_secret_arn": self.auth_token_secret_arn})
