"""Run the pack's policies in-process on an offline render, with the engine's semantics.

What the Pulumi engine and pulumi_policy's analyzer do, reproduced step by step:

- configuration: each policy's default level (its own, else the pack's), defaults from its
  ``config_schema``, then ``"all"``'s level, then per-policy entries (``"advisory"`` or
  ``{"enforcementLevel": ..., <property>: value}``), as Pulumi's ``ReconcilePolicyPackConfig``;
  ``disabled`` policies do not run; ``remediate`` is reported as ``mandatory``;
- every resource goes through every resource policy, and the whole stack (parents and
  dependencies linked as ``PolicyResource`` objects) through every stack policy;
- props and provider props wrapped with ``pulumi_policy.proxy.unknown_checking_proxy``; the
  render's ``"[unknown]"`` becomes the engine's unknown sentinel, so a rule reading it raises;
- a rule that reads an unknown value yields one advisory diagnostic "can't run policy ... during
  preview: ..." instead of its violations; ``args.not_applicable(reason)`` is recorded;
- violation text: the policy description, a newline, then the message.

The render is the engine helper's JSON contract (``{"project","stack","resources":[{"urn","type",
"name","custom","parent","provider","protect","dependencies","inputs"}]}``) or an
``infra.engine.Render``. Resources without an explicit provider get the default one with the
render's region, when it is known, as the engine passes its default provider.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import PolicyCustomTimeouts, _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from . import ALL_POLICIES, PACK_NAME, PACK_VERSION  # the package loads every rule

RENDER_UNKNOWN = "[unknown]"
PACK_DEFAULT_LEVEL = EnforcementLevel.ADVISORY  # what policies/__main__.py passes to PolicyPack
LEVELS = {level.value: level for level in EnforcementLevel}


class PolicyConfigError(ValueError):
    """The policy-pack config is malformed (the CLI would refuse it)."""


@dataclass
class Violation:
    policy: str
    urn: str
    message: str
    enforcement_level: str
    severity: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy, "urn": self.urn, "message": self.message,
            "enforcementLevel": self.enforcement_level, "severity": self.severity,
        }


@dataclass
class CheckResult:
    violations: list[Violation] = field(default_factory=list)
    evaluated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    not_applicable: list[dict[str, str]] = field(default_factory=list)
    resources: int = 0

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement_level == "mandatory"]

    @property
    def exit_code(self) -> int:
        return 1 if self.mandatory else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "policyPack": f"{PACK_NAME}@v{PACK_VERSION}",
            "resources": self.resources,
            "violations": [v.to_dict() for v in self.violations],
            "evaluated": list(self.evaluated),
            "disabled": list(self.disabled),
            "notApplicable": list(self.not_applicable),
            "summary": {
                "mandatory": len(self.mandatory),
                "advisory": len(self.violations) - len(self.mandatory),
            },
        }


# --------------------------------------------------------------------------------------------------
# Configuration (Pulumi's ReconcilePolicyPackConfig)
# --------------------------------------------------------------------------------------------------


def _level(value: Any, where: str) -> EnforcementLevel:
    if not isinstance(value, str) or value not in LEVELS:
        raise PolicyConfigError(f"{where}: {value!r} is not an enforcement level ({', '.join(LEVELS)})")
    return LEVELS[value]


def _split(value: Any, where: str) -> tuple[EnforcementLevel | None, dict[str, Any]]:
    if isinstance(value, str):
        return _level(value, where), {}
    if isinstance(value, Mapping):
        props = {k: v for k, v in value.items() if k != "enforcementLevel"}
        level = _level(value["enforcementLevel"], f"{where}.enforcementLevel") if "enforcementLevel" in value else None
        return level, props
    raise PolicyConfigError(f"{where}: must be an enforcement level or an object")


_JSON_TYPES = {"array": list, "string": str, "number": (int, float), "integer": int, "boolean": bool, "object": dict}


def _validate(policy, props: Mapping[str, Any]) -> None:
    """The type checks of the CLI's JSON-schema validation that matter for our schemas."""
    schema = policy.config_schema.properties if policy.config_schema else {}
    for key, value in props.items():
        expected = schema.get(key, {}).get("type")
        if expected and (not isinstance(value, _JSON_TYPES[expected]) or (expected == "number" and isinstance(value, bool))):
            raise PolicyConfigError(f"{policy.name}.{key}: expected {expected}, got {type(value).__name__}")


def reconcile_config(
    policies: Sequence[Any], config: Mapping[str, Any] | None
) -> dict[str, tuple[EnforcementLevel, dict[str, Any]]]:
    result: dict[str, tuple[EnforcementLevel, dict[str, Any]]] = {}
    for policy in policies:
        defaults = {
            key: spec["default"]
            for key, spec in (policy.config_schema.properties if policy.config_schema else {}).items()
            if "default" in spec
        }
        result[policy.name] = (policy.enforcement_level or PACK_DEFAULT_LEVEL, defaults)
    config = dict(config or {})
    if not isinstance(config, dict):
        raise PolicyConfigError("the policy-pack config must be a JSON object")
    if "all" in config:
        level, _ = _split(config["all"], "all")
        if level is not None:
            result = {name: (level, props) for name, (_, props) in result.items()}
    for name, value in config.items():
        if name == "all":
            continue
        level, props = _split(value, name)
        if name not in result:
            continue  # Pulumi keeps config of unknown policies without effect
        current_level, current_props = result[name]
        result[name] = (level or current_level, {**current_props, **props})
    by_name = {p.name: p for p in policies}
    for name, (_, props) in result.items():
        _validate(by_name[name], props)
    return result


# --------------------------------------------------------------------------------------------------
# From the render to what the analyzer hands a policy
# --------------------------------------------------------------------------------------------------


def _engine_value(value: Any) -> Any:
    """The render's ``"[unknown]"`` marker -> the engine's unknown sentinel (secrets stay "[secret]":
    under the engine a policy sees a secret's plaintext, offline there is none)."""
    if value == RENDER_UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Mapping):
        return {k: _engine_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_engine_value(v) for v in value]
    return value


def _resources_of(render: Any) -> tuple[list[dict[str, Any]], str | None]:
    if isinstance(render, Mapping):
        return list(render.get("resources") or []), render.get("region")
    resources = [r.to_dict() if hasattr(r, "to_dict") else dict(r) for r in render.resources]
    return resources, getattr(render, "region", None)


def _options(resource: Mapping[str, Any]) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=bool(resource.get("protect")), ignore_changes=[], delete_before_replace=None, aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0), additional_secret_outputs=[], parent=resource.get("parent"),
    )


class _Stack:
    """The render indexed as the analyzer sees it.

    The analyzer rebuilds a resource's proxied inputs for every policy; ``pulumi_policy``'s proxy copies
    the whole tree eagerly, which was two thirds of a run (prod: ~1 s of 1.45 s CPU). Here each resource's
    inputs, options and provider are built once and shared by every policy: the proxies are read-only
    mappings and sequences, and no rule writes through one (tests/test_policies_engine.py checks the
    inputs are the same after a run of the pack)."""

    def __init__(self, render: Any, region: str | None):
        self.resources, render_region = _resources_of(render)
        self.region = region or render_region
        self.by_urn = {r["urn"]: r for r in self.resources}
        self._props: dict[str, Any] = {}
        self._providers: dict[str, PolicyProviderResource | None] = {}
        self._options: dict[str, PolicyResourceOptions] = {}
        self._policy_resources: list[PolicyResource] | None = None
        if isinstance(render, Mapping):
            self.project, self.stack = render.get("project", "project"), render.get("stack", "stack")
        else:
            self.project, self.stack = getattr(render, "project", "project"), getattr(render, "stack", "stack")

    def provider(self, resource: Mapping[str, Any]) -> PolicyProviderResource | None:
        if resource["urn"] not in self._providers:
            self._providers[resource["urn"]] = self._provider(resource)
        return self._providers[resource["urn"]]

    def _provider(self, resource: Mapping[str, Any]) -> PolicyProviderResource | None:
        urn = resource.get("provider")
        if urn and urn in self.by_urn:
            provider = self.by_urn[urn]
            return PolicyProviderResource(
                provider["type"], unknown_checking_proxy(_engine_value(provider.get("inputs") or {})), urn, provider["name"]
            )
        package = resource["type"].split(":", 1)[0]
        if package == "aws" and self.region and not resource["type"].startswith("pulumi:providers:"):
            default_urn = f"urn:pulumi:{self.stack}::{self.project}::pulumi:providers:aws::default"
            return PolicyProviderResource("pulumi:providers:aws", unknown_checking_proxy({"region": self.region}), default_urn, "default")
        return None

    def props(self, resource: Mapping[str, Any]):
        if resource["urn"] not in self._props:
            self._props[resource["urn"]] = unknown_checking_proxy(_engine_value(resource.get("inputs") or {}))
        return self._props[resource["urn"]]

    def options(self, resource: Mapping[str, Any]) -> PolicyResourceOptions:
        if resource["urn"] not in self._options:
            self._options[resource["urn"]] = _options(resource)
        return self._options[resource["urn"]]

    def policy_resources(self) -> list[PolicyResource]:
        if self._policy_resources is None:
            self._policy_resources = self._build_policy_resources()
        return self._policy_resources

    def _build_policy_resources(self) -> list[PolicyResource]:
        built = {}
        for r in self.resources:
            built[r["urn"]] = PolicyResource(r["type"], self.props(r), r["urn"], r["name"], self.options(r), self.provider(r), None, [], {})
        for r in self.resources:
            resource = built[r["urn"]]
            if r.get("parent") in built:
                resource.parent = built[r["parent"]]
            resource.dependencies = [built[d] for d in r.get("dependencies") or [] if d in built]
            for key, urns in (r.get("propertyDependencies") or {}).items():
                resource.property_dependencies[key] = [built[u] for u in urns if u in built]
        return list(built.values())


def _await(result: Any) -> None:
    if inspect.isawaitable(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(result)
        finally:
            loop.close()


def _reported_level(level: EnforcementLevel) -> str:
    return (EnforcementLevel.MANDATORY if level == EnforcementLevel.REMEDIATE else level).value


def run_policies(
    render: Any,
    policies: Sequence[Any] | None = None,
    config: Mapping[str, Any] | None = None,
    *,
    region: str | None = None,
) -> CheckResult:
    """Run ``policies`` (default: the pack's) on ``render``; see the module docstring for semantics."""
    policies = list(ALL_POLICIES if policies is None else policies)
    levels = reconcile_config(policies, config)
    stack = _Stack(render, region)
    result = CheckResult(resources=len(stack.resources))
    pack = f"{PACK_NAME}@v{PACK_VERSION}"

    def violation_sink(policy, level: EnforcementLevel, default_urn: str):
        def report_violation(message: str, urn: str | None = None) -> None:
            text = policy.description + (f"\n{message}" if message else "")
            result.violations.append(
                Violation(policy.name, urn or default_urn, text, _reported_level(level), policy.severity.value if policy.severity else None)
            )
        return report_violation

    def run_one(policy, level, args, urn: str, default_urn: str) -> None:
        try:
            _await(policy.validate(args, violation_sink(policy, level, default_urn)))
        except UnknownValueError as error:
            result.violations.append(Violation(
                policy.name, urn,
                f"can't run policy '{policy.name}' from policy pack '{pack}' during preview: {error.message}",
                EnforcementLevel.ADVISORY.value, policy.severity.value if policy.severity else None,
            ))
        except _NotApplicableError as error:
            result.not_applicable.append({"policy": policy.name, "urn": urn, "reason": error.reason or ""})

    for policy in policies:
        level, props = levels[policy.name]
        if level == EnforcementLevel.DISABLED:
            result.disabled.append(policy.name)
            continue
        result.evaluated.append(policy.name)
        if isinstance(policy, ResourceValidationPolicy):
            for resource in stack.resources:
                args = ResourceValidationArgs(
                    resource["type"], stack.props(resource), resource["urn"], resource["name"], stack.options(resource),
                    stack.provider(resource), dict(props),
                )
                run_one(policy, level, args, resource["urn"], resource["urn"])
        elif isinstance(policy, StackValidationPolicy):
            args = StackValidationArgs(stack.policy_resources(), dict(props))
            run_one(policy, level, args, "", "")
    result.violations.sort(key=lambda v: (v.policy, v.urn, v.message))
    return result
