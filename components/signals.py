"""Signals: what a family watches, as data (cdk-monitoring-constructs' metric factories, as tables).

A family's ``signals.py`` holds a table of ``Signal`` rows. One row drives everything about that
signal, so it is written once:

- the alarms: one per declared level of the threshold the row names (``AlarmFactory.signal_alarms``);
- the dashboard: the family's section draws the row's metric with the threshold lines;
- the metrics the family must publish (a metric that needs enabling, such as an Elastic Beanstalk
  enhanced-health metric, is enabled because a row reads it);
- the policy rules: a rule asks the table which signals an owner must have, by ``name``.

``name`` is the signal's one name: the alarm is ``<owner>-<name>-<severity>``, the runbook section is
``#<name>``, the policy keys and the generated docs use it. ``threshold_key`` is the field of the
family's thresholds in the stack file (stack-file keys keep their names: ``error_rate_5xx``).

This module imports only the catalogue: the policy pack and the docs generator read signal tables
without the Pulumi SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from data.catalogue.cloudwatch import TREAT_MISSING_DATA
from data.catalogue.metrics import Metric
from data.model import Threshold


@dataclass(frozen=True)
class MathInput:
    """One metric a metric-math expression reads, under ``id``."""

    id: str
    metric: Metric
    statistic: str
    # Fixed dimension values, as (name, value) pairs, when each input reads another member of a group
    # (the nodes of a cache); None: the values the owner gives for the whole signal.
    dimensions: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class MetricMath:
    """A metric-math expression over ``inputs`` (each fetched at the signal's period)."""

    id: str
    expression: str
    label: str
    inputs: tuple[MathInput, ...]


@dataclass(frozen=True)
class MetricsInsights:
    """A Metrics Insights query: ``aggregate`` of ``metric`` over all its series, filtered on the
    dimensions named in ``where`` (for instance metrics whose instances come and go; alarms may not
    use SEARCH, but they may use Metrics Insights)."""

    id: str
    metric: Metric
    aggregate: str
    where: tuple[str, ...]
    label: str

    def query(self, literals: Mapping[str, str]) -> str:
        """The query text; ``literals`` gives the filter values (plain strings: the text is not an Output)."""
        schema = ", ".join([f'"{self.metric.namespace}"', *self.metric.dimensions])
        condition = " AND ".join(f"{name} = '{literals[name]}'" for name in self.where)
        return f"SELECT {self.aggregate}({self.metric.name}) FROM SCHEMA({schema}) WHERE {condition}"


@dataclass(frozen=True)
class Signal:
    """One watched quantity of a family, and how its alarms evaluate it.

    Exactly one of ``metric`` (with ``statistic``), ``math`` or ``insights`` says what is measured.
    ``unit`` is how the description prints the threshold (``%``, ``s``, or empty); ``what`` is the
    plain-language sentence that opens the alarm description.
    """

    name: str
    threshold_key: str
    what: str
    unit: str
    metric: Metric | None = None
    statistic: str | None = None
    math: MetricMath | None = None
    insights: MetricsInsights | None = None
    period: int = 300
    evaluation_periods: int = 1
    datapoints_to_alarm: int | None = None
    treat_missing_data: str = "missing"
    inclusive: bool = False
    region: str | None = None  # None: the metric's own region (see data.catalogue.regions)
    fixed: Threshold | None = None  # a threshold set by the metric itself (no stack-file key: threshold_key "")

    def __post_init__(self) -> None:
        sources = [s for s in (self.metric, self.math, self.insights) if s is not None]
        if len(sources) != 1:
            raise ValueError(f"signal {self.name}: give exactly one of metric, math, insights")
        if self.metric is not None and not self.statistic:
            raise ValueError(f"signal {self.name}: a metric signal needs a statistic")
        if self.treat_missing_data not in TREAT_MISSING_DATA:
            raise ValueError(f"signal {self.name}: treat_missing_data '{self.treat_missing_data}' is not one of {TREAT_MISSING_DATA}")
        if (self.fixed is None) == (self.threshold_key == ""):
            raise ValueError(f"signal {self.name}: give a threshold_key or a fixed threshold, not both")
        if self.datapoints_to_alarm is not None and self.datapoints_to_alarm > self.evaluation_periods:
            raise ValueError(f"signal {self.name}: datapoints_to_alarm exceeds evaluation_periods")

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """Every catalogue metric the signal reads."""
        if self.metric is not None:
            return (self.metric,)
        if self.math is not None:
            return tuple(item.metric for item in self.math.inputs)
        return (self.insights.metric,)

    @property
    def namespace(self) -> str:
        return self.metrics[0].namespace

    def alarm_source(self, dimensions: Mapping[str, Any], literals: Mapping[str, str] | None = None) -> dict[str, Any]:
        """What the alarm measures, as ``AlarmFactory.alarm`` keyword arguments (plain data: the
        factory turns ``metric_queries`` into the provider's query objects)."""
        if self.metric is not None:
            percentile = self.statistic.startswith("p")
            return dict(
                namespace=self.metric.namespace, metric_name=self.metric.name,
                statistic=None if percentile else self.statistic,
                extended_statistic=self.statistic if percentile else None,
                dimensions=self.metric.dimension_values(dict(dimensions)), period=self.period,
            )
        if self.math is not None:
            queries = [
                dict(id=item.id, return_data=False, metric=dict(
                    namespace=item.metric.namespace, metric_name=item.metric.name, stat=item.statistic,
                    period=self.period, dimensions=(
                        dict(item.dimensions) if item.dimensions is not None
                        else item.metric.dimension_values(dict(dimensions)))))
                for item in self.math.inputs
            ]
            queries.append(dict(id=self.math.id, return_data=True, label=self.math.label, expression=self.math.expression))
            return dict(metric_queries=queries)
        query = self.insights.query(literals or {})
        return dict(metric_queries=[dict(
            id=self.insights.id, return_data=True, label=self.insights.label, expression=query, period=self.period)])


@dataclass(frozen=True)
class SignalTable:
    """A family's signals, in the order its alarms are declared."""

    family: str
    owner: str  # what owns the alarms: "service", "cache", "distribution"...
    signals: tuple[Signal, ...]

    def __post_init__(self) -> None:
        names = [signal.name for signal in self.signals]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.family}: signal names repeat")

    def __iter__(self):
        return iter(self.signals)

    def get(self, name: str) -> Signal:
        return next(signal for signal in self.signals if signal.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(signal.name for signal in self.signals)
