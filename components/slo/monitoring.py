"""The objective's part of a service's dashboard section: the error budget left over the objective's
window, the burn rate per hour against the pairs' burn rates, and the burn-rate alerts' status.

The widgets read the SLI's own queries (``data.catalogue.slo``), so the dashboard and the alarms measure
the same ratio. "Budget remaining" is ``100 x (1 - error ratio over the window / error budget)``: 100 %
untouched, 0 % spent, negative when the objective is missed. A metric widget takes its own time range
(``start``) and, as a single value, one period over all of it (``setPeriodToTimeRange``): CloudWatch's
dashboard body structure, ``data.catalogue.cloudwatch.DASHBOARD_BODY``.
"""

from __future__ import annotations

import pulumi

from components.dashboards import HALF, Widget, alarm_status, graph, metric_line
from data.catalogue.slo import (
    ERROR_RATIO, ERROR_RATIO_EXPRESSION, ERRORS, LATENCY_METRIC, REQUESTS, RequestSli, fast_requests_statistic,
)
from data.model import Service
from data.model.base import format_number
from data.model.slo import BURN_RATE_PAIRS, DAY, HOUR, error_budget

HIDDEN = {"visible": False}


def _inputs(sli: RequestSli, dimension_value: pulumi.Input[str]) -> list:
    dimensions = {sli.dimension: dimension_value}
    return [
        *(metric_line(error.metric, dimensions, {"id": error.id, "stat": "Sum", **HIDDEN}) for error in sli.errors),
        [{"expression": sli.errors_expression, "id": ERRORS, "label": "Errors", **HIDDEN}],
        metric_line(sli.requests, dimensions, {"id": REQUESTS, "stat": "Sum", **HIDDEN}),
        [{"expression": ERROR_RATIO_EXPRESSION, "id": ERROR_RATIO, "label": "Error ratio", **HIDDEN}],
    ]


def budget_remaining_widget(service: Service, dimension_value: pulumi.Input[str], region: str) -> Widget:
    objective, sli = service.slo, service.sli
    budget = error_budget(objective)
    days = objective.window_days
    widget = graph(
        f"Error budget remaining, last {days} days (objective {format_number(objective.availability)} %)", region,
        [*_inputs(sli, dimension_value),
         [{"expression": f"100 * (1 - {ERROR_RATIO} / {format_number(budget)})", "id": "budget_remaining",
           "label": "Budget remaining (%)"}]],
        width=HALF, stat="Sum", period=days * DAY,
    )
    widget.properties.update(view="singleValue", setPeriodToTimeRange=True, start=f"-P{days}D", end="P0D")
    return widget


def burn_rate_widget(service: Service, dimension_value: pulumi.Input[str], region: str) -> Widget:
    objective, sli = service.slo, service.sli
    budget = error_budget(objective)
    lines = [{"label": f"{pair.name} ({pair.severity.value}) {format_number(pair.burn_rate(objective.window_days))}",
              "value": pair.burn_rate(objective.window_days)} for pair in BURN_RATE_PAIRS]
    return graph(
        "Burn rate per hour (1 = the budget lasts exactly the window)", region,
        [*_inputs(sli, dimension_value),
         [{"expression": f"{ERROR_RATIO} / {format_number(budget)}", "id": "burn_rate", "label": "Burn rate"}]],
        width=HALF, stat="Sum", period=HOUR, y_axis={"left": {"min": 0}}, annotations=lines,
    )


def latency_widget(service: Service, dimension_value: pulumi.Input[str], region: str) -> Widget:
    """The latency objective: the share of requests faster than its threshold (percentile rank), per hour,
    against the objective's percent. Shown, not alarmed: the burn-rate alerts cover availability."""
    latency = service.slo.latency
    statistic = fast_requests_statistic(latency.threshold_ms)
    return graph(
        f"Requests under {latency.threshold_ms} ms (objective {format_number(latency.percent)} %)", region,
        [metric_line(LATENCY_METRIC, {service.sli.dimension: dimension_value}, {"stat": statistic, "label": f"{statistic} (%)"})],
        width=HALF, stat=statistic, period=HOUR, y_axis={"left": {"min": 0, "max": 100}},
        annotations=[{"label": "objective", "value": latency.percent}],
    )


def objective_widgets(service: Service, dimension_value: pulumi.Input[str], region: str, composite_arns: list) -> list[Widget]:
    """Budget remaining and burn rate side by side, the latency objective when declared, then the burn-rate
    alerts' status."""
    return [
        budget_remaining_widget(service, dimension_value, region),
        burn_rate_widget(service, dimension_value, region),
        *([latency_widget(service, dimension_value, region)] if service.slo.latency else []),
        *alarm_status(f"{service.name} burn-rate alerts", composite_arns),
    ]
