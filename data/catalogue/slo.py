"""Service level indicators: for each kind of service, the CloudWatch metrics its availability is measured
with, and the metric-math queries that turn them into an error ratio.

An availability SLI is "good requests / all requests" (SRE Workbook, "Alerting on SLOs"); the estate
measures its complement, the error ratio ``errors / requests`` over a window, because that is what the
burn-rate alarms compare with ``burn rate x error budget`` (``data.model.slo``).

For a load-balanced Elastic Beanstalk web service the load balancer sees every request: errors are the
5xx the targets answer (``HTTPCode_Target_5XX_Count``) plus the 5xx the load balancer answers itself
(``HTTPCode_ELB_5XX_Count``: 502/503/504 with no healthy target, which never reach the instances), over
``RequestCount``; all three by ``LoadBalancer``, ``Sum`` per period (``data.catalogue.elb``, its source).
A worker (no load balancer) and an external service (no metrics of ours) have no request SLI here.

The query shape is the contract the burn-rate alarms and ``estate report`` share: ids ``errors`` (the sum
of the error metrics, an expression over the metric stats ``target_5xx`` and ``elb_5xx``), ``requests``
(a metric stat, ``Sum``) and ``error_ratio`` (the one query returning data).
"""

from __future__ import annotations

from dataclasses import dataclass

from data.catalogue import elb
from data.catalogue.metrics import Metric

WORKBOOK = "https://sre.google/workbook/alerting-on-slos/"
# Metric math: FILL(m, value) fills a series' missing points; IF(condition, a, b) per point. CloudWatch's
# metric math syntax and functions page.
METRIC_MATH = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html"


# Latency SLI: the percentile rank statistic PR(:x) is "the percentage of data points that have a value of x
# or less" (lower bound exclusive, upper inclusive), on a metric with raw data points: CloudWatch's statistics
# definitions. The load balancer's TargetResponseTime is in seconds.
STATISTICS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html"
LATENCY_METRIC = elb.TARGET_RESPONSE_TIME


def fast_requests_statistic(threshold_ms: int) -> str:
    """The share of requests answered within ``threshold_ms`` (percent): ``PR(:0.3)`` for 300 ms."""
    return f"PR(:{threshold_ms / 1000:g})"


@dataclass(frozen=True)
class ErrorMetric:
    """One numerator metric of an SLI and its query id."""

    id: str
    metric: Metric


@dataclass(frozen=True)
class RequestSli:
    """An availability SLI as an error ratio: the sum of ``errors`` over ``requests``, per ``dimension``.

    ``ERRORS``, ``REQUESTS`` and ``ERROR_RATIO`` are the query ids every consumer relies on.
    """

    name: str
    errors: tuple[ErrorMetric, ...]
    requests: Metric
    dimension: str
    source: str
    description: str
    note: str = ""

    @property
    def errors_expression(self) -> str:
        # A period with requests but no 5xx publishes no 5xx datapoint: zero, not missing.
        return " + ".join(f"FILL({error.id}, 0)" for error in self.errors)

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return (*(error.metric for error in self.errors), self.requests)


ERRORS, REQUESTS, ERROR_RATIO = "errors", "requests", "error_ratio"
# No traffic (RequestCount is not published for a period without requests): the ratio is 0, not a
# division by zero; a period with no datapoint at all stays missing (the alarms read it as not breaching).
ERROR_RATIO_EXPRESSION = f"IF(FILL({REQUESTS}, 0) > 0, {ERRORS} / FILL({REQUESTS}, 1), 0)"

LOAD_BALANCED = RequestSli(
    name="load-balancer-5xx",
    errors=(ErrorMetric("target_5xx", elb.TARGET_5XX_COUNT), ErrorMetric("elb_5xx", elb.ELB_5XX_COUNT)),
    requests=elb.REQUEST_COUNT,
    dimension=elb.LOAD_BALANCER[0],
    source=elb.SOURCE,
    description="5xx answered by the targets or by the application load balancer itself, over the requests it processed",
    note="4xx are the client's: not errors of the service (an authentication API's 401/403 are normal traffic).",
)

# (service kind, tier) -> its SLI; a kind not listed cannot declare an objective (the model refuses it).
SLI_BY_KIND: dict[tuple[str, str], RequestSli] = {("beanstalk", "web"): LOAD_BALANCED}


def sli_for(kind: str, tier: str) -> RequestSli | None:
    return SLI_BY_KIND.get((kind, tier))


def alarm_queries(sli: RequestSli, dimension_value, period: int) -> list[dict]:
    """The queries of one burn-rate child alarm (the provider's ``metric_queries`` keys, snake_case): the
    error metrics and ``requests`` summed over ``period``, ``errors`` and ``error_ratio`` expressions."""
    def stat(query_id: str, metric: Metric) -> dict:
        return {"id": query_id, "return_data": False, "metric": {
            "namespace": metric.namespace, "metric_name": metric.name, "dimensions": {sli.dimension: dimension_value},
            "period": period, "stat": "Sum"}}

    return [
        *(stat(error.id, error.metric) for error in sli.errors),
        {"id": ERRORS, "expression": sli.errors_expression, "label": "Errors", "return_data": False},
        stat(REQUESTS, sli.requests),
        {"id": ERROR_RATIO, "expression": ERROR_RATIO_EXPRESSION, "label": "Error ratio", "return_data": True},
    ]


def metric_data_queries(sli: RequestSli, dimension_value: str, period: int) -> list[dict]:
    """The same queries in GetMetricData's shape (``MetricDataQueries``), for reading the SLI back (the
    monthly report): ``errors``, ``requests`` and ``error_ratio`` return data."""
    def stat(query_id: str, metric: Metric) -> dict:
        return {"Id": query_id, "ReturnData": query_id == REQUESTS, "MetricStat": {
            "Metric": {"Namespace": metric.namespace, "MetricName": metric.name,
                       "Dimensions": [{"Name": sli.dimension, "Value": dimension_value}]},
            "Period": period, "Stat": "Sum"}}

    return [
        *(stat(error.id, error.metric) for error in sli.errors),
        {"Id": ERRORS, "Expression": sli.errors_expression, "Label": "Errors", "ReturnData": True},
        stat(REQUESTS, sli.requests),
        {"Id": ERROR_RATIO, "Expression": ERROR_RATIO_EXPRESSION, "Label": "Error ratio", "ReturnData": True},
    ]
