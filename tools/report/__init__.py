"""``estate report``: the monthly availability report of runbook 000 ("Générer un rapport mensuel",
1. DISPONIBILITÉ), measured instead of typed in (issue 14 #4).

Per service with an objective (``service.slo``): the availability over the calendar month (UTC) from
the metrics its deployed burn-rate alarm watches (``availability``), the error budget
``(1 - objective) x requests`` spent and remaining, and the incidents: the stays in ALARM of its
burn-rate composite alarms (``incidents``). Formats are in ``output``.

A service is ``met`` when its availability reaches the objective, ``missed`` otherwise, ``no requests``
when the month had no traffic (no availability to speak of, never "100 %"), ``error`` when it could not
be measured (its alarm is not deployed, CloudWatch did not answer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from data.catalogue.cloudwatch_reads import ALARM_HISTORY_RETENTION_DAYS
from tools.report.availability import Counts, SliProblem, monthly_counts, sli_metric_stats
from tools.report.incidents import ALARM, Incident, Transition, alarm_periods, read_history, transitions
from tools.report.month import Month, parse_month, utc

__all__ = ["MET", "MISSED", "NO_REQUESTS", "ERROR", "MonthlyReport", "ServiceReport", "monthly_report", "parse_month"]

MET, MISSED, NO_REQUESTS, ERROR = "met", "missed", "no requests", "error"


@dataclass
class ServiceReport:
    service: str
    objective: float  # percent of requests answered without a server error
    window_days: int
    budget: float = 0.0  # share of requests allowed to fail (``data.model.slo.error_budget``: 99.9 -> 0.001)
    alarm: str = ""  # the burn-rate child alarm whose metrics were read
    counts: Counts | None = None
    status: str = ERROR
    problem: str = ""
    incidents: list[Incident] | None = None  # None: the alarm history could not be read
    incidents_note: str = ""

    @property
    def availability(self) -> float | None:
        """Percent; None without requests."""
        if self.counts is None or self.counts.requests <= 0:
            return None
        return 100 * (1 - self.counts.errors / self.counts.requests)

    @property
    def allowed_errors(self) -> float | None:
        """The month's error budget in requests: (1 - objective) x requests."""
        return None if self.counts is None else self.budget * self.counts.requests

    @property
    def budget_spent(self) -> float | None:
        """Percent of the budget the errors used (over 100: the objective is missed)."""
        allowed = self.allowed_errors
        if self.counts is None or not allowed:
            return None
        return 100 * self.counts.errors / allowed

    @property
    def budget_remaining(self) -> float | None:
        spent = self.budget_spent
        return None if spent is None else 100 - spent

    @property
    def incident_minutes(self) -> float | None:
        """Minutes at least one burn-rate alarm was in ALARM (overlapping pairs counted once)."""
        if self.incidents is None:
            return None
        total, reached = 0.0, None
        for incident in sorted(self.incidents, key=lambda i: i.start):
            begin = incident.start if reached is None else max(incident.start, reached)
            if incident.end > begin:
                total += (incident.end - begin).total_seconds() / 60
            reached = incident.end if reached is None else max(reached, incident.end)
        return total

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts
        return {
            "service": self.service, "status": self.status, "problem": self.problem or None,
            "objective_percent": self.objective, "window_days": self.window_days,
            "error_budget_ratio": self.budget, "alarm": self.alarm or None,
            "requests": None if counts is None else counts.requests, "errors": None if counts is None else counts.errors,
            "hourly_datapoints": None if counts is None else counts.datapoints,
            "availability_percent": self.availability, "allowed_errors": self.allowed_errors,
            "budget_spent_percent": self.budget_spent, "budget_remaining_percent": self.budget_remaining,
            "incidents": None if self.incidents is None else [i.to_dict() for i in self.incidents],
            "incident_minutes": self.incident_minutes, "incidents_note": self.incidents_note or None,
        }


@dataclass
class MonthlyReport:
    stack: str
    region: str
    month: Month
    services: list[ServiceReport] = field(default_factory=list)

    @property
    def missed(self) -> list[str]:
        return [s.service for s in self.services if s.status == MISSED]

    @property
    def errors(self) -> list[str]:
        return [s.service for s in self.services if s.status == ERROR]

    @property
    def exit_code(self) -> int:
        """1 when an objective was missed or a service could not be measured (CI flags the month)."""
        return int(bool(self.missed or self.errors))

    def to_dict(self) -> dict[str, Any]:
        month = self.month
        return {
            "stack": self.stack, "region": self.region, "month": month.label, "start": month.start.isoformat(),
            "end": month.end.isoformat(), "partial": month.partial, "until": month.until.isoformat(),
            "period_seconds": month.period, "services": [s.to_dict() for s in self.services],
            "missed": self.missed, "errors": self.errors, "exit_code": self.exit_code,
        }


def objectives(estate: Any) -> list[tuple[str, Any]]:
    """(service name, objective) of every service of the estate that declares one, in estate order."""
    return [(s.name, s.slo) for s in estate.services if getattr(s, "slo", None) is not None]


def monthly_report(estate: Any, *, stack: str, clients: Any, region: str, month: Month) -> MonthlyReport:
    """Measure every service with an objective over ``month`` in ``region``'s CloudWatch."""
    from data.model.slo import burn_rate_alarm_names, error_budget

    report = MonthlyReport(stack=stack, region=region, month=month)
    cloudwatch = clients("cloudwatch", region)
    for name, objective in objectives(estate):
        service = ServiceReport(service=name, objective=float(objective.availability), window_days=int(objective.window_days),
                                budget=error_budget(objective))
        report.services.append(service)
        _measure(service, cloudwatch, burn_rate_alarm_names(name), month)
    return report


def _measure(service: ServiceReport, cloudwatch: Any, pairs: dict[str, tuple[str, str, str]], month: Month) -> None:
    from tools.verify.aws import Unavailable, call

    names = sorted({name for names in pairs.values() for name in names})
    try:
        found = _describe(cloudwatch, names, call)
    except Unavailable as why:
        service.problem = f"CloudWatch DescribeAlarms did not answer: {why}"
        return
    children = [child for _, long_child, short_child in pairs.values() for child in (long_child, short_child)]
    deployed = [found[c] for c in children if c in found and "Metrics" in found[c]]
    if not deployed:
        service.problem = (f"no burn-rate alarm of {service.service} is deployed in this region (looked for"
                           f" {', '.join(children)}): run `pulumi up`, then the report")
        return
    child = deployed[0]
    service.alarm = child["AlarmName"]
    try:
        stats = sli_metric_stats(child)
        service.counts = call(monthly_counts, cloudwatch=cloudwatch, stats=stats, month=month)
    except (SliProblem, Unavailable) as why:
        service.problem = str(why)
        return
    if service.counts.requests <= 0:
        service.status = NO_REQUESTS
    else:
        service.status = MET if service.availability >= service.objective else MISSED
    _incidents(service, cloudwatch, pairs, found, month)


def _describe(cloudwatch: Any, names: list[str], call: Any) -> dict[str, dict[str, Any]]:
    """Metric and composite alarms by name (DescribeAlarms takes at most 100 names per call)."""
    found: dict[str, dict[str, Any]] = {}
    for first in range(0, len(names), 100):
        token = None
        while True:
            kwargs: dict[str, Any] = {"AlarmNames": names[first:first + 100], "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}
            if token:
                kwargs["NextToken"] = token
            page = call(cloudwatch.describe_alarms, **kwargs)
            for alarm in (page.get("MetricAlarms") or []) + (page.get("CompositeAlarms") or []):
                found[alarm["AlarmName"]] = alarm
            token = page.get("NextToken")
            if not token:
                break
    return found


def _incidents(service: ServiceReport, cloudwatch: Any, pairs: dict[str, tuple[str, str, str]],
               found: dict[str, dict[str, Any]], month: Month) -> None:
    from tools.verify.aws import Unavailable, call

    kept_since = month.now - timedelta(days=ALARM_HISTORY_RETENTION_DAYS)
    if month.until <= kept_since:
        service.incidents_note = (f"not known: CloudWatch keeps alarm history {ALARM_HISTORY_RETENTION_DAYS} days,"
                                  f" {month.label} ended before {kept_since:%Y-%m-%d}")
        return
    notes, incidents, read = [], [], 0
    for pair, (composite, _, _) in pairs.items():
        alarm = found.get(composite)
        if alarm is None:
            notes.append(f"{composite} is not deployed")
            continue
        try:
            items = call(read_history, cloudwatch=cloudwatch, alarm=composite, until=month.until)
        except Unavailable as why:
            service.incidents_note = f"not known: DescribeAlarmHistory did not answer ({why})"
            return
        read += 1
        steps = transitions(items) or _current_state(alarm)
        incidents += alarm_periods(steps, month.start, month.until, pair=pair, alarm=composite, state_now=alarm.get("StateValue"))
    if kept_since > month.start:
        notes.append(f"alarm history is kept {ALARM_HISTORY_RETENTION_DAYS} days: incidents before {kept_since:%Y-%m-%d %H:%M} UTC are not seen")
    service.incidents = sorted(incidents, key=lambda i: (i.start, i.pair)) if read else None
    service.incidents_note = ("not known: " if not read else "") + "; ".join(notes)


def _current_state(alarm: dict[str, Any]) -> list[Transition]:
    """No history: the alarm's current state and when it entered it, as one transition into ALARM."""
    since = alarm.get("StateUpdatedTimestamp")
    if alarm.get("StateValue") != ALARM or since is None:
        return []
    return [Transition(utc(since) if isinstance(since, datetime) else since, "OK", ALARM)]
