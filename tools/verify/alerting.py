"""Alert topics and their subscriptions: every topic of the render exists, and each subscription
the render declares on it is there and confirmed (no PendingConfirmation).

Topics are the render's ``aws:sns/topic:Topic`` (the alert topics of every region and the SES
feedback topic), in their provider's region; a subscription belongs to the topic it depends on, and
its name is its logical name after the topic's (``<topic>-<subscriber>``, components/alerting.py
and components/mail.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from data.catalogue.resources import SUBSCRIPTION, TOPIC
from tools.verify.aws import Unavailable, call
from tools.verify.declared import Context, Declared, by_region
from tools.verify.report import FAIL, PASS

FAMILY, WHAT = "topic", "alert topics"


@dataclass(frozen=True)
class ExpectedSubscription:
    protocol: str
    endpoint: str
    name: str


@dataclass(frozen=True)
class ExpectedTopic:
    name: str
    region: str
    subscriptions: tuple[ExpectedSubscription, ...]


def _topic_of(declared: Declared, subscription, topics: dict[str, ExpectedTopic]) -> ExpectedTopic | None:
    """The topic a subscription depends on, else the one its ``topic`` ARN names."""
    for topic in declared.depends_on(subscription, TOPIC):
        if str(topic.get("urn")) in topics:
            return topics[str(topic.get("urn"))]
    arn = declared.inputs(subscription).get("topic")
    if isinstance(arn, str) and arn.count(":") >= 5:
        region, name = arn.split(":")[3], arn.split(":", 5)[5]
        return next((t for t in topics.values() if (t.region, t.name) == (region, name)), None)
    return None


def expected_topics(declared: Declared) -> list[ExpectedTopic]:
    """The render's topics, each with the subscriptions the render declares on it."""
    topics: dict[str, ExpectedTopic] = {}
    logical: dict[str, str] = {}
    for resource in declared.of_type(TOPIC):
        topic = ExpectedTopic(declared.inputs(resource).get("name") or resource.get("name"), declared.region_of(resource), ())
        if any((t.name, t.region) == (topic.name, topic.region) for t in topics.values()):
            continue  # one topic per name and region
        topics[str(resource.get("urn"))] = topic
        logical[str(resource.get("urn"))] = str(resource.get("name"))
    subscriptions: dict[str, list[ExpectedSubscription]] = {urn: [] for urn in topics}
    for resource in declared.of_type(SUBSCRIPTION):
        topic = _topic_of(declared, resource, topics)
        if topic is None:
            continue
        urn = next(u for u, t in topics.items() if t is topic)
        name = str(resource.get("name"))
        prefix = f"{logical[urn]}-"
        inputs = declared.inputs(resource)
        subscriptions[urn].append(ExpectedSubscription(inputs.get("protocol"), inputs.get("endpoint"),
                                                       name[len(prefix):] if name.startswith(prefix) else name))
    return [ExpectedTopic(t.name, t.region, tuple(subscriptions[urn])) for urn, t in topics.items()]


def check(ctx: Context) -> None:
    for region, topics in by_region(expected_topics(ctx.declared), lambda t: t.region).items():
        sns = ctx.clients("sns", region)
        try:
            arns = _topic_arns(sns)
        except Unavailable as error:
            for topic in topics:
                ctx.unavailable("topic", topic.name, region, error, "SNS ListTopics")
            continue
        for topic in topics:
            arn = arns.get(topic.name)
            if arn is None:
                ctx.add("topic", topic.name, region, FAIL, "missing: the alert topic does not exist",
                        "run `pulumi up`: alarms of this severity have nowhere to send")
                continue
            ctx.add("topic", topic.name, region, PASS, "exists")
            _check_subscriptions(ctx, sns, topic, arn)


def _topic_arns(sns) -> dict[str, str]:
    arns: dict[str, str] = {}
    token = None
    while True:
        page = call(sns.list_topics, **({"NextToken": token} if token else {}))
        for item in page.get("Topics", []):
            arns[item["TopicArn"].rsplit(":", 1)[1]] = item["TopicArn"]
        token = page.get("NextToken")
        if not token:
            return arns


def _check_subscriptions(ctx: Context, sns, topic: ExpectedTopic, topic_arn: str) -> None:
    live = []
    token = None
    while True:
        page = call(sns.list_subscriptions_by_topic, TopicArn=topic_arn, **({"NextToken": token} if token else {}))
        live += page.get("Subscriptions", [])
        token = page.get("NextToken")
        if not token:
            break
    for sub in topic.subscriptions:
        resource = f"{topic.name} -> {sub.name} ({sub.protocol} {sub.endpoint})"
        if sub.endpoint == "[secret]":  # a secret reference (issue 10 #6): the value is not ours to read or print
            taken = {s.endpoint for s in topic.subscriptions if s.endpoint != "[secret]"}
            matches = [s for s in live if s.get("Protocol") == sub.protocol and s.get("Endpoint") not in taken]
        else:
            matches = [s for s in live if s.get("Protocol") == sub.protocol and s.get("Endpoint") == sub.endpoint]
        if not matches:
            ctx.add("subscription", resource, topic.region, FAIL, "missing: the subscriber is not subscribed",
                    "run `pulumi up` to subscribe it again (someone unsubscribed, or the endpoint changed by hand)")
            continue
        arn = matches[0].get("SubscriptionArn", "")
        pending = arn in ("PendingConfirmation", "pending confirmation") or not arn.startswith("arn:")
        if not pending:
            try:
                attributes = call(sns.get_subscription_attributes, SubscriptionArn=arn).get("Attributes", {})
                pending = attributes.get("PendingConfirmation") == "true"
            except (Unavailable, LookupError) as error:
                ctx.unavailable("subscription", resource, topic.region, error, "SNS GetSubscriptionAttributes")
                continue
        if pending:
            ctx.add("subscription", resource, topic.region, FAIL,
                    "PendingConfirmation: the subscriber never confirmed, alerts are not delivered to it",
                    _confirm_action(sub, topic))
        else:
            ctx.add("subscription", resource, topic.region, PASS, "confirmed")


def _confirm_action(sub: ExpectedSubscription, topic: ExpectedTopic) -> str:
    if sub.protocol == "email":
        return (f"ask {sub.endpoint} to click 'Confirm subscription' in the mail 'AWS Notification - Subscription"
                f" Confirmation' (valid 3 days); if it expired: `aws sns subscribe --region {topic.region}"
                f" --topic-arn <arn of {topic.name}> --protocol email --notification-endpoint {sub.endpoint}`"
                " (runbook 001, post-deployment tests)")
    return (f"the endpoint {sub.endpoint} did not confirm: check it answers SNS SubscriptionConfirmation"
            " requests, then `pulumi up` (which waits for the confirmation)")
