"""ElastiCache Redis (runbook 001's symphonia-redis-prod) and its thresholds."""

from __future__ import annotations

from pydantic import Field

from data.model.base import MaintenanceWindow, Name, SecretRef, StrictModel, Threshold, percent_threshold


class CacheThresholds(StrictModel):
    cpu: Threshold = percent_threshold(70, 85)
    engine_cpu: Threshold = percent_threshold(70, 90)
    memory: Threshold = percent_threshold(75, 90)  # seed 002 memory 75/90
    evictions: Threshold = Threshold(warning=100, critical=1000)
    connections: Threshold = Threshold(warning=1000, critical=5000)


class Cache(StrictModel):
    """ElastiCache Redis (runbook 001's symphonia-redis-prod), encrypted, with an AUTH token."""

    name: Name
    engine_version: str = Field(default="7.1", pattern=r"^7\.\d+$")
    node_type: str = Field(default="cache.t3.micro", pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$")
    replicas: int = Field(default=1, ge=0, le=5)
    auth_token: SecretRef = SecretRef(generated=64)
    maintenance_window: MaintenanceWindow | None = None  # None: the estate's preferred window
    snapshot_retention_days: int = Field(default=7, ge=1, le=35)
    snapshot_window: str = Field(default="00:00-01:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
    thresholds: CacheThresholds = CacheThresholds()
