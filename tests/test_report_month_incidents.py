"""``estate report``'s arithmetic without AWS: which month a ``--month`` names (and which it refuses),
and the incidents a composite alarm's state history gives within a month."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tools.report.incidents import Transition, alarm_periods, transitions
from tools.report.month import parse_month
from tools.stacks import BadInput

UTC = timezone.utc
NOW = datetime(2026, 11, 29, 13, 0, tzinfo=UTC)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_a_month_runs_from_its_first_day_to_the_next_months_first_day_utc():
    october = parse_month("2026-10", NOW)
    assert (october.start, october.end, october.partial) == (at(1), at(1, month=11), False)
    december = parse_month("2025-12", NOW)
    assert (december.start, december.end) == (datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert december.period == 3600  # hourly: the only period CloudWatch still serves 63 to 455 days back


def test_the_current_month_is_read_up_to_now():
    november = parse_month("2026-11", NOW)
    assert november.partial and november.until == NOW and november.end == at(1, month=12)


@pytest.mark.parametrize("text, words", [
    ("2026-13", "is not a month: expected YYYY-MM"),
    ("2026/10", "is not a month"),
    ("oct", "is not a month"),
    ("2026-12", "has not begun"),
    ("2025-06", "more than 455 days ago"),
])
def test_a_month_that_cannot_be_reported_is_bad_input_naming_the_option(text, words):
    with pytest.raises(BadInput) as refused:
        parse_month(text, NOW)
    assert len(refused.value.lines) == 1
    assert refused.value.lines[0].startswith("--month: ") and words in refused.value.lines[0]


def history(*steps: tuple[datetime, str, str]) -> list[dict]:
    """DescribeAlarmHistory items as CloudWatch returns them (newest first, HistoryData a JSON string)."""
    return [{"Timestamp": when, "HistoryItemType": "StateUpdate", "AlarmName": "svc-burn",
             "HistoryData": json.dumps({"version": "1.0", "oldState": {"stateValue": old}, "newState": {"stateValue": new}})}
            for when, old, new in reversed(steps)]


def periods(items, state_now=None, end=None):
    return [(i.start, i.end, i.open_at_start, i.open_at_end)
            for i in alarm_periods(transitions(items), at(1), end or at(1, month=11), pair="p", alarm="a", state_now=state_now)]


def test_each_stay_in_alarm_within_the_month_is_one_incident():
    items = history((at(3, 10), "OK", "ALARM"), (at(3, 11, 30), "ALARM", "OK"),
                    (at(20, 2), "OK", "INSUFFICIENT_DATA"), (at(20, 3), "INSUFFICIENT_DATA", "ALARM"), (at(20, 4), "ALARM", "OK"))
    assert periods(items) == [(at(3, 10), at(3, 11, 30), False, False), (at(20, 3), at(20, 4), False, False)]


def test_an_alarm_already_in_alarm_when_the_month_began_counts_from_the_first_instant():
    from_before = history((at(28, month=9), "OK", "ALARM"), (at(2, 6), "ALARM", "OK"))
    assert periods(from_before) == [(at(1), at(2, 6), True, False)]
    # history cut before the month: the first transition inside it says what the state was
    cut = history((at(2, 6), "ALARM", "OK"))
    assert periods(cut) == [(at(1), at(2, 6), True, False)]


def test_an_alarm_still_in_alarm_at_the_end_counts_to_the_end_and_an_old_ok_is_no_incident():
    items = history((at(28, month=9), "ALARM", "OK"), (at(31, 23), "OK", "ALARM"))
    assert periods(items) == [(at(31, 23), at(1, month=11), False, True)]
    assert periods(history((at(28, month=9), "OK", "ALARM"), (at(29, month=9), "ALARM", "OK"))) == []


def test_without_any_transition_the_current_state_held_all_month():
    assert periods([], state_now="ALARM") == [(at(1), at(1, month=11), True, True)]
    assert periods([], state_now="OK") == []


def test_transitions_after_the_end_are_ignored_and_other_item_types_skipped():
    items = history((at(5), "OK", "ALARM"), (at(3, month=11), "ALARM", "OK"))
    items.append({"Timestamp": at(6), "HistoryItemType": "Action", "HistoryData": "{}"})
    assert transitions(items)[0] == Transition(at(5), "OK", "ALARM")
    assert periods(items, end=at(10)) == [(at(5), at(10), False, True)]


def test_minutes_in_alarm_count_overlapping_pairs_once():
    from tools.report import ServiceReport
    from tools.report.incidents import Incident

    fast = Incident("fast", "svc-slo-burn-fast-critical", at(3, 10), at(3, 11), False, False)
    slow = Incident("slow", "svc-slo-burn-slow-critical", at(3, 10, 30), at(3, 12), False, False)
    later = Incident("ticket", "svc-slo-burn-ticket-warning", at(9, 0), at(9, 0, 15), False, False)
    service = ServiceReport("svc", 99.9, 30, incidents=[slow, later, fast])
    assert service.incident_minutes == 120 + 15
    assert ServiceReport("svc", 99.9, 30).incident_minutes is None  # history not read: unknown, not zero
