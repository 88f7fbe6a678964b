"""SNS facts the estate relies on: SMS preferences per region, and how a webhook URL carries a credential.

SMS preferences (``SetSMSAttributes``) are regional: each region that sends SMS has its own
``MonthlySpendLimit`` and ``DefaultSMSType``, and its own account spend quota, 1.00 USD a month by
default; a limit above the quota needs a support case first (a precondition ``estate preflight``
checks, ``tools/preflight/sms.py``).
Sources: https://docs.aws.amazon.com/sns/latest/dg/sms_preferences.html ("By default, the spend quota
is set to 1.00 USD"), https://docs.aws.amazon.com/sns/latest/dg/channels-sms-awssupport-spend-threshold.html,
https://docs.aws.amazon.com/sns/latest/api/API_SetSMSAttributes.html.

Webhook credentials: an HTTPS subscription's endpoint is stored by SNS, by Pulumi (state) and by the
render; paging and chat services put the credential in the URL itself. ``url_credential`` asks
detect-secrets' plugins first (``data/secret_patterns.py``: Slack webhooks and tokens, credentials in
the user information, Telegram bot tokens...), then the URL shapes below, which detect-secrets lacks,
each with the page that documents it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

SMS_PREFERENCES = "https://docs.aws.amazon.com/sns/latest/dg/sms_preferences.html"
SMS_DEFAULT_SPEND_QUOTA_USD = 1  # per region and account, until a support case raises it
SMS_PREFERENCES_ARE_REGIONAL = True  # SetSMSAttributes is a regional API (one SmsPreferences per region)

# TopicSubscription: HTTP/HTTPS endpoints are confirmed by the endpoint; the provider waits
# ``confirmation_timeout_in_minutes`` for it (a placeholder that never confirms fails the deploy).
TOPIC_SUBSCRIPTION = "https://www.pulumi.com/registry/packages/aws/api-docs/sns/topicsubscription/"


@dataclass(frozen=True)
class CredentialPattern:
    """A URL shape whose match is a credential, and the page that documents it."""

    name: str
    pattern: re.Pattern[str]
    source: str


# The URL *is* the credential: whoever holds it can post (or page). Shapes detect-secrets has no plugin for.
CREDENTIAL_URLS: tuple[CredentialPattern, ...] = (
    CredentialPattern(
        "Slack webhook or workflow trigger",
        # detect-secrets' SlackDetector knows /services/T../B../..; workflow triggers carry their token in
        # other hooks.slack.com paths (/triggers/..., /workflows/...).
        re.compile(r"^https://hooks\.slack\.com/", re.IGNORECASE),
        "https://api.slack.com/messaging/webhooks (\"Your webhook URL contains a secret\")",
    ),
    CredentialPattern(
        "Microsoft Teams incoming webhook",
        re.compile(r"^https://([a-z0-9-]+\.)*webhook\.office\.com/|^https://outlook\.office(365)?\.com/webhook/", re.IGNORECASE),
        "https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
    ),
    CredentialPattern(
        "PagerDuty integration URL (the integration key is in the path)",
        re.compile(r"^https://events(\.eu)?\.pagerduty\.com/(integration|x-ere|v2)/", re.IGNORECASE),
        "https://support.pagerduty.com/main/docs/amazon-cloudwatch-integration-guide"
        " (integration URL https://events.pagerduty.com/integration/<integration key>/enqueue)",
    ),
    CredentialPattern(
        "incoming-webhook path (a token after /hooks/ or /webhooks/: Mattermost, Discord, chat relays)",
        re.compile(r"^https://[^/]+/(.*/)?(hooks|webhooks?)/[^/?#]+", re.IGNORECASE),
        "https://developers.mattermost.com/integrate/webhooks/incoming/ (https://<server>/hooks/<generated key>);"
        " https://discord.com/developers/docs/resources/webhook (/api/webhooks/<id>/<token>)",
    ),
)

# Query-string parameters that carry a credential: a name containing one of detect-secrets'
# KeywordDetector DENYLIST words (imported on use, not copied), plus the short names signing services
# use, which that list lacks (Azure Logic Apps' ``sig`` shared-access signature, ``key``, ``code``).
KEYWORD_DENYLIST_SOURCE = "https://github.com/Yelp/detect-secrets/blob/master/detect_secrets/plugins/keyword.py"
SIGNATURE_PARAMETERS = ("sig", "signature", "key", "code", "auth", "access_token", "x-api-key", "token")
SIGNATURE_PARAMETERS_SOURCE = (
    "https://learn.microsoft.com/en-us/azure/logic-apps/logic-apps-securing-a-logic-app"
    " (the callback URL's sig parameter is a shared access signature)"
)


def _credential_parameter(name: str) -> bool:
    from detect_secrets.plugins.keyword import DENYLIST

    lowered = name.lower()
    return lowered in SIGNATURE_PARAMETERS or any(re.search(word, lowered) for word in DENYLIST)


def url_credential(url: str) -> str | None:
    """What makes ``url`` a credential (``None`` when nothing does): a detect-secrets finding, a known
    webhook shape, a token in the query string, or a password in the user information."""
    from data.secret_patterns import secret_kind

    kind = secret_kind(url)
    if kind is not None:
        return kind
    for known in CREDENTIAL_URLS:
        if known.pattern.search(url):
            return known.name
    parts = urlsplit(url)
    if parts.password:  # what the URL parser reads as a password, the empty-user case included
        return "a password in the URL's user information"
    for name, _ in parse_qsl(parts.query, keep_blank_values=True):
        if _credential_parameter(name):
            return f"a credential in the query string (parameter '{name}')"
    return None
