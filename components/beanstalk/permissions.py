"""What an Elastic Beanstalk service's roles may do: the managed policies EB needs, and the instances'
least-privilege policy (only what this service uses, on exactly its resources).

``InstancePermissions`` is the service's slice of the estate that decides the policy; the program
builds it with ``instance_permissions`` so the component never reads the whole estate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from data.catalogue import beanstalk as eb
from data.catalogue import sqs
from data.model import Estate, Mail, Service

# The service role runs enhanced health and managed platform updates; the instances are web tier.
EB_SERVICE_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth",
    "arn:aws:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy",
)
# No managed policy for the instances (issue 10 #13): AWSElasticBeanstalkWebTier lets them read and write
# every ``elasticbeanstalk-*`` bucket, i.e. every application's bundles; the EB instance-profile page
# recommends a custom profile. ``instance_policy_document`` grants what the web tier needs on this
# service's own resources: the account's EB bucket of the region (environment resources read, logs
# written: data/catalogue/beanstalk.py, with what the pages leave open), its log groups, its health reporting.
EB_INSTANCE_POLICIES: tuple[str, ...] = ()
INSTANCE_PROFILE_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/iam-instanceprofile.html"


@dataclass(frozen=True)
class InstancePermissions:
    """What the instances of one service touch besides the alert topics and their own secrets."""

    region: str
    application: str = ""  # the EB application and environment names: health reporting and log groups
    environment: str = ""
    metric_namespaces: tuple[str, ...] = ()  # the CloudWatch namespaces it publishes to
    mail: Mail | None = None  # the estate's mail domain, when the service sends mail
    documents_bucket: str | None = None  # the documents bucket the service uses, if any
    worker_queue: str | None = None  # tier worker: the queue its SQS daemon reads


def worker_queue_names(service: Service) -> tuple[str, str]:
    """A worker's queue and its dead-letter queue (the environment's name: unique in the account's region)."""
    return f"{service.environment_name}-queue", f"{service.environment_name}-dead-letter"


def metric_namespaces(estate: Estate, service: Service) -> list[str]:
    """The CloudWatch namespaces this service publishes to (its PutMetricData is limited to them)."""
    namespaces = {alarm.namespace for alarm in service.metric_alarms}
    if "CLOUDWATCH_NAMESPACE" in service.env:
        namespaces.add(service.env["CLOUDWATCH_NAMESPACE"])
    for board in estate.dashboards:
        if service.name in board.services and board.business_metrics:
            namespaces.add(board.business_metrics.namespace)
    return sorted(namespaces)


def instance_permissions(estate: Estate, service: Service) -> InstancePermissions:
    documents = estate.documents_bucket_of(service)
    return InstancePermissions(
        region=estate.region,
        application=service.application_name,
        environment=service.environment_name,
        metric_namespaces=tuple(metric_namespaces(estate, service)),
        mail=estate.mail if service.uses_mail and estate.mail else None,
        documents_bucket=documents.name if documents is not None else None,
        worker_queue=worker_queue_names(service)[0] if service.tier == "worker" else None,
    )


def assume_role_policy(service_principal: str, external_id: str | None = None) -> str:
    statement: dict = {"Effect": "Allow", "Principal": {"Service": service_principal}, "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def instance_policy_document(
    permissions: InstancePermissions, account_id: str, topic_arns: list[str], secret_arns: list[str]
) -> str:
    """Least privilege for the instances: only what this service uses, on exactly its resources."""
    region = permissions.region
    bucket = f"arn:aws:s3:::{eb.storage_bucket(region, account_id)}"
    statements: list[dict] = [
        {   # The account's own EB bucket of the region, not every elasticbeanstalk-* bucket.
            "Sid": "ElasticBeanstalkBucket", "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": bucket,
        },
        {   # Environment resources (AWS's scoped-down example), not other applications' versions and bundles.
            "Sid": "ReadEnvironmentResources", "Effect": "Allow",
            "Action": "s3:GetObject", "Resource": f"{bucket}/{eb.ENVIRONMENT_RESOURCES_PREFIX}*",
        },
        {   # Tail, bundle and rotated logs: the instances' only writes to the bucket.
            "Sid": "UploadLogs", "Effect": "Allow",
            "Action": "s3:PutObject", "Resource": f"{bucket}/{eb.LOGS_PREFIX}*",
        },
        {   # AWS's own buckets of platform assets the instances read (WebTier's elasticbeanstalk-* covered them).
            "Sid": "ReadPlatformAssets", "Effect": "Allow",
            "Action": "s3:GetObject", "Resource": [f"arn:aws:s3:::{name}/*" for name in eb.platform_buckets(region)],
        },
        {   # Enhanced health authorisation (EnhancedHealthAuthEnabled): the agent reports for its environment.
            "Sid": "ReportEnhancedHealth", "Effect": "Allow", "Action": "elasticbeanstalk:PutInstanceStatistics",
            "Resource": [
                f"arn:aws:elasticbeanstalk:{region}:{account_id}:application/{permissions.application}",
                f"arn:aws:elasticbeanstalk:{region}:{account_id}:environment/{permissions.application}/{permissions.environment}",
            ],
        },
        {   # Log streaming (StreamLogs): the environment's own log groups.
            "Sid": "StreamOwnLogs", "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams",
                       "logs:PutLogEvents", "logs:PutRetentionPolicy"],
            "Resource": f"arn:aws:logs:{region}:{account_id}:log-group:/aws/elasticbeanstalk/{permissions.environment}/*",
        },
    ]
    if permissions.metric_namespaces:
        statements.append({
            "Sid": "PublishApplicationMetrics",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",  # PutMetricData has no resource type; the namespace condition scopes it
            "Condition": {"StringEquals": {"cloudwatch:namespace": list(permissions.metric_namespaces)}},
        })
    if topic_arns:
        statements.append({
            "Sid": "PublishAlerts", "Effect": "Allow", "Action": "sns:Publish", "Resource": sorted(topic_arns),
        })
    mail = permissions.mail
    if mail is not None:
        statements.append({
            "Sid": "SendMailFromTheDomain",
            "Effect": "Allow",
            "Action": ["ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail"],
            # SES authorises a send against the identity it uses: the sender address's own identity
            # when that address is verified (noreply@, affret@ are EmailIdentities), else the domain's.
            "Resource": [
                f"arn:aws:ses:{region}:{account_id}:configuration-set/{mail.configuration_set}",
                f"arn:aws:ses:{region}:{account_id}:identity/{mail.domain}",
                *(f"arn:aws:ses:{region}:{account_id}:identity/{sender}" for sender in sorted(mail.senders)),
            ],
            "Condition": {"StringLike": {"ses:FromAddress": sorted(mail.senders)}},
        })
    if permissions.documents_bucket:
        statements.append({
            "Sid": "ListDocuments", "Effect": "Allow", "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{permissions.documents_bucket}",
        })
        statements.append({
            "Sid": "ReadWriteDocuments", "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::{permissions.documents_bucket}/*",
        })
    if permissions.worker_queue:
        statements.append({  # the SQS daemon: read, hide, delete its queue's messages (AWSElasticBeanstalkWorkerTier's SQS part)
            "Sid": "ReadWorkerQueue", "Effect": "Allow",
            "Action": ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                       "sqs:ReceiveMessage"],
            "Resource": sqs.queue_arn(region, account_id, permissions.worker_queue),
        })
    manager = sorted(arn for arn in secret_arns if ":secretsmanager:" in arn)
    parameters = sorted(arn for arn in secret_arns if ":ssm:" in arn)
    if manager:
        statements.append({
            "Sid": "ReadOwnSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": manager,
        })
    if parameters:
        statements.append({
            "Sid": "ReadOwnParameters", "Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParameters"],
            "Resource": parameters,
        })
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
