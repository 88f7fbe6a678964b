"""`estate check --format sarif`: SARIF 2.1.0 valid against OASIS's schema, each finding located at the
stack-file line declaring its resource's owner, exempted findings suppressed (issue 13 #4)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from policies.rules import ALL_POLICIES
from tools.cli import app
from tools.sarif import github_problems
from tools.stack_lines import COMPONENT_SECTIONS, StackLines, owner_names

from tests.check_helpers import EXEMPTION_REASON, small_render, small_stack_file  # noqa: F401 (fixtures)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
runner = CliRunner()


def _errors(document: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(SCHEMA)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


def _alarm(render: dict, name: str) -> dict:
    return next(r for r in render["resources"] if r["name"] == name)


@pytest.fixture(scope="module")
def broken_small(small_render, small_stack_file) -> tuple[dict, Path, list[str]]:
    """The small stack's render with both services' health alarms notifying nobody (mandatory
    findings), checked as SARIF against the small stack file."""
    render = copy.deepcopy(small_render)
    broken = ["shop-health-check-critical", "shop-front-health-check-critical"]
    for name in broken:
        del _alarm(render, name)["inputs"]["alarmActions"]
    saved = small_stack_file.parent / "broken.json"
    saved.write_text(json.dumps(render), encoding="utf-8")
    outcome = runner.invoke(app, ["check", "--from-json", str(saved), "--stack-file", str(small_stack_file), "--format", "sarif"])
    assert outcome.exit_code == 1, outcome.output
    return json.loads(outcome.stdout), small_stack_file, broken


def _line(path: Path, result_or_location: dict) -> str:
    physical = result_or_location.get("physicalLocation") or result_or_location["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == path.resolve().as_uri()
    return path.read_text(encoding="utf-8").splitlines()[physical["region"]["startLine"] - 1]


def test_a_finding_points_at_the_line_of_its_service(broken_small):
    document, stack_file, broken = broken_small
    results = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in document["runs"][0]["results"]
               if r["ruleId"] == "alerting-alarm-actions-notify"}
    assert sorted(results) == sorted(broken)
    assert _line(stack_file, results["shop-health-check-critical"]) == "      - name: shop"
    assert _line(stack_file, results["shop-front-health-check-critical"]) == "      - name: shop-front"
    assert {r["level"] for r in results.values()} == {"error"}


def test_an_exempted_finding_is_a_suppressed_result(broken_small):
    document, stack_file, _ = broken_small
    (suppressed,) = [r for r in document["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed["ruleId"] == "cost-budget-notifications" and suppressed["level"] == "warning"
    assert suppressed["suppressions"][0]["kind"] == "external"
    assert suppressed["suppressions"][0]["justification"] == f"{EXEMPTION_REASON} (exempted until 2999-12-31)"
    assert _line(stack_file, suppressed) == "  monitored-estate:estate:"  # a stack-wide finding
    assert _line(stack_file, suppressed["relatedLocations"][0]).lstrip().startswith("- {policy: cost-budget-notifications,")


def test_rules_carry_remediation_and_levels(broken_small):
    rules = {rule["id"]: rule for rule in broken_small[0]["runs"][0]["tool"]["driver"]["rules"]}
    assert list(rules) == [p.name for p in ALL_POLICIES]
    for policy in ALL_POLICIES:
        rule = rules[policy.name]
        assert rule["shortDescription"]["text"] == policy.description
        assert rule["help"]["text"] == " ".join(policy.remediation_steps.split())
        assert rule["defaultConfiguration"]["level"] == {"mandatory": "error", "advisory": "warning"}[policy.enforcement_level.value]
    for result in broken_small[0]["runs"][0]["results"]:
        assert broken_small[0]["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_the_sarif_is_valid_and_uploadable(broken_small):
    document = broken_small[0]
    assert document["version"] == "2.1.0" and len(document["runs"]) == 1
    assert _errors(document) == []
    assert github_problems(document) == []
    assert document["runs"][0]["automationDetails"]["id"] == "estate-check/small/"


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["runs"][0]["results"][0].update(level="mandatory"), "'mandatory' is not one of"),
    (lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(startLine=0), "less than the minimum"),
    (lambda d: d["runs"][0]["results"][0].pop("message"), "'message' is a required property"),
    (lambda d: d["runs"][0]["results"][-1]["suppressions"][0].update(kind="waived"), "'waived' is not one of"),
    (lambda d: d.pop("version"), "'version' is a required property"),
])
def test_the_schema_rejects_an_invalid_sarif(broken_small, mutate, expected):
    document = copy.deepcopy(broken_small[0])
    mutate(document)
    assert any(expected in error for error in _errors(document)), _errors(document)


@pytest.mark.parametrize("mutate, expected", [
    (lambda result: result.pop("ruleId"), "ruleId: None is not a rule"),
    (lambda result: result.update(ruleId="storage-bucket-teleport"), "'storage-bucket-teleport' is not a rule"),
    (lambda result: result.pop("locations"), "no physicalLocation"),
    (lambda result: result["locations"][0].pop("physicalLocation"), "no physicalLocation"),
])
def test_a_result_without_a_rule_or_a_location_is_not_uploadable(broken_small, mutate, expected):
    document = copy.deepcopy(broken_small[0])
    mutate(document["runs"][0]["results"][0])
    assert [p for p in github_problems(document) if expected in p], github_problems(document)


def test_the_stack_file_is_named_relative_to_the_repository(prod_render, tmp_path):
    """In CI the stack file is the repository's: the URI GitHub annotates is `Pulumi.prod.yaml`."""
    render = json.loads(prod_render.to_json())
    del _alarm(render, "tms-sync-eb-cpu-critical")["inputs"]["alarmActions"]
    saved = tmp_path / "render.json"
    saved.write_text(json.dumps(render), encoding="utf-8")
    outcome = runner.invoke(app, ["check", "--from-json", str(saved), "--stack-file", "Pulumi.prod.yaml", "--format", "sarif"])
    (result,) = [r for r in json.loads(outcome.stdout)["runs"][0]["results"] if not r.get("suppressions")]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "Pulumi.prod.yaml"
    line = (PROJECT_ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8").splitlines()[physical["region"]["startLine"] - 1]
    assert line.strip() == "- name: tms-sync-eb"


def test_every_component_of_prod_has_its_sections(prod_render):
    """A new component family must say which stack-file section owns its resources."""
    components = {r.urn.split("::")[2].split("$")[0] for r in prod_render.resources if r.type.startswith("monitored-estate:")}
    assert sorted(components - set(COMPONENT_SECTIONS)) == []


@pytest.mark.parametrize("resource, line", [
    ("authz-eb-prod", "- name: authz-eb"),  # the EB environment, under its service
    ("rt-technologie/prod/tms-sync-eb/mongodb-uri", "- name: tms-sync-eb"),  # a secret of one service
    ("symphonia-logs-prod-versioning", "- name: symphonia-logs-prod"),
    ("Symphonia-Production-overview", "- name: Symphonia-Production"),
    ("rt-estate-prod-critical-eu-central-1-pager", "- {name: pager, protocol: https,"),
    ("rt-estate-prod-monthly", "budget:"),
])
def test_prod_resources_are_located_at_their_owner(prod_render, resource, line):
    resources = [r.to_dict() for r in prod_render.resources]
    urn = next(r["urn"] for r in resources if r["name"] == resource)
    lines = StackLines(PROJECT_ROOT / "Pulumi.prod.yaml")
    names = owner_names(urn, {r["urn"]: r.get("parent") for r in resources}, {r["urn"]: r["name"] for r in resources})
    assert lines.owner(urn, names).text.strip().startswith(line)


def test_the_pull_request_workflow_uploads_both_stacks_to_code_scanning():
    import yaml

    review = yaml.safe_load((PROJECT_ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8"))["jobs"]["review"]
    assert review["permissions"]["security-events"] == "write"
    runs = "\n".join(step.get("run", "") for step in review["steps"])
    uploads = [step for step in review["steps"] if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert [step["uses"].split("@")[1] for step in uploads] == ["v4", "v4"]
    for stack, upload in zip(("prod", "dr"), uploads):
        assert f"estate check --stack {stack} --format sarif --output check-{stack}.sarif" in runs
        assert upload["with"] == {"sarif_file": f"check-{stack}.sarif", "category": f"estate-check-{stack}"}
    names = [step.get("name", "") for step in review["steps"]]
    assert names.index(uploads[-1]["name"]) < len(names) - 1  # the gate on exit codes stays the last step


def test_fingerprints_tell_findings_apart_and_ignore_lines(broken_small):
    """Each finding has its own fingerprint (rule and URN, not the line, which several findings share)."""
    results = broken_small[0]["runs"][0]["results"]
    prints = [r["partialFingerprints"]["estateFinding/v1"] for r in results]
    assert len(set(prints)) == len(prints)
