"""Storage: every S3 bucket versioned, encrypted, private, TLS-only, with a lifecycle; CORS https only.

Stack rules check that each bucket has its companion resources (found by the URN of the bucket in
their dependencies, never by bucket names or ARNs, unknown during a first preview); resource rules
check each companion's content, so an unknown value downgrades only that one check.
"""

from __future__ import annotations

import json
import re

from .base import dependents, get, get_path, items, of_type, resource_rule, stack_rule, truthy

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
PUBLIC_ACCESS_BLOCK = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
LIFECYCLE = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
OBJECT_LOCK = ("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
               "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2")
CORS = ("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2")
LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
HTTPS_ORIGIN = re.compile(r"^https://[a-z0-9.-]+(:\d+)?$")


def _companion_rule(name: str, types: tuple[str, ...], what: str, category: str, runbook: str, remediation: str, why: str):
    @stack_rule(
        name, area="storage", category=category,
        description=f"Every S3 bucket has {what}.", runbook=runbook, remediation=remediation,
    )
    def check(args, report_violation):
        for bucket in of_type(args.resources, *BUCKETS):
            if not dependents(args.resources, bucket, *types):
                report_violation(f"bucket {bucket.name} has no {types[0].rsplit(':', 1)[-1]}: {why}", bucket.urn)

    return check


_companion_rule(
    "storage-bucket-versioning", VERSIONING, "a versioning configuration", "data-loss",
    "Bucket versioning enabled",
    "Declare the bucket in the estate; components/storage.py adds BucketVersioning (status Enabled).",
    "an overwrite or delete loses the object for good.",
)
_companion_rule(
    "storage-bucket-encryption", ENCRYPTION, "default server-side encryption", "security",
    "Buckets encrypted",
    "Add BucketServerSideEncryptionConfiguration (AES256 or aws:kms).",
    "objects would rely on the account default.",
)
_companion_rule(
    "storage-bucket-public-access-block", PUBLIC_ACCESS_BLOCK, "a public access block", "security",
    "Private buckets: public access blocked",
    "Add BucketPublicAccessBlock with all four flags true.",
    "one ACL or policy mistake makes documents public.",
)
_companion_rule(
    "storage-bucket-tls-policy", POLICY, "a bucket policy (denying requests without TLS)", "security",
    "HTTPS forced on buckets",
    "Add a BucketPolicy with a Deny statement on aws:SecureTransport = false.",
    "plain-HTTP requests are accepted.",
)
_companion_rule(
    "storage-bucket-lifecycle", LIFECYCLE, "a lifecycle configuration", "hygiene",
    "Bucket lifecycle policies",
    "Give the bucket lifecycle rules in the estate (buckets[].lifecycle).",
    "objects and their old versions accumulate forever.",
)


def _logging_ends(resources) -> tuple[set[str], set[str]]:
    """The URNs of the buckets that log (sources) and of those receiving the logs (targets)."""
    sources, targets = set(), set()
    for logging in of_type(resources, *LOGGING):
        logged = [d for d in logging.dependencies if d.resource_type in BUCKETS]
        by_property = logging.property_dependencies.get("bucket")
        if by_property is not None:
            source = {d.urn for d in by_property}
        else:  # the render has no property dependencies: the source bucket shares the logging's parent
            source = {d.urn for d in logged if d.parent is not None and logging.parent is not None and d.parent.urn == logging.parent.urn}
        sources |= source
        targets |= {d.urn for d in logged} - source
    return sources, targets


@stack_rule(
    "storage-bucket-access-logging", area="storage", category="hygiene",
    description="Every S3 bucket logs its access to the logs bucket (the logs bucket itself excepted).",
    runbook="Bucket access logged to the logs bucket",
    remediation="Keep buckets[].access_logging true; components/storage.py adds BucketLogging to the logs bucket.",
)
def bucket_access_logging(args, report_violation):
    sources, targets = _logging_ends(args.resources)
    for bucket in of_type(args.resources, *BUCKETS):
        # The bucket receiving the logs does not log into itself (it would loop).
        if bucket.urn not in sources and bucket.urn not in targets:
            report_violation(f"bucket {bucket.name} has no BucketLogging: who read or deleted a document is unknown.", bucket.urn)


@stack_rule(
    "storage-log-target-no-object-lock", area="storage", category="blind-spot",
    description="The bucket receiving S3 access logs has no Object Lock (S3 cannot deliver logs to such a bucket).",
    runbook="A logs bucket S3 can deliver access logs to",
    remediation="Keep object_lock_years off the logs bucket (the model refuses it); lock the audit bucket instead.",
)
def log_target_no_object_lock(args, report_violation):
    # data/catalogue/s3.py ACCESS_LOGGING_SOURCE: "S3 buckets with S3 Object Lock can't be used as destination
    # buckets for server access logs".
    _, targets = _logging_ends(args.resources)
    for bucket in of_type(args.resources, *BUCKETS):
        if bucket.urn not in targets:
            continue
        locked = truthy(get(bucket.props, "objectLockEnabled", False)) or dependents(args.resources, bucket, *OBJECT_LOCK)
        if locked:
            report_violation(
                f"bucket {bucket.name} receives access logs but has Object Lock: S3 delivers no log to it.", bucket.urn,
            )


@resource_rule(
    "storage-versioning-enabled", area="storage", category="data-loss",
    description="Bucket versioning is Enabled (not Suspended or Disabled).",
    runbook="Bucket versioning enabled",
    remediation="Set versioning_configuration.status = \"Enabled\" (estate buckets[].versioning: true).",
    types=VERSIONING,
)
def versioning_enabled(args, report_violation):
    status = get_path(args.props, "versioningConfiguration", "status")
    if status != "Enabled":
        report_violation(f"versioningConfiguration.status is {status!r}: overwritten and deleted objects are not kept.")


@resource_rule(
    "storage-encryption-default", area="storage", category="security",
    description="Bucket default encryption is AES256 or KMS.",
    runbook="Buckets encrypted",
    remediation="Set rule.apply_server_side_encryption_by_default.sse_algorithm to AES256 or aws:kms.",
    types=ENCRYPTION,
)
def encryption_default(args, report_violation):
    algorithms = [get_path(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm") for rule in items(get(args.props, "rules"))]
    if not any(a in ("AES256", "aws:kms", "aws:kms:dsse") for a in algorithms):
        report_violation(f"no default encryption rule with AES256 or aws:kms (found {algorithms}).")


@resource_rule(
    "storage-public-access-blocked", area="storage", category="security",
    description="A bucket's public access block sets all four flags.",
    runbook="Private buckets: public access blocked",
    remediation="Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to true.",
    types=PUBLIC_ACCESS_BLOCK,
)
def public_access_blocked(args, report_violation):
    off = [flag for flag in PAB_FLAGS if not truthy(get(args.props, flag, False))]
    if off:
        report_violation(f"{', '.join(off)} not true: the bucket can be made public.")


def _denies_plain_http(document) -> bool:
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        condition = statement.get("Condition", {})
        for operator in ("Bool", "BoolIfExists"):
            value = condition.get(operator, {}).get("aws:SecureTransport")
            if str(value).lower() == "false" or value == ["false"]:
                return True
    return False


@resource_rule(
    "storage-policy-tls-only", area="storage", category="security",
    description="A bucket policy denies every request made without TLS.",
    runbook="HTTPS forced on buckets",
    remediation="Add a Deny statement for s3:* with Condition Bool aws:SecureTransport = false.",
    types=POLICY,
)
def policy_tls_only(args, report_violation):
    policy = get(args.props, "policy")
    try:
        document = json.loads(policy) if isinstance(policy, str) else policy
    except ValueError:
        report_violation("the policy is not valid JSON.")
        return
    if not _denies_plain_http(document):
        report_violation("no Deny statement on aws:SecureTransport = false: plain-HTTP requests are accepted.")


@resource_rule(
    "storage-lifecycle-noncurrent-expiry", area="storage", category="hygiene",
    description="A bucket's lifecycle expires noncurrent versions (versioned buckets would otherwise grow forever).",
    runbook="Old versions expire (lifecycle policies)",
    remediation="Give every lifecycle rule a noncurrent expiration (buckets[].lifecycle[].noncurrent.expiration_days).",
    types=LIFECYCLE,
)
def lifecycle_noncurrent_expiry(args, report_violation):
    rules = [r for r in items(get(args.props, "rules")) if get(r, "status", "Enabled") == "Enabled"]
    if not rules:
        report_violation("no enabled lifecycle rule.")
        return
    if not any(get_path(r, "noncurrentVersionExpiration", "noncurrentDays") for r in rules):
        report_violation("no enabled rule expires noncurrent versions: every overwrite is kept forever.")


@resource_rule(
    "storage-cors-https-origins", area="storage", category="security",
    description="Bucket CORS allows only https application origins (no wildcard, no http, no localhost).",
    runbook="Strict CORS on buckets: HTTPS origins only",
    remediation="List the application's https origins in buckets[].cors.allowed_origins.",
    types=CORS,
)
def cors_https_origins(args, report_violation):
    for rule in items(get(args.props, "corsRules")):
        for origin in items(get(rule, "allowedOrigins")):
            if not isinstance(origin, str) or not HTTPS_ORIGIN.match(origin) or "localhost" in origin:
                report_violation(f"allowed origin {origin!r} is not an https application origin.")
