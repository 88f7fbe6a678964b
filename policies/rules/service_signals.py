"""Which alarms watch an Elastic Beanstalk environment, and which signals it must have: what the
``services-environment-alarms`` and ``services-environment-enhanced-health`` rules read.

The required signals are the rows of the EB signal table (components/beanstalk/signals.py), never a
second list of names; an alarm is recognised by the metric it watches and by the environment it
depends on or names in its values.
"""

from __future__ import annotations

import re

from components.beanstalk.signals import SIGNALS as EB_SIGNALS
from components.beanstalk.signals import WEB, WORKER, applies_to
from data.catalogue import beanstalk as eb
from data.catalogue import beanstalk_options as opt
from data.catalogue import elb

from .base import eb_setting, get, get_path, items, known_or_none

# Every signal of the EB table (components/beanstalk/signals.py) must be alarmed on, by its one name:
# runbooks 000/001's CPU, health, 5xx and latency, the load balancer's own 5xx (issue 10 #10) and the
# root filesystem (seed 002). A signal reading a load balancer's metric only where there is one.
REQUIRED_SIGNALS = tuple(signal.name for signal in EB_SIGNALS)
LOAD_BALANCER_SIGNALS = tuple(
    signal.name for signal in EB_SIGNALS if any(elb.LOAD_BALANCER[0] in metric.dimensions for metric in signal.metrics)
)
# Metrics that watch the same thing another way: an alarm on one of them counts as that signal's.
# (The load balancer's own HTTPCode_ELB_5XX_Count is not the application's 5xx: it is lb-5xx-rate's.)
EQUIVALENT_METRICS = {
    "5xx-rate": (elb.TARGET_5XX_COUNT,),
    "latency-p95": (eb.APPLICATION_LATENCY["P99"], eb.APPLICATION_LATENCY["P90"], elb.TARGET_RESPONSE_TIME),
}


def _watched_metric(signal) -> str:
    """The metric a signal is about: its metric, its query's, or its metric math's first input (the
    5xx rate's numerator, ApplicationRequests5xx: a request count alone says nothing of errors)."""
    if signal.math is not None:
        return signal.math.inputs[0].metric.name
    return signal.metrics[0].name


# Alarms are recognised by the metrics they read.
SIGNAL_METRICS = {
    name: (_watched_metric(EB_SIGNALS.get(name)), *(m.name for m in EQUIVALENT_METRICS.get(name, ())))
    for name in REQUIRED_SIGNALS
}
BOTH_SEVERITIES = ("warning", "critical")
# The environment metrics the required signals' alarms read that the ConfigDocument must list.
ALARMED_ENVIRONMENT_METRICS = tuple(
    metric.name for name in REQUIRED_SIGNALS for metric in EB_SIGNALS.get(name).metrics
    if metric.namespace == eb.NAMESPACE and metric.published == eb.CONFIG_DOCUMENT and metric.dimensions == eb.ENVIRONMENT
)


def metrics_read(alarm) -> set[str]:
    metrics = set()
    name = get(alarm.props, "metricName")
    if name:
        metrics.add(name)
    for query in items(get(alarm.props, "metricQueries")):
        metric_name = get_path(query, "metric", "metricName")
        if metric_name:
            metrics.add(metric_name)
        expression = get(query, "expression")
        if isinstance(expression, str):
            metrics.update(re.findall(r"[A-Za-z0-9_]+", expression))
    return metrics


def _names_environment(alarm, name) -> bool:
    """Whether an alarm names the environment in its values: an ``EnvironmentName`` dimension, or a
    Metrics Insights query's ``WHERE EnvironmentName = '<name>'`` (such a query takes the name as
    plain text, so the alarm does not depend on the environment). Unknown values name nothing."""
    if not isinstance(name, str) or not name:
        return False
    key = eb.ENVIRONMENT[0]
    where = re.compile(rf"\b{key}\s*=\s*'{re.escape(name)}'")
    if known_or_none(lambda: get_path(alarm.props, "dimensions", key)) == name:
        return True
    for query in items(known_or_none(lambda: get(alarm.props, "metricQueries"))):
        if known_or_none(lambda: get_path(query, "metric", "dimensions", key)) == name:
            return True
        expression = known_or_none(lambda: get(query, "expression"))
        if isinstance(expression, str) and where.search(expression):
            return True
    return False


def alarms_of(environment, alarms) -> list:
    """Alarms that watch ``environment``: they depend on it (its name or Auto Scaling group flows
    into their dimensions) or name it in their values, or, failing that, they live under the same
    component."""
    name = get(environment.props, "name")
    # A worker's queue alarms depend on the queues it reads (WorkerQueueURL, and that queue's dead-letter queue).
    watched = {environment.urn} | {d.urn for d in _queues_read(environment)}
    linked = [a for a in alarms if any(d.urn in watched for d in a.dependencies) or _names_environment(a, name)]
    if linked or environment.parent is None:
        return linked
    scope = environment.parent.urn
    return [a for a in alarms if any(p.urn == scope for p in _ancestors(a))]


QUEUE = "aws:sqs/queue:Queue"


def _queues_read(environment) -> list:
    """The SQS queues an environment depends on, and the queues those depend on (a dead-letter queue)."""
    found, pending = [], [d for d in environment.dependencies if d.resource_type == QUEUE]
    while pending:
        queue = pending.pop()
        if queue.urn not in {q.urn for q in found}:
            found.append(queue)
            pending += [d for d in getattr(queue, "dependencies", ()) if d.resource_type == QUEUE]
    return found


def _ancestors(resource) -> list:
    out, current = [], resource.parent
    while current is not None:
        out.append(current)
        current = current.parent
    return out


def load_balanced(environment) -> bool:
    kind = eb_setting(environment.props, opt.ENVIRONMENT, "EnvironmentType") or opt.ENVIRONMENT_TYPE_DEFAULT
    return kind != opt.SINGLE_INSTANCE


def switched_off(estate) -> dict[str, list[str]]:
    """Per environment, the signals of the EB table its service's stack file switches off
    (``thresholds.<key>: null``, issue 12 #7): what ``services-environment-alarms`` accepts missing."""
    found = {}
    for service in estate.services:
        if service.kind != "beanstalk":
            continue
        off = [signal.name for signal in EB_SIGNALS if signal.threshold_key and getattr(service.thresholds, signal.threshold_key) is None]
        if off:
            found[service.environment_name] = off
    return found


def tier_of(environment) -> str:
    """``worker`` for an environment of the Worker tier, else ``web`` (EB's default tier)."""
    return WORKER if get(environment.props, "tier") == opt.WORKER_TIER else WEB


def required_for(environment) -> dict[str, tuple[str, ...]]:
    """The signals (and the metrics recognising their alarms) an environment must be alarmed on: its
    tier's rows of the table (issue 12 #3), the load balancer's only where there is one."""
    tier, balanced = tier_of(environment), load_balanced(environment)
    return {name: metrics for name, metrics in SIGNAL_METRICS.items()
            if applies_to(name, tier) and (balanced or name not in LOAD_BALANCER_SIGNALS)}
