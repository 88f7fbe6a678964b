"""Buckets replicated to the DR region (issue 11): each replication configuration of the render is live on
its source bucket as declared (the rule enabled, its destination, delete markers, SSE-KMS objects opted in,
Replication Time Control, metrics), and S3 reports no failed replication over the last day.

The standby buckets themselves (existence, versioning, encryption, lifecycle, lock) are ``storage``'s: they
are buckets of the render like any other, in their provider's region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from data.catalogue import s3 as s3_facts
from tools.verify.aws import Unavailable, call, error_code
from tools.verify.declared import Context, Declared
from tools.verify.report import FAIL, PASS

FAMILY, WHAT = "replication", "bucket replications"
CONFIG = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
FAILURE_WINDOW = timedelta(hours=24)  # how far back verify reads OperationsFailedReplication
# The request's times go to the second: a datapoint stamped within the current second (or by a clock a
# little ahead of ours) would fall after EndTime. Reading a minute past now costs nothing.
CLOCK_MARGIN = timedelta(minutes=1)


@dataclass(frozen=True)
class ExpectedRule:
    id: str
    destination: str  # the standby bucket's ARN
    delete_markers: str  # Enabled | Disabled
    kms_objects: bool  # SSE-KMS objects opted in
    rtc: bool
    metrics: bool


@dataclass(frozen=True)
class ExpectedReplication:
    source: str
    region: str
    role: str  # the role's name (its ARN's account is the render's fake one)
    rules: tuple[ExpectedRule, ...]


def _status(value: Mapping[str, Any] | None) -> str | None:
    return (value or {}).get("status")


def expected_replications(declared: Declared) -> list[ExpectedReplication]:
    found = []
    for config in declared.of_type(CONFIG):
        inputs = declared.inputs(config)
        rules = tuple(
            ExpectedRule(
                id=rule.get("id", ""), destination=rule.get("destination", {}).get("bucket", ""),
                delete_markers=_status(rule.get("deleteMarkerReplication")) or "Disabled",
                kms_objects=_status((rule.get("sourceSelectionCriteria") or {}).get("sseKmsEncryptedObjects")) == "Enabled",
                rtc=_status(rule.get("destination", {}).get("replicationTime")) == "Enabled",
                metrics=_status(rule.get("destination", {}).get("metrics")) == "Enabled",
            )
            for rule in inputs.get("rules") or []
        )
        found.append(ExpectedReplication(inputs.get("bucket", ""), declared.region_of(config),
                                         str(inputs.get("role", "")).rsplit("/", 1)[-1], rules))
    return found


def rule_problems(expected: ExpectedRule, live: Mapping[str, Any] | None) -> list[str]:
    """What differs between the declared rule and GetBucketReplication's rule of the same ID."""
    if live is None:
        return [f"rule {expected.id} missing"]
    destination = live.get("Destination", {})
    problems = []
    if live.get("Status") != "Enabled":
        problems.append(f"rule {expected.id} {live.get('Status')}")
    if destination.get("Bucket") != expected.destination:
        problems.append(f"destination {destination.get('Bucket')} instead of {expected.destination}")
    markers = (live.get("DeleteMarkerReplication") or {}).get("Status", "Disabled")
    if markers != expected.delete_markers:
        problems.append(f"delete-marker replication {markers} instead of {expected.delete_markers}")
    kms = (live.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects", {}).get("Status") == "Enabled"
    if kms != expected.kms_objects:
        problems.append("SSE-KMS objects " + ("not replicated" if expected.kms_objects else "replicated unexpectedly"))
    if expected.kms_objects and not destination.get("EncryptionConfiguration", {}).get("ReplicaKmsKeyID"):
        problems.append("no replica KMS key")
    rtc = (destination.get("ReplicationTime") or {}).get("Status") == "Enabled"
    if rtc != expected.rtc:
        problems.append("Replication Time Control " + ("off" if expected.rtc else "on"))
    if expected.metrics and (destination.get("Metrics") or {}).get("Status") != "Enabled":
        problems.append("replication metrics off (the failure alarm reads them)")
    return problems


def check(ctx: Context) -> None:
    restore = "run `pulumi up` on this stack to restore the declared replication (docs/runbooks.md#replication-failed)"
    for replication in expected_replications(ctx.declared):
        source, region = replication.source, replication.region
        s3 = ctx.clients("s3", region)
        try:
            live = call(s3.get_bucket_replication, Bucket=source)["ReplicationConfiguration"]
        except Unavailable as error:
            ctx.unavailable(FAMILY, source, region, error, "S3 GetBucketReplication")
            continue
        except Exception as error:
            if isinstance(error, LookupError) or error_code(error)[0] == "ReplicationConfigurationNotFoundError":
                ctx.add(FAMILY, source, region, FAIL, "no replication configuration: new objects do not reach the DR standby", restore)
                continue
            raise
        rules = {rule.get("ID"): rule for rule in live.get("Rules", [])}
        problems = [p for rule in replication.rules for p in rule_problems(rule, rules.get(rule.id))]
        if not str(live.get("Role", "")).endswith(f"/{replication.role}"):
            problems.append(f"role {live.get('Role')} instead of {replication.role}")
        if problems:
            ctx.add(FAMILY, source, region, FAIL, "; ".join(problems), restore)
        else:
            targets = ", ".join(rule.destination.rsplit(":", 1)[-1] for rule in replication.rules)
            ctx.add(FAMILY, source, region, PASS, f"replicating to {targets} as declared")
        for rule in replication.rules:
            if rule.metrics:
                _failed_operations(ctx, source, rule, region)


def _failed_operations(ctx: Context, source: str, rule: ExpectedRule, region: str) -> None:
    """OperationsFailedReplication of the rule over the last day (no datapoint: nothing failed)."""
    metric = s3_facts.OPERATIONS_FAILED_REPLICATION
    standby = rule.destination.rsplit(":", 1)[-1]
    subject = f"{source} -> {standby} failed operations"
    dimensions = {"SourceBucket": source, "DestinationBucket": standby, "RuleId": rule.id}
    now = datetime.now(timezone.utc)
    try:
        points = call(ctx.clients("cloudwatch", region).get_metric_statistics,
                      Namespace=metric.namespace, MetricName=metric.name,
                      Dimensions=[{"Name": name, "Value": dimensions[name]} for name in metric.dimensions],
                      StartTime=now - FAILURE_WINDOW, EndTime=now + CLOCK_MARGIN,
                      Period=int((FAILURE_WINDOW + CLOCK_MARGIN).total_seconds()),
                      Statistics=["Sum"]).get("Datapoints", [])
    except Unavailable as error:
        ctx.unavailable(FAMILY, subject, region, error, f"CloudWatch {metric.namespace} {metric.name}")
        return
    failed = sum(point.get("Sum", 0) for point in points)
    if failed:
        ctx.add(FAMILY, subject, region, FAIL, f"{failed:g} operations failed to replicate in the last 24 h",
                "find the objects and the reason, then replicate them again: docs/runbooks.md#replication-failed")
    else:
        ctx.add(FAMILY, subject, region, PASS, "no failed replication reported in the last 24 h")
