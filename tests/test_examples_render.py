"""The three other platforms of the seeds as example estates: they render, are watched from outside,
and their alarms carry their runbooks' warning/critical thresholds; adding a service is YAML only."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from data.config import ESTATE_KEY
from infra.engine import render_estate, render_stack

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"

# (alarm name) -> threshold, as the runbooks give them (seed file and lines in the example's comments).
RUNBOOK_THRESHOLDS = {
    "zenbilling": {  # 002 lines 258-292
        "api-gateway-cpu-warning": 70, "api-gateway-cpu-critical": 85,
        "api-gateway-memory-warning": 75, "api-gateway-memory-critical": 90,
        "api-gateway-disk-warning": 80, "api-gateway-disk-critical": 95,
        "api-gateway-network-latency-warning": 100, "api-gateway-network-latency-critical": 500,
        "api-gateway-api-response-time-warning": 1000, "api-gateway-api-response-time-critical": 2000,
        "api-gateway-error-rate-warning": 2, "api-gateway-error-rate-critical": 5,
        "api-gateway-database-connections-warning": 80, "api-gateway-database-connections-critical": 95,
        "stripe-service-failed-payments-warning": 5, "stripe-service-failed-payments-critical": 10,
        "invoice-service-invoice-errors-warning": 2, "invoice-service-invoice-errors-critical": 5,
    },
    "mytechgear": {  # 003 lines 552-575
        "medusa-backend-failed-payments-warning": 5, "medusa-backend-failed-payments-critical": 10,
        "medusa-backend-webhook-failures-warning": 0, "medusa-backend-email-bounce-rate-warning": 2,
    },
    "tontetic": {  # 004 lines 166-171
        "tontetic-api-error-rate-warning": 1, "tontetic-api-error-rate-critical": 5,
        "tontetic-api-latency-p95-warning": 500, "tontetic-api-latency-p95-critical": 2000,
        "tontetic-api-webhook-failures-warning": 2, "tontetic-api-webhook-failures-critical": 10,
        "tontetic-api-login-failures-warning": 10, "tontetic-api-login-failures-critical": 50,
    },
}


@pytest.fixture(scope="module")
def renders():
    return {name: render_stack(EXAMPLES / f"{name}.yaml") for name in RUNBOOK_THRESHOLDS}


def _alarms(render):
    return {a.inputs["name"]: a for a in render.of_type(ALARM)}


@pytest.mark.parametrize("example", sorted(RUNBOOK_THRESHOLDS))
def test_alarms_carry_the_runbooks_thresholds(renders, example):
    alarms = _alarms(renders[example])
    health_checks = {name for name in alarms if name.endswith("-health-check-critical")}
    got = {name: alarm.inputs["threshold"] for name, alarm in alarms.items() if name not in health_checks}
    assert got == RUNBOOK_THRESHOLDS[example]
    for name, alarm in alarms.items():
        assert alarm.inputs["comparisonOperator"] in ("GreaterThanThreshold", "LessThanThreshold")


@pytest.mark.parametrize("example", sorted(RUNBOOK_THRESHOLDS))
def test_external_services_are_watched_from_outside_only(renders, example):
    render = renders[example]
    assert not render.of_type("aws:elasticbeanstalk/environment:Environment")
    assert not render.of_type("aws:ec2/securityGroup:SecurityGroup")
    checks = render.of_type("aws:route53/healthCheck:HealthCheck")
    document = yaml.safe_load((EXAMPLES / f"{example}.yaml").read_text())
    services = document["config"][ESTATE_KEY]["services"]
    assert len(checks) == len(services)
    for check in checks:
        assert check.inputs["type"] == "HTTPS" and check.inputs["requestInterval"] == 30
    critical = [a for a in render.of_type(ALARM) if a.inputs["name"].endswith("-health-check-critical")]
    assert len(critical) == len(services)
    assert all(render.region_of(a) == "us-east-1" for a in critical)


def _subscriptions(render):
    topics = {}
    for topic in render.of_type("aws:sns/topic:Topic"):
        topics[f"arn:aws:sns:{render.region_of(topic)}:123456789012:{topic.inputs['name']}"] = topic.inputs["name"]
    return {(topics[s.inputs["topic"]].rsplit("-", 1)[1], s.inputs["protocol"]) for s in render.of_type("aws:sns/topicSubscription:TopicSubscription")}


def test_severity_routing_of_each_runbook(renders):
    # 002: Slack for all, email from warning, SMS for critical only.
    zen = _subscriptions(renders["zenbilling"])
    assert {("info", "https"), ("warning", "https"), ("warning", "email"), ("critical", "sms")} <= zen
    assert ("warning", "sms") not in zen and ("info", "email") not in zen
    # 004: PagerDuty (https) pages critical only.
    tontetic = _subscriptions(renders["tontetic"])
    assert ("critical", "https") in tontetic and ("critical", "email") in tontetic
    # 003: P1 immediate by SMS.
    assert ("critical", "sms") in _subscriptions(renders["mytechgear"])


def test_the_billing_team_hears_its_services_only(renders):
    """Issue 12 #6 in an example: ZenBilling's billing team answers for stripe-service and invoice-service."""
    render = renders["zenbilling"]
    names = {f"arn:aws:sns:{render.region_of(t)}:123456789012:{t.inputs['name']}": t.inputs["name"]
             for t in render.of_type("aws:sns/topic:Topic")}
    for alarm in render.of_type(ALARM):
        tags = alarm.inputs["tags"]
        team_topic = f"zenbilling-prod-billing-{tags['severity']}"
        heard = team_topic in {names[arn] for arn in alarm.inputs["alarmActions"]}
        assert heard is (tags["service"] in ("stripe-service", "invoice-service")), alarm.inputs["name"]
    assert {(render.region_of(t), t.inputs["name"]) for t in render.of_type("aws:sns/topic:Topic")
            if "-billing-" in t.inputs["name"]} == {
        (region, f"zenbilling-prod-billing-{sev}") for region in ("eu-west-3", "us-east-1") for sev in ("warning", "critical")}


def test_maintenance_windows_and_retention_of_the_runbooks():
    from data.config import estate_from_stack_file, load_stack_file

    tontetic = estate_from_stack_file(load_stack_file(EXAMPLES / "tontetic.yaml"))
    assert (tontetic.maintenance.preferred.window, tontetic.maintenance.secondary.window) == ("sun:02:00-sun:05:00", "wed:02:00-wed:04:00")
    assert tontetic.services[0].log_retention_days == 1827  # audit logs five years
    zen = estate_from_stack_file(load_stack_file(EXAMPLES / "zenbilling.yaml"))
    assert zen.services[0].log_retention_days == 365  # Umami: one year
    assert zen.maintenance.preferred.start_day == "mon"


def test_adding_a_service_is_a_few_lines_of_yaml():
    document = yaml.safe_load((EXAMPLES / "tontetic.yaml").read_text())
    estate = copy.deepcopy(document["config"][ESTATE_KEY])
    estate["services"].append({
        "name": "tontetic-admin", "kind": "external", "public_url": "https://admin.tontetic.com",
        "metric_alarms": [{"signal": "errors", "namespace": "Tontetic/Admin", "metric": "Errors",
                           "threshold": {"warning": 3, "critical": 9}}],
    })
    render = render_estate(estate, region="eu-west-3")
    alarms = _alarms(render)
    assert alarms["tontetic-admin-errors-warning"].inputs["threshold"] == 3
    assert alarms["tontetic-admin-errors-critical"].inputs["threshold"] == 9
    assert "tontetic-admin-health-check-critical" in alarms
    assert "tontetic-admin" in {d.inputs["dashboardName"] for d in render.of_type("aws:cloudwatch/dashboard:Dashboard")}


def test_an_estate_in_us_east_1_needs_no_second_region():
    document = yaml.safe_load((EXAMPLES / "tontetic.yaml").read_text())
    render = render_estate(document["config"][ESTATE_KEY], region="us-east-1")
    assert not render.of_type("pulumi:providers:aws")
    topics = render.of_type("aws:sns/topic:Topic")
    assert sorted(t.inputs["name"] for t in topics) == ["tontetic-prod-critical", "tontetic-prod-info", "tontetic-prod-warning"]
    for alarm in render.of_type(ALARM):
        assert all(":us-east-1:" in arn for arn in alarm.inputs["alarmActions"])


def test_an_example_renders_byte_for_byte_the_same_twice():
    first = render_stack(EXAMPLES / "mytechgear.yaml").to_json()
    assert render_stack(EXAMPLES / "mytechgear.yaml").to_json() == first


# -- issue 12: a second company's estate (examples/harbourline.yaml) ---------------------------------


@pytest.fixture(scope="module")
def harbourline():
    return render_stack(EXAMPLES / "harbourline.yaml")


def test_the_adopter_example_declares_every_kind_of_service(harbourline):
    environments = {e.inputs["name"]: e.inputs for e in harbourline.of_type("aws:elasticbeanstalk/environment:Environment")}
    stacks = {name: inputs["solutionStackName"].rsplit(" running ", 1)[1] for name, inputs in environments.items()}
    assert stacks == {"shipments-api-prod": "Docker", "ledger-prod": "Python 3.13", "manifest-worker-prod": "Go 1",
                      "quotes-api-prod": "Corretto 21", "mailer-prod": "Node.js 22"}
    settings = {name: {(s["namespace"], s["name"]): s["value"] for s in inputs["settings"]} for name, inputs in environments.items()}
    assert settings["ledger-prod"][("aws:ec2:vpc", "ELBScheme")] == "internal"
    assert settings["shipments-api-prod"][("aws:ec2:vpc", "ELBScheme")] == "public"
    assert environments["manifest-worker-prod"]["tier"] == "Worker"
    assert not harbourline.of_type("mongodbatlas:index/advancedCluster:AdvancedCluster")
    alarms = {a.inputs["name"]: a.inputs for a in harbourline.of_type(ALARM)}
    assert (alarms["quotes-api-latency-p95-critical"]["threshold"], alarms["quotes-api-latency-p95-critical"]["period"],
            alarms["quotes-api-latency-p95-critical"]["datapointsToAlarm"]) == (0.3, 60, 3)
    assert not [name for name in alarms if name.startswith("quotes-api-root-filesystem")]
    assert not [name for name in alarms if name.startswith("manifest-worker-latency")]
    assert "manifest-worker-dead-letter-depth-critical" in alarms


def test_the_adopter_example_passes_estate_check_with_its_exemption(harbourline):
    from data.config import estate_from_stack_file, load_stack_file
    from data.model.base import SecretRef
    from policies.rules.runner import run_policies
    from tools.check import estate_policy_config

    estate = estate_from_stack_file(load_stack_file(EXAMPLES / "harbourline.yaml"))
    webhooks = [s.endpoint for s in estate.alerting.subscriptions if s.protocol == "https"]
    assert webhooks and all(isinstance(endpoint, SecretRef) for endpoint in webhooks)  # no webhook URL in plaintext
    result = run_policies(harbourline, config=estate_policy_config(estate))
    assert [v.to_dict() for v in result.violations] == []
