"""``estate check`` for people: the table (terminal) and the markdown (pull-request comment).

Both list the findings mandatory first, each with its rule's remediation, then the exempted findings
with the exemption's reason and expiry; the names of the rules evaluated only under ``--verbose``
(there are dozens: on every run they buried the findings). SARIF, for code scanning, is ``tools/sarif.py``.
"""

from __future__ import annotations

import textwrap

from tools.check import CheckReport, finding_order
from tools.stack_lines import owner_locator, project_relative

INDENT = " " * 11
WIDTH = 110
UNKNOWN_DIAGNOSTIC = "can't run policy"  # the engine's advisory when a rule reads an unknown value (runner.py)


def remediations() -> dict[str, str]:
    """Each rule's remediation (``remediation=`` of its registration in policies/rules/)."""
    from policies.rules import ALL_POLICIES

    return {policy.name: " ".join((policy.remediation_steps or "").split()) for policy in ALL_POLICIES}


def remediation_of(violation, fixes: dict[str, str]) -> str:
    """The rule's remediation; none for the engine's "can't run policy during preview" diagnostic,
    which is about an unknown value, not about what the rule requires."""
    if violation.message.startswith(UNKNOWN_DIAGNOSTIC):
        return ""
    return fixes.get(violation.policy, "")


def resource_label(urn: str) -> str:
    """``name (Type)`` from a URN: short, and unambiguous between a bucket and its policy."""
    if not urn:
        return "(stack)"
    parts = urn.split("::")
    type_ = parts[2].rsplit("$", 1)[-1].rsplit(":", 1)[-1] if len(parts) >= 4 else ""
    return f"{parts[-1]} ({type_})" if type_ else parts[-1]


def finding_text(violation) -> str:
    """The message after the rule's description (the runner joins them with a newline), else all of it."""
    description, _, message = violation.message.partition("\n")
    return message or description


def _wrapped(label: str, text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=f"{INDENT}{label}", subsequent_indent=INDENT + " " * len(label),
                         break_on_hyphens=False) or [f"{INDENT}{label}"]


def declared_at(report: CheckReport):
    """``urn -> "Pulumi.prod.yaml:75 (estate.services[2])"``: where the stack file declares the
    resource's owner ("" without a stack file)."""
    locate = owner_locator(report.stack_file, report.parents, report.names)
    shown = (project_relative(report.stack_file) or str(report.stack_file)) if report.stack_file is not None else ""

    def where(urn: str) -> str:
        location = locate(urn)
        return f"{shown}:{location.line} ({location.label})" if location is not None else ""

    return where


def _summary(report: CheckReport) -> str:
    result = report.result
    mandatory = len(result.mandatory)
    return (f"{len(result.evaluated)} rules evaluated on {result.resources} resources: "
            f"{mandatory} mandatory and {len(result.violations) - mandatory} advisory violations, "
            f"{len(report.exempted)} exempted, {len(result.not_applicable)} not applicable (exempted or unconfigured).")


def as_table(report: CheckReport, *, verbose: bool = False) -> str:
    fixes, where, lines = remediations(), declared_at(report), []
    for v in report.findings:
        lines.append(f"{v.enforcement_level.upper():<10} {v.policy}  {resource_label(v.urn)}")
        lines += _wrapped("", finding_text(v))
        if fix := remediation_of(v, fixes):
            lines += _wrapped("Fix: ", fix)
        if declared := where(v.urn):
            lines.append(f"{INDENT}Declared at {declared}")
    if not report.result.violations:
        lines.append("No violations.")
    if report.exempted:
        lines += ["", f"Exempted findings ({len(report.exempted)}), not counted:"]
        for e in sorted(report.exempted, key=lambda e: finding_order(e.violation)):
            lines.append(f"{'EXEMPTED':<10} {e.violation.policy}  {resource_label(e.violation.urn)}  "
                         f"({e.violation.enforcement_level})")
            lines += _wrapped("", finding_text(e.violation))
            lines += _wrapped("Exempted ", f"until {e.expires or '?'}: {e.reason}")
            if declared := where(e.violation.urn):
                lines.append(f"{INDENT}Declared at {declared}")
    lines += ["", _summary(report)]
    if verbose:
        lines.append("Rules evaluated: " + ", ".join(report.result.evaluated))
    if report.result.disabled:
        lines.append("Rules disabled by config: " + ", ".join(report.result.disabled))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(report: CheckReport, *, verbose: bool = False) -> str:
    result, fixes, where = report.result, remediations(), declared_at(report)
    mandatory = len(result.mandatory)
    lines = [
        "## Policy check",
        "",
        f"{len(result.evaluated)} rules on {result.resources} resources: **{mandatory} mandatory**, "
        f"{len(result.violations) - mandatory} advisory violations, {len(report.exempted)} exempted.",
        "",
    ]
    if result.violations:
        lines += ["| Level | Rule | Resource | Finding | Remediation |", "|---|---|---|---|---|"]
        for v in report.findings:
            level = f"**{v.enforcement_level}**" if v.enforcement_level == "mandatory" else v.enforcement_level
            declared = f"<br>{_cell(where(v.urn))}" if where(v.urn) else ""
            lines.append(f"| {level} | `{v.policy}` | `{_cell(resource_label(v.urn))}`{declared} | {_cell(finding_text(v))} "
                         f"| {_cell(remediation_of(v, fixes)) or '—'} |")
        lines.append("")
    if report.exempted:
        lines += ["### Exempted findings", "", "| Rule | Resource | Reason | Expires | Finding |", "|---|---|---|---|---|"]
        for e in sorted(report.exempted, key=lambda e: finding_order(e.violation)):
            lines.append(f"| `{e.violation.policy}` ({e.violation.enforcement_level}) | `{_cell(resource_label(e.violation.urn))}` "
                         f"| {_cell(e.reason)} | {e.expires or '?'} | {_cell(finding_text(e.violation))} |")
        lines.append("")
    if verbose:
        lines += ["<details><summary>Rules evaluated</summary>", ""]
        lines += [f"- `{name}`" for name in result.evaluated]
        lines += ["", "</details>"]
    if result.disabled:
        lines += ["", "Rules disabled by config: " + ", ".join(f"`{name}`" for name in result.disabled)]
    return "\n".join(lines) + "\n"
