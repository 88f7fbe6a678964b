"""What every part of the estate model shares: the strict base model, severities, names, secret
references, maintenance windows, warning/critical thresholds, and the helpers the validators use."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator


class StrictModel(BaseModel):
    """Unknown keys are errors (typos must not be silently ignored); models are immutable.

    Numbers are not booleans: pydantic's lax mode would read ``port: true`` as port 1, so a boolean
    given for a numeric field is refused (the rest of lax mode stays: YAML's 30 for a float is fine).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                field = cls.model_fields.get(key) if isinstance(key, str) else None
                if field is not None and isinstance(value, bool) and _numeric_only(field.annotation):
                    raise ValueError(f"{key}: expected a number, got a boolean {str(value).lower()}")
        return data


def _numeric_only(annotation: Any) -> bool:
    """True for int/float annotations (optional or constrained) that do not also accept a boolean."""
    if annotation in (int, float):
        return True
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _numeric_only(args[0])
    if origin in (Union, UnionType):
        kinds = [a for a in args if a is not type(None)]
        return bool(kinds) and all(_numeric_only(a) for a in kinds)
    return False


class Severity(str, Enum):
    """The estate's one severity ladder (seeds 002-004): critical pages, warning mails, info chats."""

    critical = "critical"
    warning = "warning"
    info = "info"


SEVERITIES_BY_URGENCY = (Severity.critical, Severity.warning, Severity.info)

Name = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$", min_length=2, max_length=63)]

class SecretRef(StrictModel):
    """Where a secret value lives. Exactly one source; the value itself is never in the stack file.

    - ``secrets_manager``: an existing Secrets Manager secret of that name, created with its value by
      operators before ``pulumi up`` (``estate preflight`` checks it); the program references it.
    - ``ssm``: an existing SSM SecureString parameter of that name.
    - ``config``: a Pulumi secret config key (``pulumi config set --secret <key>``), stored by the
      program into a Secrets Manager secret so services read it the same way.
    - ``generated``: a random value of that length, generated once and kept in Pulumi state and in
      a Secrets Manager secret (for JWT / session secrets the runbooks ask to be "random, 32+").
    """

    secrets_manager: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9/_+=.@-]{1,512}$",
        description="Name of an existing Secrets Manager secret, created with its value by operators before"
        " `pulumi up` (`aws secretsmanager create-secret`; `estate preflight` checks it); the program references it.",
    )
    ssm: str | None = Field(
        default=None, pattern=r"^/?[A-Za-z0-9/_.-]{1,2048}$",
        description="Name of an existing SSM SecureString parameter.",
    )
    config: str | None = Field(
        default=None, pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$",
        description="A Pulumi secret config key (`pulumi config set --secret <key>`); the program stores its"
        " value in a Secrets Manager secret.",
    )
    generated: int | None = Field(
        default=None, ge=32, le=128,
        description="Length of a random value generated once, kept in Pulumi state and a Secrets Manager"
        " secret (runbooks 001/003: JWT and session secrets random, 32+ characters).",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretRef:
        given = [k for k in ("secrets_manager", "ssm", "config", "generated") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "a secret reference needs exactly one of secrets_manager, ssm, config, generated"
                f" (got {', '.join(given) or 'none'})"
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("secrets_manager", "ssm", "config", "generated") if getattr(self, k) is not None)


_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_WINDOW = re.compile(r"^(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)-(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)$")


class MaintenanceWindow(StrictModel):
    """A weekly UTC window in ElastiCache's syntax, ``ddd:hh:mm-ddd:hh:mm`` (seed 004: Sunday 02-05)."""

    window: str = Field(
        description="Weekly UTC window `ddd:hh:mm-ddd:hh:mm` (lower-case day, 24 h), 60 minutes to 24 hours"
        " (the AWS limits).",
    )

    @model_validator(mode="after")
    def _syntax(self) -> MaintenanceWindow:
        match = _WINDOW.match(self.window)
        if not match:
            raise ValueError(f"window: '{self.window}' is not a weekly window like 'sun:02:00-sun:05:00' (lower-case day, 24 h UTC)")
        start, end = self._minutes(match.group(1, 2, 3)), self._minutes(match.group(4, 5, 6))
        length = (end - start) % (7 * 24 * 60)
        if length < 60:
            raise ValueError(f"window: '{self.window}' must last at least 60 minutes (AWS minimum)")
        if length > 24 * 60:
            raise ValueError(f"window: '{self.window}' must last at most 24 hours (AWS maximum)")
        return self

    @staticmethod
    def _minutes(parts: tuple[str, str, str]) -> int:
        day, hour, minute = parts
        return _DAYS.index(day) * 24 * 60 + int(hour) * 60 + int(minute)

    @property
    def start_day(self) -> str:
        return self.window[:3]

    @property
    def start_hour(self) -> int:
        return int(self.window[4:6])

    @property
    def start_minute(self) -> int:
        return int(self.window[7:9])

    @property
    def length_minutes(self) -> int:
        """How long the window lasts (it may cross midnight or the week's end)."""
        match = _WINDOW.match(self.window)
        return (self._minutes(match.group(4, 5, 6)) - self._minutes(match.group(1, 2, 3))) % (7 * 24 * 60)

    @property
    def eb_start_time(self) -> str:
        """Elastic Beanstalk ``PreferredStartTime`` (``Sun:02:00``)."""
        return f"{self.window[:3].capitalize()}:{self.window[4:9]}"

    @property
    def atlas_day_of_week(self) -> int:
        """Atlas counts days from Sunday = 1."""
        return _DAYS.index(self.start_day) + 1


_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
MUTE_MAX_MINUTES = 15 * 24 * 60  # a mute rule lasts at most P15D (data/catalogue/cloudwatch_mute.py)


def _instant(key: str, value: str) -> datetime:
    """An RFC 3339 UTC instant to the minute (``2026-12-06T01:00:00Z``): mute rules take minutes, seconds 00."""
    if not _INSTANT.match(value):
        raise ValueError(f"{key}: '{value}' is not a UTC instant like '2026-12-06T01:00:00Z'")
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise ValueError(f"{key}: '{value}' is not a calendar date and time") from None
    if moment.second:
        raise ValueError(f"{key}: '{value}' must have seconds 00 (mute rules start and end on a minute)")
    return moment


def duration_minutes(value: str) -> int | None:
    """``PT3H`` -> 180, ``P1DT2H30M`` -> 1590; None when it is not such a duration (days, hours, minutes)."""
    match = _DURATION.match(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        return None
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return days * 24 * 60 + hours * 60 + minutes


class OneOffWindow(StrictModel):
    """Planned work outside the weekly windows (a migration, a failover test): one ONE_TIME mute rule per
    Region where the named owners' alarms live, from ``start`` for its length (seed 004 § 4.2: announced 48 h
    before). Its alarms keep evaluating; a fault still in ALARM at the end pages then."""

    name: Name = Field(description="Names the mute rule (`<organisation>-<environment>-mute-<name>-<region>`).")
    start: str = Field(description="UTC start, RFC 3339 to the minute: `2026-12-06T01:00:00Z` (seconds 00).")
    end: str | None = Field(default=None, description="UTC end, same form, after `start`; give `end` or `duration`.")
    duration: str | None = Field(
        default=None, description="ISO 8601 length (`PT3H`, `P1DT2H`), 1 minute to 15 days; give `end` or `duration`.",
    )
    reason: str = Field(
        min_length=10, max_length=500,
        description="Why (the change ticket, the announcement), 10 to 500 characters; in the rule's description.",
    )
    services: list[Name] = Field(
        min_length=1,
        description="Whose alarms are muted: service names (their alarms, health check and the distributions"
        " fronting them) or the cache's name. Burn-rate pages stay on unless `maintenance.mute_burn_rate`.",
    )

    @model_validator(mode="after")
    def _span(self) -> OneOffWindow:
        start = _instant("start", self.start)
        if (self.end is None) == (self.duration is None):
            raise ValueError("give exactly one of end and duration")
        if self.end is not None:
            end = _instant("end", self.end)
            if end <= start:
                raise ValueError(f"end: '{self.end}' must be after start ('{self.start}')")
            minutes = int((end - start).total_seconds() // 60)
        else:
            minutes = duration_minutes(self.duration)
            if minutes is None:
                raise ValueError(f"duration: '{self.duration}' is not an ISO 8601 duration like 'PT3H' or 'P1DT2H30M'")
            if minutes < 1:
                raise ValueError(f"duration: '{self.duration}' must last at least one minute")
        if minutes > MUTE_MAX_MINUTES:
            raise ValueError(f"{'end' if self.end else 'duration'}: the window lasts {minutes} minutes; a mute rule lasts at most 15 days (P15D)")
        return self

    @property
    def starts(self) -> datetime:
        return _instant("start", self.start)

    @property
    def minutes(self) -> int:
        if self.end is not None:
            return int((_instant("end", self.end) - self.starts).total_seconds() // 60)
        return duration_minutes(self.duration) or 0

    @property
    def ends(self) -> datetime:
        return self.starts + timedelta(minutes=self.minutes)


class Maintenance(StrictModel):
    """Seed 004: preferred Sunday 02:00-05:00 UTC, secondary Wednesday 02:00-04:00 UTC; and which alarms
    stay quiet during them (CloudWatch alarm mute rules, components/maintenance.py)."""

    preferred: MaintenanceWindow = Field(
        default=MaintenanceWindow(window="sun:02:00-sun:05:00"),
        description="The estate's maintenance window (seed 004 § 4.1: Sunday 02:00-05:00 UTC): Elastic"
        " Beanstalk managed updates, the Atlas maintenance window, the cache's unless it names its own.",
    )
    secondary: MaintenanceWindow = Field(
        default=MaintenanceWindow(window="wed:02:00-wed:04:00"),
        description="Seed 004's secondary window (Wednesday 02:00-04:00 UTC), for announced work that does not fit"
        " the preferred one; no AWS-managed work runs in it, so alarms are muted in it only with `mute_secondary`.",
    )
    mute_alarms: bool = Field(
        default=True,
        description="Mute, every week in the preferred window (and the cache's own), the alarms planned work trips"
        " (docs/operations.md, Maintenance-aware paging): alarms keep evaluating, their actions wait.",
    )
    mute_secondary: bool = Field(
        default=False,
        description="Also mute them every week in the secondary window; false: declare a `one_off` window for"
        " the work planned there (seed 004 § 4.2 announces it 48 h before).",
    )
    mute_burn_rate: bool = Field(
        default=False,
        description="Also mute the SLO burn-rate pages (`-slo-burn-`) in the windows; false: an outage during"
        " maintenance still pages once it spends the error budget fast.",
    )
    one_off: list[OneOffWindow] = Field(
        default=[], description="Announced one-time windows (ONE_TIME mute rules); a window already over is"
        " skipped with a warning (remove it).",
    )


def maintenance_problems(maintenance: Maintenance, owners: set[str]) -> list[tuple[str, str]]:
    """What the one-off windows name that the estate does not declare, as (key path, message) pairs."""
    problems = duplicates("maintenance.one_off", [w.name for w in maintenance.one_off], "name", "window name")
    for i, window in enumerate(maintenance.one_off):
        for j, name in enumerate(window.services):
            if name not in owners:
                problems.append((f"maintenance.one_off[{i}].services[{j}]",
                                 f"unknown service or cache '{name}' (declared: {', '.join(sorted(owners))})"))
    return problems


class Threshold(StrictModel):
    """A warning/critical pair on one signal. ``above``: alarm when the value rises past it."""

    warning: float | None = Field(
        default=None,
        description="Level that raises the warning alarm (routed to the warning topic), in the signal's unit;"
        " omitted: no warning alarm.",
    )
    critical: float | None = Field(
        default=None,
        description="Level that raises the critical alarm (routed to the critical topic), in the signal's unit;"
        " omitted: no critical alarm. Beyond the warning level in the alarm's direction.",
    )
    direction: Literal["above", "below"] = Field(
        default="above",
        description="`above`: the alarm fires when the value rises past the level; `below`: when it falls under it.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        if self.warning is None and self.critical is None:
            raise ValueError("give a warning or a critical threshold (or both)")
        if self.warning is not None and self.critical is not None:
            if self.direction == "above" and self.critical <= self.warning:
                raise ValueError(f"critical ({format_number(self.critical)}) must be above warning ({format_number(self.warning)})")
            if self.direction == "below" and self.critical >= self.warning:
                raise ValueError(f"critical ({format_number(self.critical)}) must be below warning ({format_number(self.warning)})")
        return self

    def levels(self) -> list[tuple[Severity, float]]:
        """The declared levels, warning first."""
        pairs = [(Severity.warning, self.warning), (Severity.critical, self.critical)]
        return [(sev, value) for sev, value in pairs if value is not None]


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def percent_threshold(warning: float, critical: float) -> Threshold:
    return Threshold(warning=warning, critical=critical)


def check_percentages(threshold: Threshold | None, *, upper: float = 100) -> None:
    if threshold is None:
        return
    for _, value in threshold.levels():
        if not 0 <= value <= upper:
            raise ValueError(f"{format_number(value)} is out of range: expected 0 to {format_number(upper)}")


def duplicates(list_key: str, names: list[str | None], field: str, what: str) -> list[tuple[str, str]]:
    """One problem per repeated name, at the path of the repetition."""
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(names):
        if name is None:
            continue
        if name in seen:
            problems.append((f"{list_key}[{i}].{field}", f"duplicate {what} '{name}' (first at {list_key}[{seen[name]}])"))
        else:
            seen[name] = i
    return problems


def unique(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"duplicate {what} '{name}'")
        seen.add(name)


def secret_refs(model: BaseModel, path: str = "estate") -> list[tuple[str, SecretRef]]:
    """Every ``SecretRef`` under ``model`` with its key path (``estate.services[0].secrets.JWT_SECRET``), in order."""
    if isinstance(model, SecretRef):
        return [(path, model)]
    found: list[tuple[str, SecretRef]] = []
    for name in type(model).model_fields:
        found += _refs_in(getattr(model, name), f"{path}.{name}")
    return found


def _refs_in(value: Any, path: str) -> list[tuple[str, SecretRef]]:
    if isinstance(value, BaseModel):
        return secret_refs(value, path)
    if isinstance(value, (list, tuple)):
        return [found for i, item in enumerate(value) for found in _refs_in(item, f"{path}[{i}]")]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _refs_in(item, f"{path}.{key}")]
    return []
