"""SES for the estate's mail domain (runbook 001: ``symphonia.fr``), with bounce AND complaint feedback.

Runbook 001 verifies the domain and ``noreply@``, creates ``ses-bounces-complaints`` and wires only
``Bounce`` to it. Here, in the primary region:

- the domain identity, its DKIM tokens and a custom MAIL FROM domain (``<sub>.<domain>``, falling
  back to amazonses.com if its MX is missing); the DNS records they need are exported as values
  (``dns_records``) because the zone is not managed here. ``DomainIdentityVerification`` is NOT
  declared: it only waits (up to 45 minutes, then fails the update) for DNS someone else publishes;
  the verification is checked after the records are in place (docs/seed-decisions.md);
- one email identity per sender, and Bounce AND Complaint notifications (original headers included)
  on the domain AND on every sender identity: SES uses an address identity's own settings over its
  domain's, so a sender without them would fall back to feedback by email forwarding;
- the feedback topic with its subscribers and a policy letting SES of this account publish;
- templates, and a configuration set that requires TLS and publishes reputation metrics (senders
  name it in the ``X-SES-CONFIGURATION-SET`` header: SES v1 identities have no default set);
- alarms on the account's reputation (bounce and complaint rates, fractions as SES reports them)
  through the alarm factory, from the signal table (``signals.py``, ``monitoring.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory
from components.alerting import subscription_endpoint
from components.common import TopicPublisher, child, estate_tags, topic_policy_document, type_token
from components.mail.monitoring import owner_of, reputation_alarms, slug
from data.catalogue.ses import FEEDBACK_NOTIFICATION_TYPES
from data.model import Estate, Mail

SPF_VALUE = "v=spf1 include:amazonses.com ~all"


def feedback_topic_policy(topic_arn: str, account_id: str, region: str, domain: str) -> str:
    """SES of this account may publish feedback for the domain's identities; the account manages."""
    ses = TopicPublisher("SesFeedbackPublish", "ses.amazonaws.com", source_arn=f"arn:aws:ses:{region}:{account_id}:identity/*{domain}")
    return topic_policy_document(topic_arn, account_id, [ses])


def dns_records(domain: str, region: str, mail_from: str, verification_token: str, dkim_tokens: list[str]) -> list[dict]:
    """The records the domain's DNS owner publishes (SES verification, DKIM, MAIL FROM MX and SPF)."""
    records = [{"name": f"_amazonses.{domain}", "type": "TXT", "value": verification_token, "purpose": "SES domain verification"}]
    records += [
        {"name": f"{token}._domainkey.{domain}", "type": "CNAME", "value": f"{token}.dkim.amazonses.com", "purpose": "DKIM"}
        for token in dkim_tokens or []
    ]
    records += [
        {"name": mail_from, "type": "MX", "value": f"10 feedback-smtp.{region}.amazonses.com", "purpose": "custom MAIL FROM"},
        {"name": mail_from, "type": "TXT", "value": SPF_VALUE, "purpose": "SPF of the MAIL FROM domain"},
    ]
    return records


@dataclass
class MailDomainArgs:
    """The mail slice of the estate and the alarm factory."""

    mail: Mail
    region: str  # SES's region: the estate's primary region
    tags: Callable[..., dict[str, str]]  # estate_tags of the estate, extra tags as keywords
    alarms: AlarmFactory

    @classmethod
    def from_estate(cls, estate: Estate, *, alarms: AlarmFactory) -> MailDomainArgs:
        if estate.mail is None:
            raise ValueError("the estate declares no mail")
        return cls(mail=estate.mail, region=estate.region, tags=partial(estate_tags, estate), alarms=alarms)


class MailDomain(pulumi.ComponentResource):
    """SES identities, feedback, templates, configuration set and reputation alarms of one domain."""

    def __init__(self, name: str, args: MailDomainArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("mail", "MailDomain"), name, None, opts)
        mail = args.mail
        region = args.region
        domain = mail.domain
        owner = owner_of(mail)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        self.identity = aws.ses.DomainIdentity(f"{owner}-identity", domain=domain, opts=child(self))
        dkim = aws.ses.DomainDkim(f"{owner}-dkim", domain=self.identity.domain, opts=child(self))
        self.mail_from_domain = f"{mail.mail_from_subdomain}.{domain}"
        aws.ses.MailFrom(
            f"{owner}-mail-from",
            domain=self.identity.domain,
            mail_from_domain=self.mail_from_domain,
            behavior_on_mx_failure="UseDefaultValue",
            opts=child(self),
        )
        identities: list[tuple[str, pulumi.Output[str]]] = [(owner, self.identity.domain)]
        self.sender_identities: dict[str, aws.ses.EmailIdentity] = {}
        for sender in mail.senders:
            identity = aws.ses.EmailIdentity(f"ses-{slug(sender)}", email=sender, opts=child(self))
            self.sender_identities[sender] = identity
            identities.append((f"ses-{slug(sender)}", identity.email))

        self.feedback_topic = aws.sns.Topic(
            mail.feedback_topic,
            name=mail.feedback_topic,
            display_name=f"SES feedback {domain}"[:100],
            tags=args.tags(purpose="mail-feedback"),
            opts=child(self),
        )
        topic_policy = aws.sns.TopicPolicy(
            f"{mail.feedback_topic}-policy",
            arn=self.feedback_topic.arn,
            policy=pulumi.Output.all(self.feedback_topic.arn, account_id).apply(
                lambda args: feedback_topic_policy(args[0], args[1], region, domain)
            ),
            opts=child(self),
        )
        for subscriber in mail.feedback_subscribers:
            aws.sns.TopicSubscription(
                f"{mail.feedback_topic}-{subscriber.name}",
                topic=self.feedback_topic.arn,
                protocol=subscriber.protocol,
                endpoint=subscription_endpoint(subscriber, pulumi.InvokeOutputOptions(parent=self)),  # issue 10 #6
                endpoint_auto_confirms=True if subscriber.protocol == "https" else None,
                opts=child(self),
            )
        for resource_prefix, identity in identities:
            for notification_type in FEEDBACK_NOTIFICATION_TYPES:
                aws.ses.IdentityNotificationTopic(
                    f"{resource_prefix}-{notification_type.lower()}-notifications",
                    identity=identity,
                    notification_type=notification_type,
                    topic_arn=self.feedback_topic.arn,
                    include_original_headers=True,
                    opts=child(self, depends_on=[topic_policy]),
                )

        for template in mail.templates:
            aws.ses.Template(
                template.name, name=template.name, subject=template.subject, html=template.html, text=template.text,
                opts=child(self),
            )
        self.configuration_set = aws.ses.ConfigurationSet(
            mail.configuration_set,
            name=mail.configuration_set,
            delivery_options=aws.ses.ConfigurationSetDeliveryOptionsArgs(tls_policy="Require"),
            reputation_metrics_enabled=True,
            sending_enabled=True,
            opts=child(self),
        )
        self.configuration_set_name = self.configuration_set.name
        self.identity_arn = self.identity.arn

        self.alarms = reputation_alarms(self, args.alarms, owner, mail)

        self.dns_records = pulumi.Output.all(self.identity.verification_token, dkim.dkim_tokens).apply(
            lambda args: dns_records(domain, region, self.mail_from_domain, args[0], list(args[1] or []))
        )
        self.register_outputs(
            {
                "identity_arn": self.identity_arn,
                "configuration_set": self.configuration_set_name,
                "feedback_topic_arn": self.feedback_topic.arn,
                "dns_records": self.dns_records,
            }
        )

    def sender_arns(self) -> list[pulumi.Output[str]]:
        """The sender identities' ARNs (for an ses:SendEmail statement next to ``identity_arn``)."""
        return [identity.arn for _, identity in sorted(self.sender_identities.items())]
