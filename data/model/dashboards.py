"""Overview dashboards across services (the runbooks' RT-Backend-Services, Symphonia-Production)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from data.model.base import Name, StrictModel


class BusinessMetrics(StrictModel):
    namespace: str = Field(min_length=1, pattern=r"^[^:$][^:]*$")
    metrics: list[str] = Field(min_length=1)
    statistic: Literal["Sum", "Average", "Maximum", "Minimum", "SampleCount"] = "Sum"
    period: int = Field(default=300, ge=60)


class OverviewDashboard(StrictModel):
    """A runbook dashboard across services (RT-Backend-Services, Symphonia-Production)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,255}$")
    services: list[Name] = []
    business_metrics: BusinessMetrics | None = None
