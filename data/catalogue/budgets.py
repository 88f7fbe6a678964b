"""AWS Budgets facts: how many notifications a budget holds, who they notify, and what a budget covers.

Sources:
- Notification: "A budget can have up to ten notifications"
  https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Notification.html
  (botocore's ``budgets`` model: ``NotificationWithSubscribersList`` max 10).
- NotificationWithSubscribers: "one SNS subscriber and up to 10 email subscribers"
  https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html
"""

from __future__ import annotations

NOTIFICATION_SOURCE = "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Notification.html"
SUBSCRIBERS_SOURCE = (
    "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html"
)
MAX_NOTIFICATIONS_PER_BUDGET = 10
MAX_SNS_SUBSCRIBERS_PER_NOTIFICATION = 1
MAX_EMAIL_SUBSCRIBERS_PER_NOTIFICATION = 10
# The estate's budget notifies at each alert percentage twice: FORECASTED and ACTUAL.
NOTIFICATION_TYPES = ("FORECASTED", "ACTUAL")

# -- What a budget covers (B-7) ---------------------------------------------------------------------------
# A budget without cost filters tracks the whole account's cost. CostFilters' "TagKeyValue" filter takes
# values "user:<key>$<value>" for a user-defined tag (the provider's documented example:
# "user:business-unit$human_resources"; "user:" is the prefix user-defined tags carry in billing data,
# https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/allocation-tag-restrictions.html).
# A tag filters costs only once it is activated as a cost allocation tag in the Billing console, which
# can take up to 24 hours after the tag first appears, and only tagged usage counts (untaggable costs such as
# Support, taxes or SMS deliveries stay outside):
# https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/activating-tags.html. Preflight material.
COST_FILTERS_SOURCE = "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html"
ACTIVATING_TAGS_SOURCE = "https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/activating-tags.html"
TAG_FILTER_NAME = "TagKeyValue"
USER_TAG_PREFIX = "user:"


def tag_filter_value(key: str, value: str) -> str:
    """A CostFilters ``TagKeyValue`` value for a user-defined tag."""
    return f"{USER_TAG_PREFIX}{key}${value}"
