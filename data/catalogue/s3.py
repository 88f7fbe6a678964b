"""S3 facts the estate model enforces: lifecycle transition minimums and what an access-log target may be.

Sources (read at awsdocs/amazon-s3-userguide@cc53dd6a44):
- Transitioning objects, general considerations:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
  current objects go to S3 Standard-IA or One Zone-IA only once at least 30 days old; "Similarly, if you are
  transitioning noncurrent objects (in versioned buckets), you can transition only objects that are at least
  30 days noncurrent to S3 Standard-IA or S3 One Zone-IA storage".
- Enabling server access logging:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
  "S3 buckets with S3 Object Lock can't be used as destination buckets for server access logs"; the target must
  have no Object Lock and no default retention, and use SSE-S3 default encryption.
"""

from __future__ import annotations

from data.catalogue.metrics import Metric

LIFECYCLE_TRANSITION_SOURCE = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html"
)
ACCESS_LOGGING_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"
INFREQUENT_ACCESS_CLASSES = ("STANDARD_IA", "ONEZONE_IA")
INFREQUENT_ACCESS_MIN_DAYS = 30  # current objects' age, and noncurrent objects' days noncurrent
ACCESS_LOG_TARGET_OBJECT_LOCK = False

# -- Cross-Region Replication (issue 11: the documents, backups and audit buckets kept in the DR region) ----
# Sources (S3 user guide, read at awsdocs/amazon-s3-userguide@cc53dd6a44 unless said otherwise):
REPLICATION_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html"
REPLICATION_PERMISSIONS_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html"
REPLICATION_KMS_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html"
REPLICATION_WHAT_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html"
DELETE_MARKER_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html"
RTC_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html"
REPLICATION_CONFIG_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html"
OBJECT_LOCK_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html"
REGISTRY_REPLICATION_CONFIG = "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketreplicationconfig/"

# "Requirements for replication": "Both source and destination buckets must have versioning enabled" (the
# model refuses a replicated bucket with versioning false; the standby is always versioned), and the
# provider page: the configuration must depend on the source's versioning (it is applied after it).
REPLICATION_NEEDS_VERSIONING = True
# Same page: "If the source bucket has S3 Object Lock enabled, the destination buckets must also have S3
# Object Lock enabled" (a missing lock fails each object with DstBucketObjectLockConfigMissing). The
# standby of a locked bucket is created with Object Lock and the same default retention
# (components/replication/buckets.py). Object Lock can only be enabled when a bucket is created (or through
# AWS Support), so the standby must be locked from its first `up`.
REPLICA_NEEDS_SOURCE_OBJECT_LOCK = True
# Object Lock retention is replicated with each object ("What is replicated": "S3 Object Lock retention
# information"), and S3 reads it with these actions on the source objects (object-lock-managing.html,
# "Permissions for viewing lock information"; AWS's replication role for Workload Discovery lists the
# same two). The 2023 guide also said enabling replication on a locked bucket needed AWS Support; later
# pages drop that step: UNSETTLED offline, a first `pulumi up` settles it (PutBucketReplication answers).
OBJECT_LOCK_READ_ACTIONS = ("s3:GetObjectRetention", "s3:GetObjectLegalHold")
OBJECT_LOCK_REPLICATION_NOTE = (
    "The 2023 user guide asked for AWS Support to enable replication on an Object Lock bucket; later pages do"
    " not. If PutBucketReplication refuses the audit bucket's configuration, open the support case it names."
)
# The role S3 assumes (permissions page, "Creating an IAM role"): trust s3.amazonaws.com; on the source
# bucket s3:GetReplicationConfiguration and s3:ListBucket (ListBucket is how S3 reads delete markers); on the
# source objects s3:GetObjectVersionForReplication, s3:GetObjectVersionAcl, s3:GetObjectVersionTagging
# (without the tagging action objects replicate without their tags); on the replica objects
# s3:ReplicateObject (which also covers tags and ACLs: "you do not need to explicitly grant
# s3:ReplicateTags") and s3:ReplicateDelete, which only delete-marker replication uses.
REPLICATION_TRUSTED_SERVICE = "s3.amazonaws.com"
REPLICATION_SOURCE_BUCKET_ACTIONS = ("s3:GetReplicationConfiguration", "s3:ListBucket")
REPLICATION_SOURCE_OBJECT_ACTIONS = ("s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging")
REPLICATION_REPLICA_OBJECT_ACTIONS = ("s3:ReplicateObject",)
REPLICATION_DELETE_MARKER_ACTIONS = ("s3:ReplicateDelete",)
# SSE-KMS objects (the KMS page): "By default, Amazon S3 doesn't replicate objects that are stored at rest by
# using server-side encryption with ... (SSE-KMS)": a rule opts in with SourceSelectionCriteria
# SseKmsEncryptedObjects Enabled and names the key of the DESTINATION region that encrypts the replicas
# (Destination EncryptionConfiguration ReplicaKmsKeyID: "The KMS key must have been created in the same AWS
# Region as the destination buckets"; PutBucketReplication does not check it: a bad key makes every object
# fail). The role needs kms:Decrypt on the source key and kms:Encrypt on the replica key, scoped with
# kms:ViaService and kms:EncryptionContext:aws:s3:arn; with S3 Bucket Keys the encryption context is the
# bucket ARN, not the object's (both are listed: objects written without a Bucket Key carry the object ARN).
KMS_DECRYPT_ACTIONS = ("kms:Decrypt",)
KMS_ENCRYPT_ACTIONS = ("kms:Encrypt",)
# The estate's buckets use the AWS managed key aws/s3 (components/storage.py). KMS DescribeKey (what
# aws.kms.get_key calls) on a predefined AWS alias "associates the alias with an AWS managed key and returns
# its KeyId and Arn", so the key exists in the DR region before the first replica is written.
AWS_MANAGED_S3_KEY_ALIAS = "alias/aws/s3"
DESCRIBE_KEY_SOURCE = "https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html"
REPLICA_KEY_NOTE = (
    "S3's Destination.EncryptionConfiguration and the provider call ReplicaKmsKeyID 'the customer managed"
    " AWS KMS key'; the AWS managed aws/s3 key of the DR region is used (same account: its key policy lets the"
    " account's principals use it through S3). UNSETTLED offline: if replication fails with a KMS error"
    " (OperationsFailedReplication, estate verify), give the standby buckets a customer managed key instead."
)
# Replication Time Control (RTC page and replication-add-config): "99.99 percent of new objects ... within 15
# minutes" under an SLA; "Only a value of <Minutes>15</Minutes> is accepted for EventThreshold and Time";
# the provider: "Replication Time Control must be used in conjunction with metrics". RTC turns metrics on;
# metrics can be on without RTC (replication-metrics.html), and the failure alarm needs them.
RTC_MINUTES = 15
METRICS_EVENT_THRESHOLD_MINUTES = 15
# Delete markers (delete-marker page): with a Filter (V2 configuration) they are NOT replicated unless the
# rule says so; "Delete marker replication is not supported for tag-based replication rules" (rules here
# filter on an empty prefix) and "does not adhere to the 15-minute SLA" of RTC. Deleting a specific version
# is never replicated, and neither are lifecycle actions ("What isn't replicated": "Actions performed by
# lifecycle configuration ... If you want the same lifecycle configuration applied to both ... enable the
# same lifecycle configuration on both"): the standby gets the source's lifecycle rules.
DELETE_MARKERS_WITH_TAG_FILTER = False
LIFECYCLE_REPLICATED = False
# "What isn't replicated": objects stored in S3 Glacier Flexible Retrieval or Glacier Deep Archive. Objects
# are replicated when written (in STANDARD), before the lifecycle moves them there; an object written
# straight into those classes never reaches the standby.
NOT_REPLICATED_STORAGE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")

# -- Replication metrics (namespace AWS/S3), published per replication rule once the rule's Metrics (or RTC)
# is Enabled ("S3 Replication metrics are turned on automatically when you enable S3 RTC. You can also enable
# S3 Replication metrics independently"), billed as custom metrics. Units and statistics from the metrics
# page; "When you set up alarms for your replication metrics, set the Missing data treatment field to Treat
# missing data as ignore (maintain the alarm state)". The metrics are reported in the source bucket's region.
METRICS_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html"
REPLICATION_METRICS_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics.html"
NAMESPACE = "AWS/S3"
REPLICATION_DIMENSIONS = ("SourceBucket", "DestinationBucket", "RuleId")
REPLICATION_MISSING_DATA = "ignore"
_DIMENSIONS_NOTE = (
    "The dimensions (SourceBucket, DestinationBucket, RuleId) are those of the current metrics-and-dimensions"
    " page; the 2023 copy of the guide lists the replication metrics without naming them. The region (the"
    " source bucket's) is how the S3 console and CloudWatch show them, not stated on the page."
)
OPERATIONS_FAILED_REPLICATION = Metric(
    NAMESPACE, "OperationsFailedReplication", "Count", REPLICATION_DIMENSIONS, 60, METRICS_SOURCE,
    published="when the replication rule has Metrics (or Replication Time Control) Enabled",
    description="operations of a replication rule that failed to replicate (objects, delete markers, tags, ACLs,"
    " Object Lock); valid statistics Sum, Average (failure rate), SampleCount",
    note=_DIMENSIONS_NOTE,
)
REPLICATION_LATENCY = Metric(
    NAMESPACE, "ReplicationLatency", "Seconds", REPLICATION_DIMENSIONS, 60, METRICS_SOURCE,
    published="when the replication rule has Metrics (or Replication Time Control) Enabled",
    description="the maximum number of seconds by which the destination is behind the source for a rule;"
    " valid statistic Maximum",
    note=_DIMENSIONS_NOTE + " The page says 'Valid statistics: Max' (CloudWatch's name: Maximum); published per minute.",
)
