"""Mail: the SES domain reports bounces AND complaints, and signs with DKIM."""

from __future__ import annotations

from data.catalogue.ses import FEEDBACK_NOTIFICATION_TYPES

from .base import dependents, get, of_type, stack_rule

DOMAIN_IDENTITY = "aws:ses/domainIdentity:DomainIdentity"
EMAIL_IDENTITY = "aws:ses/emailIdentity:EmailIdentity"
NOTIFICATION_TOPIC = "aws:ses/identityNotificationTopic:IdentityNotificationTopic"
DKIM = "aws:ses/domainDkim:DomainDkim"
FEEDBACK = FEEDBACK_NOTIFICATION_TYPES


@stack_rule(
    "mail-identity-feedback", area="mail", category="blind-spot",
    description="Every SES identity (domain and sender address) sends Bounce and Complaint notifications to an SNS topic.",
    runbook="Mail bounces and complaints notified",
    remediation="Add an IdentityNotificationTopic per type (Bounce and Complaint) on the identity (complaints matter as much as bounces). "
    "A verified address uses its own notification settings, not its domain's: wire both.",
)
def identity_feedback(args, report_violation):
    for identity in of_type(args.resources, DOMAIN_IDENTITY, EMAIL_IDENTITY):
        wired = {get(n.props, "notificationType") for n in dependents(args.resources, identity, NOTIFICATION_TOPIC)}
        missing = [kind for kind in FEEDBACK if kind not in wired]
        if missing:
            report_violation(
                f"identity {identity.name} has no {' or '.join(missing)} notification topic: SES suspends senders "
                "whose bounce or complaint rate nobody watches.",
                identity.urn,
            )


@stack_rule(
    "mail-identity-dkim", area="mail", category="security",
    description="Every SES domain identity signs its mail with DKIM.",
    runbook="Sending domain verified and signed (DKIM)",
    remediation="Add a DomainDkim for the identity and publish its three CNAME records.",
)
def identity_dkim(args, report_violation):
    for identity in of_type(args.resources, DOMAIN_IDENTITY):
        if not dependents(args.resources, identity, DKIM):
            report_violation(f"identity {identity.name} has no DomainDkim: its mail can be spoofed and lands in spam.", identity.urn)
