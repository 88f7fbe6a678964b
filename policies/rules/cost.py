"""Cost: a budget that alerts someone, and a ceiling on SMS spending."""

from __future__ import annotations

from data.catalogue import budgets as budgets_catalogue

from .base import count, get, is_set, items, of_type, resource_rule, stack_rule

BUDGET = "aws:budgets/budget:Budget"
SMS_PREFERENCES = "aws:sns/smsPreferences:SmsPreferences"
TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


@stack_rule(
    "cost-budget-notifications", area="cost", category="hygiene",
    description="The estate has a cost budget whose notifications reach a topic or an address.",
    runbook="A cost budget with alerts",
    remediation="Declare estate budget (monthly limit, alert percentages); components add notifications to the alert topics.",
)
def budget_notifications(args, report_violation):
    budgets = of_type(args.resources, BUDGET)
    if not budgets:
        report_violation("no aws.budgets.Budget: a cost spike is noticed on the invoice.")
        return
    for budget in budgets:
        notified = [
            n for n in items(get(budget.props, "notifications"))
            if is_set(n, "subscriberSnsTopicArns") or is_set(n, "subscriberEmailAddresses")
        ]
        if not notified:
            report_violation(f"budget {budget.name} has no notification with a subscriber.", budget.urn)


@resource_rule(
    "cost-budget-notification-limits", area="cost", category="blind-spot",
    description="A budget has at most 10 notifications, each with at most one SNS topic and 10 email addresses.",
    runbook="Budget alerts that AWS Budgets accepts",
    remediation="Declare at most 5 budget.alert_percentages (two notifications each); one topic per notification.",
    types=BUDGET,
)
def budget_notification_limits(args, report_violation):
    # AWS Budgets refuses the budget otherwise, and the estate is left without one (data/catalogue/budgets.py).
    notifications = items(get(args.props, "notifications"))
    if len(notifications) > budgets_catalogue.MAX_NOTIFICATIONS_PER_BUDGET:
        report_violation(
            f"{len(notifications)} notifications: AWS Budgets allows at most"
            f" {budgets_catalogue.MAX_NOTIFICATIONS_PER_BUDGET} per budget."
        )
    for index, notification in enumerate(notifications):
        # Counted, not read: the topic ARNs are outputs, unknown during a first preview.
        topics = count(get(notification, "subscriberSnsTopicArns"))
        emails = count(get(notification, "subscriberEmailAddresses"))
        if topics > budgets_catalogue.MAX_SNS_SUBSCRIBERS_PER_NOTIFICATION:
            report_violation(f"notifications[{index}] has {topics} SNS topics: AWS Budgets allows one.")
        if emails > budgets_catalogue.MAX_EMAIL_SUBSCRIBERS_PER_NOTIFICATION:
            report_violation(
                f"notifications[{index}] has {emails} email addresses: AWS Budgets allows"
                f" {budgets_catalogue.MAX_EMAIL_SUBSCRIBERS_PER_NOTIFICATION}."
            )


@stack_rule(
    "cost-sms-spend-limit", area="cost", category="hygiene",
    description="When alerts go out by SMS, the account's SMS preferences cap the monthly spend.",
    runbook="An SMS spend limit",
    remediation="Declare aws.sns.SmsPreferences with monthly_spend_limit (estate alerting.sms).",
)
def sms_spend_limit(args, report_violation):
    sms = [s for s in of_type(args.resources, TOPIC_SUBSCRIPTION) if get(s.props, "protocol") == "sms"]
    if not sms:
        return
    preferences = [p for p in of_type(args.resources, SMS_PREFERENCES) if is_set(p.props, "monthlySpendLimit")]
    if not preferences:
        report_violation("SMS subscriptions exist but no SmsPreferences sets monthlySpendLimit: a paging storm has no ceiling.")
