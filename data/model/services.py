"""A service of the estate: its Elastic Beanstalk environment (platform, health check, scaling),
its thresholds, its application metric alarms, its environment and secrets."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, model_validator

from data.model.base import Name, SecretRef, StrictModel, Threshold, check_percentages, format_number, percent_threshold
from data.secret_patterns import looks_secret


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
            raise ValueError(f"cpu_lower ({format_number(self.cpu_lower)}) must be below cpu_upper ({format_number(self.cpu_upper)})")
        return self


class ServiceThresholds(StrictModel):
    """Warning/critical thresholds per signal; defaults from the runbooks (see docs/seed-decisions.md)."""

    cpu: Threshold = percent_threshold(70, 85)  # seed 002; AWS/EC2 CPUUtilization (%)
    health: Threshold = percent_threshold(15, 20)  # EnvironmentHealth: 15 Warning, 20 Degraded
    error_rate_5xx: Threshold = percent_threshold(2, 5)  # seed 002/004, percent of requests
    latency_p95: Threshold = percent_threshold(0.5, 2)  # seed 004, seconds (CloudWatch unit)
    root_filesystem: Threshold = percent_threshold(80, 95)  # seed 002 disk (%)

    @model_validator(mode="after")
    def _ranges(self) -> ServiceThresholds:
        for field in ("cpu", "error_rate_5xx", "root_filesystem"):
            try:
                check_percentages(getattr(self, field))
            except ValueError as error:
                raise ValueError(f"{field}: {error}") from None
        try:
            check_percentages(self.health, upper=25)
        except ValueError as error:
            raise ValueError(f"health: {error} (EnvironmentHealth runs 0 OK to 25 Severe)") from None
        for _, value in self.latency_p95.levels():
            if not 0 < value <= 60:
                raise ValueError(f"latency_p95: {format_number(value)} is out of range: expected seconds, above 0 and at most 60")
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
