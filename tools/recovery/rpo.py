"""Recovery point per data class: what the primary stack's render declares toward the DR region, and the
recovery point that declaration achieves, each figure from ``data.catalogue.recovery`` with its source.

Data classes: the documents, backups, audit and general buckets (S3 replication, ``BucketReplicationConfig``), the
MongoDB data (Atlas ``CloudBackupSchedule.copySettings``), the secrets (``Secret.replicas``) and the Redis
cache (never recovered: the DR stack starts it empty). A class with nothing declared toward the DR region
says ``not declared``: the data is lost with the primary region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from data.catalogue import recovery as facts
from tools.recovery.stack import StackRender, arn_parts, strings, tags

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
SCHEDULE = "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule"
CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster"
EXPORT_BUCKET = "mongodbatlas:index/cloudBackupSnapshotExportBucket:CloudBackupSnapshotExportBucket"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_STORE = "monitored-estate:secrets:SecretStore"  # the component: inputs referencedSecrets, replicaRegions
CACHE = "aws:elasticache/replicationGroup:ReplicationGroup"
BUCKET_CLASSES = ("documents", "backups", "audit", "general")  # the bucket purposes holding data (not logs)

REPLICATED, PARTIAL, NOT_DECLARED, NOT_RECOVERED = "replicated", "partial", "not declared", "not recovered"
_SECRET_ARN = re.compile(r"arn:aws:secretsmanager:([a-z0-9-]+):\d{12}:secret:(.+)-[A-Za-z0-9]{6}$")


@dataclass(frozen=True)
class ClassRecovery:
    """One data class (one row per bucket for S3): where it lives, what is declared toward the DR region,
    the recovery point, and where each figure comes from."""

    data_class: str
    where: str
    status: str  # replicated | partial | not declared | not recovered
    declared: str
    rpo: str
    rpo_minutes: float | None = None  # a documented bound, when there is one
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


def recovery_points(prod: StackRender, dr_region: str) -> list[ClassRecovery]:
    buckets = bucket_recovery(prod, dr_region)
    return [*buckets, mongodb_recovery(prod, dr_region, buckets), secrets_recovery(prod, dr_region), cache_recovery(prod)]


# -- S3 ---------------------------------------------------------------------------------------------------


def _bucket_name(resource: dict[str, Any]) -> str:
    return str(resource["inputs"].get("bucket") or resource["name"])


def _enabled(block: Any) -> bool:
    return isinstance(block, dict) and block.get("status") == "Enabled"


def bucket_recovery(prod: StackRender, dr_region: str) -> list[ClassRecovery]:
    buckets = {_bucket_name(b): b for b in prod.of_type(*BUCKET_TYPES)}
    rules_of: dict[str, list[dict[str, Any]]] = {}
    for config in prod.of_type(REPLICATION):
        rules_of.setdefault(str(config["inputs"].get("bucket", "")), []).extend(config["inputs"].get("rules") or [])
    destinations = {arn_parts(str(rule.get("destination", {}).get("bucket", "")))[2] for rules in rules_of.values() for rule in rules}
    rows = []
    for name, bucket in sorted(buckets.items()):
        purpose = tags(bucket).get("purpose")
        if purpose not in BUCKET_CLASSES or name in destinations or prod.region_of(bucket) == dr_region:
            continue  # not a recovered class, or itself a standby copy
        rows.append(_bucket_row(prod, purpose, name, bucket, rules_of.get(name, []), buckets, dr_region))
    return sorted(rows, key=lambda row: (BUCKET_CLASSES.index(row.data_class), row.where))


def _bucket_row(prod, purpose, name, bucket, rules, buckets, dr_region) -> ClassRecovery:
    where = f"S3 {name} ({prod.region_of(bucket)})"
    to_dr = []
    for rule in rules:
        target = arn_parts(str(rule.get("destination", {}).get("bucket", "")))[2]
        target_region = prod.region_of(buckets[target]) if target in buckets else None
        if _enabled(rule) and target_region == dr_region:
            to_dr.append((rule, target))
    if not to_dr:
        elsewhere = sorted({arn_parts(str(r.get("destination", {}).get("bucket", "")))[2] for r in rules})
        detail = f" (rules to {', '.join(elsewhere)}, none enabled to a bucket of {dr_region} in this render)" if elsewhere else ""
        return ClassRecovery(purpose, where, NOT_DECLARED, f"no replication to {dr_region}{detail}",
                             f"none: the objects are lost with {prod.region}")
    whole = [(rule, target) for rule, target in to_dr if not _prefix(rule)]
    rule, target = (whole or to_dr)[0]
    rtc = _enabled(rule.get("destination", {}).get("replicationTime"))
    markers = "delete markers replicated" if _enabled(rule.get("deleteMarkerReplication")) else "delete markers not replicated"
    scope = "every object" if whole else "objects under " + ", ".join(sorted(repr(_prefix(r)) for r, _ in to_dr))
    declared = f"replicated to {target} ({dr_region}), {scope}, {'with' if rtc else 'without'} replication time control, {markers}"
    notes = ("live replication copies objects written after the rule exists: run a Batch Replication job once for older ones",)
    if rtc:
        rpo = f"{facts.S3_RTC_PERCENT:g} % of new objects within {facts.S3_RTC_MINUTES} min (S3 RTC commitment)"
        return ClassRecovery(purpose, where, REPLICATED if whole else PARTIAL, declared, rpo, facts.S3_RTC_MINUTES,
                             (facts.S3_RTC_SOURCE, facts.S3_EXISTING_OBJECTS_SOURCE), notes)
    rpo = (f"no commitment: most new objects within {facts.S3_CRR_TYPICAL_MINUTES} min, some up to"
           f" {facts.S3_CRR_WORST_HOURS} h (replication without RTC has no SLA)")
    return ClassRecovery(purpose, where, REPLICATED if whole else PARTIAL, declared, rpo, None,
                         (facts.S3_CRR_SOURCE, facts.S3_EXISTING_OBJECTS_SOURCE), (*notes, facts.S3_CRR_NOTE))


def _prefix(rule: dict[str, Any]) -> str:
    chosen = rule.get("filter") if isinstance(rule.get("filter"), dict) else {}
    return str(chosen.get("prefix") or (chosen.get("and") or {}).get("prefix") or rule.get("prefix") or "")


# -- MongoDB Atlas --------------------------------------------------------------------------------------


# The schedule's policy items (engine camelCase) and the copy-settings frequency each one is.
POLICY_ITEMS = {"policyItemHourly": "HOURLY", "policyItemDaily": "DAILY", "policyItemWeeklies": "WEEKLY",
                "policyItemMonthlies": "MONTHLY", "policyItemYearlies": "YEARLY"}


def _policy_hours(schedule: dict[str, Any]) -> dict[str, float]:
    """Hours between snapshots per frequency the schedule's policy items take (HOURLY at its interval)."""
    found: dict[str, float] = {}
    for key, frequency in POLICY_ITEMS.items():
        value = schedule.get(key)
        items = [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, dict)]
        if not items:
            continue
        if frequency == "HOURLY":
            found[frequency] = min(float(item.get("frequencyInterval", 1)) for item in items)
        else:
            found[frequency] = facts.ATLAS_FREQUENCY_HOURS[frequency]
    return found


def _hours(value: float) -> str:
    return f"{value / 24:g} days" if value >= 48 else f"{value:g} h"


def mongodb_recovery(prod: StackRender, dr_region: str, buckets: list[ClassRecovery]) -> ClassRecovery:
    clusters = {c["inputs"].get("name", c["name"]): c for c in prod.of_type(CLUSTER)}
    schedules = prod.of_type(SCHEDULE)
    if not clusters:
        return ClassRecovery("mongodb", "no Atlas cluster in this render", NOT_RECOVERED, "nothing to recover", "n/a")
    name, cluster = sorted(clusters.items())[0]
    regions = sorted({c.get("regionName", "") for spec in cluster["inputs"].get("replicationSpecs") or []
                      for c in spec.get("regionConfigs") or []})
    where = f"Atlas cluster {name} ({', '.join(regions)})"
    schedule = next((s["inputs"] for s in schedules if s["inputs"].get("clusterName") == name), None)
    if schedule is None:
        return ClassRecovery("mongodb", where, NOT_DECLARED, "no backup schedule", "none: no snapshot to restore")
    hours = _policy_hours(schedule)
    target = facts.atlas_region(dr_region)
    copies = [c for c in schedule.get("copySettings") or [] if c.get("regionName") == target]
    every = min(hours.values()) if hours else None
    taken = f"snapshots every {_hours(every)}" if every else "no snapshot policy item"
    fallback = _export_fallback(prod, schedule, buckets)
    if not copies:
        return ClassRecovery("mongodb", where, NOT_DECLARED, f"{taken}, no copy to {target}",
                             f"none from {dr_region}: the snapshots stay in {', '.join(regions)}",
                             None, (facts.ATLAS_COPY_SOURCE,), tuple(n for n in (fallback,) if n))
    copied = sorted({f for c in copies for f in _copied_frequencies(c) if f in hours})
    oplogs = any(c.get("shouldCopyOplogs") for c in copies)
    pit = bool(cluster["inputs"].get("pitEnabled"))
    declared = f"{taken}; copies to {target} of {', '.join(copied) or 'no scheduled frequency'}" + (", with oplogs" if oplogs else "")
    notes = [facts.ATLAS_COPY_NOTE]
    if oplogs and not pit:
        notes.append("oplogs are copied but the cluster does not enable continuous cloud backup (pitEnabled): no point-in-time restore")
    sources = (facts.ATLAS_COPY_SOURCE, facts.ATLAS_COPY_SETTINGS_SOURCE, facts.ATLAS_SCHEDULING_SOURCE)
    if oplogs and pit:
        return ClassRecovery("mongodb", where, REPLICATED, declared,
                             "point in time: up to the last oplog entry copied to the DR region", None,
                             (*sources, facts.ATLAS_PIT_SOURCE), tuple(notes))
    if not copied:
        return ClassRecovery("mongodb", where, PARTIAL, declared, "none: no scheduled snapshot is copied", None, sources, tuple(notes))
    interval = min(hours[f] for f in copied)
    return ClassRecovery("mongodb", where, REPLICATED, declared, f"up to {_hours(interval)} (the most frequent copied snapshot)",
                         interval * 60, sources, tuple(notes))


def _copied_frequencies(copy: dict[str, Any]) -> list[str]:
    """The frequencies a copy setting copies: ``copyPolicyItems[].frequencyType`` (the current field,
    lower case) or the deprecated ``frequencies`` (upper case); both name the schedule's policy items."""
    items = [item.get("frequencyType", "") for item in copy.get("copyPolicyItems") or [] if isinstance(item, dict)]
    return [str(f).upper() for f in [*items, *(copy.get("frequencies") or [])]]


def _export_fallback(prod: StackRender, schedule: dict[str, Any], buckets: list[ClassRecovery]) -> str:
    if not schedule.get("autoExportEnabled"):
        return ""
    frequency = (schedule.get("export") or {}).get("frequencyType", "?")
    exports = {e["inputs"].get("bucketName") for e in prod.of_type(EXPORT_BUCKET)}
    states = [f"{row.where.split()[1]} (replication: {row.status})" for row in buckets if row.where.split()[1] in exports]
    return f"fallback: the {frequency} snapshot export to {', '.join(states) or 'the export bucket'}"


# -- Secrets --------------------------------------------------------------------------------------------


def secrets_recovery(prod: StackRender, dr_region: str) -> ClassRecovery:
    declared = {s["inputs"].get("name", s["name"]): s for s in prod.of_type(SECRET) if prod.region_of(s) != dr_region}
    replicated = sorted(n for n, s in declared.items()
                        if any(isinstance(r, dict) and r.get("region") == dr_region for r in s["inputs"].get("replicas") or []))
    referenced = sorted({m.group(2) for r in prod.resources for text in strings(r.get("inputs", {}))
                         for m in [_SECRET_ARN.match(text)] if m and m.group(1) != dr_region} - set(declared))
    # Operator-set secrets: the SecretStore component records which it reads and the regions operators must
    # replicate them to (they create them with --add-replica-regions); `estate verify` checks each replica.
    operator_replicated = {name for store in prod.of_type(SECRET_STORE) if dr_region in (store["inputs"].get("replicaRegions") or [])
                           for name in store["inputs"].get("referencedSecrets") or []}
    by_operators = sorted(set(referenced) & operator_replicated)
    unreplicated = sorted(set(referenced) - operator_replicated)
    where = f"Secrets Manager: {len(declared)} declared, {len(referenced)} referenced (created outside the program)"
    missing = sorted(set(declared) - set(replicated))
    text = f"{len(replicated)} of {len(declared)} declared secrets have a replica in {dr_region}"
    if by_operators:
        text += f"; {len(by_operators)} referenced ones are replicated by operators (checked by `estate verify`)"
    if unreplicated:
        text += f"; the {len(unreplicated)} referenced ones have none declared"
    notes = tuple(line for line in (
        f"without replica (declared): {', '.join(missing)}" if missing else "",
        f"without replica (referenced, created outside the program): {', '.join(unreplicated)}" if unreplicated else "",
        f"replicated by operators (create-secret --add-replica-regions Region={dr_region}; `estate verify` family secrets"
        f" fails until each replica is InSync): {', '.join(by_operators)}" if by_operators else "",
    ) if line)
    if not replicated and not by_operators:
        return ClassRecovery("secrets", where, NOT_DECLARED, text,
                             f"none: values are lost with {prod.region} (generated ones are regenerated: sessions and tokens end)",
                             notes=notes)
    status = PARTIAL if missing or unreplicated else REPLICATED
    return ClassRecovery("secrets", where, status, text,
                         "the replica receives each new value after the primary (no delay or commitment documented)", None,
                         (facts.SECRETS_REPLICA_SOURCE, facts.SECRETS_STATUS_SOURCE), (facts.SECRETS_REPLICA_NOTE, *notes))


def cache_recovery(prod: StackRender) -> ClassRecovery:
    groups = sorted(g["inputs"].get("replicationGroupId", g["name"]) for g in prod.of_type(CACHE))
    where = "ElastiCache " + (", ".join(groups) or "(none in this render)")
    return ClassRecovery("cache", where, NOT_RECOVERED, "nothing: a cache is not recovered",
                         "n/a: the DR stack creates it empty and the services refill it",
                         notes=("its snapshots stay in the primary region; the services treat Redis as a cache (REDIS_TTL)",))
