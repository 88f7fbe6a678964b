"""External health checks: Route 53 probes each service's public ``/health`` over HTTPS.

Seed 003 asks for an outside check "every minute". Route 53 offers only 10 s (fast, billed extra)
or 30 s between checks from each checker region, so we declare 30 s: at least as often as the seed
asks, at the standard price. Route 53 publishes ``HealthCheckStatus`` in the global-metrics region
only (``data.catalogue.regions``), so the alarm and the widget live there: the alarm factory puts the
alarm on that region's provider and routes it to that region's critical topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.common import Tagging, child, type_token
from components.dashboards import Widget, graph, metric_line
from components.healthchecks.signals import HEALTH_CHECK
from data.catalogue import route53
from data.catalogue.regions import metric_region
from data.model import Estate, Service

REQUEST_INTERVAL_SECONDS = 30  # Route 53 allows 10 or 30
FAILURE_THRESHOLD = 3  # consecutive failures before a checker calls the endpoint unhealthy

@dataclass(frozen=True)
class ServiceHealthCheckArgs:
    """The service probed (its ``public_url`` and health path), its tags and the alarm factory."""

    service: Service
    tags: Tagging
    alarms: AlarmFactory

    @classmethod
    def from_estate(cls, estate: Estate, service: Service, *, alarms: AlarmFactory) -> ServiceHealthCheckArgs:
        if service.public_url is None:
            raise ValueError(f"service {service.name}: a health check needs public_url")
        return cls(service=service, tags=Tagging.of(estate), alarms=alarms)


class ServiceHealthCheck(pulumi.ComponentResource):
    """A Route 53 HTTPS health check on ``public_url`` + health path, and its critical alarm."""

    def __init__(self, name: str, args: ServiceHealthCheckArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("healthchecks", "ServiceHealthCheck"), name, None, opts)
        service = args.service
        url = urlparse(service.public_url)
        self.health_check = aws.route53.HealthCheck(
            f"{service.name}-health-check",
            type="HTTPS",
            fqdn=url.hostname,
            port=url.port or 443,
            resource_path=service.health_check.path,
            request_interval=REQUEST_INTERVAL_SECONDS,
            failure_threshold=FAILURE_THRESHOLD,
            measure_latency=True,
            enable_sni=True,
            reference_name=service.name[: route53.REFERENCE_NAME_MAX_LENGTH],
            tags=args.tags(service=service.name, Name=f"{service.name}-health"),
            opts=child(self),
        )
        (self.alarm,) = args.alarms.signal_alarms(
            self, service.name, HEALTH_CHECK, HEALTH_CHECK.fixed, dimensions={"HealthCheckId": self.health_check.id},
            what=f"Route 53 health check of {service.public_url}{service.health_check.path} ({HEALTH_CHECK.metric.name}, 1 healthy)",
        )
        self.register_outputs({"health_check": self.health_check.id, "alarm": self.alarm.arn})


def health_check_widgets(health_check_id: pulumi.Input[str], stack_region: str) -> list[Widget]:
    """The service section's view of its health check: the status (1 healthy) and the share of
    checkers that see the endpoint healthy, in the region Route 53 publishes them."""
    dimensions = {"HealthCheckId": health_check_id}
    return [graph(
        "External health check (Route 53)", metric_region(route53.NAMESPACE, stack_region),
        [metric_line(HEALTH_CHECK.metric, dimensions, {"stat": HEALTH_CHECK.statistic, "label": "Healthy (1)"}),
         metric_line(route53.HEALTH_CHECK_PERCENTAGE_HEALTHY, dimensions, {"yAxis": "right", "label": "Checkers reporting healthy (%)"})],
        period=HEALTH_CHECK.period, y_axis={"left": {"min": 0, "max": 1}, "right": {"min": 0, "max": 100}},
    )]
