"""Cost: a budget that alerts someone, a ceiling on SMS spending, and an estimate within the budget.

``cost-estimate-within-budget`` prices the render with ``tools.cost`` (the estimator ``estate cost`` prints):
a pure module over plain resource records, no Pulumi import, so the pack (run in the project's virtualenv,
where the project is installed) imports it rather than keeping a second estimator.
"""

from __future__ import annotations

from data.catalogue import budgets as budgets_catalogue

from .base import count, get, is_set, items, known_or_none, of_type, resource_rule, stack_rule

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


def _amount(value) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None


def budget_warning_level(props) -> tuple[float, float, float] | None:
    """(limit, lowest alert percentage, warning level in USD) of a budget's props, or None when the limit or
    the percentages are not known (an output during a first preview) or the budget is not in USD."""
    limit = _amount(known_or_none(lambda: get(props, "limitAmount")))
    if limit is None or known_or_none(lambda: get(props, "limitUnit", "USD")) != "USD":
        return None
    percentages = []
    for notification in items(get(props, "notifications")):
        threshold = known_or_none(lambda n=notification: get(n, "threshold"))
        kind = known_or_none(lambda n=notification: get(n, "thresholdType", "PERCENTAGE"))
        if kind == "PERCENTAGE" and isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
            percentages.append(float(threshold))
    lowest = min(percentages, default=100.0)  # no percentage alert: the limit itself is the line not to cross
    return limit, lowest, round(limit * lowest / 100, 2)


@stack_rule(
    "cost-estimate-within-budget", area="cost", category="hygiene",
    description="The estimated monthly cost (estate cost, offline list prices) stays below the budget's warning level:"
    " its limit times its lowest alert percentage.",
    runbook="The estimated monthly cost within the budget's warning level",
    remediation="Run `estate cost` to see which service and family costs most; right-size them, or raise budget.monthly_limit_usd"
    " (and say why in the pull request). What the estimate cannot price (traffic, SMS, storage) only adds to it.",
)
def estimate_within_budget(args, report_violation):
    budgets = of_type(args.resources, BUDGET)
    if not budgets:
        return  # cost-budget-notifications reports the missing budget
    from tools.cost import estimate, from_policy_resources

    estimated = estimate(from_policy_resources(args.resources))
    for budget in budgets:
        level = budget_warning_level(budget.props)
        if level is None:
            continue
        limit, lowest, warning = level
        if estimated.total_usd > warning:
            biggest = sorted(estimated.by_service_family().items(), key=lambda item: -item[1])[:3]
            largest = ", ".join(f"{service} {family} {usd:,.2f}" for (service, family), usd in biggest)
            report_violation(
                f"estimated {estimated.total_usd:,.2f} USD a month exceeds budget {budget.name}'s warning level"
                f" {warning:,.2f} USD ({limit:,.2f} x {lowest:g} %), before what is not priced; largest: {largest}.",
                budget.urn,
            )
