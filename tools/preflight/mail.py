"""Mail: the SES domain identity is verified (or absent: ``pulumi up`` creates it, then its DNS records
are published), and the account has SES production access in the estate's region (in the sandbox,
SES sends only to verified addresses, 200 a day).

``GetIdentityVerificationAttributes`` (SES v1, the API the program's ``aws.ses.DomainIdentity`` uses) and
SESv2 ``GetAccount`` (``ProductionAccessEnabled``).
"""

from __future__ import annotations

from tools.preflight.aws import Unavailable, call
from tools.preflight.registry import Context, check


@check("ses", "the SES domain is verified (or will be created) and the account has production access")
def ses(ctx: Context):
    mail = ctx.estate.mail
    if mail is None:
        return
    region, domain = ctx.region, mail.domain
    try:
        attributes = call(ctx.clients("ses", region).get_identity_verification_attributes, Identities=[domain])
        found = attributes.get("VerificationAttributes", {}).get(domain)
    except Unavailable as error:
        yield ctx.unavailable("ses", domain, region, "GetIdentityVerificationAttributes", error,
                              "check the domain identity in the SES console")
    else:
        status = (found or {}).get("VerificationStatus")
        if found is None:
            yield ctx.passed("ses", domain, region, "no identity yet: `pulumi up` creates it; then publish its DNS records"
                             " (stack output of the mail component) so it verifies")
        elif status == "Success":
            yield ctx.passed("ses", domain, region, "identity verified")
        else:
            yield ctx.failed("ses", domain, region, f"the identity is not verified ({status})",
                             "publish its verification TXT and DKIM CNAME records in the domain's DNS"
                             " (`pulumi stack output` of the mail component lists them)")
    try:
        account = call(ctx.clients("sesv2", region).get_account)
    except Unavailable as error:
        yield ctx.unavailable("ses", "production access", region, "SESv2 GetAccount", error,
                              f"look in the SES console ({region}, Account dashboard): production access must be granted")
        return
    if account.get("ProductionAccessEnabled"):
        yield ctx.passed("ses", "production access", region, "production access granted")
    else:
        yield ctx.failed("ses", "production access", region,
                         "the account is in the SES sandbox: mail reaches only verified addresses, 200 a day",
                         f"request production access in {region} (SES console, Account dashboard, or"
                         " `aws sesv2 put-account-details --production-access-enabled ...`)")
