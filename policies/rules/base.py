"""What every rule shares: its metadata, its registration, exemptions, and safe property access.

A rule is a plain ``pulumi_policy`` policy (``ResourceValidationPolicy`` or ``StackValidationPolicy``)
carrying three more facts: the runbook item it enforces, its category (which decides its default
enforcement level) and its area. ``resource_rule`` (given the resource ``types`` it judges) and
``stack_rule`` build them from small functions; the pack's entry point and ``estate check`` both use
the list they register.

Enforcement levels by category (overridable with the policy-pack config):
- ``security``, ``data-loss``: mandatory (the issue's rule).
- ``blind-spot``: mandatory. A rule whose violation leaves an outage unseen (an alarm that notifies
  nobody, a topic nobody hears, a service without its alarms) defeats the estate's one purpose.
- ``hygiene``: advisory (best practice, cost, maintenance).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from pulumi_policy.proxy import UnknownValueError
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

PACK_NAME = "monitored-estate-policies"
PACK_VERSION = "0.1.0"  # must equal PulumiPolicy.yaml's version (a test checks)

CATEGORY_LEVELS = {
    "security": EnforcementLevel.MANDATORY,
    "data-loss": EnforcementLevel.MANDATORY,
    "blind-spot": EnforcementLevel.MANDATORY,
    "hygiene": EnforcementLevel.ADVISORY,
}
AREAS = ("alerting", "services", "storage", "cache", "mail", "atlas", "cost", "secrets", "estate")

# Per-resource exemptions reach every rule through its own policy-pack config (written by
# ``estate policy-config``): {"exemptions": [{"resource", "reason", "expires"}]}.
EXEMPTIONS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "Resources this rule does not apply to until a date: name or URN, reason, expiry (YYYY-MM-DD).",
    "items": {
        "type": "object",
        "properties": {
            "resource": {"type": "string"},
            "reason": {"type": "string"},
            "expires": {"type": "string"},
        },
        "required": ["resource", "reason", "expires"],
    },
}


@dataclass(frozen=True)
class RuleInfo:
    """The facts a policy object cannot carry in pulumi_policy's own fields."""

    area: str
    category: str
    runbook: str  # seed file and section, e.g. "001 Checklist de Déploiement / S3: Versioning activé"


STACK_TARGET = "stack"  # the exemption target of stack-wide findings (e.g. "no budget at all")

ALL_POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = []
INFO: dict[str, RuleInfo] = {}


# --------------------------------------------------------------------------------------------------
# Exemptions
# --------------------------------------------------------------------------------------------------


def today() -> date:
    return datetime.now(timezone.utc).date()


def resource_name(urn: str) -> str:
    """The logical name: the last ``::`` segment of a URN."""
    return urn.rsplit("::", 1)[-1]


def parse_expiry(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def active_exemption(config: Mapping[str, Any], urn: str, on: date | None = None) -> Mapping[str, Any] | None:
    """The unexpired exemption of this rule's config naming ``urn`` (by URN or logical name), if any.

    An exemption is valid through its ``expires`` date; after it the rule applies again (and
    ``estate-exemption-unexpired`` reports the stale exemption).
    """
    on = on or today()
    for exemption in config.get("exemptions") or []:
        target = exemption.get("resource")
        if target not in (urn, resource_name(urn)):
            continue
        expires = parse_expiry(exemption.get("expires"))
        if expires is not None and expires >= on:
            return exemption
    return None


# --------------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------------


def _schema(parameters: Mapping[str, Mapping[str, Any]] | None) -> PolicyConfigSchema:
    properties = {"exemptions": EXEMPTIONS_SCHEMA}
    properties.update({key: dict(value) for key, value in (parameters or {}).items()})
    return PolicyConfigSchema(properties=properties)


def _check_metadata(name: str, area: str, category: str) -> None:
    if area not in AREAS:
        raise ValueError(f"{name}: unknown area {area!r}")
    if not name.startswith(f"{area}-") or name.count("-") < 2:
        raise ValueError(f"{name}: rule names are <area>-<resource>-<requirement>")
    if category not in CATEGORY_LEVELS:
        raise ValueError(f"{name}: unknown category {category!r}")
    if name in INFO:
        raise ValueError(f"{name}: registered twice")


def _severity(category: str, severity: Severity | None) -> Severity:
    if severity is not None:
        return severity
    return {"security": Severity.HIGH, "data-loss": Severity.HIGH, "blind-spot": Severity.HIGH}.get(category, Severity.LOW)


def _rule(kind: type, name: str, *, area: str, category: str, description: str, runbook: str, remediation: str,
          severity: Severity | None, parameters: Mapping[str, Mapping[str, Any]] | None,
          wrap: Callable[[Callable], Callable]) -> Callable[[Callable], Any]:
    """The one registration both kinds share: a decorator building a policy of ``kind`` whose
    ``validate`` is ``wrap(check)``, adding it to the pack and recording its metadata."""
    _check_metadata(name, area, category)

    def register(check: Callable) -> Any:
        policy = kind(
            name=name, description=description, validate=wrap(check), enforcement_level=CATEGORY_LEVELS[category],
            config_schema=_schema(parameters), severity=_severity(category, severity), tags=[area, category],
            remediation_steps=remediation,
        )
        ALL_POLICIES.append(policy)
        INFO[name] = RuleInfo(area=area, category=category, runbook=runbook)
        return policy

    return register


def resource_rule(
    name: str, *, area: str, category: str, description: str, runbook: str, remediation: str,
    types: str | Sequence[str] | None = None,
    severity: Severity | None = None, parameters: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[Callable[[ResourceValidationArgs, Callable], None]], ResourceValidationPolicy]:
    """Register ``check(args, report_violation)`` as a resource policy.

    ``types``: the resource types (Pulumi type tokens) the rule judges; other resources never reach
    ``check``. Exempted resources are skipped (reported "not applicable" with the reason).
    """
    judged = (types,) if isinstance(types, str) else tuple(types) if types is not None else None

    def wrap(check: Callable[[ResourceValidationArgs, Callable], None]) -> Callable:
        def validate(args: ResourceValidationArgs, report_violation) -> None:
            if judged is not None and args.resource_type not in judged:
                return
            exemption = active_exemption(args.get_config(), args.urn)
            if exemption is not None:
                args.not_applicable(f"exempted until {exemption['expires']}: {exemption['reason']}")
            check(args, report_violation)

        return validate

    return _rule(ResourceValidationPolicy, name, area=area, category=category, description=description, runbook=runbook,
                 remediation=remediation, severity=severity, parameters=parameters, wrap=wrap)


def stack_rule(
    name: str, *, area: str, category: str, description: str, runbook: str, remediation: str,
    severity: Severity | None = None, parameters: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[Callable[[StackValidationArgs, Callable], None]], StackValidationPolicy]:
    """Register ``check(args, report_violation)`` as a stack policy; violations reported on an
    exempted resource's URN (or, for a stack-wide finding, on resource "stack") are dropped."""

    def wrap(check: Callable[[StackValidationArgs, Callable], None]) -> Callable:
        def validate(args: StackValidationArgs, report_violation) -> None:
            config = args.get_config()

            def report(message: str, urn: str | None = None) -> None:
                if active_exemption(config, urn or STACK_TARGET) is not None:
                    return
                report_violation(message, urn)

            check(args, report)

        return validate

    return _rule(StackValidationPolicy, name, area=area, category=category, description=description, runbook=runbook,
                 remediation=remediation, severity=severity, parameters=parameters, wrap=wrap)


# --------------------------------------------------------------------------------------------------
# Reading properties the way the engine hands them over
# --------------------------------------------------------------------------------------------------
# Under the engine, props are wrapped by ``unknown_checking_proxy``: reading an unknown value raises
# and the engine reports "can't run policy during preview" as advisory. Rules read only what they
# judge; ``keys`` and ``is_set`` test presence without reading a (possibly unknown) value.


def keys(props: Mapping[str, Any]) -> list[str]:
    return list(iter(props))


def _raw(props: Any) -> Any:
    try:
        return props["__target"]  # the proxies' escape hatch: the wrapped container
    except (KeyError, TypeError, IndexError):
        return props


def is_set(props: Mapping[str, Any], key: str) -> bool:
    """True when ``key`` has a value (unknown counts: it will have one), without reading it."""
    if key not in keys(props):
        return False
    value = _raw(props).get(key) if isinstance(_raw(props), Mapping) else None
    return value is not None and value != "" and value != [] and value != {}


def get(props: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """``props[key]`` (raising for an unknown, as the engine does), or ``default`` when absent."""
    return props[key] if key in keys(props) else default


def get_path(props: Mapping[str, Any], *path: str, default: Any = None) -> Any:
    current: Any = props
    for key in path:
        if not isinstance(current, Mapping) or key not in keys(current):
            return default
        current = current[key]
    return current


def items(value: Any) -> list[Any]:
    """A list-valued property as a list (absent or None -> [])."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return [value]
    return [value[i] for i in range(len(value))]


def count(value: Any) -> int:
    """Length of a list-valued property without reading its elements (ARNs in it may be unknown)."""
    if value is None:
        return 0
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return 1
    return len(value)


def truthy(value: Any) -> bool:
    """Booleans arrive as bools from the engine and as "true"/"false" strings in EB settings."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def known_or_none(read: Callable[[], Any]) -> Any:
    """``read()``, or None when it reads an unknown value. For values computed from other resources'
    outputs (an endpoint, an ARN), which no human typed: the rule has nothing to judge there, and one
    such value must not stop it from judging the literal ones."""
    try:
        return read()
    except UnknownValueError:
        return None


def eb_settings(props: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return items(get(props, "settings"))


def eb_setting(props: Mapping[str, Any], namespace: str, name: str) -> Any:
    """The value of one EB option (None when absent); only that option's value is read."""
    for setting in eb_settings(props):
        if setting["namespace"] == namespace and setting["name"] == name:
            return get(setting, "value")
    return None


def eb_names(props: Mapping[str, Any], namespace: str) -> list[str]:
    return [setting["name"] for setting in eb_settings(props) if setting["namespace"] == namespace]


# --------------------------------------------------------------------------------------------------
# Stack helpers: relations by URN only
# --------------------------------------------------------------------------------------------------


def of_type(resources: Sequence[Any], *types: str) -> list[Any]:
    return [r for r in resources if r.resource_type in types]


def dependents(resources: Sequence[Any], target: Any, *types: str) -> list[Any]:
    """Resources of ``types`` that depend on ``target`` (its URN is in their dependencies)."""
    return [r for r in of_type(resources, *types) if any(d.urn == target.urn for d in r.dependencies)]


def provider_region(resource: Any) -> str | None:
    """The region of a resource's provider (explicit, or the default one the engine passes)."""
    provider = getattr(resource, "provider", None)
    if provider is None:
        return None
    region = get(provider.props, "region")
    return region if isinstance(region, str) else None


def ancestors(resource: Any) -> list[Any]:
    out, current = [], resource.parent
    while current is not None:
        out.append(current)
        current = current.parent
    return out
