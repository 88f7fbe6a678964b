"""Elastic Beanstalk services: one application + environment per service, with its roles.

Every option the environment gets is listed in ``environment_settings`` (one table, cloudposse
style) and emitted sorted by (namespace, name), so a render is byte-for-byte reproducible. The
retired Amazon Linux AMI options of runbook 001 (``aws:elasticbeanstalk:container:nodejs``
``NodeVersion``/``NodeCommand``) are never emitted: on AL2023 the platform branch picks Node.js and
``Procfile``/``npm start`` starts the app (docs/seed-decisions.md). The metrics enhanced health
publishes are the monitoring's (``monitoring.ENVIRONMENT_METRICS``/``INSTANCE_METRICS``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pulumi
import pulumi_aws as aws

from components.beanstalk.monitoring import ENVIRONMENT_METRICS, INSTANCE_METRICS
from components.beanstalk.network import HTTPS_PORT, INSTANCE_PROXY_PORT, ServicesNetwork
from components.beanstalk.permissions import (
    EB_INSTANCE_POLICIES, EB_SERVICE_POLICIES, InstancePermissions, assume_role_policy, instance_permissions,
    instance_policy_document, worker_queue_names,
)
from components.common import Tagging, child, stateful, type_token
from data.catalogue import beanstalk as eb
from data.catalogue import beanstalk_options as opt
from data.catalogue import ec2
from data.catalogue import elb
from data.model import Estate, Network, Service

# TLS 1.3 with 1.2 fallback: the current recommended ALB policy.
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600  # SQS's longest retention: time to look at a failed task
APP_VERSIONS_KEPT = 30  # enough to roll back (runbook 001 "eb deploy --version v2.1.0")
HTTPS_LISTENER = opt.listener(HTTPS_PORT)


@dataclass(frozen=True)
class BeanstalkSite:
    """What every Elastic Beanstalk service of the estate shares (the same for each service)."""

    region: str
    organisation: str
    network: Network  # VPC, subnets and certificate
    security_groups: ServicesNetwork
    maintenance_start: str  # managed updates' PreferredStartTime (estate.maintenance)
    tags: Tagging
    alert_topic_arns: list[pulumi.Output[str]] = field(default_factory=list)
    account_id: pulumi.Input[str] | None = None

    @classmethod
    def from_estate(
        cls, estate: Estate, *, security_groups: ServicesNetwork, alert_topic_arns: list[pulumi.Output[str]],
        account_id: pulumi.Input[str] | None,
    ) -> BeanstalkSite:
        if estate.network is None:
            raise ValueError("Elastic Beanstalk services need estate.network (VPC, subnets, certificate)")
        return cls(
            region=estate.region, organisation=estate.organisation, network=estate.network,
            security_groups=security_groups, maintenance_start=estate.maintenance.preferred.eb_start_time,
            tags=Tagging.of(estate), alert_topic_arns=alert_topic_arns, account_id=account_id,
        )


@dataclass(frozen=True)
class BeanstalkServiceArgs:
    """One service's slice of the estate and what it receives from the rest of it."""

    service: Service
    site: BeanstalkSite
    permissions: InstancePermissions
    secret_arns: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)  # env var -> Secrets Manager / SSM ARN
    redis_url: pulumi.Input[str] | None = None  # given to the services that use the cache only
    # The SecretVersions holding the values the instances read at bootstrap: the environment waits for them.
    secret_versions: Sequence[pulumi.Resource] = ()
    worker_queue_url: pulumi.Input[str] | None = None  # tier worker: the queue the SQS daemon reads

    @classmethod
    def from_estate(
        cls, estate: Estate, service: Service, *, site: BeanstalkSite,
        secret_arns: Mapping[str, pulumi.Input[str]], redis_url: pulumi.Input[str] | None,
        secret_versions: Sequence[pulumi.Resource] = (),
    ) -> BeanstalkServiceArgs:
        return cls(
            service=service, site=site, permissions=instance_permissions(estate, service), secret_arns=secret_arns,
            redis_url=redis_url if service.uses_cache else None, secret_versions=tuple(secret_versions),
        )


def health_config_document(ignore_application_4xx: bool = False) -> str:
    """The enhanced-health ConfigDocument: which metrics EB publishes to CloudWatch, and the health rules
    (application 4xx not counted against health when the service says so) (deterministic JSON)."""
    document: dict = {
        "CloudWatchMetrics": {
            "Environment": {metric: eb.PUBLISHING_PERIOD for metric in ENVIRONMENT_METRICS},
            "Instance": {metric: eb.PUBLISHING_PERIOD for metric in INSTANCE_METRICS},
        },
        "Version": 1,
    }
    if ignore_application_4xx:
        level, source, rule = eb.APPLICATION_4XX_RULE
        document["Rules"] = {level: {source: {rule: {"Enabled": False}}}}
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def load_balancer_options(args: BeanstalkServiceArgs) -> dict[tuple[str, str], pulumi.Input[str]]:
    """A web server environment's application load balancer and its default process's health check:
    internet-facing in the public subnets with a ``public_url``, internal in the private subnets without
    (issue 12 #3; HTTPS with the estate's certificate, HTTP inside the VPC when it has none)."""
    service, site = args.service, args.site
    network, health = site.network, service.health_check
    internal = service.internal
    options: dict[tuple[str, str], pulumi.Input[str]] = {
        (opt.ENVIRONMENT, "LoadBalancerType"): "application",
        (opt.VPC, "ELBSubnets"): ",".join(network.private_subnet_ids if internal else network.public_subnet_ids),
        (opt.VPC, "ELBScheme"): "internal" if internal else "public",
        (opt.LOAD_BALANCER, "SecurityGroups"): site.security_groups.balancer_of(service.name).id,
        (opt.LOAD_BALANCER, "ManagedSecurityGroup"): site.security_groups.balancer_of(service.name).id,
        # Process health check (runbook 001: /health, 30 s, 5 s, 2 healthy, 3 unhealthy).
        (opt.PROCESS_DEFAULT, "Port"): str(INSTANCE_PROXY_PORT),
        (opt.PROCESS_DEFAULT, "Protocol"): "HTTP",
        (opt.PROCESS_DEFAULT, "HealthCheckPath"): health.path,
        (opt.PROCESS_DEFAULT, "HealthCheckInterval"): str(health.interval),
        (opt.PROCESS_DEFAULT, "HealthCheckTimeout"): str(health.timeout),
        (opt.PROCESS_DEFAULT, "HealthyThresholdCount"): str(health.healthy_threshold),
        (opt.PROCESS_DEFAULT, "UnhealthyThresholdCount"): str(health.unhealthy_threshold),
        (opt.PROCESS_DEFAULT, "MatcherHTTPCode"): "200",
    }
    if network.certificate_arn:
        # HTTPS only: EB options cannot express an 80 -> 443 redirect, so port 80 is closed.
        options.update({
            (opt.LISTENER_DEFAULT, "ListenerEnabled"): "false",
            (HTTPS_LISTENER, "ListenerEnabled"): "true",
            (HTTPS_LISTENER, "Protocol"): "HTTPS",
            (HTTPS_LISTENER, "SSLCertificateArns"): network.certificate_arn,
            (HTTPS_LISTENER, "SSLPolicy"): SSL_POLICY,
            (HTTPS_LISTENER, "DefaultProcess"): "default",
        })
    else:  # an internal service of an estate without a certificate: HTTP, reachable from the estate's instances only
        options[(opt.LISTENER_DEFAULT, "ListenerEnabled")] = "true"
    return options


def worker_options(args: BeanstalkServiceArgs) -> dict[tuple[str, str], pulumi.Input[str]]:
    """A worker environment's SQS daemon: no load balancer; the queue the program declares (issue 12 #3)."""
    worker = args.service.worker
    return {
        (opt.SQSD, "WorkerQueueURL"): args.worker_queue_url,
        (opt.SQSD, "HttpPath"): worker.path,
        (opt.SQSD, "MimeType"): "application/json",
        (opt.SQSD, "HttpConnections"): str(worker.http_connections),
        (opt.SQSD, "InactivityTimeout"): str(worker.inactivity_timeout),
        (opt.SQSD, "VisibilityTimeout"): str(worker.visibility_timeout),
    }


def environment_settings(
    args: BeanstalkServiceArgs, *, instance_profile: pulumi.Input[str], service_role: pulumi.Input[str],
) -> list[aws.elasticbeanstalk.EnvironmentSettingArgs]:
    """Every option of the environment, sorted by (namespace, name)."""
    service, site = args.service, args.site
    network = site.network
    scaling = service.scaling
    logs = str(service.log_retention_days)
    rolling_safe = scaling.min >= opt.MIN_INSTANCES_FOR_ROLLING
    options: dict[tuple[str, str], pulumi.Input[str]] = {
        (opt.ENVIRONMENT, "EnvironmentType"): "LoadBalanced",
        (opt.ENVIRONMENT, "ServiceRole"): service_role,
        (opt.VPC, "VPCId"): network.vpc_id,
        (opt.VPC, "Subnets"): ",".join(network.private_subnet_ids),
        (opt.VPC, "AssociatePublicIpAddress"): "false",
        **(worker_options(args) if service.tier == "worker" else load_balancer_options(args)),
        # Enhanced health, publishing the metrics the alarms and dashboards use.
        (opt.HEALTH_REPORTING, "SystemType"): "enhanced",
        (opt.HEALTH_REPORTING, "EnhancedHealthAuthEnabled"): "true",
        (opt.HEALTH_REPORTING, "ConfigDocument"): health_config_document(service.health_ignores_4xx),
        # Instances: IMDSv2 only, gp3 root volume, our instance profile and security group.
        (opt.EC2_INSTANCES, "InstanceTypes"): service.platform.instance_type,
        (opt.LAUNCH_CONFIGURATION, "IamInstanceProfile"): instance_profile,
        (opt.LAUNCH_CONFIGURATION, "SecurityGroups"): site.security_groups.instances_of(service.name).id,
        (opt.LAUNCH_CONFIGURATION, "DisableIMDSv1"): "true",
        (opt.LAUNCH_CONFIGURATION, "RootVolumeType"): service.platform.root_volume_type,
        (opt.LAUNCH_CONFIGURATION, "RootVolumeSize"): str(service.platform.root_volume_size),
        **({(opt.LAUNCH_CONFIGURATION, "RootVolumeIOPS"): str(service.platform.root_volume_iops)}
           if service.platform.root_volume_iops is not None else {}),
        # Autoscaling on CPU: the seed gives 70/20 without MeasureName, which defaults to NetworkOut bytes.
        (opt.AUTOSCALING_GROUP, "MinSize"): str(scaling.min),
        (opt.AUTOSCALING_GROUP, "MaxSize"): str(scaling.max),
        (opt.AUTOSCALING_TRIGGER, "MeasureName"): ec2.CPU_UTILIZATION_BY_GROUP.name,
        (opt.AUTOSCALING_TRIGGER, "Statistic"): "Average",
        (opt.AUTOSCALING_TRIGGER, "Unit"): ec2.CPU_UTILIZATION_BY_GROUP.unit,
        (opt.AUTOSCALING_TRIGGER, "UpperThreshold"): _num(scaling.cpu_upper),
        (opt.AUTOSCALING_TRIGGER, "LowerThreshold"): _num(scaling.cpu_lower),
        (opt.AUTOSCALING_TRIGGER, "Period"): "5",
        (opt.AUTOSCALING_TRIGGER, "BreachDuration"): "5",
        # Rolling deployments and rolling configuration updates, one instance at a time; below two
        # instances an additional batch and immutable updates, so the only instance is never taken out (B-5).
        (opt.COMMAND, "DeploymentPolicy"): "Rolling" if rolling_safe else "RollingWithAdditionalBatch",
        (opt.COMMAND, "BatchSizeType"): "Fixed",
        (opt.COMMAND, "BatchSize"): "1",
        (opt.ROLLING_UPDATE, "RollingUpdateEnabled"): "true",
        (opt.ROLLING_UPDATE, "RollingUpdateType"): "Health" if rolling_safe else "Immutable",
        # Logs streamed to CloudWatch Logs, kept after the environment is gone.
        (opt.CLOUDWATCH_LOGS, "StreamLogs"): "true",
        (opt.CLOUDWATCH_LOGS, "DeleteOnTerminate"): "false",
        (opt.CLOUDWATCH_LOGS, "RetentionInDays"): logs,
        (opt.CLOUDWATCH_LOGS_HEALTH, "HealthStreamingEnabled"): "true",
        (opt.CLOUDWATCH_LOGS_HEALTH, "DeleteOnTerminate"): "false",
        (opt.CLOUDWATCH_LOGS_HEALTH, "RetentionInDays"): logs,
        # Managed platform updates in the estate's preferred window (seed 004: Sunday 02:00 UTC).
        (opt.MANAGED_ACTIONS, "ManagedActionsEnabled"): "true",
        (opt.MANAGED_ACTIONS, "PreferredStartTime"): site.maintenance_start,
        (opt.PLATFORM_UPDATE, "UpdateLevel"): "minor",
        (opt.PLATFORM_UPDATE, "InstanceRefreshEnabled"): "true",
    }
    plain = {
        **service.env,
        "PORT": str(service.port) if service.port is not None else service.env.get("PORT"),
        "AWS_REGION": site.region,
    }
    if service.uses_cache and args.redis_url is not None:
        plain["REDIS_URL"] = args.redis_url
    for key, value in plain.items():
        if value is not None:
            options[(opt.APPLICATION_ENVIRONMENT, key)] = value
    for key, arn in args.secret_arns.items():
        options[(opt.ENVIRONMENT_SECRETS, key)] = arn
    return [
        aws.elasticbeanstalk.EnvironmentSettingArgs(namespace=namespace, name=name, value=value)
        for (namespace, name), value in sorted(options.items())
    ]


def newest_solution_stack(service: Service, opts: pulumi.ResourceOptions | None = None) -> pulumi.Output[str]:
    """The newest solution stack of the service's platform branch, looked up at deploy time (issue 10 #3):
    AWS retires platform versions and managed updates move past them, so no version is pinned."""
    invoke_opts = pulumi.InvokeOptions(parent=opts.parent) if opts is not None and opts.parent is not None else None
    return aws.elasticbeanstalk.get_solution_stack_output(
        name_regex=service.platform.solution_stack_regex, most_recent=True, opts=invoke_opts,
    ).name


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class BeanstalkService(pulumi.ComponentResource):
    """One service: its Elastic Beanstalk application and environment, its roles and instance profile."""

    def __init__(self, name: str, args: BeanstalkServiceArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("beanstalk", "BeanstalkService"), name, None, opts)
        service, site = args.service, args.site
        tags = site.tags(service=service.name)
        env_name = service.environment_name

        self.service_role = aws.iam.Role(
            f"{env_name}-service-role",
            name=f"{env_name}-eb-service"[:64],
            description=f"Elastic Beanstalk service role of {env_name} (enhanced health, managed updates)",
            assume_role_policy=assume_role_policy("elasticbeanstalk.amazonaws.com", "elasticbeanstalk"),
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
            assume_role_policy=assume_role_policy("ec2.amazonaws.com"),
            tags=tags,
            opts=child(self),
        )
        for policy_arn in EB_INSTANCE_POLICIES:
            aws.iam.RolePolicyAttachment(
                f"{env_name}-instance-role-{policy_arn.rsplit('/', 1)[-1]}",
                role=self.instance_role.name, policy_arn=policy_arn, opts=child(self),
            )
        secret_keys = sorted(args.secret_arns)
        policy = pulumi.Output.all(
            site.account_id, pulumi.Output.all(*site.alert_topic_arns),
            pulumi.Output.all(*[args.secret_arns[k] for k in secret_keys]),
        ).apply(lambda values: instance_policy_document(args.permissions, values[0], list(values[1]), list(values[2])))
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

        self.queue = self.dead_letter_queue = None
        if service.tier == "worker":
            args = replace(args, worker_queue_url=self._worker_queues(service, tags).url)

        self.application = aws.elasticbeanstalk.Application(
            service.application_name,
            name=service.application_name,
            description=service.description or f"{service.name} ({site.organisation})",
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
            tier=opt.WORKER_TIER if service.tier == "worker" else opt.WEB_TIER,
            solution_stack_name=newest_solution_stack(service, opts=child(self)),
            settings=environment_settings(
                args, instance_profile=self.instance_profile.name, service_role=self.service_role.arn,
            ),
            tags=tags,
            # EB reads environmentsecrets at instance bootstrap only: the values must exist first (issue 10 #7).
            opts=child(self, depends_on=[self.instance_policy, *args.secret_versions]),
        )
        self.environment_name = self.environment.name
        self.autoscaling_group = self.environment.autoscaling_groups.apply(lambda groups: groups[0])
        # The ALB's CloudWatch dimension (app/<name>/<id>) from the ARN the environment reports; a worker has none.
        self.load_balancer = None if service.tier == "worker" else self.environment.load_balancers.apply(
            lambda balancers: elb.load_balancer_dimension(balancers[0]))
        self.register_outputs({
            "environment": self.environment.name,
            "cname": self.environment.cname,
            "autoscaling_group": self.autoscaling_group,
            "load_balancer": self.load_balancer,
        })

    def _worker_queues(self, service: Service, tags) -> aws.sqs.Queue:
        """The worker's queue and its dead-letter queue (redrive after ``max_receive_count`` receives);
        protected and retained: pending messages are work not done yet."""
        worker = service.worker
        queue_name, dead_letter_name = worker_queue_names(service)
        self.dead_letter_queue = aws.sqs.Queue(
            dead_letter_name, name=dead_letter_name, sqs_managed_sse_enabled=True,
            message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS, tags=tags, opts=stateful(self),
        )
        self.queue = aws.sqs.Queue(
            queue_name, name=queue_name, sqs_managed_sse_enabled=True,
            visibility_timeout_seconds=worker.visibility_timeout,
            redrive_policy=self.dead_letter_queue.arn.apply(
                lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": worker.max_receive_count}, sort_keys=True)),
            tags=tags, opts=stateful(self),
        )
        return self.queue
