"""Output formats of ``estate preview``: a human summary (rich table or Markdown) and the JSON contract.

The summary answers what a reviewer asks first: what does each component declare, how many
resources of each type, which resources go to a non-default region, what is protected.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

from infra.engine import Render, RegisteredResource

FORMATS = ("table", "json", "markdown", "html")
STACK_GROUP = "(stack)"


@dataclass(frozen=True)
class Group:
    """A top-level component (or the stack itself), the service it belongs to, and what it contains."""

    name: str
    type: str
    service: str  # a service of the estate, or SHARED
    resources: list[RegisteredResource]

    @property
    def custom(self) -> list[RegisteredResource]:
        return [r for r in self.resources if r.custom]

    def type_counts(self) -> list[tuple[str, int]]:
        return sorted(Counter(r.type for r in self.custom).items())


SHARED = "(shared)"


@dataclass(frozen=True)
class Summary:
    project: str
    stack: str
    default_region: str | None
    total: int
    custom: int
    components: int
    protected: list[RegisteredResource]
    groups: list[Group]  # by service (estate order, shared last), then component name
    type_counts: list[tuple[str, int]]
    # (provider URN, region, number of resources using it)
    providers: list[tuple[str, str | None, int]]


def _service_of(name: str, services: tuple[str, ...]) -> str:
    """The service a top-level component belongs to: the one it is named after (``<service>`` or
    ``<service>-...``, longest match); components serving several services are shared."""
    named = [s for s in services if name == s or name.startswith(s + "-")]
    return max(named, key=len) if named else SHARED


def summarise(render: Render) -> Summary:
    members: dict[str, list[RegisteredResource]] = {}
    heads: dict[str, RegisteredResource] = {}
    for resource in render.resources:
        top = render.top_level_component(resource)
        if top is None and not resource.custom:
            top = resource  # a top-level component heads its own group
        key = top.urn if top is not None else STACK_GROUP
        if top is not None:
            heads[key] = top
        members.setdefault(key, [])
        if resource is not top:
            members[key].append(resource)
    services = render.services
    groups = []
    for key, resources in members.items():
        head = heads.get(key)
        name = head.name if head else STACK_GROUP
        groups.append(
            Group(
                name=name,
                type=head.type if head else "pulumi:pulumi:Stack",
                service=_service_of(name, services) if head else SHARED,
                resources=resources,
            )
        )
    order = {service: i for i, service in enumerate(services)}
    groups.sort(key=lambda g: (order.get(g.service, len(order)), g.name == STACK_GROUP, g.name))
    providers = []
    for provider in render.resources:
        if provider.type.startswith("pulumi:providers:"):
            users = sum(1 for r in render.resources if r.provider == provider.urn)
            region = provider.inputs.get("region")
            providers.append((provider.urn, region if isinstance(region, str) else None, users))
    return Summary(
        project=render.project,
        stack=render.stack,
        default_region=render.region,
        total=len(render.resources),
        custom=sum(1 for r in render.resources if r.custom),
        components=sum(1 for r in render.resources if not r.custom),
        protected=[r for r in render.resources if r.protect],
        groups=groups,
        type_counts=sorted(Counter(r.type for r in render.resources if r.custom).items()),
        providers=providers,
    )


def _provider_label(urn: str) -> str:
    """``urn:...::pulumi:providers:aws::<name>`` -> ``aws::<name>`` (providers are named after their region)."""
    parts = urn.split("::")
    return f"{parts[-2].rsplit(':', 1)[-1]}::{parts[-1]}"


# --------------------------------------------------------------------------------------------------
# Table (rich)
# --------------------------------------------------------------------------------------------------


def to_table(render: Render, *, width: int = 120, color: bool = False) -> str:
    """The human summary as rich tables, returned as text (colour only for a terminal)."""
    from rich.console import Console
    from rich.table import Table

    summary = summarise(render)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="auto" if color else None, highlight=False)
    console.print(
        f"[bold]{summary.project}[/bold] / stack [bold]{summary.stack}[/bold]"
        f" (default region {summary.default_region or 'unset'}): {summary.custom} resources"
        f" in {summary.components} components, {len(summary.protected)} protected"
    )

    groups = Table(title="Resources by service and component", title_justify="left")
    groups.add_column("service", overflow="fold")
    groups.add_column("component (type)", overflow="fold")
    groups.add_column("resources", justify="right", no_wrap=True)
    groups.add_column("of which", overflow="fold")
    previous = None
    for group in summary.groups:
        if previous is not None and group.service != previous:
            groups.add_section()
        detail = "\n".join(f"{count} {_short(t)}" for t, count in group.type_counts()) or "-"
        component = f"{group.name}\n[dim]{_short(group.type)}[/dim]"
        groups.add_row(group.service if group.service != previous else "", component, str(len(group.custom)), detail)
        previous = group.service
    console.print(groups)

    types = Table(title="Counts by type", title_justify="left")
    types.add_column("type")
    types.add_column("count", justify="right")
    for type_token, count in summary.type_counts:
        types.add_row(type_token, str(count))
    types.add_row("[bold]total[/bold]", f"[bold]{summary.custom}[/bold]")
    console.print(types)

    providers = Table(title="Non-default providers", title_justify="left")
    providers.add_column("provider")
    providers.add_column("region")
    providers.add_column("resources", justify="right")
    for urn, region, users in summary.providers:
        providers.add_row(_provider_label(urn), region or "-", str(users))
    if not summary.providers:
        providers.add_row("none", "-", "0")
    console.print(providers)
    return buffer.getvalue()


def _short(type_token: str) -> str:
    """``aws:cloudwatch/metricAlarm:MetricAlarm`` -> ``cloudwatch:MetricAlarm``."""
    parts = type_token.split(":")
    if len(parts) == 3:
        module = parts[1].split("/")[0]
        return f"{parts[0] if module == 'index' else module}:{parts[2]}"
    return type_token


# --------------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------------


def to_markdown(render: Render) -> str:
    summary = summarise(render)
    lines = [
        f"# {summary.project} / {summary.stack}",
        "",
        f"Default region {summary.default_region or 'unset'}: **{summary.custom}** resources in"
        f" **{summary.components}** components, **{len(summary.protected)}** protected.",
        "",
        "## Resources by service and component",
        "",
        "| service | component | type | resources | of which |",
        "|---|---|---|---:|---|",
    ]
    for group in summary.groups:
        detail = ", ".join(f"{count} {_short(t)}" for t, count in group.type_counts())
        lines.append(f"| {group.service} | {group.name} | `{group.type}` | {len(group.custom)} | {detail} |")
    lines += ["", "## Counts by type", "", "| type | count |", "|---|---:|"]
    lines += [f"| `{t}` | {count} |" for t, count in summary.type_counts]
    lines += [f"| **total** | **{summary.custom}** |", "", "## Non-default providers", ""]
    if summary.providers:
        lines += ["| provider | region | resources |", "|---|---|---:|"]
        lines += [f"| `{_provider_label(urn)}` | {region or '-'} | {users} |" for urn, region, users in summary.providers]
    else:
        lines.append("None: every resource uses the default provider.")
    lines += ["", "## Protected resources", ""]
    if summary.protected:
        lines += [f"- `{r.type}` {r.name}" for r in summary.protected]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def render_as(render: Render, fmt: str, *, color: bool = False) -> str:
    if fmt == "json":
        return render.to_json()
    if fmt == "markdown":
        return to_markdown(render)
    if fmt == "table":
        return to_table(render, color=color)
    if fmt == "html":
        from tools.pictures.page import to_html

        return to_html(render)
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
