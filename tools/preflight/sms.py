"""SMS: in every region with SMS subscribers, the account may send them.

The alert topics exist in the primary region and in the global-metrics region
(``components/alerting.py``), each with its subscriptions; the SES feedback topic exists in the primary
region only. SMS preferences, the spend quota and the SMS sandbox are per region and per account:

- ``GetSMSSandboxAccountStatus``: an account in the SMS sandbox sends only to verified numbers;
- ``GetSMSAttributes`` ``MonthlySpendLimit``: at least ``alerting.sms.monthly_spend_limit``. AWS's
  default account quota is 1 USD per region (unset attribute); setting the limit above the quota is
  refused, and raising the quota is a support case. ``pulumi up`` sets the preference, so a value
  already at the estate's figure proves the quota allows it.
"""

from __future__ import annotations

from data.catalogue.regions import regions_of
from tools.preflight.aws import Unavailable, call
from tools.preflight.registry import Context, check

DEFAULT_SPEND_QUOTA_USD = 1  # https://docs.aws.amazon.com/sns/latest/dg/sms_preferences.html


def sms_regions(estate) -> list[str]:
    """The regions whose topics have an SMS subscriber, primary first."""
    regions: list[str] = []
    if any(s.protocol == "sms" for s in estate.alerting.all_subscriptions):  # teams' topics too
        regions += regions_of(estate.region)
    if estate.mail is not None and any(s.protocol == "sms" for s in estate.mail.feedback_subscribers):
        regions.append(estate.region)
    return list(dict.fromkeys(regions))


@check("sms", "SMS sandbox status and spend limit in every region with SMS subscribers")
def sms(ctx: Context):
    wanted = ctx.estate.alerting.sms.monthly_spend_limit
    for region in sms_regions(ctx.estate):
        client = ctx.clients("sns", region)
        try:
            status = call(client.get_sms_sandbox_account_status)
        except Unavailable as error:
            yield ctx.unavailable("sms", "SMS sandbox", region, "GetSMSSandboxAccountStatus", error,
                                  f"look in the SNS console ({region}, Text messaging): the account must be out of the SMS sandbox")
        else:
            if status.get("IsInSandbox", True):
                yield ctx.failed("sms", "SMS sandbox", region,
                                 "the account is in the SMS sandbox: SMS reach only verified phone numbers",
                                 "request production SMS access for this region (SNS console, Text messaging,"
                                 " Exit SMS sandbox: a support case)")
            else:
                yield ctx.passed("sms", "SMS sandbox", region, "out of the SMS sandbox")
        try:
            attributes = call(client.get_sms_attributes, attributes=["MonthlySpendLimit"]).get("attributes", {})
        except Unavailable as error:
            yield ctx.unavailable("sms", "monthly spend limit", region, "GetSMSAttributes", error,
                                  f"check it by hand: aws sns get-sms-attributes --region {region}")
            continue
        raw = attributes.get("MonthlySpendLimit")
        try:
            current = float(raw) if raw not in (None, "") else float(DEFAULT_SPEND_QUOTA_USD)
        except ValueError:
            current = float(DEFAULT_SPEND_QUOTA_USD)
        shown = f"{raw} USD" if raw not in (None, "") else f"not set (AWS's default quota, {DEFAULT_SPEND_QUOTA_USD} USD)"
        if current >= wanted:
            yield ctx.passed("sms", "monthly spend limit", region, f"{shown} >= {wanted} USD")
        else:
            yield ctx.failed(
                "sms", "monthly spend limit", region,
                f"{shown}, below the estate's {wanted} USD (alerting.sms.monthly_spend_limit): SMS stop once it is spent",
                f"raise the account's SMS spend quota in {region} to {wanted} USD with a support case"
                f" (SNS spend quota increase; AWS's default is {DEFAULT_SPEND_QUOTA_USD} USD), then"
                f" `aws sns set-sms-attributes --region {region} --attributes MonthlySpendLimit={wanted}`",
            )
