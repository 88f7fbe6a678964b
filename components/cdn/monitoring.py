"""CloudFront distributions the estate watches: alarms in the global-metrics region and the additional metrics.

CloudFront publishes its metrics only in us-east-1 (``data.catalogue.regions``), with the dimensions
``DistributionId`` and ``Region=Global`` (``data.catalogue.cloudfront``). The alarms are created on
the explicit provider of that region and act on its topics (CloudWatch rejects a topic of another
region): ``AlarmFactory.signal_alarms`` picks the region from the metric's namespace. A row reading an
additional metric (``CacheHitRate``) needs the distribution's monitoring subscription, declared here
on the same provider. ``cdn_sections`` draws the same rows on the overview dashboards.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.cdn.signals import SIGNALS, what_of
from components.common import child, type_token
from components.dashboards import HALF, Section
from components.sections import header, metric_line, signal_graph
from data.catalogue import cloudfront
from data.catalogue.regions import metric_region
from data.model import CdnDistribution, Estate


@dataclass
class CdnMonitoringArgs:
    """One distribution of the estate, the alarm factory and the providers per region."""

    distribution: CdnDistribution
    alarms: AlarmFactory
    regions: object  # infra.program.Regions: primary, options(region)


def needs_additional_metrics(distribution: CdnDistribution) -> bool:
    """True when an enabled row reads a metric published only with a monitoring subscription."""
    return any(
        signal.metric.published == cloudfront.ADDITIONAL_METRICS
        and getattr(distribution.thresholds, signal.threshold_key) is not None
        for signal in SIGNALS
    )


class CdnMonitoring(pulumi.ComponentResource):
    """Alarms and the monitoring subscription of one CloudFront distribution."""

    def __init__(self, name: str, args: CdnMonitoringArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("cdn", "CdnMonitoring"), name, None, opts)
        distribution = args.distribution
        region = metric_region(cloudfront.NAMESPACE, args.regions.primary)
        self.alarms: list[aws.cloudwatch.MetricAlarm] = []
        # One owner per distribution (review B-3): a stack sharing the distribution declares it `external`.
        if needs_additional_metrics(distribution) and distribution.monitoring_subscription == "owned":
            self.monitoring_subscription = aws.cloudfront.MonitoringSubscription(
                f"{distribution.name}-additional-metrics",
                distribution_id=distribution.distribution_id,
                monitoring_subscription=aws.cloudfront.MonitoringSubscriptionMonitoringSubscriptionArgs(
                    realtime_metrics_subscription_config=aws.cloudfront.MonitoringSubscriptionMonitoringSubscriptionRealtimeMetricsSubscriptionConfigArgs(
                        realtime_metrics_subscription_status="Enabled",
                    )
                ),
                opts=child(self, args.regions.options(region)),
            )
        for signal in SIGNALS:
            self.alarms += args.alarms.signal_alarms(
                self, distribution.name, signal, getattr(distribution.thresholds, signal.threshold_key),
                dimensions=cloudfront.dimension_values(distribution.distribution_id),
                what=what_of(signal, distribution.distribution_id, getattr(distribution.advice, signal.threshold_key)),
            )
        self.register_outputs({"alarms": [alarm.arn for alarm in self.alarms]})


def cdn_sections(estate: Estate, board_services: list[str]) -> list[Section]:
    """The distributions of the board's services: a graph per watched signal with its levels, in the
    global-metrics region. Their alarms are listed in their service's alarm status, above."""
    sections = []
    for distribution in estate.cdn:
        if distribution.service not in board_services:
            continue
        watched = [s for s in SIGNALS if getattr(distribution.thresholds, s.threshold_key) is not None]
        region = metric_region(cloudfront.NAMESPACE, estate.region)
        widgets = [header(
            f"CloudFront {distribution.name}",
            [f"Distribution `{distribution.distribution_id}` in front of {distribution.service}; "
             f"CloudFront publishes its metrics in {region} only."],
            watched, estate.runbook_url,
        )]
        for signal in watched:
            widgets.append(signal_graph(
                signal, region,
                [metric_line(signal, cloudfront.dimension_values(distribution.distribution_id), signal.metric.name)],
                getattr(distribution.thresholds, signal.threshold_key),
                title=what_of(signal, distribution.distribution_id, getattr(distribution.advice, signal.threshold_key)),
                width=HALF,
            ))
        sections.append(Section(widgets))
    return sections
