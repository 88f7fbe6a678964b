"""A rendered stack as ``tools.recovery`` reads it: the JSON contract of ``estate preview --format json``
(docs/offline-engine.md: ``project``, ``stack``, ``resources`` with ``urn``, ``type``, ``name``, ``custom``,
``parent``, ``provider``, ``dependencies``, ``inputs``), plus the stack's default region, which the
contract leaves to the stack file (``aws:region``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PRIMARY = "primary"  # the region role of a resource on the stack's default provider
_WORD = re.compile(r"[^a-z0-9.]+")  # names, titles and metric expressions split into words


@dataclass(frozen=True)
class StackRender:
    data: dict[str, Any]
    region: str
    resources: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "resources", list(self.data.get("resources", [])))

    @classmethod
    def of(cls, render: Any, region: str | None = None) -> StackRender:
        """From an engine ``Render`` (its region is the default) or from its JSON (region given)."""
        if isinstance(render, dict):
            if region is None:
                raise ValueError("a JSON render does not carry its default region: pass region")
            return cls(render, region)
        return cls(render.to_dict(), region or render.region)

    @property
    def stack(self) -> str:
        return str(self.data.get("stack", ""))

    @functools.cached_property
    def by_urn(self) -> dict[str, dict[str, Any]]:
        return {r["urn"]: r for r in self.resources}

    def of_type(self, *tokens: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] in tokens]

    def region_of(self, resource: dict[str, Any]) -> str:
        """The region a resource lives in: its explicit provider's ``region``, else the default."""
        provider = self.by_urn.get(resource.get("provider") or "")
        region = (provider or {}).get("inputs", {}).get("region")
        return region if isinstance(region, str) else self.region

    def region_role(self, region: str) -> str:
        """``primary`` for the stack's own region (eu-central-1 in prod, eu-west-1 in DR), else the region."""
        return PRIMARY if region == self.region else region

    def normalise(self, text: str) -> str:
        """A name with the stack's environment word dropped, lower case, hyphen-joined: what a prod name and
        its DR counterpart share (``rt-estate-prod-critical`` and ``rt-estate-dr-critical`` give
        ``rt-estate-critical``; ``RT-Backend-Services-DR`` gives ``rt-backend-services``)."""
        environment = self.stack.lower()
        return "-".join(word for word in _WORD.split(text.lower()) if word and word != environment)

    def descendants(self, urn: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if self._under(r, urn)]

    def _under(self, resource: dict[str, Any], ancestor: str) -> bool:
        parent = resource.get("parent")
        while parent:
            if parent == ancestor:
                return True
            parent = self.by_urn.get(parent, {}).get("parent")
        return False


def tags(resource: dict[str, Any]) -> dict[str, str]:
    value = resource.get("inputs", {}).get("tags")
    return value if isinstance(value, dict) else {}


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def arn_parts(arn: str) -> tuple[str, str, str]:
    """(service, region, resource) of an ARN; S3 bucket ARNs have no region."""
    parts = arn.split(":", 5)
    return (parts[2], parts[3], parts[5]) if len(parts) == 6 and parts[0] == "arn" else ("", "", arn)
