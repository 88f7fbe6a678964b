"""Issue 12 #2: every current Amazon Linux 2023 Elastic Beanstalk platform branch is declarable
through ``platform.runtime`` (Docker, Python, Corretto, Tomcat, Go, .NET, PHP, Ruby, Node.js); an
unknown runtime is refused with the valid ones and a did-you-mean; the deploy-time lookup builds the
branch's regex; runtime-specific rules (NODE_ENV) apply to their runtime only."""

from __future__ import annotations

import re

import pytest

from data.catalogue import beanstalk as eb
from data.config import EstateConfigError
from infra.engine import fakes
from policies.rules.runner import run_policies
from tests.test_policies_rules import APP_ENV, CONFIG, compliant_render, find, set_setting

ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
TOKEN = "aws:elasticbeanstalk/getSolutionStack:getSolutionStack"


@pytest.mark.parametrize("runtime", ["Docker", "Python 3.13", "Corretto 21", "Go 1", ".NET 8", "PHP 8.4", "Ruby 3.4",
                                     "Tomcat 10 Corretto 21", "Node.js 22"])
def test_the_catalogue_lists_every_platform_family(runtime):
    assert runtime in eb.SUPPORTED_RUNTIMES
    assert eb.PLATFORM_BRANCHES[runtime].platform in {"Docker", "Python", "Java SE", "Tomcat", "Go", ".NET", "PHP", "Ruby", "Node.js"}


def test_regexes_match_their_branch_only():
    stacks = {runtime: f"64bit Amazon Linux 2023 v4.7.1 running {runtime}" for runtime in eb.SUPPORTED_RUNTIMES}
    for runtime in eb.SUPPORTED_RUNTIMES:
        matching = [name for name in stacks.values() if re.search(eb.solution_stack_regex(runtime), name)]
        assert matching == [stacks[runtime]], runtime
        assert eb.runtime_of(stacks[runtime]) == runtime


@pytest.mark.parametrize("runtime, regex", [
    ("Docker", r"^64bit Amazon Linux 2023 v[0-9.]+ running Docker$"),
    ("Python 3.13", r"^64bit Amazon Linux 2023 v[0-9.]+ running Python 3\.13$"),
])
def test_docker_and_python_services_look_their_branch_up_at_deploy_time(prod_estate, render_estate_dict, monkeypatch, runtime, regex):
    asked = []

    def newest(args, region):
        asked.append(args["nameRegex"])
        return fakes._solution_stack(args)

    monkeypatch.setitem(fakes.INVOKES, TOKEN, newest)
    prod_estate["services"][0]["platform"] = {"runtime": runtime}
    prod_estate["services"][0]["env"].pop("NODE_ENV", None)
    render = render_estate_dict(prod_estate)
    stacks = {e.inputs["name"]: e.inputs["solutionStackName"] for e in render.of_type(ENVIRONMENT)}
    assert regex in asked
    assert re.match(regex, stacks["authz-eb-prod"]) and stacks["authz-eb-prod"].endswith(f"running {runtime}")


def test_an_unknown_runtime_is_refused_with_the_valid_ones_and_a_hint(prod_estate, render_estate_dict):
    prod_estate["services"][0]["platform"] = {"runtime": "Python 3.31"}
    with pytest.raises(EstateConfigError) as error:
        render_estate_dict(prod_estate)
    [line] = [line for line in error.value.problems if "platform.runtime" in line]
    assert line.startswith("estate.services[0].platform.runtime: 'Python 3.31' is not a supported runtime (did you mean 'Python 3.13'?)")
    assert "Docker" in line and "Tomcat 10 Corretto 21" in line


def test_the_platform_rule_accepts_every_supported_branch_and_refuses_al2():
    for runtime in ("Docker", "Python 3.13", "Tomcat 10 Corretto 21", ".NET 8"):
        render = compliant_render()
        find(render, "api-prod")["inputs"]["solutionStackName"] = f"64bit Amazon Linux 2023 v4.7.1 running {runtime}"
        assert [v.policy for v in run_policies(render, config=CONFIG).violations if v.policy == "services-environment-platform"] == []
    render = compliant_render()
    find(render, "api-prod")["inputs"]["solutionStackName"] = "64bit Amazon Linux 2 v3.8.0 running Docker"
    assert [v.policy for v in run_policies(render, config=CONFIG).violations] == ["services-environment-platform"]


def test_node_env_is_required_of_node_js_environments_only():
    render = compliant_render()
    set_setting(render, "api-prod", APP_ENV, "NODE_ENV", None)
    find(render, "api-prod")["inputs"]["solutionStackName"] = "64bit Amazon Linux 2023 v4.7.1 running Python 3.13"
    assert run_policies(render, config=CONFIG).violations == []
    find(render, "api-prod")["inputs"]["solutionStackName"] = "64bit Amazon Linux 2023 v6.10.0 running Node.js 22"
    assert [v.policy for v in run_policies(render, config=CONFIG).violations] == ["services-environment-production-settings"]
