"""The monthly cost budget (runbook 001 "Budget alertes configuré")."""

from __future__ import annotations

from pydantic import Field, model_validator

from data.model.base import Name, StrictModel, format_number


class Budget(StrictModel):
    """Runbook 001 "Budget alertes configuré": monthly cost budget, alerts at 80 % and 100 %."""

    name: Name
    monthly_limit_usd: float = Field(gt=0)
    alert_percentages: list[float] = [80, 100]

    @model_validator(mode="after")
    def _ranges(self) -> Budget:
        for value in self.alert_percentages:
            if not 0 < value <= 1000:
                raise ValueError(f"alert_percentages: {format_number(value)} must be above 0 and at most 1000")
        return self
