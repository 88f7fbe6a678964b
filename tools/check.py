"""The policy pack, offline, on a rendered stack: the library behind ``estate check`` and
``estate policy-config`` (tools/commands/check.py).

``estate check`` runs the very policy objects of ``policies/`` (``policies.rules.ALL_POLICIES``)
in-process on the offline render, with the engine's semantics (``policies/rules/runner.py``).
``estate policy-config`` writes the policy-pack config JSON for the real CLI
(``pulumi preview --policy-pack policies --policy-pack-config FILE``): the estate's exemptions
(per rule, plus the full list for ``estate-exemption-unexpired``) and the estate-derived rule
parameters. ``estate check --stack`` applies the same config itself.

Exit codes: 0 no mandatory violation; 1 a mandatory rule is violated; 2 bad input; 70 a crash.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data.model import Estate
from tools.stacks import BadInput, load_stack, stack_path

MERGED_LISTS = ("exemptions", "declared")


# --------------------------------------------------------------------------------------------------
# The estate's policy-pack config
# --------------------------------------------------------------------------------------------------


def estate_namespaces(estate: Estate) -> list[str]:
    """The custom CloudWatch namespaces the estate's services publish to and alarm on."""
    found = set()
    for service in estate.services:
        found.update(alarm.namespace for alarm in service.metric_alarms)
        if service.env.get("CLOUDWATCH_NAMESPACE"):
            found.add(service.env["CLOUDWATCH_NAMESPACE"])
    found.update(alarm.namespace for alarm in estate.platform_alarms)
    for board in estate.dashboards:
        if board.business_metrics is not None:
            found.add(board.business_metrics.namespace)
    return sorted(found)


def exemption_problems(estate: Estate, render: Any = None) -> list[str]:
    """What is wrong with the estate's exemptions: an unknown rule, and (given the render, a ``Render``
    or its JSON) a ``resource`` that names no resource of the stack, which would waive nothing,
    silently (issue 12 #11). One line each, with the key path."""
    import difflib

    from policies.rules import INFO
    from policies.rules.base import STACK_TARGET, resource_name

    problems = []
    for i, exemption in enumerate(estate.exemptions):
        if exemption.policy not in INFO:
            hint = difflib.get_close_matches(exemption.policy, sorted(INFO), n=1)
            problems.append(f"estate.exemptions[{i}].policy: unknown policy '{exemption.policy}'"
                            + (f" (did you mean '{hint[0]}'?)" if hint else " (the rules: docs/policies.md)"))
    if render is None:
        return problems
    resources = render["resources"] if isinstance(render, Mapping) else [r.to_dict() for r in render.resources]
    urns = {r["urn"] for r in resources if isinstance(r, Mapping) and isinstance(r.get("urn"), str)}
    names = {resource_name(urn) for urn in urns}
    for i, exemption in enumerate(estate.exemptions):
        if exemption.resource in urns or exemption.resource in names or exemption.resource == STACK_TARGET:
            continue
        hint = difflib.get_close_matches(exemption.resource, sorted(names), n=1)
        problems.append(
            f"estate.exemptions[{i}].resource: '{exemption.resource}' matches no resource of the stack"
            + (f" (did you mean '{hint[0]}'?)" if hint else "")
            + f"; name a resource's logical name or URN, or '{STACK_TARGET}' for a stack-wide finding"
        )
    return problems


def estate_policy_config(estate: Estate) -> dict[str, Any]:
    """Policy-pack config derived from the estate: exemptions and the rules' estate parameters."""
    from policies.rules.service_signals import switched_off

    config: dict[str, dict[str, Any]] = {}
    unknown = exemption_problems(estate)
    if unknown:
        raise BadInput(unknown)
    for exemption in estate.exemptions:
        config.setdefault(exemption.policy, {}).setdefault("exemptions", []).append(
            {"resource": exemption.resource, "reason": exemption.reason, "expires": exemption.expires.isoformat()}
        )
    config.setdefault("estate-exemption-unexpired", {})["declared"] = [
        {"policy": e.policy, "resource": e.resource, "reason": e.reason, "expires": e.expires.isoformat()}
        for e in estate.exemptions
    ]
    namespaces = estate_namespaces(estate)
    if namespaces:
        config.setdefault("alerting-alarm-custom-namespace", {})["namespaces"] = namespaces
    if estate.alerting.sms.external_regions:  # issue 10 #5: another stack declares these regions' SMS preferences
        config.setdefault("alerting-sms-preferences-per-region", {})["external_regions"] = list(estate.alerting.sms.external_regions)
    config.setdefault("services-environment-health-check", {})["paths"] = {  # issue 12 #12: each service's own path
        s.environment_name: s.health_check.path for s in estate.services if s.kind == "beanstalk"}
    if switched := switched_off(estate):  # issue 12 #7: signals the stack file switches off
        config.setdefault("services-environment-alarms", {})["switched_off"] = switched
    objectives = {s.name: {"availability": s.slo.availability, "window_days": s.slo.window_days}
                  for s in estate.services if s.slo is not None}
    if objectives:  # issue 14: the thresholds are checked against the declared objectives, not only the alarms' tags
        config.setdefault("alerting-slo-burn-rate-threshold", {})["objectives"] = objectives
    config.setdefault("services-environment-managed-updates", {})["preferredStartTime"] = estate.maintenance.preferred.eb_start_time
    if estate.cache is not None:
        window = estate.cache.maintenance_window or estate.maintenance.preferred
        config.setdefault("cache-redis-maintenance-window", {})["window"] = window.window
    return dict(sorted(config.items()))


def merge_configs(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` wins, except that exemption lists add up."""
    merged: dict[str, Any] = {key: (dict(value) if isinstance(value, Mapping) else value) for key, value in base.items()}
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            for prop, prop_value in value.items():
                if prop in MERGED_LISTS and isinstance(current.get(prop), list) and isinstance(prop_value, list):
                    current[prop] = current[prop] + list(prop_value)
                else:
                    current[prop] = prop_value
        else:
            merged[key] = dict(value) if isinstance(value, Mapping) else value
    return merged


def read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BadInput([f"{path}: cannot read {what}: {error.strerror or error}"]) from None
    except ValueError as error:
        raise BadInput([f"{path}: {what} is not valid JSON: {error}"]) from None


# The engine's JSON contract, per resource: field -> (accepted types, what to call them, required).
RESOURCE_FIELDS: dict[str, tuple[tuple[type, ...], str, bool]] = {
    "urn": ((str,), "a string", True),
    "type": ((str,), "a string", True),
    "name": ((str,), "a string", True),
    "custom": ((bool,), "a boolean", False),
    "protect": ((bool,), "a boolean", False),
    "inputs": ((dict,), "an object", False),
    "dependencies": ((list,), "a list of URNs", False),
    "parent": ((str, type(None)), "a URN or null", False),
    "provider": ((str, type(None)), "a URN or null", False),
}
_JSON_TYPES = {str: "a string", bool: "a boolean", int: "a number", float: "a number", dict: "an object", list: "a list", type(None): "null"}
MAX_RENDER_PROBLEMS = 10


def render_problems(render: Mapping[str, Any]) -> list[str]:
    """What makes a render break the engine's JSON contract, one line per problem (none: it is usable)."""
    problems = []
    for index, resource in enumerate(render["resources"]):
        where = f"resources[{index}]"
        if not isinstance(resource, dict):
            problems.append(f"{where}: expected an object, got {_JSON_TYPES.get(type(resource), type(resource).__name__)}")
            continue
        label = f"{where} ({resource['urn']})" if isinstance(resource.get("urn"), str) else where
        for field, (types, expected, required) in RESOURCE_FIELDS.items():
            if field not in resource:
                if required:
                    problems.append(f'{label}: "{field}" is missing')
                continue
            value = resource[field]
            if not isinstance(value, types):  # (no int among the types, so a boolean never passes for one)
                problems.append(f'{label}: "{field}" must be {expected}, got {_JSON_TYPES.get(type(value), type(value).__name__)}')
            elif field == "dependencies" and not all(isinstance(urn, str) for urn in value):
                problems.append(f'{label}: "dependencies" must be {expected}, got a non-string item')
    if len(problems) > MAX_RENDER_PROBLEMS:
        problems = problems[:MAX_RENDER_PROBLEMS] + [f"... and {len(problems) - MAX_RENDER_PROBLEMS} more problems"]
    return problems


def default_stack_file(render: Mapping[str, Any]) -> Path | None:
    """``Pulumi.<stack>.yaml`` of the render's stack in the project, when it exists (said on stderr);
    otherwise a warning that no exemption or estate parameter applies."""
    stack = render.get("stack")
    if isinstance(stack, str) and stack:
        path = stack_path(stack)
        if path.is_file():
            print(f"no --stack-file: applying the exemptions and parameters of {path} (the render's stack '{stack}')", file=sys.stderr)
            return path
        missing = f"no {path}"
    else:
        missing = "the render names no stack"
    print(
        f"warning: no --stack-file and {missing}: exemptions and estate parameters are not applied "
        "(an expired exemption is not reported); pass --stack-file",
        file=sys.stderr,
    )
    return None


def load_estate(stack: str, stack_file: Path | None):
    """(stack file, estate), a configuration mistake raised as ``BadInput``."""
    from data.config import EstateConfigError

    try:
        return load_stack(stack, stack_file)
    except EstateConfigError as error:
        raise BadInput(error.problems) from None


# --------------------------------------------------------------------------------------------------
# The report: the pack's result, the findings exemptions waived, and where the stack file says so
# --------------------------------------------------------------------------------------------------

LEVEL_ORDER = {"mandatory": 0, "advisory": 1}


def finding_order(violation) -> tuple:
    """Mandatory first, then advisory; within a level by rule, resource and message."""
    return (LEVEL_ORDER.get(violation.enforcement_level, len(LEVEL_ORDER)), violation.policy, violation.urn, violation.message)


@dataclass(frozen=True)
class ExemptedFinding:
    """A finding the pack would report but an exemption waives: the violation, and the exemption's
    reason, expiry and index in ``estate.exemptions`` (None when it came from a ``--config`` file)."""

    violation: Any
    reason: str
    expires: str
    index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.violation.to_dict(), "reason": self.reason, "expires": self.expires,
                "exemption": None if self.index is None else f"estate.exemptions[{self.index}]"}


@dataclass
class CheckReport:
    """What ``estate check`` prints: ``result`` (the runner's), the exempted findings, and what SARIF
    needs to locate a finding: the stack file, the stack name and each resource's parent and name."""

    result: Any
    exempted: list[ExemptedFinding] = field(default_factory=list)
    stack: str | None = None
    stack_file: Path | None = None
    parents: dict[str, str | None] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def findings(self) -> list:
        return sorted(self.result.violations, key=finding_order)

    @property
    def exit_code(self) -> int:
        return self.result.exit_code

    def to_dict(self) -> dict[str, Any]:
        report = self.result.to_dict()
        report["violations"] = [v.to_dict() for v in self.findings]
        report["exempted"] = [e.to_dict() for e in sorted(self.exempted, key=lambda e: finding_order(e.violation))]
        report["summary"]["exempted"] = len(self.exempted)
        return report


def _without_exemptions(config: Mapping[str, Any]) -> dict[str, Any]:
    return {name: ({k: v for k, v in value.items() if k != "exemptions"} if isinstance(value, Mapping) else value)
            for name, value in config.items()}


def _waiver(config: Mapping[str, Any], violation, estate: Estate | None) -> tuple[str, str, int | None]:
    """(reason, expiry, index in the estate's exemptions) of the exemption waiving ``violation``."""
    from policies.rules.base import STACK_TARGET, active_exemption

    rule_config = config.get(violation.policy)
    exemption = active_exemption(rule_config, violation.urn or STACK_TARGET) if isinstance(rule_config, Mapping) else None
    if exemption is None:
        return "exempted by the policy-pack config", "", None
    reason, expires = str(exemption.get("reason", "")), str(exemption.get("expires", ""))
    index = next((i for i, e in enumerate(estate.exemptions if estate is not None else [])
                  if (e.policy, e.resource, e.reason, e.expires.isoformat()) == (violation.policy, exemption.get("resource"), reason, expires)), None)
    return reason, expires, index


def exempted_findings(render: Any, config: Mapping[str, Any], result, estate: Estate | None, region: str | None) -> list[ExemptedFinding]:
    """The findings the config's exemptions waive: the pack run again without them, minus ``result``.
    (Only when there are exemptions: a second run costs as much as the first.)"""
    from collections import Counter

    from policies.rules.runner import run_policies

    if not any(isinstance(v, Mapping) and v.get("exemptions") for v in config.values()):
        return []
    reported = Counter((v.policy, v.urn, v.message) for v in result.violations)
    waived = []
    for violation in run_policies(render, config=_without_exemptions(config), region=region).violations:
        key = (violation.policy, violation.urn, violation.message)
        if reported[key]:
            reported[key] -= 1
            continue
        waived.append(ExemptedFinding(violation, *_waiver(config, violation, estate)))
    return waived


def format_result(report, fmt: str, *, verbose: bool = False) -> str:
    """``report`` (a ``CheckReport``, or the runner's bare result) as table, json, markdown or sarif."""
    from tools.check_output import as_markdown, as_table

    if not isinstance(report, CheckReport):
        report = CheckReport(report)
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        from tools.sarif import sarif_text

        return sarif_text(report)
    if fmt == "markdown":
        return as_markdown(report, verbose=verbose)
    return as_table(report, verbose=verbose)


def _tree(render: Any) -> tuple[dict[str, str | None], dict[str, str]]:
    resources = render["resources"] if isinstance(render, Mapping) else [r.to_dict() for r in render.resources]
    resources = [r for r in resources if isinstance(r, Mapping) and isinstance(r.get("urn"), str)]
    return {r["urn"]: r.get("parent") for r in resources}, {r["urn"]: str(r.get("name", "")) for r in resources}


def check_stack(
    *, stack: str = "prod", stack_file: Path | None = None, from_json: Path | None = None,
    config_file: Path | None = None, region: str | None = None,
):
    """Render (or read) the stack and run the pack on it. Raises ``BadInput``; returns the report."""
    from policies.rules.runner import PolicyConfigError, run_policies

    config: dict[str, Any] = {}
    estate: Estate | None = None
    if from_json is not None:
        render = read_json(from_json, "the render")
        if not isinstance(render, dict) or not isinstance(render.get("resources"), list):
            raise BadInput([f"{from_json}: not an `estate preview --format json` render (no \"resources\" list)"])
        stack = stack or (render.get("stack") if isinstance(render.get("stack"), str) else None)
        problems = render_problems(render)
        if problems:
            raise BadInput([f"{from_json}: not an `estate preview --format json` render: {problem}" for problem in problems])
        if stack_file is None:
            stack_file = default_stack_file(render)
        if stack_file is not None:  # exemptions and parameters of that estate
            estate = load_estate(stack, stack_file)[1]
            problems = exemption_problems(estate, render)
            if problems:
                raise BadInput(problems)
            config = estate_policy_config(estate)
    else:
        from infra.engine import render_stack

        parsed, estate = load_estate(stack, stack_file)
        region, stack_file, stack = region or estate.region, parsed.path, parsed.stack
        render = render_stack(parsed)  # a RenderError is the program's crash, not bad input: the command says so
        problems = exemption_problems(estate, render)
        if problems:
            raise BadInput(problems)
        config = estate_policy_config(estate)
    if config_file is not None:
        given = read_json(config_file, "the policy-pack config")
        if not isinstance(given, dict):
            raise BadInput([f"{config_file}: the policy-pack config must be a JSON object"])
        config = merge_configs(config, given)
    try:
        result = run_policies(render, config=config, region=region)
        exempted = exempted_findings(render, config, result, estate, region)
    except PolicyConfigError as error:
        raise BadInput([f"policy-pack config: {error}"]) from None
    parents, names = _tree(render)
    return CheckReport(result, exempted, stack=stack or None, stack_file=stack_file, parents=parents, names=names)
