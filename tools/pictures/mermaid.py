"""The alert routing as a Mermaid flowchart, for the pull-request comment (GitHub renders ```mermaid).

Publishers grouped by service and severity (with their alarm count) -> SNS topics, one subgraph per
region -> subscribers. Given the base render too, the changed routes show: an added edge thick and
green, a removed one dashed and red (``linkStyle``), added and removed nodes with the ``added`` and
``removed`` classes, a changed alarm count as ``7 → 6``.

Size: Mermaid refuses a diagram over its ``maxTextSize`` (50,000 characters by default,
https://mermaid.js.org/config/schema-docs/config-properties-maxtextsize.html) and a GitHub comment
holds 65,536. The diagram is built at most ``MAX_CHARS`` long: when one node per service and severity
would be longer, unchanged publishers are folded into one node per severity, then all of them.
"""

from __future__ import annotations

from typing import Any

from tools.pictures.routing import Change, Node, RoutingGraph, compare, routing_graph

MAX_CHARS = 30_000  # well under Mermaid's 50,000, leaving the comment room for the diff itself
MERMAID_MAXTEXTSIZE = 50_000
SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;/_@+-()'*=!?%$…→·")
COLUMN_TITLES = ("Publishers (service · severity)", "SNS topics", "Subscribers")
ADDED, REMOVED = "#1a7f37", "#cf222e"
CLASS_DEFS = (
    f"classDef added stroke:{ADDED},stroke-width:3px,color:{ADDED}",
    f"classDef removed stroke:{REMOVED},stroke-width:2px,stroke-dasharray:5 5,color:{REMOVED}",
    "classDef critical fill:#ffebe9",
    "classDef warning fill:#fff8c5",
)


def mermaid_text(text: str) -> str:
    """A label Mermaid shows as written: every character outside a small safe set becomes an entity
    code (``#quot;``-style, decimal), so no quote, bracket, pipe, backtick or HTML ends the label, the
    fence or the comment."""
    return "".join(ch if ch in SAFE else f"#{ord(ch)};" for ch in text)


def routing_mermaid(render: Any, base_render: Any = None, *, max_chars: int = MAX_CHARS) -> str:
    """The Mermaid source (``flowchart LR ...``) of the render's alert routing; with ``base_render``,
    the routes the change adds or removes are styled. ``render``: a ``Render`` or its JSON contract."""
    head = routing_graph(render)
    if base_render is None:
        graph, status = head, {}
    else:
        graph, status = compare(routing_graph(base_render), head)
    text = _flowchart(graph, status)
    for fold in ("unchanged by severity", "all by severity"):
        if len(text) <= max_chars:
            break
        folded, folded_status = _folded(graph, status, everything=fold.startswith("all"))
        text = _flowchart(folded, folded_status, note=f"services folded ({fold}) to keep the diagram under {max_chars} characters")
    return text


def routing_markdown(render: Any, base_render: Any = None) -> str:
    """The diagram as a fenced ```mermaid block with a one-line legend, ready for a comment."""
    legend = "Alert routing: publishers (alarms by service and severity) → SNS topics per region → subscribers"
    if base_render is not None:
        _, status = compare(routing_graph(base_render), routing_graph(render))
        counts = {kind: sum(1 for key, change in status.items() if _is_edge(key) and change.status == kind)
                  for kind in ("added", "removed", "changed")}
        legend += (f"; routes: {counts['added']} added (thick green), {counts['removed']} removed (dashed red),"
                   f" {counts['changed']} with another alarm count")
    return f"{legend}.\n\n```mermaid\n{routing_mermaid(render, base_render)}```\n"


def _is_edge(key: Any) -> bool:
    return isinstance(key, tuple) and len(key) == 2 and all(isinstance(part, tuple) for part in key)


def _label(node: Node, graph: RoutingGraph, change: Change | None) -> str:
    lines = [node.label]
    if node.column == 0:
        size = graph.sizes.get(node.key, 0)
        count = f"{change.before} → {change.after}" if change and change.status == "same" and change.before != change.after else str(size)
        detail = node.detail[:-1] if count == "1" and node.detail.endswith("s") else node.detail
        lines.append(f"{node.group} · {count} {detail}")
    elif node.detail:
        lines.append(node.detail)
    if change and change.status in ("added", "removed"):
        lines.append(f"({change.status})")
    return "<br/>".join(mermaid_text(line) for line in lines)


def _flowchart(graph: RoutingGraph, status: dict, note: str = "") -> str:
    nodes = graph.ordered_nodes()
    ids = {node.key: f"{'ptn'[node.column]}{i}" for i, node in enumerate(nodes, 1)}
    lines = ["flowchart LR"]
    if note:
        lines.append(f"  %% {note}")
    lines += [f"  {definition}" for definition in CLASS_DEFS]
    for column, title in enumerate(COLUMN_TITLES):
        members = [node for node in nodes if node.column == column]
        if not members:
            continue
        lines.append(f'  subgraph col{column}["{mermaid_text(title)}"]')
        if column == 1:
            regions = sorted({node.group for node in members})
            for index, region in enumerate(regions, 1):
                lines.append(f'    subgraph region{index}["{mermaid_text(region or "other actions")}"]')
                lines += [f'      {ids[n.key]}["{_label(n, graph, status.get(n.key))}"]' for n in members if n.group == region]
                lines.append("    end")
        else:
            lines += [f'    {ids[n.key]}["{_label(n, graph, status.get(n.key))}"]' for n in members]
        lines.append("  end")
    styles: dict[str, list[int]] = {"added": [], "removed": []}
    order = {node.key: index for index, node in enumerate(nodes)}
    for index, (source, target) in enumerate(sorted(graph.edges, key=lambda e: (order[e[0]], order[e[1]]))):
        change = status.get((source, target))
        count = graph.edges[(source, target)]
        text = f"{change.before} → {change.after}" if change and change.status == "changed" else (str(count) if count > 1 else "")
        arrow = "-.->" if change and change.status == "removed" else "==>" if change and change.status == "added" else "-->"
        label = f"|{mermaid_text(text)}|" if text else ""
        lines.append(f"  {ids[source]} {arrow}{label} {ids[target]}")
        if change and change.status in styles:
            styles[change.status].append(index)
    if styles["added"]:
        lines.append(f"  linkStyle {','.join(map(str, styles['added']))} stroke:{ADDED},stroke-width:3px")
    if styles["removed"]:
        lines.append(f"  linkStyle {','.join(map(str, styles['removed']))} stroke:{REMOVED},stroke-width:2px,stroke-dasharray:5 5")
    for node in nodes:
        if node.column == 0 and node.group in ("critical", "warning"):
            lines.append(f"  class {ids[node.key]} {node.group}")
        change = status.get(node.key)
        if change and change.status in ("added", "removed"):
            lines.append(f"  class {ids[node.key]} {change.status}")
    return "\n".join(lines) + "\n"


def _folded(graph: RoutingGraph, status: dict, *, everything: bool) -> tuple[RoutingGraph, dict]:
    """Publishers folded into one node per (origin, severity): those of an unchanged route only, or all."""
    changed = {key for key, change in status.items() if change.status != "same" or change.before != change.after}
    touched = {edge[0] for edge in changed if isinstance(edge, tuple) and len(edge) == 2 and isinstance(edge[0], tuple)}
    folded = RoutingGraph()
    mapping: dict[tuple, tuple] = {}
    services: dict[tuple, set] = {}
    for node in graph.nodes.values():
        foldable = node.column == 0 and node.key[1] == "alarm"
        if foldable and (everything or (node.key not in changed and node.key not in touched)):
            key = ("source", node.key[1], "(folded)", node.group)
            services.setdefault(key, set()).add(node.label)
            mapping[node.key] = key
        else:
            folded.nodes[node.key] = node
            mapping[node.key] = node.key
        folded.sizes[mapping[node.key]] += graph.sizes.get(node.key, 0)
    for key, names in services.items():
        folded.nodes[key] = Node(key, f"{len(names)} services", 0, group=key[3], detail="alarms")
    new_status: dict = {key: change for key, change in status.items() if not isinstance(key, tuple) or key in folded.nodes}
    for (source, target), count in graph.edges.items():
        edge = (mapping[source], mapping[target])
        folded.edges[edge] += count
        if (source, target) in status:
            new_status[edge] = status[(source, target)] if edge == (source, target) else Change("same")
    return folded, new_status
