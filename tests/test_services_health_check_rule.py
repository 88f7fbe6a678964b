"""Issue 12 #12: ``services-environment-health-check`` judges each service by its own declared path
(``services[].health_check.path``), not a fixed ``/health``, and says what the load balancer really
probes: '/' only when no HealthCheckPath is set."""

from __future__ import annotations

import pytest

from data.config import parse_estate
from infra.engine import render_estate
from policies.rules.runner import run_policies
from tests.test_policies_rules import CONFIG, compliant_render, set_setting
from tools.check import estate_policy_config

RULE = "services-environment-health-check"
PROCESS = "aws:elasticbeanstalk:environment:process:default"


def _messages(render, config) -> list[str]:
    return [v.message.partition("\n")[2] for v in run_policies(render, config=config).violations if v.policy == RULE]


def _with_paths(paths: dict) -> dict:
    return {**CONFIG, RULE: {"paths": paths}}


def test_a_custom_declared_path_passes():
    render = compliant_render()
    set_setting(render, "api-prod", PROCESS, "HealthCheckPath", "/healthz")
    assert _messages(render, _with_paths({"api-prod": "/healthz"})) == []


def test_a_path_other_than_the_service_s_own_fails_naming_both():
    render = compliant_render()
    set_setting(render, "api-prod", PROCESS, "HealthCheckPath", "/health")
    assert _messages(render, _with_paths({"api-prod": "/healthz"})) == [
        "HealthCheckPath is '/health', but the service declares '/healthz' (services[].health_check.path)."]


def test_without_estate_config_any_non_root_path_passes():
    render = compliant_render()
    set_setting(render, "api-prod", PROCESS, "HealthCheckPath", "/status/ready")
    assert _messages(render, CONFIG) == []


@pytest.mark.parametrize("value, expected", [
    (None, "HealthCheckPath is not set: the load balancer probes '/' (Elastic Beanstalk's default), not a health endpoint."),
    ("/", "HealthCheckPath is '/': the load balancer probes the root page, not a health endpoint."),
])
def test_the_root_or_no_path_fails_with_what_is_really_probed(value, expected):
    render = compliant_render()
    set_setting(render, "api-prod", PROCESS, "HealthCheckPath", value)
    assert _messages(render, CONFIG) == [expected]


def test_prod_with_healthz_on_one_service_passes(prod_estate):
    prod_estate["services"][0]["health_check"] = {"path": "/healthz"}
    render = render_estate(prod_estate, region="eu-central-1", stack="prod")
    config = estate_policy_config(parse_estate(prod_estate, "eu-central-1"))
    assert _messages(render, config) == []
