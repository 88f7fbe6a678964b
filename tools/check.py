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
# Output
# --------------------------------------------------------------------------------------------------


def _name(urn: str) -> str:
    """``name (Type)`` from a URN: short, and unambiguous between a bucket and its policy."""
    if not urn:
        return "(stack)"
    parts = urn.split("::")
    type_ = parts[2].rsplit("$", 1)[-1].rsplit(":", 1)[-1] if len(parts) >= 4 else ""
    return f"{parts[-1]} ({type_})" if type_ else parts[-1]


def as_table(result) -> str:
    lines = []
    for v in result.violations:
        description, _, message = v.message.partition("\n")
        lines.append(f"{v.enforcement_level.upper():<10} {v.policy}  {_name(v.urn)}")
        lines.append(f"           {message or description}")
    if not result.violations:
        lines.append("No violations.")
    mandatory = len(result.mandatory)
    lines.append("")
    lines.append(
        f"{len(result.evaluated)} rules evaluated on {result.resources} resources: "
        f"{mandatory} mandatory and {len(result.violations) - mandatory} advisory violations, "
        f"{len(result.not_applicable)} not applicable (exempted or unconfigured)."
    )
    lines.append("Rules evaluated: " + ", ".join(result.evaluated))
    if result.disabled:
        lines.append("Rules disabled by config: " + ", ".join(result.disabled))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(result) -> str:
    mandatory = len(result.mandatory)
    lines = [
        "## Policy check",
        "",
        f"{len(result.evaluated)} rules on {result.resources} resources: **{mandatory} mandatory**, "
        f"{len(result.violations) - mandatory} advisory violations.",
        "",
    ]
    if result.violations:
        lines += ["| Level | Rule | Resource | Message |", "|---|---|---|---|"]
        for v in result.violations:
            message = v.message.partition("\n")[2] or v.message
            lines.append(f"| {v.enforcement_level} | `{v.policy}` | `{_cell(_name(v.urn))}` | {_cell(message)} |")
        lines.append("")
    lines.append("<details><summary>Rules evaluated</summary>")
    lines.append("")
    lines += [f"- `{name}`" for name in result.evaluated]
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def format_result(result, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return as_markdown(result)
    return as_table(result)


def check_stack(
    *, stack: str = "prod", stack_file: Path | None = None, from_json: Path | None = None,
    config_file: Path | None = None, region: str | None = None,
):
    """Render (or read) the stack and run the pack on it. Raises ``BadInput``; returns the result."""
    from policies.rules.runner import PolicyConfigError, run_policies

    config: dict[str, Any] = {}
    if from_json is not None:
        render = read_json(from_json, "the render")
        if not isinstance(render, dict) or not isinstance(render.get("resources"), list):
            raise BadInput([f"{from_json}: not an `estate preview --format json` render (no \"resources\" list)"])
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
        region = region or estate.region
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
        return run_policies(render, config=config, region=region)
    except PolicyConfigError as error:
        raise BadInput([f"policy-pack config: {error}"]) from None
