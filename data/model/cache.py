"""ElastiCache Redis (runbook 001's symphonia-redis-prod) and its thresholds."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from data.catalogue import elasticache
from data.model.base import MaintenanceWindow, Name, SecretRef, StrictModel, Threshold, percent_threshold


class CacheThresholds(StrictModel):
    """Levels of the cache's alarms, each on the worst node of the replication group."""

    cpu: Threshold = Field(
        default=percent_threshold(70, 90),
        description="Host CPU as a share of one core, percent: the alarm on ElastiCache's CPUUtilization (all cores)"
        " fires at this level divided by the node type's vCPUs (ElastiCache: 90 % / cores, Redis being single-threaded;"
        " 35 / 45 % on a 2-vCPU node). Watched on nodes of 2 vCPUs or fewer only; larger nodes rely on engine_cpu"
        " (ElastiCache's guidance). Seed 002's 70 / 85 % of the whole host meant nothing on 2 vCPUs.",
    )
    engine_cpu: Threshold = Field(
        default=percent_threshold(70, 90),
        description="The Redis thread's CPU, percent (EngineCPUUtilization): Redis is single-threaded, so it saturates first.",
    )
    memory: Threshold = Field(
        default=percent_threshold(75, 90),
        description="Memory used of maxmemory, percent (DatabaseMemoryUsagePercentage; seed 002 memory: 75 / 90).",
    )
    evictions: Threshold = Field(
        default=Threshold(warning=100, critical=1000), description="Keys evicted for lack of memory, per 5 minutes.",
    )
    connections: Threshold = Field(
        default=Threshold(warning=1000, critical=5000), description="Client connections (CurrConnections, maximum).",
    )


class Cache(StrictModel):
    """ElastiCache Redis (runbook 001's symphonia-redis-prod), encrypted, with an AUTH token."""

    name: Name = Field(
        description="The replication group id (runbook 001: `symphonia-redis-prod`); ElastiCache: 1-40 letters, digits"
        " or hyphens, a letter first, no two consecutive hyphens, no trailing hyphen.",
    )
    engine_version: str = Field(default="7.1", pattern=r"^7\.\d+$", description="The Redis engine version, 7.x.")
    node_type: str = Field(
        default="cache.t3.micro",
        description="The ElastiCache node type, one the catalogue knows with its vCPUs (data/catalogue/elasticache.py"
        " NODE_TYPE_VCPUS): the vCPUs set the host CPU alarm.",
    )
    replicas: int = Field(
        default=1, ge=0, le=5,
        description="Read replicas beside the primary (ElastiCache: at most 5); one or more adds automatic failover"
        " and Multi-AZ.",
    )
    auth_token: SecretRef = Field(
        default=SecretRef(generated=64),
        description="Where the Redis AUTH token lives (ElastiCache: 16-128 characters); default a generated 64.",
    )
    maintenance_window: MaintenanceWindow | None = Field(
        default=None, description="The cache's weekly maintenance window; null: the estate's `maintenance.preferred`.",
    )
    snapshot_retention_days: int = Field(
        default=7, ge=1, le=elasticache.SNAPSHOT_RETENTION_MAX_DAYS,
        description="Days the daily snapshots are kept (ElastiCache: at most 35).",
    )
    snapshot_window: str = Field(
        default="00:00-01:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$",
        description="The daily UTC snapshot window, `hh:mm-hh:mm`, at least 60 minutes (ElastiCache's minimum backup"
        " window).",
    )
    thresholds: CacheThresholds = Field(
        default=CacheThresholds(), description="Warning and critical levels of the cache's signals (docs/runbooks.md).",
    )

    @field_validator("name")
    @classmethod
    def _replication_group_id(cls, value: str) -> str:
        if not re.fullmatch(elasticache.REPLICATION_GROUP_ID_PATTERN, value):
            raise ValueError(
                f"'{value}' is not a valid ElastiCache replication group id: 1-{elasticache.REPLICATION_GROUP_ID_MAX_LENGTH}"
                " letters, digits or hyphens, starting with a letter, without two consecutive hyphens or a trailing hyphen"
            )
        return value

    @field_validator("snapshot_window")
    @classmethod
    def _snapshot_window_length(cls, value: str) -> str:
        start, end = (int(part[:2]) * 60 + int(part[3:]) for part in value.split("-"))
        minutes = (end - start) % (24 * 60)
        if minutes < elasticache.SNAPSHOT_WINDOW_MIN_MINUTES:
            raise ValueError(
                f"'{value}' lasts {minutes} minutes: ElastiCache's backup window is at least"
                f" {elasticache.SNAPSHOT_WINDOW_MIN_MINUTES} minutes"
            )
        return value

    @field_validator("node_type")
    @classmethod
    def _known_node_type(cls, value: str) -> str:
        if value not in elasticache.NODE_TYPE_VCPUS:
            known = ", ".join(sorted(elasticache.NODE_TYPE_VCPUS))
            raise ValueError(
                f"'{value}' is not an ElastiCache node type the catalogue knows (its vCPUs set the host CPU alarm);"
                f" one of {known}"
            )
        return value
