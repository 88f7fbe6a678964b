"""Overview dashboards across services (the runbooks' RT-Backend-Services, Symphonia-Production)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from data.model.base import Name, StrictModel


class BusinessMetrics(StrictModel):
    """A "Platform activity" graph of application metrics published without dimensions."""

    namespace: str = Field(
        min_length=1, pattern=r"^[^:$][^:]*$",
        description="The CloudWatch namespace the services publish to (runbook 001: `Symphonia/Production`).",
    )
    metrics: list[str] = Field(min_length=1, description="The metric names drawn, one line each.")
    statistic: Literal["Sum", "Average", "Maximum", "Minimum", "SampleCount"] = Field(
        default="Sum", description="The statistic drawn.",
    )
    period: int = Field(default=300, ge=60, description="Seconds per datapoint of the graph.")


class OverviewDashboard(StrictModel):
    """A runbook dashboard across services (RT-Backend-Services, Symphonia-Production)."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,255}$",
        description="The CloudWatch dashboard name (CloudWatch's rule: letters, digits, `-`, `_`), unique.",
    )
    services: list[Name] = Field(default=[], description="The services (`services[].name`) it shows, in order.")
    business_metrics: BusinessMetrics | None = Field(
        default=None, description="Application metrics shown as a platform activity graph; null: none.",
    )
