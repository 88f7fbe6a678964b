"""`estate preview`: the real entry point is what runs, and each output format says what it should."""

from __future__ import annotations

import json
import os
import runpy

import pulumi
import pytest
from typer.testing import CliRunner

from data.catalogue.regions import GLOBAL_METRICS_REGION as GLOBAL
from infra import engine
from tools.cli import app
from infra.engine import Render, RenderError, render_program
from tools.preview import summarise, to_markdown, to_table

from conftest import PROD_STACK_FILE, PROJECT_ROOT


def test_render_runs_the_real_entry_point_from_the_project_root(monkeypatch, prod_stack_file, prod_render):
    """Issue item 6: the program users deploy (infra/__main__.py, run by path with the project root
    as working directory, as the Pulumi CLI does) is the one rendered."""
    calls = []
    real_run_path = runpy.run_path

    def spy(path, *args, **kwargs):
        calls.append((os.path.abspath(path), os.getcwd(), kwargs.get("run_name")))
        return real_run_path(path, *args, **kwargs)

    monkeypatch.setattr(runpy, "run_path", spy)
    monkeypatch.chdir("/")
    render = engine.render_stack(prod_stack_file)
    assert calls == [(str(PROJECT_ROOT / "infra" / "__main__.py"), str(PROJECT_ROOT), "__main__")]
    assert os.getcwd() == "/"  # restored
    assert render.to_json() == prod_render.to_json()


def test_entry_point_file_is_unchanged_cli_style():
    """The entry point reads Pulumi config itself and stops with pulumi.RunError on bad config."""
    text = (PROJECT_ROOT / "infra" / "__main__.py").read_text(encoding="utf-8")
    assert "estate_from_pulumi_config()" in text and "pulumi.RunError" in text and "declare_estate(estate)" in text


def test_run_error_surfaces_as_a_clean_error():
    def program() -> None:
        raise pulumi.RunError("the program refuses: no quota left")

    with pytest.raises(RenderError) as caught:
        render_program(program, config={"aws:region": "eu-central-1"})
    assert str(caught.value) == "the program refuses: no quota left"
    assert caught.value.registered == []


def test_program_bug_is_one_line_with_the_cause_chained():
    import pulumi_aws as aws

    def program() -> None:
        aws.sns.Topic("first", name="first")
        raise KeyError("services")

    with pytest.raises(RenderError) as caught:
        render_program(program, config={"aws:region": "eu-central-1"})
    assert str(caught.value) == "the program failed under the mock runtime: KeyError: 'services'"
    assert isinstance(caught.value.__cause__, KeyError)


def test_duplicate_urns_are_refused_like_the_engine_does():
    import pulumi_aws as aws

    def program() -> None:
        aws.sns.Topic("same", name="a")
        aws.sns.Topic("same", name="b")

    with pytest.raises(RenderError, match="duplicate resource URNs"):
        render_program(program, config={"aws:region": "eu-central-1"})


def test_runs_are_isolated():
    """A second program in the same process sees neither the first one's resources nor its config."""
    import pulumi_aws as aws

    def first() -> None:
        aws.sns.Topic("one", name=pulumi.Config().require("topic"))

    def second() -> None:
        assert pulumi.Config().get("topic") is None
        aws.sns.Topic("two", name="two")

    a = render_program(first, stack="a", config={"aws:region": "eu-central-1", "monitored-estate:topic": "one"})
    b = render_program(second, stack="b", config={"aws:region": "eu-west-1"})
    assert [r.name for r in a.resources] == ["one"]
    assert [r.name for r in b.resources] == ["two"]
    assert b.resources[0].parent == "urn:pulumi:b::monitored-estate::pulumi:pulumi:Stack::monitored-estate-b"


def test_cli_table_summary(prod_render: Render):
    result = CliRunner().invoke(app, ["preview", "--stack", "prod"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    summary = summarise(prod_render)
    assert f"{summary.custom} resources in {summary.components} components, {len(summary.protected)} protected" in out
    for title in ("Resources by service and component", "Counts by type", "Non-default providers"):
        assert title in out
    assert f"aws::{GLOBAL}" in out and "default region eu-central-1" in out
    for group in summary.groups:
        assert group.name in out
    assert out == to_table(prod_render)


def test_cli_markdown_and_json_to_files(tmp_path, prod_render: Render):
    runner = CliRunner()
    markdown, as_json = tmp_path / "prod.md", tmp_path / "prod.json"
    for fmt, path in (("markdown", markdown), ("json", as_json)):
        result = runner.invoke(app, ["preview", "--stack-file", str(PROD_STACK_FILE), "--format", fmt, "--output", str(path)])
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
    assert markdown.read_text(encoding="utf-8") == to_markdown(prod_render)
    assert as_json.read_text(encoding="utf-8") == prod_render.to_json()
    assert json.loads(as_json.read_text(encoding="utf-8"))["stack"] == "prod"


def test_summary_groups_cover_every_custom_resource(prod_render: Render):
    summary = summarise(prod_render)
    assert prod_render.services and [g.service for g in summary.groups][-1] == "(shared)"
    for service in prod_render.services:  # each service heads its block with its own component
        block = [g for g in summary.groups if g.service == service]
        assert any(g.name == service for g in block), service
        assert all(g.name == service or g.name.startswith(service + "-") for g in block)
    grouped = [r.urn for group in summary.groups for r in group.custom]
    assert sorted(grouped) == sorted(r.urn for r in prod_render.resources if r.custom)
    assert sum(count for _, count in summary.type_counts) == summary.custom
    providers = {region: (urn, count) for urn, region, count in summary.providers}
    assert sorted(providers) == ["eu-west-1", GLOBAL]  # eu-west-1: prod's DR standbys (issue 11)
    for urn, count in providers.values():
        assert count == sum(1 for r in prod_render.resources if r.provider == urn)
    markdown = to_markdown(prod_render)
    assert "## Non-default providers" in markdown and f"| `aws::{GLOBAL}` | {GLOBAL} |" in markdown


def test_unknown_format_is_bad_input():
    result = CliRunner().invoke(app, ["preview", "--format", "yaml"])
    assert result.exit_code == 2
