"""The result of a render: what the engine received, as the JSON contract (docs/offline-engine.md).

``Render.to_json`` is the contract: sorted keys, two-space indent, one trailing newline, so identical
inputs give identical bytes. The helpers answer what tests, policies and the summary ask of it.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass
from typing import Any


class RenderError(Exception):
    """The program failed while running under the mock runtime (not a configuration mistake)."""


@dataclass(frozen=True)
class RegisteredResource:
    """One resource as the engine received it. ``inputs`` are plain JSON values, camelCase keys."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    protect: bool
    dependencies: list[str]
    inputs: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Render:
    project: str
    stack: str
    resources: list[RegisteredResource]
    # Region of the default provider (``aws:region``), used to report non-default providers.
    region: str | None = None
    # The estate's service names, in declaration order (for the summary; not part of the contract).
    services: tuple[str, ...] = ()
    # Existing resources the program reads (``X.get``: a DR standby bucket), sorted by URN: not the stack's
    # (never created, updated or deleted; policy packs do not see them), so not among ``resources``.
    reads: tuple[RegisteredResource, ...] = ()
    # The stack outputs the program exports (``pulumi.export``: DNS records to publish, endpoints), plain JSON
    # values resolved from the fakes, a secret one as "[secret]"; ``estate diff`` lists those that change.
    outputs: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {"project": self.project, "stack": self.stack, "resources": [r.to_dict() for r in self.resources]}
        if self.reads:  # only a program that reads something has the key: other renders keep their bytes
            document["reads"] = [r.to_dict() for r in self.reads]
        if self.outputs:  # likewise, only a program that exports something
            document["outputs"] = dict(self.outputs)
        return document

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    # Helpers for tests, policies and the summary.
    def of_type(self, type_token: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.type == type_token]

    def by_urn(self) -> dict[str, RegisteredResource]:
        """URN -> resource (computed once; do not mutate)."""
        return self._index

    @functools.cached_property
    def _index(self) -> dict[str, RegisteredResource]:
        return {r.urn: r for r in self.resources}

    def named(self, name: str, type_token: str | None = None) -> RegisteredResource:
        """The one resource with that logical name (and type); KeyError if none or several."""
        found = [r for r in self.resources if r.name == name and (type_token is None or r.type == type_token)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}" + (f" of type {type_token}" if type_token else ""))
        return found[0]

    def children(self, parent_urn: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.parent == parent_urn]

    def descendants(self, ancestor_urn: str) -> list[RegisteredResource]:
        by_urn = self.by_urn()
        out = []
        for resource in self.resources:
            parent = resource.parent
            while parent is not None and parent in by_urn:
                if parent == ancestor_urn:
                    out.append(resource)
                    break
                parent = by_urn[parent].parent
        return out

    def top_level_component(self, resource: RegisteredResource) -> RegisteredResource | None:
        """The outermost component (child of the stack) containing ``resource``, or None at top level."""
        by_urn = self.by_urn()
        top, current = None, resource
        while current.parent is not None and current.parent in by_urn:
            current = by_urn[current.parent]
            top = current
        return top

    def region_of(self, resource: RegisteredResource) -> str | None:
        """The region a resource is created in: its explicit provider's ``region``, else the default."""
        if resource.provider is not None:
            provider = self.by_urn().get(resource.provider)
            if provider is not None and isinstance(provider.inputs.get("region"), str):
                return provider.inputs["region"]
        return self.region
