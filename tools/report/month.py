"""The calendar month a report covers (UTC), and the GetMetricData period that can still read it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from data.catalogue.cloudwatch_reads import HOURLY_PERIOD, METRIC_RETENTION_DAYS
from tools.stacks import BadInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Month:
    """``[start, end)``: the first day 00:00 UTC to the next month's first day 00:00 UTC.
    ``now`` inside the month: the month so far (``partial``), read up to ``until``."""

    label: str
    start: datetime
    end: datetime
    now: datetime

    @property
    def partial(self) -> bool:
        return self.now < self.end

    @property
    def until(self) -> datetime:
        return min(self.end, self.now)

    @property
    def period(self) -> int:
        """Hourly: a month is at most 744 hours (far under GetMetricData's 100,800 datapoints per call),
        and 3600 s is a period every retention tier accepts up to 455 days back (catalogue)."""
        return HOURLY_PERIOD


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def parse_month(text: str, now: datetime) -> Month:
    """``YYYY-MM`` -> the month; ``BadInput`` for another format, a month not begun yet, or one older
    than CloudWatch keeps hourly datapoints (455 days)."""
    now = utc(now)
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadInput([f"--month: '{text}' is not a month: expected YYYY-MM, such as {now:%Y-%m}"])
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, number, 1, tzinfo=timezone.utc)
    end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=timezone.utc)
    if start > now:
        raise BadInput([f"--month: {text} has not begun (now is {now:%Y-%m-%d %H:%M} UTC): name this month or an earlier one"])
    oldest = now - timedelta(days=METRIC_RETENTION_DAYS)
    if start < oldest:
        raise BadInput([f"--month: {text} began more than {METRIC_RETENTION_DAYS} days ago: CloudWatch no longer keeps"
                        f" its hourly datapoints (name {oldest:%Y-%m} or later)"])
    return Month(label=f"{year:04d}-{number:02d}", start=start, end=end, now=now)
