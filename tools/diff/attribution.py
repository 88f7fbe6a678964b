"""The comparison in the reviewer's terms: each resource's owner and family, whole services added or
removed, the stack-file key paths that changed with the resources each changed, and the stack outputs
that change.

A key path names its owner (``estate.services[tms-sync-eb]...`` a service, ``estate.dashboards[X]``
a dashboard, ``estate.cache`` a section); the resources changed that belong to that owner are the
key's. Where several keys share an owner, a resource goes to the key whose before and after values
it shows (a threshold 70 → 60 is the alarm's ``threshold`` 70 → 60 and the dashboard's annotation).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from tools.diff.ownership import Ownership, services_in_render, services_in_stack_text
from tools.diff.result import Change, DiffResult, KeyChange, ResourceDiff, ServiceChange
from tools.diff.stackfile import owner_of_key, stack_file_changes

# Stack-file sections without items, by the families (top-level component types) that declare them.
SECTION_FAMILIES: dict[str, tuple[str, ...]] = {
    "alerting": ("alerting",), "atlas": ("atlas",), "budget": ("budget",), "cache": ("cache",), "mail": ("mail",),
    "buckets": ("storage", "replication"), "disaster_recovery": ("replication",), "cdn": ("cdn",),
    "dashboards": ("dashboards",), "platform_alarms": ("alarms",), "network": ("beanstalk", "certificate"),
}


def in_reviewers_terms(result: DiffResult, base: Mapping[str, Any] | None, head: Mapping[str, Any],
                       base_stack_text: str | None, head_stack_text: str | None) -> None:
    """Fill the result's owners, families, services, stack-file changes and outputs."""
    if head_stack_text is not None:
        before_services = services_in_stack_text(base_stack_text)
        after_services = services_in_stack_text(head_stack_text)
    else:
        before_services, after_services = services_in_render(base), services_in_render(head)
    ownership = Ownership([head, base], [*before_services, *after_services])
    for diff in result.resources:
        diff.owner, diff.family = ownership.owner(diff.urn), ownership.family(diff.urn)
    for service in before_services:
        if service not in after_services:
            result.services.append(ServiceChange(service, "removed", _of_service(result.resources, ownership, service, "removed")))
    for service in after_services:
        if service not in before_services:
            result.services.append(ServiceChange(service, "added", _of_service(result.resources, ownership, service, "added")))
    if head_stack_text is not None:
        result.stack_changes = stack_file_changes(base_stack_text, head_stack_text)
        attribute(result.stack_changes, result.resources, ownership)
    result.outputs = output_changes(base, head)


def _of_service(diffs: list[ResourceDiff], ownership: Ownership, service: str, kind: str) -> list[str]:
    return [d.urn for d in diffs if d.kind == kind and ownership.service_of(d.urn) == service]


def _serves(urn: str, section: str, item: str | None, ownership: Ownership) -> bool:
    if item is not None:
        return ownership.matches(urn, item)
    families = SECTION_FAMILIES.get(section)
    if families is None:  # organisation, tags, maintenance, aws:region...: may touch anything
        return True
    return ownership.family(urn) in families and ownership.service_of(urn) is None


def _narrowed(path: str, found: list[ResourceDiff]) -> list[ResourceDiff]:
    """A key deeper in its owner (``estate.alerting.subscriptions[devops-email].severities``) narrows to the
    resources named after its innermost item, when some are (the devops-email subscriptions)."""
    labels = re.findall(r"\[([^\]]*)\]", path)
    if len(labels) < (1 if path.startswith("estate.") and "[" not in path.split(".")[1] else 2):
        return found
    token = labels[-1].split("/")[0]
    pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(token)}(?![A-Za-z0-9])")
    named = [d for d in found if pattern.search(d.name)]
    return named or found


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _same(key_value: Any, property_value: Any) -> bool:
    """A key's value as a property shows it: numbers equal as numbers (70 and "70" and 70.0), strings equal."""
    a, b = _number(key_value), _number(property_value)
    if a is not None and b is not None:
        return a == b
    return isinstance(key_value, str) and key_value == property_value


def shows(key: KeyChange, change: Change, item: str | None) -> bool:
    """A property change shows a key change: the same before and after values; or, for an item removed
    (added), a value that named the item before (after) and no longer (not yet) does."""
    if key.kind == "changed":
        return _same(key.before, change.before) and _same(key.after, change.after)
    if item is None:
        return False
    if change.kind == key.kind and _names(change.path, item):  # a widget of the service removed with it
        return True
    gone, kept = (change.before, change.after) if key.kind == "removed" else (change.after, change.before)
    return _names(gone, item) and not _names(kept, item)


def _names(value: Any, item: str) -> bool:
    return value is not None and re.search(rf"(?<![A-Za-z0-9]){re.escape(item)}(?![A-Za-z0-9])",
                                           json.dumps(value, default=str)) is not None


def attribute(keys: list[KeyChange], diffs: list[ResourceDiff], ownership: Ownership) -> None:
    """Fill each key change's ``resources`` (URNs): those of its owner, narrowed to the ones showing its
    values when several keys share them; a resource elsewhere that shows a key's values in a change
    naming the key's owner (an overview dashboard's widget of that service) is the key's too."""
    owners = [owner_of_key(k.path) for k in keys]
    by_service: dict[str | None, list[ResourceDiff]] = {}
    for diff in diffs:
        by_service.setdefault(ownership.service_of(diff.urn), []).append(diff)
    candidates = [_narrowed(key.path, by_service.get(item, []) if item in ownership.service_set
                            else [d for d in diffs if _serves(d.urn, section, item, ownership)])
                  for key, (section, item) in zip(keys, owners)]
    candidate_urns = [{d.urn for d in found} for found in candidates]
    # Property changes by their (before, after) values, for the keys whose values a property shows.
    by_values: dict[tuple[Any, Any], list[tuple[ResourceDiff, Change]]] = {}
    for diff in diffs:
        for change in diff.changes:
            values = (_normal(change.before), _normal(change.after))
            if change.kind == "changed" and None not in values:
                by_values.setdefault(values, []).append((diff, change))
    hits: list[set[str]] = []
    for key, (_, item) in zip(keys, owners):
        if key.kind == "changed":
            # A value that happens to equal the key's (70 → 60 elsewhere) counts only at the key's owner.
            found = {diff.urn for diff, change in by_values.get((_normal(key.before), _normal(key.after)), [])
                     if item is None or item in change.path or ownership.matches(diff.urn, item)}
        else:
            found = {diff.urn for diff in diffs if item is not None and any(shows(key, c, item) for c in diff.changes)}
        hits.append(found)
    for i, key in enumerate(keys):
        sharing = [j for j in range(len(keys)) if j != i and not candidate_urns[i].isdisjoint(candidate_urns[j])]
        others = set().union(*(hits[j] for j in sharing))
        chosen = [d.urn for d in candidates[i] if d.urn in hits[i] or d.urn not in others]
        chosen += [urn for urn in sorted(hits[i]) if urn not in candidate_urns[i]]
        if hits[i] and sharing:
            chosen = [urn for urn in chosen if urn in hits[i]]  # several keys on one owner: each its own
        # A waiver changes the policy results (listed under them), never a resource, even the one it names.
        key.resources = [] if owners[i][0] == "exemptions" else chosen


def _normal(value: Any) -> Any:
    """A value as a key and a property may both spell it: a number (70, 70.0, "70"), else a string; None otherwise."""
    number = _number(value)
    if number is not None:
        return ("number", number)
    return ("text", value) if isinstance(value, str) else None


def output_changes(base: Mapping[str, Any] | None, head: Mapping[str, Any]) -> list[Change]:
    """Stack outputs (the render's ``outputs``: DNS records to publish, endpoints) added, removed or changed."""
    if base is not None and "outputs" not in base:  # a base rendered before outputs were recorded: nothing to say
        return []
    old = (base or {}).get("outputs") or {}
    new = head.get("outputs") or {}
    out = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            out.append(Change(name, None, new[name], kind="added"))
        elif name not in new:
            out.append(Change(name, old[name], None, kind="removed"))
        elif old[name] != new[name]:
            out.append(Change(name, old[name], new[name]))
    return out
