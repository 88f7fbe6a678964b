"""Region rules.

CloudFront and Route 53 are global services: they publish their CloudWatch metrics in US East
(N. Virginia) only, so an alarm or a widget on those metrics lives in us-east-1 whatever the stack's
region, and an alarm there can act only on topics of us-east-1 (estate-inventory B.1 #3).
"""

from __future__ import annotations

import functools

GLOBAL_METRICS_REGION = "us-east-1"
# The namespaces whose metrics exist only in GLOBAL_METRICS_REGION, with the page that says so.
GLOBAL_METRIC_NAMESPACES: dict[str, str] = {
    "AWS/CloudFront": "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html",
    "AWS/Route53": "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html",
}


def metric_region(namespace: str, stack_region: str) -> str:
    """Where a metric of ``namespace`` is published for a stack in ``stack_region``."""
    return GLOBAL_METRICS_REGION if namespace in GLOBAL_METRIC_NAMESPACES else stack_region


def regions_of(stack_region: str) -> list[str]:
    """The regions an estate in ``stack_region`` uses: its own, and the global-metrics region."""
    return [stack_region] if stack_region == GLOBAL_METRICS_REGION else [stack_region, GLOBAL_METRICS_REGION]


# The AWS regions: botocore's endpoint data (every partition), shipped with the package, read without a
# session (0.3 s of start-up saved). The human list: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
AWS_REGIONS_SOURCE = "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html"


@functools.cache
def aws_regions() -> frozenset[str]:
    """The AWS regions botocore knows, every partition (no network)."""
    import importlib.resources
    import json

    endpoints = json.loads(importlib.resources.files("botocore").joinpath("data/endpoints.json").read_text("utf-8"))
    return frozenset(region for partition in endpoints["partitions"] for region in partition["regions"])
