"""Recovery facts: how far behind a copy in the DR region can be (RPO), and how long creating each resource
type takes (RTO), each figure with the page that states it or a note saying it is an estimate.

Read by ``tools.recovery`` (``estate recovery`` and the generated RPO/RTO tables of
docs/disaster-recovery.md). Plain data, no Pulumi import.
"""

from __future__ import annotations

from dataclasses import dataclass

# -- S3 replication (RPO of the documents, backups and audit objects) ------------------------------------
# "S3 RTC replicates most objects that you upload to Amazon S3 in seconds, and 99.99 percent of those
# objects within 15 minutes." The 15 minutes is the only value ReplicationTime.Time.Minutes accepts.
S3_RTC_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html"
S3_RTC_VALUE_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationTimeValue.html"
S3_RTC_MINUTES = 15
S3_RTC_PERCENT = 99.99
# Without RTC there is no commitment: "CRR is an asynchronous process ... Most object replication is within
# 15 minutes, but sometimes replication can take up to 48 hours" (AWS re:Post knowledge center).
S3_CRR_SOURCE = "https://repost.aws/knowledge-center/s3-crr-replication-time"
S3_CRR_TYPICAL_MINUTES = 15
S3_CRR_WORST_HOURS = 48
S3_CRR_NOTE = (
    "A knowledge-center article, not the user guide: the user guide says only that large objects can take"
    " several hours (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-and-other-bucket-configs.html)."
    " Neither is a commitment; only RTC carries one."
)
# Live replication copies objects written after the rule exists; older objects need a Batch Replication job.
S3_EXISTING_OBJECTS_SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html"

# -- Secrets Manager replicas ---------------------------------------------------------------------------
# "Secrets Manager replicates the encrypted secret data and metadata such as tags and resource policies
# across the specified Regions"; a value rotated in the primary Region "propagates to all of the
# associated replica secrets". The page states no delay and no commitment for that propagation.
SECRETS_REPLICA_SOURCE = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html"
SECRETS_REPLICA_NOTE = (
    "The multi-Region page states that new values propagate to the replicas but gives no delay; the"
    " cross-account page (a different mechanism) calls its replication asynchronous and eventually consistent."
    " Treat a replica as possibly one change behind; DescribeSecret's ReplicationStatus says InSync."
)
# DescribeSecret's ReplicationStatus[].Status: InSync | Failed | InProgress.
SECRETS_STATUS_SOURCE = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ReplicationStatusType.html"

# -- MongoDB Atlas cloud backup -----------------------------------------------------------------------
# "You can configure Atlas to automatically create copies of your snapshots and oplogs and store them in
# other regions ... you can still restore your cluster if the primary region goes down"; "You can use
# copied oplogs to perform continuous cloud backup from secondary regions".
ATLAS_COPY_SOURCE = "https://www.mongodb.com/docs/atlas/backup/cloud-backup/snapshot-distribution/"
# copy_settings: frequencies ("HOURLY" "DAILY" "WEEKLY" "MONTHLY" "YEARLY" "ON_DEMAND") and
# should_copy_oplogs ("You can use the oplogs to perform point-in-time restores").
ATLAS_COPY_SETTINGS_SOURCE = "https://registry.terraform.io/providers/mongodb/mongodbatlas/latest/docs/resources/cloud_backup_schedule"
# pit_enabled: "Flag that indicates if the cluster uses Continuous Cloud Backup".
ATLAS_PIT_SOURCE = "https://registry.terraform.io/providers/mongodb/mongodbatlas/latest/docs/resources/advanced_cluster"
ATLAS_SCHEDULING_SOURCE = "https://www.mongodb.com/docs/atlas/backup/cloud-backup/scheduling/"
# Hours between two snapshots of each policy frequency (hourly items carry their own interval in hours).
ATLAS_FREQUENCY_HOURS = {"DAILY": 24, "WEEKLY": 24 * 7, "MONTHLY": 24 * 31, "YEARLY": 24 * 366}
ATLAS_COPY_NOTE = "Atlas documents no delay between taking a snapshot (or writing an oplog entry) and its copy landing in the other region."
ATLAS_REGIONS_SOURCE = "https://www.mongodb.com/docs/atlas/reference/amazon-aws/"


def atlas_region(aws_region: str) -> str:
    """The Atlas name of an AWS region: eu-west-1 -> EU_WEST_1 (the Atlas region table lists both)."""
    return aws_region.upper().replace("-", "_")


# -- Creation times (RTO of the DR stack's `pulumi up`) ---------------------------------------------------


@dataclass(frozen=True)
class CreationTime:
    """How long creating one resource of ``token`` takes: ``documented`` figures quote ``source``;
    estimates say in ``note`` where the figure comes from and what the page does (not) say."""

    token: str
    minutes: float
    documented: bool
    source: str
    note: str

    @property
    def basis(self) -> str:
        return "documented" if self.documented else "estimate"


# Types without a figure: API calls that return once the resource exists (IAM, SNS, CloudWatch, S3
# configuration, Secrets Manager...). Half a minute each is an estimate that covers IAM's propagation.
DEFAULT_CREATION = CreationTime(
    "(any other type)", 0.5, False, "",
    "No figure in the catalogue: a control-plane call that returns once the resource exists; half a minute"
    " is an estimate, IAM eventual consistency included (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).",
)

CREATION_TIMES: dict[str, CreationTime] = {entry.token: entry for entry in (
    CreationTime(
        "aws:elasticbeanstalk/environment:Environment", 5, True,
        "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/create-deploy-python-flask.html",
        "\"Environment creation takes about 5 minutes\" (load-balanced environment, EB CLI tutorial; the getting"
        " started page says \"about five minutes\"). Figures for the sample application: our bundles deploy after (step 6).",
    ),
    CreationTime(
        "aws:elasticache/replicationGroup:ReplicationGroup", 15, False,
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/FaultTolerance.html",
        "The page says only that creating and provisioning a cluster \"can take several minutes\": 15 minutes is an"
        " estimate for a two-node Multi-AZ group with encryption; measure it during the quarterly rehearsal.",
    ),
    CreationTime(
        "mongodbatlas:index/advancedCluster:AdvancedCluster", 15, False,
        "https://www.mongodb.com/docs/atlas/tutorial/create-new-cluster/",
        "The Atlas pages read give no provisioning time for a dedicated cluster: 15 minutes is an estimate for an"
        " M10 three-node replica set; measure it during the quarterly rehearsal.",
    ),
    CreationTime(
        "aws:cloudfront/distribution:Distribution", 20, False,
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowToUpdateDistribution.html",
        "Changes take effect once the distribution \"has propagated to the AWS edge locations\" (status Deployed);"
        " no duration is documented. 20 minutes is an estimate; the SDK's DistributionDeployed waiter gives up after"
        " 35 polls of 60 s (https://boto3.amazonaws.com/v1/documentation/api/latest/reference/services/cloudfront/waiter/DistributionDeployed.html).",
    ),
    CreationTime(
        "aws:acm/certificateValidation:CertificateValidation", 30, False,
        "https://repost.aws/knowledge-center/acm-certificate-pending-validation",
        "DNS validation waits for the CNAME to propagate and ACM to see it, \"up to several hours\" per the"
        " knowledge center; 30 minutes is an estimate with the record already in Route 53.",
    ),
    CreationTime(
        "aws:lambda/function:Function", 2, False,
        "https://docs.aws.amazon.com/botocore/latest/reference/services/lambda/client/exceptions/ENINotReadyException.html",
        "A function attached to a VPC cannot run until \"the elastic network interface (ENI) configured for its VPC"
        " connection\" is ready; no duration is documented: 2 minutes is an estimate.",
    ),
    CreationTime(
        "aws:lambda/invocation:Invocation", 1, False, "",
        "The index job (components/atlas/index_job.py): one invocation creating a collection's indexes on an empty"
        " cluster; 1 minute is an estimate.",
    ),
)}


def creation_time(token: str) -> CreationTime:
    return CREATION_TIMES.get(token, DEFAULT_CREATION)


# -- Steps of the procedure outside the resource graph (docs/disaster-recovery.md, situation B) -----------


@dataclass(frozen=True)
class ProcedureStep:
    """A step after `pulumi up` that the graph does not contain; ``minutes`` is None when not estimable offline."""

    step: str
    minutes: float | None
    source: str
    note: str


PROCEDURE_STEPS: tuple[ProcedureStep, ...] = (
    ProcedureStep(
        "5. restore the database from the snapshot copied to the DR region", None, ATLAS_COPY_SOURCE,
        "Depends on the data size; Atlas documents no duration. Time it during the quarterly rehearsal.",
    ),
    ProcedureStep(
        "6. deploy the application bundles (all environments at once)", 5,
        "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/deploy_NET_standalone_tool.html",
        "\"It takes a few minutes to deploy your application\": 5 minutes is an estimate.",
    ),
    ProcedureStep(
        "7. switch the CloudFront origin", 20, "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowToUpdateDistribution.html",
        "The update takes effect once propagated to the edge locations; no duration documented, 20 minutes is an estimate.",
    ),
    ProcedureStep(
        "7. point the directly-reached domains at the DR environments", None, "",
        "Bounded by the DNS records' TTL, which this program does not declare.",
    ),
)
