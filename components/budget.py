"""The monthly AWS cost budget (runbook 001 "Budget alertes configuré"; runbook 000 "Coûts AWS dans le budget").

One ``COST`` budget, amount from the estate, with a FORECASTED and an ACTUAL notification at every
``alert_percentages`` value: below 100 % goes to the warning topic (time to look), 100 % and above
to the critical topic (the month is, or will be, over budget). A forecast warns before the money is
spent; the actual notification confirms it. Subscribers are the primary region's alert topics, whose
policy lets AWS Budgets of this account publish (components/alerting.py).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.common import child, estate_tags, type_token
from data.model import Estate, Severity

NOTIFICATION_TYPES = ("FORECASTED", "ACTUAL")


def severity_for(percentage: float) -> Severity:
    return Severity.critical if percentage >= 100 else Severity.warning


def amount(value: float) -> str:
    """Budgets wants a decimal string; ``1500`` rather than ``1500.0``."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


class CostBudget(pulumi.ComponentResource):
    def __init__(self, name: str, estate: Estate, routing, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("budget", "CostBudget"), name, None, opts)
        budget = estate.budget
        if budget is None:
            raise ValueError("the estate declares no budget")
        notifications = [
            aws.budgets.BudgetNotificationArgs(
                comparison_operator="GREATER_THAN",
                notification_type=notification_type,
                threshold=percentage,
                threshold_type="PERCENTAGE",
                subscriber_sns_topic_arns=[routing.topic(estate.region, severity_for(percentage)).arn],
            )
            for percentage in sorted(budget.alert_percentages)
            for notification_type in NOTIFICATION_TYPES
        ]
        self.budget = aws.budgets.Budget(
            budget.name,
            name=budget.name,
            budget_type="COST",
            limit_amount=amount(budget.monthly_limit_usd),
            limit_unit="USD",
            time_unit="MONTHLY",
            notifications=notifications,
            tags=estate_tags(estate, purpose="cost"),
            opts=child(self),
        )
        self.register_outputs({"budget": self.budget.name})
