"""The policy pack's rules as tables: a summary for the README and the full table for docs/policies.md."""

from __future__ import annotations

from typing import Any

from pulumi_policy import StackValidationPolicy

from policies.rules import ALL_POLICIES, INFO
from tools.reference.markdown import table


def _severity(policy: Any) -> str:
    return str(getattr(policy.severity, "value", policy.severity))


def _parameters(policy: Any) -> list[str]:
    """The rule's own config parameters (every rule also takes ``exemptions``)."""
    properties = policy.config_schema.properties if policy.config_schema else {}
    return [name for name in properties if name != "exemptions"]


def rules_summary() -> str:
    """README: one line per rule, by name."""
    rows = [
        (f"`{policy.name}`", _severity(policy), policy.enforcement_level.value, INFO[policy.name].runbook)
        for policy in sorted(ALL_POLICIES, key=lambda p: p.name)
    ]
    return table(("Rule", "Severity", "Level", "Checklist item"), rows)


def rules_table() -> str:
    """docs/policies.md: every rule in registration order, with its requirement and remediation."""
    rows = []
    for policy in ALL_POLICIES:
        info = INFO[policy.name]
        kind = "stack" if isinstance(policy, StackValidationPolicy) else "resource"
        text = f"{policy.description} *Fix:* {policy.remediation_steps}"
        parameters = _parameters(policy)
        if parameters:
            text += " Parameters: " + ", ".join(f"`{name}`" for name in parameters) + "."
        rows.append((
            f"`{policy.name}`", kind, _severity(policy), f"{policy.enforcement_level.value} ({info.category})",
            info.runbook, text,
        ))
    header = ("Rule", "Kind", "Severity", "Level (category)", "Checklist item (RT's seed sections: docs/rt-technologie.md)", "Requirement and remediation")
    return table(header, rows)
