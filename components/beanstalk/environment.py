"""Elastic Beanstalk services: the network they share, and one application + environment per service.

Every option the environment gets is listed in ``environment_settings`` (one table, cloudposse
style) and emitted sorted by (namespace, name), so a render is byte-for-byte reproducible. The
retired Amazon Linux AMI options of runbook 001 (``aws:elasticbeanstalk:container:nodejs``
``NodeVersion``/``NodeCommand``) are never emitted: on AL2023 the platform branch picks Node.js and
``Procfile``/``npm start`` starts the app (docs/seed-decisions.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import child, estate_tags, type_token
from data.model import Estate, Service

HTTPS_PORT = 443
# TLS 1.3 with 1.2 fallback: the current recommended ALB policy.
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# Metrics enhanced health publishes to CloudWatch every 60 s (EnvironmentHealth is always published).
# The alarms use ApplicationRequests5xx/Total, ApplicationLatencyP95 and RootFilesystemUtil; the
# dashboards also chart the other status classes and the instance counts.
ENVIRONMENT_METRICS = (
    "ApplicationLatencyP50",
    "ApplicationLatencyP95",
    "ApplicationLatencyP99",
    "ApplicationRequests2xx",
    "ApplicationRequests3xx",
    "ApplicationRequests4xx",
    "ApplicationRequests5xx",
    "ApplicationRequestsTotal",
    "InstancesDegraded",
    "InstancesInfo",
    "InstancesNoData",
    "InstancesOk",
    "InstancesPending",
    "InstancesSevere",
    "InstancesUnknown",
    "InstancesWarning",
)
INSTANCE_METRICS = ("LoadAverage1min", "RootFilesystemUtil")
METRICS_PERIOD_SECONDS = 60
APP_VERSIONS_KEPT = 30  # enough to roll back (runbook 001 "eb deploy --version v2.1.0")
EB_SERVICE_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth",
    "arn:aws:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy",
)
EB_INSTANCE_POLICIES = ("arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier",)
# On AL2023 the nginx proxy listens on 80 on each instance and forwards to the app's PORT; the
# load balancer's default process targets instance port 80.
INSTANCE_PROXY_PORT = 80


class ServicesNetwork(pulumi.ComponentResource):
    """Security groups of the services: the load balancers' and the instances'.

    The load balancer admits HTTPS from the internet (its port-80 listener is disabled); the instances
    admit the proxy port from the load balancers only. Egress is open: the services call Atlas,
    SES, Dashdoc and other APIs through the NAT. Data stores (Redis) admit their port from
    ``instances`` by security group id, never by CIDR.
    """

    def __init__(self, name: str, estate: Estate, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("beanstalk", "ServicesNetwork"), name, None, opts)
        network = estate.network
        everywhere_out = [
            aws.ec2.SecurityGroupEgressArgs(
                protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"], description="All outbound"
            )
        ]
        self.load_balancer = aws.ec2.SecurityGroup(
            f"{name}-alb",
            name=f"{name}-alb",
            description=f"Load balancers of the {estate.organisation} {estate.environment} services",
            vpc_id=network.vpc_id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=HTTPS_PORT, to_port=HTTPS_PORT, cidr_blocks=["0.0.0.0/0"],
                    description="HTTPS from the internet",
                ),
            ],
            egress=everywhere_out,
            tags=estate_tags(estate, Name=f"{name}-alb"),
            opts=child(self),
        )
        self.instances = aws.ec2.SecurityGroup(
            f"{name}-instances",
            name=f"{name}-instances",
            description=f"Instances of the {estate.organisation} {estate.environment} services",
            vpc_id=network.vpc_id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=INSTANCE_PROXY_PORT, to_port=INSTANCE_PROXY_PORT,
                    security_groups=[self.load_balancer.id], description="From the services' load balancers",
                )
            ],
            egress=everywhere_out,
            tags=estate_tags(estate, Name=f"{name}-instances"),
            opts=child(self),
        )
        self.register_outputs({"load_balancer": self.load_balancer.id, "instances": self.instances.id})


def health_config_document() -> str:
    """The enhanced-health ConfigDocument: which metrics EB publishes to CloudWatch (deterministic JSON)."""
    document = {
        "CloudWatchMetrics": {
            "Environment": {metric: METRICS_PERIOD_SECONDS for metric in ENVIRONMENT_METRICS},
            "Instance": {metric: METRICS_PERIOD_SECONDS for metric in INSTANCE_METRICS},
        },
        "Version": 1,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _assume_role_policy(service_principal: str, external_id: str | None = None) -> str:
    statement: dict = {"Effect": "Allow", "Principal": {"Service": service_principal}, "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


@dataclass(frozen=True)
class ServiceWiring:
    """What a service receives from the rest of the estate (all optional, resolved by the program)."""

    network: ServicesNetwork
    alert_topic_arns: list[pulumi.Output[str]]
    secret_arns: Mapping[str, pulumi.Input[str]]  # env var name -> Secrets Manager / SSM ARN
    redis_url: pulumi.Input[str] | None = None
    account_id: pulumi.Input[str] | None = None


def metric_namespaces(estate: Estate, service: Service) -> list[str]:
    """The CloudWatch namespaces this service publishes to (its PutMetricData is limited to them)."""
    namespaces = {alarm.namespace for alarm in service.metric_alarms}
    if "CLOUDWATCH_NAMESPACE" in service.env:
        namespaces.add(service.env["CLOUDWATCH_NAMESPACE"])
    for board in estate.dashboards:
        if service.name in board.services and board.business_metrics:
            namespaces.add(board.business_metrics.namespace)
    return sorted(namespaces)


def instance_policy_document(
    estate: Estate, service: Service, account_id: str, topic_arns: list[str], secret_arns: list[str]
) -> str:
    """Least privilege for the instances: only what this service uses, on exactly its resources."""
    statements: list[dict] = []
    namespaces = metric_namespaces(estate, service)
    if namespaces:
        statements.append({
            "Sid": "PublishApplicationMetrics",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",  # PutMetricData has no resource type; the namespace condition scopes it
            "Condition": {"StringEquals": {"cloudwatch:namespace": namespaces}},
        })
    if topic_arns:
        statements.append({
            "Sid": "PublishAlerts", "Effect": "Allow", "Action": "sns:Publish", "Resource": sorted(topic_arns),
        })
    if service.uses_mail and estate.mail:
        mail = estate.mail
        statements.append({
            "Sid": "SendMailFromTheDomain",
            "Effect": "Allow",
            "Action": ["ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail"],
            # SES authorises a send against the identity it uses: the sender address's own identity
            # when that address is verified (noreply@, affret@ are EmailIdentities), else the domain's.
            "Resource": [
                f"arn:aws:ses:{estate.region}:{account_id}:configuration-set/{mail.configuration_set}",
                f"arn:aws:ses:{estate.region}:{account_id}:identity/{mail.domain}",
                *(f"arn:aws:ses:{estate.region}:{account_id}:identity/{sender}" for sender in sorted(mail.senders)),
            ],
            "Condition": {"StringLike": {"ses:FromAddress": sorted(mail.senders)}},
        })
    documents = estate.bucket_for("documents")
    if service.uses_documents and documents:
        statements.append({
            "Sid": "ListDocuments", "Effect": "Allow", "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{documents.name}",
        })
        statements.append({
            "Sid": "ReadWriteDocuments", "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::{documents.name}/*",
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


def environment_settings(
    estate: Estate,
    service: Service,
    *,
    instance_profile: pulumi.Input[str],
    service_role: pulumi.Input[str],
    load_balancer_sg: pulumi.Input[str],
    instances_sg: pulumi.Input[str],
    secret_arns: Mapping[str, pulumi.Input[str]],
    redis_url: pulumi.Input[str] | None,
) -> list[aws.elasticbeanstalk.EnvironmentSettingArgs]:
    """Every option of the environment, sorted by (namespace, name)."""
    network = estate.network
    health = service.health_check
    scaling = service.scaling
    window = estate.maintenance.preferred
    logs = str(service.log_retention_days)
    options: dict[tuple[str, str], pulumi.Input[str]] = {
        # Load-balanced behind an ALB; instances in private subnets, the ALB in public ones.
        ("aws:elasticbeanstalk:environment", "EnvironmentType"): "LoadBalanced",
        ("aws:elasticbeanstalk:environment", "LoadBalancerType"): "application",
        ("aws:elasticbeanstalk:environment", "ServiceRole"): service_role,
        ("aws:ec2:vpc", "VPCId"): network.vpc_id,
        ("aws:ec2:vpc", "Subnets"): ",".join(network.private_subnet_ids),
        ("aws:ec2:vpc", "ELBSubnets"): ",".join(network.public_subnet_ids),
        ("aws:ec2:vpc", "ELBScheme"): "public",
        ("aws:ec2:vpc", "AssociatePublicIpAddress"): "false",
        ("aws:elbv2:loadbalancer", "SecurityGroups"): load_balancer_sg,
        ("aws:elbv2:loadbalancer", "ManagedSecurityGroup"): load_balancer_sg,
        # HTTPS only: EB options cannot express an 80 -> 443 redirect, so port 80 is closed.
        ("aws:elbv2:listener:default", "ListenerEnabled"): "false",
        ("aws:elbv2:listener:443", "ListenerEnabled"): "true",
        ("aws:elbv2:listener:443", "Protocol"): "HTTPS",
        ("aws:elbv2:listener:443", "SSLCertificateArns"): network.certificate_arn,
        ("aws:elbv2:listener:443", "SSLPolicy"): SSL_POLICY,
        ("aws:elbv2:listener:443", "DefaultProcess"): "default",
        # Process health check (runbook 001: /health, 30 s, 5 s, 2 healthy, 3 unhealthy).
        ("aws:elasticbeanstalk:environment:process:default", "Port"): str(INSTANCE_PROXY_PORT),
        ("aws:elasticbeanstalk:environment:process:default", "Protocol"): "HTTP",
        ("aws:elasticbeanstalk:environment:process:default", "HealthCheckPath"): health.path,
        ("aws:elasticbeanstalk:environment:process:default", "HealthCheckInterval"): str(health.interval),
        ("aws:elasticbeanstalk:environment:process:default", "HealthCheckTimeout"): str(health.timeout),
        ("aws:elasticbeanstalk:environment:process:default", "HealthyThresholdCount"): str(health.healthy_threshold),
        ("aws:elasticbeanstalk:environment:process:default", "UnhealthyThresholdCount"): str(health.unhealthy_threshold),
        ("aws:elasticbeanstalk:environment:process:default", "MatcherHTTPCode"): "200",
        # Enhanced health, publishing the metrics the alarms and dashboards use.
        ("aws:elasticbeanstalk:healthreporting:system", "SystemType"): "enhanced",
        ("aws:elasticbeanstalk:healthreporting:system", "EnhancedHealthAuthEnabled"): "true",
        ("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument"): health_config_document(),
        # Instances: IMDSv2 only, gp3 root volume, our instance profile and security group.
        ("aws:ec2:instances", "InstanceTypes"): service.platform.instance_type,
        ("aws:autoscaling:launchconfiguration", "IamInstanceProfile"): instance_profile,
        ("aws:autoscaling:launchconfiguration", "SecurityGroups"): instances_sg,
        ("aws:autoscaling:launchconfiguration", "DisableIMDSv1"): "true",
        ("aws:autoscaling:launchconfiguration", "RootVolumeType"): service.platform.root_volume_type,
        ("aws:autoscaling:launchconfiguration", "RootVolumeSize"): str(service.platform.root_volume_size),
        # Autoscaling on CPU: the seed gives 70/20 without MeasureName, which defaults to NetworkOut bytes.
        ("aws:autoscaling:asg", "MinSize"): str(scaling.min),
        ("aws:autoscaling:asg", "MaxSize"): str(scaling.max),
        ("aws:autoscaling:trigger", "MeasureName"): "CPUUtilization",
        ("aws:autoscaling:trigger", "Statistic"): "Average",
        ("aws:autoscaling:trigger", "Unit"): "Percent",
        ("aws:autoscaling:trigger", "UpperThreshold"): _num(scaling.cpu_upper),
        ("aws:autoscaling:trigger", "LowerThreshold"): _num(scaling.cpu_lower),
        ("aws:autoscaling:trigger", "Period"): "5",
        ("aws:autoscaling:trigger", "BreachDuration"): "5",
        # Rolling deployments and rolling configuration updates, one instance at a time.
        ("aws:elasticbeanstalk:command", "DeploymentPolicy"): "Rolling",
        ("aws:elasticbeanstalk:command", "BatchSizeType"): "Fixed",
        ("aws:elasticbeanstalk:command", "BatchSize"): "1",
        ("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateEnabled"): "true",
        ("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType"): "Health",
        # Logs streamed to CloudWatch Logs, kept after the environment is gone.
        ("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"): "true",
        ("aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate"): "false",
        ("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays"): logs,
        ("aws:elasticbeanstalk:cloudwatch:logs:health", "HealthStreamingEnabled"): "true",
        ("aws:elasticbeanstalk:cloudwatch:logs:health", "DeleteOnTerminate"): "false",
        ("aws:elasticbeanstalk:cloudwatch:logs:health", "RetentionInDays"): logs,
        # Managed platform updates in the estate's preferred window (seed 004: Sunday 02:00 UTC).
        ("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"): "true",
        ("aws:elasticbeanstalk:managedactions", "PreferredStartTime"): window.eb_start_time,
        ("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel"): "minor",
        ("aws:elasticbeanstalk:managedactions:platformupdate", "InstanceRefreshEnabled"): "true",
    }
    plain = {
        **service.env,
        "PORT": str(service.port) if service.port is not None else service.env.get("PORT"),
        "AWS_REGION": estate.region,
    }
    if service.uses_cache and redis_url is not None:
        plain["REDIS_URL"] = redis_url
    for key, value in plain.items():
        if value is not None:
            options[("aws:elasticbeanstalk:application:environment", key)] = value
    for key, arn in secret_arns.items():
        options[("aws:elasticbeanstalk:application:environmentsecrets", key)] = arn
    return [
        aws.elasticbeanstalk.EnvironmentSettingArgs(namespace=namespace, name=name, value=value)
        for (namespace, name), value in sorted(options.items())
    ]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class BeanstalkService(pulumi.ComponentResource):
    """One service: its Elastic Beanstalk application and environment, its roles and instance profile."""

    def __init__(
        self, name: str, estate: Estate, service: Service, wiring: ServiceWiring,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(type_token("beanstalk", "BeanstalkService"), name, None, opts)
        tags = estate_tags(estate, service=service.name)
        env_name = service.environment_name

        self.service_role = aws.iam.Role(
            f"{env_name}-service-role",
            name=f"{env_name}-eb-service"[:64],
            description=f"Elastic Beanstalk service role of {env_name} (enhanced health, managed updates)",
            assume_role_policy=_assume_role_policy("elasticbeanstalk.amazonaws.com", "elasticbeanstalk"),
            tags=tags,
            opts=child(self),
        )
        for policy_arn in EB_SERVICE_POLICIES:
            aws.iam.RolePolicyAttachment(
                f"{env_name}-service-role-{policy_arn.rsplit('/', 1)[-1]}",
                role=self.service_role.name, policy_arn=policy_arn, opts=child(self),
            )

        self.instance_role = aws.iam.Role(
            f"{env_name}-instance-role",
            name=f"{env_name}-eb-instance"[:64],
            description=f"Instances of {env_name}: only what {service.name} uses",
            assume_role_policy=_assume_role_policy("ec2.amazonaws.com"),
            tags=tags,
            opts=child(self),
        )
        for policy_arn in EB_INSTANCE_POLICIES:
            aws.iam.RolePolicyAttachment(
                f"{env_name}-instance-role-{policy_arn.rsplit('/', 1)[-1]}",
                role=self.instance_role.name, policy_arn=policy_arn, opts=child(self),
            )
        secret_keys = sorted(wiring.secret_arns)
        policy = pulumi.Output.all(
            wiring.account_id, pulumi.Output.all(*wiring.alert_topic_arns),
            pulumi.Output.all(*[wiring.secret_arns[k] for k in secret_keys]),
        ).apply(lambda args: instance_policy_document(estate, service, args[0], list(args[1]), list(args[2])))
        self.instance_policy = aws.iam.RolePolicy(
            f"{env_name}-instance-policy",
            name=f"{service.name}-least-privilege",
            role=self.instance_role.id,
            policy=policy,
            opts=child(self),
        )
        self.instance_profile = aws.iam.InstanceProfile(
            f"{env_name}-instance-profile",
            name=f"{env_name}-eb-instance"[:128],
            role=self.instance_role.name,
            tags=tags,
            opts=child(self),
        )

        self.application = aws.elasticbeanstalk.Application(
            service.application_name,
            name=service.application_name,
            description=service.description or f"{service.name} ({estate.organisation})",
            appversion_lifecycle=aws.elasticbeanstalk.ApplicationAppversionLifecycleArgs(
                service_role=self.service_role.arn,
                max_count=APP_VERSIONS_KEPT,
                delete_source_from_s3=True,
            ),
            tags=tags,
            opts=child(self),
        )
        self.environment = aws.elasticbeanstalk.Environment(
            env_name,
            name=env_name,
            application=self.application.name,
            description=service.description or None,
            tier="WebServer",
            solution_stack_name=service.platform.solution_stack,
            settings=environment_settings(
                estate, service,
                instance_profile=self.instance_profile.name,
                service_role=self.service_role.arn,
                load_balancer_sg=wiring.network.load_balancer.id,
                instances_sg=wiring.network.instances.id,
                secret_arns=wiring.secret_arns,
                redis_url=wiring.redis_url,
            ),
            tags=tags,
            opts=child(self, depends_on=[self.instance_policy]),
        )
        self.environment_name = self.environment.name
        self.autoscaling_group = self.environment.autoscaling_groups.apply(lambda groups: groups[0])
        self.register_outputs({
            "environment": self.environment.name,
            "cname": self.environment.cname,
            "autoscaling_group": self.autoscaling_group,
        })
