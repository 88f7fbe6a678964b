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
