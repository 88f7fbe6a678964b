"""``estate recovery`` (tools/commands/recovery.py): renders both stacks, prints RPO, RTO and parity; exit 0
while DR parity holds, 1 with ``--strict`` while a data class is not copied, 2 on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tools.cli import app


@pytest.fixture(scope="module")
def json_run():
    return CliRunner().invoke(app, ["recovery", "--stack", "prod", "--dr-stack", "dr", "--format", "json"])


def test_json_report_of_prod_into_dr(json_run):
    assert json_run.exit_code == 0, json_run.output
    report = json.loads(json_run.stdout)
    assert (report["primary"], report["dr"], report["primary_region"], report["dr_region"]) == ("prod", "dr", "eu-central-1", "eu-west-1")
    assert report["parity"]["ok"] is True and report["parity"]["gaps"] == []
    assert [p["data_class"] for p in report["points"]] == ["documents", "backups", "audit", "mongodb", "secrets", "cache"]
    assert report["time"]["graph_minutes"] > 0 and report["time"]["critical_path"]
    assert report["time"]["estimated_minutes"] > report["time"]["graph_minutes"]


def test_strict_fails_while_data_is_not_copied(json_run):
    uncopied = [p["data_class"] for p in json.loads(json_run.stdout)["points"] if p["status"] in ("not declared", "partial")]
    result = CliRunner().invoke(app, ["recovery", "--stack", "prod", "--dr-stack", "dr", "--strict"])
    assert result.exit_code == int(bool(uncopied)), result.output
    assert "DR parity prod -> dr:" in result.stdout and "critical path" in result.stdout
    if uncopied:
        assert "strict: not copied to the DR region: " + uncopied[0] in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--stack", "dr", "--dr-stack", "dr"], "--stack and --dr-stack both name 'dr'"),
    (["--stack", "prod", "--dr-stack", "nowhere"], "Pulumi.nowhere.yaml: no such stack file"),
])
def test_bad_input_exits_2_with_one_line(args, message):
    result = CliRunner().invoke(app, ["recovery", *args])
    assert result.exit_code == 2 and message in result.output
