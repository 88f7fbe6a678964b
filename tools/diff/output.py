"""``estate diff`` as text (a terminal) and as a pull-request comment (markdown) that stays under
GitHub's 65,536 characters by trimming detail, never the summary, the danger list or the new
violations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tools.diff.result import DiffResult, ResourceDiff

COMMENT_LIMIT = 65536


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
