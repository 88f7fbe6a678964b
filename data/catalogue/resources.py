"""Resource types: per Pulumi type token, what the estate knows about it.

For each token the program declares (or a rule guards against):

- ``loses``: what deleting or replacing it loses (``estate diff`` names it in its danger line, and a
  renamed one "starts empty"); empty when the diff does not treat it as holding state;
- ``protect``: why the program protects it (``components.common.stateful``: protect + retain on
  delete); the rule ``estate-stateful-protected`` requires ``protect`` on every such type;
- ``replace_on``: the input properties (engine camelCase) whose change makes the provider replace
  the resource (delete + create): the schema's "forces new resource" / "Changing this forces a new
  resource to be created", on the type's page of the Pulumi registry (``registry_page``);
- ``outputs``: the computed outputs the offline engine fakes for it (``infra/engine/fakes.py``
  returns exactly these, with deterministic values; other resources consume them).

Plain data, no Pulumi import: the engine, ``estate diff`` and the policy pack read the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

REGISTRY = "https://www.pulumi.com/registry/packages"


@dataclass(frozen=True)
class ResourceType:
    token: str
    loses: str = ""
    protect: str = ""
    replace_on: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    note: str = ""

    @property
    def registry_page(self) -> str:
        """The type's page of the Pulumi registry (its inputs, and which of them force a replacement)."""
        package, module_type = self.token.split(":", 1)
        module, _, name = module_type.rpartition(":")
        path = module.split("/")[-1].lower()
        folder = module.split("/")[0]
        return f"{REGISTRY}/{package}/api-docs/{path}/" if folder == "index" else f"{REGISTRY}/{package}/api-docs/{folder}/{path}/"

    @property
    def stateful(self) -> bool:
        return bool(self.loses or self.protect)


_BUCKET_LOSES = "bucket: its objects and versions do not follow"
_BUCKET_PROTECT = "holds the estate's documents, logs, backups and audit trail"
_CLUSTER_LOSES = "database cluster: its data and connection string are lost"
_ATLAS_CLUSTER_OUTPUTS = ("id", "clusterId", "stateName", "mongoDbVersion", "connectionStrings", "srvAddress", "mongoUriWithOptions")
_IAM_OUTPUTS = ("id", "arn", "uniqueId")
_ID_ARN = ("id", "arn")

TYPES: tuple[ResourceType, ...] = (
    # -- S3 --------------------------------------------------------------------------------------
    ResourceType("aws:s3/bucket:Bucket", _BUCKET_LOSES, _BUCKET_PROTECT,
                 ("bucket", "bucketPrefix", "objectLockEnabled", "forceDestroy"),
                 ("id", "bucket", "arn", "bucketDomainName", "bucketRegionalDomainName", "hostedZoneId", "region")),
    ResourceType("aws:s3/bucketV2:BucketV2", _BUCKET_LOSES, _BUCKET_PROTECT,
                 ("bucket", "bucketPrefix", "objectLockEnabled"),
                 ("id", "bucket", "arn", "bucketDomainName", "bucketRegionalDomainName", "hostedZoneId", "region")),
    ResourceType("aws:s3/bucketReplicationConfig:BucketReplicationConfig",
                 "replication: new objects stop reaching the DR standby bucket (its copies stay)", "",
                 ("bucket",), ("id",),
                 note="not protected: removing it deletes no data, but the DR copy falls behind from then on; the diff"
                 " lists it among the dangerous changes (issue 11)"),
    # -- ElastiCache -----------------------------------------------------------------------------
    ResourceType("aws:elasticache/replicationGroup:ReplicationGroup", "cache: its data and endpoint are lost",
                 "the services' sessions and cached data; its endpoint is wired into every service",
                 ("replicationGroupId", "engine", "atRestEncryptionEnabled", "kmsKeyId", "port", "subnetGroupName",
                  "snapshotArns", "snapshotName", "preferredCacheClusterAzs"),
                 ("id", "arn", "primaryEndpointAddress", "readerEndpointAddress", "memberClusters", "engineVersionActual")),
    ResourceType("aws:elasticache/cluster:Cluster", "", "a cache node holds data (not declared today; guarded by the rule)",
                 note="not in the diff's list: its deletion shows as 'protected' there"),
    ResourceType("aws:elasticache/subnetGroup:SubnetGroup", replace_on=("name",), outputs=_ID_ARN),
    ResourceType("aws:elasticache/parameterGroup:ParameterGroup", replace_on=("name", "family"), outputs=_ID_ARN),
    # -- Elastic Beanstalk -----------------------------------------------------------------------
    ResourceType("aws:elasticbeanstalk/application:Application", replace_on=("name",), outputs=_ID_ARN),
    ResourceType("aws:elasticbeanstalk/applicationVersion:ApplicationVersion", outputs=_ID_ARN),
    ResourceType("aws:elasticbeanstalk/environment:Environment",
                 "environment: its CNAME changes (CloudFront origins, DNS)", "",
                 ("name", "application", "tier", "cnamePrefix"),
                 ("id", "arn", "cname", "endpointUrl", "autoscalingGroups", "instances", "loadBalancers",
                  "launchConfigurations", "queues", "triggers", "allSettings"),
                 note="not protected: a replacement is rebuilt from the application version (docs/disaster-recovery.md)"),
    # -- SES ---------------------------------------------------------------------------------------
    ResourceType("aws:ses/domainIdentity:DomainIdentity", "SES identity: verification and DKIM records start over", "",
                 ("domain",), ("id", "arn", "verificationToken"),
                 note="not protected: a new identity is verified again from DNS"),
    ResourceType("aws:ses/emailIdentity:EmailIdentity", "SES identity: verification starts over", "",
                 ("email",), _ID_ARN, note="not protected: a new identity is verified again"),
    ResourceType("aws:ses/domainDkim:DomainDkim", replace_on=("domain",), outputs=("id", "dkimTokens")),
    ResourceType("aws:ses/configurationSet:ConfigurationSet", replace_on=("name",), outputs=_ID_ARN),
    ResourceType("aws:ses/template:Template", replace_on=("name",), outputs=_ID_ARN),
    ResourceType("aws:sesv2/emailIdentity:EmailIdentity",
                 outputs=("id", "arn", "identityType", "verifiedForSendingStatus", "dkimSigningAttributes")),
    ResourceType("aws:sesv2/configurationSet:ConfigurationSet", outputs=_ID_ARN),
    # -- SNS, CloudWatch ---------------------------------------------------------------------------
    # -- SQS (a worker environment's queues, issue 12 #3) -----------------------------------------------
    ResourceType("aws:sqs/queue:Queue", "queue: the messages waiting in it (tasks not done yet) are lost",
                 "a worker's pending and failed tasks", ("name", "namePrefix", "fifoQueue"), ("id", "arn", "url", "name")),
    ResourceType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                 replace_on=("securityGroupId", "ipProtocol", "fromPort", "toPort", "referencedSecurityGroupId", "cidrIpv4"),
                 outputs=("id", "arn", "securityGroupRuleId")),
    ResourceType("aws:sns/topic:Topic", replace_on=("name", "namePrefix", "fifoTopic"), outputs=("id", "arn", "name"),
                 note="a topic with subscribers is dangerous to replace (they confirm again): the diff decides from its subscriptions"),
    ResourceType("aws:sns/topicSubscription:TopicSubscription", replace_on=("topic", "protocol", "endpoint"),
                 outputs=("id", "arn", "pendingConfirmation"),
                 note="an email subscription is dangerous to replace (the subscriber confirms again): the diff decides from its protocol"),
    ResourceType("aws:cloudwatch/metricAlarm:MetricAlarm", replace_on=("name",), outputs=_ID_ARN),
    ResourceType("aws:cloudwatch/compositeAlarm:CompositeAlarm", outputs=_ID_ARN),
    # A mute rule holds no data; "Changing this [name] forces a new resource" (registry page).
    ResourceType("aws:cloudwatch/alarmMuteRule:AlarmMuteRule", replace_on=("name",)),  # outputs: the engine's generic id and arn
    ResourceType("aws:cloudwatch/dashboard:Dashboard", replace_on=("dashboardName",), outputs=("id", "dashboardArn")),
    ResourceType("aws:cloudwatch/logGroup:LogGroup", replace_on=("name", "namePrefix"), outputs=_ID_ARN),
    ResourceType("aws:cloudwatch/logMetricFilter:LogMetricFilter", outputs=("id",)),
    ResourceType("aws:cloudwatch/eventRule:EventRule", outputs=_ID_ARN),
    # -- Secrets -----------------------------------------------------------------------------------
    ResourceType("aws:secretsmanager/secret:Secret", "secret: values put out of band are lost",
                 "holds values put out of band (API keys, connection strings)", ("name", "namePrefix"), _ID_ARN),
    ResourceType("aws:secretsmanager/secretVersion:SecretVersion", outputs=("id", "versionId", "arn")),
    ResourceType("aws:ssm/parameter:Parameter", outputs=("id", "arn", "version")),
    ResourceType("random:index/randomPassword:RandomPassword", "",
                 "a replaced password breaks every running service until it is redeployed with the new one",
                 outputs=("id", "result", "bcryptHash"),
                 note="not in the diff's list: its deletion shows as 'protected' there"),
    ResourceType("random:index/randomString:RandomString", outputs=("id", "result")),
    ResourceType("random:index/randomId:RandomId", outputs=("id", "hex", "b64Url", "b64Std", "dec")),
    ResourceType("random:index/randomUuid:RandomUuid", outputs=("id", "result")),
    # -- IAM, EC2, KMS -----------------------------------------------------------------------------
    ResourceType("aws:iam/role:Role", replace_on=("name", "namePrefix", "path"), outputs=_IAM_OUTPUTS),
    ResourceType("aws:iam/instanceProfile:InstanceProfile", replace_on=("name", "namePrefix", "path"), outputs=_IAM_OUTPUTS),
    ResourceType("aws:iam/rolePolicy:RolePolicy", replace_on=("name", "role")),
    ResourceType("aws:iam/policy:Policy", outputs=("id", "arn", "policyId")),
    ResourceType("aws:iam/user:User", outputs=_IAM_OUTPUTS),
    ResourceType("aws:ec2/securityGroup:SecurityGroup", replace_on=("name", "namePrefix", "description", "vpcId"),
                 outputs=("id", "arn", "ownerId")),
    ResourceType("aws:kms/key:Key", outputs=("id", "keyId", "arn")),
    ResourceType("aws:kms/alias:Alias", outputs=("id", "arn", "targetKeyArn")),
    # -- Route 53, budgets, backup, Lambda -----------------------------------------------------------
    ResourceType("aws:route53/healthCheck:HealthCheck", replace_on=("type", "referenceName", "routingControlArn"), outputs=_ID_ARN),
    ResourceType("aws:budgets/budget:Budget", replace_on=("name", "namePrefix", "accountId"), outputs=_ID_ARN),
    ResourceType("aws:backup/vault:Vault", outputs=_ID_ARN),
    ResourceType("aws:backup/plan:Plan", outputs=("id", "arn", "version")),
    ResourceType("aws:lambda/function:Function", outputs=("id", "arn", "invokeArn")),
    # -- MongoDB Atlas -----------------------------------------------------------------------------
    ResourceType("mongodbatlas:index/project:Project", "Atlas project: clusters, users and backups live in it",
                 "clusters, database users and backups live in it", ("orgId",), ("id", "clusterCount", "created")),
    ResourceType("mongodbatlas:index/cluster:Cluster", _CLUSTER_LOSES, "the estate's database",
                 ("name", "projectId"), _ATLAS_CLUSTER_OUTPUTS),
    ResourceType("mongodbatlas:index/advancedCluster:AdvancedCluster", _CLUSTER_LOSES, "the estate's database",
                 ("name", "projectId", "clusterType"), _ATLAS_CLUSTER_OUTPUTS + ("replicationSpecs",),
                 note="the v2 schema (provider 2.x+) has one connectionStrings object, not a list"),
    ResourceType("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule", "",
                 "the backup policy: removing it loses the snapshots' retention", ("projectId", "clusterName"),
                 note="not in the diff's list: its deletion shows as 'protected' there"),
    ResourceType("mongodbatlas:index/cloudBackupSnapshotExportBucket:CloudBackupSnapshotExportBucket", "",
                 "the snapshots' export target: removing it loses their retention", outputs=("id", "exportBucketId"),
                 note="not in the diff's list: its deletion shows as 'protected' there"),
    ResourceType("mongodbatlas:index/cloudProviderAccessSetup:CloudProviderAccessSetup", outputs=("id", "roleId", "awsConfigs")),
    ResourceType("mongodbatlas:index/cloudProviderAccessAuthorization:CloudProviderAccessAuthorization", outputs=("id", "roleId")),
    ResourceType("mongodbatlas:index/databaseUser:DatabaseUser", replace_on=("username", "projectId", "authDatabaseName"),
                 outputs=("id",)),
    ResourceType("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList", outputs=("id",)),
)

RESOURCE_TYPES: dict[str, ResourceType] = {entry.token: entry for entry in TYPES}

# What the readers ask, answered from the one table.
PROTECTED_TYPES: tuple[str, ...] = tuple(entry.token for entry in TYPES if entry.protect)
LOSES: dict[str, str] = {entry.token: entry.loses for entry in TYPES if entry.loses}
REPLACE_ON_CHANGE: dict[str, tuple[str, ...]] = {entry.token: entry.replace_on for entry in TYPES if entry.replace_on}

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
