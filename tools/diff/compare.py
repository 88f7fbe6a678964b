"""Comparing two renders (the engine's JSON contract) by URN: property-level changes, the dangerous
ones (deletion or replacement of a stateful or protected resource, protection removed), and the
policy pack's results before and after.

What a type loses and which property changes replace it are the catalogue's facts
(data/catalogue/resources.py).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from typing import Any

from data.catalogue.resources import LOSES, REPLACE_ON_CHANGE, SUBSCRIPTION, TOPIC
from tools.diff.attribution import in_reviewers_terms
from tools.diff.result import Change, DiffResult, PolicyDiff, ResourceDiff
from tools.diff.widgets import compare_dashboards as _compare_widgets
from tools.diff.widgets import dimension_owners

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


def _setting_label(item: Mapping[str, Any]) -> str:
    """An Elastic Beanstalk option by what the console calls it: ``aws:autoscaling:trigger UpperThreshold``."""
    label = f"{item.get('namespace')} {item.get('name')}"
    resource = item.get("resource") or item.get("resourceName")  # a setting of one resource (a listener...)
    return f"{label} ({resource})" if resource else label


def _list_identity(before: list[Any], after: list[Any]):
    """How the items of two lists of objects are matched: EB option settings by (namespace, name,
    resource); objects with a unique ``name`` or ``id`` on both sides by it; None: by position."""
    items = before + after
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    if all("namespace" in i and "name" in i for i in items):
        label = _setting_label
    else:
        key = next((k for k in ("name", "id") if all(isinstance(i.get(k), (str, int)) for i in items)), None)
        if key is None:
            return None
        label = lambda item: str(item[key])  # noqa: E731
    for side in (before, after):
        if len({label(i) for i in side}) != len(side):
            return None
    return label


def _compare(before: Any, after: Any, path: str, out: list[Change]) -> None:
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            _compare(before.get(key, _MISSING), after.get(key, _MISSING), f"{path}.{key}" if path else key, out)
        return
    if isinstance(before, list) and isinstance(after, list):
        label = _list_identity(before, after)
        if label is not None:
            old, new = {label(i): i for i in before}, {label(i): i for i in after}
            for key in dict.fromkeys([*old, *new]):
                item_path = f"{path}[{key}]"
                if key not in new:
                    out.append(Change(item_path, _item_value(old[key]), None, kind="removed"))
                elif key not in old:
                    out.append(Change(item_path, None, _item_value(new[key]), kind="added"))
                elif set(old[key]) == set(new[key]) and "value" in old[key] and all(
                        old[key][k] == new[key][k] for k in old[key] if k != "value"):
                    _compare(old[key]["value"], new[key]["value"], item_path, out)  # an option's value: said at the option
                else:
                    _compare(old[key], new[key], item_path, out)
            return
        if len(before) == len(after):
            for i, (b, a) in enumerate(zip(before, after)):
                _compare(b, a, f"{path}[{i}]", out)
            return
    parsed_before, parsed_after = _parse_json_document(before), _parse_json_document(after)
    if parsed_before is not None and parsed_after is not None:
        _compare(parsed_before, parsed_after, f"{path}{{json}}", out)
        return
    if before is _MISSING:
        out.append(Change(path, None, after, kind="added"))
    elif after is _MISSING:
        out.append(Change(path, before, None, kind="removed"))
    else:
        out.append(Change(path, before, after))


def _item_value(item: Mapping[str, Any]) -> Any:
    """An EB option added or removed reads as its value; another object as itself."""
    return item["value"] if "namespace" in item and "value" in item else item


def compare_dashboards(before: Any, after: Any, subject_of=lambda value: None) -> list[Change]:
    """Dashboard bodies widget by widget, each widget by its identity (type, title, the services it plots)."""
    return _compare_widgets(before, after, _compare, subject_of)


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


def diff_renders(base: Mapping[str, Any] | None, head: Mapping[str, Any], *, base_label: str, stack: str,
                 base_stack_text: str | None = None, head_stack_text: str | None = None) -> DiffResult:
    """Two renders compared by URN. With the stack files' texts (``base_stack_text`` None: no stack file
    at the base), the result also holds the stack-file changes as key paths, each with the resources
    it changed, and services said by the stack file (else read from the renders' components)."""
    old, new = _index(base), _index(head)
    subjects = {**dimension_owners(old.values()), **dimension_owners(new.values())}
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
        raw: list[Change] = []
        old_inputs, new_inputs = dict(before.get("inputs") or {}), dict(after.get("inputs") or {})
        if before["type"] == DASHBOARD:
            raw += compare_dashboards(old_inputs.pop("dashboardBody", None), new_inputs.pop("dashboardBody", None),
                                      subjects.get)
        _compare(old_inputs, new_inputs, "", raw)
        for meta in ("protect", "provider", "parent"):
            if before.get(meta) != after.get(meta):
                raw.append(Change(f"({meta})", before.get(meta), after.get(meta)))
        if not raw:
            continue
        forcing = REPLACE_ON_CHANGE.get(after["type"], ())
        changes = [
            dataclasses.replace(c, replaces=c.path.split(".")[0].split("[")[0] in forcing or c.path == "(provider)")
            for c in raw
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
    result = DiffResult(base_label, stack, diffs, len(old), len(new))
    in_reviewers_terms(result, base, head, base_stack_text, head_stack_text)
    return result


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
