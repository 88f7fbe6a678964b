"""A service of the estate: its Elastic Beanstalk environment (platform, health check, scaling),
its thresholds, its application metric alarms, its environment and secrets."""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from data.catalogue import beanstalk_options as eb_options
from data.catalogue import cloudwatch
from data.catalogue.beanstalk import SUPPORTED_RUNTIMES, runtime_of, solution_stack_regex

from data.catalogue.cloudwatch import alarm_window_problem
from data.catalogue.slo import SLI_BY_KIND, sli_for
from data.model.base import Name, SecretRef, StrictModel, Threshold, format_number
from data.model.slo import ServiceObjective
from data.model.service_thresholds import ServiceThresholds, SignalThreshold  # noqa: F401  (re-exported)
from data.model.storage import BucketRef
from data.secret_patterns import SECRET_NAME_PATTERN, looks_secret, secret_kind, with_article


class HealthCheck(StrictModel):
    """Runbook 001's ALB process health check."""

    path: str = Field(
        default="/health", pattern=r"^/[^\s]*$",
        description="Path the load balancer (and the Route 53 check, on `public_url`) requests (runbook 001: `/health`).",
    )
    interval: int = Field(
        default=30, ge=5, le=300, description="Seconds between the load balancer's checks (ALB range 5-300).",
    )
    timeout: int = Field(
        default=5, ge=eb_options.HEALTH_CHECK_TIMEOUT_RANGE[0], le=eb_options.HEALTH_CHECK_TIMEOUT_RANGE[1],
        description="Seconds a check may take; below `interval` (Elastic Beanstalk's HealthCheckTimeout range 1-60).",
    )
    healthy_threshold: int = Field(
        default=2, ge=2, le=10, description="Consecutive successes that make an instance healthy (ALB range 2-10).",
    )
    unhealthy_threshold: int = Field(
        default=3, ge=2, le=10, description="Consecutive failures that make an instance unhealthy (ALB range 2-10).",
    )

    @model_validator(mode="after")
    def _timeout_below_interval(self) -> HealthCheck:
        if self.timeout >= self.interval:
            raise ValueError(f"timeout ({self.timeout}) must be below interval ({self.interval})")
        return self


class Scaling(StrictModel):
    """Autoscaling on CPU (runbook 000: 2 to 4 instances, 70 / 20 %)."""

    min: int = Field(default=1, ge=1, le=100, description="Fewest instances (runbook 000: 2 for the RT APIs).")
    max: int = Field(default=2, ge=1, le=100, description="Most instances, at least `min` (runbook 000: 4).")
    cpu_upper: float = Field(
        default=70, gt=0, le=100, description="Average CPU (%) above which the group adds an instance (runbook 000: 70).",
    )
    cpu_lower: float = Field(
        default=20, ge=0, lt=100,
        description="Average CPU (%) below which it removes one; below `cpu_upper` (runbook 000: 20).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Scaling:
        if self.max < self.min:
            raise ValueError(f"max: {self.max} must be at least min ({self.min})")
        if self.cpu_lower >= self.cpu_upper:
            raise ValueError(f"cpu_lower ({format_number(self.cpu_lower)}) must be below cpu_upper ({format_number(self.cpu_upper)})")
        return self


class MetricAlarm(StrictModel):
    """An alarm on an application (custom) metric, e.g. Symphonia/Production ErrorCount."""

    signal: Name = Field(
        description="The signal's name: the alarm is `<owner>-<signal>-<severity>` and links to the runbook"
        " section `#<signal>`.",
    )
    namespace: str = Field(
        min_length=1, max_length=255, pattern=r"^[^:$][^:]*$",
        description="The CloudWatch namespace the application publishes to (runbook 001: `Symphonia/Production`).",
    )
    metric: str = Field(min_length=1, max_length=255, description="The metric name (e.g. `ErrorCount`).")
    statistic: Literal["Sum", "Average", "Maximum", "Minimum", "SampleCount", "p50", "p90", "p95", "p99"] = Field(
        default="Sum", description="The statistic the alarm compares with the threshold.",
    )
    period: int = Field(
        default=300, ge=10,
        description="Seconds per evaluated datapoint: 10, 20, 30 or a multiple of 60 (CloudWatch's rule).",
    )
    evaluation_periods: int = Field(
        default=1, ge=1, le=100, description="Consecutive periods past the threshold before the alarm fires.",
    )
    dimensions: dict[str, str] = Field(
        default={}, description="The metric's dimensions, name to value; empty for a metric published without any.",
    )
    threshold: Threshold = Field(description="The warning and critical levels, in the metric's unit.")
    treat_missing_data: Literal["breaching", "notBreaching", "ignore", "missing"] = Field(
        default="notBreaching",
        description="How CloudWatch reads a period without data (`notBreaching`: no errors published, no alarm).",
    )
    description: str = Field(
        default="", description="The sentence that opens the alarm description; empty: namespace, metric and statistic.",
    )

    @model_validator(mode="after")
    def _period(self) -> MetricAlarm:
        if self.period not in (10, 20, 30) and self.period % 60:
            raise ValueError(f"period ({self.period}) must be 10, 20, 30 or a multiple of 60 seconds")
        if window := alarm_window_problem(self.period, self.evaluation_periods):  # review B-10
            raise ValueError(f"evaluation_periods: {window}")
        return self


class PlatformMetricAlarm(MetricAlarm):
    """An alarm on a platform-wide custom metric (published without a service dimension, e.g.
    Symphonia/Production ErrorCount): owned by the estate's ``owner`` (alarm ``<owner>-<signal>-<severity>``),
    not by one service, and shown on the overview ``dashboards`` named."""

    owner: Name = Field(
        description="The estate-level owner named in the alarm (e.g. `symphonia-platform`); not a service's name.",
    )
    dashboards: list[str] = Field(default=[], description="The overview dashboards (`dashboards[].name`) showing the alarm.")


class Platform(StrictModel):
    """An Elastic Beanstalk platform branch (Amazon Linux 2023) and the instances. Node 18 / AL1 options are retired.

    The stack file names the runtime, not a version: AWS retires platform versions and managed updates
    move environments past them, so the program looks the newest solution stack of the branch up at
    deploy time (``data.catalogue.beanstalk``).
    """

    runtime: str = Field(
        default="Node.js 22",
        description="The platform branch's runtime on Amazon Linux 2023, what follows 'running' in its solution stack"
        f" name: one of {', '.join(SUPPORTED_RUNTIMES)}; the newest solution stack of that branch is looked up at"
        " deploy time (runbook 000's Node 18 / Amazon Linux 2 branches are retired).",
    )

    solution_stack: str | None = Field(
        default=None,
        description="Removed: a pinned solution stack (`64bit Amazon Linux 2023 v6.6.7 running Node.js 22`) is refused;"
        " declare `runtime` instead.",
    )

    @model_validator(mode="after")
    def _no_pinned_version(self) -> Platform:
        if self.solution_stack is not None:
            runtime = runtime_of(self.solution_stack) or self.runtime
            raise ValueError(
                "solution_stack: a pinned platform version is no longer accepted (AWS retires versions, managed"
                f" updates move past them); declare the runtime instead: runtime: {runtime}"
            )
        return self

    @field_validator("runtime")
    @classmethod
    def _supported_runtime(cls, value: str) -> str:
        if value not in SUPPORTED_RUNTIMES:
            hint = difflib.get_close_matches(value, SUPPORTED_RUNTIMES, n=1)
            raise ValueError(
                f"{value!r} is not a supported runtime" + (f" (did you mean '{hint[0]}'?)" if hint else "")
                + f": expected one of {', '.join(SUPPORTED_RUNTIMES)} (Amazon Linux 2023 platform branches: what"
                " follows 'running' in the solution stack name)"
            )
        return value

    @model_validator(mode="after")
    def _root_volume(self) -> Platform:
        low = eb_options.ROOT_VOLUME_SIZE_MIN[self.root_volume_type]
        if self.root_volume_size < low:
            raise ValueError(
                f"root_volume_size: {self.root_volume_size} GiB is below {low}, the least Elastic Beanstalk accepts"
                f" for {self.root_volume_type}"
            )
        kind, iops = self.root_volume_type, self.root_volume_iops
        if iops is None:
            if kind in eb_options.ROOT_VOLUME_IOPS_REQUIRED:
                raise ValueError(f"root_volume_iops: required for {kind} (the IOPS to provision; EC2 refuses {kind} without)")
            return self
        if kind not in eb_options.ROOT_VOLUME_IOPS_RANGE:
            raise ValueError(f"root_volume_iops: {kind} takes no IOPS (only {', '.join(eb_options.ROOT_VOLUME_IOPS_RANGE)} do)")
        low, high = eb_options.ROOT_VOLUME_IOPS_RANGE[kind]
        if not low <= iops <= high:
            raise ValueError(f"root_volume_iops: {iops} is outside {low}-{high}, the range of {kind}")
        if kind == "io1" and iops > eb_options.IO1_MAX_IOPS_PER_GIB * self.root_volume_size:
            raise ValueError(
                f"root_volume_iops: {iops} is more than {eb_options.IO1_MAX_IOPS_PER_GIB} per GiB of the"
                f" {self.root_volume_size} GiB volume (io1's ratio): raise root_volume_size or lower the IOPS"
            )
        return self

    @property
    def solution_stack_regex(self) -> str:
        """The regular expression the deploy-time lookup matches solution stack names with."""
        return solution_stack_regex(self.runtime)

    instance_type: str = Field(
        default="t3.small", pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$", description="The EC2 instance type of the environment.",
    )
    root_volume_type: Literal["gp3", "gp2", "io1"] = Field(
        default="gp3", description="The instances' root EBS volume type (gp3: cheaper than gp2 at the same baseline).",
    )
    root_volume_size: int = Field(
        default=10, le=eb_options.ROOT_VOLUME_SIZE_MAX,
        description="The instances' root volume, GiB: 10 to 16384 for gp2, gp3 and io1 (Elastic Beanstalk's RootVolumeSize).",
    )
    root_volume_iops: int | None = Field(
        default=None,
        description="IOPS provisioned for the root volume (RootVolumeIOPS): required for io1 (100-20000, at most 50 per"
        " GiB), optional for gp3 (3000-16000; null: gp3's baseline 3000), refused for gp2.",
    )


class Worker(StrictModel):
    """A worker environment's SQS daemon and queues (``tier: worker``): the program declares the queue and
    its dead-letter queue; the daemon POSTs each message to ``path`` on the instance."""

    path: str = Field(default="/", pattern=r"^/[^\s]*$", description="Path the SQS daemon POSTs each message to (sqsd HttpPath).")
    inactivity_timeout: int = Field(
        default=299, ge=eb_options.SQSD_INACTIVITY_TIMEOUT_RANGE[0], le=eb_options.SQSD_INACTIVITY_TIMEOUT_RANGE[1],
        description="Seconds one message's request may take (sqsd InactivityTimeout, 1-36000); below `visibility_timeout`.",
    )
    visibility_timeout: int = Field(
        default=300, ge=eb_options.SQSD_VISIBILITY_TIMEOUT_RANGE[0], le=eb_options.SQSD_VISIBILITY_TIMEOUT_RANGE[1],
        description="Seconds a message in processing stays hidden from other workers (queue and sqsd VisibilityTimeout, 0-43200).",
    )
    http_connections: int = Field(
        default=50, ge=eb_options.SQSD_HTTP_CONNECTIONS_RANGE[0], le=eb_options.SQSD_HTTP_CONNECTIONS_RANGE[1],
        description="Concurrent requests the daemon makes to the application (sqsd HttpConnections, 1-100).",
    )
    max_receive_count: int = Field(
        default=10, ge=1, le=1000,
        description="Receives before a failing message moves to the dead-letter queue (redrive policy maxReceiveCount, 1-1000).",
    )

    @model_validator(mode="after")
    def _timeouts(self) -> Worker:
        if self.inactivity_timeout >= self.visibility_timeout:
            raise ValueError(
                f"inactivity_timeout ({self.inactivity_timeout}) must be below visibility_timeout ({self.visibility_timeout}):"
                " a message still in processing would reappear to another worker"
            )
        return self


class Service(StrictModel):
    """One service of the estate.

    ``kind: beanstalk`` is an Elastic Beanstalk application + environment watched from inside
    (enhanced health) and outside (Route 53 health check); ``kind: external`` is a service hosted
    elsewhere (the example estates of seeds 002-004), watched by its health check and metric alarms.
    """

    name: Name = Field(description="The service's name, unique: it names its resources, alarms and dashboard.")
    kind: Literal["beanstalk", "external"] = Field(
        default="beanstalk",
        description="`beanstalk`: an Elastic Beanstalk application and environment declared here; `external`: hosted"
        " elsewhere, watched by its health check and metric alarms (needs `public_url`).",
    )
    description: str = Field(default="", description="What the service does (the EB application's description, the dashboard's title line).")
    application: Name | None = Field(default=None, description="The Elastic Beanstalk application name; null: the service's name.")
    environment: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]$")] | None = Field(
        default=None,
        description="The Elastic Beanstalk environment name (4-40 letters, digits, hyphens; EB's rule); null: `<name>-prod`.",
    )
    platform: Platform = Field(default=Platform(), description="The Elastic Beanstalk platform and instances.")
    port: int | None = Field(
        default=None, ge=1, le=65535, description="The port the application listens on (sets `PORT`).",
    )
    health_check: HealthCheck = Field(default=HealthCheck(), description="The load balancer's health check of the instances.")
    public_url: str | None = Field(
        default=None, pattern=r"^https://[a-z0-9.-]+(:\d+)?$",
        description="The service's public `https://` origin; a Route 53 health check probes it (seed 003); required"
        " for `kind: external`.",
    )
    tier: Literal["web", "worker"] = Field(
        default="web",
        description="`web`: an Elastic Beanstalk web server environment behind a load balancer (internet-facing with"
        " `public_url`, internal in the private subnets without); `worker`: a worker environment, no load balancer,"
        " its SQS daemon feeding the application from a queue the program declares (with a dead-letter queue).",
    )
    worker: Worker = Field(default=Worker(), description="`tier: worker` only: the SQS daemon and the queues.")
    scaling: Scaling = Field(default=Scaling(), description="Auto Scaling on CPU (runbook 000).")
    log_retention_days: Literal[cloudwatch.LOG_RETENTION_DAYS] = Field(  # type: ignore[valid-type]
        default=30,
        description="Days the streamed logs are kept in CloudWatch Logs (one of the values CloudWatch accepts).",
    )
    thresholds: ServiceThresholds = Field(
        default=ServiceThresholds(), description="Warning and critical levels of the service's signals (docs/runbooks.md).",
    )
    metric_alarms: list[MetricAlarm] = Field(default=[], description="Alarms on the service's own application metrics.")
    env: dict[str, str] = Field(
        default={},
        description="Plain environment variables, name to value; a secret-looking name or value is refused (declare it"
        " under `secrets`).",
    )
    secrets: dict[str, SecretRef] = Field(
        default={},
        description="Secret environment variables, name to where the value lives; the environment reads them as"
        " Secrets Manager or SSM references.",
    )
    database: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_-]{1,63}$",
        description="The Atlas database the service owns: an Atlas user with readWrite on it alone, and `MONGODB_URI`"
        " built from it. One service per database.",
    )
    health_ignores_4xx: bool = Field(
        default=False,
        description="Application 4xx responses are normal traffic, not degradation (an authentication API's 401/403):"
        " enhanced health stops counting them (EB ConfigDocument `Rules`, ApplicationRequests4xx disabled).",
    )
    uses_cache: bool = Field(default=False, description="Wire the estate's Redis cache (`REDIS_URL`); needs `cache`.")
    uses_mail: bool = Field(
        default=False, description="Let the instances send mail through the estate's SES domain; needs `mail`.",
    )
    uses_documents: bool | BucketRef = Field(
        default=False,
        description="Let the instances read and write a `documents` bucket: `true`, the estate's one `documents`"
        " bucket; or the name of the bucket (required when several buckets have purpose `documents`).",
    )
    runbook: str = Field(default="", description="A link or note for the service's own runbook; not read by the program today.")
    slo: ServiceObjective | None = Field(
        default=None,
        description="The service's availability objective (`{availability: 99.9, window_days: 30}`): multi-window"
        " burn-rate alarms page on it (docs/runbooks.md#slo-burn-fast). Only for a kind with a request SLI: an"
        " Elastic Beanstalk web service (load balancer 5xx over requests).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Service:
        for key, value in self.env.items():
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
                raise ValueError(f"env: '{key}' is not a valid environment variable name")
            if looks_secret(key, value):
                kind = None if SECRET_NAME_PATTERN.search(key.upper()) else secret_kind(value)
                what = f" ({with_article(kind)})" if kind else ""
                raise ValueError(
                    f"env.{key}: looks like a secret{what} and must not be plaintext; declare it under"
                    " secrets with secrets_manager, ssm, config or generated"
                )
        total = 0
        for key, value in self.env.items():
            if len(key) > eb_options.ENV_KEY_MAX:
                raise ValueError(f"env.{key}: the name is {len(key)} characters; Elastic Beanstalk allows {eb_options.ENV_KEY_MAX}")
            if len(value) > eb_options.ENV_VALUE_MAX:
                raise ValueError(f"env.{key}: the value is {len(value)} characters; Elastic Beanstalk allows {eb_options.ENV_VALUE_MAX}")
            total += len(f"{key}={value}".encode("utf-8"))
        if total > eb_options.ENV_TOTAL_MAX:
            raise ValueError(
                f"env: the environment properties take {total} bytes as key=value; Elastic Beanstalk allows"
                f" {eb_options.ENV_TOTAL_MAX} in all (the program adds PORT, AWS_REGION and REDIS_URL besides)"
            )
        for key in self.secrets:
            if key in self.env:
                raise ValueError(f"secrets.{key}: also declared in env; declare it once")
        if "MONGODB_URI" in self.secrets and self.database:
            raise ValueError("secrets.MONGODB_URI: the program builds it from the Atlas user of 'database'; remove it")
        if self.tier == "worker":
            if self.kind != "beanstalk":
                raise ValueError("tier: a worker is an Elastic Beanstalk environment; use kind: beanstalk")
            if self.public_url is not None:
                raise ValueError("public_url: a worker environment has no load balancer to reach; remove it (or use tier: web)")
        elif "worker" in self.model_fields_set:
            raise ValueError("worker: only for tier: worker")
        if self.kind == "beanstalk":
            if "PORT" in self.env and self.port is not None and self.env["PORT"] != str(self.port):
                raise ValueError(f"env.PORT ({self.env['PORT']}) contradicts port ({self.port}); declare port only")
        elif self.public_url is None:
            raise ValueError("an external service needs public_url: its health check is how it is watched")
        if self.slo is not None and self.sli is None:
            kinds = ", ".join(f"kind {kind} tier {tier}" for kind, tier in SLI_BY_KIND)
            raise ValueError(
                f"slo: a service of kind {self.kind}, tier {self.tier} has no request metrics to measure an objective with"
                f" (supported: {kinds}); remove slo"
            )
        return self

    @property
    def sli(self):
        """The catalogue's availability SLI for the service's kind and tier (``data.catalogue.slo``), or None."""
        return sli_for(self.kind, self.tier)

    @property
    def environment_declared(self) -> bool:
        """Whether the program declares an Elastic Beanstalk environment for the service (not ``external``)."""
        return self.kind == "beanstalk"

    @property
    def internal(self) -> bool:
        """A web service without a public URL: its load balancer is internal (issue 12 #3)."""
        return self.kind == "beanstalk" and self.tier == "web" and self.public_url is None

    @property
    def application_name(self) -> str:
        return self.application or self.name

    @property
    def environment_name(self) -> str:
        return self.environment or f"{self.name}-prod"
