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

# ``reference_name`` of a health check: the provider pulumi-aws wraps builds the CallerReference from
# it plus a unique suffix and allows 64 - 26 - 11 = 27 characters (``StringLenBetween(0, 64 - 26 - 11)``
# in terraform-provider-aws internal/service/route53/health_check.go; ``UniqueIDSuffixLength = 26`` in
# terraform-plugin-sdk helper/id). A longer name fails ``pulumi preview`` (the validator runs in Check).
# Route 53's own CallerReference limit (1-64 characters) is the API page's.
REFERENCE_NAME_MAX_LENGTH = 27
REFERENCE_NAME_SOURCE = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/route53/health_check.go"
CALLER_REFERENCE_SOURCE = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html"
