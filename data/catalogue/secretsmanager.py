"""Secrets Manager facts the disaster-recovery declaration relies on: secret replicas in another region.

Sources:
- Replicate secrets across Regions: https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html
  "Secrets Manager replicates the encrypted secret data and metadata such as tags and resource policies across
  the specified Regions"; "The ARN for a replicated secret is the same as the primary secret except for the
  Region" (same name, same random suffix): a stack in the replica's region reads it by the primary's name.
  A value put on the primary (``PutSecretValue``, rotation) propagates to every replica.
- Promote a replica: https://docs.aws.amazon.com/secretsmanager/latest/userguide/standalone-secret.html
  "A replica secret can't be updated independently from its primary secret, except for its encryption key";
  promoting it (``StopReplicationToReplica``, called in the replica's region) is the DR step when the
  primary's region is gone and a value must change; reading a replica needs no promotion.
- The replica's key (pulumi-aws ``SecretReplica.kms_key_id``, registry page of aws.secretsmanager.Secret):
  "If one is not specified, then Secrets Manager defaults to using the AWS account's default KMS key
  (aws/secretsmanager) in the region or creates one for use if non-existent".
- A primary with replicas cannot be deleted ("You can't delete secret ... that still has replica regions": remove
  the replicas first, ``RemoveRegionsFromReplication``); the program's secrets are protected and retained anyway.
- Replication status (``DescribeSecret`` ``ReplicationStatus[]``: Region, KmsKeyId, Status InProgress |
  Failed | InSync, StatusMessage): https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html

Replication is a property of the secret: the program declares it on the secrets it creates (generated,
``config:`` values, the MONGODB_URI and AUTH token it stores). Secrets operators create
(``secrets_manager:`` references) are not the program's resources: operators replicate them
(``aws secretsmanager replicate-secret-to-regions --secret-id <name> --add-replica-regions Region=<dr region>``),
and ``estate verify`` reports each one's replica status in the DR region.
"""

from __future__ import annotations

REPLICATE_SOURCE = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html"
PROMOTE_SOURCE = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/standalone-secret.html"
DESCRIBE_SECRET_SOURCE = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html"
REGISTRY_SECRET = "https://www.pulumi.com/registry/packages/aws/api-docs/secretsmanager/secret/"

REPLICA_DEFAULT_KEY_ALIAS = "alias/aws/secretsmanager"  # per region, when a replica names no key
REPLICATION_STATUSES = ("InProgress", "Failed", "InSync")
REPLICATION_IN_SYNC = "InSync"
OPERATOR_REPLICATION_COMMAND = (
    "aws secretsmanager replicate-secret-to-regions --region {primary} --secret-id {name}"
    " --add-replica-regions Region={replica}"
)
