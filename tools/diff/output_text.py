"""``estate diff`` for a terminal: the same order as the pull-request comment (summary, dangers,
stack-file changes with the resources each changed, services added or removed, outputs, policies,
extra sections, then resources by owner and family), nothing trimmed."""

from __future__ import annotations

from tools.diff.attribution import shows
from tools.diff.result import DiffResult
from tools.diff.stackfile import owner_of_key
from tools.diff.textdiff import as_text, compact_pair

_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _pair(before, after) -> str:
    old, new = compact_pair(before, after)
    return f"{old} -> {new}"


def to_text(result: DiffResult) -> str:
    lines = [f"estate diff {result.base} -> working tree (stack {result.stack})", result.summary_line()]
    lines += [f"note: {n}" for n in result.notes]
    if result.dangerous:
        lines += ["", f"DANGEROUS ({len(result.dangerous)}):"]
        lines += [f"  {r.kind} {r.type} {r.name}: {r.danger}" for r in result.dangerous]
    by_urn = {r.urn: r for r in result.resources}
    if result.stack_changes:
        lines += ["", f"stack-file changes ({len(result.stack_changes)}):"]
        for k in result.stack_changes:
            if k.kind == "changed":
                lines.append(f"  {k.path}: {_pair(k.before, k.after)}")
            else:
                value = k.after if k.kind == "added" else k.before
                lines.append(f"  {k.path}: {k.kind}" + ("" if isinstance(value, (dict, list)) else f" ({as_text(value)})"))
            section, item = owner_of_key(k.path)
            whole = next((s for s in result.services if s.kind == k.kind and section == "services"
                          and k.path == f"estate.services[{s.service}]"), None)
            if whole is not None:
                lines.append(f"    {whole.line()}")
            for urn in k.resources:
                r = by_urn.get(urn)
                if r is None or (whole is not None and urn in whole.resources):
                    continue
                showing = [c for c in r.changes if shows(k, c, item)]
                shown = "" if not showing else (
                    f": {showing[0].path} {_pair(showing[0].before, showing[0].after)}" if showing[0].kind == "changed"
                    else f": {showing[0].kind} {showing[0].path}") + (f" (and {len(showing) - 1} more)" if len(showing) > 1 else "")
                lines.append(f"    {_SIGN[r.kind]} {r.type} {r.name}{shown}")
    if result.services and not result.stack_changes:
        lines += [""] + [s.line() for s in result.services]
    if result.outputs:
        lines += ["", "stack outputs:"]
        lines += [f"  {c.path}: {c.kind}" if c.kind != "changed" else f"  {c.path}: {_pair(c.before, c.after)}" for c in result.outputs]
    if result.policies is not None:
        lines += ["", "policies:" + (f" {result.policies.note}" if result.policies.note else "")]
        lines += [f"  new   {v['policy']} on {v['urn']}" for v in result.policies.new]
        lines += [f"  fixed {v['policy']} on {v['urn']}" for v in result.policies.fixed]
    for title, body in result.extra_sections:
        lines += ["", f"{title}:", body.rstrip("\n")]
    whole = {urn for s in result.services for urn in s.resources}
    for service in result.services:  # one line, then its resources by family
        lines += ["", f"[{service.line()}]"]
        families: dict[str, list[str]] = {}
        for r in sorted((by_urn[u] for u in service.resources if u in by_urn), key=lambda r: (r.family, r.name)):
            families.setdefault(r.family, []).append(r.name)
        lines += [f"  {family} ({len(names)}): {', '.join(names)}" for family, names in families.items()]
    owner = None
    rest = [r for r in result.resources if r.urn not in whole]
    for r in sorted(rest, key=lambda r: (not r.owner.startswith("service "), r.owner, r.family, r.type, r.name)):
        if r.owner != owner:
            owner = r.owner
            lines += ["", f"[{owner or 'stack'}]"]
        lines.append(f"{_SIGN[r.kind]} {r.family}: {r.type} {r.name}{' (replace)' if r.replaced else ''}")
        for c in r.changes:
            if c.kind == "changed":
                lines.append(f"    {c.path}: {_pair(c.before, c.after)}{'  [forces replacement]' if c.replaces else ''}")
            else:
                lines.append(f"    {c.kind} {c.path}" + (f": {as_text(c.after)}" if c.kind == "moved" else ""))
    return "\n".join(lines) + "\n"
