"""S3 buckets of the estate (runbooks 000/001, seed 004), declared from data; each known by its name, its
purpose deciding what is done for it besides the protections every bucket gets.

Every bucket gets the same protections, decided here once:

- versioning, and lifecycle rules with an explicit filter, noncurrent-version transitions/expiry and
  aborted multipart uploads (the seed's rule forgets old versions: they would be kept forever);
- default encryption: SSE-KMS with the AWS managed key ``aws/s3`` and S3 Bucket Keys (key usage is
  audited in CloudTrail, no key of ours to manage or lose; Bucket Keys cut KMS requests). The logs
  buckets are the exception: S3 server access logging only delivers to SSE-S3 (AES256) buckets;
- object ownership ``BucketOwnerEnforced`` (ACLs off) and all four public access blocks;
- a bucket policy that denies any request not made over TLS (``aws:SecureTransport`` false); a logs
  bucket also lets the S3 logging service of this account, for the buckets logging into it only, write;
- server access logging to its logs bucket (``log_to``, or the only one), one prefix per bucket
  (``s3-access/<bucket>/``);
- CORS only on documents buckets, origins from the model (https only, validated there);
- object lock (COMPLIANCE mode) where declared: the audit bucket, for seed 004's 5-year retention.

A ``standby`` bucket (the DR stack's buckets) is another stack's: it is read, never created or changed.

The bucket and the settings whose loss would lose data protection (versioning, encryption, public
access block, TLS policy, object lock) are ``stateful``: protected and retained on delete.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pulumi
import pulumi_aws as aws

from components.common import child, estate_tags, stateful, type_token
from data.model import Bucket, Estate, LifecycleRule

LOGS_PREFIX = "s3-access"
KMS_MANAGED = "aws:kms"  # without kms_master_key_id: the AWS managed key aws/s3
SSE_S3 = "AES256"
OBJECT_LOCK_MODE = "COMPLIANCE"  # nobody, root included, can shorten the retention of an audit log


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def access_log_prefix(bucket_name: str) -> str:
    return f"{LOGS_PREFIX}/{bucket_name}/"


def encryption_algorithm(bucket: Bucket) -> str:
    return SSE_S3 if bucket.purpose == "logs" else KMS_MANAGED


def bucket_policy_document(bucket: Bucket, account_id: str, logged_buckets: list[str]) -> str:
    """TLS-only access; for a logs bucket also the S3 logging service writing the logs of ``logged_buckets``."""
    arn = bucket_arn(bucket.name)
    statements: list[dict] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn, f"{arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    if bucket.purpose == "logs" and logged_buckets:
        statements.append(
            {
                "Sid": "S3ServerAccessLogsDelivery",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{arn}/{LOGS_PREFIX}/*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": [bucket_arn(name) for name in logged_buckets]},
                },
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def lifecycle_rule_args(rule: LifecycleRule) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """One model rule as S3 wants it: always an explicit filter (an empty prefix is the whole bucket)."""
    noncurrent = rule.noncurrent
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id=rule.id,
        status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=rule.prefix),
        transitions=[
            aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(days=t.days, storage_class=t.storage_class)
            for t in rule.transitions
        ]
        or None,
        expiration=(
            aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=rule.expiration_days)
            if rule.expiration_days is not None
            else None
        ),
        noncurrent_version_transitions=(
            [
                aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionTransitionArgs(
                    noncurrent_days=noncurrent.transition.days, storage_class=noncurrent.transition.storage_class
                )
            ]
            if noncurrent.transition
            else None
        ),
        noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
            noncurrent_days=noncurrent.expiration_days
        ),
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=rule.abort_incomplete_multipart_days
        ),
    )


@dataclass(frozen=True)
class DeclaredBucket:
    """A bucket of the stack, with the settings others wait for (replication waits for versioning);
    ``versioning`` is None for a standby bucket, read, not created (another stack owns its settings)."""

    bucket: aws.s3.Bucket
    versioning: aws.s3.BucketVersioning | None = None


def read_standby(parent: pulumi.Resource, bucket: Bucket) -> DeclaredBucket:
    """A bucket another stack creates (prod's DR standby, ``buckets[].standby``): read at ``pulumi up``,
    which fails if it does not exist, and left alone (a read resource is never updated or deleted)."""
    return DeclaredBucket(aws.s3.Bucket.get(bucket.name, bucket.name, opts=pulumi.ResourceOptions(parent=parent)))


def declare_bucket(
    parent: pulumi.Resource, bucket: Bucket, *, account_id: pulumi.Output[str], logged: list[str],
    tags: dict[str, str], opts: pulumi.ResourceOptions | None = None,
) -> DeclaredBucket:
    """A bucket with every protection of this module's docstring; ``opts`` carries its region's provider
    (the standbys of components/replication live in the DR region). ``logged``: for the logs bucket, the
    buckets whose access logs it receives."""
    name = bucket.name
    resource = aws.s3.Bucket(
        name,
        bucket=name,
        object_lock_enabled=True if bucket.object_lock_years else None,
        tags=tags,
        opts=stateful(parent, opts),
    )
    ownership = aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=resource.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=child(parent, opts),
    )
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access-block",
        bucket=resource.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=stateful(parent, opts),
    )
    versioning = aws.s3.BucketVersioning(
        f"{name}-versioning",
        bucket=resource.id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
            status="Enabled" if bucket.versioning or bucket.object_lock_years else "Suspended"
        ),
        opts=stateful(parent, opts),
    )
    algorithm = encryption_algorithm(bucket)
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=resource.id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=(
                    aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm=algorithm
                    )
                ),
                bucket_key_enabled=True if algorithm == KMS_MANAGED else None,
            )
        ],
        opts=stateful(parent, opts),
    )
    aws.s3.BucketPolicy(
        f"{name}-policy",
        bucket=resource.id,
        policy=account_id.apply(lambda account: bucket_policy_document(bucket, account, logged)),
        opts=stateful(parent, opts, depends_on=[ownership]),
    )
    # Rules act on versions, so they are applied once versioning is on (AWS's advice).
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle",
        bucket=resource.id,
        rules=[lifecycle_rule_args(rule) for rule in bucket.lifecycle],
        opts=child(parent, opts, depends_on=[versioning]),
    )
    if bucket.cors is not None:
        cors = bucket.cors
        aws.s3.BucketCorsConfiguration(
            f"{name}-cors",
            bucket=resource.id,
            cors_rules=[
                aws.s3.BucketCorsConfigurationCorsRuleArgs(
                    id="application-origins",
                    allowed_origins=list(cors.allowed_origins),
                    allowed_methods=list(cors.allowed_methods),
                    allowed_headers=list(cors.allowed_headers),
                    expose_headers=list(cors.expose_headers) or None,
                    max_age_seconds=cors.max_age_seconds,
                )
            ],
            opts=child(parent, opts),
        )
    if bucket.object_lock_years:
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-object-lock",
            bucket=resource.id,
            rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                    mode=OBJECT_LOCK_MODE, years=bucket.object_lock_years
                )
            ),
            opts=stateful(parent, opts, depends_on=[versioning]),
        )
    return DeclaredBucket(resource, versioning)


def declare_access_logging(
    parent: pulumi.Resource, bucket_name: str, bucket: aws.s3.Bucket, target: aws.s3.Bucket,
    opts: pulumi.ResourceOptions | None = None,
) -> aws.s3.BucketLogging:
    """Server access logging of ``bucket`` into ``target`` (same region: S3 delivers nowhere else), one
    prefix per bucket, partitioned by event time."""
    return aws.s3.BucketLogging(
        f"{bucket_name}-access-logging",
        bucket=bucket.id,
        target_bucket=target.id,
        target_prefix=access_log_prefix(bucket_name),
        target_object_key_format=aws.s3.BucketLoggingTargetObjectKeyFormatArgs(
            partitioned_prefix=aws.s3.BucketLoggingTargetObjectKeyFormatPartitionedPrefixArgs(
                partition_date_source="EventTime"
            )
        ),
        opts=child(parent, opts),
    )


@dataclass
class StorageArgs:
    """The estate's buckets, and the logs bucket each logs into (by name; absent: it does not log)."""

    buckets: list[Bucket]
    tags: Callable[..., dict[str, str]]  # estate_tags of the estate, extra tags as keywords
    log_targets: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_estate(cls, estate: Estate) -> StorageArgs:
        targets = {b.name: target.name for b in estate.buckets if (target := estate.log_target_of(b)) is not None}
        return cls(buckets=list(estate.buckets), tags=partial(estate_tags, estate), log_targets=targets)


class Storage(pulumi.ComponentResource):
    """The estate's buckets, by name."""

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("storage", "Storage"), name, None, opts)
        self._tags = args.tags
        self._declared: dict[str, DeclaredBucket] = {}
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        created = [b for b in args.buckets if not b.standby]
        logging = [b for b in created if b.access_logging and b.name in args.log_targets]

        for bucket in args.buckets:
            logged = [b.name for b in logging if args.log_targets[b.name] == bucket.name]
            self._declared[bucket.name] = (
                read_standby(self, bucket) if bucket.standby else
                declare_bucket(self, bucket, account_id=account_id, logged=logged, tags=self._tags(purpose=bucket.purpose))
            )

        for bucket in logging:
            target = self._declared[args.log_targets[bucket.name]]
            declare_access_logging(self, bucket.name, self._declared[bucket.name].bucket, target.bucket)
        self.register_outputs({name: d.bucket.arn for name, d in sorted(self._declared.items())})

    # -- what other components read ---------------------------------------------------------------

    def declared(self, name: str) -> DeclaredBucket:
        try:
            return self._declared[name]
        except KeyError:
            raise KeyError(f"no bucket named '{name}' (declared: {', '.join(sorted(self._declared))})") from None

    def bucket(self, name: str) -> aws.s3.Bucket:
        return self.declared(name).bucket

    def arn(self, name: str) -> pulumi.Output[str]:
        """The bucket's ARN (for IAM statements: the services' documents access, Atlas exports)."""
        return self.bucket(name).arn

    def name(self, name: str) -> pulumi.Output[str]:
        return self.bucket(name).bucket
