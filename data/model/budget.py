"""The monthly cost budget (runbook 001 "Budget alertes configuré")."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from data.catalogue import budgets
from data.model.base import Name, StrictModel, format_number


class Budget(StrictModel):
    """Runbook 001 "Budget alertes configuré": monthly cost budget, alerts at 80 % and 100 %."""

    name: Name = Field(description="The AWS Budgets budget name.")
    monthly_limit_usd: float = Field(gt=0, description="The monthly cost budget, USD.")
    alert_percentages: list[float] = Field(
        default=[80, 100],
        description="Percentages of the limit that notify, forecast and actual (runbook 001: 80 and 100); a forecast and"
        " an actual cost below 100 to the warning topic, an actual cost from 100 to the critical one. Each above 0, at most 1000; at most 5 (AWS Budgets: 10"
        " notifications per budget, two per percentage).",
    )

    scope: Literal["estate", "account"] = Field(
        default="estate",
        description="What the budget measures. `estate`: only the cost of resources tagged with this estate's"
        " `environment` (a cost filter on that tag: prod and DR share the account, and an unfiltered budget measures"
        " both); the tag must be activated as a cost allocation tag in the Billing console, and untaggable costs"
        " (Support, taxes, SMS deliveries) stay outside. `account`: the whole account, unfiltered (declare it in one"
        " stack only).",
    )

    @model_validator(mode="after")
    def _ranges(self) -> Budget:
        for value in self.alert_percentages:
            if not 0 < value <= 1000:
                raise ValueError(f"alert_percentages: {format_number(value)} must be above 0 and at most 1000")
        per_percentage = len(budgets.NOTIFICATION_TYPES)
        count = len(self.alert_percentages) * per_percentage
        if count > budgets.MAX_NOTIFICATIONS_PER_BUDGET:
            raise ValueError(
                f"alert_percentages: {len(self.alert_percentages)} percentages make {count} notifications (forecast and"
                f" actual each); AWS Budgets allows at most {budgets.MAX_NOTIFICATIONS_PER_BUDGET} per budget: at most"
                f" {budgets.MAX_NOTIFICATIONS_PER_BUDGET // per_percentage} percentages"
            )
        return self
