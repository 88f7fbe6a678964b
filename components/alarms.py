"""The alarm factory: the one place that decides how an alarm is named, described, routed and tagged.

Every alarm of the estate is created here (STYLE.md, cdk-monitoring-constructs' AlarmFactory), so the
cross-cutting decisions cannot drift between services:

- name ``<owner>-<signal>-<severity>`` (``authz-eb-cpu-critical``);
- description: what is measured, the comparison with the threshold and its unit, the evaluation
  window, and ``Runbook: <estate.runbook_url>#<signal>`` (one runbook section per signal, shared
  by every owner: docs/runbooks.md for the RT estate);
- alarm AND OK actions on the topic of the alarm's severity in the alarm's own region (CloudWatch
  rejects a topic of another region; OK actions let paging incidents resolve themselves), and on the
  topic of that severity of the team answering for the alarm's service when it has one
  (``estate.alerting.teams``; a distribution's alarms belong to the service it fronts): two actions
  at most, a service having one team (PutMetricAlarm allows ``ALARM_MAX_ACTIONS``, catalogue);
- comparison from ``Threshold.direction``: ``above`` is ``GreaterThanThreshold`` and ``below`` is
  ``LessThanThreshold`` (the runbooks' "> 80 %", "> 10 errors", "< 80 % hit rate"); signals whose
  values are discrete levels (EnvironmentHealth 15 Warning / 20 Degraded) ask for ``inclusive=True``,
  which gives ``GreaterThanOrEqualToThreshold`` / ``LessThanOrEqualToThreshold``;
- ``datapoints_to_alarm`` defaults to ``evaluation_periods`` (every datapoint of the window breaches);
- ``treat_missing_data`` defaults to ``missing`` unless the signal says otherwise;
- tags ``service`` (the owner), ``severity``, ``signal`` and ``team`` (when a team answers for the
  owner) on top of the estate's tags.

Composite alarms (``composite_alarm``: the burn-rate alerts, issue 14) are named, described, routed and
tagged the same way; their children (``silent_alarm``) have no actions and carry the tag
``notifies_through`` naming the composite that pages for them (the rule ``alerting-slo-child-in-composite``
checks it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import child, estate_tags
from data.catalogue.cloudwatch import (
    ALARM_DESCRIPTION_MAX_LENGTH, COMPARISON_OPERATORS, COMPARISON_SYMBOLS, TREAT_MISSING_DATA, alarm_window_problem,
    ALARM_EXPRESSION_MAX_LENGTH, ALARM_MAX_METRICS, COMPOSITE_ALARM_RULE_MAX_LENGTH,
)
from components.signals import Signal
from data.catalogue.regions import metric_region
from data.model import Estate, Severity, Threshold
from data.model.alerting import owner_team



def alarm_name(owner: str, signal: str, severity: Severity | str) -> str:
    return f"{owner}-{signal}-{Severity(severity).value}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class DeclaredAlarm:
    """An alarm the factory created, as what reads the whole set needs it (the maintenance mute rules)."""

    name: str
    owner: str
    signal: str
    severity: str
    region: str
    resource: pulumi.Resource


class AlarmFactory:
    """Creates alarms as children of the component that asks for them, in the right region."""

    def __init__(self, estate: Estate, routing, regions):
        self._estate = estate
        self._routing = routing
        self._regions = regions
        self._by_owner: dict[str, list[aws.cloudwatch.MetricAlarm]] = {}
        self._names: set[str] = set()
        self.declared: list[DeclaredAlarm] = []  # every alarm created, in creation order
        self._composites: dict[str, list[aws.cloudwatch.CompositeAlarm]] = {}

    # -- the decisions --------------------------------------------------------------------------

    def runbook_link(self, signal: str) -> str:
        """One runbook section per signal: the same procedure serves every owner of that signal."""
        return f"{self._estate.runbook_url}#{signal}"

    def description(
        self, owner: str, signal: str, severity: Severity, *, what: str, comparison: str, value: float,
        unit: str, period: int, evaluation_periods: int, datapoints_to_alarm: int,
    ) -> str:
        unit_text = unit if unit in ("%",) else f" {unit}" if unit else ""
        window = (
            f"{datapoints_to_alarm} of {evaluation_periods} periods of {period} s"
            if datapoints_to_alarm != evaluation_periods
            else f"{evaluation_periods} period{'s' if evaluation_periods > 1 else ''} of {period} s"
        )
        text = (
            f"{severity.value.upper()}: {what} {COMPARISON_SYMBOLS[comparison]} {_number(value)}{unit_text}"
            f" for {window}. Runbook: {self.runbook_link(signal)}"
        )
        if len(text) > ALARM_DESCRIPTION_MAX_LENGTH:
            raise ValueError(f"alarm {alarm_name(owner, signal, severity)}: description longer than {ALARM_DESCRIPTION_MAX_LENGTH}")
        return text

    # -- creating alarms ------------------------------------------------------------------------

    def threshold_alarms(
        self, parent: pulumi.Resource, owner: str, signal: str, threshold: Threshold, **kwargs
    ) -> list[aws.cloudwatch.MetricAlarm]:
        """One alarm per declared level of ``threshold`` (warning first, then critical)."""
        return [
            self.alarm(parent, owner, signal, severity, value, direction=threshold.direction, **kwargs)
            for severity, value in threshold.levels()
        ]

    def signal_alarms(
        self, parent: pulumi.Resource, owner: str, signal: Signal, threshold: Threshold | None, *,
        dimensions: Mapping[str, pulumi.Input[str]] | None = None, literals: Mapping[str, str] | None = None,
        what: str | None = None,
    ) -> list[aws.cloudwatch.MetricAlarm]:
        """The alarms of one row of a family's signal table, one per declared level of ``threshold``
        (none when the estate switched the signal off). ``dimensions`` gives the metric's dimension
        values (Outputs allowed); ``literals`` the plain values a Metrics Insights filter needs;
        ``what`` replaces the row's sentence when the owner's own words say more (a distribution id)."""
        if threshold is None:
            return []
        source = signal.alarm_source(dimensions or {}, literals)
        if "metric_queries" in source:
            source["metric_queries"] = [_query_args(query) for query in source["metric_queries"]]
        return self.threshold_alarms(
            parent, owner, signal.name, threshold, what=what or signal.what, unit=signal.unit,
            inclusive=signal.inclusive, evaluation_periods=signal.evaluation_periods,
            datapoints_to_alarm=signal.datapoints_to_alarm, treat_missing_data=signal.treat_missing_data,
            region=signal.region or metric_region(signal.namespace, self._regions.primary), **source,
        )

    def alarm(
        self,
        parent: pulumi.Resource,
        owner: str,
        signal: str,
        severity: Severity | str,
        value: float,
        *,
        what: str,
        unit: str,
        direction: str = "above",
        inclusive: bool = False,
        namespace: str | None = None,
        metric_name: str | None = None,
        statistic: str | None = None,
        extended_statistic: str | None = None,
        dimensions: Mapping[str, pulumi.Input[str]] | None = None,
        metric_queries: Sequence[aws.cloudwatch.MetricAlarmMetricQueryArgs] | None = None,
        period: int = 300,
        evaluation_periods: int = 1,
        datapoints_to_alarm: int | None = None,
        treat_missing_data: str = "missing",
        region: str | None = None,
    ) -> aws.cloudwatch.MetricAlarm:
        """One alarm at one severity. Give either a metric (namespace, metric_name, a statistic,
        dimensions) or ``metric_queries`` (metric math, exactly one query returning data)."""
        severity = Severity(severity)
        region = region or self._regions.primary
        comparison = COMPARISON_OPERATORS[(direction, inclusive)]
        datapoints = datapoints_to_alarm or evaluation_periods
        if treat_missing_data not in TREAT_MISSING_DATA:
            raise ValueError(f"treat_missing_data '{treat_missing_data}' is not one of {', '.join(TREAT_MISSING_DATA)}")
        if datapoints > evaluation_periods:
            raise ValueError(f"datapoints_to_alarm ({datapoints}) exceeds evaluation_periods ({evaluation_periods})")
        window = alarm_window_problem(period, evaluation_periods)
        if window:
            raise ValueError(window)
        if metric_queries is not None:
            if namespace or metric_name or statistic or extended_statistic or dimensions:
                raise ValueError("give metric_queries or a single metric, not both")
            _check_queries(metric_queries)
        elif not (namespace and metric_name and (statistic or extended_statistic)):
            raise ValueError("a single-metric alarm needs namespace, metric_name and a statistic")
        name = alarm_name(owner, signal, severity)
        self._claim(name)
        team = owner_team(self._estate, owner)
        team_tag = {"team": team.name} if team else {}
        topic_arns = [topic.arn for topic in self._routing.topics_for(region, severity, team.name if team else None)]
        alarm = aws.cloudwatch.MetricAlarm(
            name,
            name=name,
            alarm_description=self.description(
                owner, signal, severity, what=what, comparison=comparison, value=value, unit=unit,
                period=period, evaluation_periods=evaluation_periods, datapoints_to_alarm=datapoints,
            ),
            comparison_operator=comparison,
            threshold=value,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints,
            treat_missing_data=treat_missing_data,
            namespace=namespace,
            metric_name=metric_name,
            statistic=statistic,
            extended_statistic=extended_statistic,
            dimensions=dict(sorted(dimensions.items())) if dimensions else None,
            period=period if metric_queries is None else None,
            metric_queries=list(metric_queries) if metric_queries is not None else None,
            actions_enabled=True,
            alarm_actions=topic_arns,
            ok_actions=topic_arns,
            tags=estate_tags(self._estate, service=owner, severity=severity.value, signal=signal, **team_tag),
            opts=child(parent, self._regions.options(region)),
        )
        self._by_owner.setdefault(owner, []).append(alarm)
        self.declared.append(DeclaredAlarm(name, owner, signal, severity.value, region, alarm))
        return alarm

    def _claim(self, name: str) -> None:
        if name in self._names:
            raise ValueError(f"alarm {name} declared twice")
        self._names.add(name)

    def silent_alarm(
        self, parent: pulumi.Resource, owner: str, name: str, *, signal: str, severity: Severity | str, value: float,
        what: str, metric_queries: Sequence[Mapping], period: int, notifies_through: str,
        treat_missing_data: str = "notBreaching", region: str | None = None, tags: Mapping[str, str] | None = None,
    ) -> aws.cloudwatch.MetricAlarm:
        """A metric-math alarm with no actions, read by the composite alarm ``notifies_through`` (tagged so:
        the policy rule ``slo-child-in-composite`` checks that composite exists, acts and names it)."""
        severity = Severity(severity)
        region = region or self._regions.primary
        if window := alarm_window_problem(period, 1):
            raise ValueError(f"alarm {name}: {window}")
        queries = [_query_args(dict(query)) for query in metric_queries]
        _check_queries(queries)
        self._claim(name)
        description = (f"{what} > {_number(value)} over {period} s. No actions: {notifies_through} pages on it."
                       f" Runbook: {self.runbook_link(signal)}")
        return aws.cloudwatch.MetricAlarm(
            name, name=name, alarm_description=description, comparison_operator="GreaterThanThreshold",
            threshold=value, evaluation_periods=1, datapoints_to_alarm=1, treat_missing_data=treat_missing_data,
            metric_queries=queries, actions_enabled=True, alarm_actions=[], ok_actions=[],
            tags=estate_tags(self._estate, service=owner, severity=severity.value, signal=signal,
                             notifies_through=notifies_through, **dict(tags or {})),
            opts=child(parent, self._regions.options(region)),
        )

    def composite_alarm(
        self, parent: pulumi.Resource, owner: str, signal: str, severity: Severity | str, *, rule: str, what: str,
        suppressor: aws.cloudwatch.CompositeAlarm | None = None, wait_period: int = 0, extension_period: int = 0,
        region: str | None = None, tags: Mapping[str, str] | None = None, depends_on: Sequence[pulumi.Resource] = (),
    ) -> aws.cloudwatch.CompositeAlarm:
        """A composite alarm named, described, routed and tagged like every alarm (``<owner>-<signal>-<severity>``,
        alarm and OK actions on the severity's topics and the owner's team's); ``suppressor``'s ALARM state
        silences its actions (PutCompositeAlarm ActionsSuppressor). ``depends_on``: the alarms ``rule`` names
        (CloudWatch refuses a rule naming an alarm that does not exist yet)."""
        severity = Severity(severity)
        region = region or self._regions.primary
        if len(rule) > COMPOSITE_ALARM_RULE_MAX_LENGTH:
            raise ValueError(f"composite rule of {alarm_name(owner, signal, severity)} is {len(rule)} characters;"
                             f" at most {COMPOSITE_ALARM_RULE_MAX_LENGTH}")
        name = alarm_name(owner, signal, severity)
        self._claim(name)
        team = owner_team(self._estate, owner)
        team_tag = {"team": team.name} if team else {}
        topic_arns = [topic.arn for topic in self._routing.topics_for(region, severity, team.name if team else None)]
        description = f"{severity.value.upper()}: {what} Runbook: {self.runbook_link(signal)}"
        if len(description) > ALARM_DESCRIPTION_MAX_LENGTH:
            raise ValueError(f"alarm {name}: description longer than {ALARM_DESCRIPTION_MAX_LENGTH}")
        composite = aws.cloudwatch.CompositeAlarm(
            name, alarm_name=name, alarm_description=description, alarm_rule=rule, actions_enabled=True,
            alarm_actions=topic_arns, ok_actions=topic_arns,
            actions_suppressor=aws.cloudwatch.CompositeAlarmActionsSuppressorArgs(
                alarm=suppressor.alarm_name, wait_period=wait_period, extension_period=extension_period,
            ) if suppressor is not None else None,
            tags=estate_tags(self._estate, service=owner, severity=severity.value, signal=signal, **team_tag, **dict(tags or {})),
            opts=child(parent, self._regions.options(region), depends_on=list(depends_on)),
        )
        self._composites.setdefault(owner, []).append(composite)
        self.declared.append(DeclaredAlarm(name, owner, signal, severity.value, region, composite))
        return composite

    def composites_of(self, owner: str) -> list[aws.cloudwatch.CompositeAlarm]:
        """The composite alarms created so far for ``owner``, in creation order."""
        return list(self._composites.get(owner, []))

    def alarms_of(self, owner: str) -> list[aws.cloudwatch.MetricAlarm]:
        """The alarms created so far for ``owner``, in creation order (for alarm-status widgets)."""
        return list(self._by_owner.get(owner, []))


def _field(query, key: str):
    return query.get(key) if isinstance(query, Mapping) else pulumi.get(query, key)


def _check_queries(queries) -> None:
    """What CloudWatch and the provider refuse in a metric-math alarm (review §15, catalogue)."""
    metrics = sum(1 for query in queries if _field(query, "metric"))
    if metrics > ALARM_MAX_METRICS:
        raise ValueError(f"a metric-math alarm reads at most {ALARM_MAX_METRICS} metrics, got {metrics}")
    for query in queries:
        expression = _field(query, "expression")
        if isinstance(expression, str) and len(expression) > ALARM_EXPRESSION_MAX_LENGTH:
            raise ValueError(f"expression of query {_field(query, 'id')} is {len(expression)} characters;"
                             f" at most {ALARM_EXPRESSION_MAX_LENGTH}")


def _query_args(query: Mapping) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    """A signal's plain metric query as the provider's input type."""
    metric = query.get("metric")
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        **{key: value for key, value in query.items() if key != "metric"},
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(**metric) if metric else None,
    )
