"""SES: the render's domain identity is verified with DKIM success, and the account has production
access (out of the sandbox) in its region."""

from __future__ import annotations

from tools.verify.aws import Unavailable, call
from tools.verify.declared import Context
from tools.verify.report import FAIL, PASS

FAMILY, WHAT = "mail", "mail identities"
DOMAIN_IDENTITY = "aws:ses/domainIdentity:DomainIdentity"


def check(ctx: Context) -> None:
    for identity in ctx.declared.of_type(DOMAIN_IDENTITY):
        _check_domain(ctx, ctx.declared.inputs(identity).get("domain"), ctx.declared.region_of(identity))


def _check_domain(ctx: Context, domain: str, region: str) -> None:
    ses = ctx.clients("ses", region)
    try:
        status = call(ses.get_identity_verification_attributes, Identities=[domain])
        attrs = status.get("VerificationAttributes", {}).get(domain)
        if attrs is None:
            ctx.add("mail", domain, region, FAIL, "missing: the SES domain identity does not exist",
                    "run `pulumi up` to create the identity, then publish its verification records in DNS")
        elif attrs.get("VerificationStatus") != "Success":
            ctx.add("mail", domain, region, FAIL, f"domain verification {attrs.get('VerificationStatus')}",
                    f"publish the TXT record _amazonses.{domain} in DNS (runbook 001, SES: verify the domain);"
                    " verification expires after 72 h without it")
        else:
            ctx.add("mail", domain, region, PASS, "domain verified")
    except Unavailable as error:
        ctx.unavailable("mail", domain, region, error, "SES GetIdentityVerificationAttributes")
    try:
        dkim = call(ses.get_identity_dkim_attributes, Identities=[domain]).get("DkimAttributes", {}).get(domain)
        resource = f"{domain} DKIM"
        if not dkim or not dkim.get("DkimEnabled") or dkim.get("DkimVerificationStatus") != "Success":
            state = "absent" if not dkim else f"{'enabled' if dkim.get('DkimEnabled') else 'disabled'}, {dkim.get('DkimVerificationStatus')}"
            ctx.add("mail", resource, region, FAIL, f"DKIM not successful ({state})",
                    f"publish the three CNAME records <token>._domainkey.{domain} shown by"
                    f" `aws ses get-identity-dkim-attributes --identities {domain}` (runbook 001)")
        else:
            ctx.add("mail", resource, region, PASS, "DKIM success")
    except Unavailable as error:
        ctx.unavailable("mail", f"{domain} DKIM", region, error, "SES GetIdentityDkimAttributes")
    try:
        account = call(ctx.clients("sesv2", region).get_account)
        if account.get("ProductionAccessEnabled"):
            ctx.add("mail", "production access", region, PASS, "out of the SES sandbox")
        else:
            ctx.add("mail", "production access", region, FAIL,
                    "the account is in the SES sandbox: only verified recipients, 200 mails a day",
                    "request production access (SES console > Account dashboard > Request production access;"
                    " runbook 001, leave the sandbox)")
    except (Unavailable, LookupError) as error:  # a 404 here is an unknown route, not a missing account
        ctx.unavailable("mail", "production access", region, error, "SESv2 GetAccount",
                        f"`aws sesv2 get-account --region {region}`: ProductionAccessEnabled must be true"
                        " (or the SES console's Account dashboard: not 'Sandbox')")
