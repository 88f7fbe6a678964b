"""A service's built-in alarm levels: one ``SignalThreshold`` per row of the Elastic Beanstalk signal
table (``components/beanstalk/signals.py``), tunable per signal (levels and alarm window) or switched off
with ``null`` (issue 12 #7)."""

from __future__ import annotations

from pydantic import Field, model_validator

from data.catalogue.cloudwatch import alarm_period_problem, alarm_window_problem, datapoints_problem
from data.model.base import StrictModel, Threshold, check_percentages, format_number


class SignalThreshold(Threshold):
    """A service signal's levels and, optionally, its alarm window (issue 12 #7): the signal table's
    period, evaluation periods and datapoints to alarm unless the stack file gives its own."""

    period: int | None = Field(
        default=None, ge=10,
        description="Seconds per evaluated datapoint (10, 20, 30 or a multiple of 60, CloudWatch's rule); null: the signal's own.",
    )
    evaluation_periods: int | None = Field(
        default=None, ge=1,
        description="Periods evaluated; required with `period` or `datapoints_to_alarm`; period x evaluation_periods"
        " is at most one day, seven days for a period of an hour or more (CloudWatch). Null: the signal's own.",
    )
    datapoints_to_alarm: int | None = Field(
        default=None, ge=1,
        description="Of those periods, how many must breach (M out of N; at most `evaluation_periods`); null: all of them.",
    )

    @model_validator(mode="after")
    def _window(self) -> SignalThreshold:
        if (self.period is not None or self.datapoints_to_alarm is not None) and self.evaluation_periods is None:
            raise ValueError(
                "evaluation_periods: give it with period or datapoints_to_alarm, so the alarm window (period x"
                " evaluation periods, at most one day, seven days for a period of an hour or more) is the stack file's"
            )
        if self.period is not None and (problem := alarm_period_problem(self.period)):
            raise ValueError(f"period: {problem}")
        if self.period is not None and (problem := alarm_window_problem(self.period, self.evaluation_periods)):
            raise ValueError(f"evaluation_periods: {problem}")
        if self.datapoints_to_alarm is not None and (
                problem := datapoints_problem(self.datapoints_to_alarm, self.evaluation_periods)):
            raise ValueError(f"datapoints_to_alarm: {problem}")
        return self

    @property
    def window(self) -> dict[str, int]:
        """The overridden alarm settings, as Signal fields (empty: the signal's own). New evaluation
        periods without datapoints mean all of them (the signal's own M-of-N belongs to its own N)."""
        found: dict = {"period": self.period} if self.period is not None else {}
        if self.evaluation_periods is not None:
            found.update(evaluation_periods=self.evaluation_periods, datapoints_to_alarm=self.datapoints_to_alarm)
        return found


def _signal_threshold(warning: float, critical: float) -> SignalThreshold:
    return SignalThreshold(warning=warning, critical=critical)


class ServiceThresholds(StrictModel):
    """Warning/critical thresholds per signal; defaults from the runbooks (see docs/seed-decisions.md). Each
    may also give its alarm window (``period``, ``evaluation_periods``, ``datapoints_to_alarm``); ``null``
    switches the signal's alarms off (issue 12 #7)."""

    cpu: SignalThreshold | None = Field(
        default=_signal_threshold(70, 85),
        description="Average CPU of the environment's instances, percent (AWS/EC2 CPUUtilization; seed 002: 70 / 85).",
    )
    health: SignalThreshold | None = Field(
        default=_signal_threshold(15, 20),
        description="Elastic Beanstalk EnvironmentHealth level, 0 Ok to 25 Severe (15 Warning, 20 Degraded); alarms"
        " when it reaches the level.",
    )
    error_rate_5xx: SignalThreshold | None = Field(
        default=_signal_threshold(2, 5),
        description="5xx responses, percent of requests (seeds 002/004: 2 / 5).",
    )
    lb_error_rate_5xx: SignalThreshold | None = Field(
        default=_signal_threshold(2, 5),
        description="5xx the load balancer returns itself (no healthy target, timeouts), percent of its requests"
        " (AWS/ApplicationELB HTTPCode_ELB_5XX_Count / RequestCount; seeds 002/004's 5xx ladder: 2 / 5).",
    )
    latency_p95: SignalThreshold | None = Field(
        default=_signal_threshold(0.5, 2),
        description="95th percentile request latency, seconds, above 0 and at most 60 (seed 004: 0.5 / 2).",
    )
    root_filesystem: SignalThreshold | None = Field(
        default=_signal_threshold(80, 95),
        description="Root filesystem used on the fullest instance, percent (seed 002 disk: 80 / 95).",
    )

    queue_age: SignalThreshold | None = Field(
        default=_signal_threshold(300, 900),
        description="`tier: worker` only: age of the oldest message in the worker queue, seconds (AWS/SQS"
        " ApproximateAgeOfOldestMessage): messages wait longer than the workers keep up with.",
    )
    queue_depth: SignalThreshold | None = Field(
        default=_signal_threshold(1000, 5000),
        description="`tier: worker` only: messages waiting in the worker queue (AWS/SQS ApproximateNumberOfMessagesVisible).",
    )
    dead_letter_depth: SignalThreshold | None = Field(
        default=_signal_threshold(0, 10),
        description="`tier: worker` only: messages in the dead-letter queue (failed `max_receive_count` times); any is"
        " a lost task to look at.",
    )

    @model_validator(mode="after")
    def _ranges(self) -> ServiceThresholds:
        for field in ("cpu", "error_rate_5xx", "lb_error_rate_5xx", "root_filesystem"):
            try:
                check_percentages(getattr(self, field))
            except ValueError as error:
                raise ValueError(f"{field}: {error}") from None
        try:
            check_percentages(self.health, upper=25)
        except ValueError as error:
            raise ValueError(f"health: {error} (EnvironmentHealth runs 0 OK to 25 Severe)") from None
        for _, value in (self.latency_p95.levels() if self.latency_p95 is not None else ()):
            if not 0 < value <= 60:
                raise ValueError(f"latency_p95: {format_number(value)} is out of range: expected seconds, above 0 and at most 60")
        for field in ("cpu", "health", "error_rate_5xx", "lb_error_rate_5xx", "latency_p95", "root_filesystem"):
            if getattr(self, field) is not None and getattr(self, field).direction != "above":
                raise ValueError(f"{field}: direction must be 'above' (the signal is bad when it rises)")
        return self
