"""`estate check` for people: mandatory findings first, each with its remediation; exempted findings
listed with their reason and expiry; the rule names only under --verbose (issue 13 #4)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from policies.rules import ALL_POLICIES
from policies.rules.runner import CheckResult, Violation
from tools.check import format_result
from tools.cli import app

from tests.check_helpers import small_render, small_render_file, small_stack_file  # noqa: F401 (fixtures)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POLICIES = {p.name: p for p in ALL_POLICIES}
MANDATORY_RULE = "alerting-alarm-actions-notify"
ADVISORY_RULE = next(p.name for p in ALL_POLICIES if p.enforcement_level.value == "advisory")
URN = "urn:pulumi:prod::monitored-estate::monitored-estate:alarms:ServiceAlarms$aws:cloudwatch/metricAlarm:MetricAlarm::"
runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _remediation(rule: str) -> str:
    return _flat(POLICIES[rule].remediation_steps)


@pytest.fixture
def advisory_then_mandatory() -> CheckResult:
    """An advisory finding ahead of a mandatory one, as a runner's result may list them."""
    return CheckResult(
        violations=[
            Violation(ADVISORY_RULE, URN + "web-cpu-warning", f"{POLICIES[ADVISORY_RULE].description}\nthe advisory one", "advisory"),
            Violation(MANDATORY_RULE, URN + "web-cpu-critical", f"{POLICIES[MANDATORY_RULE].description}\nthe mandatory one", "mandatory"),
        ],
        evaluated=[MANDATORY_RULE, ADVISORY_RULE], resources=2,
    )


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_mandatory_findings_come_first(advisory_then_mandatory, fmt):
    text = format_result(advisory_then_mandatory, fmt)
    assert text.index("the mandatory one") < text.index("the advisory one")


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_each_finding_carries_its_rules_remediation(advisory_then_mandatory, fmt):
    text = _flat(format_result(advisory_then_mandatory, fmt))
    for rule in (MANDATORY_RULE, ADVISORY_RULE):
        assert _remediation(rule) in text, rule
    if fmt == "table":
        assert f"Fix: {_remediation(MANDATORY_RULE)}" in text


def test_an_unknown_value_diagnostic_gets_no_remediation():
    """The engine's "can't run policy during preview" is about an unknown value, not the rule's fix."""
    result = CheckResult(violations=[Violation(
        MANDATORY_RULE, URN + "web-cpu-critical", f"can't run policy '{MANDATORY_RULE}' during preview: unknown", "advisory")],
        evaluated=[MANDATORY_RULE], resources=1)
    assert _remediation(MANDATORY_RULE) not in _flat(format_result(result, "table"))


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_rule_names_only_under_verbose(advisory_then_mandatory, fmt):
    advisory_then_mandatory.evaluated = [p.name for p in ALL_POLICIES]
    quiet, verbose = format_result(advisory_then_mandatory, fmt), format_result(advisory_then_mandatory, fmt, verbose=True)
    listed = [name for name in advisory_then_mandatory.evaluated if name not in (MANDATORY_RULE, ADVISORY_RULE)]
    assert [name for name in listed if name in quiet] == []
    assert [name for name in listed if name not in verbose] == []


def test_the_command_lists_rule_names_with_verbose_only(small_render_file):
    quiet = runner.invoke(app, ["check", "--from-json", str(small_render_file)])
    verbose = runner.invoke(app, ["check", "--from-json", str(small_render_file), "--verbose"])
    assert quiet.exit_code == verbose.exit_code == 0, quiet.output
    assert "storage-bucket-versioning" not in quiet.stdout and "Rules evaluated:" not in quiet.stdout
    assert "storage-bucket-versioning" in verbose.stdout


# --------------------------------------------------------------------------------------------------
# Exempted findings: the prod render with its Atlas access list opened to the world, exempted
# --------------------------------------------------------------------------------------------------

REASON = "vendor support session OPS-42"
EXPIRES = "2999-12-31"


@pytest.fixture(scope="module")
def exempted_case(prod_render, tmp_path_factory) -> tuple[Path, Path, dict]:
    tmp = tmp_path_factory.mktemp("exempted")
    render = json.loads(prod_render.to_json())
    entry = next(r for r in render["resources"] if r["type"] == "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList")
    entry["inputs"]["cidrBlock"] = "0.0.0.0/0"
    saved = tmp / "render.json"
    saved.write_text(json.dumps(render), encoding="utf-8")
    document = yaml.safe_load((PROJECT_ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    # Prod's own waivers stay (the two services without an objective); this one comes first.
    estate = document["config"]["monitored-estate:estate"]
    estate["exemptions"] = [
        {"policy": "atlas-access-list-no-world", "resource": entry["name"], "reason": REASON, "expires": EXPIRES},
        *estate.get("exemptions", [])]
    stack_file = tmp / "Pulumi.prod.yaml"
    stack_file.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return saved, stack_file, copy.deepcopy(entry)


def _check(case, *extra):
    saved, stack_file, _ = case
    return runner.invoke(app, ["check", "--from-json", str(saved), "--stack-file", str(stack_file), *extra])


def test_an_exempted_finding_is_listed_with_its_reason_and_expiry(exempted_case):
    entry = exempted_case[2]
    table = _check(exempted_case)
    assert table.exit_code == 0, table.output
    assert "No violations." in table.stdout
    exempted = table.stdout[table.stdout.index("Exempted findings (3)"):]
    assert f"atlas-access-list-no-world  {entry['name']} (ProjectIpAccessList)" in exempted
    assert f"until {EXPIRES}: {REASON}" in _flat(exempted)
    assert "3 exempted" in table.stdout

    markdown = _check(exempted_case, "--format", "markdown").stdout
    row = next(line for line in markdown.splitlines() if line.startswith("| `atlas-access-list-no-world`"))
    assert REASON in row and EXPIRES in row and entry["name"] in row

    report = json.loads(_check(exempted_case, "--format", "json").stdout)
    assert report["violations"] == []
    assert [(e["policy"], e["urn"], e["reason"], e["expires"], e["exemption"])
            for e in report["exempted"] if e["policy"] == "atlas-access-list-no-world"] == [
        ("atlas-access-list-no-world", entry["urn"], REASON, EXPIRES, "estate.exemptions[0]")]
    assert sorted(e["exemption"] for e in report["exempted"]) == [f"estate.exemptions[{i}]" for i in range(3)]
    assert report["summary"]["exempted"] == 3


def test_no_exemption_no_exempted_findings(prod_render, tmp_path):
    saved = tmp_path / "render.json"
    saved.write_text(prod_render.to_json(), encoding="utf-8")
    document = yaml.safe_load((PROJECT_ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    del document["config"]["monitored-estate:estate"]["exemptions"]
    stack_file = tmp_path / "Pulumi.prod.yaml"
    stack_file.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    report = json.loads(runner.invoke(app, ["check", "--from-json", str(saved), "--stack-file", str(stack_file),
                                            "--format", "json"]).stdout)
    # Without prod's waivers nothing is exempted: the two waived advisory findings are plain findings.
    assert report["exempted"] == []
    assert {(v["policy"], v["enforcementLevel"]) for v in report["violations"]} == {("alerting-slo-objective-declared", "advisory")}


def test_a_finding_names_the_stack_file_line_of_its_owner(exempted_case):
    """The reviewer edits YAML: each finding says which stack-file key declares its resource."""
    stack_file = exempted_case[1]
    line = stack_file.read_text(encoding="utf-8").splitlines().index("    atlas:") + 1
    assert f"Declared at {stack_file}:{line} (estate.atlas)" in _check(exempted_case).stdout


def test_a_service_finding_names_the_service(small_render, small_stack_file, tmp_path):
    render = copy.deepcopy(small_render)
    del next(r for r in render["resources"] if r["name"] == "shop-front-health-check-critical")["inputs"]["alarmActions"]
    saved = tmp_path / "render.json"
    saved.write_text(json.dumps(render), encoding="utf-8")
    outcome = runner.invoke(app, ["check", "--from-json", str(saved), "--stack-file", str(small_stack_file), "--format", "markdown"])
    assert outcome.exit_code == 1, outcome.output
    line = small_stack_file.read_text(encoding="utf-8").splitlines().index("      - name: shop-front") + 1
    row = next(row for row in outcome.stdout.splitlines() if "shop-front-health-check-critical" in row)
    assert f"{small_stack_file}:{line} (estate.services[shop-front])" in row
