"""Issue 12 #14: the JSON Schema of a stack file (docs/stack-file.schema.json), generated from the
estate model: valid Draft 2020-12, equal to what the model generates, accepting every stack file of
the project and refusing wrong ones; and the minimal stack file of the README renders and checks."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from data.config import load_stack_file
from tools.cli import app
from tools.reference.schema import SCHEMA_PATH, stack_file_schema, stack_file_schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
STACK_FILES = sorted([*ROOT.glob("Pulumi.*.yaml"), *ROOT.glob("examples/*.yaml")])


def test_the_committed_schema_is_the_generated_one():
    assert (ROOT / SCHEMA_PATH).read_text(encoding="utf-8") == stack_file_schema_text()


def test_the_schema_is_valid_draft_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def _document(path: Path) -> dict:
    """What the loader reads (a YAML date stays the text written, as the Pulumi CLI gives it)."""
    return {"config": load_stack_file(path).config}


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: p.name)
def test_the_projects_stack_files_validate(path):
    assert path.name in {"Pulumi.prod.yaml", "Pulumi.dr.yaml"} or path.parent.name == "examples"
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(_document(path)), key=str)
    assert errors == [], [e.message for e in errors[:5]]


def _prod() -> dict:
    return copy.deepcopy(_document(ROOT / "Pulumi.prod.yaml"))


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["config"]["monitored-estate:estate"].__setitem__("region", "eu-west-1"), "region"),  # the loader refuses it too
    (lambda d: d["config"]["monitored-estate:estate"]["services"][0].__setitem__("helth_check", {}), "helth_check"),
    (lambda d: d["config"]["monitored-estate:estate"]["services"][0].__setitem__("port", "3001"), "port"),
    (lambda d: d["config"]["monitored-estate:estate"]["alerting"].pop("topic_prefix"), "topic_prefix"),
    (lambda d: d["config"].pop("aws:region"), "aws:region"),
    (lambda d: d["config"]["monitored-estate:estate"]["services"][0]["scaling"].__setitem__("max", 1000), "max"),
    (lambda d: d["config"]["monitored-estate:estate"].__setitem__(
        "exemptions", [{"policy": "x", "resource": "y", "reason": "short", "expires": "2027-06-30"}]), "policy"),
])
def test_a_wrong_file_does_not_validate(mutate, where):
    document = _prod()
    mutate(document)
    errors = list(Draft202012Validator(SCHEMA).iter_errors(document))
    assert errors, where
    assert any(where in (str(list(e.absolute_path)) + e.message) for e in errors), [e.message for e in errors]


def test_every_key_of_the_model_is_in_the_schema():
    """Generated, not written: a field added to the model is in the schema (and the test above compares files)."""
    from data.model import Estate

    estate = stack_file_schema()["$defs"]["Estate"]
    assert set(estate["properties"]) == set(Estate.model_fields) - {"region"}
    assert "region" not in estate["required"]


# -- the README's minimal stack file --------------------------------------------------------------------

def _readme_minimal() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- minimal-stack-file -->\n```yaml\n(.*?)\n```", readme, re.DOTALL)
    assert match, "README.md: the minimal stack file block is missing"
    return match.group(1) + "\n"


@pytest.fixture(scope="module")
def minimal(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("minimal") / "Pulumi.minimal.yaml"
    path.write_text(_readme_minimal(), encoding="utf-8")
    return path


def test_the_readme_minimal_stack_file_renders(minimal):
    result = CliRunner().invoke(app, ["preview", "--stack-file", str(minimal), "--format", "json"])
    assert result.exit_code == 0, result.output
    render = json.loads(result.stdout)
    types = {r["type"] for r in render["resources"]}
    assert "aws:elasticbeanstalk/environment:Environment" in types and "aws:cloudwatch/metricAlarm:MetricAlarm" in types


def test_the_readme_minimal_stack_file_passes_the_check(minimal):
    result = CliRunner().invoke(app, ["check", "--stack-file", str(minimal)])
    assert result.exit_code == 0, result.output


def test_the_readme_minimal_stack_file_validates_and_names_the_schema(minimal):
    text = minimal.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=./{SCHEMA_PATH}"
    assert list(Draft202012Validator(SCHEMA).iter_errors(yaml.safe_load(text))) == []
