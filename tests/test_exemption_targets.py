"""Issue 12 #11: an exemption whose ``resource`` matches nothing used to do nothing, silently (a typo
in a waiver left the finding unexplained, or the waiver outlived a renamed resource). It is bad input
now: ``estate check`` and ``estate preview`` exit 2 naming the exemption's key path, the closest
resource name, and what a target may be; reported with an unknown rule in the same run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tools.cli import app

ROOT = Path(__file__).resolve().parent.parent


def _stack_with(tmp_path: Path, exemptions: list[dict]) -> Path:
    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    document["config"]["monitored-estate:estate"]["exemptions"] = exemptions
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _exemption(policy: str, resource: str) -> dict:
    return {"policy": policy, "resource": resource, "reason": "a reason long enough", "expires": "2099-01-01"}


@pytest.mark.parametrize("command", [["check"], ["preview", "--format", "json"]])
def test_an_exemption_of_nothing_is_bad_input(tmp_path, command):
    path = _stack_with(tmp_path, [_exemption("storage-bucket-access-logging", "symphonia-logz-prod")])
    result = CliRunner().invoke(app, [*command, "--stack-file", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "estate.exemptions[0].resource: 'symphonia-logz-prod' matches no resource of the stack (did you mean"
        " 'symphonia-logs-prod'?); name a resource's logical name or URN, or 'stack' for a stack-wide finding"
    ]
    assert result.stdout == ""


def test_an_unknown_rule_and_an_unknown_target_in_one_run(tmp_path):
    path = _stack_with(tmp_path, [
        _exemption("storage-bucket-acess-logging", "symphonia-logs-prod"),
        _exemption("storage-bucket-access-logging", "nothing-like-it-at-all"),
    ])
    result = CliRunner().invoke(app, ["check", "--stack-file", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "estate.exemptions[0].policy: unknown policy 'storage-bucket-acess-logging' (did you mean 'storage-bucket-access-logging'?)",
        "estate.exemptions[1].resource: 'nothing-like-it-at-all' matches no resource of the stack; name a resource's"
        " logical name or URN, or 'stack' for a stack-wide finding",
    ]


@pytest.mark.parametrize("target", ["symphonia-logs-prod", "stack", "urn"])
def test_a_logical_name_a_urn_or_the_stack_are_targets(tmp_path, prod_render, target):
    if target == "urn":
        target = next(r.urn for r in prod_render.resources if r.name == "symphonia-logs-prod")
    path = _stack_with(tmp_path, [_exemption("storage-bucket-access-logging", target)])
    result = CliRunner().invoke(app, ["check", "--stack-file", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output


def test_a_saved_render_is_checked_against_the_exemptions_too(tmp_path, prod_render):
    path = _stack_with(tmp_path, [_exemption("storage-bucket-access-logging", "symphonia-logz-prod")])
    saved = tmp_path / "render.json"
    saved.write_text(json.dumps(prod_render.to_dict()), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--from-json", str(saved), "--stack-file", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("estate.exemptions[0].resource: 'symphonia-logz-prod' matches no resource")
