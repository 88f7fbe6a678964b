"""The estate's buckets kept in the DR region (issue 11): standby buckets filled by S3 Cross-Region Replication.

For each bucket of ``disaster_recovery.buckets`` this component declares, in the DR region (its provider
comes from the program):

- the standby bucket, created exactly like its source by ``components.storage.declare_bucket`` (versioning,
  SSE-KMS with ``aws/s3`` and Bucket Keys, ownership, public access block, TLS-only policy, the same
  lifecycle rules, CORS and Object Lock with the same retention), protected and retained: lifecycle actions
  are not replicated, and a locked source needs a locked destination (data.catalogue.s3);
- its access logging into ``disaster_recovery.standby_logs``, a logs bucket of the DR region (S3 delivers
  access logs to a bucket of the same region only) with the settings of the logs bucket the sources log into;
- an IAM role S3 assumes for that bucket alone (``replication_role_policy``: read the source's versions,
  write the standby's replicas, delete markers only where they are replicated, Object Lock metadata only for
  a locked bucket, KMS decrypt in the source region and encrypt in the DR region scoped to these buckets);
- the replication configuration on the source (one rule, the whole bucket): delete markers as chosen, SSE-KMS
  objects opted in with the DR region's ``aws/s3`` key for the replicas, replication metrics always (the
  failure alarm reads them), Replication Time Control where chosen; applied after both buckets' versioning;
- the alarms of ``signals.py``: failed replication for every bucket, latency for those under RTC.

The DR stack later reads these buckets (``buckets[].standby``); it declares nothing on them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.common import child, estate_tags, type_token
from components.replication.signals import LATENCY, SIGNALS
from components.storage import KMS_MANAGED, DeclaredBucket, Storage, bucket_arn, declare_access_logging, declare_bucket, encryption_algorithm
from data.catalogue import s3
from data.model import Bucket, DisasterRecovery, Estate, ReplicatedBucket
from data.model.disaster_recovery import replicated_source, standby_logs_source

RULE_ID = "disaster-recovery"  # the one rule of each configuration (the metrics' RuleId dimension)
RULE_PRIORITY = 1


@dataclass(frozen=True)
class KmsKeys:
    """The ``aws/s3`` keys that encrypt a source's objects and, in the DR region, its replicas."""

    source_key_arn: str
    source_region: str
    replica_key_arn: str
    replica_region: str


def _bucket_and_objects(name: str) -> list[str]:
    # With S3 Bucket Keys the KMS encryption context is the bucket's ARN; without, the object's (data.catalogue.s3).
    return [bucket_arn(name), f"{bucket_arn(name)}/*"]


def replication_role_policy(source: str, standby: str, *, delete_markers: bool, object_lock: bool, kms: KmsKeys | None) -> str:
    """What S3 needs to replicate ``source`` into ``standby`` (data.catalogue.s3, REPLICATION_PERMISSIONS_SOURCE
    and REPLICATION_KMS_SOURCE), and nothing else."""
    statements: list[dict] = [
        {"Sid": "SourceBucket", "Effect": "Allow", "Action": list(s3.REPLICATION_SOURCE_BUCKET_ACTIONS),
         "Resource": bucket_arn(source)},
        {"Sid": "SourceObjects", "Effect": "Allow",
         "Action": list(s3.REPLICATION_SOURCE_OBJECT_ACTIONS) + (list(s3.OBJECT_LOCK_READ_ACTIONS) if object_lock else []),
         "Resource": f"{bucket_arn(source)}/*"},
        {"Sid": "ReplicaObjects", "Effect": "Allow",
         "Action": list(s3.REPLICATION_REPLICA_OBJECT_ACTIONS) + (list(s3.REPLICATION_DELETE_MARKER_ACTIONS) if delete_markers else []),
         "Resource": f"{bucket_arn(standby)}/*"},
    ]
    if kms is not None:
        statements += [
            {"Sid": "DecryptSourceObjects", "Effect": "Allow", "Action": list(s3.KMS_DECRYPT_ACTIONS),
             "Resource": kms.source_key_arn,
             "Condition": {"StringEquals": {"kms:ViaService": f"s3.{kms.source_region}.amazonaws.com"},
                           "StringLike": {"kms:EncryptionContext:aws:s3:arn": _bucket_and_objects(source)}}},
            {"Sid": "EncryptReplicas", "Effect": "Allow", "Action": list(s3.KMS_ENCRYPT_ACTIONS),
             "Resource": kms.replica_key_arn,
             "Condition": {"StringEquals": {"kms:ViaService": f"s3.{kms.replica_region}.amazonaws.com"},
                           "StringLike": {"kms:EncryptionContext:aws:s3:arn": _bucket_and_objects(standby)}}},
        ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def replication_trust_policy() -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": s3.REPLICATION_TRUSTED_SERVICE}, "Action": "sts:AssumeRole"}],
    }, sort_keys=True)


def standby_of(source: Bucket, replicated: ReplicatedBucket) -> Bucket:
    """The standby's settings: its source's, under its own name (lifecycle, CORS, lock and retention included)."""
    return source.model_copy(update={"name": replicated.standby, "versioning": True})


def standby_logs_of(logs: Bucket, name: str) -> Bucket:
    """The DR region's log target: the source logs bucket's settings, logging nowhere itself."""
    return logs.model_copy(update={"name": name, "access_logging": False})


def replication_rule(replicated: ReplicatedBucket, standby_arn: pulumi.Input[str], replica_key_arn: pulumi.Input[str] | None):
    """The configuration's one rule (data.catalogue.s3: delete markers, SSE-KMS opt-in, metrics, RTC)."""
    destination = aws.s3.BucketReplicationConfigRuleDestinationArgs(
        bucket=standby_arn,
        encryption_configuration=(
            aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(replica_kms_key_id=replica_key_arn)
            if replica_key_arn is not None else None
        ),
        metrics=aws.s3.BucketReplicationConfigRuleDestinationMetricsArgs(
            status="Enabled",
            event_threshold=(
                aws.s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(minutes=s3.METRICS_EVENT_THRESHOLD_MINUTES)
                if replicated.replication_time_control else None
            ),
        ),
        replication_time=(
            aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
                status="Enabled", time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(minutes=s3.RTC_MINUTES))
            if replicated.replication_time_control else None
        ),
    )
    return aws.s3.BucketReplicationConfigRuleArgs(
        id=RULE_ID,
        status="Enabled",
        priority=RULE_PRIORITY,
        filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),  # the whole bucket, never a tag filter
        delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
            status="Enabled" if replicated.delete_markers == "replicate" else "Disabled"),
        source_selection_criteria=(
            aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                    status="Enabled"))
            if replica_key_arn is not None else None
        ),
        destination=destination,
    )


def _resolved(reference: tuple[Bucket | None, str | None]) -> Bucket:
    bucket, problem = reference
    if bucket is None:
        raise ValueError(f"disaster_recovery: {problem}")  # the model refuses such an estate first
    return bucket


@dataclass
class BucketReplicationArgs:
    """The DR section, the estate's buckets (the sources, declared by ``storage``), the DR region's provider."""

    dr: DisasterRecovery
    buckets: list[Bucket]
    storage: Storage
    provider: aws.Provider
    primary_region: str
    alarms: AlarmFactory
    organisation: str
    environment: str
    tags: Callable[..., dict[str, str]]  # estate_tags of the estate, extra tags as keywords

    @classmethod
    def from_estate(cls, estate: Estate, *, storage: Storage, provider: aws.Provider, alarms: AlarmFactory) -> BucketReplicationArgs:
        if estate.disaster_recovery is None:
            raise ValueError("the estate declares no disaster_recovery")
        return cls(dr=estate.disaster_recovery, buckets=list(estate.buckets), storage=storage, provider=provider,
                   primary_region=estate.region, alarms=alarms, organisation=estate.organisation,
                   environment=estate.environment, tags=partial(estate_tags, estate))


class BucketReplication(pulumi.ComponentResource):
    """Standby buckets in the DR region and the replication that fills them."""

    def __init__(self, name: str, args: BucketReplicationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("replication", "BucketReplication"), name, None, opts)
        dr = args.dr
        in_dr = pulumi.ResourceOptions(provider=args.provider)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        # The model has checked every reference (data.model.disaster_recovery): each resolves to one bucket.
        sources = [_resolved(replicated_source(r, args.buckets)) for r in dr.buckets]
        standbys = [standby_of(source, r) for source, r in zip(sources, dr.buckets)]
        self.standbys: dict[str, DeclaredBucket] = {}  # by standby bucket name

        logs = None
        if dr.standby_logs is not None:
            logged = [b.name for b in standbys if b.access_logging]
            target = standby_logs_of(_resolved(standby_logs_source(dr, args.buckets)), dr.standby_logs)
            logs = declare_bucket(self, target, account_id=account_id, logged=logged,
                                  tags=args.tags(purpose="logs", standby="true"), opts=in_dr)
            self.standbys[target.name] = logs

        keys = self._aws_s3_keys(args) if any(encryption_algorithm(b) == KMS_MANAGED for b in standbys) else None
        for replicated, source, standby in zip(dr.buckets, sources, standbys):
            declared = declare_bucket(self, standby, account_id=account_id, logged=[],
                                      tags=args.tags(purpose=standby.purpose, standby="true"), opts=in_dr)
            self.standbys[standby.name] = declared
            if standby.access_logging and logs is not None:
                declare_access_logging(self, standby.name, declared.bucket, logs.bucket, opts=in_dr)
            self._replicate(args, source, replicated, declared,
                            keys if encryption_algorithm(standby) == KMS_MANAGED else None)
        self.register_outputs({name: d.bucket.arn for name, d in sorted(self.standbys.items())})

    def _aws_s3_keys(self, args: BucketReplicationArgs) -> pulumi.Output[tuple[str, str]]:
        """The ARNs of the ``aws/s3`` key in the primary and the DR region (DescribeKey on the alias)."""
        source = aws.kms.get_key_output(key_id=s3.AWS_MANAGED_S3_KEY_ALIAS, opts=pulumi.InvokeOutputOptions(parent=self))
        replica = aws.kms.get_key_output(
            key_id=s3.AWS_MANAGED_S3_KEY_ALIAS, opts=pulumi.InvokeOutputOptions(parent=self, provider=args.provider))
        return pulumi.Output.all(source.arn, replica.arn)

    def _replicate(self, args: BucketReplicationArgs, source: Bucket, replicated: ReplicatedBucket, standby: DeclaredBucket,
                   keys: pulumi.Output | None) -> None:
        role_name = replicated.role_name(args.organisation, args.environment)
        role = aws.iam.Role(
            role_name,
            name=role_name,
            description=f"Assumed by S3 to replicate {source.name} to {replicated.standby} ({args.dr.region})",
            assume_role_policy=replication_trust_policy(),
            tags=args.tags(purpose=f"{source.purpose}-replication"),
            opts=child(self),
        )
        kms = (
            keys.apply(lambda arns: KmsKeys(arns[0], args.primary_region, arns[1], args.dr.region))
            if keys is not None else None
        )
        policy = (kms if kms is not None else pulumi.Output.from_input(None)).apply(
            lambda k: replication_role_policy(
                source.name, replicated.standby, delete_markers=replicated.delete_markers == "replicate",
                object_lock=bool(source.object_lock_years), kms=k))
        role_policy = aws.iam.RolePolicy(f"{role_name}-s3", role=role.id, policy=policy, opts=child(self))
        primary = args.storage.declared(source.name)
        aws.s3.BucketReplicationConfig(
            f"{source.name}-replication",
            bucket=primary.bucket.id,
            role=role.arn,
            rules=[replication_rule(replicated, standby.bucket.arn, kms.apply(lambda k: k.replica_key_arn) if kms is not None else None)],
            # S3 refuses a configuration before versioning is on at both ends (data.catalogue.s3).
            opts=child(self, depends_on=[primary.versioning, standby.versioning, role_policy]),
        )
        dimensions = {"SourceBucket": source.name, "DestinationBucket": replicated.standby, "RuleId": RULE_ID}
        for signal in SIGNALS:
            if signal.name == LATENCY and not replicated.replication_time_control:
                continue
            args.alarms.signal_alarms(self, source.name, signal, signal.fixed, dimensions=dimensions)
