"""The signals of an Elastic Beanstalk service: one row each, driving its alarms, its dashboard lines,
the enhanced-health metrics the environment publishes and the policy rules' expectations.

Corrections of the runbooks (docs/seed-decisions.md):
- CPU is ``AWS/EC2 CPUUtilization`` by the environment's Auto Scaling group (``AWS/ElasticBeanstalk``
  publishes no CPUUtilization; seed 000 alarm 1).
- EnvironmentHealth alarms when it *reaches* 15 (Warning) / 20 (Degraded): the values are levels, so
  the comparison is inclusive (seed 000's ``LessThanThreshold 15`` fires when the environment is healthy).
- The 5xx rate is metric math over the request counts; ``IF(requests > 0, ..., 0)`` is the documented
  three-argument IF, so no traffic reads as 0 %, not as an error.
- EB counts 5xx from the instances' web-server logs, so 502/503/504 the load balancer produces itself
  (no healthy target, timeouts) are invisible to ``5xx-rate``: ``lb-5xx-rate`` watches the
  application load balancer's own ``HTTPCode_ELB_5XX_Count`` over its ``RequestCount`` (issue 10 #10).
- A worker environment (issue 12 #3) has no load balancer and serves no requests: its rows are the
  queue's (age of the oldest message, depth) and the dead-letter queue's depth, AWS/SQS by QueueName;
  the request rows (5xx, load balancer 5xx, latency) are web-only. ``TIERS`` says which tier each row
  applies to; the monitoring, the dashboards, the runbook docs and the policy rules read it.
- RootFilesystemUtil is an instance metric (instances come and go): a Metrics Insights MAX over the
  environment's instances (alarms may not use SEARCH; they may use Metrics Insights).
"""

from __future__ import annotations

from components.signals import MathInput, MetricMath, MetricsInsights, Signal, SignalTable
from data.catalogue import beanstalk as eb
from data.catalogue import ec2
from data.catalogue import elb
from data.catalogue import sqs

ERRORS, REQUESTS = eb.APPLICATION_REQUESTS["5xx"], eb.APPLICATION_REQUESTS_TOTAL
ERROR_RATE = MetricMath(
    id="rate", expression="IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)", label="5xx error rate (%)",
    inputs=(
        MathInput("errors", ERRORS, "Sum"),  # first: the quantity watched (the policy rules read it)
        MathInput("requests", REQUESTS, "Sum"),
    ),
)
LB_ERRORS, LB_REQUESTS = elb.ELB_5XX_COUNT, elb.REQUEST_COUNT
LB_ERROR_RATE = MetricMath(
    id="lbrate", expression="IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)", label="Load balancer 5xx rate (%)",
    inputs=(
        MathInput("errors", LB_ERRORS, "Sum"),
        MathInput("requests", LB_REQUESTS, "Sum"),
    ),
)
FULLEST_ROOT_FILESYSTEM = MetricsInsights(
    id="disk", metric=eb.ROOT_FILESYSTEM_UTIL, aggregate="MAX", where=("EnvironmentName",),
    label="Fullest root filesystem (%)",
)

SIGNALS = SignalTable("beanstalk", "service", (
    Signal(
        "cpu", "cpu", f"Average CPU of the environment's instances ({ec2.NAMESPACE} {ec2.CPU_UTILIZATION_BY_GROUP.name} by Auto Scaling group)", "%",
        metric=ec2.CPU_UTILIZATION_BY_GROUP, statistic="Average", period=300, evaluation_periods=2,
        treat_missing_data="missing",
    ),
    Signal(
        "health", "health", f"Elastic Beanstalk {eb.ENVIRONMENT_HEALTH.name} (15 Warning, 20 Degraded, 25 Severe)", "",
        metric=eb.ENVIRONMENT_HEALTH, statistic="Maximum", inclusive=True, period=60, evaluation_periods=5,
        datapoints_to_alarm=3, treat_missing_data="breaching",
    ),
    Signal(
        "5xx-rate", "error_rate_5xx",
        f"5xx responses as a percentage of requests (100 * {ERRORS.name} / {REQUESTS.name})", "%",
        math=ERROR_RATE, period=300, evaluation_periods=2, treat_missing_data="notBreaching",
    ),
    Signal(
        "lb-5xx-rate", "lb_error_rate_5xx",
        f"5xx the load balancer returns itself, as a percentage of its requests (100 * {LB_ERRORS.name} / {LB_REQUESTS.name})", "%",
        math=LB_ERROR_RATE, period=300, evaluation_periods=2, treat_missing_data="notBreaching",
    ),
    Signal(
        "latency-p95", "latency_p95", f"95th percentile of request latency ({eb.APPLICATION_LATENCY['P95'].name})", "s",
        metric=eb.APPLICATION_LATENCY["P95"], statistic="Maximum", period=300, evaluation_periods=2,
        treat_missing_data="notBreaching",
    ),
    Signal(
        "root-filesystem", "root_filesystem",
        f"Fullest root filesystem among the instances ({eb.ROOT_FILESYSTEM_UTIL.name}, MAX by Metrics Insights)", "%",
        insights=FULLEST_ROOT_FILESYSTEM, period=300, evaluation_periods=2, treat_missing_data="missing",
    ),
    Signal(
        "queue-age", "queue_age", f"Age of the oldest message in the worker queue ({sqs.AGE_OF_OLDEST_MESSAGE.name})", "s",
        metric=sqs.AGE_OF_OLDEST_MESSAGE, statistic="Maximum", period=300, evaluation_periods=2,
        treat_missing_data="notBreaching",  # an idle queue stops publishing: no data is no backlog
    ),
    Signal(
        "queue-depth", "queue_depth", f"Messages waiting in the worker queue ({sqs.MESSAGES_VISIBLE.name})", "",
        metric=sqs.MESSAGES_VISIBLE, statistic="Maximum", period=300, evaluation_periods=2,
        treat_missing_data="notBreaching",
    ),
    Signal(
        "dead-letter-depth", "dead_letter_depth",
        f"Messages in the worker's dead-letter queue ({sqs.MESSAGES_VISIBLE.name}): tasks that failed every retry", "",
        metric=sqs.MESSAGES_VISIBLE, statistic="Maximum", period=300, evaluation_periods=1,
        treat_missing_data="notBreaching",
    ),
))

WEB, WORKER = "web", "worker"
# Which tier each row applies to (services[].tier): the request rows are a web server's, the queue rows a worker's.
TIERS: dict[str, tuple[str, ...]] = {
    "cpu": (WEB, WORKER), "health": (WEB, WORKER), "root-filesystem": (WEB, WORKER),
    "5xx-rate": (WEB,), "lb-5xx-rate": (WEB,), "latency-p95": (WEB,),
    "queue-age": (WORKER,), "queue-depth": (WORKER,), "dead-letter-depth": (WORKER,),
}
# The queue a worker row reads (its QueueName dimension): the worker queue or its dead-letter queue.
QUEUE_OF = {"queue-age": "queue", "queue-depth": "queue", "dead-letter-depth": "dead_letter"}


def applies_to(signal_name: str, tier: str) -> bool:
    """Whether a row of the table watches a service of ``tier`` (``web`` or ``worker``)."""
    return tier in TIERS.get(signal_name, (WEB, WORKER))  # a row not listed: every tier
