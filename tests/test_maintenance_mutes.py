"""Maintenance-aware paging (issue 14 #3): which alarms each mute rule of the prod render mutes, the
schedule of the preferred window, one-off windows, the limits, and the pulumi-aws floor."""

from __future__ import annotations

import tomllib
from datetime import datetime, timezone
from pathlib import Path

import pulumi_aws
import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from components.alarms import DeclaredAlarm
from components.maintenance import MUTED_IN_MAINTENANCE, plan_mute_rules
from data.model import Estate

MUTE_RULE = "aws:cloudwatch/alarmMuteRule:AlarmMuteRule"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ROOT = Path(__file__).resolve().parent.parent
BEFORE_THE_WINDOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def _rules(render) -> dict[str, list[str]]:
    """Per mute rule of a render, the alarm names it mutes."""
    return {r.inputs["name"]: r.inputs["muteTargets"]["alarmNames"] for r in render.of_type(MUTE_RULE)}


def test_prod_mutes_the_environments_and_the_cache_in_the_preferred_window_and_nothing_else(prod_render):
    rules = _rules(prod_render)
    assert list(rules) == ["rt-technologie-prod-mute-preferred-eu-central-1"]
    muted = rules["rt-technologie-prod-mute-preferred-eu-central-1"]
    for service in ("authz-eb", "subscriptions-contracts-eb"):
        for signal in ("health", "5xx-rate", "lb-5xx-rate", "latency-p95", "cpu"):
            assert f"{service}-{signal}-critical" in muted and f"{service}-{signal}-warning" in muted
    assert "symphonia-redis-prod-engine-cpu-critical" in muted
    alarms = {a.inputs["name"] for a in prod_render.of_type(ALARM)}
    assert set(muted) <= alarms  # every target is an alarm of the render (the API wants existing alarms)
    # What maintenance does not explain keeps paging: the public health checks, disks, replication, mail.
    assert "authz-eb-health-check-critical" in alarms and "authz-eb-health-check-critical" not in muted
    assert not [name for name in muted if "-slo-burn-" in name or "budget" in name or "root-filesystem" in name]
    signals = {signal for family in MUTED_IN_MAINTENANCE.values() for signal in family}
    assert all(any(name.endswith(f"-{signal}-{level}") for signal in signals for level in ("warning", "critical")) for name in muted)


def test_the_preferred_window_is_sunday_two_for_three_hours_utc(prod_render):
    (rule,) = prod_render.of_type(MUTE_RULE)
    assert rule.inputs["rule"]["schedule"] == {"expression": "cron(0 2 * * SUN)", "duration": "PT3H", "timezone": "UTC"}
    assert "startDate" not in rule.inputs and "expireDate" not in rule.inputs
    assert prod_render.region_of(rule) == "eu-central-1"


def test_a_one_off_window_mutes_every_alarm_of_its_services_in_each_region(prod_estate, render_estate_dict):
    prod_estate["maintenance"] = {"one_off": [{
        "name": "atlas-move", "start": "2099-12-06T01:00:00Z", "end": "2099-12-06T04:30:00Z",
        "reason": "CHG-1234: move the cluster to M30", "services": ["authz-eb"],
    }]}
    render = render_estate_dict(prod_estate)
    rules = {r.inputs["name"]: r for r in render.of_type(MUTE_RULE)}
    here = rules["rt-technologie-prod-mute-atlas-move-eu-central-1"]
    there = rules["rt-technologie-prod-mute-atlas-move-us-east-1"]  # the Route 53 health check's alarm lives there
    assert here.inputs["rule"]["schedule"] == {"expression": "at(2099-12-06T01:00)", "duration": "PT3H30M", "timezone": "UTC"}
    assert render.region_of(there) == "us-east-1"
    # There: the service's health check and the distribution fronting it (CloudFront metrics live in us-east-1).
    assert "authz-eb-health-check-critical" in there.inputs["muteTargets"]["alarmNames"]
    assert "authz-cdn-5xx-rate-critical" in there.inputs["muteTargets"]["alarmNames"]
    assert {name.split("-")[1] for name in there.inputs["muteTargets"]["alarmNames"]} == {"eb", "cdn"}
    assert "authz-eb-root-filesystem-critical" in here.inputs["muteTargets"]["alarmNames"]
    assert all(name.startswith("authz-eb-") for name in here.inputs["muteTargets"]["alarmNames"])
    assert "CHG-1234" in here.inputs["description"]


def _estate(prod_estate, **maintenance) -> Estate:
    prod_estate["maintenance"] = maintenance
    return Estate.model_validate({**prod_estate, "region": "eu-central-1"})


def _alarm(name: str, owner: str, signal: str, region: str = "eu-central-1") -> DeclaredAlarm:
    return DeclaredAlarm(name, owner, signal, "critical", region, None)


def test_burn_rate_pages_stay_on_unless_the_estate_mutes_them(prod_estate):
    declared = [_alarm("authz-eb-health-critical", "authz-eb", "health"),
                _alarm("authz-eb-slo-burn-fast-critical", "authz-eb", "slo-burn-fast")]
    (plan,), _ = plan_mute_rules(_estate(prod_estate), declared, BEFORE_THE_WINDOW)
    assert plan.alarm_names == ["authz-eb-health-critical"]
    (plan,), _ = plan_mute_rules(_estate(prod_estate, mute_burn_rate=True), declared, BEFORE_THE_WINDOW)
    assert plan.alarm_names == ["authz-eb-health-critical", "authz-eb-slo-burn-fast-critical"]


def test_an_estate_that_mutes_burn_rate_pages_mutes_the_composites_the_render_declares(prod_estate, render_estate_dict):
    """The burn-rate pages are composite alarms (components/slo): the factory records them with the others,
    so ``mute_burn_rate`` reaches them; their silent children have no actions to mute."""
    prod_estate["maintenance"] = {"mute_burn_rate": True}
    (rule,) = render_estate_dict(prod_estate).of_type(MUTE_RULE)
    muted = rule.inputs["muteTargets"]["alarmNames"]
    for pair in ("fast-critical", "slow-critical", "ticket-warning"):
        assert f"authz-eb-slo-burn-{pair}" in muted
    assert not [name for name in muted if name.endswith(("-long", "-short"))]


def test_more_than_a_hundred_alarms_split_into_numbered_rules(prod_estate):
    declared = [_alarm(f"authz-eb-health-{i:03d}", "authz-eb", "health") for i in range(150)]
    plans, _ = plan_mute_rules(_estate(prod_estate), declared, BEFORE_THE_WINDOW)
    assert [(p.name, len(p.alarms)) for p in plans] == [
        ("rt-technologie-prod-mute-preferred-eu-central-1", 100), ("rt-technologie-prod-mute-preferred-eu-central-1-2", 50)]


def test_the_secondary_window_mutes_only_when_asked_and_the_cache_follows_its_own(prod_estate):
    prod_estate["cache"]["maintenance_window"] = {"window": "sat:23:00-sun:01:00"}
    declared = [_alarm("authz-eb-health-critical", "authz-eb", "health"),
                _alarm("symphonia-redis-prod-cpu-critical", "symphonia-redis-prod", "cpu")]
    plans, _ = plan_mute_rules(_estate(prod_estate), declared, BEFORE_THE_WINDOW)
    assert [(p.name, p.expression, p.duration, p.alarm_names) for p in plans] == [
        ("rt-technologie-prod-mute-preferred-eu-central-1", "cron(0 2 * * SUN)", "PT3H", ["authz-eb-health-critical"]),
        ("rt-technologie-prod-mute-cache-eu-central-1", "cron(0 23 * * SAT)", "PT2H", ["symphonia-redis-prod-cpu-critical"]),
    ]
    plans, _ = plan_mute_rules(_estate(prod_estate, mute_secondary=True), declared, BEFORE_THE_WINDOW)
    secondary = next(p for p in plans if "secondary" in p.name)
    assert (secondary.expression, secondary.duration) == ("cron(0 2 * * WED)", "PT2H")
    assert plan_mute_rules(_estate(prod_estate, mute_alarms=False), declared, BEFORE_THE_WINDOW) == ([], [])


def test_a_one_off_window_already_over_is_skipped_with_a_warning(prod_estate):
    estate = _estate(prod_estate, mute_alarms=False, one_off=[{
        "name": "db-move", "start": "2026-12-06T01:00:00Z", "duration": "PT3H",
        "reason": "CHG-1234: move the cluster", "services": ["authz-eb"]}])
    declared = [_alarm("authz-eb-health-critical", "authz-eb", "health")]
    (plan,), warnings = plan_mute_rules(estate, declared, BEFORE_THE_WINDOW)
    assert (plan.expression, plan.duration) == ("at(2026-12-06T01:00)", "PT3H") and warnings == []
    plans, warnings = plan_mute_rules(estate, declared, datetime(2026, 12, 6, 4, 0, tzinfo=timezone.utc))
    assert plans == [] and warnings == [
        "estate.maintenance.one_off[0] ('db-move') ended at 2026-12-06T04:00Z: no mute rule declared; remove it from the stack file"]


def test_the_floor_is_the_provider_release_that_has_alarm_mute_rules():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (floor,) = [Requirement(r) for r in project["dependencies"] if Requirement(r).name == "pulumi-aws"]
    assert min(Version(s.version) for s in floor.specifier if s.operator == ">=") == Version("7.28")
    assert Version(pulumi_aws._utilities.get_version()) in floor.specifier
    assert hasattr(pulumi_aws.cloudwatch, "AlarmMuteRule")


@pytest.mark.parametrize("window, expected", [
    ({"start": "2026-12-06T01:00:30Z", "duration": "PT1H"},
     "estate.maintenance.one_off[0].start: '2026-12-06T01:00:30Z' must have seconds 00 (mute rules start and end on a minute)"),
    ({"start": "2026-12-06T01:00:00Z", "end": "2026-12-06T00:00:00Z"},
     "estate.maintenance.one_off[0].end: '2026-12-06T00:00:00Z' must be after start ('2026-12-06T01:00:00Z')"),
    ({"start": "2026-12-06T01:00:00Z"}, "estate.maintenance.one_off[0]: give exactly one of end and duration"),
    ({"start": "2026-12-06T01:00:00Z", "duration": "P16D"},
     "estate.maintenance.one_off[0].duration: the window lasts 23040 minutes; a mute rule lasts at most 15 days (P15D)"),
    ({"start": "2026-12-06 01:00", "duration": "PT1H"},
     "estate.maintenance.one_off[0].start: '2026-12-06 01:00' is not a UTC instant like '2026-12-06T01:00:00Z'"),
    ({"start": "2026-12-06T01:00:00Z", "duration": "3h"},
     "estate.maintenance.one_off[0].duration: '3h' is not an ISO 8601 duration like 'PT3H' or 'P1DT2H30M'"),
    ({"start": "2026-12-06T01:00:00Z", "duration": "PT1H", "services": ["authz"]},
     "estate.maintenance.one_off[0].services[0]: unknown service or cache 'authz' (declared: affret-ia-api-v2, authz-eb,"
     " subscriptions-contracts-eb, symphonia-redis-prod, tms-sync-eb)"),
])
def test_bad_one_off_windows_exit_2_naming_the_key_path(tmp_path, window, expected):
    import yaml
    from typer.testing import CliRunner

    from conftest import PROD_STACK_FILE
    from data.config import ESTATE_KEY
    from tools.cli import app

    document = yaml.safe_load(PROD_STACK_FILE.read_text(encoding="utf-8"))
    document["config"][ESTATE_KEY]["maintenance"] = {"one_off": [
        {"name": "db-move", "reason": "CHG-1234: move the cluster", "services": ["authz-eb"], **window}]}
    path = tmp_path / "Pulumi.broken.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["preview", "--stack-file", str(path), "--format", "json"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [expected]
    assert "Traceback" not in result.output


def test_a_render_with_a_window_already_over_warns_and_declares_no_rule_for_it(prod_estate, render_estate_dict, caplog):
    prod_estate["maintenance"] = {"one_off": [{
        "name": "old-move", "start": "2020-01-05T01:00:00Z", "duration": "PT1H",
        "reason": "CHG-1: work long done", "services": ["authz-eb"]}]}
    render = render_estate_dict(prod_estate)
    assert list(_rules(render)) == ["rt-technologie-prod-mute-preferred-eu-central-1"]
    assert any(r.levelname == "WARNING" and r.getMessage().startswith("estate.maintenance.one_off[0] ('old-move') ended at 2020-01-05T02:00Z")
               for r in caplog.records)


def test_a_one_off_window_over_owners_without_alarms_says_so(prod_estate):
    estate = _estate(prod_estate, mute_alarms=False, one_off=[{
        "name": "quiet", "start": "2026-12-06T01:00:00Z", "duration": "PT1H",
        "reason": "CHG-9: nothing watched here", "services": ["authz-eb"]}])
    assert plan_mute_rules(estate, [], BEFORE_THE_WINDOW) == (
        [], ["estate.maintenance.one_off[0] ('quiet') names no alarm to mute: no mute rule declared"])
