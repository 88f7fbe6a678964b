"""What ``estate diff`` finds: the stack-file changes (key paths) and the resources each changed,
resources added, removed and changed (by owner and family), their dangers, whole services added or
removed, stack outputs that change, policy results, extra sections (cost, diagrams), and the exit
code (0 no change, 1 changes, 3 dangerous changes, 2 bad input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NO_CHANGE, CHANGED, BAD_INPUT, DANGEROUS = 0, 1, 2, 3


@dataclass(frozen=True)
class Change:
    """One property of a resource (or one stack output): ``kind`` ``changed`` has a before and an
    after; ``added``/``removed`` is a whole element (a dashboard widget, an EB option) that appears
    or goes, its value in ``after``/``before``."""

    path: str
    before: Any
    after: Any
    replaces: bool = False
    kind: str = "changed"


@dataclass
class ResourceDiff:
    kind: str  # added | removed | changed
    urn: str
    type: str
    name: str
    changes: list[Change] = field(default_factory=list)
    danger: str = ""
    owner: str = ""  # the service it belongs to, else its top-level component (``stack`` at the top)
    family: str = ""  # the top-level component's family (alarms, beanstalk...), else the type's module

    @property
    def replaced(self) -> bool:
        return any(c.replaces for c in self.changes)


@dataclass
class KeyChange:
    """One stack-file key path that changed (``estate.services[tms-sync-eb].thresholds.cpu.warning``),
    ``kind`` changed, added or removed, and the resources it changed (URNs, filled by attribution)."""

    path: str
    before: Any
    after: Any
    kind: str = "changed"
    resources: list[str] = field(default_factory=list)


@dataclass
class ServiceChange:
    """A whole service added or removed, said in one line with its resource count."""

    service: str
    kind: str  # added | removed
    resources: list[str] = field(default_factory=list)  # URNs

    def line(self) -> str:
        return f"service {self.service} {self.kind} ({len(self.resources)} resource{'' if len(self.resources) == 1 else 's'})"


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
    stack_changes: list[KeyChange] = field(default_factory=list)
    services: list[ServiceChange] = field(default_factory=list)
    outputs: list[Change] = field(default_factory=list)
    # (title, markdown) rendered after the policy results, before the resource detail, never trimmed
    # (the cost delta, the routing diagram).
    extra_sections: list[tuple[str, str]] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[ResourceDiff]:
        return [r for r in self.resources if r.kind == kind]

    @property
    def dangerous(self) -> list[ResourceDiff]:
        return [r for r in self.resources if r.danger]

    @property
    def exit_code(self) -> int:
        if self.dangerous:
            return DANGEROUS
        return CHANGED if self.resources or self.outputs else NO_CHANGE

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
            "stackFileChanges": [
                {"path": k.path, "kind": k.kind, "before": k.before, "after": k.after, "resources": k.resources}
                for k in self.stack_changes
            ],
            "services": [{"service": s.service, "kind": s.kind, "resources": s.resources} for s in self.services],
            "outputs": [{"name": c.path, "kind": c.kind, "before": c.before, "after": c.after} for c in self.outputs],
            "resources": [
                {"kind": r.kind, "urn": r.urn, "type": r.type, "name": r.name, "replaced": r.replaced, "danger": r.danger,
                 "owner": r.owner, "family": r.family,
                 "changes": [{"path": c.path, "kind": c.kind, "before": c.before, "after": c.after, "replaces": c.replaces}
                             for c in r.changes]}
                for r in self.resources
            ],
            "policies": None if self.policies is None else {
                "new": self.policies.new, "fixed": self.policies.fixed, "unchanged": self.policies.unchanged,
                "note": self.policies.note,
            },
            "extraSections": [{"title": title, "markdown": body} for title, body in self.extra_sections],
        }
