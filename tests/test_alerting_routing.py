"""Alert routing: topics per severity in every region with alarms, subscriptions by severity,
topic policies letting CloudWatch publish, and the SMS preferences of runbook 001."""

from __future__ import annotations

import json

import pytest

from data.model import SEVERITIES_BY_URGENCY

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
POLICY = "aws:sns/topicPolicy:TopicPolicy"
SMS = "aws:sns/smsPreferences:SmsPreferences"
REGIONS = ("eu-central-1", "us-east-1")


def routed(render, type_token):
    """Resources of ``type_token`` inside the AlertRouting component (the mail feedback topic is not)."""
    (routing,) = render.of_type("monitored-estate:alerting:AlertRouting")
    return [r for r in render.descendants(routing.urn) if r.type == type_token]


@pytest.fixture(scope="module")
def topics(prod_render):
    return {(prod_render.region_of(t), t.inputs["name"]): t for t in routed(prod_render, TOPIC)}


def test_one_topic_per_severity_in_each_region(topics):
    expected = {(region, f"rt-estate-prod-{sev.value}") for region in REGIONS for sev in SEVERITIES_BY_URGENCY}
    assert set(topics) == expected


def test_subscriptions_follow_the_declared_severities(prod_render, prod_estate):
    by_arn = {t.urn: t for t in routed(prod_render, TOPIC)}
    arn_to_topic = {}
    for topic in by_arn.values():
        region = prod_render.region_of(topic)
        arn_to_topic[f"arn:aws:sns:{region}:123456789012:{topic.inputs['name']}"] = (region, topic.inputs["name"])
    got = set()
    for sub in routed(prod_render, SUBSCRIPTION):
        region, topic_name = arn_to_topic[sub.inputs["topic"]]
        assert prod_render.region_of(sub) == region, "a subscription lives in its topic's region"
        got.add((region, topic_name.rsplit("-", 1)[1], sub.inputs["protocol"], sub.inputs["endpoint"]))
    expected = {
        # A secret reference renders as a Pulumi secret (issue 10 #6).
        (region, sev, s["protocol"], s["endpoint"] if isinstance(s["endpoint"], str) else "[secret]")
        for region in REGIONS
        for s in prod_estate["alerting"]["subscriptions"]
        for sev in s["severities"]
    }
    assert got == expected
    # The runbooks' ladder: critical pages by SMS and the paging endpoint; info never pages.
    assert ("eu-central-1", "critical", "sms", "+33612345678") in got
    assert not any(sev == "info" and proto == "sms" for _, sev, proto, _ in got)


def test_https_subscriptions_wait_for_confirmation_and_email_does_not(prod_render):
    for sub in prod_render.of_type(SUBSCRIPTION):
        if sub.inputs["protocol"] == "https":
            assert sub.inputs["endpointAutoConfirms"] is True
            assert sub.inputs["confirmationTimeoutInMinutes"] > 0
        else:
            assert not sub.inputs.get("endpointAutoConfirms")


def test_topic_policies_let_cloudwatch_of_this_account_publish(prod_render):
    policies = routed(prod_render, POLICY)
    assert len(policies) == 6
    for policy in policies:
        document = json.loads(policy.inputs["policy"])
        cloudwatch = [s for s in document["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
        assert len(cloudwatch) == 1
        statement = cloudwatch[0]
        assert statement["Action"] == "sns:Publish"
        assert statement["Resource"] == policy.inputs["arn"]
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
        assert prod_render.region_of(policy) == policy.inputs["arn"].split(":")[3]


def test_alert_and_feedback_topics_share_one_topic_policy_builder(prod_render):
    # components/common.py topic_policy_document builds both: same account statement, one publish
    # statement per publisher service, each limited to this account.
    from components.common import TOPIC_MANAGEMENT_ACTIONS, TopicPublisher, topic_policy_document

    document = json.loads(topic_policy_document(
        "arn:aws:sns:eu-central-1:111122223333:t", "111122223333",
        [TopicPublisher("A", "a.amazonaws.com"), TopicPublisher("B", "b.amazonaws.com", source_arn="arn:b:*")],
    ))
    a, b, account = document["Statement"]
    assert a["Principal"] == {"Service": "a.amazonaws.com"} and a["Condition"] == {"StringEquals": {"aws:SourceAccount": "111122223333"}}
    assert b["Condition"]["ArnLike"] == {"aws:SourceArn": "arn:b:*"}
    assert account["Action"] == list(TOPIC_MANAGEMENT_ACTIONS)

    feedback = json.loads(prod_render.named("ses-bounces-complaints-policy", POLICY).inputs["policy"])
    alerts = json.loads(routed(prod_render, POLICY)[0].inputs["policy"])
    by_sid = lambda doc: {s["Sid"]: s for s in doc["Statement"]}
    assert set(by_sid(alerts)) == {"CloudWatchAlarmsPublish", "BudgetsPublish", "AccountManagesTopic"}
    assert set(by_sid(feedback)) == {"SesFeedbackPublish", "AccountManagesTopic"}
    assert by_sid(alerts)["AccountManagesTopic"]["Action"] == [*TOPIC_MANAGEMENT_ACTIONS, "sns:Publish"]
    assert by_sid(feedback)["AccountManagesTopic"]["Action"] == list(TOPIC_MANAGEMENT_ACTIONS)


def test_sms_preferences_in_every_region_with_sms_subscribers(prod_render):
    """Issue 10 #5: SMS preferences are regional; the us-east-1 topics carry SMS subscriptions too."""
    sms_regions = {prod_render.region_of(s) for s in prod_render.of_type(SUBSCRIPTION) if s.inputs["protocol"] == "sms"}
    assert sms_regions == set(REGIONS)
    preferences = {prod_render.region_of(p): p for p in prod_render.of_type(SMS)}
    assert set(preferences) == sms_regions
    for region, sms in preferences.items():
        assert sms.inputs["monthlySpendLimit"] == 50 and sms.inputs["defaultSmsType"] == "Transactional", region


def test_no_sms_preferences_without_sms_subscribers(prod_estate, render_estate_dict):
    prod_estate["alerting"]["subscriptions"] = [s for s in prod_estate["alerting"]["subscriptions"] if s["protocol"] != "sms"]
    render = render_estate_dict(prod_estate)
    assert render.of_type(SMS) == []


def _stack_estates():
    from pathlib import Path

    from data.config import estate_from_stack_file, load_stack_file

    root = Path(__file__).resolve().parent.parent
    return {path.name: estate_from_stack_file(load_stack_file(path)) for path in sorted(root.glob("Pulumi.*.yaml"))}


def test_one_stack_owns_the_sms_preferences_of_each_region_of_the_account():
    """SmsPreferences is a regional singleton of the account (deleting it resets the region's SMS settings):
    prod and DR share the account and us-east-1, so only one of them declares it there."""
    from data.model.alerting import sms_preference_owners

    estates = _stack_estates()
    assert sms_preference_owners(estates) == []
    dr = estates["Pulumi.dr.yaml"]
    estates["Pulumi.dr.yaml"] = dr.model_copy(update={"alerting": dr.alerting.model_copy(
        update={"sms": dr.alerting.sms.model_copy(update={"external_regions": []})})})
    (problem,) = sms_preference_owners(estates)
    assert "us-east-1" in problem and "Pulumi.prod.yaml" in problem and "Pulumi.dr.yaml" in problem


def test_dr_declares_no_sms_preferences_in_the_shared_region():
    from pathlib import Path

    from infra.engine import render_stack

    dr = render_stack(Path(__file__).resolve().parent.parent / "Pulumi.dr.yaml")
    assert {dr.region_of(p) for p in dr.of_type(SMS)} == {"eu-west-1"}
