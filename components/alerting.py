"""Alert routing: one SNS topic per severity in every region that has alarms, and who hears what.

CloudWatch only accepts alarm actions on a topic in the alarm's own region, so each region gets
its own ``<topic_prefix>-critical|warning|info`` topics (estate-inventory B.1 #3). The severity
ladder of seeds 002-004: critical pages (SMS, email, paging endpoint), warning mails, info chats;
who subscribes to which severity is data (``estate.alerting.subscriptions``). A topic exists only for
a severity somebody hears: critical and warning always (alarms publish there, the model requires a
subscriber), info only when subscribed (issue 12 #5: no alarm publishes to it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common import TopicPublisher, child, estate_tags, topic_policy_document, type_token
from data.model import SEVERITIES_BY_URGENCY, Alerting, Estate, SecretRef, Severity, Subscription

# Subscribing an HTTPS endpoint sends a SubscriptionConfirmation; paging services (PagerDuty) and
# our chat relay confirm it themselves, so Pulumi waits for the confirmation instead of leaving a
# pending subscription nobody notices. Email and SMS cannot be auto-confirmed (email needs a human
# click; SMS needs none).
AUTO_CONFIRMING_PROTOCOLS = ("https",)
CONFIRMATION_TIMEOUT_MINUTES = 5


# CloudWatch alarms publish to the alert topics; so do the cost budget's notifications (components/budget.py).
ALERT_PUBLISHERS = (
    TopicPublisher("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com"),
    TopicPublisher("BudgetsPublish", "budgets.amazonaws.com"),
)


def alert_topic_policy(topic_arn: str, account_id: str) -> str:
    """Alarms and budgets of this account publish; the account manages (and may publish: tests, drills)."""
    return topic_policy_document(topic_arn, account_id, ALERT_PUBLISHERS, account_publishes=True)


def subscription_endpoint(subscription: Subscription, opts: pulumi.InvokeOutputOptions) -> pulumi.Input[str]:
    """A subscriber's address: plaintext, or the value of its secret reference as a Pulumi secret (issue 10
    #6), read with ``opts`` (the provider of the region the secret lives in, the estate's primary region)."""
    ref = subscription.endpoint
    if not isinstance(ref, SecretRef):
        return ref
    if ref.secrets_manager is not None:
        # An existing secret, its value put by operators (``estate preflight`` checks it has one).
        value = aws.secretsmanager.get_secret_version_output(secret_id=ref.secrets_manager, opts=opts).secret_string
    elif ref.ssm is not None:
        value = aws.ssm.get_parameter_output(name=ref.ssm, with_decryption=True, opts=opts).value
    else:
        value = pulumi.Config().require_secret(ref.config)
    return pulumi.Output.secret(value)


@dataclass
class AlertRoutingArgs:
    """Who hears what (``estate.alerting``), how topics are titled, and the regions that have alarms."""

    alerting: Alerting
    display_prefix: str  # ``<organisation> <environment>``: the topics' display names start with it
    tags: Callable[..., dict[str, str]]  # estate_tags of the estate, extra tags as keywords
    regions: Any  # infra.program.Regions: all, primary, options(region)

    @classmethod
    def from_estate(cls, estate: Estate, regions) -> AlertRoutingArgs:
        return cls(alerting=estate.alerting, display_prefix=f"{estate.organisation} {estate.environment}",
                   tags=partial(estate_tags, estate), regions=regions)


class AlertRouting(pulumi.ComponentResource):
    """Topics per (region, severity), their subscriptions and policies, and the SMS preferences."""

    def __init__(self, name: str, args: AlertRoutingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("alerting", "AlertRouting"), name, None, opts)
        regions = args.regions
        self._regions = regions
        self._topics: dict[tuple[str, Severity], aws.sns.Topic] = {}
        self._endpoints: dict[str, pulumi.Output[str]] = {}
        alerting = args.alerting
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        for region in regions.all:
            region_opts = regions.options(region)
            for severity in alerting.heard_severities:
                topic_name = f"{alerting.topic_prefix}-{severity.value}"
                topic = aws.sns.Topic(
                    f"{topic_name}-{region}",
                    name=topic_name,
                    display_name=f"{args.display_prefix} {severity.value}"[:100],
                    tags=args.tags(severity=severity.value, purpose="alerts"),
                    opts=child(self, region_opts),
                )
                self._topics[(region, severity)] = topic
                aws.sns.TopicPolicy(
                    f"{topic_name}-{region}-policy",
                    arn=topic.arn,
                    policy=pulumi.Output.all(topic.arn, account_id).apply(lambda args: alert_topic_policy(*args)),
                    opts=child(self, region_opts),
                )
                for subscription in alerting.subscriptions:
                    if severity in subscription.severities:
                        self._subscribe(topic, topic_name, region, subscription, region_opts)

        # SMS preferences (spend limit, message type) are regional (data/catalogue/sns.py): every region whose
        # topics have an SMS subscriber gets its own, and a region without one gets none (issue 10 #5). The
        # account's spend quota in each of them (1 USD by default) must allow the limit: `estate preflight`.
        sms = alerting.sms
        self.sms_preferences: dict[str, aws.sns.SmsPreferences] = {}
        if any(subscription.protocol == "sms" for subscription in alerting.subscriptions):
            for region in regions.all:
                if region in sms.external_regions:  # another stack of the account declares this region's
                    continue
                name = f"{alerting.topic_prefix}-sms-preferences"
                self.sms_preferences[region] = aws.sns.SmsPreferences(
                    name if region == regions.primary else f"{name}-{region}",
                    monthly_spend_limit=sms.monthly_spend_limit,
                    default_sms_type=sms.default_sms_type,
                    opts=child(self, regions.options(region)),
                )
        self.register_outputs(
            {f"{region}/{sev.value}": topic.arn for (region, sev), topic in sorted(self._topics.items(), key=_key)}
        )

    def _endpoint(self, subscription: Subscription) -> pulumi.Input[str]:
        if subscription.name not in self._endpoints:
            primary = pulumi.InvokeOutputOptions(parent=self, provider=self._regions.provider(self._regions.primary))
            self._endpoints[subscription.name] = subscription_endpoint(subscription, primary)
        return self._endpoints[subscription.name]

    def _subscribe(self, topic, topic_name: str, region: str, subscription: Subscription, region_opts) -> None:
        auto_confirms = subscription.protocol in AUTO_CONFIRMING_PROTOCOLS
        aws.sns.TopicSubscription(
            f"{topic_name}-{region}-{subscription.name}",
            topic=topic.arn,
            protocol=subscription.protocol,
            endpoint=self._endpoint(subscription),
            endpoint_auto_confirms=True if auto_confirms else None,
            confirmation_timeout_in_minutes=CONFIRMATION_TIMEOUT_MINUTES if auto_confirms else None,
            opts=child(self, region_opts),
        )

    def topic(self, region: str, severity: Severity | str) -> aws.sns.Topic:
        """The topic alarms of ``severity`` in ``region`` act on (never a topic of another region)."""
        severity = Severity(severity)
        try:
            return self._topics[(region, severity)]
        except KeyError:
            raise KeyError(f"no alert topic for {severity.value} in {region} (regions: {', '.join(self._regions.all)})") from None

    def topic_arns(self) -> list[pulumi.Output[str]]:
        """Every alert topic's ARN in a stable order (for the instances' sns:Publish permission)."""
        return [topic.arn for _, topic in sorted(self._topics.items(), key=_key)]


def _key(item) -> tuple[str, int]:
    (region, severity), _ = item
    return region, SEVERITIES_BY_URGENCY.index(severity)
