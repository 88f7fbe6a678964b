"""What every part of the estate model shares: the strict base model, severities, names, secret
references, maintenance windows, warning/critical thresholds, and the helpers the validators use."""

from __future__ import annotations

import re
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
    def eb_start_time(self) -> str:
        """Elastic Beanstalk ``PreferredStartTime`` (``Sun:02:00``)."""
        return f"{self.window[:3].capitalize()}:{self.window[4:9]}"

    @property
    def atlas_day_of_week(self) -> int:
        """Atlas counts days from Sunday = 1."""
        return _DAYS.index(self.start_day) + 1


class Maintenance(StrictModel):
    """Seed 004: preferred Sunday 02:00-05:00 UTC, secondary Wednesday 02:00-04:00 UTC."""

    preferred: MaintenanceWindow = Field(
        default=MaintenanceWindow(window="sun:02:00-sun:05:00"),
        description="The estate's maintenance window (seed 004 § 4.1: Sunday 02:00-05:00 UTC): Elastic"
        " Beanstalk managed updates, the Atlas maintenance window, the cache's unless it names its own.",
    )
    secondary: MaintenanceWindow = Field(
        default=MaintenanceWindow(window="wed:02:00-wed:04:00"),
        description="Seed 004's secondary window (Wednesday 02:00-04:00 UTC); validated, not read by the"
        " program today.",
    )


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
