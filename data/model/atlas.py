"""MongoDB Atlas: the project, its cluster, access list, backups, collections and indexes."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, model_validator

from data.model.base import Name, StrictModel, Threshold, percent_threshold


class AtlasIndex(StrictModel):
    keys: dict[str, Literal[1, -1]] = Field(min_length=1)
    unique: bool = False
    sparse: bool = False
    expire_after_seconds: int | None = Field(default=None, ge=0)


class AtlasCollection(StrictModel):
    database: str
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,120}$")
    indexes: list[AtlasIndex] = []


class AtlasAccessEntry(StrictModel):
    cidr: str
    comment: str = Field(min_length=1)

    @model_validator(mode="after")
    def _not_the_world(self) -> AtlasAccessEntry:
        try:
            network = ipaddress.ip_network(self.cidr, strict=True)
        except ValueError:
            raise ValueError(f"cidr: '{self.cidr}' is not a network in CIDR form (203.0.113.10/32)") from None
        if network.prefixlen == 0:
            raise ValueError(f"cidr: '{self.cidr}' opens the database to the whole internet; list the NAT egress addresses")
        if network.prefixlen < 16:
            raise ValueError(f"cidr: '{self.cidr}' is wider than /16; list the NAT egress addresses")
        return self


class AtlasBackup(StrictModel):
    """Snapshot policy (the runbooks give none; ours: hourly 2 days, daily 7, weekly 4, monthly 12)."""

    hourly_retention_days: int = Field(default=2, ge=1, le=30)
    daily_retention_days: int = Field(default=7, ge=1, le=365)
    weekly_retention_weeks: int = Field(default=4, ge=1, le=52)
    monthly_retention_months: int = Field(default=12, ge=1, le=36)
    export_to_backups_bucket: bool = True


class Atlas(StrictModel):
    org_id: str = Field(pattern=r"^[0-9a-f]{24}$")
    project: str = Field(min_length=1, max_length=64)
    cluster: Name
    instance_size: str = Field(default="M10", pattern=r"^M(10|20|30|40|50|60|80|140|200|300)$")
    region: str = Field(default="EU_CENTRAL_1", pattern=r"^[A-Z0-9_]+$")
    mongo_version: str = Field(default="8.0", pattern=r"^\d+\.\d+$")
    access_list: list[AtlasAccessEntry] = Field(min_length=1)
    backup: AtlasBackup = AtlasBackup()
    collections: list[AtlasCollection] = []
    connections_percent: Threshold = percent_threshold(80, 95)  # seed 002 DB connections
    replication_lag_seconds: Threshold = Threshold(warning=60, critical=300)
    disk_percent: Threshold = percent_threshold(80, 90)
