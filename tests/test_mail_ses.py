"""SES of prod (components/mail.py): identities, DKIM, MAIL FROM, bounce AND complaint feedback
(the seed wires only bounces), the feedback topic and its policy, templates, the TLS-only
configuration set with reputation metrics, reputation alarms and the DNS records to publish."""

from __future__ import annotations

import json

import botocore.session
import pytest

from components.mail.domain import dns_records

NOTIFICATION = "aws:ses/identityNotificationTopic:IdentityNotificationTopic"
FEEDBACK_ARN = "arn:aws:sns:eu-central-1:123456789012:ses-bounces-complaints"


def test_domain_identity_dkim_and_mail_from(prod_render):
    (identity,) = prod_render.of_type("aws:ses/domainIdentity:DomainIdentity")
    assert identity.inputs == {"domain": "symphonia.fr"}
    (dkim,) = prod_render.of_type("aws:ses/domainDkim:DomainDkim")
    assert dkim.inputs == {"domain": "symphonia.fr"}
    (mail_from,) = prod_render.of_type("aws:ses/mailFrom:MailFrom")
    assert mail_from.inputs == {"domain": "symphonia.fr", "mailFromDomain": "mail.symphonia.fr", "behaviorOnMxFailure": "UseDefaultValue"}
    # Decision: no DomainIdentityVerification (it only waits for DNS we do not publish).
    assert prod_render.of_type("aws:ses/domainIdentityVerification:DomainIdentityVerification") == []


def test_sender_identities(prod_render):
    emails = sorted(r.inputs["email"] for r in prod_render.of_type("aws:ses/emailIdentity:EmailIdentity"))
    assert emails == ["affret@symphonia.fr", "noreply@symphonia.fr"]


def test_bounce_and_complaint_for_the_domain_and_every_sender(prod_render):
    got = {(r.inputs["identity"], r.inputs["notificationType"]) for r in prod_render.of_type(NOTIFICATION)}
    identities = ("symphonia.fr", "noreply@symphonia.fr", "affret@symphonia.fr")
    assert got == {(i, t) for i in identities for t in ("Bounce", "Complaint")}
    for r in prod_render.of_type(NOTIFICATION):
        assert r.inputs["topicArn"] == FEEDBACK_ARN
        assert r.inputs["includeOriginalHeaders"] is True
    # Values SES accepts (botocore's model of the API).
    enum = botocore.session.get_session().get_service_model("ses").shape_for("NotificationType").enum
    assert {t for _, t in got} <= set(enum)


def test_feedback_topic_policy_lets_ses_of_this_account_publish(prod_render):
    topic = prod_render.named("ses-bounces-complaints", "aws:sns/topic:Topic")
    assert topic.inputs["name"] == "ses-bounces-complaints"
    assert prod_render.region_of(topic) == "eu-central-1"
    policy = prod_render.named("ses-bounces-complaints-policy", "aws:sns/topicPolicy:TopicPolicy")
    document = json.loads(policy.inputs["policy"])
    (ses,) = [s for s in document["Statement"] if s.get("Principal") == {"Service": "ses.amazonaws.com"}]
    assert ses["Action"] == "sns:Publish" and ses["Resource"] == FEEDBACK_ARN
    assert ses["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert ses["Condition"]["ArnLike"]["aws:SourceArn"].startswith("arn:aws:ses:eu-central-1:123456789012:identity/")
    # Notifications are set once SES may publish (SES checks it when the topic is set).
    for r in prod_render.of_type(NOTIFICATION):
        assert policy.urn in r.dependencies


def test_feedback_has_a_subscriber(prod_render):
    topic = prod_render.named("ses-bounces-complaints", "aws:sns/topic:Topic")
    subs = [s for s in prod_render.of_type("aws:sns/topicSubscription:TopicSubscription") if topic.urn in s.dependencies]
    assert [(s.inputs["protocol"], s.inputs["endpoint"]) for s in subs] == [("email", "support@symphonia.fr")]


def test_affretia_invitation_template(prod_render):
    template = prod_render.named("affretia-invitation", "aws:ses/template:Template")
    assert template.inputs["subject"] == "Invitation à essayer Affret.IA - Plateforme de fret intelligente"
    assert "{{name}}" in template.inputs["html"] and "{{name}}" in template.inputs["text"]


def test_configuration_set_requires_tls_and_publishes_reputation(prod_render):
    (config_set,) = prod_render.of_type("aws:ses/configurationSet:ConfigurationSet")
    assert config_set.inputs["name"] == "symphonia-transactional"
    assert config_set.inputs["deliveryOptions"] == {"tlsPolicy": "Require"}
    assert config_set.inputs["reputationMetricsEnabled"] is True


def test_reputation_alarms_at_warning_and_critical(prod_render):
    alarms = {a.inputs["name"]: a for a in prod_render.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if a.inputs["name"].startswith("ses-")}
    expected = {
        # warn before SES's review level (bounce 5 %, complaint 0.1 %), page at it
        "ses-symphonia-fr-bounce-rate-warning": ("Reputation.BounceRate", 0.02),  # seed 003: "bounce < 2%"
        "ses-symphonia-fr-bounce-rate-critical": ("Reputation.BounceRate", 0.05),
        "ses-symphonia-fr-complaint-rate-warning": ("Reputation.ComplaintRate", 0.0005),
        "ses-symphonia-fr-complaint-rate-critical": ("Reputation.ComplaintRate", 0.001),
    }
    assert set(alarms) == set(expected)
    for name, (metric, threshold) in expected.items():
        alarm = alarms[name]
        assert alarm.inputs["namespace"] == "AWS/SES" and alarm.inputs["metricName"] == metric
        assert alarm.inputs["threshold"] == threshold
        severity = name.rsplit("-", 1)[1]
        assert alarm.inputs["alarmActions"] == [f"arn:aws:sns:eu-central-1:123456789012:rt-estate-prod-{severity}"]


@pytest.mark.parametrize("tokens", [["a1", "b2", "c3"], []])
def test_dns_records_to_publish(tokens):
    records = dns_records("symphonia.fr", "eu-central-1", "mail.symphonia.fr", "tok", tokens)
    assert records[0] == {"name": "_amazonses.symphonia.fr", "type": "TXT", "value": "tok", "purpose": "SES domain verification"}
    dkim = [r for r in records if r["purpose"] == "DKIM"]
    assert [(r["name"], r["value"]) for r in dkim] == [(f"{t}._domainkey.symphonia.fr", f"{t}.dkim.amazonses.com") for t in tokens]
    mx = next(r for r in records if r["type"] == "MX")
    assert mx == {"name": "mail.symphonia.fr", "type": "MX", "value": "10 feedback-smtp.eu-central-1.amazonses.com", "purpose": "custom MAIL FROM"}


def _reputation_alarms(render):
    return [a for a in render.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if a.inputs["name"].startswith("ses-")]


def test_reputation_alarms_keep_their_state_without_data(prod_render):
    """Issue 10 #9: SES's alarm procedure says "Treat missing data as ignore (maintain the alarm state)": a quiet
    hour must not resolve a page while the account's rate is still high (notBreaching did)."""
    alarms = _reputation_alarms(prod_render)
    assert len(alarms) == 4
    for alarm in alarms:
        assert alarm.inputs["treatMissingData"] == "ignore", alarm.inputs["name"]


def test_reputation_alarms_fire_at_the_review_levels_inclusive(prod_render):
    """B-8: SES's procedure sets its alarms "Greater/Equal" 0.05 / 0.001: a rate sitting exactly at SES's review
    level must page."""
    for alarm in _reputation_alarms(prod_render):
        assert alarm.inputs["comparisonOperator"] == "GreaterThanOrEqualToThreshold", alarm.inputs["name"]
        assert " >= " in alarm.inputs["alarmDescription"]
