"""Buckets: every bucket of the render exists with the settings the render declares for it:
versioning, its lifecycle rules, default encryption, the four public access blocks and, where
declared, object lock with its default retention."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tools.verify.aws import Unavailable, call, error_code
from tools.verify.declared import Context, Declared
from tools.verify.report import FAIL, PASS

FAMILY, WHAT = "bucket", "buckets"
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"


@dataclass(frozen=True)
class LifecycleRule:
    id: str


@dataclass(frozen=True)
class ExpectedBucket:
    name: str
    region: str
    versioning: bool  # declared Enabled (otherwise not checked)
    lifecycle: tuple[LifecycleRule, ...]
    object_lock_years: int | None


def _settings(declared: Declared, token: str, bucket: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The render's ``token`` resources configuring ``bucket``: naming it, or depending on it."""
    name = declared.inputs(bucket).get("bucket")
    return [r for r in declared.of_type(token)
            if declared.inputs(r).get("bucket") == name or bucket.get("urn") in (r.get("dependencies") or [])]


def expected_buckets(declared: Declared) -> list[ExpectedBucket]:
    """Each bucket of the render with what its settings resources declare (components/storage.py
    declares versioning, lifecycle and object lock as resources of their own)."""
    buckets = []
    for bucket in (b for token in BUCKETS for b in declared.of_type(token)):
        versioning = [declared.inputs(v).get("versioningConfiguration", {}).get("status")
                      for v in _settings(declared, VERSIONING, bucket)]
        rules = tuple(LifecycleRule(rule.get("id"))
                      for config in _settings(declared, LIFECYCLE, bucket) for rule in declared.inputs(config).get("rules") or [])
        years = [declared.inputs(lock).get("rule", {}).get("defaultRetention", {}).get("years")
                 for lock in _settings(declared, OBJECT_LOCK, bucket)]
        name = declared.inputs(bucket).get("bucket") or bucket.get("name")
        buckets.append(ExpectedBucket(name, declared.region_of(bucket), "Enabled" in versioning, rules,
                                      next((y for y in years if y), None)))
    return buckets


def check(ctx: Context) -> None:
    restore = "run `pulumi up` to restore the declared setting (changed outside Pulumi: `pulumi refresh` shows it)"
    for bucket in expected_buckets(ctx.declared):
        name, region = bucket.name, bucket.region
        s3 = ctx.clients("s3", region)
        try:
            call(s3.head_bucket, Bucket=name)
        except LookupError:
            ctx.add("bucket", name, region, FAIL, "missing: the bucket does not exist",
                    "the bucket is protected and retained: if it was deleted, recreate it with `pulumi up` and"
                    " restore its data from the backups bucket or replication (docs/disaster-recovery.md)")
            continue
        except Unavailable as error:
            ctx.unavailable("bucket", name, region, error, "S3 HeadBucket")
            continue
        for what, probe in (
            ("versioning", _bucket_versioning),
            ("lifecycle", _bucket_lifecycle),
            ("encryption", _bucket_encryption),
            ("public access block", _bucket_public_access),
            ("object lock", _bucket_object_lock),
        ):
            try:
                problem = probe(s3, bucket)
            except Unavailable as error:
                ctx.unavailable("bucket", f"{name} {what}", region, error, f"S3 {what}")
                continue
            if problem is None:
                continue  # not declared for this bucket
            if problem:
                ctx.add("bucket", f"{name} {what}", region, FAIL, problem, restore)
            else:
                ctx.add("bucket", f"{name} {what}", region, PASS, "as declared")


def _bucket_versioning(s3, bucket) -> str | None:
    status = call(s3.get_bucket_versioning, Bucket=bucket.name).get("Status", "never enabled")
    expected = "Enabled" if bucket.versioning else None
    if expected is None:
        return None
    return "" if status == expected else f"versioning {status} instead of Enabled"


def _bucket_lifecycle(s3, bucket) -> str:
    try:
        rules = call(s3.get_bucket_lifecycle_configuration, Bucket=bucket.name).get("Rules", [])
    except LookupError:
        rules = []
    except Exception as error:  # NoSuchLifecycleConfiguration is a ClientError with its own code
        if error_code(error)[0] != "NoSuchLifecycleConfiguration":
            raise
        rules = []
    live = {r.get("ID"): r.get("Status") for r in rules}
    problems = []
    for rule in bucket.lifecycle:
        if rule.id not in live:
            problems.append(f"rule {rule.id} missing")
        elif live[rule.id] != "Enabled":
            problems.append(f"rule {rule.id} {live[rule.id]}")
    return "; ".join(problems)


def _bucket_encryption(s3, bucket) -> str:
    try:
        config = call(s3.get_bucket_encryption, Bucket=bucket.name)
    except Exception as error:
        if isinstance(error, (Unavailable,)):
            raise
        code = error_code(error)[0] if not isinstance(error, LookupError) else str(error)
        if code in ("ServerSideEncryptionConfigurationNotFoundError",) or isinstance(error, LookupError):
            return "no default encryption"
        raise
    rules = config.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    algorithms = [r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules]
    return "" if any(a in ("aws:kms", "aws:kms:dsse", "AES256") for a in algorithms) else "no default encryption"


def _bucket_public_access(s3, bucket) -> str:
    try:
        config = call(s3.get_public_access_block, Bucket=bucket.name).get("PublicAccessBlockConfiguration", {})
    except Exception as error:
        if isinstance(error, Unavailable):
            raise
        if isinstance(error, LookupError) or error_code(error)[0] == "NoSuchPublicAccessBlockConfiguration":
            return "no public access block"
        raise
    off = [k for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets") if not config.get(k)]
    return f"{', '.join(off)} off" if off else ""


def _bucket_object_lock(s3, bucket) -> str | None:
    if bucket.object_lock_years is None:
        return None
    try:
        config = call(s3.get_object_lock_configuration, Bucket=bucket.name).get("ObjectLockConfiguration", {})
    except Exception as error:
        if isinstance(error, Unavailable):
            raise
        if isinstance(error, LookupError) or error_code(error)[0] == "ObjectLockConfigurationNotFoundError":
            return "object lock not enabled"
        raise
    if config.get("ObjectLockEnabled") != "Enabled":
        return "object lock not enabled"
    retention = config.get("Rule", {}).get("DefaultRetention", {})
    years = retention.get("Years") or (retention.get("Days", 0) / 365 if retention.get("Days") else None)
    if not years or years < bucket.object_lock_years:
        return f"default retention {retention or 'none'} instead of {bucket.object_lock_years} years"
    return ""
