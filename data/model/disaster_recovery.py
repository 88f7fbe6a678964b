"""Disaster recovery (issue 11): what the primary stack keeps ready in a second region before a disaster.

The section belongs to the primary stack (prod): it names the DR region, the buckets replicated there
(each to a standby bucket this stack creates), whether the secrets it creates get replicas there, and which
Atlas snapshots are copied there. The DR stack (``Pulumi.dr.yaml``) then uses them: its buckets are those
standbys (``buckets[].standby: true``), its secret references read the replicas. Cross-checks against the
rest of the estate (the primary region, the buckets declared) are in ``Estate.reference_problems``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from data.catalogue import atlas as atlas_facts
from data.catalogue import s3
from data.catalogue.regions import aws_regions
from data.model.base import StrictModel, unique
from data.model.storage import Bucket, BucketRef, bucket_name_problems, bucket_reference, named_bucket

REPLICATED_PURPOSES = ("documents", "backups", "audit", "general")
# The Atlas snapshot frequencies the estate's backup schedule takes (components/atlas/database.py), in the
# copy-policy spelling of data.catalogue.atlas.COPY_FREQUENCY_TYPES.
SCHEDULED_SNAPSHOTS = ("hourly", "daily", "weekly", "monthly")
IAM_ROLE_NAME_MAX = 64  # IAM CreateRole RoleName: 1 to 64 characters


def replication_role_name(organisation: str, environment: str, purpose: str) -> str:
    """The IAM role S3 assumes to replicate one bucket (one role per bucket: each reads one source, writes one standby)."""
    return f"{organisation}-{environment}-{purpose}-replication"


class ReplicatedBucket(StrictModel):
    """One bucket of the estate replicated (S3 Cross-Region Replication) to a standby bucket in the DR region."""

    bucket: BucketRef | None = Field(
        default=None,
        description="The bucket replicated, by its `buckets[].name`; its replication role is `<bucket>-replication-role`."
        " Give this or `purpose`. A `logs` bucket is not replicated: the access logs of a lost region are not what a"
        " rebuild needs.",
    )
    purpose: Literal["documents", "backups", "audit", "general"] | None = Field(
        default=None,
        description="The bucket replicated, by its `buckets[].purpose`, when only one bucket has it; its replication"
        " role is `<organisation>-<environment>-<purpose>-replication`. Give this or `bucket`.",
    )
    standby: str = Field(
        description="Name of the standby bucket in the DR region, created by this stack with the source's settings"
        " (versioning, encryption, lifecycle, CORS, Object Lock and its retention), protected and retained like it."
        " The DR stack lists it in its `buckets` with `standby: true`. S3's naming rules; unique among the estate's buckets.",
    )
    replication_time_control: bool = Field(
        description="S3 Replication Time Control: 99.99% of new objects replicated within 15 minutes under an SLA, and"
        " a latency alarm above 15 minutes (extra cost per GB replicated). false: replication without a stated bound"
        " (most objects within minutes). Replication metrics, and the failed-replication alarm, are on either way.",
    )
    delete_markers: Literal["replicate", "keep"] = Field(
        description="What a delete on the source does to the standby. `replicate`: the delete marker is copied, the"
        " standby shows what the source shows (its versions stay, until the lifecycle expires them). `keep`: the"
        " standby keeps showing the object, so a deletion (by mistake or malice) in the primary region cannot reach"
        " the copy. Deleting a specific version and lifecycle expirations are never replicated either way.",
    )

    @field_validator("standby")
    @classmethod
    def _standby_name(cls, name: str) -> str:
        problems = bucket_name_problems(name)
        if problems:
            raise ValueError(f"'{name}' is not a valid S3 bucket name: {'; '.join(problems)}")
        return name

    @model_validator(mode="after")
    def _one_reference(self) -> ReplicatedBucket:
        if self.bucket is not None and self.purpose is not None:
            raise ValueError("give the replicated bucket by purpose or by bucket name, not both")
        if self.bucket is None and self.purpose is None:
            raise ValueError("give the replicated bucket: `bucket: <name>` (or `purpose:` when one bucket has it)")
        return self

    def role_name(self, organisation: str, environment: str) -> str:
        """The IAM role S3 assumes to replicate it: named after what the entry gives (a purpose keeps the name it
        had when each purpose had one bucket)."""
        if self.bucket is not None:
            return f"{self.bucket}-replication-role"
        return replication_role_name(organisation, environment, str(self.purpose))


class DisasterRecovery(StrictModel):
    """The DR region and what is kept there before a disaster: bucket replicas, secret replicas, Atlas snapshot copies."""

    region: str = Field(
        description="The AWS region the DR stack rebuilds in (e.g. `eu-west-1`); not the primary region. Its Atlas"
        " name (`EU_WEST_1`) is derived, for the snapshot copies.",
    )
    buckets: list[ReplicatedBucket] = Field(
        default=[], description="The buckets replicated to standby buckets in the DR region, one entry per bucket.",
    )
    standby_logs: str | None = Field(
        default=None,
        description="Name of a logs bucket in the DR region that this stack creates for the standby buckets' access"
        " logs (S3 delivers access logs only to a bucket of the same region), with the `logs` bucket's lifecycle;"
        " required when a replicated bucket logs its access. The DR stack may use it as its `logs` bucket (`standby: true`).",
    )
    secrets: bool = Field(
        default=True,
        description="Replicate every Secrets Manager secret this stack creates (generated, `config:` values, the"
        " MONGODB_URI and AUTH token secrets) to the DR region, where the DR stack reads them under the same names."
        " Secrets operators create (`secrets_manager:` references) are replicated by operators; `estate verify` reports them.",
    )
    atlas_snapshot_copies: list[Literal["hourly", "daily", "weekly", "monthly"]] = Field(
        default=list(SCHEDULED_SNAPSHOTS),
        description="The Atlas snapshots copied to the DR region (Atlas snapshot distribution), each kept there as"
        " long as in the primary region (`atlas.backup`); empty: no copy. Hourly snapshots (every 6 hours) bound the"
        " database's recovery point in the DR region to about 6 hours.",
    )

    @field_validator("region")
    @classmethod
    def _known_region(cls, region: str) -> str:
        if region not in aws_regions():
            raise ValueError(f"'{region}' is not an AWS region (e.g. eu-west-1)")
        return region

    @field_validator("standby_logs")
    @classmethod
    def _standby_logs_name(cls, name: str | None) -> str | None:
        problems = bucket_name_problems(name) if name is not None else []
        if problems:
            raise ValueError(f"'{name}' is not a valid S3 bucket name: {'; '.join(problems)}")
        return name

    @model_validator(mode="after")
    def _distinct(self) -> DisasterRecovery:
        unique([b.purpose for b in self.buckets if b.purpose is not None], "replicated purpose")
        unique([b.bucket for b in self.buckets if b.bucket is not None], "replicated bucket")
        unique([b.standby for b in self.buckets] + ([self.standby_logs] if self.standby_logs else []), "standby bucket name")
        unique(list(self.atlas_snapshot_copies), "Atlas snapshot copy")
        return self

    @property
    def atlas_region(self) -> str | None:
        """The DR region in Atlas's spelling (data.catalogue.atlas.atlas_region_of); None where Atlas does not run."""
        return atlas_facts.atlas_region_of(self.region)


    @property
    def standby_names(self) -> list[str]:
        """Every bucket this stack creates in the DR region (the standbys, then the standby logs bucket)."""
        return [b.standby for b in self.buckets] + ([self.standby_logs] if self.standby_logs else [])


def replicated_source(replicated: ReplicatedBucket, buckets: list[Bucket]) -> tuple[Bucket | None, str | None]:
    """The estate's bucket an entry of ``disaster_recovery.buckets`` replicates, or None and what is wrong."""
    if replicated.bucket is not None:
        source, problem = named_bucket(buckets, replicated.bucket)
        if source is not None and source.purpose == "logs":
            return None, (f"'{source.name}' has purpose 'logs': a logs bucket is not replicated (the access logs of a"
                          " lost region are not what a rebuild needs)")
        return source, problem
    purpose = str(replicated.purpose)
    return bucket_reference(buckets, purpose, None, used_as="", choose="give `bucket: <name>` instead",
                            missing=f"no bucket with purpose '{purpose}' is declared")


def standby_logs_source(dr: DisasterRecovery, buckets: list[Bucket]) -> tuple[Bucket | None, str | None]:
    """The logs bucket whose settings ``standby_logs`` takes: the one the replicated buckets log into, or the
    estate's only logs bucket when none of them logs."""
    targets: dict[str, Bucket] = {}
    for replicated in dr.buckets:
        source = replicated_source(replicated, buckets)[0]
        if source is not None and source.access_logging and not source.standby:
            target = bucket_reference(buckets, "logs", source.log_to, used_as="", choose="", missing="")[0]
            if target is not None:
                targets[target.name] = target
    if len(targets) > 1:
        return None, (f"the replicated buckets log into {', '.join(targets)}; the standby logs bucket takes the settings"
                      " of one: have them log into the same bucket (buckets[].log_to)")
    if targets:
        return next(iter(targets.values())), None
    return bucket_reference(buckets, "logs", None, used_as="", choose="give the standby logs bucket's settings by"
                            " having the replicated buckets log into one of them (buckets[].log_to)",
                            missing="needs a bucket with purpose 'logs' (its lifecycle is the standby's)")


def disaster_recovery_problems(
    dr: DisasterRecovery, *, primary_region: str, buckets: list, atlas, organisation: str, environment: str,
) -> list[tuple[str, str]]:
    """The DR section against the rest of the estate, as (key path under ``disaster_recovery``, message)."""
    problems: list[tuple[str, str]] = []
    if dr.region == primary_region:
        problems.append(("region", f"'{dr.region}' is the primary region (aws:region); a DR region must be another one"))
    names = {b.name for b in buckets}
    replicated_by: dict[str, int] = {}
    for i, replicated in enumerate(dr.buckets):
        key = f"buckets[{i}].{'bucket' if replicated.bucket is not None else 'purpose'}"
        source, problem = replicated_source(replicated, buckets)
        if source is None:
            problems.append((key, str(problem)))
            continue
        what = f"the '{replicated.purpose}' bucket" if replicated.bucket is None else f"the bucket '{source.name}'"
        first = replicated_by.get(source.name)
        if first is not None and (dr.buckets[first].bucket is None) != (replicated.bucket is None):
            # Given twice the same way, the section's own check has said so (duplicate replicated purpose/bucket).
            problems.append((key, f"{what} is already replicated by buckets[{first}]"))
        replicated_by.setdefault(source.name, i)
        if source.standby:
            problems.append((key, f"{what} is itself a standby; replicate from the stack that creates it"))
        elif s3.REPLICATION_NEEDS_VERSIONING and not source.versioning:
            problems.append((key, f"{what} has versioning false; S3 replication needs versioning on both buckets"))
        role = replicated.role_name(organisation, environment)
        if len(role) > IAM_ROLE_NAME_MAX:
            shorten = "organisation or environment" if replicated.bucket is None else "the bucket's name, or give it by purpose"
            problems.append((key, f"the replication role '{role}' is longer than {IAM_ROLE_NAME_MAX} characters (IAM);"
                             f" shorten {shorten}"))
        for j, rule in enumerate(source.lifecycle):
            for transition in rule.transitions:
                if transition.storage_class in s3.NOT_REPLICATED_STORAGE_CLASSES and transition.days < 1:
                    problems.append((key, f"{what}'s lifecycle[{j}] moves objects to {transition.storage_class} on day"
                                     " 0: S3 does not replicate objects stored there; give the transition at least 1 day"))
        if replicated.standby in names:
            problems.append((f"buckets[{i}].standby", f"'{replicated.standby}' is already a bucket of this estate"))
        if source.access_logging and not source.standby and dr.standby_logs is None:
            problems.append((key, f"{what} logs its access: give disaster_recovery.standby_logs, the DR-region bucket"
                             " its standby logs into"))
    if dr.standby_logs is not None:
        if dr.standby_logs in names:
            problems.append(("standby_logs", f"'{dr.standby_logs}' is already a bucket of this estate"))
        problem = standby_logs_source(dr, buckets)[1]
        if problem is not None:
            problems.append(("standby_logs", problem))
    if atlas is not None and dr.atlas_snapshot_copies and dr.atlas_region is None:
        problems.append(("region", f"Atlas has no region for '{dr.region}' (data.catalogue.atlas.AWS_REGIONS):"
                         " the snapshot copies cannot go there; set atlas_snapshot_copies: []"))
    elif atlas is not None and dr.atlas_snapshot_copies and dr.atlas_region == atlas.region:
        problems.append(("atlas_snapshot_copies", f"the cluster already runs in {atlas.region} (atlas.region): a copy"
                         " there would be lost with it; the DR region must be another one"))
    return problems
