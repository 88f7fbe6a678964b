"""The two outputs of ``estate preflight``: text for people (one line per failed precondition, what to
do included; passes and not-checkables summarised) and JSON for machines (every result)."""

from __future__ import annotations

import json
from dataclasses import asdict

from tools.preflight.result import FAIL, NOT_CHECKABLE, PASS, Report


def to_text(report: Report) -> str:
    counts = report.summary()
    lines = [
        f"estate preflight: stack {report.stack} ({report.region}): {counts[FAIL]} failed, {counts[PASS]} passed,"
        f" {counts[NOT_CHECKABLE]} not checkable"
    ]
    lines += [r.line() for r in report.failed]
    unchecked = report.not_checkable
    if unchecked:
        lines.append(f"not checkable, look by hand ({len(unchecked)}):")
        lines += [f"  {r.check} {r.subject} ({r.region}): {r.detail}" + (f"; {r.action}" if r.action else "") for r in unchecked]
    passed = report.of(PASS)
    if passed:
        per_check: dict[str, int] = {}
        for r in passed:
            per_check[r.check] = per_check.get(r.check, 0) + 1
        lines.append("passed: " + ", ".join(f"{check} {n}" for check, n in per_check.items()))
    if not report.failed:
        lines.append("every checkable precondition holds: `pulumi up` may run")
    return "\n".join(lines)


def to_json(report: Report) -> str:
    return json.dumps(
        {
            "stack": report.stack,
            "region": report.region,
            "ok": not report.failed,
            "summary": report.summary(),
            "results": [asdict(r) for r in report.ordered()],
        },
        indent=2,
        sort_keys=True,
    )
