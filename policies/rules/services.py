"""Services: Elastic Beanstalk environments set up for production and watched at both severities."""

from __future__ import annotations

import json
import re

from data.catalogue import beanstalk as eb
from data.catalogue import beanstalk_options as opt
from data.catalogue import ec2

from components.beanstalk.signals import applies_to

from .alerting import METRIC_ALARM, notifies_through
from .service_signals import (  # noqa: F401  (SIGNAL_METRICS, REQUIRED_SIGNALS, LOAD_BALANCER_SIGNALS: read by tests)
    ALARMED_ENVIRONMENT_METRICS,
    BOTH_SEVERITIES,
    LOAD_BALANCER_SIGNALS,
    REQUIRED_SIGNALS,
    SIGNAL_METRICS,
    alarms_of,
    metrics_read,
    required_for,
)
from .base import (
    eb_names,
    eb_setting,
    get,
    items,
    known_or_none,
    of_type,
    resource_rule,
    stack_rule,
    truthy,
)

ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
IAM_POLICY_TYPES = (
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
APP_ENV = opt.APPLICATION_ENVIRONMENT
PROCESS = opt.PROCESS_DEFAULT
HEALTH = opt.HEALTH_REPORTING
LOGS = opt.CLOUDWATCH_LOGS
MANAGED = opt.MANAGED_ACTIONS
PLATFORM_UPDATE = opt.PLATFORM_UPDATE
LAUNCH = opt.LAUNCH_CONFIGURATION
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"

@resource_rule(
    "services-environment-health-check", area="services", category="hygiene",
    description="Every Elastic Beanstalk environment's default process is health-checked on a health endpoint: the path"
    " its service declares (services[].health_check.path), never '/' or EB's unset default.",
    runbook="Health checks pass on the service's health path",
    remediation="Set aws:elasticbeanstalk:environment:process:default HealthCheckPath (estate services[].health_check.path).",
    parameters={
        "paths": {"type": "object", "description": "Environment name to the path its service declares (written by estate check from the estate)."},
        "path": {"type": "string", "description": "The path expected of environments absent from `paths`; any non-root path when unset."},
    },
    types=ENVIRONMENT,
)
def environment_health_check(args, report_violation):
    if get(args.props, "tier") == opt.WORKER_TIER:
        return  # a worker environment has no load balancer to probe it (issue 12 #3)
    config = args.get_config()
    path = eb_setting(args.props, PROCESS, "HealthCheckPath")
    if not path:
        report_violation("HealthCheckPath is not set: the load balancer probes '/' (Elastic Beanstalk's default), not a health endpoint.")
        return
    # Each service's own declared path (issue 12 #12), not one estate-wide value.
    expected = (config.get("paths") or {}).get(known_or_none(lambda: get(args.props, "name"))) or config.get("path")
    if expected and path != expected:
        report_violation(f"HealthCheckPath is {path!r}, but the service declares {expected!r} (services[].health_check.path).")
    elif path == "/":
        report_violation("HealthCheckPath is '/': the load balancer probes the root page, not a health endpoint.")


@resource_rule(
    "services-environment-enhanced-health", area="services", category="blind-spot",
    description="Every Elastic Beanstalk environment uses enhanced health and publishes the metrics its alarms read.",
    runbook="Enhanced health reporting (health status and latency metrics)",
    remediation="Set aws:elasticbeanstalk:healthreporting:system SystemType=enhanced with a ConfigDocument listing the CloudWatch metrics.",
    types=ENVIRONMENT,
)
def environment_enhanced_health(args, report_violation):
    if eb_setting(args.props, HEALTH, "SystemType") != "enhanced":
        report_violation("SystemType is not 'enhanced': EnvironmentHealth, latency and 5xx metrics are not published.")
        return
    document = eb_setting(args.props, HEALTH, "ConfigDocument")
    if not document:
        report_violation("no ConfigDocument: enhanced health publishes no metric to CloudWatch without it.")
        return
    try:
        published = json.loads(document).get("CloudWatchMetrics", {}).get("Environment", {})
    except (ValueError, AttributeError):
        report_violation("ConfigDocument is not valid JSON.")
        return
    # EnvironmentHealth is published with enhanced health at no charge; the others must be listed.
    for metric in ALARMED_ENVIRONMENT_METRICS:
        if metric not in published:
            report_violation(f"ConfigDocument does not publish {metric}, which the service's alarms read.")


@resource_rule(
    "services-environment-log-streaming", area="services", category="hygiene",
    description="Every Elastic Beanstalk environment streams its logs to CloudWatch Logs with a retention.",
    runbook="Application logs streamed to CloudWatch, a log group per service",
    remediation="Set aws:elasticbeanstalk:cloudwatch:logs StreamLogs=true and RetentionInDays (services[].log_retention_days).",
    types=ENVIRONMENT,
)
def environment_log_streaming(args, report_violation):
    if not truthy(eb_setting(args.props, LOGS, "StreamLogs")):
        report_violation("StreamLogs is not true: instance logs stay on instances that autoscaling terminates.")
    if not eb_setting(args.props, LOGS, "RetentionInDays"):
        report_violation("RetentionInDays is not set: the log groups would keep everything forever.")


@resource_rule(
    "services-environment-managed-updates", area="services", category="hygiene",
    description="Every Elastic Beanstalk environment takes managed platform updates in the maintenance window.",
    runbook="Platform updates inside the maintenance windows",
    remediation="Set aws:elasticbeanstalk:managedactions ManagedActionsEnabled=true, PreferredStartTime and platformupdate UpdateLevel.",
    parameters={"preferredStartTime": {"type": "string", "description": "Expected PreferredStartTime (e.g. Sun:02:00); any when unset."}},
    types=ENVIRONMENT,
)
def environment_managed_updates(args, report_violation):
    if not truthy(eb_setting(args.props, MANAGED, "ManagedActionsEnabled")):
        report_violation("ManagedActionsEnabled is not true: platform security updates are never applied.")
        return
    start = eb_setting(args.props, MANAGED, "PreferredStartTime")
    expected = args.get_config().get("preferredStartTime")
    if not start:
        report_violation("PreferredStartTime is not set: managed updates need a window.")
    elif expected and start != expected:
        report_violation(f"PreferredStartTime is {start}, outside the estate's window starting {expected}.")
    if not eb_setting(args.props, PLATFORM_UPDATE, "UpdateLevel"):
        report_violation("platformupdate UpdateLevel is not set (minor or patch).")


@resource_rule(
    "services-environment-imdsv2", area="services", category="security",
    description="Every Elastic Beanstalk environment's instances accept IMDSv2 only.",
    runbook="Instance security reviewed (IMDSv2 only)",
    remediation="Set aws:autoscaling:launchconfiguration DisableIMDSv1=true.",
    types=ENVIRONMENT,
)
def environment_imdsv2(args, report_violation):
    if not truthy(eb_setting(args.props, LAUNCH, "DisableIMDSv1")):
        report_violation("DisableIMDSv1 is not true: a request forgery in the app can read the instance credentials.")


def _runs_node_js(props) -> bool:
    """Whether the environment runs a Node.js branch; an unknown stack name is read (the runner then
    downgrades the rule to advisory) rather than guessed."""
    stack = get(props, "solutionStackName")
    return isinstance(stack, str) and eb.platform_of(eb.runtime_of(stack)) == eb.NODE_JS


@resource_rule(
    "services-environment-production-settings", area="services", category="security",
    description="Production environment settings carry no localhost or http:// origin, and Node.js environments run with NODE_ENV=production.",
    runbook="Production settings only (no development values, strict CORS)",
    remediation="Remove localhost / http:// origins from the service's env (e.g. CORS_ORIGIN) and set NODE_ENV=production.",
    types=ENVIRONMENT,
)
def environment_production_settings(args, report_violation):
    names = eb_names(args.props, APP_ENV)
    for name in names:
        value = known_or_none(lambda: eb_setting(args.props, APP_ENV, name))
        if not isinstance(value, str):
            continue
        for origin in re.split(r"[,\s]+", value):
            lowered = origin.lower()
            if "localhost" in lowered or "127.0.0.1" in lowered or lowered.startswith("http://"):
                report_violation(f"{name} contains {origin!r}: development origins must not reach production.")
    if not _runs_node_js(args.props):
        return  # NODE_ENV means something to Node.js applications only (issue 12 #2)
    if "NODE_ENV" not in names:
        report_violation("NODE_ENV is not set: Node.js frameworks then run in development mode (stack traces, no caching).")
    elif eb_setting(args.props, APP_ENV, "NODE_ENV") != "production":
        report_violation(f"NODE_ENV is {eb_setting(args.props, APP_ENV, 'NODE_ENV')!r}, not 'production'.")


SUPPORTED_STACK_PATTERN = eb.supported_stack_pattern()


@resource_rule(
    "services-environment-platform", area="services", category="hygiene",
    description="Every Elastic Beanstalk environment runs a supported Amazon Linux 2023 platform branch"
    f" ({', '.join(eb.SUPPORTED_RUNTIMES)}).",
    runbook="A current, supported platform version",
    remediation="Declare services[].platform.runtime, one of the supported branches (docs/stack-file.md): the newest"
    " 'Amazon Linux 2023 ... running <runtime>' solution stack of the branch is looked up at deploy time.",
    parameters={"pattern": {"type": "string", "description": "The solution stack names accepted; every supported branch when unset."}},
    types=ENVIRONMENT,
)
def environment_platform(args, report_violation):
    pattern = args.get_config().get("pattern") or SUPPORTED_STACK_PATTERN
    stack = get(args.props, "solutionStackName")
    if stack is None and get(args.props, "platformArn") is not None:
        return  # a platform ARN pins an exact version; the pattern judges solution stack names
    if not isinstance(stack, str) or not re.match(pattern, stack):
        runtime = eb.runtime_of(stack) if isinstance(stack, str) else None
        hint = f" (runtime {runtime!r} is not a supported Amazon Linux 2023 branch)" if runtime else ""
        report_violation(f"solution stack {stack!r} is not a supported platform branch{hint}; supported: {', '.join(eb.SUPPORTED_RUNTIMES)}.")


@stack_rule(
    "services-environment-alarms", area="services", category="blind-spot",
    description="Every Elastic Beanstalk environment has alarms at warning and critical severity on each signal of its table"
    " that applies to its tier: "
    f"web servers {', '.join(n for n in REQUIRED_SIGNALS if applies_to(n, 'web') and n not in LOAD_BALANCER_SIGNALS)}, "
    f"and {', '.join(LOAD_BALANCER_SIGNALS)} when load-balanced; workers "
    f"{', '.join(n for n in REQUIRED_SIGNALS if applies_to(n, 'worker'))}.",
    runbook="Alarms on CPU, latency, 5xx errors and health for every environment",
    remediation="Declare the service in the estate; components/service_alarms.py creates both levels of every signal"
    " (a signal switched off in the stack file, services[].thresholds.<key>: null, is not expected).",
    parameters={"switched_off": {"type": "object", "description": "Environment name to the signals its stack file"
                                 " switches off (written by estate check from the estate)."}},
)
def environment_alarms(args, report_violation):
    # A composite alarm's silent child (a burn-rate window) reads the same metrics but pages only through its
    # composite, on another question (the error budget): it stands for no signal of the table.
    alarms = [a for a in of_type(args.resources, METRIC_ALARM) if not notifies_through(a.props)]
    switched = args.get_config().get("switched_off") or {}
    for environment in of_type(args.resources, ENVIRONMENT):
        watching = alarms_of(environment, alarms)
        off = list(switched.get(known_or_none(lambda: get(environment.props, "name")), []))
        note = f" (Switched off in the stack file: {', '.join(off)}.)" if off else ""
        for signal, metrics in required_for(environment).items():
            if signal in off:
                continue
            for severity in BOTH_SEVERITIES:
                found = [
                    a for a in watching
                    if metrics_read(a) & set(metrics) and get(get(a.props, "tags") or {}, "severity") == severity
                ]
                if not found:
                    report_violation(f"environment {environment.name} has no {severity} {signal} alarm.{note}", environment.urn)


def _world(cidrs) -> bool:
    return any(c in ("0.0.0.0/0", "::/0") for c in items(cidrs))


@resource_rule(
    "services-security-group-world-ingress", area="services", category="security",
    description="No security group admits the internet except on HTTPS (443) or HTTP (80).",
    runbook="Security group rules reviewed: nothing but HTTPS open to the world",
    remediation="Admit the internet on 443 only (the load balancer's group); admit instances and data stores by security group.",
    parameters={"openPorts": {"type": "array", "items": {"type": "number"}, "default": [80, 443]}},
    types=(SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE),
)
def security_group_world_ingress(args, report_violation):
    open_ports = [int(p) for p in (args.get_config().get("openPorts") or [80, 443])]
    if args.resource_type == SECURITY_GROUP:
        rules = [(r, get(r, "cidrBlocks"), get(r, "ipv6CidrBlocks")) for r in items(get(args.props, "ingress"))]
    elif args.resource_type == INGRESS_RULE:
        rules = [(args.props, [get(args.props, "cidrIpv4")], [get(args.props, "cidrIpv6")])]
    elif get(args.props, "type") == "ingress":  # a SecurityGroupRule
        rules = [(args.props, get(args.props, "cidrBlocks"), get(args.props, "ipv6CidrBlocks"))]
    else:
        return
    for rule, v4, v6 in rules:
        if not (_world(v4) or _world(v6)):
            continue
        low, high = get(rule, "fromPort"), get(rule, "toPort")
        protocol = str(get(rule, "protocol", get(rule, "ipProtocol", "")))
        single = low is not None and low == high and int(low) in open_ports and protocol in ("tcp", "6")
        if not single:
            report_violation(f"ingress from the internet on {protocol} {low}-{high}: only {open_ports} may be open to the world.")


@resource_rule(
    "services-environment-deployment-capacity", area="services", category="blind-spot",
    description="An Elastic Beanstalk environment that may run a single instance is deployed and updated without taking it out "
    "of service (RollingWithAdditionalBatch or Immutable deployments, Immutable configuration updates).",
    runbook="Uptime through deployments (a one-instance environment deployed in place is an outage: https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.rolling-version-deploy.html)",
    remediation="Give the service scaling.min >= 2, or deploy with RollingWithAdditionalBatch / Immutable and set "
    "RollingUpdateType=Immutable (components/beanstalk/environment.py does when scaling.min < 2).",
    types=ENVIRONMENT,
)
def environment_deployment_capacity(args, report_violation):
    low = known_or_none(lambda: eb_setting(args.props, opt.AUTOSCALING_GROUP, "MinSize"))
    if not (isinstance(low, str) and low.isdigit()) or int(low) >= opt.MIN_INSTANCES_FOR_ROLLING:
        return
    deployment = eb_setting(args.props, opt.COMMAND, "DeploymentPolicy") or "AllAtOnce"  # EB's default
    if deployment in opt.CAPACITY_REDUCING_DEPLOYMENTS:
        report_violation(f"MinSize is {low} and DeploymentPolicy is {deployment}: each deployment takes the only instance out of service.")
    update = eb_setting(args.props, opt.ROLLING_UPDATE, "RollingUpdateType")
    if truthy(eb_setting(args.props, opt.ROLLING_UPDATE, "RollingUpdateEnabled")) and update in opt.CAPACITY_REDUCING_UPDATES:
        report_violation(f"MinSize is {low} and RollingUpdateType is {update}: an instance-replacing change takes the only instance down.")


def _ec2_descriptions(resource_type: str, props) -> list[tuple[str, object]]:
    """Every EC2 description a security group resource carries, with where it sits."""
    found = [("description", known_or_none(lambda: get(props, "description")))]
    if resource_type == SECURITY_GROUP:
        for direction in ("ingress", "egress"):
            for index, rule in enumerate(items(known_or_none(lambda: get(props, direction)))):
                found.append((f"{direction}[{index}].description", known_or_none(lambda: get(rule, "description"))))
    return found


@resource_rule(
    "services-ec2-description-characters", area="services", category="security",
    description=f"Every security group and security group rule description uses EC2's character set "
    f"({ec2.DESCRIPTION_CHARACTERS}; no apostrophe) within {ec2.DESCRIPTION_MAX_LENGTH} characters.",
    runbook="Security groups that EC2 accepts (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html)",
    remediation="Reword the description with letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* only (write "
    "'the services load balancers', not the possessive).",
    types=(SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE, EGRESS_RULE),
)
def ec2_description_characters(args, report_violation):
    for where, value in _ec2_descriptions(args.resource_type, args.props):
        if not isinstance(value, str):
            continue
        if not re.match(ec2.DESCRIPTION_PATTERN, value):
            bad = sorted({c for c in value if not re.match(ec2.DESCRIPTION_PATTERN, c)})
            report_violation(f"{where} {value!r} has character(s) {''.join(bad)!r} outside EC2's set: the provider or EC2 refuses it.")
        if len(value) > ec2.DESCRIPTION_MAX_LENGTH:
            report_violation(f"{where} is {len(value)} characters, more than EC2's {ec2.DESCRIPTION_MAX_LENGTH}.")


def _statements(document) -> list:
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return statements if isinstance(statements, list) else [statements]


@resource_rule(
    "services-iam-no-admin", area="services", category="security",
    description="No IAM policy allows every action on every resource.",
    runbook="IAM reviewed: least privilege, no administrator access",
    remediation="List the actions and resources the role needs (see components/beanstalk/permissions.py's instance policy).",
    types=IAM_POLICY_TYPES,
)
def iam_no_admin(args, report_violation):
    policy = get(args.props, "policy")
    if not isinstance(policy, str):
        return
    try:
        document = json.loads(policy)
    except ValueError:
        return
    for statement in _statements(document):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = items(statement.get("Action"))
        resources = items(statement.get("Resource"))
        if any(a in ("*", "*:*") for a in actions) and "*" in resources:
            report_violation("a statement allows Action '*' on Resource '*' (administrator access).")


@resource_rule(
    "services-log-group-retention", area="services", category="hygiene",
    description="Every CloudWatch log group has a retention.",
    runbook="Logs retained and archived as long as needed, not forever",
    remediation="Set retention_in_days on the log group (the estate's log_retention_days).",
    types=LOG_GROUP,
)
def log_group_retention(args, report_violation):
    if not get(args.props, "retentionInDays"):
        report_violation("retentionInDays is not set: logs are kept (and billed) forever.")


# The edge of the services (CDN, listeners, rate limits), registered after the rules above (order kept).
from . import service_edges  # noqa: E402,F401  (registers)
