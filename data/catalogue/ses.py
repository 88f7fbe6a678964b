"""SES facts: the account reputation metrics (namespace ``AWS/SES``) and the feedback notification types.

SES publishes ``Reputation.BounceRate`` and ``Reputation.ComplaintRate`` for the account, without
dimensions, as fractions between 0 and 1 (multiply by 100 for a percentage); a configuration set
with reputation metrics enabled also publishes them for the mail sent through it. They appear only
once the account has had a bounce or a complaint.
Source: https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-cloudwatch-alarm.html
SES places an account under review at a 5 % bounce rate or a 0.1 % complaint rate:
https://docs.aws.amazon.com/ses/latest/dg/reputationdashboardmessages.html
"""

from __future__ import annotations

from data.catalogue.metrics import Metric

NAMESPACE = "AWS/SES"
REPUTATION_SOURCE = "https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-cloudwatch-alarm.html"
REVIEW_SOURCE = "https://docs.aws.amazon.com/ses/latest/dg/reputationdashboardmessages.html"
ACCOUNT = ()  # account-wide: no dimension
PUBLISHED = "once the account has had a bounce or complaint"
_PERIOD_NOTE = (
    "The pages do not give a publishing period: SES computes the rates over a representative volume "
    "of mail, not a fixed window; 900 s (the alarms' period) is ours, not AWS's."
)
_UNIT_NOTE = "A fraction 0..1; the pages do not name a CloudWatch unit (None assumed)."


def _reputation(name: str, description: str) -> Metric:
    return Metric(NAMESPACE, name, "None", ACCOUNT, 900, REPUTATION_SOURCE, PUBLISHED, description,
                  note=f"{_UNIT_NOTE} {_PERIOD_NOTE}")


REPUTATION_BOUNCE_RATE = _reputation("Reputation.BounceRate", "the account's bounce rate (fraction)")
REPUTATION_COMPLAINT_RATE = _reputation("Reputation.ComplaintRate", "the account's complaint rate (fraction)")
BOUNCE_RATE_REVIEW = 0.05  # account placed under review (REVIEW_SOURCE)
COMPLAINT_RATE_REVIEW = 0.001

# How SES's procedure sets its reputation alarms up (REPUTATION_SOURCE, "Creating reputation monitoring
# alarms using CloudWatch"): "Treat missing data as ignore (maintain the alarm state)": the rates are only
# recomputed as mail flows, so a quiet period must neither raise nor resolve an alarm.
ALARM_TREAT_MISSING_DATA = "ignore"
# The same procedure's alarms compare "Greater/Equal" to 0.05 (bounce) and 0.001 (complaint): SES's review
# levels are reached at, not only beyond, those values.
ALARM_INCLUSIVE = True

# SetIdentityNotificationTopic's NotificationType values that carry feedback (the third, Delivery, does not).
# Source: https://docs.aws.amazon.com/ses/latest/APIReference/API_SetIdentityNotificationTopic.html
FEEDBACK_NOTIFICATION_TYPES = ("Bounce", "Complaint")
