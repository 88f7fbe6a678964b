"""Comparing two renders (the engine's JSON contract) by URN: property-level changes, the dangerous
ones (deletion or replacement of a stateful or protected resource, protection removed), and the
policy pack's results before and after.

What a type loses and which property changes replace it are the catalogue's facts
(data/catalogue/resources.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from data.catalogue.resources import LOSES, REPLACE_ON_CHANGE, SUBSCRIPTION, TOPIC
from tools.diff.result import Change, DiffResult, PolicyDiff, ResourceDiff

STATEFUL_TYPES = LOSES  # the diff's name for it: types whose re-creation loses state
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"

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
