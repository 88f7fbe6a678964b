"""YAML values a stranger writes as the README shows them (issue 12 #1): an unquoted date is a YAML
timestamp, and the estate must read it as the Pulumi CLI does, not crash on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from data.config import ESTATE_KEY, EstateConfigError, load_stack_file
from infra.engine import config_for_runtime
from tools.cli import app

ROOT = Path(__file__).resolve().parent.parent
PROD = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8")
# The README's and docs/policies.md's exemption, exactly as they write it: `expires` unquoted.
EXEMPTION = """    exemptions:
      - policy: storage-bucket-access-logging
        resource: symphonia-logs-prod
        reason: the log bucket does not log into itself
        expires: 2099-06-30
"""


def _with_exemption(tmp_path: Path) -> Path:
    path = tmp_path / "Pulumi.exempt.yaml"
    # Prod declares exemptions of its own (issue 14): the documented one goes first in that list.
    assert PROD.count("\n    exemptions:\n") == 1
    path.write_text(PROD.replace("\n    exemptions:\n", "\n" + EXEMPTION, 1), encoding="utf-8")
    return path


def test_an_unquoted_date_reaches_the_program_as_the_text_written(tmp_path):
    """The Pulumi CLI reads config with go-yaml, which keeps a timestamp it decodes into an interface{}
    as its text; the offline loader does the same, so the config is JSON and the model parses the date."""
    stack_file = load_stack_file(_with_exemption(tmp_path))
    assert stack_file.config[ESTATE_KEY]["exemptions"][0]["expires"] == "2099-06-30"
    config, _ = config_for_runtime(stack_file)
    assert json.loads(config["monitored-estate:estate"])["exemptions"][0]["expires"] == "2099-06-30"


@pytest.mark.parametrize("command", [["preview", "--format", "json"], ["check", "--format", "json"], ["policy-config"]])
def test_the_documented_exemption_renders_and_checks(tmp_path, command):
    path = _with_exemption(tmp_path)
    result = CliRunner().invoke(app, [*command, "--stack-file", str(path)])
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    if command[0] == "policy-config":
        config = json.loads(result.stdout)
        assert config["storage-bucket-access-logging"]["exemptions"] == [
            {"resource": "symphonia-logs-prod", "reason": "the log bucket does not log into itself", "expires": "2099-06-30"}
        ]


def test_the_render_is_byte_identical_with_a_quoted_or_unquoted_date(tmp_path):
    unquoted = _with_exemption(tmp_path)
    (tmp_path / "quoted").mkdir()
    quoted = tmp_path / "quoted" / unquoted.name  # the same stack name: the renders may differ by nothing
    quoted.write_text(unquoted.read_text(encoding="utf-8").replace("expires: 2099-06-30", 'expires: "2099-06-30"'), encoding="utf-8")
    runs = [CliRunner().invoke(app, ["preview", "--stack-file", str(p), "--format", "json"]) for p in (unquoted, quoted)]
    assert [r.exit_code for r in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout


@pytest.mark.parametrize(
    "value, expected",
    [
        ("!!binary aGVsbG8=", "estate.tags.note: a YAML binary value cannot be a configuration value; write it as a string"),
        ("!!set {a, b}", "estate.tags.note: a YAML set cannot be a configuration value; write a list"),
    ],
)
def test_yaml_values_json_cannot_hold_are_refused_with_their_key_path(tmp_path, value, expected):
    path = tmp_path / "Pulumi.odd.yaml"
    path.write_text(PROD.replace("      cost-center: platform\n", f"      cost-center: platform\n      note: {value}\n", 1), encoding="utf-8")
    with pytest.raises(EstateConfigError) as caught:
        load_stack_file(path)
    assert caught.value.problems == [f"{path}: config.monitored-estate:estate.tags.note: " + expected.split(": ", 1)[1]]
