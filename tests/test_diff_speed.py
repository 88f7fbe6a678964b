"""``estate diff`` renders its two sides at once and keeps base renders in a cache (issue 13, item 5).

A scratch git repository holds a stand-in project: prod's real stack file (the head loads and
validates it as usual) and a stand-in ``tools/cli.py`` that the base's worktree runs as its own
command line; it counts its calls and prints a one-resource render holding the stack file it read.
The head's render and the policy runs are stand-ins too (patched here, run in forked children), so
these tests check the orchestration (what overlaps what, what is rendered again) in seconds.
Overlap is shown by a
rendezvous, not by a clock: each stand-in waits until its counterpart has started, which only
happens quickly when both run at the same time; the trace (``ESTATE_DIFF_TRACE``) then says when
each step ran. Speed itself is the bench's job (``make bench``): nothing here is timed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tools.diff.base import render_at_ref
from tools.diff.cache import CACHE_DIR_ENV, CACHE_ENV, RenderCache, render_key
from tools.diff.parallel import TRACE_ENV

ROOT = Path(__file__).resolve().parent.parent
GIT = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "-c", "commit.gpgsign=false"]
THRESHOLD = "threshold: {warning: 10, critical: 50}"

STAND_IN_CLI = '''
import json, os, sys, time


def render_of(text):
    return {"resources": [{
        "urn": "urn:pulumi:prod::monitored-estate::aws:ssm/parameter:Parameter::stack-file", "type": "aws:ssm/parameter:Parameter",
        "name": "stack-file", "custom": True, "parent": None, "provider": None, "protect": False, "dependencies": [],
        "inputs": {"value": text},
    }]}


def meet(me, others, count=1):
    """Say that ``me`` started, then wait (120 s at most) until ``count`` of ``others`` have started
    (STAND_IN_ACTIVITY): stand-ins that only finish together when they run at the same time. The wait
    costs nothing when they do; 30 s once ran out on a machine loaded by the whole suite and more."""
    activity = os.environ.get("STAND_IN_ACTIVITY")
    if not activity:
        return
    with open(activity, "a") as out:
        out.write(me + "\\n")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with open(activity) as done:
            if sum(line in others for line in done.read().splitlines()) >= count:
                return
        time.sleep(0.05)


def app():
    args = sys.argv[1:]
    path = args[args.index("--stack-file") + 1] if "--stack-file" in args else "Pulumi.%s.yaml" % args[args.index("--stack") + 1]
    with open(os.environ["STAND_IN_CALLS"], "a") as calls:
        calls.write("started\\n")
    meet("base render", ("head render",))
    with open(path, encoding="utf-8") as stack:
        text = stack.read()
    with open(os.environ["STAND_IN_CALLS"], "a") as calls:
        calls.write("finished\\n")
    print(json.dumps(render_of(text)))
'''
_STAND_IN: dict = {}
exec(STAND_IN_CLI, _STAND_IN)
_render_of, _meet = _STAND_IN["render_of"], _STAND_IN["meet"]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """The stand-in project, committed; its calls counted in ``repo.calls``; a cache of its own."""
    project = tmp_path / "repo"
    (project / "tools").mkdir(parents=True)
    (project / "infra" / "engine").mkdir(parents=True)
    (project / "tools" / "__init__.py").write_text("", encoding="utf-8")
    (project / "tools" / "cli.py").write_text(STAND_IN_CLI, encoding="utf-8")
    (project / "infra" / "__init__.py").write_text("", encoding="utf-8")
    (project / "infra" / "engine" / "__init__.py").write_text("", encoding="utf-8")  # the base "has the offline engine"
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml"):
        shutil.copy2(ROOT / name, project / name)
    _git(project, "init", "--quiet")
    _git(project, "add", "-A")
    _git(project, "commit", "--quiet", "-m", "base")
    monkeypatch.setenv("STAND_IN_CALLS", str(tmp_path / "calls"))
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(CACHE_ENV, raising=False)
    return project


def _renders(tmp_path: Path) -> int:
    calls = tmp_path / "calls"
    return calls.read_text().count("started") if calls.exists() else 0


def _change_threshold(repo: Path, new: str = "threshold: {warning: 25, critical: 50}") -> None:
    stack = repo / "Pulumi.prod.yaml"
    text = stack.read_text(encoding="utf-8")
    assert text.count(THRESHOLD) == 1
    stack.write_text(text.replace(THRESHOLD, new), encoding="utf-8")


# -- the cache ------------------------------------------------------------------------------------------


def test_a_cached_base_is_not_rendered_again(repo, tmp_path):
    cache = RenderCache.from_environment()
    committed = (repo / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    _change_threshold(repo)  # the working tree differs: the base is what the commit holds
    first = render_at_ref("HEAD", repo, "prod", cache=cache)
    second = render_at_ref("HEAD", repo, "prod", cache=cache)
    assert _renders(tmp_path) == 1
    assert (first.cached, second.cached) == (False, True)
    assert second.render == first.render == _render_of(committed)
    assert second.stack_text == first.stack_text == committed
    assert _git(repo, "worktree", "list").count("\n") == 0  # only the repository itself


def test_no_cache_when_switched_off(repo, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")
    assert RenderCache.from_environment() is None
    render_at_ref("HEAD", repo, "prod", cache=RenderCache.from_environment())
    render_at_ref("HEAD", repo, "prod", cache=RenderCache.from_environment())
    assert _renders(tmp_path) == 2


def test_the_key_follows_the_commit_and_the_stack_file(repo, tmp_path):
    cache = RenderCache.from_environment()
    before = render_at_ref("HEAD", repo, "prod", cache=cache)
    _change_threshold(repo)
    _git(repo, "commit", "--quiet", "-am", "threshold")
    after = render_at_ref("HEAD", repo, "prod", cache=cache)
    assert _renders(tmp_path) == 2 and after.commit != before.commit
    assert "warning: 25" in after.render["resources"][0]["inputs"]["value"]
    # The commit alone: a change elsewhere in the code renders again, though the stack file is the same.
    (repo / "infra" / "note.py").write_text("# another revision of the code\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "--quiet", "-m", "code")
    assert not render_at_ref("HEAD", repo, "prod", cache=cache).cached
    assert render_at_ref("HEAD~1", repo, "prod", cache=cache).cached
    assert _renders(tmp_path) == 3

    key = dict(commit="a" * 40, project=".", stack="Pulumi.prod.yaml", stack_bytes=b"config: {}\n")
    assert cache.path(render_key(**key)) == cache.path(render_key(**key))
    assert cache.path(render_key(**{**key, "commit": "b" * 40})) != cache.path(render_key(**key))
    assert cache.path(render_key(**{**key, "stack_bytes": b"config: {x: 1}\n"})) != cache.path(render_key(**key))
    assert cache.path(render_key(**{**key, "stack": "examples/other.yaml"})) != cache.path(render_key(**key))


def test_a_stack_file_outside_the_repository_is_keyed_by_its_content(repo, tmp_path):
    cache = RenderCache.from_environment()
    outside = tmp_path / "Pulumi.elsewhere.yaml"
    shutil.copy2(repo / "Pulumi.prod.yaml", outside)
    first = render_at_ref("HEAD", repo, None, outside, cache=cache)
    assert render_at_ref("HEAD", repo, None, outside, cache=cache).cached
    outside.write_text(outside.read_text(encoding="utf-8").replace(THRESHOLD, "threshold: {warning: 30, critical: 50}"), encoding="utf-8")
    changed = render_at_ref("HEAD", repo, None, outside, cache=cache)
    assert not changed.cached and changed.render != first.render and _renders(tmp_path) == 2
    assert "outside the repository" in changed.note and changed.stack_text == outside.read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],  # cut short (a full disk, a killed writer)
    lambda text: "not json at all",
    lambda text: json.dumps({**json.loads(text), "key": {"commit": "someone else's"}}),
    lambda text: json.dumps({**json.loads(text), "render": {"no": "resources"}}),
])
def test_a_corrupt_entry_is_ignored_and_rewritten(repo, tmp_path, damage):
    cache = RenderCache.from_environment()
    good = render_at_ref("HEAD", repo, "prod", cache=cache)
    (entry,) = cache.directory.glob("*.json")
    entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")
    again = render_at_ref("HEAD", repo, "prod", cache=cache)
    assert not again.cached and again.render == good.render and _renders(tmp_path) == 2
    assert render_at_ref("HEAD", repo, "prod", cache=cache).cached  # rewritten whole
    assert _renders(tmp_path) == 2


def test_a_base_without_the_stack_file_says_so_and_has_no_text(repo):
    base = render_at_ref("HEAD", repo, "staging", cache=RenderCache.from_environment())
    assert base.render is None and base.stack_text is None and "has no Pulumi.staging.yaml" in base.note


# -- estate diff: the two sides at once ------------------------------------------------------------------


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


class _StandInRender:
    def __init__(self, render: dict):
        self._render = render

    def to_dict(self) -> dict:
        return self._render


@pytest.fixture
def diff_here(repo, tmp_path, monkeypatch):
    """``estate diff --base HEAD --stack prod --format json`` run in-process in the stand-in project,
    the head's render and the policy runs stand-ins too; each stand-in waits for its counterpart to
    start (120 s at most), so run one after the other they would not overlap. Returns (exit code,
    output, the steps of that run's trace)."""
    import infra.engine
    import tools.diff.parallel
    from tools.cli import app

    monkeypatch.chdir(repo)
    monkeypatch.setattr(infra.engine, "PROJECT_ROOT", repo)  # the head renders in this process

    def render_stack(parsed):
        _meet("head render", ("base render", "policies"))  # the base's render, or its policy run from the cache
        return _StandInRender(_render_of((repo / "Pulumi.prod.yaml").read_text(encoding="utf-8")))

    def policy_violations(render, config, region, share=(0, 1)):
        _meet("policies", ("policies",), count=3)  # one side's whole run and the two shares of the other's
        return {}

    monkeypatch.setattr(infra.engine, "render_stack", render_stack)
    monkeypatch.setattr(tools.diff.parallel, "policy_violations", policy_violations)
    runs = iter(range(100))

    def run(base: str = "HEAD") -> tuple[int, str, dict[str, list[dict]]]:
        number = next(runs)
        trace = tmp_path / f"trace-{number}.jsonl"
        monkeypatch.setenv(TRACE_ENV, str(trace))
        monkeypatch.setenv("STAND_IN_ACTIVITY", str(tmp_path / f"activity-{number}"))
        result = CliRunner().invoke(app, ["diff", "--base", base, "--stack", "prod", "--format", "json"])
        steps: dict[str, list[dict]] = {}
        for line in trace.read_text().splitlines() if trace.exists() else []:
            event = json.loads(line)
            steps.setdefault(event["step"], []).append(event)
        return result.exit_code, result.output, steps

    return run


def test_the_base_and_the_head_render_at_once_and_so_do_their_policy_runs(repo, tmp_path, diff_here, monkeypatch):
    _change_threshold(repo)
    monkeypatch.setenv(CACHE_ENV, "off")
    code, output, steps = diff_here()
    assert code == 1, output
    json.loads(output)
    (base,), (head,) = steps["base render"], steps["head render"]
    assert _overlap(base, head)
    assert base["pid"] != head["pid"]  # the head in a child of its own, this process free to schedule
    # The side rendered first has its policy run in a child at once; the other's is shared in two:
    # three runs at the same time, in three processes.
    first = next(side for side in ("base", "head") if f"{side} policies" in steps)
    last = "head" if first == "base" else "base"
    runs = [steps[f"{first} policies"][0], steps[f"{last} policies 1/2"][0], steps[f"{last} policies 2/2"][0]]
    assert all(_overlap(a, b) for a in runs for b in runs) and len({run["pid"] for run in runs}) == 3
    assert _renders(tmp_path) == 1


def test_a_cached_base_skips_the_render_and_gives_the_same_result(repo, tmp_path, diff_here):
    _change_threshold(repo)
    cold_code, cold, cold_steps = diff_here()
    warm_code, warm, warm_steps = diff_here()
    assert _renders(tmp_path) == 1
    assert "base render" in cold_steps and "base render" not in warm_steps and "base worktree" not in warm_steps
    assert (warm_code, warm) == (cold_code, cold) == (1, cold)
    # From the cache, the base's policy run overlaps the head's render; the head's run is shared.
    (base_policies,), (head,) = warm_steps["base policies"], warm_steps["head render"]
    assert _overlap(base_policies, head) and base_policies["pid"] != head["pid"]
    (half,), (other_half,) = warm_steps["head policies 1/2"], warm_steps["head policies 2/2"]
    assert _overlap(half, other_half) and half["pid"] != other_half["pid"]


def test_bad_input_exits_2_and_stops_the_base_render(repo, tmp_path, diff_here, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")
    (repo / "Pulumi.prod.yaml").write_text("config:\n  monitored-estate:estate: {services: 5}\n", encoding="utf-8")
    code, output, _ = diff_here()
    assert code == 2, output
    assert "Traceback" not in output and "services" in output
    calls = tmp_path / "calls"
    assert not calls.exists() or "finished" not in calls.read_text()  # stopped, not waited for
    assert _git(repo, "worktree", "list").count("\n") == 0


def test_a_bad_ref_exits_2_before_anything_renders(repo, tmp_path, diff_here):
    code, output, steps = diff_here("no-such-ref")
    assert code == 2 and "estate diff: git rev-parse" in output and "Traceback" not in output
    assert "head render" not in steps and _renders(tmp_path) == 0


# -- the policy runs, shared out, say what compare.policy_diff says --------------------------------------


def test_shared_policy_runs_say_what_policy_diff_says(prod_render):
    """Each side's run on its own (one of them in two shares), then compared: the same new, fixed and
    unchanged violations as ``policy_diff`` running both sides itself."""
    import copy

    from data.config import estate_from_stack_file, load_stack_file
    from tools.check import estate_policy_config
    from tools.diff import policy_diff
    from tools.diff.parallel import combine_policy_results, merge_shares, policy_violations

    estate = estate_from_stack_file(load_stack_file(ROOT / "Pulumi.prod.yaml"))
    config, region = estate_policy_config(estate), estate.region
    base = copy.deepcopy(prod_render.to_dict())
    head = copy.deepcopy(base)
    suspended = [r for r in head["resources"] if r["type"] == "aws:s3/bucketVersioning:BucketVersioning"]
    suspended[0]["inputs"]["versioningConfiguration"]["status"] = "Suspended"  # new in the head
    base_versioning = next(r for r in base["resources"] if r["urn"] == suspended[1]["urn"])
    base_versioning["inputs"]["versioningConfiguration"]["status"] = "Suspended"  # fixed by the head
    for side in (base, head):  # a second policy's violation on both sides: unchanged
        block = next(r for r in side["resources"] if r["type"] == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
        block["inputs"]["blockPublicAcls"] = False
    expected = policy_diff(base, head, config, region)
    assert expected.new and expected.fixed and expected.unchanged

    shares = [policy_violations(base, config, region, (index, 2)) for index in range(2)]
    assert set(shares[0]).isdisjoint(shares[1]) and len({policy for share in shares for policy, _ in share}) >= 2
    whole = policy_violations(head, config, region)
    assert combine_policy_results(merge_shares(*shares), whole) == expected
    assert merge_shares(*shares) == policy_violations(base, config, region)
