"""``estate diff``: a pull request that changes one alarm threshold and renames one bucket.

End to end on a temporary git repository holding a copy of this project: the base commit, then the
working tree with the change; ``estate diff --base HEAD --format markdown`` runs there (the base
rendered by its own code in a git worktree). Unit tests cover the comparison, widgets, replacements,
policy results and the comment-size trimming on a synthetic huge change.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.diff import (
    COMMENT_LIMIT, CHANGED, DANGEROUS, NO_CHANGE, Change, compare_dashboards, diff_renders, policy_diff, render_at_ref, to_markdown,
)

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("data", "components", "infra", "policies", "tools", "Pulumi.yaml", "Pulumi.prod.yaml")
GIT = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "-c", "commit.gpgsign=false"]


def _copy_project(target: Path) -> None:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "venv"))
        else:
            shutil.copy2(source, target / name)


def _git(*args: str, cwd: Path) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory):
    """The markdown and exit code of `estate diff --base HEAD` on the threshold + rename change."""
    repo = tmp_path_factory.mktemp("repo")
    _copy_project(repo)
    _git("init", "--quiet", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "--quiet", "-m", "base", cwd=repo)
    stack = repo / "Pulumi.prod.yaml"
    text = stack.read_text(encoding="utf-8")
    assert text.count("threshold: {warning: 10, critical: 50}") == 1 and text.count("name: symphonia-documents-prod\n") == 1
    stack.write_text(
        text.replace("threshold: {warning: 10, critical: 50}", "threshold: {warning: 25, critical: 50}")
        .replace("name: symphonia-documents-prod\n", "name: symphonia-documents-v2-prod\n"),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv[0] = 'estate'; from tools.cli import app; app()",
         "diff", "--base", "HEAD", "--stack", "prod", "--format", "markdown"],
        cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)}, capture_output=True, text=True, timeout=900,
    )
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=repo, capture_output=True, text=True).stdout
    return result, worktrees


def test_pull_request_diff_shows_threshold_and_flags_the_bucket(pull_request):
    result, worktrees = pull_request
    assert result.returncode == DANGEROUS, result.stderr
    markdown = result.stdout
    assert len(markdown) < COMMENT_LIMIT
    head, _, resources = markdown.partition("### Resources")
    # The danger list, at the top, names the renamed bucket and what replaces it.
    danger = head.split("### ⚠️ Dangerous changes", 1)[1].split("\n### ", 1)[0]
    bucket_line = next(line for line in danger.splitlines() if "`aws:s3/bucket:Bucket` **symphonia-documents-prod**" in line)
    assert "deleted" in bucket_line and "symphonia-documents-v2-prod" in bucket_line and "protected" in bucket_line
    # The alarm threshold change, property by property (not dangerous: an alarm holds no data).
    assert "symphonia-platform-app-errors-warning" in resources and "symphonia-platform-app-errors-warning" not in danger
    alarm = resources.split("**symphonia-platform-app-errors-warning**", 1)[1].split("</details>", 1)[0]
    assert "| `threshold` | 10 | 25 |" in alarm
    # Dashboards are compared widget by widget: the threshold annotation of the widget that shows it.
    assert "dashboardBody widget metric 'Symphonia/Production ErrorCount'" in resources
    # The command ties the change to the stack file and adds its cost and the routing it leaves (issue 13).
    assert "- `estate.platform_alarms[app-errors].threshold.warning`: 10 → 25" in head
    cost = head.split("### Estimated monthly cost", 1)[1].split("\n### ", 1)[0]
    assert re.search(r"\*\*[+-]?[\d,.±]+ USD a month\*\*", cost), cost
    routing = head.split("### Alert routing", 1)[1]
    assert "```mermaid\nflowchart LR\n" in routing and "routes: 1 added (thick green), 1 removed" in routing  # the renamed bucket's alarms
    # The temporary worktree is gone.
    assert worktrees.count("\n") == 1


def _resource(urn_name: str, type_: str, inputs: dict, *, protect: bool = False, parent: str | None = "urn:p") -> dict:
    return {"urn": f"urn:pulumi:prod::monitored-estate::{type_}::{urn_name}", "type": type_, "name": urn_name,
            "custom": True, "parent": parent, "provider": None, "protect": protect, "dependencies": [], "inputs": inputs}


def test_no_change_change_and_replacement_exit_codes():
    alarm = _resource("cpu-critical", "aws:cloudwatch/metricAlarm:MetricAlarm", {"name": "cpu-critical", "threshold": 85})
    cache = _resource("redis", "aws:elasticache/replicationGroup:ReplicationGroup",
                      {"replicationGroupId": "redis-prod", "atRestEncryptionEnabled": True}, protect=True)
    base = {"resources": [alarm, cache]}
    assert diff_renders(base, copy.deepcopy(base), base_label="b", stack="prod").exit_code == NO_CHANGE

    changed = copy.deepcopy(base)
    changed["resources"][0]["inputs"]["threshold"] = 90
    result = diff_renders(base, changed, base_label="b", stack="prod")
    assert result.exit_code == CHANGED and [c.path for c in result.resources[0].changes] == ["threshold"]

    replaced = copy.deepcopy(base)
    replaced["resources"][1]["inputs"]["replicationGroupId"] = "redis-prod-2"
    result = diff_renders(base, replaced, base_label="b", stack="prod")
    assert result.exit_code == DANGEROUS
    (danger,) = result.dangerous
    assert danger.name == "redis" and danger.danger.startswith("replaced (change of replicationGroupId forces a new resource)")

    unprotected = copy.deepcopy(base)
    unprotected["resources"][1]["protect"] = False
    assert "protection removed" in diff_renders(base, unprotected, base_label="b", stack="prod").dangerous[0].danger


def test_dashboards_compare_widget_by_widget():
    def body(*widgets):
        return json.dumps({"widgets": list(widgets)})

    cpu = {"type": "metric", "x": 0, "y": 0, "properties": {"title": "CPU", "metrics": [["AWS/EC2", "CPUUtilization"]], "period": 300}}
    latency = {"type": "metric", "x": 12, "y": 0, "properties": {"title": "Latency", "period": 60}}
    cpu_changed = copy.deepcopy(cpu)
    cpu_changed["properties"]["period"] = 60
    errors = {"type": "metric", "x": 0, "y": 6, "properties": {"title": "Errors"}}
    changes = compare_dashboards(body(cpu, latency), body(latency, cpu_changed, errors))  # reordered too
    assert changes == [
        Change("dashboardBody widget metric 'CPU'.properties.period", 300, 60),
        Change("dashboardBody widget metric 'Errors'", None, "", kind="added"),
    ]


def test_policy_results_before_and_after_new_violations_first(prod_render):
    from tools.check import estate_policy_config
    from data.config import estate_from_stack_file, load_stack_file

    estate = estate_from_stack_file(load_stack_file(ROOT / "Pulumi.prod.yaml"))
    base = prod_render.to_dict()
    head = copy.deepcopy(base)
    versioning = next(r for r in head["resources"] if r["type"] == "aws:s3/bucketVersioning:BucketVersioning")
    versioning["inputs"]["versioningConfiguration"]["status"] = "Suspended"
    result = diff_renders(base, head, base_label="main", stack="prod")
    result.policies = policy_diff(base, head, estate_policy_config(estate), estate.region)
    assert result.policies.new and not result.policies.fixed
    assert {v["urn"] for v in result.policies.new} == {versioning["urn"]}
    markdown = to_markdown(result)
    policies_section = markdown.split("### Policy results", 1)[1].split("### Resources", 1)[0]
    assert "🆕" in policies_section and versioning["name"] in policies_section


def test_base_without_engine_is_said_clearly(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: monitored-estate\n", encoding="utf-8")
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n", encoding="utf-8")
    _git("init", "--quiet", cwd=tmp_path)
    _git("add", "-A", cwd=tmp_path)
    _git("commit", "--quiet", "-m", "before the engine", cwd=tmp_path)
    base = render_at_ref("HEAD", tmp_path, "prod")
    assert base.render is None and "has no offline engine" in base.note


def test_huge_change_is_trimmed_but_keeps_summary_and_danger_list():
    count, dangerous = 3000, 60
    base, head = {"resources": []}, {"resources": []}
    for i in range(count):
        inputs = {f"property{j}": f"value-{i}-{j}-" + "x" * 60 for j in range(30)}
        base["resources"].append(_resource(f"alarm-{i:04d}", "aws:cloudwatch/metricAlarm:MetricAlarm", inputs))
        changed = {k: v.replace("value", "other") for k, v in inputs.items()}
        head["resources"].append(_resource(f"alarm-{i:04d}", "aws:cloudwatch/metricAlarm:MetricAlarm", changed))
    for i in range(dangerous):
        base["resources"].append(_resource(f"bucket-{i:03d}", "aws:s3/bucket:Bucket", {"bucket": f"bucket-{i:03d}"}, protect=True))
    result = diff_renders(base, head, base_label="origin/main", stack="prod")
    markdown = to_markdown(result)
    assert len(markdown) < COMMENT_LIMIT
    assert result.summary_line() in markdown
    assert f"{count} changed" in result.summary_line() and f"{dangerous} removed" in result.summary_line()
    danger = markdown.split("### ⚠️ Dangerous changes", 1)[1].split("\n### ", 1)[0]
    assert all(f"**bucket-{i:03d}**" in danger for i in range(dangerous))
    assert "more resource change(s) not shown" in markdown


def test_the_diff_and_the_stateful_rule_read_one_table():
    """One catalogue entry per type says what a deletion loses (the diff) and why the program protects
    it (the rule); where only one of the two holds, the entry says why."""
    from data.catalogue.resources import LOSES, PROTECTED_TYPES, RESOURCE_TYPES, TYPES
    from tools.diff import STATEFUL_TYPES
    from policies.rules.estate import STATEFUL

    assert STATEFUL_TYPES is LOSES and STATEFUL is PROTECTED_TYPES
    assert len(TYPES) == len(RESOURCE_TYPES)
    assert all(entry.note for entry in TYPES if bool(entry.loses) != bool(entry.protect))
