"""Where in the stack file a resource comes from: the line that declares its owner.

A finding is about a rendered resource; the reviewer edits YAML. This module ties the two: the
resource's top-level component (the first segment of its URN's type chain, e.g.
``monitored-estate:alarms:ServiceAlarms``) names the estate sections that can own it, and the names of
the resource and of its parent components (from the render) pick the item of that section, e.g. the
``- name: tms-sync-eb`` line of the service whose alarm it is. Estate-wide resources (providers, an
unknown component, a stack-wide finding) sit at the ``monitored-estate:estate`` key. Line numbers come
from ``yaml.compose`` node marks, so comments and flow style do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from data.config import ESTATE_KEY

# Top-level component type -> (the estate sections, as dotted key paths, whose items may own its
# resources; the section owning the rest, "" for the estate key). An item is chosen by name (a list's
# item, or a mapping section itself, e.g. the cache). A component missing here is located at the
# estate key (tests/test_check_sarif.py checks that every component of the prod render is listed).
COMPONENT_SECTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "monitored-estate:beanstalk:BeanstalkService": (("services",), "services"),
    "monitored-estate:alarms:ServiceAlarms": (("services",), "services"),
    "monitored-estate:healthchecks:ServiceHealthCheck": (("services",), "services"),
    "monitored-estate:dashboards:DashboardSet": (("services", "dashboards"), "dashboards"),
    "monitored-estate:beanstalk:ServicesNetwork": (("services",), "network"),
    "monitored-estate:secrets:SecretStore": (("services", "cache"), ""),
    "monitored-estate:alarms:PlatformAlarms": (("platform_alarms",), "platform_alarms"),
    "monitored-estate:alerting:AlertRouting": (("alerting.subscriptions",), "alerting"),
    "monitored-estate:atlas:AtlasDatabase": ((), "atlas"),
    "monitored-estate:budget:CostBudget": ((), "budget"),
    "monitored-estate:cache:RedisCache": ((), "cache"),
    "monitored-estate:cdn:CdnMonitoring": (("cdn",), "cdn"),
    "monitored-estate:certificate:CertificateExpiry": ((), "network.certificate_arn"),
    "monitored-estate:mail:MailDomain": (("mail.feedback_subscribers", "mail.templates"), "mail"),
    "monitored-estate:replication:BucketReplication": (("disaster_recovery.buckets",), "disaster_recovery"),
    "monitored-estate:storage:Storage": (("buckets",), "buckets"),
    "monitored-estate:slo:BurnRateAlarms": (("services",), "services"),
    "monitored-estate:alerting:MaintenanceMutes": (("maintenance.one_off",), "maintenance"),
}
# The fields that name a list item (a service's name, environment and application; a bucket's purpose...).
IDENTITY_KEYS = ("name", "environment", "application", "owner", "standby", "purpose")

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class StackLocation:
    """A 1-based line of the stack file, the key path it declares (inside the estate), its text, and
    the key path as the reviewer reads it: ``estate.services[tms-sync-eb]`` (an item by its name)."""

    line: int
    key_path: KeyPath
    text: str
    label: str = "estate"


def _loader() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _scalar(node: Any) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else None


def _child(node: Any, key: str | int) -> Any:
    if isinstance(key, int):
        return node.value[key] if isinstance(node, yaml.SequenceNode) and 0 <= key < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if _scalar(key_node) == key:
                return value_node
    return None


def _key_line(node: Any, key: str) -> int | None:
    """The 0-based line of ``key`` in mapping ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if _scalar(key_node) == key:
                return key_node.start_mark.line
    return None


def _named(name: str, identity: str) -> bool:
    """``identity`` appears in ``name`` as whole words (``authz-eb`` in ``authz-eb-cpu-critical`` or in
    ``rt/prod/authz-eb/jwt-secret``, not in ``authz-ebx``)."""
    return re.search(rf"(^|[-/_.]){re.escape(identity.lower())}($|[-/_.])", name.lower()) is not None


class StackLines:
    """The composed stack file: the line of any key path of the estate."""

    def __init__(self, path: Path, text: str | None = None):
        self.path = path
        text = path.read_text(encoding="utf-8") if text is None else text
        self.lines = text.splitlines()
        try:
            root = yaml.compose(text, Loader=_loader())
        except yaml.YAMLError:
            root = None
        config = _child(root, "config")
        self.estate = _child(config, ESTATE_KEY)
        self.estate_line = _key_line(config, ESTATE_KEY) if config is not None else None

    def at(self, key_path: KeyPath) -> StackLocation:
        """The line declaring ``key_path`` (its deepest present prefix; the estate key for ``()``)."""
        node, line, found, label = self.estate, self.estate_line, (), "estate"
        for part in key_path:
            child = _child(node, part)
            if child is None:
                break
            if isinstance(part, int):
                line, identities = child.start_mark.line, self._identities(child)
                label += f"[{identities[0] if identities else part}]"
            else:
                line, label = _key_line(node, part), f"{label}.{part}"
            node, found = child, (*found, part)
        if line is None:  # no estate mapping at all (a stack file of defaults): the first line
            return StackLocation(1, (), self.lines[0] if self.lines else "")
        return StackLocation(line + 1, found, self.lines[line] if line < len(self.lines) else "", label)

    def owner(self, urn: str, names: Iterable[str]) -> StackLocation:
        """The line of the estate item owning the resource ``urn`` (``names``: its logical name, then
        its parent components' names, most specific first)."""
        parts = urn.split("::")
        component = parts[2].split("$", 1)[0] if len(parts) >= 4 else ""
        sections, fallback = COMPONENT_SECTIONS.get(component, ((), ""))
        names = [name for name in names if name]
        best: tuple[int, KeyPath] | None = None
        for section in sections:
            path: KeyPath = tuple(section.split("."))
            node = self._node(path)
            if isinstance(node, yaml.SequenceNode):
                candidates = [((*path, index), item) for index, item in enumerate(node.value)]
            else:
                candidates = [(path, node)] if node is not None else []
            for item_path, item in candidates:
                for identity in self._identities(item):
                    if any(_named(name, identity) for name in names) and (best is None or len(identity) > best[0]):
                        best = (len(identity), item_path)
        return self.at(best[1] if best else tuple(fallback.split(".")) if fallback else ())

    def _node(self, path: KeyPath) -> Any:
        node = self.estate
        for part in path:
            node = _child(node, part)
            if node is None:
                return None
        return node

    @staticmethod
    def _identities(item: Any) -> list[str]:
        if not isinstance(item, yaml.MappingNode):
            return []
        return [value for key in IDENTITY_KEYS if (value := _scalar(_child(item, key)))]


def owner_names(urn: str, parents: Mapping[str, str | None], names: Mapping[str, str]) -> list[str]:
    """The resource's logical name, then its ancestors' (``parents``/``names``: by URN, from the render)."""
    chain = [urn.rsplit("::", 1)[-1]] if urn else []
    seen, current = {urn}, parents.get(urn)
    while current and current not in seen and current in names:
        chain.append(names[current])
        seen.add(current)
        current = parents.get(current)
    return chain


def project_relative(path: Path) -> str | None:
    """``path`` relative to the project root (the repository root in CI), posix; None when outside it."""
    from tools.stacks import project_dir

    try:
        return path.resolve().relative_to(project_dir().resolve()).as_posix()
    except ValueError:
        return None


def owner_locator(stack_file: Path | None, parents: Mapping[str, str | None], names: Mapping[str, str]):
    """``urn -> StackLocation`` of the owner in ``stack_file`` (None for every URN without a readable file)."""
    if stack_file is None or not stack_file.is_file():
        return lambda urn: None
    lines = StackLines(stack_file)
    return lambda urn: lines.owner(urn, owner_names(urn, parents, names))
