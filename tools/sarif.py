"""``estate check --format sarif``: the findings as SARIF 2.1.0, for GitHub code scanning.

One run; ``tool.driver.rules`` holds every rule of the pack (id, descriptions, the remediation as help,
mandatory -> ``error`` and advisory -> ``warning``). Each finding is a result located at the stack-file
line that declares the owner of its resource (``tools/stack_lines.py``), with the resource's URN as its
logical location; an exempted finding is a result with an external suppression whose justification is
the exemption's reason (and a related location at the exemption). ``partialFingerprints`` key a result
by rule and URN, so two findings on one line stay two alerts and an alert survives the line moving.

The schema is OASIS's sarif-schema-2.1.0.json (vendored in tests/sarif/, where its README says where it
comes from). What GitHub adds to the schema (a rule id and a physical location on every result) is
``github_problems``: https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from tools.check import CheckReport, ExemptedFinding, finding_order
from tools.check_output import remediation_of, remediations
from tools.stack_lines import StackLines, StackLocation, owner_names, project_relative

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "estate check"
LEVELS = {"mandatory": "error", "advisory": "warning"}
# GitHub's "security-severity" (0.0-10.0) of the pack's severities, for the security rules only.
SECURITY_SEVERITY = {"low": "3.0", "medium": "5.0", "high": "8.0", "critical": "9.5"}
FINGERPRINT = "estateFinding/v1"


def _level(enforcement_level: Any) -> str:
    value = getattr(enforcement_level, "value", enforcement_level)
    return LEVELS.get(str(value), "note")


def _rules() -> list[dict[str, Any]]:
    from policies.rules import ALL_POLICIES, INFO

    fixes, rules = remediations(), []
    for policy in ALL_POLICIES:
        info = INFO[policy.name]
        properties: dict[str, Any] = {"tags": [info.area, info.category], "runbook": info.runbook}
        severity = getattr(policy.severity, "value", None)
        if info.category == "security" and severity in SECURITY_SEVERITY:
            properties["security-severity"] = SECURITY_SEVERITY[severity]
        rules.append({
            "id": policy.name,
            "shortDescription": {"text": policy.description},
            "fullDescription": {"text": f"{policy.description} ({info.category}; runbook: {info.runbook})"},
            "help": {"text": fixes[policy.name], "markdown": f"**Remediation:** {fixes[policy.name]}"},
            "defaultConfiguration": {"level": _level(policy.enforcement_level)},
            "properties": properties,
        })
    return rules


def artifact_uri(path: Path) -> str:
    """The stack file relative to the project root (the repository root in CI), else an absolute file URI."""
    return project_relative(path) or path.resolve().as_uri()


def _physical(uri: str, location: StackLocation) -> dict[str, Any]:
    return {"artifactLocation": {"uri": uri}, "region": {"startLine": location.line}}


class _Locator:
    """The stack file's lines and the render's tree, shared by every result."""

    def __init__(self, report: CheckReport):
        self.report = report
        self.lines = StackLines(report.stack_file) if report.stack_file is not None and report.stack_file.is_file() else None
        self.uri = artifact_uri(report.stack_file) if self.lines is not None else None
        self.fingerprints: dict[tuple[str, str], int] = {}

    def locations(self, violation) -> list[dict[str, Any]]:
        urn = violation.urn
        logical = {"fullyQualifiedName": urn or "stack", "name": urn.rsplit("::", 1)[-1] if urn else "stack",
                   "kind": "resource" if urn else "module"}
        location: dict[str, Any] = {"logicalLocations": [logical]}
        if self.lines is not None:
            owner = self.lines.owner(urn, owner_names(urn, self.report.parents, self.report.names))
            location["physicalLocation"] = _physical(self.uri, owner)
            location["message"] = {"text": f"declared by {owner.label}"}
        return [location]

    def exemption(self, index: int | None) -> list[dict[str, Any]]:
        if self.lines is None or index is None:
            return []
        where = self.lines.at(("exemptions", index))
        return [{"id": 1, "physicalLocation": _physical(self.uri, where), "message": {"text": f"the exemption, {where.label}"}}]


def _fingerprint(violation, seen: dict[tuple[str, str], int]) -> str:
    """Rule and URN (and, for a rule reporting twice on one resource, the occurrence): stable when the
    stack file's lines move or a message's numbers change."""
    key = (violation.policy, violation.urn)
    seen[key] = seen.get(key, 0) + 1
    occurrence = f"\n{seen[key]}" if seen[key] > 1 else ""
    return hashlib.sha256(f"{violation.policy}\n{violation.urn}{occurrence}".encode()).hexdigest()


def _result(violation, rule_index: dict[str, int], locator: _Locator, fixes: dict[str, str]) -> dict[str, Any]:
    text = violation.message.replace("\n", ": ", 1)
    if fix := remediation_of(violation, fixes):
        text += f" Remediation: {fix}"
    result: dict[str, Any] = {
        "ruleId": violation.policy,
        "level": _level(violation.enforcement_level),
        "message": {"text": text},
        "locations": locator.locations(violation),
        "partialFingerprints": {FINGERPRINT: _fingerprint(violation, locator.fingerprints)},
    }
    if violation.policy in rule_index:
        result["ruleIndex"] = rule_index[violation.policy]
    return result


def _suppressed(exempted: ExemptedFinding, rule_index: dict[str, int], locator: _Locator, fixes: dict[str, str]) -> dict[str, Any]:
    result = _result(exempted.violation, rule_index, locator, fixes)
    expiry = f" (exempted until {exempted.expires})" if exempted.expires else ""
    result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": f"{exempted.reason}{expiry}",
                               "properties": {"expires": exempted.expires}}]
    if related := locator.exemption(exempted.index):
        result["relatedLocations"] = related
    return result


def as_sarif(report: CheckReport) -> dict[str, Any]:
    from policies.rules import PACK_NAME, PACK_VERSION

    rules = _rules()
    rule_index = {rule["id"]: index for index, rule in enumerate(rules)}
    locator, fixes = _Locator(report), remediations()
    if locator.lines is None:
        print("warning: no stack file: SARIF results carry no file location (GitHub code scanning needs one); "
              "pass --stack or --stack-file", file=sys.stderr)
    results = [_result(v, rule_index, locator, fixes) for v in report.findings]
    results += [_suppressed(e, rule_index, locator, fixes) for e in sorted(report.exempted, key=lambda e: finding_order(e.violation))]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": TOOL_NAME, "fullName": f"{TOOL_NAME} ({PACK_NAME})", "version": PACK_VERSION,
                            "semanticVersion": PACK_VERSION, "rules": rules}},
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if report.stack:
        run["automationDetails"] = {"id": f"estate-check/{report.stack}/"}
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def sarif_text(report: CheckReport) -> str:
    return json.dumps(as_sarif(report), indent=2, ensure_ascii=False) + "\n"


def github_problems(document: dict[str, Any]) -> list[str]:
    """What GitHub code scanning needs beyond the schema: each result names a rule of the driver and
    has a physical location with a file and a line. One line per problem (none: uploadable)."""
    problems = []
    for r, run in enumerate(document.get("runs", [])):
        known = {rule.get("id") for rule in run.get("tool", {}).get("driver", {}).get("rules", [])}
        for i, result in enumerate(run.get("results", [])):
            where = f"runs[{r}].results[{i}]"
            if result.get("ruleId") not in known:
                problems.append(f"{where}.ruleId: {result.get('ruleId')!r} is not a rule of tool.driver.rules")
            physical = [loc.get("physicalLocation") for loc in result.get("locations", []) if loc.get("physicalLocation")]
            if not any(p.get("artifactLocation", {}).get("uri") and p.get("region", {}).get("startLine") for p in physical):
                problems.append(f"{where}.locations: no physicalLocation with an artifactLocation.uri and a region.startLine")
    return problems
