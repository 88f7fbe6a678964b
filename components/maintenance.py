"""Maintenance-aware paging: the estate's maintenance windows as CloudWatch alarm mute rules.

During a window the alarms that planned work trips keep evaluating, but their actions (the SNS pages
and mails) wait; an alarm still in ALARM when the window ends pages then (data/catalogue/cloudwatch_mute.py).

- ``MUTED_IN_MAINTENANCE`` is the declared list, by family and signal, of what planned work trips and
  why; every other alarm keeps paging (the Route 53 health check: users see an outage whatever its cause;
  root filesystem, queues, certificate, mail, replication: maintenance does not explain them).
- The preferred window (seed 004: Sunday 02:00-05:00 UTC) mutes the Elastic Beanstalk services' listed
  alarms; each environment's managed update starts at the same time (``PreferredStartTime``), so one rule
  covers every environment, for the longer of the estate's window and the managed-update window. The
  cache's listed alarms are muted in the cache's own window (the preferred one unless it names another).
- The secondary window (Wednesday 02:00-04:00) runs no AWS-managed work; seed 004 § 4.2 announces work
  planned there 48 h before, so it is muted only with ``maintenance.mute_secondary`` and otherwise
  declared as a one-off window.
- One-off windows (``maintenance.one_off``) mute every alarm of the owners they name (services, their
  distributions, the cache): ``at()`` and a duration, no start or expiry date (the API refuses both with
  ``at()``). A window already over is skipped with a warning: AWS would keep it as EXPIRED, muting nothing.
- Burn-rate pages (alarm names with ``-slo-burn-``) are never muted unless ``maintenance.mute_burn_rate``:
  a real outage during the window still pages once it spends the error budget fast.
- Atlas: its alerts are Atlas alert configurations (components/atlas/alerts.py), not CloudWatch alarms; a
  mute rule cannot reach them.
- One rule per window per Region where its alarms live (a rule names alarms of its own Region only), at
  most ``MUTE_RULE_MAX_ALARMS`` names each (split as ``-2``, ``-3``...), created after its alarms (the API
  wants them to exist). Names: ``<organisation>-<environment>-mute-<window>-<region>[-<n>]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pulumi
import pulumi_aws as aws

from components.alarms import AlarmFactory, DeclaredAlarm
from components.common import Regions, child, estate_tags, type_token
from data.catalogue.cloudwatch_mute import (
    EB_MANAGED_UPDATE_WINDOW_MINUTES, MUTE_DESCRIPTION_MAX_LENGTH, MUTE_RULE_MAX_ALARMS, TIMEZONE_UTC, at_expression, iso_duration, weekly_cron,
)
from data.model import Estate, MaintenanceWindow, OneOffWindow

# What planned work trips, by family and signal (the signal tables' names), and why. Both severities.
MUTED_IN_MAINTENANCE: dict[str, dict[str, str]] = {
    "beanstalk": {
        "health": "a managed platform update or instance replacement takes instances out of service: EnvironmentHealth reads Warning or Degraded",
        "5xx-rate": "requests reaching an instance while its web server restarts fail",
        "lb-5xx-rate": "the load balancer answers 502/503 while targets deregister and register",
        "latency-p95": "new instances start cold (caches, connection pools, JIT)",
        "cpu": "new instances boot and deploy the application",
    },
    "cache": {
        "cpu": "a patched node restarts and resynchronises",
        "engine-cpu": "a patched node replays the dataset from its primary",
        "connections": "clients reconnect in a burst after the failover",
    },
}
BURN_RATE_MARKER = "-slo-burn-"  # the SLO burn-rate pairs' alarm names (components/slo/)


@dataclass(frozen=True)
class MuteRulePlan:
    """One mute rule as the program declares it (plain data: tests and docs read it)."""

    name: str
    region: str
    expression: str
    duration: str
    description: str
    alarms: tuple[DeclaredAlarm, ...]

    @property
    def alarm_names(self) -> list[str]:
        return [alarm.name for alarm in self.alarms]


def is_burn_rate(alarm: DeclaredAlarm) -> bool:
    return BURN_RATE_MARKER in alarm.name


def _recurring_targets(estate: Estate, declared: Sequence[DeclaredAlarm], families: Iterable[str]) -> list[DeclaredAlarm]:
    """The declared alarms that planned work trips, of the families given: listed signals, burn-rate pages
    only when the estate mutes them."""
    owners = {"beanstalk": {s.name for s in estate.services if s.kind == "beanstalk"},
              "cache": {estate.cache.name} if estate.cache else set()}
    chosen = []
    for alarm in declared:
        for family in families:
            if alarm.owner not in owners[family]:
                continue
            if alarm.signal in MUTED_IN_MAINTENANCE[family] or (estate.maintenance.mute_burn_rate and is_burn_rate(alarm)):
                chosen.append(alarm)
                break
    return chosen


def _one_off_targets(estate: Estate, declared: Sequence[DeclaredAlarm], window: OneOffWindow) -> list[DeclaredAlarm]:
    """Every alarm of the owners the window names and of the distributions fronting its services."""
    owners = set(window.services) | {cdn.name for cdn in estate.cdn if cdn.service in window.services}
    return [a for a in declared if a.owner in owners and (estate.maintenance.mute_burn_rate or not is_burn_rate(a))]


def _split(prefix: str, label: str, expression: str, duration: str, why: str, alarms: list[DeclaredAlarm]) -> list[MuteRulePlan]:
    """One rule per Region, at most MUTE_RULE_MAX_ALARMS alarms each, in a stable order."""
    plans = []
    for region in sorted({a.region for a in alarms}):
        here = sorted((a for a in alarms if a.region == region), key=lambda a: a.name)
        for k in range(0, len(here), MUTE_RULE_MAX_ALARMS):
            chunk = tuple(here[k:k + MUTE_RULE_MAX_ALARMS])
            part = k // MUTE_RULE_MAX_ALARMS
            description = f"{why}: mutes the actions of {len(chunk)} alarms, which keep evaluating (components/maintenance.py)."
            if len(description) > MUTE_DESCRIPTION_MAX_LENGTH:
                raise ValueError(f"mute rule {label}: description longer than {MUTE_DESCRIPTION_MAX_LENGTH} characters")
            plans.append(MuteRulePlan(
                name=f"{prefix}-mute-{label}-{region}{f'-{part + 1}' if part else ''}", region=region,
                expression=expression, duration=duration,
                description=description,
                alarms=chunk,
            ))
    return plans


def _weekly(prefix: str, label: str, window: MaintenanceWindow, minutes: int, why: str, alarms: list[DeclaredAlarm]) -> list[MuteRulePlan]:
    expression = weekly_cron(window.start_day, window.start_hour, window.start_minute)
    return _split(prefix, label, expression, iso_duration(minutes), why, alarms)


def plan_mute_rules(estate: Estate, declared: Sequence[DeclaredAlarm], now: datetime) -> tuple[list[MuteRulePlan], list[str]]:
    """The mute rules of the estate's windows over the alarms declared, and the warnings (windows over)."""
    maintenance, prefix = estate.maintenance, f"{estate.organisation}-{estate.environment}"
    plans: list[MuteRulePlan] = []
    warnings: list[str] = []
    if maintenance.mute_alarms:
        preferred = maintenance.preferred
        cache_window = (estate.cache.maintenance_window or preferred) if estate.cache else None
        cache_apart = cache_window is not None and cache_window.window != preferred.window
        families = ("beanstalk",) if cache_apart else ("beanstalk", "cache")
        plans += _weekly(
            prefix, "preferred", preferred, max(preferred.length_minutes, EB_MANAGED_UPDATE_WINDOW_MINUTES),
            f"Preferred maintenance window {preferred.window} UTC (seed 004; managed updates at {preferred.eb_start_time})",
            _recurring_targets(estate, declared, families),
        )
        if cache_apart:
            plans += _weekly(prefix, "cache", cache_window, cache_window.length_minutes,
                             f"The cache's maintenance window {cache_window.window} UTC",
                             _recurring_targets(estate, declared, ("cache",)))
        if maintenance.mute_secondary:
            secondary = maintenance.secondary
            plans += _weekly(prefix, "secondary", secondary, secondary.length_minutes,
                             f"Secondary maintenance window {secondary.window} UTC (seed 004)",
                             _recurring_targets(estate, declared, ("beanstalk", "cache")))
    for i, window in enumerate(maintenance.one_off):
        if window.ends <= now:
            warnings.append(f"estate.maintenance.one_off[{i}] ('{window.name}') ended at {window.ends:%Y-%m-%dT%H:%MZ}:"
                            " no mute rule declared; remove it from the stack file")
            continue
        targets = _one_off_targets(estate, declared, window)
        if not targets:
            warnings.append(f"estate.maintenance.one_off[{i}] ('{window.name}') names no alarm to mute: no mute rule declared")
            continue
        start = window.starts
        plans += _split(prefix, window.name, at_expression(start.year, start.month, start.day, start.hour, start.minute),
                        iso_duration(window.minutes), f"One-off window {window.start} for {window.minutes} min: {window.reason}",
                        targets)
    return plans, warnings


@dataclass
class MaintenanceMutesArgs:
    """The estate (its windows, names and tags), every alarm the factory declared, the Regions' providers,
    and the time one-off windows are judged against."""

    estate: Estate
    declared: Sequence[DeclaredAlarm]
    regions: Regions
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @classmethod
    def from_estate(cls, estate: Estate, alarms: AlarmFactory, regions: Regions) -> MaintenanceMutesArgs:
        return cls(estate=estate, declared=list(alarms.declared), regions=regions)


class MaintenanceMutes(pulumi.ComponentResource):
    """The estate's alarm mute rules (see the module docstring); declared after every alarm."""

    def __init__(self, name: str, args: MaintenanceMutesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("alerting", "MaintenanceMutes"), name, None, opts)
        self.plans, warnings = plan_mute_rules(args.estate, args.declared, args.now)
        for warning in warnings:
            pulumi.log.warn(warning)
        self.rules: list[aws.cloudwatch.AlarmMuteRule] = []
        for plan in self.plans:
            self.rules.append(aws.cloudwatch.AlarmMuteRule(
                plan.name,
                name=plan.name,
                description=plan.description,
                rule=aws.cloudwatch.AlarmMuteRuleRuleArgs(schedule=aws.cloudwatch.AlarmMuteRuleRuleScheduleArgs(
                    expression=plan.expression, duration=plan.duration, timezone=TIMEZONE_UTC,
                )),
                mute_targets=aws.cloudwatch.AlarmMuteRuleMuteTargetsArgs(alarm_names=plan.alarm_names),
                tags=estate_tags(args.estate, Name=plan.name),
                # The API wants the alarms to exist: the rule waits for them.
                opts=child(self, args.regions.options(plan.region), depends_on=[a.resource for a in plan.alarms]),
            ))
        self.register_outputs({"rules": [rule.arn for rule in self.rules]})
