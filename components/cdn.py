"""CloudFront distributions the estate watches: alarms in us-east-1 and the additional metrics.

CloudFront publishes its metrics only in us-east-1, with the dimensions ``DistributionId`` and
``Region=Global`` (seed 000 alarm 3 omits both the region and ``Region``). The alarms are created on
the explicit us-east-1 provider and act on us-east-1 topics: CloudWatch rejects a topic of another
region. ``CacheHitRate`` is one of the paid additional metrics, published only once the
distribution has a monitoring subscription with realtime metrics enabled.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.common import child, type_token
from data.model import CdnDistribution

CLOUDFRONT_REGION = "us-east-1"
NAMESPACE = "AWS/CloudFront"


def cloudfront_dimensions(distribution_id: str) -> dict[str, str]:
    return {"DistributionId": distribution_id, "Region": "Global"}


class CdnMonitoring(pulumi.ComponentResource):
    """Alarms and the monitoring subscription of one CloudFront distribution."""

    def __init__(
        self, name: str, distribution: CdnDistribution, factory: AlarmFactory, regions,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(type_token("cdn", "CdnMonitoring"), name, None, opts)
        thresholds = distribution.thresholds
        dimensions = cloudfront_dimensions(distribution.distribution_id)
        self.alarms: list[aws.cloudwatch.MetricAlarm] = []
        if thresholds.cache_hit_rate is not None:
            self.monitoring_subscription = aws.cloudfront.MonitoringSubscription(
                f"{distribution.name}-additional-metrics",
                distribution_id=distribution.distribution_id,
                monitoring_subscription=aws.cloudfront.MonitoringSubscriptionMonitoringSubscriptionArgs(
                    realtime_metrics_subscription_config=aws.cloudfront.MonitoringSubscriptionMonitoringSubscriptionRealtimeMetricsSubscriptionConfigArgs(
                        realtime_metrics_subscription_status="Enabled",
                    )
                ),
                opts=child(self, regions.options(CLOUDFRONT_REGION)),
            )
        self.alarms += factory.threshold_alarms(
            self, distribution.name, "5xx-rate", thresholds.error_rate_5xx,
            what=f"CloudFront 5xxErrorRate of {distribution.distribution_id} (percentage of requests)",
            unit="%", namespace=NAMESPACE, metric_name="5xxErrorRate", statistic="Average",
            dimensions=dimensions, period=300, evaluation_periods=1, treat_missing_data="notBreaching",
            region=CLOUDFRONT_REGION,
        )
        if thresholds.cache_hit_rate is not None:
            self.alarms += factory.threshold_alarms(
                self, distribution.name, "cache-hit-rate", thresholds.cache_hit_rate,
                what=f"CloudFront CacheHitRate of {distribution.distribution_id} (runbook 000: below 80 %, adjust the TTLs)",
                unit="%", namespace=NAMESPACE, metric_name="CacheHitRate", statistic="Average",
                dimensions=dimensions, period=3600, evaluation_periods=1, treat_missing_data="missing",
                region=CLOUDFRONT_REGION,
            )
        self.register_outputs({"alarms": [alarm.arn for alarm in self.alarms]})
