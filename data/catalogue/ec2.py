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

# Security groups and their rules: ``GroupDescription`` (CreateSecurityGroup) and every rule's
# ``Description`` (``IpRange``, ``Ipv6Range``, ``PrefixListId``, ``UserIdGroupPair``, and the
# ``aws_vpc_security_group_*_rule`` resources) accept up to 255 characters of one set, which has no
# apostrophe: "Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*". The Terraform
# provider pulumi-aws wraps validates inline rule descriptions with the same set before any call
# (``validSecurityGroupRuleDescription``), so a description outside it fails ``pulumi preview``.
SECURITY_GROUP_SOURCE = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"
SECURITY_GROUP_RULE_SOURCE = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UserIdGroupPair.html"
DESCRIPTION_MAX_LENGTH = 255
DESCRIPTION_CHARACTERS = "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"
DESCRIPTION_PATTERN = r"^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*$"
