"""The command line's contract (issue 12 #13): the stack is explicit, ``--version`` answers, and exit
codes are distinct: 0 ok, 1 a finding, 2 bad input, 3 a dangerous diff, 70 a crash (one line on
stderr, the traceback only under ``--debug`` or ``ESTATE_DEBUG=1``), so a crash never reads as a
violation or a change in CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.engine import RenderError
from tools.cli import app
from tools.commands.common import CRASH

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


@pytest.mark.parametrize("command", [
    ["preview"], ["check"], ["policy-config"], ["diff", "--base", "HEAD"], ["verify"], ["preflight"], ["cost"],
])
def test_no_stack_is_bad_input_never_prod(command):
    result = _run(*command)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "--stack: required: name the stack (--stack prod reads Pulumi.prod.yaml) or --stack-file <path>"
    ]
    assert result.stdout == ""


def test_recovery_names_both_stacks():
    result = _run("recovery")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--stack: required: name the primary stack (--stack prod)",
        "--dr-stack: required: name the disaster-recovery stack (--dr-stack dr)",
    ]


def test_check_from_json_needs_no_stack(tmp_path, prod_render):
    saved = tmp_path / "render.json"
    saved.write_text(prod_render.to_json(), encoding="utf-8")
    result = _run("check", "--from-json", str(saved))
    assert result.exit_code == 0, result.output


def test_a_control_character_in_a_value_stays_on_its_problem_line(tmp_path):
    """A carriage return in a stack-file key (found by tests/test_config_property_schema.py) is shown
    escaped: one problem, one line."""
    import yaml

    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    document["config"]["monitored-estate:estate"]["services"][0]["env"]["BAD\rNAME"] = "x"
    stack_file = tmp_path / "Pulumi.cr.yaml"
    stack_file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    result = _run("preview", "--stack-file", str(stack_file))
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "estate.services[0].env: 'BAD\\rNAME' is not a valid environment variable name"
    ]


def test_version():
    result = _run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"estate {version('monitored-estate')}\n"


def _explode(*args, **kwargs):
    raise KeyError("boom")


def test_a_crash_exits_70_with_one_line(monkeypatch):
    monkeypatch.setattr("tools.preview.render_as", _explode)
    result = _run("preview", "--stack", "prod")
    assert result.exit_code == CRASH == 70
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("estate: internal error: KeyError: 'boom' (a bug, not your input")
    assert "--debug" in line and "Traceback" not in result.stderr


@pytest.mark.parametrize("debug", [["--debug"], "env"])
def test_debug_shows_the_traceback(monkeypatch, debug):
    monkeypatch.setattr("tools.preview.render_as", _explode)
    args, env = (debug, None) if debug != "env" else ([], {"ESTATE_DEBUG": "1"})
    result = _run(*args, "preview", "--stack", "prod", env=env)
    assert result.exit_code == CRASH
    assert "Traceback (most recent call last)" in result.stderr and "_explode" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("estate: internal error: KeyError: 'boom'")


@pytest.mark.parametrize("command", [["preview", "--stack", "prod"], ["check", "--stack", "prod"]])
def test_a_program_that_fails_to_render_is_a_crash_not_a_finding(monkeypatch, command):
    """The estate validated, then the program raised under the mock runtime: a bug (70), not a
    violation (1) nor bad input (2)."""
    def failing(*args, **kwargs):
        raise RenderError("ZeroDivisionError: division by zero\n  File infra/program.py, line 1")

    monkeypatch.setattr("infra.engine.render_stack", failing)
    result = _run(*command)
    assert result.exit_code == CRASH, result.output
    (line,) = result.stderr.splitlines()
    assert "prod: the program failed to render: ZeroDivisionError: division by zero" in line


def test_a_crash_through_the_real_entry_point_exits_70(tmp_path):
    """The installed console script and ``python -m tools.cli`` go through the same guard."""
    script = (
        "import sys; sys.argv[0] = 'estate'\n"
        "import tools.preview\n"
        "def explode(*a, **k): raise RuntimeError('boom')\n"
        "tools.preview.render_as = explode\n"
        "from tools.cli import app; app()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "preview", "--stack", "prod"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300,
    )
    assert result.returncode == CRASH, result.stderr
    assert result.stderr.strip().splitlines() == [
        "estate: internal error: RuntimeError: boom (a bug, not your input: please report it; rerun with --debug"
        " (or ESTATE_DEBUG=1) for the traceback)"
    ]


# -- estate diff --stack-file --------------------------------------------------------------------------

GIT = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "-c", "commit.gpgsign=false"]
COPIED = ("data", "components", "infra", "policies", "tools", "Pulumi.yaml", "examples")


def _diff(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv[0] = 'estate'; from tools.cli import app; app()", "diff", "--base", "HEAD",
         "--no-policies", *args],
        cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)}, capture_output=True, text=True, timeout=900,
    )


def test_diff_reads_a_stack_file_at_both_revisions(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, repo / name)
    for step in (["init", "--quiet"], ["add", "-A"], ["commit", "--quiet", "-m", "base"]):
        subprocess.run([*GIT, *step], cwd=repo, check=True, capture_output=True)
    example = repo / "examples" / "zenbilling.yaml"
    unchanged = _diff(repo, "--stack-file", "examples/zenbilling.yaml")
    assert unchanged.returncode == 0, unchanged.stderr
    text = example.read_text(encoding="utf-8")
    assert text.count("threshold: {warning: 1000, critical: 2000}") == 1
    example.write_text(text.replace("threshold: {warning: 1000, critical: 2000}", "threshold: {warning: 900, critical: 2000}"),
                       encoding="utf-8")
    changed = _diff(repo, "--stack-file", "examples/zenbilling.yaml", "--format", "json")
    assert changed.returncode == 1, changed.stderr
    assert '"stack": "zenbilling"' in changed.stdout and "900" in changed.stdout
    # Outside the repository the file has no history: both revisions' code render it as it is now.
    outside = tmp_path / "Pulumi.elsewhere.yaml"
    shutil.copy2(example, outside)
    same = _diff(repo, "--stack-file", str(outside), "--format", "json")
    assert same.returncode == 0, same.stderr
    assert "outside the repository: both sides render it as it is now" in same.stdout


# -- every invocation the project documents or runs names its stack -------------------------------------

import re  # noqa: E402

INVOCATION = re.compile(r"\bestate (preview|check|policy-config|diff|verify|preflight|recovery|report|cost)\b([^`\n|#]*)")
CALLERS = ["Makefile", "README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")),
           *sorted(str(p.relative_to(ROOT)) for p in (ROOT / ".github" / "workflows").glob("*.yml"))]


def _invocations() -> list[tuple[str, str, str]]:
    found = []
    for name in CALLERS:
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            # A command line: in a code block or a workflow's run (the binary's path before it).
            for match in INVOCATION.finditer(line):
                if re.search(r"(bin/|BIN\)/|^\s*|\$ |&& )estate " + match.group(1), line):
                    found.append((name, match.group(1), match.group(2)))
    return found


def test_every_documented_invocation_names_its_stack():
    invocations = _invocations()
    assert len(invocations) > 15, invocations  # the scan finds them (Makefile, README, docs, workflows)
    for name, command, args in invocations:
        if command == "check" and "--from-json" in args:
            continue
        assert "--stack" in args, f"{name}: estate {command}{args}"
        if command == "recovery":
            assert "--dr-stack" in args, f"{name}: estate {command}{args}"
