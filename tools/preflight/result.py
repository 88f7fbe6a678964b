"""What a preflight check finds: one ``Result`` per (check, subject, region), gathered in a ``Report``.

A result is ``pass``, ``fail`` (with what is wrong and what to do) or ``not-checkable`` (the API
cannot answer here: moto, a missing permission, Atlas keys not given). A check that could not run
never passes, and never fails either: it is listed so that someone looks by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PASS, FAIL, NOT_CHECKABLE = "pass", "fail", "not-checkable"
_ORDER = {FAIL: 0, NOT_CHECKABLE: 1, PASS: 2}


@dataclass(frozen=True)
class Result:
    """One precondition. ``detail`` says what was found; ``action`` what to do when it is not a pass."""

    check: str
    subject: str
    region: str
    status: str
    detail: str
    action: str = ""

    def line(self) -> str:
        head = {FAIL: "FAIL", NOT_CHECKABLE: "NOT CHECKABLE", PASS: "PASS"}[self.status]
        text = f"{head} {self.check} {self.subject} ({self.region}): {self.detail}"
        return f"{text}; {self.action}" if self.action and self.status != PASS else text


@dataclass
class Report:
    stack: str
    region: str
    results: list[Result] = field(default_factory=list)

    def extend(self, results) -> None:
        self.results.extend(results)

    def of(self, status: str) -> list[Result]:
        return [r for r in self.ordered() if r.status == status]

    @property
    def failed(self) -> list[Result]:
        return self.of(FAIL)

    @property
    def not_checkable(self) -> list[Result]:
        return self.of(NOT_CHECKABLE)

    def summary(self) -> dict[str, int]:
        return {status: sum(1 for r in self.results if r.status == status) for status in (PASS, FAIL, NOT_CHECKABLE)}

    def ordered(self) -> list[Result]:
        # Stable: the registry's order of checks is kept inside each status (results are appended in it).
        return sorted(self.results, key=lambda r: _ORDER[r.status])

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0
