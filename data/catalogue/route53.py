"""Route 53 health-check metrics (namespace ``AWS/Route53``).

Every health check publishes its metrics once a minute, by the dimension ``HealthCheckId``, in US East
(N. Virginia) only whatever the region of the stack (``data.catalogue.regions``): an alarm or a widget
on them lives in that region.
Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html
Metrics and dimensions: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-cloudwatch.html
"""

from __future__ import annotations

from data.catalogue.metrics import Metric

NAMESPACE = "AWS/Route53"
SOURCE = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html"
PUBLISHING_PERIOD = 60
HEALTH_CHECK = ("HealthCheckId",)

# 1 healthy, 0 unhealthy: Minimum over a period is 0 as soon as one minute was unhealthy.
HEALTH_CHECK_STATUS = Metric(
    NAMESPACE, "HealthCheckStatus", "None", HEALTH_CHECK, PUBLISHING_PERIOD, SOURCE,
    description="status of the endpoint: 1 healthy, 0 unhealthy",
)
HEALTH_CHECK_PERCENTAGE_HEALTHY = Metric(
    NAMESPACE, "HealthCheckPercentageHealthy", "Percent", HEALTH_CHECK, PUBLISHING_PERIOD, SOURCE,
    description="percentage of the Route 53 health checkers that consider the endpoint healthy",
)
