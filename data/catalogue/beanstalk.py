"""Elastic Beanstalk enhanced-health metrics (namespace ``AWS/ElasticBeanstalk``).

Enhanced health publishes ``EnvironmentHealth`` always; every other metric only once the environment's
health reporting configuration (``aws:elasticbeanstalk:healthreporting:system`` ``ConfigDocument``)
lists it, every 60 seconds. Environment metrics have the dimension ``EnvironmentName``; instance
metrics ``EnvironmentName`` and ``InstanceId``.
Source: https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/health-enhanced-cloudwatch.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from data.catalogue import ec2
from data.catalogue.metrics import Metric

NAMESPACE = "AWS/ElasticBeanstalk"
SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/health-enhanced-cloudwatch.html"
PUBLISHING_PERIOD = 60
CONFIG_DOCUMENT = "health reporting ConfigDocument (CloudWatchMetrics)"
ENVIRONMENT = ("EnvironmentName",)
INSTANCE = ("EnvironmentName", "InstanceId")


def _environment(name: str, unit: str, description: str, published: str = CONFIG_DOCUMENT) -> Metric:
    return Metric(NAMESPACE, name, unit, ENVIRONMENT, PUBLISHING_PERIOD, SOURCE, published, description)


def _instance(name: str, unit: str, description: str) -> Metric:
    return Metric(NAMESPACE, name, unit, INSTANCE, PUBLISHING_PERIOD, SOURCE, CONFIG_DOCUMENT, description)


# 0 OK, 1 Info, 5 Unknown, 10 No data, 15 Warning, 20 Degraded, 25 Severe.
ENVIRONMENT_HEALTH = _environment("EnvironmentHealth", "None", "health status as a level 0 (OK) to 25 (Severe)", "always")
HEALTH_LEVELS = {"Ok": 0, "Info": 1, "Unknown": 5, "NoData": 10, "Warning": 15, "Degraded": 20, "Severe": 25}

APPLICATION_LATENCY = {
    percentile: _environment(f"ApplicationLatency{percentile}", "Seconds", f"{percentile} request latency over the last 10 seconds")
    for percentile in ("P10", "P50", "P75", "P85", "P90", "P95", "P99", "P99.9")
}
APPLICATION_REQUESTS = {
    status: _environment(f"ApplicationRequests{status}", "Count", f"requests completed with status {status}")
    for status in ("2xx", "3xx", "4xx", "5xx")
}
APPLICATION_REQUESTS_TOTAL = _environment("ApplicationRequestsTotal", "Count", "requests completed")
INSTANCES = {
    state: _environment(f"Instances{state}", "Count", f"instances in health state {state}")
    for state in ("Ok", "Info", "Unknown", "NoData", "Pending", "Warning", "Degraded", "Severe")
}
LOAD_AVERAGE_1MIN = _instance("LoadAverage1min", "Count", "instance load average over one minute")
ROOT_FILESYSTEM_UTIL = _instance("RootFilesystemUtil", "Percent", "percentage of the root filesystem in use")

# Every metric the namespace publishes, not only those the estate reads (the rows above): enhanced
# health's instance metrics the catalogue has no row for yet. A rule must know them all to tell a
# misspelt or invented name (an alarm that stays INSUFFICIENT_DATA) from a real one.
OTHER_PUBLISHED_METRIC_NAMES = frozenset({
    "InstanceHealth", "LoadAverage5min",
    "CPUIrq", "CPUIdle", "CPUUser", "CPUSystem", "CPUSoftirq", "CPUIowait", "CPUNice", "CPUPrivileged",
})
# Names alarms are written on that ``AWS/ElasticBeanstalk`` does not publish (the seed's alarm on
# AWS/ElasticBeanstalk CPUUtilization, runbook 000), and where that figure is published instead: the
# page lists the namespace's metrics, none of these among them; CPU and network are EC2's metrics by
# Auto Scaling group (``data/catalogue/ec2.py``).
NOT_PUBLISHED_SOURCE = SOURCE
NOT_PUBLISHED_METRICS = {
    "CPUUtilization": f"{ec2.NAMESPACE} {ec2.CPU_UTILIZATION_BY_GROUP.name} by {ec2.CPU_UTILIZATION_BY_GROUP.dimensions[0]}",
    "NetworkIn": "AWS/EC2 NetworkIn by AutoScalingGroupName",
    "NetworkOut": "AWS/EC2 NetworkOut by AutoScalingGroupName",
    "Latency": "AWS/ElasticBeanstalk ApplicationLatencyP95 (or AWS/ApplicationELB TargetResponseTime)",
}

# Enhanced health rules: by default EB counts application 4xx against the environment's health; the
# ConfigDocument's ``Rules`` (beside ``CloudWatchMetrics``) can turn that off. The page's example:
# {"Rules": {"Environment": {"Application": {"ApplicationRequests4xx": {"Enabled": false}}}}, "Version": 1}
RULES_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/health-enhanced-rules.html"
APPLICATION_4XX_RULE = ("Environment", "Application", "ApplicationRequests4xx")

# Platform branches. AWS retires platform *versions* (an older version stays available only to accounts
# that used it recently) and managed updates move environments to newer ones, so the estate names a
# branch's runtime and the program looks the newest solution stack of the branch up at deploy time.
# Solution stack names: "64bit Amazon Linux 2023 v<version> running <runtime>", the runtime being what the
# supported-platforms page names each Amazon Linux 2023 branch by ("Docker", "Python 3.13", "Corretto 21",
# "Tomcat 10 Corretto 21", ".NET 8", ...). Environment secrets (``environmentsecrets``) need a platform
# released on or after 2025-03-26: every version the lookup can return today is newer.
PLATFORMS_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/platforms/platforms-supported.html"
PLATFORM_HISTORY_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/platforms/platform-history-nodejs.html"
PLATFORM_OS = "64bit Amazon Linux 2023"
ENVIRONMENT_SECRETS_MIN_PLATFORM_DATE = "2025-03-26"  # https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/AWSHowTo.secrets.env-vars.html


@dataclass(frozen=True)
class PlatformBranch:
    """One supported Amazon Linux 2023 platform branch: the runtime its solution stacks run, and its platform."""

    runtime: str  # what follows "running" in the solution stack name
    platform: str  # the supported-platforms page's platform (Node.js, Python, Java SE, Tomcat, ...)


def _branches(platform: str, *runtimes: str) -> tuple[PlatformBranch, ...]:
    return tuple(PlatformBranch(runtime, platform) for runtime in runtimes)


PLATFORM_BRANCHES_NOTE = (
    "Not settled by documentation read here: the supported-platforms page's table was not readable in the stored"
    " documentation, so the branch list is written from knowledge of that page, cross-checked only against"
    " solution stack names seen in public code ('running Docker', 'running Python 3.12', 'running Corretto 17',"
    " 'running PHP 8.2'). Branches AWS adds or retires change this list: check"
    " with `aws elasticbeanstalk list-platform-branches --filters Attribute=LifecycleState,Operator==,Values=Supported`."
)
PLATFORM_BRANCHES = {branch.runtime: branch for branch in (
    *_branches("Docker", "Docker", "ECS"),
    *_branches("Node.js", "Node.js 20", "Node.js 22", "Node.js 24"),
    *_branches("Python", "Python 3.11", "Python 3.12", "Python 3.13"),
    *_branches("Java SE", "Corretto 8", "Corretto 11", "Corretto 17", "Corretto 21"),
    *_branches("Tomcat", "Tomcat 9 Corretto 8", "Tomcat 9 Corretto 11", "Tomcat 9 Corretto 17",
               "Tomcat 10 Corretto 17", "Tomcat 10 Corretto 21", "Tomcat 11 Corretto 21"),
    *_branches("Go", "Go 1"),
    *_branches(".NET", ".NET 8", ".NET 9"),
    *_branches("PHP", "PHP 8.2", "PHP 8.3", "PHP 8.4"),
    *_branches("Ruby", "Ruby 3.2", "Ruby 3.3", "Ruby 3.4"),
)}
SUPPORTED_RUNTIMES = tuple(PLATFORM_BRANCHES)
NODE_JS = "Node.js"  # the platform whose applications read NODE_ENV


def platform_of(runtime: str | None) -> str | None:
    """The platform (``Node.js``, ``Python``, ...) of a supported runtime, or None."""
    branch = PLATFORM_BRANCHES.get(runtime or "")
    return branch.platform if branch else None


def supported_stack_pattern() -> str:
    """A regular expression matching the solution stack names of every supported branch."""
    return f"^{_dots(PLATFORM_OS)} v[0-9.]+ running ({'|'.join(_dots(r) for r in SUPPORTED_RUNTIMES)})$"


def solution_stack_regex(runtime: str) -> str:
    """The ``name_regex`` that finds the solution stacks of ``runtime``'s Amazon Linux 2023 branch."""
    # Only the dot needs escaping in these names; the provider filters with Go's RE2 (no "\\ " escape).
    return f"^{_dots(PLATFORM_OS)} v[0-9.]+ running {_dots(runtime)}$"


def _dots(text: str) -> str:
    return text.replace(".", "\\.")


def runtime_of(solution_stack: str) -> str | None:
    """The runtime a solution stack name runs (``Node.js 22``), or None when it is not an AL2023 stack."""
    found = re.match(rf"^{_dots(PLATFORM_OS)} v[0-9.]+ running (.+)$", solution_stack)
    return found.group(1) if found else None


# Every metric name the namespace publishes: the catalogue's rows and the others above.
PUBLISHED_METRIC_NAMES = frozenset(
    metric.name
    for value in list(globals().values())
    for metric in (value.values() if isinstance(value, dict) else (value,))
    if isinstance(metric, Metric) and metric.namespace == NAMESPACE
) | OTHER_PUBLISHED_METRIC_NAMES


# The account's Elastic Beanstalk bucket, one per region ("elasticbeanstalk-region-account-id"), and the
# keys an environment's instances touch in it (issue 10 #13: the managed AWSElasticBeanstalkWebTier
# policy grants s3:Get*/List*/PutObject on every elasticbeanstalk-* bucket and key, i.e. every
# application's versions and source bundles).
# - Writes: the instances' only use of S3 in a web server environment is uploading logs (instance
#   profile page), which land under resources/environments/logs/<tail|bundle|publish>/<env-id>/<instance-id>
#   (logging page).
# - Reads: AWS's own scoped-down instance policy example grants the environment's keys
#   resources/environments/<environment-id>/* (and the bucket itself), nothing else of the bucket.
BUCKET_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/AWSHowTo.S3.html"
INSTANCE_PROFILE_S3_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/concepts-roles-instance.html"
ENVIRONMENT_RESOURCES_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/AWSHowTo.iam.cross-env-s3-access.html"
LOGS_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.logging.html"
ENVIRONMENT_RESOURCES_PREFIX = "resources/environments/"
LOGS_PREFIX = "resources/environments/logs/"
# What the pages leave open, and why the instance policy stops at the two prefixes above:
BUCKET_SCOPE_UNSETTLED = (
    "Per environment: AWS's example scopes reads to resources/environments/<environment-id>/*, but the"
    " environment id (e-...) exists only once the environment does, and the instances of its first launch"
    " already need the policy (the instance profile 'allows them to retrieve application versions from"
    " Amazon S3', concepts-roles); a policy added after creation would leave that launch without access."
    " Per application: no page says under which key an application's versions are stored (the uploader"
    " chooses the S3 key of a source bundle), so no '<application-name>/' prefix is documented. The example"
    " also omits the logs prefix (resources/environments/logs/...), which the logging page documents, so the"
    " example alone would break log uploads. Hence: reads under resources/environments/ (the example's key"
    " family, any environment), writes under resources/environments/logs/ only; one real deployment"
    " confirms that the instances fetch their bundle from there (if not, widen GetObject to the bucket)."
)


# Buckets AWS owns that an environment's instances read platform assets from (the page lists them as
# what a restrictive VPC endpoint policy must still allow, GetObject only): the managed WebTier policy's
# elasticbeanstalk-* covered them; a custom instance policy must name them. Some regions add a suffix.
PLATFORM_BUCKETS_SOURCE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/vpc-vpce.policy.html"
_PLATFORM_BUCKET_SUFFIX = {"me-central-1": "-f08b818c"}  # platform-assets and env-resources only


def platform_buckets(region: str) -> tuple[str, ...]:
    """The AWS-owned buckets of ``region`` the instances read (platform assets, environment resources,
    samples), as the page names them."""
    suffix = _PLATFORM_BUCKET_SUFFIX.get(region, "")
    return (
        f"elasticbeanstalk-platform-assets-{region}{suffix}", f"elasticbeanstalk-env-resources-{region}{suffix}",
        f"elasticbeanstalk-{region}", f"elasticbeanstalk-samples-{region}",
    )


def storage_bucket(region: str, account_id: str) -> str:
    """The account's Elastic Beanstalk bucket of ``region``."""
    return f"elasticbeanstalk-{region}-{account_id}"
