"""Small hand-made renders in the shape of ``estate preview --format json`` (docs/offline-engine.md), for the
tests of ``tools.recovery``: a resource is a dict with ``urn``, ``type``, ``name``, ``custom``, ``parent``,
``provider``, ``dependencies`` and ``inputs``."""

from __future__ import annotations

from typing import Any

from tools.recovery import StackRender

PRIMARY, DR = "eu-central-1", "eu-west-1"


def urn(stack: str, type_: str, name: str) -> str:
    return f"urn:pulumi:{stack}::monitored-estate::{type_}::{name}"


def resource(type_: str, name: str, inputs: dict[str, Any] | None = None, *, stack: str = "prod", provider: str | None = None,
             dependencies: tuple[str, ...] = (), parent: str | None = None, custom: bool = True) -> dict[str, Any]:
    return {"urn": urn(stack, type_, name), "type": type_, "name": name, "custom": custom, "parent": parent,
            "provider": provider, "protect": False, "dependencies": list(dependencies), "inputs": inputs or {}}


def provider(region: str, stack: str = "prod") -> dict[str, Any]:
    return resource("pulumi:providers:aws", region, {"region": region}, stack=stack)


def render(*resources: dict[str, Any], stack: str = "prod", region: str = PRIMARY) -> StackRender:
    return StackRender({"project": "monitored-estate", "stack": stack, "resources": list(resources)}, region)
