"""The monthly AWS cost budget (runbook 001 "Budget alertes configuré"; runbook 000 "Coûts AWS dans le budget").

One ``COST`` budget, amount from the estate, with a FORECASTED and an ACTUAL notification at every
``alert_percentages`` value. A forecast always goes to the warning topic: it is a projection, time to
look, and must not page the on-call (issue 12 #9). An actual cost below 100 % warns too; from 100 % it
goes to the critical topic (the month is over budget). Subscribers are the primary region's alert topics, whose
policy lets AWS Budgets of this account publish (components/alerting.py). An ``estate`` budget
(the default) counts only the cost tagged with the estate's ``environment``: prod and DR share the
account (B-7); the tag must be an active cost allocation tag (data/catalogue/budgets.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pulumi
import pulumi_aws as aws

from components.alerting import AlertRouting
from components.common import child, estate_tags, type_token
from data.catalogue import budgets
from data.model import Budget, Estate, Severity

NOTIFICATION_TYPES = budgets.NOTIFICATION_TYPES


def severity_for(percentage: float, notification_type: str) -> Severity:
    """Critical only for money actually spent past the budget; a forecast never pages."""
    if notification_type == "ACTUAL" and percentage >= 100:
        return Severity.critical
    return Severity.warning


def amount(value: float) -> str:
    """Budgets wants a decimal string; ``1500`` rather than ``1500.0``."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


@dataclass
class CostBudgetArgs:
    """The budget of the estate, the primary region (whose topics it notifies) and the routing."""

    budget: Budget
    region: str
    environment: str  # the value of the estate's `environment` tag, which an `estate` budget filters on
    tags: Callable[..., dict[str, str]]  # estate_tags of the estate, extra tags as keywords
    routing: AlertRouting

    @classmethod
    def from_estate(cls, estate: Estate, *, routing: AlertRouting) -> CostBudgetArgs:
        if estate.budget is None:
            raise ValueError("the estate declares no budget")
        return cls(budget=estate.budget, region=estate.region, environment=estate.environment, tags=partial(estate_tags, estate), routing=routing)


def cost_filters(budget: Budget, environment: str) -> list[aws.budgets.BudgetCostFilterArgs] | None:
    """An ``estate`` budget counts only the cost of resources tagged ``environment=<environment>`` (every estate
    resource carries that tag, components/common.py); an ``account`` budget counts everything."""
    if budget.scope == "account":
        return None
    return [aws.budgets.BudgetCostFilterArgs(
        name=budgets.TAG_FILTER_NAME, values=[budgets.tag_filter_value("environment", environment)],
    )]


class CostBudget(pulumi.ComponentResource):
    def __init__(self, name: str, args: CostBudgetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("budget", "CostBudget"), name, None, opts)
        budget, routing = args.budget, args.routing
        notifications = [
            aws.budgets.BudgetNotificationArgs(
                comparison_operator="GREATER_THAN",
                notification_type=notification_type,
                threshold=percentage,
                threshold_type="PERCENTAGE",
                subscriber_sns_topic_arns=[routing.topic(args.region, severity_for(percentage, notification_type)).arn],
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
            cost_filters=cost_filters(budget, args.environment),
            tags=args.tags(purpose="cost"),
            opts=child(self),
        )
        self.register_outputs({"budget": self.budget.name})
