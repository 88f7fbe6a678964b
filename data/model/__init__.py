"""The estate model: everything the stack file declares, validated before any resource exists.

The stack file (``Pulumi.<stack>.yaml``) holds the estate as data under ``monitored-estate:estate``;
these pydantic models are its schema. Components receive these objects and never read config.
Defaults come from the runbooks (``../shared/seeds``); where a runbook is wrong the default is the
corrected value and ``docs/seed-decisions.md`` records why.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Names and values that look like secrets: one definition, shared with the policy pack's secrets rules
# (that module imports only ``re``, not the policy SDK).
from data.secret_patterns import SECRET_NAME_PATTERN, SECRET_VALUE_PATTERN, looks_secret  # noqa: F401

# --------------------------------------------------------------------------------------------------
# Shared building blocks
# --------------------------------------------------------------------------------------------------


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

    - ``secrets_manager``: a Secrets Manager secret of that name, declared (and protected) by the
      program, its value put by operators out of band (``aws secretsmanager put-secret-value``).
    - ``ssm``: an existing SSM SecureString parameter of that name.
    - ``config``: a Pulumi secret config key (``pulumi config set --secret <key>``), stored by the
      program into a Secrets Manager secret so services read it the same way.
    - ``generated``: a random value of that length, generated once and kept in Pulumi state and in
      a Secrets Manager secret (for JWT / session secrets the runbooks ask to be "random, 32+").
    """

    secrets_manager: str | None = Field(default=None, pattern=r"^[A-Za-z0-9/_+=.@-]{1,512}$")
    ssm: str | None = Field(default=None, pattern=r"^/?[A-Za-z0-9/_.-]{1,2048}$")
    config: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")
    generated: int | None = Field(default=None, ge=32, le=128)

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

    window: str

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

    preferred: MaintenanceWindow = MaintenanceWindow(window="sun:02:00-sun:05:00")
    secondary: MaintenanceWindow = MaintenanceWindow(window="wed:02:00-wed:04:00")


class Threshold(StrictModel):
    """A warning/critical pair on one signal. ``above``: alarm when the value rises past it."""

    warning: float | None = None
    critical: float | None = None
    direction: Literal["above", "below"] = "above"

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        if self.warning is None and self.critical is None:
            raise ValueError("give a warning or a critical threshold (or both)")
        if self.warning is not None and self.critical is not None:
            if self.direction == "above" and self.critical <= self.warning:
                raise ValueError(f"critical ({_num(self.critical)}) must be above warning ({_num(self.warning)})")
            if self.direction == "below" and self.critical >= self.warning:
                raise ValueError(f"critical ({_num(self.critical)}) must be below warning ({_num(self.warning)})")
        return self

    def levels(self) -> list[tuple[Severity, float]]:
        """The declared levels, warning first."""
        pairs = [(Severity.warning, self.warning), (Severity.critical, self.critical)]
        return [(sev, value) for sev, value in pairs if value is not None]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _percent_threshold(warning: float, critical: float) -> Threshold:
    return Threshold(warning=warning, critical=critical)


def _check_percentages(threshold: Threshold | None, *, upper: float = 100) -> None:
    if threshold is None:
        return
    for _, value in threshold.levels():
        if not 0 <= value <= upper:
            raise ValueError(f"{_num(value)} is out of range: expected 0 to {_num(upper)}")


# --------------------------------------------------------------------------------------------------
# Alerting
# --------------------------------------------------------------------------------------------------


class Subscription(StrictModel):
    """A subscriber of the alert topics of the listed severities."""

    name: Name
    protocol: Literal["email", "sms", "https"]
    endpoint: str
    severities: list[Severity] = Field(min_length=1)

    @model_validator(mode="after")
    def _endpoint_matches_protocol(self) -> Subscription:
        checks = {
            "email": (r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", "an email address"),
            "sms": (r"^\+[1-9]\d{6,14}$", "a phone number in E.164 form (+33612345678)"),
            "https": (r"^https://[^\s]+$", "an https:// URL"),
        }
        pattern, expected = checks[self.protocol]
        if not re.match(pattern, self.endpoint, re.IGNORECASE):
            raise ValueError(f"endpoint: '{self.endpoint}' must be {expected} for protocol {self.protocol}")
        return self


class SmsPreferences(StrictModel):
    """Runbook 001: SMS spend limit 50 USD a month, transactional messages."""

    monthly_spend_limit: int = Field(default=50, ge=1, le=10000)
    default_sms_type: Literal["Transactional", "Promotional"] = "Transactional"


class Alerting(StrictModel):
    topic_prefix: Name
    subscriptions: list[Subscription] = Field(min_length=1)
    sms: SmsPreferences = SmsPreferences()

    @model_validator(mode="after")
    def _every_severity_reaches_someone(self) -> Alerting:
        covered = {sev for sub in self.subscriptions for sev in sub.severities}
        missing = [sev.value for sev in SEVERITIES_BY_URGENCY if sev not in covered]
        if missing:
            raise ValueError(f"no subscription receives severity {', '.join(missing)}: every topic needs a subscriber")
        _unique([s.name for s in self.subscriptions], "subscription name")
        return self


def _duplicates(list_key: str, names: list[str | None], field: str, what: str) -> list[tuple[str, str]]:
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


def _unique(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"duplicate {what} '{name}'")
        seen.add(name)


# --------------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------------


class HealthCheck(StrictModel):
    """Runbook 001's ALB process health check."""

    path: str = Field(default="/health", pattern=r"^/[^\s]*$")
    interval: int = Field(default=30, ge=5, le=300)
    timeout: int = Field(default=5, ge=2, le=120)
    healthy_threshold: int = Field(default=2, ge=2, le=10)
    unhealthy_threshold: int = Field(default=3, ge=2, le=10)

    @model_validator(mode="after")
    def _timeout_below_interval(self) -> HealthCheck:
        if self.timeout >= self.interval:
            raise ValueError(f"timeout ({self.timeout}) must be below interval ({self.interval})")
        return self


class Scaling(StrictModel):
    """Autoscaling on CPU (runbook 000: 2 to 4 instances, 70 / 20 %)."""

    min: int = Field(default=1, ge=1, le=100)
    max: int = Field(default=2, ge=1, le=100)
    cpu_upper: float = Field(default=70, gt=0, le=100)
    cpu_lower: float = Field(default=20, ge=0, lt=100)

    @model_validator(mode="after")
    def _ordered(self) -> Scaling:
        if self.max < self.min:
            raise ValueError(f"max: {self.max} must be at least min ({self.min})")
        if self.cpu_lower >= self.cpu_upper:
            raise ValueError(f"cpu_lower ({_num(self.cpu_lower)}) must be below cpu_upper ({_num(self.cpu_upper)})")
        return self


class ServiceThresholds(StrictModel):
    """Warning/critical thresholds per signal; defaults from the runbooks (see docs/seed-decisions.md)."""

    cpu: Threshold = _percent_threshold(70, 85)  # seed 002; AWS/EC2 CPUUtilization (%)
    health: Threshold = _percent_threshold(15, 20)  # EnvironmentHealth: 15 Warning, 20 Degraded
    error_rate_5xx: Threshold = _percent_threshold(2, 5)  # seed 002/004, percent of requests
    latency_p95: Threshold = _percent_threshold(0.5, 2)  # seed 004, seconds (CloudWatch unit)
    root_filesystem: Threshold = _percent_threshold(80, 95)  # seed 002 disk (%)

    @model_validator(mode="after")
    def _ranges(self) -> ServiceThresholds:
        for field in ("cpu", "error_rate_5xx", "root_filesystem"):
            try:
                _check_percentages(getattr(self, field))
            except ValueError as error:
                raise ValueError(f"{field}: {error}") from None
        try:
            _check_percentages(self.health, upper=25)
        except ValueError as error:
            raise ValueError(f"health: {error} (EnvironmentHealth runs 0 OK to 25 Severe)") from None
        for _, value in self.latency_p95.levels():
            if not 0 < value <= 60:
                raise ValueError(f"latency_p95: {_num(value)} is out of range: expected seconds, above 0 and at most 60")
        for field in ("cpu", "health", "error_rate_5xx", "latency_p95", "root_filesystem"):
            if getattr(self, field).direction != "above":
                raise ValueError(f"{field}: direction must be 'above' (the signal is bad when it rises)")
        return self


class MetricAlarm(StrictModel):
    """An alarm on an application (custom) metric, e.g. Symphonia/Production ErrorCount."""

    signal: Name
    namespace: str = Field(min_length=1, max_length=255, pattern=r"^[^:$][^:]*$")
    metric: str = Field(min_length=1, max_length=255)
    statistic: Literal["Sum", "Average", "Maximum", "Minimum", "SampleCount", "p50", "p90", "p95", "p99"] = "Sum"
    period: int = Field(default=300, ge=10)
    evaluation_periods: int = Field(default=1, ge=1, le=100)
    dimensions: dict[str, str] = {}
    threshold: Threshold
    treat_missing_data: Literal["breaching", "notBreaching", "ignore", "missing"] = "notBreaching"
    description: str = ""

    @model_validator(mode="after")
    def _period(self) -> MetricAlarm:
        if self.period not in (10, 20, 30) and self.period % 60:
            raise ValueError(f"period ({self.period}) must be 10, 20, 30 or a multiple of 60 seconds")
        return self


class PlatformMetricAlarm(MetricAlarm):
    """An alarm on a platform-wide custom metric (published without a service dimension, e.g.
    Symphonia/Production ErrorCount): owned by the estate's ``owner`` (alarm ``<owner>-<signal>-<severity>``),
    not by one service, and shown on the overview ``dashboards`` named."""

    owner: Name
    dashboards: list[str] = []


class Platform(StrictModel):
    """An Elastic Beanstalk platform branch (Amazon Linux 2023). Node 18 / AL1 options are retired."""

    solution_stack: str = Field(
        default="64bit Amazon Linux 2023 v6.6.7 running Node.js 22",
        pattern=r"^64bit Amazon Linux 2023 v\d+\.\d+\.\d+ running Node\.js (20|22|24)$",
    )
    instance_type: str = Field(default="t3.small", pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
    root_volume_type: Literal["gp3", "gp2", "io1"] = "gp3"
    root_volume_size: int = Field(default=10, ge=8, le=16384)


class Service(StrictModel):
    """One service of the estate.

    ``kind: beanstalk`` is an Elastic Beanstalk application + environment watched from inside
    (enhanced health) and outside (Route 53 health check); ``kind: external`` is a service hosted
    elsewhere (the example estates of seeds 002-004), watched by its health check and metric alarms.
    """

    name: Name
    kind: Literal["beanstalk", "external"] = "beanstalk"
    description: str = ""
    application: Name | None = None
    environment: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]$")] | None = None
    platform: Platform = Platform()
    port: int | None = Field(default=None, ge=1, le=65535)
    health_check: HealthCheck = HealthCheck()
    public_url: str | None = Field(default=None, pattern=r"^https://[a-z0-9.-]+(:\d+)?$")
    scaling: Scaling = Scaling()
    log_retention_days: Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] = 30
    thresholds: ServiceThresholds = ServiceThresholds()
    metric_alarms: list[MetricAlarm] = []
    env: dict[str, str] = {}
    secrets: dict[str, SecretRef] = {}
    database: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,63}$")
    uses_cache: bool = False
    uses_mail: bool = False
    uses_documents: bool = False
    runbook: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Service:
        for key, value in self.env.items():
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
                raise ValueError(f"env: '{key}' is not a valid environment variable name")
            if looks_secret(key, value):
                raise ValueError(
                    f"env.{key}: looks like a secret and must not be plaintext; declare it under"
                    " secrets with secrets_manager, ssm, config or generated"
                )
        for key in self.secrets:
            if key in self.env:
                raise ValueError(f"secrets.{key}: also declared in env; declare it once")
        if "MONGODB_URI" in self.secrets and self.database:
            raise ValueError("secrets.MONGODB_URI: the program builds it from the Atlas user of 'database'; remove it")
        if self.kind == "beanstalk":
            if "PORT" in self.env and self.port is not None and self.env["PORT"] != str(self.port):
                raise ValueError(f"env.PORT ({self.env['PORT']}) contradicts port ({self.port}); declare port only")
        elif self.public_url is None:
            raise ValueError("an external service needs public_url: its health check is how it is watched")
        return self

    @property
    def application_name(self) -> str:
        return self.application or self.name

    @property
    def environment_name(self) -> str:
        return self.environment or f"{self.name}-prod"


# --------------------------------------------------------------------------------------------------
# CloudFront, dashboards
# --------------------------------------------------------------------------------------------------


class CdnThresholds(StrictModel):
    error_rate_5xx: Threshold = Threshold(critical=5)  # seed 000 alarm #3: 5xxErrorRate > 5 (%)
    cache_hit_rate: Threshold | None = Threshold(warning=80, direction="below")  # seed 000: < 80 %

    @model_validator(mode="after")
    def _ranges(self) -> CdnThresholds:
        _check_percentages(self.error_rate_5xx)
        _check_percentages(self.cache_hit_rate)
        if self.cache_hit_rate is not None and self.cache_hit_rate.direction != "below":
            raise ValueError("cache_hit_rate: direction must be 'below' (a low hit rate is the problem)")
        return self


class CdnDistribution(StrictModel):
    """A CloudFront distribution the estate watches (it is managed elsewhere; we alarm on it)."""

    name: Name
    distribution_id: str = Field(pattern=r"^E[A-Z0-9]{7,20}$")
    service: Name
    thresholds: CdnThresholds = CdnThresholds()


class BusinessMetrics(StrictModel):
    namespace: str = Field(min_length=1, pattern=r"^[^:$][^:]*$")
    metrics: list[str] = Field(min_length=1)
    statistic: Literal["Sum", "Average", "Maximum", "Minimum", "SampleCount"] = "Sum"
    period: int = Field(default=300, ge=60)


class OverviewDashboard(StrictModel):
    """A runbook dashboard across services (RT-Backend-Services, Symphonia-Production)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,255}$")
    services: list[Name] = []
    business_metrics: BusinessMetrics | None = None


# --------------------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------------------


class Network(StrictModel):
    """Account-specific network the estate lives in (the runbooks leave it as vpc-XXXXXXXX)."""

    vpc_id: str = Field(pattern=r"^vpc-[0-9a-f]{8,17}$")
    public_subnet_ids: list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]] = Field(min_length=2)
    private_subnet_ids: list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]] = Field(min_length=2)
    certificate_arn: str = Field(pattern=r"^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$")


# --------------------------------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------------------------------

STORAGE_CLASSES = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class Transition(StrictModel):
    days: int = Field(ge=0)
    storage_class: Literal["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]


class NoncurrentVersions(StrictModel):
    """What happens to overwritten/deleted versions (the seed forgets them: they would stay forever)."""

    transition: Transition | None = None
    expiration_days: int = Field(ge=1)

    @model_validator(mode="after")
    def _order(self) -> NoncurrentVersions:
        if self.transition and self.expiration_days <= self.transition.days:
            raise ValueError(
                f"expiration_days: {self.expiration_days} must come after the transition"
                f" ({self.transition.days} days)"
            )
        return self


class LifecycleRule(StrictModel):
    id: str = Field(pattern=r"^[A-Za-z0-9 ._-]{1,255}$")
    prefix: str = ""
    transitions: list[Transition] = []
    expiration_days: int | None = Field(default=None, ge=1)
    noncurrent: NoncurrentVersions
    abort_incomplete_multipart_days: int = Field(default=7, ge=1)

    @model_validator(mode="after")
    def _order(self) -> LifecycleRule:
        last = max((t.days for t in self.transitions), default=0)
        if self.expiration_days is not None and self.transitions and self.expiration_days <= last:
            raise ValueError(f"expiration_days: {self.expiration_days} must come after the last transition ({last} days)")
        for t in self.transitions:
            if t.storage_class in ("STANDARD_IA", "ONEZONE_IA") and t.days < 30:
                raise ValueError(f"transitions: {t.storage_class} needs at least 30 days (S3 minimum), got {t.days}")
        return self


class Cors(StrictModel):
    allowed_origins: list[str] = Field(min_length=1)
    allowed_methods: list[Literal["GET", "PUT", "POST", "DELETE", "HEAD"]] = Field(min_length=1)
    allowed_headers: list[str] = ["*"]
    expose_headers: list[str] = []
    max_age_seconds: int = Field(default=3000, ge=0)

    @model_validator(mode="after")
    def _https_only(self) -> Cors:
        for origin in self.allowed_origins:
            if not re.match(r"^https://[a-z0-9.-]+(:\d+)?$", origin):
                raise ValueError(f"allowed_origins: '{origin}' must be an https:// application origin (no wildcard, no http, no path)")
        return self


class Bucket(StrictModel):
    name: str
    purpose: Literal["documents", "logs", "backups", "audit"]
    versioning: bool = True
    cors: Cors | None = None
    lifecycle: list[LifecycleRule] = Field(min_length=1)
    access_logging: bool = True
    object_lock_years: int | None = Field(default=None, ge=1, le=100)

    @model_validator(mode="after")
    def _valid(self) -> Bucket:
        name = self.name
        problems = []
        if not _BUCKET_NAME.match(name):
            problems.append("3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit")
        if ".." in name:
            problems.append("no two adjacent dots")
        try:
            ipaddress.ip_address(name)
            problems.append("not an IP address")
        except ValueError:
            pass
        if name.startswith("xn--") or name.endswith("-s3alias"):
            problems.append("no 'xn--' prefix or '-s3alias' suffix")
        if problems:
            raise ValueError(f"name: '{name}' is not a valid S3 bucket name: {'; '.join(problems)}")
        if self.cors is not None and self.purpose != "documents":
            raise ValueError("cors: only the documents bucket is read by browsers")
        _unique([rule.id for rule in self.lifecycle], "lifecycle rule id")
        return self


# --------------------------------------------------------------------------------------------------
# Cache, mail, Atlas, budget
# --------------------------------------------------------------------------------------------------


class CacheThresholds(StrictModel):
    cpu: Threshold = _percent_threshold(70, 85)
    engine_cpu: Threshold = _percent_threshold(70, 90)
    memory: Threshold = _percent_threshold(75, 90)  # seed 002 memory 75/90
    evictions: Threshold = Threshold(warning=100, critical=1000)
    connections: Threshold = Threshold(warning=1000, critical=5000)


class Cache(StrictModel):
    """ElastiCache Redis (runbook 001's symphonia-redis-prod), encrypted, with an AUTH token."""

    name: Name
    engine_version: str = Field(default="7.1", pattern=r"^7\.\d+$")
    node_type: str = Field(default="cache.t3.micro", pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$")
    replicas: int = Field(default=1, ge=0, le=5)
    auth_token: SecretRef = SecretRef(generated=64)
    maintenance_window: MaintenanceWindow | None = None  # None: the estate's preferred window
    snapshot_retention_days: int = Field(default=7, ge=1, le=35)
    snapshot_window: str = Field(default="00:00-01:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
    thresholds: CacheThresholds = CacheThresholds()


class EmailTemplate(StrictModel):
    name: Name
    subject: str = Field(min_length=1)
    html: str = Field(min_length=1)
    text: str = Field(min_length=1)


class Mail(StrictModel):
    """SES for symphonia.fr (runbook 001), with bounce *and* complaint feedback."""

    domain: str = Field(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
    senders: list[str] = Field(min_length=1)
    mail_from_subdomain: str = Field(default="mail", pattern=r"^[a-z0-9-]+$")
    feedback_topic: Name = "ses-bounces-complaints"
    feedback_subscribers: list[Subscription] = Field(min_length=1)
    configuration_set: Name
    templates: list[EmailTemplate] = []
    # Warn before SES's "under review" level, page at it: bounce 2 % (seed 003's "< 2%") / 5 % (review);
    # complaint 0.05 % / 0.1 % (review). SES may pause sending at 10 % / 0.5 %.
    bounce_rate: Threshold = Threshold(warning=0.02, critical=0.05)
    complaint_rate: Threshold = Threshold(warning=0.0005, critical=0.001)

    @model_validator(mode="after")
    def _senders_in_domain(self) -> Mail:
        for sender in self.senders:
            if not sender.endswith("@" + self.domain):
                raise ValueError(f"senders: '{sender}' is not an address of {self.domain}")
        for field in ("bounce_rate", "complaint_rate"):
            for _, value in getattr(self, field).levels():
                if not 0 < value < 1:
                    raise ValueError(f"{field}: {_num(value)} must be a fraction between 0 and 1 (SES reports 0.05 for 5 %)")
        return self


class AtlasIndex(StrictModel):
    keys: dict[str, Literal[1, -1]] = Field(min_length=1)
    unique: bool = False
    sparse: bool = False
    expire_after_seconds: int | None = Field(default=None, ge=0)


class AtlasCollection(StrictModel):
    database: str
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,120}$")
    indexes: list[AtlasIndex] = []


class AtlasAccessEntry(StrictModel):
    cidr: str
    comment: str = Field(min_length=1)

    @model_validator(mode="after")
    def _not_the_world(self) -> AtlasAccessEntry:
        try:
            network = ipaddress.ip_network(self.cidr, strict=True)
        except ValueError:
            raise ValueError(f"cidr: '{self.cidr}' is not a network in CIDR form (203.0.113.10/32)") from None
        if network.prefixlen == 0:
            raise ValueError(f"cidr: '{self.cidr}' opens the database to the whole internet; list the NAT egress addresses")
        if network.prefixlen < 16:
            raise ValueError(f"cidr: '{self.cidr}' is wider than /16; list the NAT egress addresses")
        return self


class AtlasBackup(StrictModel):
    """Snapshot policy (the runbooks give none; ours: hourly 2 days, daily 7, weekly 4, monthly 12)."""

    hourly_retention_days: int = Field(default=2, ge=1, le=30)
    daily_retention_days: int = Field(default=7, ge=1, le=365)
    weekly_retention_weeks: int = Field(default=4, ge=1, le=52)
    monthly_retention_months: int = Field(default=12, ge=1, le=36)
    export_to_backups_bucket: bool = True


class Atlas(StrictModel):
    org_id: str = Field(pattern=r"^[0-9a-f]{24}$")
    project: str = Field(min_length=1, max_length=64)
    cluster: Name
    instance_size: str = Field(default="M10", pattern=r"^M(10|20|30|40|50|60|80|140|200|300)$")
    region: str = Field(default="EU_CENTRAL_1", pattern=r"^[A-Z0-9_]+$")
    mongo_version: str = Field(default="8.0", pattern=r"^\d+\.\d+$")
    access_list: list[AtlasAccessEntry] = Field(min_length=1)
    backup: AtlasBackup = AtlasBackup()
    collections: list[AtlasCollection] = []
    connections_percent: Threshold = _percent_threshold(80, 95)  # seed 002 DB connections
    replication_lag_seconds: Threshold = Threshold(warning=60, critical=300)
    disk_percent: Threshold = _percent_threshold(80, 90)


class Budget(StrictModel):
    """Runbook 001 "Budget alertes configuré": monthly cost budget, alerts at 80 % and 100 %."""

    name: Name
    monthly_limit_usd: float = Field(gt=0)
    alert_percentages: list[float] = [80, 100]

    @model_validator(mode="after")
    def _ranges(self) -> Budget:
        for value in self.alert_percentages:
            if not 0 < value <= 1000:
                raise ValueError(f"alert_percentages: {_num(value)} must be above 0 and at most 1000")
        return self


class Exemption(StrictModel):
    """A rule waived for one resource, with a reason and an expiry date (expired = violation)."""

    policy: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)+$")
    resource: str = Field(min_length=1)
    reason: str = Field(min_length=10)
    expires: date


# --------------------------------------------------------------------------------------------------
# The estate
# --------------------------------------------------------------------------------------------------


class Estate(StrictModel):
    organisation: Name
    environment: Name
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    tags: dict[str, str] = {}
    runbook_url: str = Field(pattern=r"^https://[^\s]+$")
    maintenance: Maintenance = Maintenance()
    alerting: Alerting
    network: Network | None = None
    services: list[Service] = Field(min_length=1)
    cdn: list[CdnDistribution] = []
    dashboards: list[OverviewDashboard] = []
    platform_alarms: list[PlatformMetricAlarm] = []
    buckets: list[Bucket] = []
    cache: Cache | None = None
    mail: Mail | None = None
    atlas: Atlas | None = None
    budget: Budget | None = None
    exemptions: list[Exemption] = []

    def reference_problems(self) -> list[tuple[str, str]]:
        """Cross-references the field validators cannot see, as (key path, message) pairs."""
        problems: list[tuple[str, str]] = []
        problems += _duplicates("services", [s.name for s in self.services], "name", "service name")
        problems += _duplicates(
            "services", [s.environment_name if s.kind == "beanstalk" else None for s in self.services],
            "environment", "environment name",
        )
        owners: dict[str, int] = {}
        for i, service in enumerate(self.services):
            if service.database is None:
                continue
            if service.database in owners:
                problems.append((
                    f"services[{i}].database",
                    f"'{service.database}' is already the database of services[{owners[service.database]}];"
                    " each service owns its database (one Atlas user with readWrite on it alone)",
                ))
            else:
                owners[service.database] = i
        problems += _duplicates("buckets", [b.name for b in self.buckets], "name", "bucket name")
        problems += _duplicates("dashboards", [d.name for d in self.dashboards], "name", "dashboard name")
        problems += _duplicates("cdn", [c.name for c in self.cdn], "name", "cdn name")
        names = {s.name for s in self.services}
        for i, dist in enumerate(self.cdn):
            if dist.service not in names:
                problems.append((f"cdn[{i}].service", f"unknown service '{dist.service}' (declared: {', '.join(sorted(names))})"))
        for i, board in enumerate(self.dashboards):
            for j, name in enumerate(board.services):
                if name not in names:
                    problems.append((f"dashboards[{i}].services[{j}]", f"unknown service '{name}' (declared: {', '.join(sorted(names))})"))
        boards = {d.name for d in self.dashboards}
        for i, alarm in enumerate(self.platform_alarms):
            if alarm.owner in names:
                problems.append((f"platform_alarms[{i}].owner", f"'{alarm.owner}' is a service: declare it under that service's metric_alarms"))
            for j, board in enumerate(alarm.dashboards):
                if board not in boards:
                    problems.append((f"platform_alarms[{i}].dashboards[{j}]", f"unknown dashboard '{board}' (declared: {', '.join(sorted(boards))})"))
        if any(s.kind == "beanstalk" for s in self.services) and self.network is None:
            problems.append(("network", "required when a service runs on Elastic Beanstalk (vpc_id, subnets, certificate_arn)"))
        if self.cache is not None and self.network is None:
            problems.append(("cache", "needs network: the cache lives in its private subnets"))
        purposes = {b.purpose for b in self.buckets}
        for i, service in enumerate(self.services):
            if service.uses_cache and self.cache is None:
                problems.append((f"services[{i}].uses_cache", "no cache is declared"))
            if service.uses_mail and self.mail is None:
                problems.append((f"services[{i}].uses_mail", "no mail is declared"))
            if service.uses_documents and "documents" not in purposes:
                problems.append((f"services[{i}].uses_documents", "no bucket with purpose 'documents' is declared"))
            if service.database and self.atlas is None:
                problems.append((f"services[{i}].database", "no atlas is declared"))
        for i, bucket in enumerate(self.buckets):
            if bucket.access_logging and "logs" not in purposes:
                problems.append((f"buckets[{i}].access_logging", "needs a bucket with purpose 'logs' to log into"))
        for purpose in ("documents", "logs", "backups", "audit"):
            indexes = [i for i, b in enumerate(self.buckets) if b.purpose == purpose]
            for i in indexes[1:]:
                problems.append((f"buckets[{i}].purpose", f"a second '{purpose}' bucket; each purpose has one bucket"))
        if self.atlas and self.atlas.backup.export_to_backups_bucket and "backups" not in purposes:
            problems.append(("atlas.backup.export_to_backups_bucket", "needs a bucket with purpose 'backups'"))
        if self.atlas:
            databases = {s.database for s in self.services if s.database}
            for i, coll in enumerate(self.atlas.collections):
                if coll.database not in databases:
                    problems.append((f"atlas.collections[{i}].database", f"'{coll.database}' is no service's database"))
        return problems

    def bucket_for(self, purpose: str) -> Bucket | None:
        return next((b for b in self.buckets if b.purpose == purpose), None)

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)
