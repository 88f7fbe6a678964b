"""Issue 12 #3: a web service without ``public_url`` sits behind an *internal* load balancer (private
subnets, a security group open only to the estate's own instances); a ``tier: worker`` service is an EB
worker environment (SQS daemon on a queue the program declares with its dead-letter queue, no load
balancer) watched by queue alarms, not request ones; an estate of internal services only needs no public
subnets and no certificate."""

from __future__ import annotations

import copy
import json

import pytest

from data.config import EstateConfigError, parse_estate
from policies.rules.runner import run_policies
from tests.test_policies_rules import CONFIG, compliant_render, drop, find
from tools.check import estate_policy_config

ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
QUEUE = "aws:sqs/queue:Queue"
PRIVATE = "subnet-0a1b2c3d4e5f60101,subnet-0a1b2c3d4e5f60102"


def _settings(environment) -> dict:
    return {(s["namespace"], s["name"]): s["value"] for s in environment.inputs["settings"]}


def _environment(render, name):
    return next(e for e in render.of_type(ENVIRONMENT) if e.inputs["name"] == name)


@pytest.fixture(scope="module")
def mixed(_prod_estate_pristine):
    """prod with tms-sync-eb internal (no public_url) and affret-ia-api-v2 a worker."""
    from infra.engine import render_estate

    estate = copy.deepcopy(_prod_estate_pristine)
    estate["services"][2].pop("public_url")
    worker = estate["services"][3]
    worker.pop("public_url")
    worker.update(tier="worker", worker={"path": "/tasks", "max_receive_count": 5})
    return estate, render_estate(estate, region="eu-central-1", stack="prod")


def test_a_service_without_public_url_gets_an_internal_load_balancer(mixed):
    _, render = mixed
    settings = _settings(_environment(render, "tms-sync-eb-prod"))
    assert settings[("aws:ec2:vpc", "ELBScheme")] == "internal"
    assert settings[("aws:ec2:vpc", "ELBSubnets")] == PRIVATE
    groups = {g.urn: g for g in render.of_type(SECURITY_GROUP)}
    internal = next(g for g in groups.values() if g.inputs["name"].endswith("-internal-alb"))
    assert internal.inputs.get("ingress", []) == []  # nothing from the internet
    rules = [r for r in render.of_type(INGRESS_RULE) if "-internal-alb-from-" in r.urn]
    assert {r.inputs["fromPort"] for r in rules} == {443} and all("cidrIpv4" not in r.inputs for r in rules)
    assert len(rules) == 4  # one per service of the estate (the callers), by security group
    public = _settings(_environment(render, "authz-eb-prod"))
    assert public[("aws:ec2:vpc", "ELBScheme")] == "public"


def test_a_worker_is_a_worker_environment_on_its_own_queue(mixed):
    _, render = mixed
    environment = _environment(render, "affret-ia-api-v2-prod")
    settings = _settings(environment)
    assert environment.inputs["tier"] == "Worker"
    queues = {q.inputs["name"]: q for q in render.of_type(QUEUE)}
    assert set(queues) == {"affret-ia-api-v2-prod-queue", "affret-ia-api-v2-prod-dead-letter"}
    assert all(q.protect for q in queues.values())
    assert json.loads(queues["affret-ia-api-v2-prod-queue"].inputs["redrivePolicy"])["maxReceiveCount"] == 5
    assert settings[("aws:elasticbeanstalk:sqsd", "WorkerQueueURL")].endswith("/affret-ia-api-v2-prod-queue")
    assert settings[("aws:elasticbeanstalk:sqsd", "HttpPath")] == "/tasks"
    assert not [key for key in settings if key[0].startswith("aws:elbv2") or key[1] in ("ELBScheme", "ELBSubnets", "LoadBalancerType", "HealthCheckPath")]


def test_a_worker_is_watched_on_its_queues_not_on_requests(mixed):
    _, render = mixed
    alarms = {a.inputs["name"]: a.inputs for a in render.of_type(ALARM) if a.inputs["name"].startswith("affret-ia-api-v2-")}
    signals = {name.rsplit("-", 1)[0].removeprefix("affret-ia-api-v2-") for name in alarms}
    assert {"queue-age", "queue-depth", "dead-letter-depth", "cpu", "health", "root-filesystem"} <= signals
    assert not signals & {"latency-p95", "5xx-rate", "lb-5xx-rate"}
    assert alarms["affret-ia-api-v2-queue-age-warning"]["dimensions"] == {"QueueName": "affret-ia-api-v2-prod-queue"}
    assert alarms["affret-ia-api-v2-dead-letter-depth-warning"]["dimensions"] == {"QueueName": "affret-ia-api-v2-prod-dead-letter"}
    assert alarms["affret-ia-api-v2-queue-age-warning"]["namespace"] == "AWS/SQS"


def test_the_mixed_estate_passes_the_pack(mixed):
    estate, render = mixed
    result = run_policies(render, config=estate_policy_config(parse_estate(estate, "eu-central-1")))
    assert [v.to_dict() for v in result.violations] == []


def test_the_worker_instances_may_read_their_queue_only(mixed):
    _, render = mixed
    policy = next(p for p in render.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs.get("name") == "affret-ia-api-v2-least-privilege")
    [statement] = [s for s in json.loads(policy.inputs["policy"])["Statement"] if s["Sid"] == "ReadWorkerQueue"]
    assert statement["Resource"] == "arn:aws:sqs:eu-central-1:123456789012:affret-ia-api-v2-prod-queue"


def _internal_only(estate: dict) -> dict:
    estate = copy.deepcopy(estate)
    estate["network"] = {k: v for k, v in estate["network"].items() if k not in ("public_subnet_ids", "certificate_arn")}
    estate["cdn"] = []
    for service in estate["services"]:
        service.pop("public_url", None)
    estate["services"][3].update(tier="worker")
    return estate


def test_an_estate_of_internal_services_needs_no_public_subnets_or_certificate(_prod_estate_pristine):
    from infra.engine import render_estate

    estate = _internal_only(_prod_estate_pristine)
    render = render_estate(estate, region="eu-central-1", stack="prod")
    assert not [g for g in render.of_type(SECURITY_GROUP) if g.inputs["name"].endswith("-alb") and not g.inputs["name"].endswith("internal-alb")]
    assert not [a for a in render.of_type(ALARM) if "certificate" in a.inputs["name"]]
    settings = _settings(_environment(render, "authz-eb-prod"))
    assert settings[("aws:elbv2:listener:default", "ListenerEnabled")] == "true"  # HTTP inside the VPC
    assert not [key for key in settings if key[0] == "aws:elbv2:listener:443"]
    assert {r.inputs["fromPort"] for r in render.of_type(INGRESS_RULE) if "-internal-alb-from-" in r.urn} == {80}
    result = run_policies(render, config=estate_policy_config(parse_estate(estate, "eu-central-1")))
    assert [v.to_dict() for v in result.violations] == []


@pytest.mark.parametrize("mutate, expected", [
    (lambda e: e["network"].pop("certificate_arn"),
     "estate.network.certificate_arn: required: services[0].public_url is served over HTTPS on 443"),
    (lambda e: e["network"].update(public_subnet_ids=[]),
     "estate.network.public_subnet_ids: at least two subnets (two availability zones) for the internet-facing load balancer of services[0].public_url"),
    (lambda e: e["services"][0].update(tier="worker"),
     "estate.services[0].public_url: a worker environment has no load balancer to reach; remove it (or use tier: web)"),
    (lambda e: e["services"][0].update(worker={"path": "/jobs"}), "estate.services[0].worker: only for tier: worker"),
    (lambda e: e["services"][0].update(tier="worker", public_url=None, worker={"inactivity_timeout": 400}),
     "estate.services[0].worker: inactivity_timeout (400) must be below visibility_timeout (300): a message still in processing"
     " would reappear to another worker"),
])
def test_model_validation_of_tiers_and_network(prod_estate, mutate, expected):
    mutate(prod_estate)
    with pytest.raises(EstateConfigError) as error:
        parse_estate(prod_estate, "eu-central-1")
    assert expected in error.value.problems, error.value.problems


def test_the_alarms_rule_expects_a_worker_s_queue_signals_not_request_ones():
    render = compliant_render()
    find(render, "api-prod")["inputs"]["tier"] = "Worker"
    drop(render, *(f"api-{s}-{v}" for s in ("latency", "5xx", "lb-5xx") for v in ("warning", "critical")))
    messages = sorted(v.message.partition("\n")[2] for v in run_policies(render, config=CONFIG).violations
                      if v.policy == "services-environment-alarms")
    assert messages == sorted(f"environment api-prod has no {sev} {sig} alarm."
                              for sig in ("queue-age", "queue-depth", "dead-letter-depth") for sev in ("warning", "critical"))
