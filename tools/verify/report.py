"""What ``estate verify`` reports: one ``Check`` per verified fact, in three states.

``pass``, ``fail`` (with the runbook action to take) and ``not-checkable`` (the API is unavailable,
e.g. moto or a missing permission): a check that could not run never passes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

PASS, FAIL, NOT_CHECKABLE = "pass", "fail", "not-checkable"
STATUS_ORDER = {FAIL: 0, NOT_CHECKABLE: 1, PASS: 2}


@dataclass(frozen=True)
class Check:
    """One verified fact. ``action`` says what to do when it is not a pass."""

    family: str
    resource: str
    region: str
    status: str
    detail: str
    action: str = ""


@dataclass
class Report:
    stack: str
    region: str
    checks: list[Check] = field(default_factory=list)

    def add(self, check: Check) -> None:
        self.checks.append(check)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAIL]

    @property
    def not_checkable(self) -> list[Check]:
        return [c for c in self.checks if c.status == NOT_CHECKABLE]

    def summary(self) -> dict[str, int]:
        return {status: sum(1 for c in self.checks if c.status == status) for status in (PASS, FAIL, NOT_CHECKABLE)}

    def ordered(self) -> list[Check]:
        return sorted(self.checks, key=lambda c: (STATUS_ORDER[c.status], c.family, c.region, c.resource))

    def to_json(self) -> str:
        return json.dumps(
            {
                "stack": self.stack,
                "region": self.region,
                "summary": self.summary(),
                "checks": [asdict(c) for c in self.ordered()],
            },
            indent=2,
            sort_keys=True,
        )

    def to_text(self) -> str:
        counts = self.summary()
        lines = [
            f"estate verify: stack {self.stack} ({self.region}): {counts[PASS]} passed, {counts[FAIL]} failed,"
            f" {counts[NOT_CHECKABLE]} not checkable",
        ]
        for title, status in (("FAILED", FAIL), ("NOT CHECKABLE (verify by hand)", NOT_CHECKABLE)):
            rows = [c for c in self.ordered() if c.status == status]
            if not rows:
                continue
            lines += ["", f"{title}:"]
            for c in rows:
                lines.append(f"  [{c.family}] {c.resource} ({c.region}): {c.detail}")
                if c.action:
                    lines.append(f"      action: {c.action}")
        passed = [c for c in self.ordered() if c.status == PASS]
        if passed:
            families = sorted({c.family for c in passed})
            lines += ["", "PASSED: " + ", ".join(f"{f} {sum(1 for c in passed if c.family == f)}" for f in families)]
        return "\n".join(lines)

