"""Service level objectives: a public service has one, and its burn-rate alerts are whole and right.

The burn-rate alarms carry what the rules recompute them from (``components/slo/burn_rate.py``): the
children's tags ``signal`` (``slo-burn-<pair>``), ``slo_window`` (``long`` or ``short``),
``slo_availability`` and ``slo_window_days``; a child without actions names the composite that pages for
it (``notifies_through``). The pairs and the arithmetic are the data layer's (``data.model.slo``), so the
rules never re-derive a fact.
"""

from __future__ import annotations

import re

from data.catalogue import beanstalk_options as opt
from data.model.slo import PAIRS_BY_NAME, ServiceObjective, burn_rate_threshold

from .alerting import METRIC_ALARM, NOTIFIES_THROUGH, notifies_through
from .base import count, eb_setting, get, get_path, items, known_or_none, of_type, resource_rule, stack_rule
from .service_signals import alarms_of

COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
SIGNAL_PREFIX = "slo-burn-"
RULE_ALARMS = re.compile(r'ALARM\("([^"]+)"\)')
TOLERANCE = 1e-9


def _tags(resource) -> dict:
    return get(resource.props, "tags") or {}


def burn_pair(resource):
    """The burn-rate pair a resource alarms for (from its ``signal`` tag), or None."""
    signal = get(_tags(resource), "signal")
    if isinstance(signal, str) and signal.startswith(SIGNAL_PREFIX):
        return PAIRS_BY_NAME.get(signal[len(SIGNAL_PREFIX):])
    return None


def alarm_period(props) -> int | None:
    """The period of a metric-math alarm's metrics (all alike in a burn-rate child), or of a single-metric alarm."""
    periods = {get_path(query, "metric", "period") for query in items(get(props, "metricQueries")) if get(query, "metric")}
    if len(periods) == 1:
        return periods.pop()
    return get(props, "period")


def _name(resource) -> str:
    return get(resource.props, "name") or get(resource.props, "alarmName") or resource.name


@stack_rule(
    "alerting-slo-objective-declared", area="alerting", category="hygiene",
    description="A web service with a public load balancer has an availability objective and its burn-rate alerts.",
    runbook="docs/runbooks.md § Burn-rate alerts (issue 14: availability objectives as code)",
    remediation="Declare services[].slo (e.g. {availability: 99.9}) for the service: the program adds the burn-rate alerts.",
)
def objective_declared(args, report_violation):
    alarms = [a for a in of_type(args.resources, METRIC_ALARM) if burn_pair(a)]
    for environment in of_type(args.resources, ENVIRONMENT):
        props = environment.props
        if get(props, "tier") == "Worker" or known_or_none(lambda: eb_setting(props, opt.VPC, "ELBScheme")) == "internal":
            continue  # no public URL: no load balancer answering the internet
        if not alarms_of(environment, alarms):
            report_violation(
                f"environment {get(props, 'name') or environment.name} answers the internet and has no availability"
                " objective: nothing pages when it spends its error budget.", environment.urn)


@stack_rule(
    "alerting-slo-burn-rate-pair", area="alerting", category="blind-spot",
    description="Every burn-rate alert is a composite of its long and its short window: ALARM(long) AND ALARM(short), each"
    " child measuring the window of its pair.",
    runbook="docs/runbooks.md § Burn-rate alerts: the short window confirms the burn is still going on",
    remediation="Declare burn-rate alerts through components/slo/burn_rate.py (BurnRateAlarms): one child per window.",
)
def burn_rate_pair(args, report_violation):
    alarms = {_name(a): a for a in of_type(args.resources, METRIC_ALARM)}
    for composite in of_type(args.resources, COMPOSITE_ALARM):
        pair = burn_pair(composite)
        if pair is None:
            continue
        rule = known_or_none(lambda: get(composite.props, "alarmRule"))
        if rule is None:
            continue  # computed: judged at `pulumi up`
        named = [alarms[name] for name in RULE_ALARMS.findall(rule) if name in alarms]
        windows = {get(_tags(child), "slo_window"): alarm_period(child.props) for child in named}
        expected = {"long": pair.long_window, "short": pair.short_window}
        for which, seconds in expected.items():
            if which not in windows:
                report_violation(f"burn-rate alert {_name(composite)} has no {which}-window child ({seconds} s) in its rule:"
                                 f" {rule}", composite.urn)
            elif windows[which] != seconds:
                report_violation(f"burn-rate alert {_name(composite)}: its {which}-window child measures {windows[which]} s,"
                                 f" not the {pair.name} pair's {seconds} s.", composite.urn)
        if " AND " not in rule or " OR " in rule:
            report_violation(f"burn-rate alert {_name(composite)}: the rule must need both windows (AND): {rule}", composite.urn)


@resource_rule(
    "alerting-slo-burn-rate-threshold", area="alerting", category="blind-spot",
    description="A burn-rate alarm's threshold is its pair's burn rate times the objective's error budget"
    " (99.9 % over 30 days, fast pair: 14.4 x 0.001 = 0.0144).",
    runbook="docs/runbooks.md § Burn-rate alerts: the arithmetic",
    remediation="Let components/slo/burn_rate.py derive the thresholds from services[].slo; never set them by hand.",
    types=METRIC_ALARM,
    parameters={"objectives": {"type": "object", "description": "Service name to its declared objective"
                               " ({availability, window_days}), written by estate check from the estate."}},
)
def burn_rate_threshold_matches(args, report_violation):
    pair = burn_pair(args)
    if pair is None:
        return
    tags = get(args.props, "tags") or {}
    try:
        objective = ServiceObjective(availability=float(get(tags, "slo_availability")),
                                     window_days=int(get(tags, "slo_window_days")))
    except (TypeError, ValueError):
        report_violation("the alarm carries no valid slo_availability and slo_window_days tags: its threshold cannot be"
                         " checked against an objective.")
        return
    declared = (args.get_config().get("objectives") or {}).get(get(tags, "service"))
    if declared is not None:  # the estate's own objective wins over what the alarm says of itself
        stated = objective
        objective = ServiceObjective(**declared)
        if (stated.availability, stated.window_days) != (objective.availability, objective.window_days):
            report_violation(
                f"the alarm is tagged {stated.availability} % over {stated.window_days} days; the estate declares"
                f" {objective.availability} % over {objective.window_days} days for {get(tags, 'service')}.")
    expected = burn_rate_threshold(objective, pair.burn_rate(objective.window_days))
    threshold = known_or_none(lambda: get(args.props, "threshold"))
    if threshold is not None and abs(float(threshold) - expected) > TOLERANCE:
        report_violation(
            f"threshold {threshold} does not match the objective: {pair.name} pair, {objective.availability} % over"
            f" {objective.window_days} days is {pair.burn_rate(objective.window_days)} x {round(1 - objective.availability / 100, 12)}"
            f" = {expected}.")


@stack_rule(
    "alerting-slo-child-in-composite", area="alerting", category="blind-spot",
    description="An alarm without actions is the child of a composite alarm that names it in its rule and notifies.",
    runbook="Alarms notify someone: a silent child pages through its composite",
    remediation="Give the alarm actions (AlarmFactory), or its composite alarm_actions and ok_actions and a rule naming it.",
)
def child_in_composite(args, report_violation):
    composites = {_name(c): c for c in of_type(args.resources, COMPOSITE_ALARM)}
    for alarm in of_type(args.resources, METRIC_ALARM):
        parent_name = notifies_through(alarm.props)
        if not parent_name:
            continue
        composite = composites.get(parent_name)
        if composite is None:
            report_violation(f"alarm {_name(alarm)} has no actions and its {NOTIFIES_THROUGH} composite {parent_name}"
                             " is not declared: it fires and nobody is told.", alarm.urn)
            continue
        rule = known_or_none(lambda: get(composite.props, "alarmRule"))
        if rule is not None and _name(alarm) not in RULE_ALARMS.findall(rule):
            report_violation(f"alarm {_name(alarm)} has no actions and composite {parent_name} does not name it in its"
                             f" rule ({rule}).", alarm.urn)
        if not count(get(composite.props, "alarmActions")) or not count(get(composite.props, "okActions")):
            report_violation(f"alarm {_name(alarm)} pages through composite {parent_name}, which has no alarm or OK"
                             " actions.", alarm.urn)
