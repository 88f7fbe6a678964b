"""``estate diff`` as text (a terminal) and as a pull-request comment (markdown) that stays under
GitHub's 65,536 characters by trimming resource detail, never the summary, the danger list, the
stack-file changes, the new violations or the extra sections (cost, diagrams).

The comment reads in the reviewer's terms: the stack-file key paths that changed, each followed by the
resources it changed; whole services added or removed in one line; stack outputs that change; then
the resources grouped by owner (service or component) and family.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.diff.attribution import shows
from tools.diff.result import Change, DiffResult, KeyChange, ResourceDiff
from tools.diff.stackfile import owner_of_key
from tools.diff.textdiff import as_text, compact_pair

COMMENT_LIMIT = 65536
KEY_RESOURCES_SHOWN = 12  # resources listed under one stack-file key; the rest counted
SERVICE_RESOURCES_SHOWN = 40  # resources named per family in a whole service's collapsible list
_MD_MARK = ("**", "**", "**", "**")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'").replace("<", "&lt;")


def _pair_md(before: Any, after: Any) -> tuple[str, str]:
    old, new = compact_pair(before, after, _MD_MARK)
    return _md(old), _md(new)


def _violation_line(v: Mapping[str, Any]) -> str:
    message = str(v.get("message", "")).splitlines()
    detail = message[-1] if message else ""
    return f"`{v.get('policy')}` ({v.get('enforcementLevel')}) on `{v.get('urn', '').rsplit('::', 1)[-1]}`: {_md(detail)[:300]}"


def _element_line(c: Change) -> str:
    """A widget or an option added or removed (said so, with what it held), or widgets moved."""
    if c.kind not in ("added", "removed"):
        return f"- ↔ `{_md(c.path)}`: {_md(as_text(c.after))}"
    value = c.after if c.kind == "added" else c.before
    sign = "➕ added" if c.kind == "added" else "➖ removed"
    shown = compact_pair(value, None)[0] if value not in (None, "") else ""
    return f"- {sign} `{_md(c.path)}`" + (f": {_md(shown)}" if shown else "")


def _resource_block_md(r: ResourceDiff, max_changes: int | None) -> str:
    title = f"{r.kind} `{r.type}` **{_md(r.name)}**" + (" (replace)" if r.replaced else "")
    if r.kind != "changed" or not r.changes:
        return f"- {title}\n"
    shown = r.changes if max_changes is None else r.changes[:max_changes]
    elements = [c for c in shown if c.kind != "changed"]
    changed = [c for c in shown if c.kind == "changed"]
    lines = [f"<details><summary>{title}: {len(r.changes)} change{'' if len(r.changes) == 1 else 's'}</summary>\n"]
    lines += [_element_line(c) for c in elements]
    if elements:
        lines.append("")
    if changed:
        lines += ["| property | before | after |", "|---|---|---|"]
        for c in changed:
            before, after = _pair_md(c.before, c.after)
            lines.append(f"| `{_md(c.path)}`{' (forces replacement)' if c.replaces else ''} | {before} | {after} |")
    if len(shown) < len(r.changes):
        lines.append(f"\n… {len(r.changes) - len(shown)} more change(s)")
    lines.append("\n</details>\n")
    return "\n".join(lines) + "\n"


def _resource_ref(r: ResourceDiff) -> str:
    return f"{r.kind} `{r.type}` **{_md(r.name)}**"


def _key_value(value: Any) -> str:
    return f"`{_md(as_text(value))[:200]}`"


def _key_line(k: KeyChange) -> str:
    if k.kind == "removed":
        return f"- `{_md(k.path)}`: removed" + ("" if isinstance(k.before, (dict, list)) else f" (was {_key_value(k.before)})")
    if k.kind == "added":
        return f"- `{_md(k.path)}`: added" + ("" if isinstance(k.after, (dict, list)) else f": {_key_value(k.after)}")
    before, after = _pair_md(k.before, k.after)
    return f"- `{_md(k.path)}`: {before} → {after}"


def _showing(k: KeyChange, r: ResourceDiff) -> str:
    """The one property change of ``r`` that shows the key's values (else a count)."""
    item = owner_of_key(k.path)[1]
    showing = [c for c in r.changes if shows(k, c, item)]
    if showing:
        c, more = showing[0], f" (and {len(showing) - 1} more)" if len(showing) > 1 else ""
        if c.kind != "changed":
            return f": {c.kind} `{_md(c.path)}`{more}"
        before, after = _pair_md(c.before, c.after)
        return f": `{_md(c.path)}` {before} → {after}{more}"
    return f" ({len(r.changes)} change{'' if len(r.changes) == 1 else 's'})" if r.changes else ""


def _stack_changes_md(result: DiffResult, shown: int = KEY_RESOURCES_SHOWN) -> list[str]:
    """Each key path, then the resources it changed (``shown`` at most, the rest counted; a whole
    service in one line, its resources folded unless ``shown`` is 0)."""
    if not result.stack_changes:
        return []
    by_urn = {r.urn: r for r in result.resources}
    services = {(s.kind, s.service): s for s in result.services}
    lines = [f"### Stack-file changes ({len(result.stack_changes)})\n"]
    for k in result.stack_changes:
        lines.append(_key_line(k))
        section, item = owner_of_key(k.path)
        whole = services.get((k.kind, item)) if section == "services" and k.path == f"estate.services[{item}]" else None
        listed = [u for u in k.resources if u in by_urn]
        if whole is not None:
            lines.append(f"  - **{_md(whole.line())}**")
            if shown:
                lines += _collapsed_list([by_urn[u] for u in whole.resources if u in by_urn], indent="    ")
            listed = [u for u in listed if u not in set(whole.resources)]
        if not listed and whole is None:
            lines.append("  - no resource changed")
        for urn in listed[:shown]:
            lines.append(f"  - {_resource_ref(by_urn[urn])}{_showing(k, by_urn[urn])}")
        if len(listed) > shown:
            lines.append(f"  - {'… and ' if shown else ''}{len(listed) - shown} {'more ' if shown else ''}resource(s)"
                         " (see the resources below)")
    return lines + [""]


def _by_family(resources: list[ResourceDiff]) -> dict[str, list[ResourceDiff]]:
    families: dict[str, list[ResourceDiff]] = {}
    for r in sorted(resources, key=lambda r: (r.family, r.type, r.name)):
        families.setdefault(r.family or "other", []).append(r)
    return families


def _collapsed_list(resources: list[ResourceDiff], indent: str = "") -> list[str]:
    """A whole service's resources folded, one line per family (the first names, then a count)."""
    if not resources:
        return []
    lines = [f"{indent}<details><summary>{len(resources)} resource(s) by family</summary>\n"]
    for family, items in _by_family(resources).items():
        names = ", ".join(f"`{_md(r.name)}`" for r in items[:SERVICE_RESOURCES_SHOWN])
        more = f" and {len(items) - SERVICE_RESOURCES_SHOWN} more" if len(items) > SERVICE_RESOURCES_SHOWN else ""
        lines.append(f"{indent}- **{_md(family)}** ({len(items)}): {names}{more}")
    return lines + [f"\n{indent}</details>\n"]


def _outputs_md(result: DiffResult) -> list[str]:
    if not result.outputs:
        return []
    lines = [f"### Stack outputs ({len(result.outputs)})\n", "| output | before | after |", "|---|---|---|"]
    for c in result.outputs:
        before, after = _pair_md(c.before, c.after)
        lines.append(f"| `{_md(c.path)}` | {before if c.kind != 'added' else '_added_'} | {after if c.kind != 'removed' else '_removed_'} |")
    return lines + [""]


def _danger_md(result: DiffResult) -> list[str]:
    if result.dangerous:
        lines = [f"### ⚠️ Dangerous changes ({len(result.dangerous)})\n"]
        lines += [f"- **{r.kind}** `{r.type}` **{_md(r.name)}**: {_md(r.danger)}" for r in result.dangerous]
        return lines + [""]
    if result.resources:
        return ["No dangerous change (no deletion or replacement of a stateful or protected resource).\n"]
    return ["No change to the estate.\n"]


def _policies_md(result: DiffResult) -> list[str]:
    policies = result.policies
    if policies is None:
        return []
    lines = ["### Policy results\n"]
    if policies.note:
        return lines + [f"_{_md(policies.note)}_\n"]
    lines.append(f"{len(policies.new)} new violation(s), {len(policies.fixed)} fixed, {policies.unchanged} unchanged.\n")
    lines += [f"- 🆕 {_violation_line(v)}" for v in policies.new]
    return lines + ([""] if policies.new else [])


def _groups(result: DiffResult) -> list[tuple[str, list[ResourceDiff]]]:
    """Resources by owner: services first (by name), then components; whole services added or removed
    are one entry (their resources are not listed again)."""
    whole = {urn for s in result.services for urn in s.resources}
    owners: dict[str, list[ResourceDiff]] = {}
    for r in result.resources:
        if r.urn not in whole:
            owners.setdefault(r.owner or "stack", []).append(r)
    order = {"removed": 0, "changed": 1, "added": 2}
    return [(owner, sorted(items, key=lambda r: (r.family, not r.danger, order[r.kind], r.type, r.name)))
            for owner, items in sorted(owners.items(), key=lambda item: (not item[0].startswith("service "), item[0]))]


def _detail_blocks(result: DiffResult, max_changes: int | None) -> list[str]:
    by_urn = {r.urn: r for r in result.resources}
    blocks = []
    for s in result.services:
        blocks.append("\n".join([f"#### {_md(s.line())}\n", *_collapsed_list([by_urn[u] for u in s.resources if u in by_urn])]) + "\n")
    for owner, items in _groups(result):
        blocks.append(f"#### {_md(owner)}\n\n")
        family = None
        for r in items:
            if r.family != family:
                family = r.family
                blocks.append(f"**{_md(family or 'other')}**\n\n")
            blocks.append(_resource_block_md(r, max_changes))
    return blocks


def _head_md(result: DiffResult, shown: int) -> str:
    head = [f"## estate diff: `{_md(result.base)}` → working tree, stack `{result.stack}`\n",
            f"**{result.summary_line()}**\n"]
    head += [f"> {_md(note)}\n" for note in result.notes]
    head += _danger_md(result)
    head += _stack_changes_md(result, shown)
    if result.services and not result.stack_changes:
        head += [f"- **{_md(s.line())}**" for s in result.services] + [""]
    head += _outputs_md(result)
    head += _policies_md(result)
    for title, body in result.extra_sections:
        head += [f"### {title}\n", body.rstrip("\n") + "\n"]
    return "\n".join(head) + "\n"


def to_markdown(result: DiffResult, limit: int = COMMENT_LIMIT) -> str:
    """A pull-request comment under ``limit`` characters: the head (summary, danger list, stack-file
    changes, outputs, new violations, extra sections) is always complete; resource detail is trimmed to fit."""
    for shown in (KEY_RESOURCES_SHOWN, 3, 0):  # the keys always; the resources under them while they fit
        head_text = _head_md(result, shown)
        if len(head_text) <= limit * 3 // 4:
            break
    policies = result.policies
    tail_fixed = ""
    if policies is not None and policies.fixed:
        tail_fixed = "Fixed:\n" + "\n".join(f"- ✅ {_violation_line(v)}" for v in policies.fixed) + "\n\n"
    title = "### Resources by service and family\n\n"
    blocks: list[str] = []
    for max_changes in (None, 20, 5, 0):
        blocks = _detail_blocks(result, max_changes)
        text = head_text + tail_fixed + (title + "".join(blocks) if result.resources else "")
        if len(text) <= limit:
            return text
    # Still too long: as many detail blocks as fit, then a count of the rest.
    budget = limit - len(head_text) - 400
    kept, used = [], 0
    fixed = tail_fixed if not tail_fixed or len(tail_fixed) < budget // 4 else (
        f"{len(policies.fixed)} violation(s) fixed (list trimmed).\n\n")
    budget -= len(fixed)
    for block in blocks:
        if used + len(block) > budget:
            break
        kept.append(block)
        used += len(block)
    more = sum(1 for block in blocks[len(kept):] if not block.startswith(("#### ", "**")))
    footer = (f"\n_… {more} more resource change(s) not shown (comment limit of {limit} characters);"
              " run `estate diff` locally or see the job summary._\n") if len(kept) < len(blocks) else ""
    text = head_text + fixed + title + "".join(kept) + footer
    if len(text) > limit:  # only a head larger than a comment gets here
        cut = "\n\n_… trimmed at the comment limit._\n"
        text = text[: limit - len(cut)] + cut
    return text


def to_text(result: DiffResult) -> str:
    from tools.diff.output_text import to_text as text

    return text(result)
