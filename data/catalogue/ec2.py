"""EC2 instance metrics (namespace ``AWS/EC2``), aggregated by Auto Scaling group.

Elastic Beanstalk publishes no CPUUtilization of its own: the instances' CPU is EC2's basic monitoring
metric, which CloudWatch also aggregates by the ``AutoScalingGroupName`` dimension (every 5 minutes
with basic monitoring).
Source: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html
"""

from __future__ import annotations

from data.catalogue.metrics import Metric

NAMESPACE = "AWS/EC2"
SOURCE = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html"

CPU_UTILIZATION_BY_GROUP = Metric(
    NAMESPACE, "CPUUtilization", "Percent", ("AutoScalingGroupName",), 300, SOURCE,
    description="percentage of allocated compute units in use, averaged over the group's instances",
)
