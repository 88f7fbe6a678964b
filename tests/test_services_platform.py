"""Issue 10 #3: the platform version is not pinned. The stack file names the runtime
(``platform.runtime: Node.js 22``); the environment's solution stack is the newest of that branch,
looked up at deploy time (``aws.elasticbeanstalk.get_solution_stack(name_regex=..., most_recent=True)``)."""

from __future__ import annotations

import re

import pytest

from data.catalogue import beanstalk as eb
from infra.engine import fakes

ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
TOKEN = "aws:elasticbeanstalk/getSolutionStack:getSolutionStack"


def test_the_offline_engine_answers_a_realistic_stack_for_each_runtime():
    for runtime in eb.SUPPORTED_RUNTIMES:
        answer = fakes.fake_invoke(TOKEN, {"nameRegex": eb.solution_stack_regex(runtime), "mostRecent": True}, "eu-central-1")
        assert re.match(eb.solution_stack_regex(runtime), answer["name"]), answer
        assert answer["name"].endswith(f"running {runtime}")


def test_the_environment_takes_the_newest_stack_of_its_runtime_at_deploy_time(prod_estate, render_estate_dict, monkeypatch):
    asked = []

    def newest(args, region):
        asked.append(dict(args))
        runtime = re.search(r"running (.+)\$$", args["nameRegex"]).group(1).replace("\\.", ".")
        return {"id": "stack", "name": f"64bit Amazon Linux 2023 v9.1.2 running {runtime}"}

    monkeypatch.setitem(fakes.INVOKES, TOKEN, newest)
    prod_estate["services"][2]["platform"] = {"runtime": "Node.js 24"}
    render = render_estate_dict(prod_estate)
    stacks = {e.inputs["name"]: e.inputs["solutionStackName"] for e in render.of_type(ENVIRONMENT)}
    assert stacks == {
        "authz-eb-prod": "64bit Amazon Linux 2023 v9.1.2 running Node.js 22",
        "rt-subscriptions-api-prod": "64bit Amazon Linux 2023 v9.1.2 running Node.js 22",
        "tms-sync-eb-prod": "64bit Amazon Linux 2023 v9.1.2 running Node.js 24",
        "affret-ia-api-v2-prod": "64bit Amazon Linux 2023 v9.1.2 running Node.js 22",
    }
    assert {(a["nameRegex"], a["mostRecent"]) for a in asked} == {
        (eb.solution_stack_regex("Node.js 22"), True), (eb.solution_stack_regex("Node.js 24"), True)}


def test_prod_names_the_runtime_not_a_version(prod_estate):
    for service in prod_estate["services"]:
        if service.get("kind", "beanstalk") == "beanstalk":
            assert service["platform"] == {"runtime": "Node.js 22"}, service["name"]
