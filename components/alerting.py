"""Alert routing: one SNS topic per severity in every region that has alarms, and who hears what.

CloudWatch only accepts alarm actions on a topic in the alarm's own region, so each region gets
its own ``<topic_prefix>-critical|warning|info`` topics (estate-inventory B.1 #3). The severity
ladder of seeds 002-004: critical pages (SMS, email, paging endpoint), warning mails, info chats;
who subscribes to which severity is data (``estate.alerting.subscriptions``). A topic exists only for
a severity somebody hears: critical and warning always (alarms publish there, the model requires a
subscriber), info only when subscribed (issue 12 #5: no alarm publishes to it).

Routing by service: a team (``estate.alerting.teams``) gets ``<topic_prefix>-<team>-<severity>``
topics in every region with alarms, for the severities its subscribers hear; an alarm of one of its
services acts on that topic as well as on the estate-wide one (``topics_for``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common import TopicPublisher, child, estate_tags, topic_policy_document, type_token
from data.model import SEVERITIES_BY_URGENCY, Alerting, Estate, SecretRef, Severity, Subscription, Team

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
        self._team_topics: dict[tuple[str, str, Severity], aws.sns.Topic] = {}
        self._endpoints: dict[tuple[str, str], pulumi.Output[str]] = {}
        alerting = args.alerting
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        self._args = args
        self._policy = lambda arn: pulumi.Output.all(arn, account_id).apply(lambda values: alert_topic_policy(*values))
        for region in regions.all:
            for severity in alerting.heard_severities:
                self._topics[(region, severity)] = self._topic(region, severity, None, alerting.subscriptions)
            # A team's topics only for the severities it has subscribers for: a topic nobody hears is noise.
            for team in alerting.teams:
                for severity in team.severities:
                    self._team_topics[(region, team.name, severity)] = self._topic(region, severity, team, team.subscriptions)

        # SMS preferences (spend limit, message type) are regional (data/catalogue/sns.py): every region whose
        # topics have an SMS subscriber gets its own, and a region without one gets none (issue 10 #5). The
        # account's spend quota in each of them (1 USD by default) must allow the limit: `estate preflight`.
        sms = alerting.sms
        self.sms_preferences: dict[str, aws.sns.SmsPreferences] = {}
        if any(subscription.protocol == "sms" for subscription in alerting.all_subscriptions):
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
        self.register_outputs({
            **{f"{region}/{sev.value}": topic.arn for (region, sev), topic in sorted(self._topics.items(), key=_key)},
            **{f"{region}/{team}/{sev.value}": topic.arn for (region, team, sev), topic in self._team_topics.items()},
        })

    def _topic(self, region: str, severity: Severity, team: Team | None, subscriptions: list[Subscription]) -> aws.sns.Topic:
        """The topic of ``severity`` in ``region`` (estate-wide, or ``team``'s), its policy and its subscriptions."""
        args, region_opts = self._args, self._regions.options(region)
        prefix = args.alerting.topic_prefix if team is None else f"{args.alerting.topic_prefix}-{team.name}"
        topic_name = f"{prefix}-{severity.value}"
        team_tag = {} if team is None else {"team": team.name}
        topic = aws.sns.Topic(
            f"{topic_name}-{region}",
            name=topic_name,
            display_name=f"{args.display_prefix}{'' if team is None else ' ' + team.name} {severity.value}"[:100],
            tags=args.tags(severity=severity.value, purpose="alerts", **team_tag),
            opts=child(self, region_opts),
        )
        aws.sns.TopicPolicy(f"{topic_name}-{region}-policy", arn=topic.arn, policy=self._policy(topic.arn),
                            opts=child(self, region_opts))
        for subscription in subscriptions:
            if severity in subscription.severities:
                self._subscribe(topic, topic_name, region, subscription, team, region_opts)
        return topic

    def _endpoint(self, subscription: Subscription, team: Team | None) -> pulumi.Input[str]:
        key = (team.name if team else "", subscription.name)  # names are unique within the estate list or a team
        if key not in self._endpoints:
            primary = pulumi.InvokeOutputOptions(parent=self, provider=self._regions.provider(self._regions.primary))
            self._endpoints[key] = subscription_endpoint(subscription, primary)
        return self._endpoints[key]

    def _subscribe(self, topic, topic_name: str, region: str, subscription: Subscription, team: Team | None, region_opts) -> None:
        auto_confirms = subscription.protocol in AUTO_CONFIRMING_PROTOCOLS
        aws.sns.TopicSubscription(
            f"{topic_name}-{region}-{subscription.name}",
            topic=topic.arn,
            protocol=subscription.protocol,
            endpoint=self._endpoint(subscription, team),
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

    def topics_for(self, region: str, severity: Severity | str, team: str | None) -> list[aws.sns.Topic]:
        """The topics an alarm of ``severity`` in ``region`` acts on: the estate-wide one, then ``team``'s when the
        team has subscribers at that severity."""
        topics = [self.topic(region, severity)]
        team_topic = self._team_topics.get((region, team, Severity(severity))) if team else None
        return topics + ([team_topic] if team_topic is not None else [])

    def topic_arns(self) -> list[pulumi.Output[str]]:
        """Every alert topic's ARN in a stable order (for the instances' sns:Publish permission)."""
        return [topic.arn for _, topic in sorted(self._topics.items(), key=_key)]


def _key(item) -> tuple[str, int]:
    (region, severity), _ = item
    return region, SEVERITIES_BY_URGENCY.index(severity)
