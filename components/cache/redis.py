"""ElastiCache Redis (runbook 001's ``symphonia-redis-prod``), encrypted, authenticated, watched.

Runbook 001 creates a single unencrypted node reached as ``redis://`` on a host name that does not
exist (``symphonia-redis.cache.amazonaws.com``; real endpoints carry a generated suffix). Here:

- a replication group (one primary + ``replicas`` read replicas; automatic failover and Multi-AZ
  when there is a replica), in-transit and at-rest encryption, an AUTH token from the secret store;
- a subnet group on the private subnets and a security group admitting 6379 only from the instance
  security groups of the services that use the cache (``uses_cache``) (no egress rule: Redis never opens connections);
- the estate's maintenance window (seed 004: Sunday 02:00-05:00 UTC) unless the cache names its own,
  daily snapshots kept ``snapshot_retention_days``, a final snapshot if the group is ever deleted;
- alarms through the alarm factory on the worst node, from the signal table (``signals.py``,
  ``monitoring.py``);
- ``url``: ``rediss://<primary endpoint>:6379`` from the real endpoint output, for ``REDIS_URL``.

The default parameter group (``default.redis7``) is kept: its ``volatile-lru`` policy evicts only keys
with a TTL, which is how the services use the cache (``REDIS_TTL``); evictions are alarmed on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.cache.monitoring import redis_alarms
from components.common import child, estate_tags, stateful, type_token
from components.secrets import SecretStore
from data.model import Cache, Estate, Network

REDIS_PORT = 6379


@dataclass
class RedisCacheArgs:
    """The cache's slice of the estate and its collaborators."""

    cache: Cache
    network: Network
    maintenance_window: str  # the cache's own window, or the estate's preferred one
    description: str
    tags: Callable[..., dict[str, str]]  # estate_tags of the estate, extra tags as keywords
    secrets: SecretStore
    alarms: AlarmFactory
    services_security_groups: Mapping[str, aws.ec2.SecurityGroup] = field(default_factory=dict)  # service -> group admitted on REDIS_PORT

    @classmethod
    def from_estate(cls, estate: Estate, *, secrets: SecretStore, alarms: AlarmFactory,
                    services_security_groups: Mapping[str, aws.ec2.SecurityGroup] | None = None) -> RedisCacheArgs:
        cache = estate.cache
        if cache is None:
            raise ValueError("the estate declares no cache")
        if estate.network is None:
            raise ValueError("a cache needs estate.network (its VPC and private subnets)")
        return cls(
            cache=cache, network=estate.network,
            maintenance_window=(cache.maintenance_window or estate.maintenance.preferred).window,
            description=f"Redis cache of the {estate.organisation} {estate.environment} services",
            tags=partial(estate_tags, estate), secrets=secrets, alarms=alarms,
            services_security_groups=dict(services_security_groups or {}),
        )


class RedisCache(pulumi.ComponentResource):
    """The replication group with its network, secret and alarms."""

    def __init__(self, name: str, args: RedisCacheArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("cache", "RedisCache"), name, None, opts)
        cache, secrets = args.cache, args.secrets
        tags = args.tags(service=cache.name, purpose="cache")

        subnets = aws.elasticache.SubnetGroup(
            f"{cache.name}-subnets",
            name=f"{cache.name}-subnets",
            description=f"Private subnets of {cache.name}",
            subnet_ids=list(args.network.private_subnet_ids),
            tags=tags,
            opts=child(self),
        )
        self.security_group = aws.ec2.SecurityGroup(
            f"{cache.name}-sg",
            name=f"{cache.name}-sg",
            description=f"Redis {cache.name}: port {REDIS_PORT} from the services instances only",
            vpc_id=args.network.vpc_id,
            tags=tags,
            opts=child(self),
        )
        for service, group in sorted(args.services_security_groups.items()):
            aws.vpc.SecurityGroupIngressRule(
                f"{cache.name}-from-{service}",
                security_group_id=self.security_group.id,
                referenced_security_group_id=group.id,
                ip_protocol="tcp",
                from_port=REDIS_PORT,
                to_port=REDIS_PORT,
                description=f"Redis from the {service} instances",
                tags=tags,
                opts=child(self),
            )

        self.auth_token_secret_arn = secrets.arn(owner=cache.name, key="AUTH_TOKEN", ref=cache.auth_token)
        auth_token = secrets.value(owner=cache.name, key="AUTH_TOKEN", ref=cache.auth_token)
        has_replica = cache.replicas > 0

        self.replication_group = aws.elasticache.ReplicationGroup(
            cache.name,
            replication_group_id=cache.name,
            description=args.description,
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
            maintenance_window=args.maintenance_window,
            snapshot_retention_limit=cache.snapshot_retention_days,
            snapshot_window=cache.snapshot_window,
            final_snapshot_identifier=f"{cache.name}-final",
            auto_minor_version_upgrade=True,
            apply_immediately=False,  # changes wait for the maintenance window
            tags=tags,
            opts=stateful(self, additional_secret_outputs=["auth_token"]),
        )
        self.url = pulumi.Output.format("rediss://{0}:{1}", self.replication_group.primary_endpoint_address, REDIS_PORT)
        self.alarms = redis_alarms(self, args.alarms, cache)
        self.register_outputs({"url": self.url, "auth_token_secret_arn": self.auth_token_secret_arn})
