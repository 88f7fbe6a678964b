"""CloudFront distribution metrics (namespace ``AWS/CloudFront``).

CloudFront is global: its metrics exist only in US East (N. Virginia) (``data.catalogue.regions``),
every metric carries the dimensions ``DistributionId`` and ``Region`` whose value is always ``Global``,
and each metric has one valid statistic. The default metrics (``5xxErrorRate``...) are always
published; the additional ones (``CacheHitRate``, ``OriginLatency``, the per-status error rates) only
once the distribution has a monitoring subscription with realtime metrics enabled (a paid option).
Source: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
Additional metrics: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/viewing-cloudfront-metrics.html#monitoring-console.distributions-additional
"""

from __future__ import annotations

from data.catalogue.metrics import Metric

NAMESPACE = "AWS/CloudFront"
SOURCE = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html"
ADDITIONAL_METRICS_SOURCE = (
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/viewing-cloudfront-metrics.html"
    "#monitoring-console.distributions-additional"
)
DISTRIBUTION = ("DistributionId", "Region")
REGION_DIMENSION = "Global"  # the Region dimension's only value, not an AWS region
ADDITIONAL_METRICS = "monitoring subscription with realtime metrics Enabled (additional metrics, paid)"
_PERIOD_NOTE = (
    "The metrics page gives no publishing period; 60 s is the finest period the CloudFront console "
    "graphs, not a documented figure."
)


def _distribution(name: str, description: str, published: str = "always") -> Metric:
    return Metric(NAMESPACE, name, "Percent", DISTRIBUTION, 60, SOURCE, published, description, note=_PERIOD_NOTE)


ERROR_RATE_5XX = _distribution("5xxErrorRate", "viewer requests answered with a 5xx status, % (valid statistic: Average)")
CACHE_HIT_RATE = _distribution(
    "CacheHitRate", "cacheable requests served from the cache, % (valid statistic: Average)", ADDITIONAL_METRICS,
)


def dimension_values(distribution_id: str) -> dict[str, str]:
    """The dimensions of a distribution's metrics."""
    return {"DistributionId": distribution_id, "Region": REGION_DIMENSION}
