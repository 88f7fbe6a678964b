"""What the estimator reads of a render: each resource's type, name, URN, region and plain inputs.

Three shapes arrive here, so the estimator itself knows none of them: an ``infra.engine.Render``
(``estate cost``), the engine's JSON contract as a dict (``estate preview --format json``, a saved base
render of ``estate diff``), and the policy pack's ``PolicyResource`` objects (the cost rule). No Pulumi
import: the policy pack and the tools both use this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PROVIDER_PREFIX = "pulumi:providers:"


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    urn: str
    region: str | None
    inputs: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.inputs.get(key, default) if isinstance(self.inputs, Mapping) else default
        return default if value is None else value

    @property
    def tags(self) -> Mapping[str, Any]:
        tags = self.get("tags", {})
        return tags if isinstance(tags, Mapping) else {}


def _region_of(provider_urn: Any, providers: Mapping[str, Mapping[str, Any]], default: str | None) -> str | None:
    provider = providers.get(provider_urn) if isinstance(provider_urn, str) else None
    region = (provider or {}).get("region")
    return region if isinstance(region, str) else default


def from_records(records: Iterable[Mapping[str, Any]], region: str | None) -> list[Resource]:
    """Resources from the JSON contract's records (``type``, ``name``, ``urn``, ``provider``, ``inputs``)."""
    records = list(records)
    providers = {r["urn"]: r.get("inputs") or {} for r in records if str(r.get("type", "")).startswith(PROVIDER_PREFIX)}
    return [
        Resource(r["type"], r.get("name", ""), r["urn"], _region_of(r.get("provider"), providers, region), r.get("inputs") or {})
        for r in records
        if not str(r.get("type", "")).startswith(PROVIDER_PREFIX)
    ]


def from_render(render: Any, region: str | None = None) -> list[Resource]:
    """An ``infra.engine.Render`` or its JSON contract (a dict); ``region``: the default provider's region
    (the contract does not carry it; a Render does)."""
    if isinstance(render, Mapping):
        return from_records(render.get("resources") or [], region or render.get("region"))
    records = [r.to_dict() for r in render.resources]
    return from_records(records, region or getattr(render, "region", None))


def from_policy_resources(resources: Iterable[Any]) -> list[Resource]:
    """The policy pack's resources (``resource_type``, ``props``, ``urn``, ``name``, ``provider``). Props are read
    through the proxy's escape hatch: values unknown during a preview stay opaque objects, which the
    estimator treats as "not priced" rather than raising."""
    out = []
    for resource in resources:
        if resource.resource_type.startswith(PROVIDER_PREFIX):
            continue
        provider = getattr(resource, "provider", None)
        provider_props = _plain(provider.props) if provider is not None else {}
        region = provider_props.get("region") if isinstance(provider_props, Mapping) else None
        out.append(Resource(resource.resource_type, resource.name, resource.urn, region if isinstance(region, str) else None,
                            _plain(resource.props)))
    return out


def _plain(value: Any) -> Any:
    """A plain copy of a proxied property tree (pulumi_policy's proxies hand back the wrapped container
    under ``"__target"``); unknown values stay as the SDK's sentinel strings."""
    try:
        value = value["__target"]
    except (KeyError, TypeError, IndexError):
        pass
    if isinstance(value, Mapping):
        return {key: _plain(value[key]) for key in value}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
