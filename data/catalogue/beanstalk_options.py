"""Elastic Beanstalk option namespaces: where each environment setting lives (the settings table of
``components/beanstalk/environment.py`` sets them; the policy rules read them back).

Source: https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html
"""

from __future__ import annotations

SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html"

ENVIRONMENT = "aws:elasticbeanstalk:environment"  # EnvironmentType, LoadBalancerType, ServiceRole
PROCESS_DEFAULT = "aws:elasticbeanstalk:environment:process:default"  # the default process's health check
APPLICATION_ENVIRONMENT = "aws:elasticbeanstalk:application:environment"  # plain environment variables
ENVIRONMENT_SECRETS = "aws:elasticbeanstalk:application:environmentsecrets"  # variables from Secrets Manager / SSM ARNs
HEALTH_REPORTING = "aws:elasticbeanstalk:healthreporting:system"  # SystemType, ConfigDocument
COMMAND = "aws:elasticbeanstalk:command"  # deployment policy
CLOUDWATCH_LOGS = "aws:elasticbeanstalk:cloudwatch:logs"  # instance log streaming
CLOUDWATCH_LOGS_HEALTH = "aws:elasticbeanstalk:cloudwatch:logs:health"  # health event streaming
MANAGED_ACTIONS = "aws:elasticbeanstalk:managedactions"
PLATFORM_UPDATE = "aws:elasticbeanstalk:managedactions:platformupdate"
VPC = "aws:ec2:vpc"
EC2_INSTANCES = "aws:ec2:instances"
LAUNCH_CONFIGURATION = "aws:autoscaling:launchconfiguration"
AUTOSCALING_GROUP = "aws:autoscaling:asg"
AUTOSCALING_TRIGGER = "aws:autoscaling:trigger"
ROLLING_UPDATE = "aws:autoscaling:updatepolicy:rollingupdate"
LOAD_BALANCER = "aws:elbv2:loadbalancer"
LISTENER_DEFAULT = "aws:elbv2:listener:default"  # the application load balancer's port-80 listener
SQSD = "aws:elasticbeanstalk:sqsd"  # a worker environment's SQS daemon (queue, path, timeouts)


# ``aws:elasticbeanstalk:environment`` ``EnvironmentType``: ``LoadBalanced`` (the default: "LoadBalanced
# is the default EnvironmentType") or ``SingleInstance`` (one instance, no load balancer).
ENVIRONMENT_TYPE_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.managing.ec2.aws-cli.html"
ENVIRONMENT_TYPE_DEFAULT = "LoadBalanced"
SINGLE_INSTANCE = "SingleInstance"


def listener(port: int) -> str:
    """The namespace of the application load balancer's listener on ``port`` (``aws:elbv2:listener:443``)."""
    return f"aws:elbv2:listener:{port}"


# Deployments (aws:elasticbeanstalk:command DeploymentPolicy) and configuration updates
# (aws:autoscaling:updatepolicy:rollingupdate RollingUpdateType). With Rolling, "each batch is taken
# out of service during the deployment phase"; RollingWithAdditionalBatch launches a new batch first
# and Immutable replaces instances in a new group, so capacity never drops. MinInstancesInService
# defaults to min(MinSize, MaxSize - 1): 0 for a 1..1 environment, so a Health/Time rolling update takes
# its only instance down too.
DEPLOYMENT_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.rolling-version-deploy.html"
ROLLING_UPDATE_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.rollingupdates.html"
DEPLOYMENT_POLICIES = ("AllAtOnce", "Rolling", "RollingWithAdditionalBatch", "Immutable", "TrafficSplitting")
# Policies that take serving instances out of service (fine only with at least two instances).
CAPACITY_REDUCING_DEPLOYMENTS = ("AllAtOnce", "Rolling")
CAPACITY_REDUCING_UPDATES = ("Health", "Time")
MIN_INSTANCES_FOR_ROLLING = 2

# Option ranges the estate model enforces (the EB options page, namespaces
# aws:elasticbeanstalk:environment:process:default and aws:autoscaling:launchconfiguration):
HEALTH_CHECK_TIMEOUT_RANGE = (1, 60)  # seconds, application load balancer; EB's range, not the ELB API's 2-120
ROOT_VOLUME_SIZE_MIN = {"gp2": 10, "gp3": 10, "io1": 10}  # GiB (16384 most); magnetic (standard) 8-1024
ROOT_VOLUME_SIZE_MAX = 16384
# RootVolumeIOPS: the EB options page (namespace aws:autoscaling:launchconfiguration) gives io1 100-20000
# and gp3 3000-16000; EC2 itself accepts io1 up to 64,000 (API_EbsBlockDevice), EB's range is the one
# that applies here. "Only supported for gp3 or io1 volumes. Required for io1 volumes" (EC2 Auto Scaling
# API, Ebs); io1 provisions at most 50 IOPS per GiB (EBS volume types; the CDK's EbsDeviceOptions repeats
# the 50:1 ratio).
ROOT_VOLUME_IOPS_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html#command-options-general-autoscalinglaunchconfiguration"
ROOT_VOLUME_IOPS_REQUIRED_SOURCE = "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Ebs.html"
ROOT_VOLUME_IOPS_RANGE = {"gp3": (3000, 16000), "io1": (100, 20000)}  # types that take IOPS, and their range
ROOT_VOLUME_IOPS_REQUIRED = ("io1",)
IO1_MAX_IOPS_PER_GIB = 50
# Environment properties: https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environments-cfg-softwaresettings.html
ENVIRONMENT_PROPERTIES_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environments-cfg-softwaresettings.html"
ENV_KEY_MAX = 128  # characters
ENV_VALUE_MAX = 256  # characters
ENV_TOTAL_MAX = 4096  # bytes, all properties together as key=value


# Tiers (the Environment's ``tier``): a web server environment serves HTTP behind its load balancer; a
# worker environment has no load balancer: its SQS daemon (sqsd) reads the queue named by
# aws:elasticbeanstalk:sqsd WorkerQueueURL (EB creates one when unset) and POSTs each message to HttpPath
# on the instance, deleting it on a 200; InactivityTimeout (1-36000 s, default 299) bounds one request and
# VisibilityTimeout (0-43200 s, default 300) hides a message in processing. With a queue the estate
# provides, its dead-letter queue is the queue's own redrive policy (MaxRetries concerns EB's own queue).
# ELBScheme ``internal`` puts a web server environment's load balancer in ELBSubnets without public addresses.
TIERS_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features-managing-env-tiers.html"
SQSD_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html#command-options-general-elasticbeanstalksqsd"
WEB_TIER, WORKER_TIER = "WebServer", "Worker"
SQSD_INACTIVITY_TIMEOUT_RANGE = (1, 36_000)
SQSD_VISIBILITY_TIMEOUT_RANGE = (0, 43_200)
SQSD_HTTP_CONNECTIONS_RANGE = (1, 100)
ELB_SCHEMES = ("public", "internal")
SQSD_NOTE = ("The stored documentation search did not return the sqsd option table: option names, defaults and"
             " ranges above are to be confirmed against SQSD_SOURCE before the first worker deploys.")
