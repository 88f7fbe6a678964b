"""Incidents: the periods a burn-rate composite alarm spent in ALARM during the month, from its
StateUpdate history (DescribeAlarmHistory, ``HistoryData`` = ``{"oldState": {"stateValue": ...},
"newState": {...}}``).

An alarm already in ALARM when the month began (its last transition before the month went to ALARM, or
its first transition in the month leaves ALARM) counts from the month's first instant; one still in
ALARM at the end counts to the end (or to now, for the month so far). CloudWatch keeps alarm history
for 14 days (catalogue ``ALARM_HISTORY_RETENTION_DAYS``): what is older is not seen, and the report
says from when it could read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from data.catalogue.cloudwatch_reads import ALARM_HISTORY_MAX_RECORDS
from tools.report.month import utc

ALARM = "ALARM"


@dataclass(frozen=True)
class Transition:
    at: datetime
    old: str
    new: str


@dataclass(frozen=True)
class Incident:
    """One stay in ALARM of the pair's composite alarm, clipped to the month."""

    pair: str
    alarm: str
    start: datetime
    end: datetime
    open_at_start: bool  # in ALARM when the month began
    open_at_end: bool  # still in ALARM at the month's end (or now)

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60

    def to_dict(self) -> dict[str, Any]:
        return {"pair": self.pair, "alarm": self.alarm, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "minutes": round(self.minutes, 1), "open_at_start": self.open_at_start, "open_at_end": self.open_at_end}


def transitions(items: Iterable[Mapping[str, Any]]) -> list[Transition]:
    """StateUpdate history items -> transitions, oldest first (items of another type are skipped)."""
    found = []
    for item in items:
        if item.get("HistoryItemType", "StateUpdate") != "StateUpdate":
            continue
        data = json.loads(item.get("HistoryData") or "{}")
        old = (data.get("oldState") or {}).get("stateValue")
        new = (data.get("newState") or {}).get("stateValue")
        if old and new:
            found.append(Transition(utc(item["Timestamp"]), old, new))
    return sorted(found, key=lambda t: t.at)


def alarm_periods(steps: list[Transition], start: datetime, end: datetime, *, pair: str, alarm: str,
                  state_now: str | None = None) -> list[Incident]:
    """The stays in ALARM within ``[start, end)``. The state at ``start`` is the last transition's new
    state before it, else the first later transition's old state, else ``state_now`` (no transition
    at all: the alarm has been in its current state all along)."""
    before = [t for t in steps if t.at < start]
    within = [t for t in steps if start <= t.at < end]
    if before:
        state = before[-1].new
    elif within:
        state = within[0].old
    else:
        state = state_now or "OK"
    incidents: list[Incident] = []
    opened: datetime | None = start if state == ALARM else None
    for step in within:
        if step.new == ALARM and opened is None:
            opened = step.at
        elif step.new != ALARM and opened is not None:
            incidents.append(Incident(pair, alarm, opened, step.at, opened == start and state == ALARM and not incidents, False))
            opened = None
    if opened is not None:
        incidents.append(Incident(pair, alarm, opened, end, opened == start and state == ALARM and not incidents, True))
    return incidents


def read_history(cloudwatch: Any, alarm: str, until: datetime) -> list[Mapping[str, Any]]:
    """Every StateUpdate of the composite alarm ``alarm`` CloudWatch still holds up to ``until``, oldest
    first (every NextToken page)."""
    items: list[Mapping[str, Any]] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"AlarmName": alarm, "AlarmTypes": ["CompositeAlarm"], "HistoryItemType": "StateUpdate",
                                  "EndDate": until, "ScanBy": "TimestampAscending", "MaxRecords": ALARM_HISTORY_MAX_RECORDS}
        if token:
            kwargs["NextToken"] = token
        page = cloudwatch.describe_alarm_history(**kwargs)
        items.extend(page.get("AlarmHistoryItems") or ())
        token = page.get("NextToken")
        if not token:
            return items
