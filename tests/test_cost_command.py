"""``estate cost``: the total and the breakdown with sources in each format; bad input exits 2 with one line
per problem, before anything renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from infra import engine
from tools.cli import app

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str):
    return CliRunner().invoke(app, ["cost", *args])


@pytest.fixture
def no_mock_runtime(monkeypatch):
    def tripwire(*args, **kwargs):
        raise AssertionError("the mock runtime started on bad input")

    monkeypatch.setattr(engine, "render_program", tripwire)


def test_prod_json_has_the_total_the_breakdown_and_the_sources(tmp_path):
    out = tmp_path / "cost.json"
    result = _run("--stack", "prod", "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["stack"] == "prod" and document["total_usd"] > 0 and document["hours_per_month"] == 730
    assert round(sum(row["monthly_usd"] for row in document["by_service_family"]), 2) == document["total_usd"]
    priced = [line for line in document["lines"] if line["monthly_usd"] is not None]
    assert priced and all(line["source"].startswith("https://") and line["date_read"] == "2026-11-29" for line in priced)
    assert any(line["monthly_usd"] is None and line["status"] == "not-priced" for line in document["lines"])
    assert any("data transfer" in item for item in document["not_priced"])
    assert result.stderr.startswith(f"wrote {out} (total {document['total_usd']:,.2f} USD a month")


def test_markdown_says_the_total_the_sources_and_what_is_not_priced():
    markdown = _run("--stack", "dr", "--format", "markdown")
    assert markdown.exit_code == 0, markdown.output
    assert markdown.stdout.startswith("## Estimated monthly cost of stack dr: ")
    assert "### By service and family" in markdown.stdout and "### Not priced" in markdown.stdout
    assert "| eu-west-1 |" in markdown.stdout and "https://aws.amazon.com/ec2/pricing/on-demand/" in markdown.stdout


def test_a_region_outside_the_table_is_not_priced_rather_than_guessed():
    result = _run("--stack-file", str(ROOT / "examples" / "harbourline.yaml"), "--format", "json")
    assert result.exit_code == 0, result.output
    lines = json.loads(result.stdout)["lines"]
    compute = [line for line in lines if line["family"] == "compute" and line["region"] == "us-west-2"]
    assert compute and all(line["monthly_usd"] is None and "in us-west-2 in the table" in line["note"] for line in compute)


@pytest.mark.parametrize("args", [[], ["--format", "json"]])
def test_no_stack_is_bad_input(args, no_mock_runtime):
    result = _run(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--stack: required: name the stack (--stack prod reads Pulumi.prod.yaml) or --stack-file <path>"
    ]
    assert result.stdout == ""


def test_an_invalid_stack_file_exits_2_naming_each_key(tmp_path, no_mock_runtime):
    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    estate = document["config"]["monitored-estate:estate"]
    estate["budget"]["monthly_limit_usd"] = -5
    estate["services"][0]["envv"] = {}
    path = tmp_path / "Pulumi.broken.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = _run("--stack-file", str(path))
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert any(line.startswith("estate.budget.monthly_limit_usd: ") for line in lines), lines
    assert any(line.startswith("estate.services[0].envv: unknown key") for line in lines), lines
    assert result.stdout == "" and "Traceback" not in result.output


def test_a_missing_stack_file_exits_2(tmp_path, no_mock_runtime):
    result = _run("--stack-file", str(tmp_path / "Pulumi.nowhere.yaml"))
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.strip()
