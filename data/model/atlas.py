"""MongoDB Atlas: the project, its cluster, access list, backups, collections and indexes."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, field_validator, model_validator

from data.catalogue import atlas as facts
from data.model.base import Name, SecretRef, StrictModel, Threshold, percent_threshold
from data.model.storage import BucketRef


class AtlasIndex(StrictModel):
    """An index of a collection (runbook 001's indexes, TTL indexes included)."""

    keys: dict[str, Literal[1, -1]] = Field(
        min_length=1, description="The indexed fields in order, field to 1 (ascending) or -1 (descending).",
    )
    unique: bool = Field(default=False, description="Refuse two documents with the same key.")
    sparse: bool = Field(default=False, description="Index only the documents that have the fields.")
    expire_after_seconds: int | None = Field(
        default=None, ge=0, description="A TTL index: documents expire that many seconds after the indexed date; null: no TTL.",
    )


class AtlasCollection(StrictModel):
    """A collection whose indexes the estate manages."""

    database: str = Field(description="Its database: a service's `database`.")
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,120}$", description="The collection name.")
    indexes: list[AtlasIndex] = Field(
        default=[], description="Its indexes; removing one drops it on the next `pulumi up` (docs/runbooks.md).",
    )


class AtlasAccessEntry(StrictModel):
    """A network admitted to the project (Atlas "Network Access")."""

    cidr: str = Field(
        description="The network in CIDR form, at most /16 wide, never 0.0.0.0/0 (runbook 000 problem 2): the NAT"
        " egress addresses, /32.",
    )
    comment: str = Field(
        min_length=1, max_length=facts.ACCESS_LIST_COMMENT_MAX, description="Whose address it is (Atlas: at most 80 characters).",
    )

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
    """Snapshot policy (the runbooks give none; ours: hourly 2 days, daily 7, weekly 4, monthly 12).
    Each less frequent level is kept at least as long as the more frequent ones (Atlas refuses
    otherwise; a week counts 7 days, a month 31)."""

    hourly_retention_days: int = Field(
        default=2, ge=1, le=30, description="Days the snapshots taken every 6 hours are kept.",
    )
    daily_retention_days: int = Field(
        default=7, ge=1, le=365, description="Days the daily snapshots are kept; also the point-in-time restore window.",
    )
    weekly_retention_weeks: int = Field(
        default=4, ge=1, le=52, description="Weeks the weekly snapshots (on the maintenance day) are kept.",
    )
    monthly_retention_months: int = Field(default=12, ge=1, le=36, description="Months the monthly snapshots are kept.")
    export_to_backups_bucket: bool | BucketRef = Field(
        default=True,
        description="Export a snapshot monthly to a `backups` bucket (runbook 000's weekly dump is the weekly snapshot"
        " kept in Atlas; monthly is the export frequency every Atlas source accepts): `true`, the estate's one"
        " `backups` bucket; or the name of the bucket (required when several buckets have purpose `backups`); `false`: no export.",
    )

    @model_validator(mode="after")
    def _less_frequent_kept_longer(self) -> AtlasBackup:
        """Atlas refuses a less frequent snapshot kept for less time than a more frequent one
        (data.catalogue.atlas.RETENTION_SOURCE); every such problem is reported at once."""
        days = {
            "hourly_retention_days": self.hourly_retention_days,
            "daily_retention_days": self.daily_retention_days,
            "weekly_retention_weeks": self.weekly_retention_weeks * facts.DAYS_PER_WEEK,
            "monthly_retention_months": self.monthly_retention_months * facts.DAYS_PER_MONTH,
        }
        names = list(days)
        problems = [
            f"{longer}: {days[longer]} days is shorter than {shorter} ({days[shorter]} days); Atlas keeps a less frequent"
            " snapshot at least as long as a more frequent one"
            for shorter, longer in zip(names, names[1:])
            if days[longer] < days[shorter]
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


class AtlasPagerDuty(StrictModel):
    """Atlas's native PagerDuty notification (Atlas cannot publish to SNS, so it cannot reach the pager
    through the alert topics): critical Atlas alerts open a PagerDuty incident. The service must be in
PagerDuty's US region: the Admin API has a `region` (US default, EU) but pulumi-mongodbatlas 4.18 does
not expose it (data.catalogue.atlas.PAGER_DUTY_REGIONS)."""

    service_key: SecretRef = Field(
        description="The PagerDuty service (integration) key Atlas sends to, as a secret reference:"
        " `{secrets_manager: name}`, `{ssm: name}` or `{config: key}`; never the key itself.",
    )

    @field_validator("service_key")
    @classmethod
    def _operator_set(cls, ref: SecretRef) -> SecretRef:
        if ref.generated is not None:
            raise ValueError("a PagerDuty service key is issued by PagerDuty: use secrets_manager, ssm or config, not generated")
        return ref


class Atlas(StrictModel):
    """The MongoDB Atlas project and its dedicated cluster (runbooks 000/001)."""

    org_id: str = Field(pattern=r"^[0-9a-f]{24}$", description="The Atlas organisation id (24 hex digits).")
    project: str = Field(min_length=1, max_length=64, description="The Atlas project name (Atlas: at most 64 characters).")
    cluster: Name = Field(description="The cluster name.")
    instance_size: str = Field(
        default="M10", pattern=r"^M(10|20|30|40|50|60|80|140|200|300)$",
        description="A dedicated tier (M10 and up: cloud backup needs one).",
    )
    region: str = Field(
        default="EU_CENTRAL_1", pattern=r"^[A-Z0-9_]+$", description="The cluster's region in Atlas's spelling (`EU_CENTRAL_1`).",
    )
    mongo_version: str = Field(default="8.0", pattern=r"^\d+\.\d+$", description="The MongoDB major version.")
    access_list: list[AtlasAccessEntry] = Field(min_length=1, description="The networks admitted; at least one.")
    backup: AtlasBackup = Field(
        default=AtlasBackup(), description="Cloud backup schedule and retention (runbook 001: \"Backup automatique activé\").",
    )
    collections: list[AtlasCollection] = Field(default=[], description="Collections whose indexes the estate manages.")
    pagerduty: AtlasPagerDuty | None = Field(
        default=None,
        description="Where critical Atlas alerts page (Atlas's PagerDuty notification); null: critical Atlas alerts"
        " reach only the email and SMS subscribers.",
    )
    connections_percent: Threshold = Field(
        default=percent_threshold(80, 95),
        description="Atlas alert on connections, percent of the tier's limit (seed 002 DB connections: 80 / 95).",
    )
    replication_lag_seconds: Threshold = Field(
        default=Threshold(warning=60, critical=300), description="Atlas alert on a secondary's replication lag, seconds.",
    )
    disk_percent: Threshold = Field(
        default=percent_threshold(80, 90), description="Atlas alert on the data disk used, percent.",
    )
