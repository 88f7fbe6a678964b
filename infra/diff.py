"""``estate diff``: what a change does to the estate, without credentials or state.

The estate is rendered offline twice: at the base revision, in a temporary ``git worktree`` where the
base's own code renders itself (``python -m infra.cli preview --format json`` run there with the
current virtualenv), and at the working tree. The two renders (the engine's JSON contract) are
compared by URN:

- resources added, removed and changed, with property-level changes (camelCase inputs, as a policy
  and the engine see them); JSON documents held in strings (IAM and bucket policies) are compared
  key by key, and dashboard bodies widget by widget;
- **dangerous** changes, listed first: the deletion of a protected or stateful resource, the
  replacement of one (a change to a property that forces replacement, table ``REPLACE_ON_CHANGE``),
  and the loss of ``protect``. A renamed bucket is a deletion plus a creation: its data does not
  follow;
- policy results before and after (the pack's in-process runner on both renders), new violations
  first.

Exit codes (``DiffResult.exit_code``): 0 no change, 1 changes, 3 dangerous changes, 2 bad input.
The markdown (a pull-request comment) stays under GitHub's 65,536 characters by trimming detail,
never the summary, the danger list or the new violations.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data.catalogue import resources

COMMENT_LIMIT = 65536
NO_CHANGE, CHANGED, BAD_INPUT, DANGEROUS = 0, 1, 2, 3

# Which property changes force a replacement, and what a deletion or replacement loses: the
# catalogue's facts per type (data/catalogue/resources.py, each type's registry page cited there).
REPLACE_ON_CHANGE = resources.REPLACE_ON_CHANGE
STATEFUL_TYPES = resources.LOSES
SUBSCRIPTION = resources.SUBSCRIPTION
TOPIC = resources.TOPIC
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


class DiffError(Exception):
    """The diff cannot be computed (bad ref, the base fails to render...)."""


# --------------------------------------------------------------------------------------------------
# Rendering at a git revision
# --------------------------------------------------------------------------------------------------


def _git(args: list[str], cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def render_with_cli(project_dir: Path, stack: str) -> dict[str, Any]:
    """Run that checkout's own ``estate preview --format json`` with this virtualenv's Python."""
    env = {**os.environ, "PYTHONPATH": str(project_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        # `-c` puts the checkout's directory first on sys.path: its own infra package renders.
        [sys.executable, "-c", "import sys; sys.argv[0] = 'estate'; from infra.cli import app; app()",
         "preview", "--stack", stack, "--format", "json"],
        cwd=project_dir, env=env, capture_output=True, text=True, timeout=900,
    )
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        raise DiffError(f"the render failed (exit {result.returncode}): " + "\n".join(lines[-15:]))
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise DiffError(f"the render did not print the JSON contract ({error})") from None


@dataclass
class BaseRender:
    ref: str
    commit: str
    render: dict[str, Any] | None
    note: str = ""


def render_at_ref(ref: str, project_dir: Path, stack: str) -> BaseRender:
    """Render ``stack`` as the revision ``ref`` declares it, with that revision's code."""
    repo = Path(_git(["rev-parse", "--show-toplevel"], project_dir))
    commit = _git(["rev-parse", "--verify", f"{ref}^{{commit}}"], project_dir)
    subdir = project_dir.resolve().relative_to(repo.resolve())
    workdir = Path(tempfile.mkdtemp(prefix="estate-diff-"))
    tree = workdir / "base"
    _git(["worktree", "add", "--detach", "--quiet", str(tree), commit], repo)
    try:
        base_project = tree / subdir
        engine = base_project / "infra" / "engine"
        if not (engine.with_suffix(".py").is_file() or (engine / "__init__.py").is_file()):  # a module, later a package
            return BaseRender(ref, commit, None,
                              f"the base revision {ref} ({commit[:12]}) has no offline engine (infra/engine.py):"
                              " it cannot render itself, so every resource is shown as added")
        if not (base_project / f"Pulumi.{stack}.yaml").is_file():
            return BaseRender(ref, commit, None,
                              f"the base revision {ref} ({commit[:12]}) has no Pulumi.{stack}.yaml:"
                              " every resource is shown as added")
        return BaseRender(ref, commit, render_with_cli(base_project, stack))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=repo, capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# Comparing two renders
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any
    replaces: bool = False


@dataclass
class ResourceDiff:
    kind: str  # added | removed | changed
    urn: str
    type: str
    name: str
    changes: list[Change] = field(default_factory=list)
    danger: str = ""

    @property
    def replaced(self) -> bool:
        return any(c.replaces for c in self.changes)


@dataclass
class PolicyDiff:
    new: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    note: str = ""


@dataclass
class DiffResult:
    base: str
    stack: str
    resources: list[ResourceDiff]
    base_count: int
    head_count: int
    policies: PolicyDiff | None = None
    notes: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[ResourceDiff]:
        return [r for r in self.resources if r.kind == kind]

    @property
    def dangerous(self) -> list[ResourceDiff]:
        return [r for r in self.resources if r.danger]

    @property
    def exit_code(self) -> int:
        if self.dangerous:
            return DANGEROUS
        return CHANGED if self.resources else NO_CHANGE

    def summary_line(self) -> str:
        added, removed, changed = (len(self.of_kind(k)) for k in ("added", "removed", "changed"))
        replaced = sum(1 for r in self.of_kind("changed") if r.replaced)
        text = (f"{added} added, {removed} removed, {changed} changed ({replaced} replaced)"
                f" - {self.base_count} resources at the base, {self.head_count} now")
        if self.policies is not None and not self.policies.note:
            text += f"; policies: {len(self.policies.new)} new violation(s), {len(self.policies.fixed)} fixed"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base, "stack": self.stack, "exitCode": self.exit_code, "summary": self.summary_line(),
            "notes": self.notes,
            "dangerous": [{"urn": r.urn, "type": r.type, "kind": r.kind, "reason": r.danger} for r in self.dangerous],
            "resources": [
                {"kind": r.kind, "urn": r.urn, "type": r.type, "name": r.name, "replaced": r.replaced, "danger": r.danger,
                 "changes": [{"path": c.path, "before": c.before, "after": c.after, "replaces": c.replaces} for c in r.changes]}
                for r in self.resources
            ],
            "policies": None if self.policies is None else {
                "new": self.policies.new, "fixed": self.policies.fixed, "unchanged": self.policies.unchanged,
                "note": self.policies.note,
            },
        }


_MISSING = object()


def _parse_json_document(value: Any) -> Any:
    """A string holding a JSON object or array (a policy, a dashboard body), parsed; else None."""
    if isinstance(value, str) and value[:1] in "{[" and len(value) > 1:
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


def _compare(before: Any, after: Any, path: str, out: list[tuple[str, Any, Any]]) -> None:
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            _compare(before.get(key, _MISSING), after.get(key, _MISSING), f"{path}.{key}" if path else key, out)
        return
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for i, (b, a) in enumerate(zip(before, after)):
            _compare(b, a, f"{path}[{i}]", out)
        return
    parsed_before, parsed_after = _parse_json_document(before), _parse_json_document(after)
    if parsed_before is not None and parsed_after is not None:
        _compare(parsed_before, parsed_after, f"{path}{{json}}", out)
        return
    out.append((path, None if before is _MISSING else before, None if after is _MISSING else after))


def _widget_key(widget: Mapping[str, Any], index: int) -> str:
    props = widget.get("properties") or {}
    title = props.get("title")
    if not title and widget.get("type") == "text":
        title = str(props.get("markdown", "")).strip().splitlines()[0] if props.get("markdown") else ""
    return f"{widget.get('type', 'widget')} '{title}'" if title else f"{widget.get('type', 'widget')} #{index}"


def compare_dashboards(before: str | None, after: str | None) -> list[tuple[str, Any, Any]]:
    """Dashboard bodies widget by widget: widgets keyed by type and title, then their properties."""
    def widgets(body):
        parsed = _parse_json_document(body) or {}
        keyed: dict[str, Any] = {}
        for i, widget in enumerate(parsed.get("widgets", []) if isinstance(parsed, dict) else []):
            key = _widget_key(widget, i)
            while key in keyed:
                key += "+"
            keyed[key] = widget
        rest = {k: v for k, v in parsed.items() if k != "widgets"} if isinstance(parsed, dict) else {}
        return keyed, rest

    (old, old_rest), (new, new_rest) = widgets(before), widgets(after)
    out: list[tuple[str, Any, Any]] = []
    for key in sorted(set(old) | set(new)):
        path = f"dashboardBody widget {key}"
        if key not in old:
            out.append((path, None, "(added)"))
        elif key not in new:
            out.append((path, "(removed)", None))
        else:
            _compare(old[key], new[key], path, out)
    _compare(old_rest, new_rest, "dashboardBody", out)
    return out


def _index(render: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    return {r["urn"]: r for r in (render or {}).get("resources", [])}


def _subscribed_topics(resources: Iterable[Mapping[str, Any]]) -> set[str]:
    """Topic ARNs (as the render's fake outputs spell them) some subscription points at."""
    return {r["inputs"].get("topic") for r in resources if r.get("type") == SUBSCRIPTION}


def _topic_arn(resource: Mapping[str, Any]) -> str:
    return f":{resource['inputs'].get('name', resource.get('name'))}"


def _stateful_reason(resource: Mapping[str, Any], subscribed: set[str]) -> str:
    kind = resource.get("type", "")
    if kind in STATEFUL_TYPES:
        return STATEFUL_TYPES[kind]
    if kind == TOPIC and any(isinstance(t, str) and t.endswith(_topic_arn(resource)) for t in subscribed):
        return "topic with subscribers: email and SMS subscribers must confirm again"
    if kind == SUBSCRIPTION and resource.get("inputs", {}).get("protocol") in ("email", "email-json"):
        return "email subscription: the subscriber must click the confirmation link again"
    if resource.get("protect"):
        return "protected"
    return ""


def diff_renders(base: Mapping[str, Any] | None, head: Mapping[str, Any], *, base_label: str, stack: str) -> DiffResult:
    old, new = _index(base), _index(head)
    old_subscribed = _subscribed_topics(old.values())
    new_subscribed = _subscribed_topics(new.values())
    diffs: list[ResourceDiff] = []
    for urn in sorted(set(old) | set(new)):
        before, after = old.get(urn), new.get(urn)
        if before is None:
            diffs.append(ResourceDiff("added", urn, after["type"], after["name"]))
            continue
        if after is None:
            reason = _stateful_reason(before, old_subscribed)
            danger = ""
            if reason and (before.get("custom", True)):
                protected = "; protected: `pulumi up` stops until it is unprotected" if before.get("protect") and reason != "protected" else ""
                if reason == "protected":
                    reason = "protected: `pulumi up` stops until it is unprotected"
                danger = f"deleted - {reason}{protected}"
            diffs.append(ResourceDiff("removed", urn, before["type"], before["name"], danger=danger))
            continue
        raw: list[tuple[str, Any, Any]] = []
        old_inputs, new_inputs = dict(before.get("inputs") or {}), dict(after.get("inputs") or {})
        if before["type"] == DASHBOARD:
            raw += compare_dashboards(old_inputs.pop("dashboardBody", None), new_inputs.pop("dashboardBody", None))
        _compare(old_inputs, new_inputs, "", raw)
        for meta in ("protect", "provider", "parent"):
            if before.get(meta) != after.get(meta):
                raw.append((f"({meta})", before.get(meta), after.get(meta)))
        if not raw:
            continue
        forcing = REPLACE_ON_CHANGE.get(after["type"], ())
        changes = [
            Change(path, b, a, replaces=path.split(".")[0].split("[")[0] in forcing or path == "(provider)")
            for path, b, a in raw
        ]
        item = ResourceDiff("changed", urn, after["type"], after["name"], changes)
        reason = _stateful_reason(before, old_subscribed) or _stateful_reason(after, new_subscribed)
        if item.replaced and reason:
            forced = ", ".join(sorted({c.path.split(".")[0] for c in changes if c.replaces}))
            item.danger = f"replaced (change of {forced} forces a new resource) - {reason}"
        elif before.get("protect") and not after.get("protect"):
            item.danger = "protection removed: a later change can now delete it"
        diffs.append(item)
    _name_renames(diffs, old, new)
    return DiffResult(base_label, stack, diffs, len(old), len(new))


def _name_renames(diffs: list[ResourceDiff], old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """A dangerous deletion with exactly one addition of the same type under the same parent is a
    rename: say what replaces it (and, for a data store, that the new one starts empty)."""
    added = [d for d in diffs if d.kind == "added"]
    for gone in (d for d in diffs if d.kind == "removed" and d.danger):
        parent = old[gone.urn].get("parent")
        candidates = [a for a in added if a.type == gone.type and new[a.urn].get("parent") == parent]
        if len(candidates) == 1:
            # Only a data store starts empty; a renamed setting (versioning, access block) is just recreated.
            empty = ", a new resource that starts empty" if gone.type in STATEFUL_TYPES else ""
            gone.danger += f"; replaced by **{candidates[0].name}**{empty}"


# --------------------------------------------------------------------------------------------------
# Policy results before and after
# --------------------------------------------------------------------------------------------------


def policy_diff(base: Mapping[str, Any] | None, head: Mapping[str, Any], config: Mapping[str, Any] | None,
                region: str | None) -> PolicyDiff:
    """Run the pack in-process on both renders (the same rules, so only the estate's change shows)."""
    try:
        from policies.rules.runner import run_policies
    except ImportError as error:
        return PolicyDiff(note=f"the policy runner is not available ({error})")

    def keyed(render) -> dict[tuple[str, str], dict[str, Any]]:
        if render is None:
            return {}
        result = run_policies(dict(render), config=dict(config or {}), region=region)
        return {(v.policy, v.urn): v.to_dict() for v in result.violations}

    before, after = keyed(base), keyed(head)
    return PolicyDiff(
        new=[after[k] for k in sorted(set(after) - set(before))],
        fixed=[before[k] for k in sorted(set(before) - set(after))],
        unchanged=len(set(before) & set(after)),
    )


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------


def _short(value: Any, limit: int = 80) -> str:
    text = "(none)" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True) if not isinstance(value, str) else value
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def _violation_line(v: Mapping[str, Any]) -> str:
    message = str(v.get("message", "")).splitlines()
    detail = message[-1] if message else ""
    return f"`{v.get('policy')}` ({v.get('enforcementLevel')}) on `{v.get('urn', '').rsplit('::', 1)[-1]}`: {_md(detail)[:300]}"


def _resource_block_md(r: ResourceDiff, max_changes: int | None) -> str:
    title = f"{r.kind} `{r.type}` **{_md(r.name)}**" + (" (replace)" if r.replaced else "")
    if r.kind != "changed" or not r.changes:
        return f"- {title}\n"
    shown = r.changes if max_changes is None else r.changes[:max_changes]
    lines = [f"<details><summary>{title}: {len(r.changes)} propert{'y' if len(r.changes) == 1 else 'ies'}</summary>\n",
             "| property | before | after |", "|---|---|---|"]
    for c in shown:
        lines.append(f"| `{_md(c.path)}`{' (forces replacement)' if c.replaces else ''} | {_md(_short(c.before))} | {_md(_short(c.after))} |")
    if len(shown) < len(r.changes):
        lines.append(f"| … {len(r.changes) - len(shown)} more | | |")
    lines.append("\n</details>\n")
    return "\n".join(lines) + "\n"


def to_markdown(result: DiffResult, limit: int = COMMENT_LIMIT) -> str:
    """A pull-request comment under ``limit`` characters: the head (summary, danger list, new
    violations) is always complete; resource detail is trimmed to fit."""
    head = [f"## estate diff: `{_md(result.base)}` → working tree, stack `{result.stack}`\n",
            f"**{result.summary_line()}**\n"]
    head += [f"> {_md(note)}\n" for note in result.notes]
    if result.dangerous:
        head.append(f"### ⚠️ Dangerous changes ({len(result.dangerous)})\n")
        head += [f"- **{r.kind}** `{r.type}` **{_md(r.name)}**: {_md(r.danger)}" for r in result.dangerous]
        head.append("")
    elif result.resources:
        head.append("No dangerous change (no deletion or replacement of a stateful or protected resource).\n")
    else:
        head.append("No change to the estate.\n")
    policies = result.policies
    if policies is not None:
        head.append("### Policy results\n")
        if policies.note:
            head.append(f"_{_md(policies.note)}_\n")
        else:
            head.append(f"{len(policies.new)} new violation(s), {len(policies.fixed)} fixed, {policies.unchanged} unchanged.\n")
            head += [f"- 🆕 {_violation_line(v)}" for v in policies.new]
            if policies.new:
                head.append("")
    head_text = "\n".join(head) + "\n"
    tail_fixed = ""
    if policies is not None and policies.fixed:
        tail_fixed = "Fixed:\n" + "\n".join(f"- ✅ {_violation_line(v)}" for v in policies.fixed) + "\n\n"

    order = {"removed": 0, "changed": 1, "added": 2}
    ordered = sorted(result.resources, key=lambda r: (not r.danger, order[r.kind], r.type, r.name))
    for max_changes in (None, 20, 5, 0):
        blocks = [_resource_block_md(r, max_changes) for r in ordered]
        body = "### Resources\n\n" + "".join(blocks) if blocks else ""
        text = head_text + tail_fixed + body
        if len(text) <= limit:
            return text
    # Still too long: as many resource lines as fit, then a count of the rest.
    budget = limit - len(head_text) - 400
    kept, used = [], 0
    fixed = tail_fixed if len(tail_fixed) < budget // 4 else f"{len(policies.fixed)} violation(s) fixed (list trimmed).\n\n"
    budget -= len(fixed)
    for block in blocks:
        if used + len(block) > budget:
            break
        kept.append(block)
        used += len(block)
    more = len(blocks) - len(kept)
    footer = (f"\n_… {more} more resource change(s) not shown (comment limit of {limit} characters);"
              " run `estate diff` locally or see the job summary._\n") if more else ""
    text = head_text + fixed + "### Resources\n\n" + "".join(kept) + footer
    if len(text) > limit:  # only a danger list or new-violation list larger than a comment gets here
        cut = "\n\n_… trimmed at the comment limit._\n"
        text = text[: limit - len(cut)] + cut
    return text


def to_text(result: DiffResult) -> str:
    lines = [f"estate diff {result.base} -> working tree (stack {result.stack})", result.summary_line()]
    lines += [f"note: {n}" for n in result.notes]
    if result.dangerous:
        lines += ["", f"DANGEROUS ({len(result.dangerous)}):"]
        lines += [f"  {r.kind} {r.type} {r.name}: {r.danger}" for r in result.dangerous]
    if result.policies is not None:
        lines += ["", "policies:" + (f" {result.policies.note}" if result.policies.note else "")]
        lines += [f"  new   {v['policy']} on {v['urn']}" for v in result.policies.new]
        lines += [f"  fixed {v['policy']} on {v['urn']}" for v in result.policies.fixed]
    for r in result.resources:
        sign = {"added": "+", "removed": "-", "changed": "~"}[r.kind]
        lines.append(f"{sign} {r.type} {r.name}{' (replace)' if r.replaced else ''}")
        for c in r.changes:
            lines.append(f"    {c.path}: {_short(c.before)} -> {_short(c.after)}{'  [forces replacement]' if c.replaces else ''}")
    return "\n".join(lines) + "\n"
