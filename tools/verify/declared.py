"""What verify expects, read from the render: the JSON render of the stack (the engine's contract:
``urn, type, name, provider, dependencies, inputs`` with camelCase inputs) gives every name, region
and type, so verify never rebuilds what the components decide.

``Context`` is what a family's check gets: the render, the boto3 clients, the report it adds to,
the estate's runbook (for alarms whose description names none) and the environment (the Atlas keys).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tools.verify.aws import Clients
from tools.verify.report import NOT_CHECKABLE, PASS, Check, Report

AWS_PROVIDER = "pulumi:providers:aws"


def _plain(resource: Any) -> Mapping[str, Any]:
    """A render resource as a mapping: a contract dict, or an object with ``to_dict``/attributes."""
    if isinstance(resource, Mapping):
        return resource
    if hasattr(resource, "to_dict"):
        return resource.to_dict()
    return {key: getattr(resource, key, None) for key in ("urn", "type", "name", "provider", "dependencies", "inputs")}


def resources_of(render: Any) -> list[Mapping[str, Any]]:
    """The resources of a render given as a ``Render``, its JSON text or dict, or a list of resources."""
    if isinstance(render, str):
        render = json.loads(render)
    if isinstance(render, Mapping):
        render = render.get("resources") or []
    elif hasattr(render, "resources"):
        render = render.resources
    return [_plain(resource) for resource in render]


class Declared:
    """The render, indexed for verify. A resource's region is its explicit provider's, else
    ``primary`` (the stack's region, or ``--region``)."""

    def __init__(self, render: Any, primary: str):
        self.resources = resources_of(render)
        self.primary = primary
        self.by_urn = {str(r.get("urn")): r for r in self.resources}
        self.provider_regions = {
            str(r.get("urn")): r["inputs"]["region"]
            for r in self.resources
            if str(r.get("type", "")).startswith(AWS_PROVIDER) and (r.get("inputs") or {}).get("region")
        }

    def of_type(self, token: str) -> list[Mapping[str, Any]]:
        return [r for r in self.resources if r.get("type") == token]

    def region_of(self, resource: Mapping[str, Any]) -> str:
        provider = resource.get("provider") or ""
        # A provider reference is "<provider urn>::<id>" on the wire; the contract keeps the URN.
        provider_urn = provider.rsplit("::", 1)[0] if provider.count("::") > 4 else provider
        return self.provider_regions.get(provider_urn, self.primary)

    @staticmethod
    def inputs(resource: Mapping[str, Any]) -> Mapping[str, Any]:
        return resource.get("inputs") or {}

    def depends_on(self, resource: Mapping[str, Any], token: str) -> list[Mapping[str, Any]]:
        """The resources of type ``token`` that ``resource`` depends on."""
        return [self.by_urn[d] for d in resource.get("dependencies") or [] if d in self.by_urn and self.by_urn[d].get("type") == token]


@dataclass
class Context:
    declared: Declared
    clients: Clients
    report: Report
    runbook: str = ""
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))  # the Atlas Admin API keys
    now: datetime | None = None  # the time checks measure ages from (None: the clock)

    def add(self, family: str, resource: str, region: str, status: str, detail: str, action: str = "") -> None:
        self.report.add(Check(family, resource, region, status, detail, action if status != PASS else ""))

    def unavailable(self, family: str, resource: str, region: str, error: Exception, what: str, by_hand: str = "") -> None:
        self.add(family, resource, region, NOT_CHECKABLE, f"{what}: {error}", by_hand or f"check {what} by hand in the console")


def by_region(items: Iterable[Any], region_of) -> dict[str, list[Any]]:
    """Items grouped by region, regions in first-seen order."""
    grouped: dict[str, list[Any]] = {}
    for item in items:
        grouped.setdefault(region_of(item), []).append(item)
    return grouped
