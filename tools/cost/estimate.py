"""The monthly cost of a render, from the catalogue's price table (data/catalogue/prices.py).

``estimate(render)`` prices what the render declares, one line per service, family, item and region:
quantity x unit price = monthly USD, with the price's source. What the table cannot price stays a line
with no amount ("not priced") and the reason; ``NOT_PRICED`` lists what no line covers (data transfer,
request volumes...). Pure: no Pulumi import, so the policy pack's cost rule uses it too.

Quantities come from the resources' inputs: instances are the environment's minimum (the floor of the
bill, what runs when nothing scales), a month is 730 hours.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from data.catalogue import prices
from data.catalogue.prices import HOURS_PER_MONTH, Price
from tools.cost.resources import Resource, from_render

ESTATE = "(estate)"  # resources no single service owns: dashboards, topics, the budget, the database
EB_ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"


@dataclass(frozen=True)
class CostLine:
    service: str
    family: str
    item: str
    region: str
    quantity: float
    price: Price
    hours: float = 1.0  # hours per unit-month when the price is hourly
    note: str = ""

    @property
    def monthly_usd(self) -> float | None:
        if self.price.usd is None:
            return None
        return round(self.quantity * self.price.usd * self.hours, 2)  # cents, so the breakdown adds up to the total

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service, "family": self.family, "item": self.item, "region": self.region,
            "quantity": self.quantity, "unit": self.price.unit, "unit_usd": self.price.usd,
            "hours_per_month": self.hours if self.hours != 1.0 else None, "monthly_usd": self.monthly_usd,
            "status": self.price.status, "source": self.price.source, "read_on": self.price.read_on or None,
            "date_read": self.price.date_read, "note": " ".join(n for n in (self.note, self.price.note) if n),
        }


@dataclass
class CostEstimate:
    stack: str
    lines: list[CostLine] = field(default_factory=list)
    not_priced: tuple[str, ...] = prices.NOT_PRICED

    @property
    def total_usd(self) -> float:
        return round(sum(line.monthly_usd or 0.0 for line in self.lines), 2)

    @property
    def unpriced_lines(self) -> list[CostLine]:
        return [line for line in self.lines if line.monthly_usd is None]

    def by_service_family(self) -> dict[tuple[str, str], float]:
        out: dict[tuple[str, str], float] = defaultdict(float)
        for line in self.lines:
            out[(line.service, line.family)] += line.monthly_usd or 0.0
        return {key: round(value, 2) for key, value in sorted(out.items())}

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack, "total_usd": self.total_usd, "hours_per_month": HOURS_PER_MONTH,
            "hours_per_month_source": prices.HOURS_PER_MONTH_SOURCE,
            "by_service_family": [{"service": s, "family": f, "monthly_usd": v} for (s, f), v in self.by_service_family().items()],
            "lines": [line.to_dict() for line in self.lines], "not_priced": list(self.not_priced),
        }


# --------------------------------------------------------------------------------------------------
# Reading inputs (values unknown during a preview are strings: they price nothing)
# --------------------------------------------------------------------------------------------------


def _number(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return default


def _service(resource: Resource) -> str:
    service = resource.tags.get("service")
    return service if isinstance(service, str) and service else ESTATE


def eb_option(environment: Resource, namespace: str, name: str) -> Any:
    for setting in environment.get("settings", []):
        if isinstance(setting, dict) and setting.get("namespace") == namespace and setting.get("name") == name:
            return setting.get("value")
    return None


def min_instances(environment: Resource) -> int:
    """The environment's floor: MinSize, or 1 for a single-instance environment (EB's default MinSize is 1)."""
    if eb_option(environment, "aws:elasticbeanstalk:environment", "EnvironmentType") == "SingleInstance":
        return 1
    return int(_number(eb_option(environment, "aws:autoscaling:asg", "MinSize"), 1))


# --------------------------------------------------------------------------------------------------
# One function per family: (resource, context) -> lines
# --------------------------------------------------------------------------------------------------


@dataclass
class _Context:
    region: str | None
    environments: dict[str, Resource]  # EB environment name -> environment
    services_on_eb: set[str] = field(default_factory=set)  # their health checks watch an AWS endpoint
    lines: list[CostLine] = field(default_factory=list)

    def add(self, resource: Resource | None, family: str, item: str, key: str, quantity: float, *, region: str | None = None,
            hourly: bool = False, service: str | None = None, note: str = "") -> None:
        where = region or (resource.region if resource else None) or self.region or "unknown"
        price = prices.price(key, where)
        self.lines.append(CostLine(
            service or (_service(resource) if resource else ESTATE), family, item, where, quantity, price,
            HOURS_PER_MONTH if hourly else 1.0, note,
        ))


_INSIGHTS_ENVIRONMENT = re.compile(r"EnvironmentName\s*=\s*'([^']+)'")


def _metrics_insights_metrics(expression: str, context: _Context) -> tuple[int, str]:
    """How many metrics a Metrics Insights query analyses: an EB instance query reads one metric per
    instance of the environment it names (its minimum); otherwise 1, said so."""
    found = _INSIGHTS_ENVIRONMENT.search(expression)
    environment = context.environments.get(found.group(1)) if found else None
    if environment is not None and "InstanceId" in expression:
        return min_instances(environment), f"one metric per instance of {environment.get('name')} (its minimum)"
    return 1, "the metrics the query analyses are not known offline: counted as 1"


def _alarm(resource: Resource, context: _Context) -> None:
    queries = [q for q in resource.get("metricQueries", []) if isinstance(q, dict)]
    periods = [_number(resource.get("period"), 60)] + [_number((q.get("metric") or {}).get("period") or q.get("period"), 60) for q in queries]
    resolution = "high-resolution" if any(0 < p < 60 for p in periods) else "standard"
    if not queries:
        context.add(resource, "alarms", f"{resolution} alarm metrics", f"cloudwatch.alarm-metric.{resolution}", 1)
        return
    direct = sum(1 for q in queries if isinstance(q.get("metric"), dict))
    for query in queries:
        expression = str(query.get("expression") or "")
        if "ANOMALY_DETECTION_BAND" in expression:
            context.add(resource, "alarms", "anomaly-detection alarm metrics", "cloudwatch.alarm-metric.anomaly-detection",
                        prices.ANOMALY_DETECTION_METRICS)
            direct = max(direct - 1, 0)  # the band's metric is among the three
        elif expression.lstrip().upper().startswith("SELECT"):
            analysed, why = _metrics_insights_metrics(expression, context)
            context.add(resource, "alarms", "Metrics Insights metrics analysed", "cloudwatch.alarm-metric.metrics-insights",
                        analysed, note=why)
    if direct:
        context.add(resource, "alarms", f"{resolution} alarm metrics", f"cloudwatch.alarm-metric.{resolution}", direct)


def _composite_alarm(resource: Resource, context: _Context) -> None:
    context.add(resource, "alarms", "composite alarms", "cloudwatch.composite-alarm", 1)


def _environment(resource: Resource, context: _Context) -> None:
    instances = min_instances(resource)
    types = str(eb_option(resource, "aws:ec2:instances", "InstanceTypes")
                or eb_option(resource, "aws:autoscaling:launchconfiguration", "InstanceType") or "t3.micro")
    instance_type = types.split(",")[0].strip()
    context.add(resource, "compute", f"{instance_type} instances (minimum)", f"ec2.instance.{instance_type}", instances, hourly=True)
    volume = _number(eb_option(resource, "aws:autoscaling:launchconfiguration", "RootVolumeSize"), 0)
    if volume and eb_option(resource, "aws:autoscaling:launchconfiguration", "RootVolumeType") == "gp3":
        context.add(resource, "compute", "gp3 root volumes (GB)", "ebs.gp3", volume * instances)
    _load_balancer(resource, context)
    _enhanced_health_metrics(resource, context, instances)


def _load_balancer(resource: Resource, context: _Context) -> None:
    if resource.get("tier", "WebServer") != "WebServer":
        return  # a worker environment has no load balancer
    if eb_option(resource, "aws:elasticbeanstalk:environment", "EnvironmentType") == "SingleInstance":
        return
    if str(eb_option(resource, "aws:elasticbeanstalk:environment", "LoadBalancerIsShared")).lower() == "true":
        return  # a shared load balancer is priced once, where it is declared
    kind = eb_option(resource, "aws:elasticbeanstalk:environment", "LoadBalancerType") or "application"
    key = "elb.application.hour" if kind == "application" else f"elb.{kind}.hour"
    context.add(resource, "load balancers", f"{kind} load balancer", key, 1, hourly=True)
    context.add(resource, "load balancers", "capacity units (LCU-hours)", "elb.lcu", 1, note="per load balancer; they follow the traffic")


def _enhanced_health_metrics(resource: Resource, context: _Context, instances: int) -> None:
    """EB enhanced health publishes the ConfigDocument's CloudWatchMetrics as custom metrics: environment
    metrics once, instance metrics per instance (data/catalogue/beanstalk.py); EnvironmentHealth is free."""
    try:
        document = json.loads(str(eb_option(resource, "aws:elasticbeanstalk:healthreporting:system", "ConfigDocument") or "{}"))
    except ValueError:
        return
    metrics = (document.get("CloudWatchMetrics") or {}) if isinstance(document, dict) else {}
    environment = [name for name in (metrics.get("Environment") or {}) if name != "EnvironmentHealth"]
    instance = list(metrics.get("Instance") or {})
    count = len(environment) + len(instance) * instances
    if count:
        context.add(resource, "custom metrics", "EB enhanced health metrics", "cloudwatch.custom-metric", count,
                    note=f"{len(environment)} environment + {len(instance)} instance metrics x {instances} instances")


def _health_check(resource: Resource, context: _Context) -> None:
    check_type = str(resource.get("type", ""))
    if check_type in ("CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL"):
        endpoint = "aws-endpoint"
    else:  # an estate service on Elastic Beanstalk runs in the account; an external one does not
        endpoint = "aws-endpoint" if _service(resource) in context.services_on_eb else "non-aws-endpoint"
    context.add(resource, "health checks", f"health checks ({endpoint.replace('-', ' ')})",
                f"route53.health-check.{endpoint}", 1, region=prices.GLOBAL)
    options = [name for name, on in (
        ("HTTPS", check_type.startswith("HTTPS")), ("string matching", check_type.endswith("STR_MATCH")),
        ("fast interval", _number(resource.get("requestInterval"), 30) < 30), ("latency measurement", resource.get("measureLatency") is True),
    ) if on]
    for option in options:
        context.add(resource, "health checks", f"option: {option}", f"route53.health-check.option.{endpoint}", 1, region=prices.GLOBAL)


def _monitoring_subscription(resource: Resource, context: _Context) -> None:
    config = (resource.get("monitoringSubscription") or {}).get("realtimeMetricsSubscriptionConfig") or {}
    if config.get("realtimeMetricsSubscriptionStatus") == "Enabled":
        context.add(resource, "custom metrics", "CloudFront additional metrics", "cloudwatch.custom-metric",
                    prices.CLOUDFRONT_ADDITIONAL_METRIC_COUNT, note=prices.CLOUDFRONT_ADDITIONAL_METRICS_NOTE)


def _replication_group(resource: Resource, context: _Context) -> None:
    if resource.get("numNodeGroups"):
        nodes = _number(resource.get("numNodeGroups")) * (1 + _number(resource.get("replicasPerNodeGroup")))
    else:
        nodes = _number(resource.get("numCacheClusters"), 1)
    node_type = resource.get("nodeType", "unknown")
    context.add(resource, "cache", f"{node_type} nodes", f"elasticache.node.{node_type}", nodes, hourly=True)


def _cache_cluster(resource: Resource, context: _Context) -> None:
    node_type = resource.get("nodeType", "unknown")
    context.add(resource, "cache", f"{node_type} nodes", f"elasticache.node.{node_type}", _number(resource.get("numCacheNodes"), 1), hourly=True)


def _atlas_cluster(resource: Resource, context: _Context) -> None:
    configs = [c for spec in resource.get("replicationSpecs", []) for c in (spec.get("regionConfigs") or [])]
    if not configs:
        return
    preferred = max(configs, key=lambda c: _number(c.get("priority"), 0))
    tier = (preferred.get("electableSpecs") or {}).get("instanceSize", "unknown")
    region = str(preferred.get("regionName", "unknown")).lower().replace("_", "-")
    note = "other regions of a multi-region cluster are not priced" if len(configs) > 1 else ""
    context.add(resource, "database", f"Atlas {tier} cluster ({preferred.get('providerName', '?')})", f"atlas.tier.{tier}", 1,
                region=region, hourly=True, note=note)


def _secret(resource: Resource, context: _Context) -> None:
    context.add(resource, "secrets", "secrets", "secretsmanager.secret", 1)
    for replica in resource.get("replicas", []):
        region = replica.get("region") if isinstance(replica, dict) else None
        context.add(resource, "secrets", "replica secrets", "secretsmanager.replica", 1, region=region if isinstance(region, str) else None)


def _subscription(resource: Resource, context: _Context) -> None:
    if resource.get("protocol") == "sms":
        context.add(resource, "alert routing", "SMS subscriptions (per message)", "sns.sms", 1)


def _bucket(resource: Resource, context: _Context) -> None:
    context.add(resource, "storage", "S3 buckets (volume-based)", "s3.storage", 1)


FAMILIES: dict[str, Callable[[Resource, _Context], None]] = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": _composite_alarm,
    EB_ENVIRONMENT: _environment,
    "aws:route53/healthCheck:HealthCheck": _health_check,
    "aws:cloudfront/monitoringSubscription:MonitoringSubscription": _monitoring_subscription,
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:elasticache/cluster:Cluster": _cache_cluster,
    "mongodbatlas:index/advancedCluster:AdvancedCluster": _atlas_cluster,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
}


def _per_account(resources: list[Resource], context: _Context) -> None:
    """Dashboards and budgets: the free allowance is the account's, counted here against this stack alone."""
    dashboards = sum(1 for r in resources if r.type == "aws:cloudwatch/dashboard:Dashboard")
    if dashboards:
        context.add(None, "dashboards", f"dashboards beyond the free {prices.FREE_DASHBOARDS} ({dashboards} declared)",
                    "cloudwatch.dashboard", max(0, dashboards - prices.FREE_DASHBOARDS))
    budgets = sum(1 for r in resources if r.type == "aws:budgets/budget:Budget")
    if budgets:
        context.add(None, "budgets", f"budgets beyond the free {prices.FREE_BUDGETS} ({budgets} declared)", "budgets.budget",
                    max(0, budgets - prices.FREE_BUDGETS) * prices.DAYS_PER_MONTH, region=prices.GLOBAL)
    sms = [r for r in resources if r.type == "aws:sns/smsPreferences:SmsPreferences" and r.get("monthlySpendLimit")]
    for preferences in sms:
        context.lines[:] = [
            CostLine(line.service, line.family, line.item, line.region, line.quantity, line.price, line.hours,
                     f"capped at {preferences.get('monthlySpendLimit')} USD a month in {line.region} (SmsPreferences)")
            if line.price.key == "sns.sms" and line.region == preferences.region else line
            for line in context.lines
        ]


def estimate(render: Any, *, region: str | None = None, stack: str | None = None) -> CostEstimate:
    """The monthly estimate of a render (``infra.engine.Render``, its JSON contract, or ``Resource`` records)."""
    resources = render if isinstance(render, list) else from_render(render, region)
    default_region = (region or getattr(render, "region", None) or (render.get("region") if isinstance(render, dict) else None)
                      or _most_common_region(resources))
    environments = {str(r.get("name")): r for r in resources if r.type == EB_ENVIRONMENT}
    context = _Context(default_region, environments, {_service(r) for r in environments.values()})
    for resource in resources:
        price_it = FAMILIES.get(resource.type)
        if price_it is not None:
            price_it(resource, context)
    _per_account(resources, context)
    name = stack or getattr(render, "stack", None) or (render.get("stack") if isinstance(render, dict) else None) or "?"
    return CostEstimate(str(name), _merge(context.lines))


def _most_common_region(resources: list[Resource]) -> str | None:
    """The stack's region when no one says it but every AWS resource knows its own (the policy pack's records,
    where the default provider carries it): where most resources are. A JSON render without its region has
    resources that do not know theirs: None, and their lines say "unknown" (not priced) rather than guess."""
    if any(r.region is None and r.type.startswith("aws:") for r in resources):
        return None
    regions = Counter(r.region for r in resources if r.region)
    return regions.most_common(1)[0][0] if regions else None


def _merge(lines: Iterable[CostLine]) -> list[CostLine]:
    """One line per service, family, item, region and price: quantities added."""
    merged: dict[tuple, CostLine] = {}
    for line in lines:
        key = (line.service, line.family, line.item, line.region, line.price.key, line.note)
        if key in merged:
            previous = merged[key]
            merged[key] = CostLine(previous.service, previous.family, previous.item, previous.region,
                                   previous.quantity + line.quantity, previous.price, previous.hours, previous.note)
        else:
            merged[key] = line
    return sorted(merged.values(), key=lambda l: (l.service == ESTATE, l.service, l.family, l.item, l.region))
