"""Issue 12 #15: a tool, not a fork. What a second company sees (its render, its alarm texts, the policy
pack's descriptions, remediations, checklist items and messages in `estate check` output) speaks of its own
estate: RT Technologie's references (its name, Symphonia, runbooks 000/001 and their French sections) live in
RT's stack files and docs (docs/rt-technologie.md). Prod's render keeps RT's text: it comes from RT's data."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml

from policies.rules import ALL_POLICIES, INFO
from policies.rules.runner import run_policies
from tools.check import estate_policy_config, format_result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
# RT's name, its platform, its runbooks and the French section names they are cited by.
RT_TEXT = re.compile(
    r"\bRT\b|rt-technologie|symphonia|runbook 00[01]|\b00[01] §|seed 00[01]|authz-eb|tms-sync|affret"
    r"|Alertes|Checklist de|Tâches|Mise en Production|Fenêtres|Configurée?s?\b|activé|[éèàçê]",
    re.IGNORECASE,
)


def _rt_mentions(text: str) -> list[str]:
    return sorted({match.group(0) for match in RT_TEXT.finditer(text)})


@pytest.fixture(scope="module")
def example_renders():
    from data.config import estate_from_stack_file, load_stack_file
    from infra.engine import render_stack

    return {path.stem: (render_stack(path), estate_from_stack_file(load_stack_file(path))) for path in EXAMPLES}


def test_the_rule_metadata_speaks_of_no_company():
    for policy in ALL_POLICIES:
        for text in (policy.description, policy.remediation_steps, INFO[policy.name].runbook):
            assert _rt_mentions(text) == [], (policy.name, text)


@pytest.mark.parametrize("example", [path.stem for path in EXAMPLES])
def test_an_example_estates_render_and_check_output_speak_of_it_alone(example_renders, example):
    render, estate = example_renders[example]
    rendered = json.loads(render.to_json())
    assert _rt_mentions(render.to_json()) == []
    config = estate_policy_config(estate)
    clean = run_policies(rendered, config=config, region=estate.region)
    # Break what the pack checks across the render, so that the output carries rule descriptions and messages.
    broken = copy.deepcopy(rendered)
    for resource in broken["resources"]:
        resource["protect"] = False
        inputs = resource["inputs"]
        if resource["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm":
            inputs.update(alarmActions=[], okActions=[], tags={})
            resource["dependencies"] = []
        if resource["type"] == "aws:route53/healthCheck:HealthCheck":
            inputs["tags"] = {"source": "mongodb+srv://app:pa55word@cluster0.example.net/app"}
    broken["resources"] = [r for r in broken["resources"] if r["type"] != "aws:sns/topicSubscription:TopicSubscription"]
    result = run_policies(broken, config=config, region=estate.region)
    assert len({v.policy for v in result.violations}) >= 4, [v.policy for v in result.violations]
    for outcome in (clean, result):
        for fmt in ("table", "json", "markdown"):
            assert _rt_mentions(format_result(outcome, fmt)) == [], (example, fmt)


def test_the_project_describes_the_tool_not_a_company():
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert _rt_mentions(project["description"]) == []


def test_rts_seed_mapping_lists_every_rule():
    text = (ROOT / "docs" / "rt-technologie.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", text, re.MULTILINE))
    assert listed == {policy.name for policy in ALL_POLICIES}


def test_prod_keeps_rts_words_from_its_own_stack_file(prod_render):
    descriptions = [a.inputs["alarmDescription"] for a in prod_render.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")]
    assert any("runbook 000: below 80 %, adjust the TTLs" in d for d in descriptions)
    assert all("rt-technologie/monitored-estate/blob/main/docs/runbooks.md#" in d for d in descriptions)
