"""What ``estate diff`` finds: resources added, removed and changed, their dangers, policy results,
and the exit code (0 no change, 1 changes, 3 dangerous changes, 2 bad input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NO_CHANGE, CHANGED, BAD_INPUT, DANGEROUS = 0, 1, 2, 3


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
