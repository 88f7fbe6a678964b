"""Who a resource belongs to (a service, else its top-level component) and its family, read from the render.

The component tree says it: a service's units are top-level components named ``<service>`` and
``<service>-alarms|-dashboard|-health``; the resources of shared components that serve one service
carry its name (``tms-sync-eb-mongodb-user``, ``rt-technologie/prod/tms-sync-eb/mongodb-uri``,
``symphonia-redis-prod-from-tms-sync-eb``) or its ``service`` tag. The family is the top-level
component's (``monitored-estate:alarms:ServiceAlarms`` → ``alarms``), else the type's module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from data.config import ESTATE_KEY
from tools.diff.stackfile import stack_config

# The components that make up a service, by name suffix (components/: alarms, dashboards, health checks).
SERVICE_PARTS = ("alarms", "dashboard", "health")
# Component types that are one service's (their names give the service's name).
_SERVICE_COMPONENTS = {
    "monitored-estate:beanstalk:BeanstalkService": "",
    "monitored-estate:alarms:ServiceAlarms": "-alarms",
    "monitored-estate:healthchecks:ServiceHealthCheck": "-health",
}
STACK_OWNER = "stack"


def services_in_stack_text(text: str | None) -> list[str]:
    """The service names a stack file's text declares (none when it cannot be read)."""
    estate = stack_config(text).get(ESTATE_KEY)
    services = estate.get("services") if isinstance(estate, dict) else None
    return [s["name"] for s in services or [] if isinstance(s, dict) and isinstance(s.get("name"), str)]


def services_in_render(render: Mapping[str, Any] | None) -> list[str]:
    """Service names read from a render's service components."""
    names = []
    for resource in (render or {}).get("resources", []):
        suffix = _SERVICE_COMPONENTS.get(resource.get("type", ""))
        name = resource.get("name", "")
        if suffix is not None and name.endswith(suffix):
            names.append(name[: len(name) - len(suffix)] if suffix else name)
    return list(dict.fromkeys(names))


def _family_of_type(type_token: str) -> str:
    """``aws:cloudwatch/metricAlarm:MetricAlarm`` → ``cloudwatch``; ``monitored-estate:alarms:X`` → ``alarms``."""
    parts = type_token.split(":")
    if len(parts) < 3:
        return type_token
    return parts[1].split("/")[0] if parts[1] != "index" else parts[0]


class Ownership:
    """Owner and family of every resource of one or two renders (indexed by URN)."""

    def __init__(self, renders: Iterable[Mapping[str, Any] | None], services: Iterable[str]):
        self.services = sorted(set(services), key=len, reverse=True)  # the longest name first: authz-eb before authz
        self.service_set = set(self.services)
        self._top_cache: dict[str, Mapping[str, Any] | None] = {}
        self.by_urn: dict[str, Mapping[str, Any]] = {}
        for render in renders:
            for resource in (render or {}).get("resources", []):
                self.by_urn.setdefault(resource["urn"], resource)
        # One pattern for all services, the longest first: a name's service is found in one pass.
        self._pattern = re.compile(
            "(?<![A-Za-z0-9])(" + "|".join(re.escape(s) for s in self.services) + ")(?![A-Za-z0-9])") if self.services else None
        self._service_cache: dict[str, str | None] = {}

    def top_component(self, urn: str) -> Mapping[str, Any] | None:
        if urn not in self._top_cache:
            self._top_cache[urn] = self._top_component(urn)
        return self._top_cache[urn]

    def _top_component(self, urn: str) -> Mapping[str, Any] | None:
        resource, top = self.by_urn.get(urn), None
        seen = set()
        while resource is not None and resource.get("parent") in self.by_urn and resource["parent"] not in seen:
            seen.add(resource["parent"])
            resource = self.by_urn[resource["parent"]]
            top = resource
        if top is None and resource is not None and not resource.get("custom", True):
            return resource  # a top-level component is its own
        return top

    def service_of(self, urn: str) -> str | None:
        """The service a resource belongs to, or None for a shared one."""
        if urn not in self._service_cache:
            self._service_cache[urn] = self._service_of(urn)
        return self._service_cache[urn]

    def _service_of(self, urn: str) -> str | None:
        resource = self.by_urn.get(urn)
        if resource is None:
            return None
        top = self.top_component(urn)
        if top is not None:
            name = top.get("name", "")
            if name in self.service_set:
                return name
            stem, _, part = name.rpartition("-")
            if part in SERVICE_PARTS and stem in self.service_set:
                return stem
        found = [m.group(1) for m in self._pattern.finditer(resource.get("name", ""))] if self._pattern else []
        if found:
            return max(found, key=len)
        tags = (resource.get("inputs") or {}).get("tags")
        if isinstance(tags, dict) and tags.get("service") in self.service_set:
            return tags["service"]
        return None

    def owner(self, urn: str) -> str:
        """``service <name>``, else the top-level component's name, else ``stack``."""
        service = self.service_of(urn)
        if service is not None:
            return f"service {service}"
        top = self.top_component(urn)
        return top.get("name", STACK_OWNER) if top is not None else STACK_OWNER

    def family(self, urn: str) -> str:
        top = self.top_component(urn)
        if top is not None:
            return _family_of_type(top.get("type", ""))
        resource = self.by_urn.get(urn)
        return _family_of_type(resource.get("type", "")) if resource is not None else ""

    def matches(self, urn: str, token: str) -> bool:
        """Whether a resource serves the stack-file item named ``token`` (a service, a bucket, a
        dashboard, a distribution): its service, its top-level component's name, its name or its tags."""
        service = self.service_of(urn)
        if token in self.service_set or service == token:  # a service's resources are its own, not another's
            return service == token
        resource = self.by_urn.get(urn) or {}
        top = self.top_component(urn)
        if top is not None and (top.get("name") == token or top.get("name", "").startswith(f"{token}-")):
            return True
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(token)}(?![A-Za-z0-9])", resource.get("name", "")):
            return True
        tags = (resource.get("inputs") or {}).get("tags")
        return isinstance(tags, dict) and token in (tags.get("service"), tags.get("purpose"))
