"""DR parity as a check, not a hope (issue 11): every alarm signal, alert topic, subscription route,
dashboard section and health check of prod has its DR counterpart, matched by meaning since the names
differ (tools/recovery/parity.py). Each family's check fails on a DR render with one item dropped or
changed. The leak check (no prod name, ARN or region in DR) stays in tests/test_dr_stack.py."""

from __future__ import annotations

import copy
import json

import pytest

from infra.engine import render_stack
from tests.conftest import PROJECT_ROOT
from tests.recovery_renders import render
from tools.recovery import StackRender, recovery_report
from tools.recovery.parity import ALARM, DASHBOARD, HEALTH_CHECK, SUBSCRIPTION, TOPIC, parity


@pytest.fixture(scope="module")
def dr_data():
    return render_stack(PROJECT_ROOT / "Pulumi.dr.yaml").to_dict()


@pytest.fixture(scope="module")
def prod(prod_render):
    return StackRender.of(prod_render)


def dr_with(data, change) -> StackRender:
    mutated = copy.deepcopy(data)
    mutated["resources"] = [r for r in (change(r) for r in mutated["resources"]) if r is not None]
    return StackRender(mutated, "eu-west-1")


def drop(name: str, type_: str):
    return lambda r: None if (r["name"], r["type"]) == (name, type_) else r


def test_every_prod_item_has_its_dr_counterpart(prod, dr_data):
    result = parity(prod, StackRender(dr_data, "eu-west-1"))
    assert result.gaps == () and result.dr_only == ()
    # Every family is populated in prod, so "no gap" is not "nothing compared".
    assert result.counts == {"alarm": len(prod.of_type(ALARM)), "topic": len(prod.of_type(TOPIC)), "route": len(prod.of_type(SUBSCRIPTION)),
                             "dashboard section": result.counts["dashboard section"], "health check": len(prod.of_type(HEALTH_CHECK))}
    assert min(result.counts.values()) >= 4 and result.counts["dashboard section"] > len(prod.of_type(DASHBOARD))


@pytest.mark.parametrize(("family", "dropped", "type_", "prod_name"), [
    ("alarm", "authz-eb-dr-5xx-rate-critical", ALARM, "authz-eb-5xx-rate-critical"),
    ("alarm", "authz-cdn-dr-5xx-rate-critical", ALARM, "authz-cdn-5xx-rate-critical"),  # a us-east-1 signal
    ("topic", "rt-estate-dr-warning-us-east-1", TOPIC, "rt-estate-prod-warning"),
    ("route", "rt-estate-dr-critical-eu-west-1-oncall-sms", SUBSCRIPTION, "rt-estate-prod-critical-eu-central-1-oncall-sms"),
    ("route", "ses-bounces-complaints-dr-mail-feedback-email", SUBSCRIPTION, "ses-bounces-complaints-mail-feedback-email"),
    ("health check", "tms-sync-eb-dr-health-check", HEALTH_CHECK, "tms-sync-eb-health"),
])
def test_a_prod_item_without_dr_counterpart_fails(prod, dr_data, family, dropped, type_, prod_name):
    assert any(r["name"] == dropped and r["type"] == type_ for r in dr_data["resources"]), "the mutation must remove something"
    result = parity(prod, dr_with(dr_data, drop(dropped, type_)))
    assert not result.ok
    assert [(g.family, g.name, g.problem) for g in result.gaps] == [(family, prod_name, "no DR counterpart")]


def test_an_item_listed_as_primary_only_needs_a_reason_and_is_reported(prod, dr_data, monkeypatch):
    from tools.recovery import parity as parity_module

    assert all(reason.strip() for reason in parity_module.PRIMARY_ONLY.values())
    mutated = dr_with(dr_data, drop("authz-eb-dr-5xx-rate-critical", ALARM))
    monkeypatch.setitem(parity_module.PRIMARY_ONLY, ("alarm", "5xx-rate"), "example: DR has no such alarm")
    result = parity(prod, mutated)
    assert result.ok and "alarm authz-eb-5xx-rate-critical: example: DR has no such alarm" in result.primary_only
    # The replication alarms are prod's alone (DR does not replicate back), each reported with its reason.
    assert sorted(line.split(":")[0] for line in result.primary_only if "replication" in line) == [
        "alarm rt-backend-backups-replication-failed-warning", "alarm rt-estate-audit-logs-prod-replication-failed-warning",
        "alarm symphonia-documents-prod-replication-failed-warning", "alarm symphonia-documents-prod-replication-latency-warning"]
    # The listing exempts a missing counterpart only: a DR counterpart that differs still fails.
    assert not parity(prod, dr_with(dr_data, _threshold_of("authz-eb-dr-5xx-rate-critical", 50))).ok


def _threshold_of(name: str, threshold: float):
    def change(resource):
        if resource["name"] == name:
            resource["inputs"]["threshold"] = threshold
        return resource
    return change


def test_a_dashboard_section_missing_in_dr_fails(prod, dr_data):
    def without_redis_section(resource):
        if resource["inputs"].get("dashboardName") != "Symphonia-Production-DR":
            return resource
        widgets = json.loads(resource["inputs"]["dashboardBody"])["widgets"]
        start = next(i for i, w in enumerate(widgets) if w["properties"].get("markdown", "").startswith("# Redis"))
        end = next(i for i, w in enumerate(widgets) if i > start and w["type"] == "text")
        resource["inputs"]["dashboardBody"] = json.dumps({"widgets": widgets[:start] + widgets[end:]})
        return resource

    result = parity(prod, dr_with(dr_data, without_redis_section))
    assert [(g.family, g.name) for g in result.gaps] == [("dashboard section", "Symphonia-Production / redis-symphonia-redis")]


def test_a_dr_alarm_routed_to_another_severity_or_threshold_fails(prod, dr_data):
    def misrouted(resource):
        if resource["name"] == "authz-eb-dr-5xx-rate-critical":
            resource["inputs"]["alarmActions"] = [a.replace("-critical", "-warning") for a in resource["inputs"]["alarmActions"]]
            resource["inputs"]["threshold"] = 50
        return resource

    problems = [g.problem for g in parity(prod, dr_with(dr_data, misrouted)).gaps]
    assert len(problems) == 2 and all(p.startswith("differs from authz-eb-dr-5xx-rate-critical: ") for p in problems)
    assert any("notifies" in p and "rt-estate-warning" in p for p in problems)
    assert any(p.endswith("threshold 5 in primary, 50 in DR") for p in problems)


def test_a_route_moved_to_another_subscriber_fails(prod, dr_data):
    def email_changed(resource):
        if resource["name"] == "rt-estate-dr-critical-us-east-1-backend-lead-email":
            resource["inputs"]["endpoint"] = "someone-else@example.com"
        return resource

    [gap] = parity(prod, dr_with(dr_data, email_changed)).gaps
    assert gap.family == "route" and "endpoint 'backend-lead@rt-technologie.com' in primary" in gap.problem


def test_names_are_matched_without_the_environment_word():
    prod, dr = render(stack="prod"), render(stack="dr", region="eu-west-1")
    assert prod.normalise("rt-estate-prod-critical") == dr.normalise("rt-estate-dr-critical") == "rt-estate-critical"
    assert prod.normalise("RT-Backend-Services") == dr.normalise("RT-Backend-Services-DR") == "rt-backend-services"
    assert prod.normalise("# Redis symphonia-redis-prod") == dr.normalise("# Redis symphonia-redis-dr")
    assert prod.normalise("Symphonia-Production") == "symphonia-production"  # a word containing "prod" stays
    assert prod.normalise("authz-eb") != prod.normalise("authz-eb-dr")  # only the stack's own word is dropped


def test_the_report_exits_1_on_a_parity_gap_and_strict_on_uncopied_data(prod, dr_data):
    fine = recovery_report(prod, StackRender(dr_data, "eu-west-1"))
    assert fine.exit_code() == 0
    assert fine.exit_code(strict=True) == int(bool(fine.unprotected))
    broken = recovery_report(prod, dr_with(dr_data, drop("authz-eb-dr-health-check", HEALTH_CHECK)))
    assert broken.exit_code() == 1
    elsewhere = recovery_report(prod, StackRender(dr_data, "eu-west-1"), declared_dr_region="eu-west-3")
    assert elsewhere.exit_code() == 1 and "eu-west-3" in elsewhere.problems[0]
