"""``estate preview --format html``: one self-contained page (no script, no network: inline CSS and
SVG, a Content-Security-Policy that forbids loading anything) with the alert routing, every dashboard
drawn to scale and the alarms table.

Mermaid cannot render offline without vendoring it, so the page draws the routing itself as SVG (three
columns: publishers, topics by region, subscribers) and keeps the Mermaid source, for GitHub, under
a ``<details>``. Same render, same bytes: everything is sorted, nothing depends on time. Every text
is escaped (``html.escape``): titles and descriptions come from the stack file.
"""

from __future__ import annotations

from html import escape
from typing import Any

from tools.pictures.alarms import alarm_rows, alarms_table
from tools.pictures.dashboards import dashboard_svg, dashboards, widgets_table
from tools.pictures.mermaid import routing_mermaid
from tools.pictures.routing import Node, RoutingGraph, as_document, resources, routing_graph

NODE_WIDTH, NODE_HEIGHT, NODE_GAP, REGION_GAP = 290, 34, 8, 22
COLUMN_X = (0, 400, 800)
SEVERITY_FILLS = {"critical": "#ffebe9", "warning": "#fff8c5", "info": "#ddf4ff"}

STYLE = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #d0d7de}h3{font-size:15px}
nav a{margin-right:12px}
table{border-collapse:collapse;margin:8px 0;font-size:12px}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.series{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11px}
tr.sev-critical td:nth-child(3){color:#cf222e;font-weight:600}
tr.sev-warning td:nth-child(3){color:#9a6700;font-weight:600}
.dim{color:#57606a}
svg{display:block;max-width:100%;height:auto;margin:8px 0;font:11px system-ui,sans-serif}
svg.dashboard{background:#f6f8fa;border:1px solid #d0d7de}
svg .grid{stroke:#eaeef2;stroke-width:1;fill:none}
svg rect.widget{fill:#fff;stroke:#8c959f;stroke-width:1}
svg g.widget-text rect.widget{fill:#f6f8fa}
svg text.title{font-weight:600;fill:#1f2328}
svg text.series{fill:#57606a;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:10px}
svg line.threshold{stroke-width:1.5;stroke-dasharray:6 3}
svg text.threshold-label{font-size:10px}
svg.routing rect{stroke:#8c959f;fill:#fff}
svg.routing path.edge{fill:none;stroke:#8c959f;stroke-width:1.2}
svg.routing text.count{fill:#57606a;font-size:10px}
svg.routing text.region{font-weight:600;fill:#57606a}
details{margin:6px 0}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:11px}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _node_y(graph: RoutingGraph) -> tuple[dict[tuple, float], list[tuple[str, float]], float]:
    """Each node's top, the region headings of the topic column, and the drawing's height."""
    tops: dict[tuple, float] = {}
    headings: list[tuple[str, float]] = []
    bottom = 0.0
    for column in range(3):
        y, region = 24.0, None
        members = [n for n in graph.ordered_nodes() if n.column == column]
        if column == 2:  # subscribers next to the topics they hear: fewer crossings (the mean height of their sources)
            members.sort(key=lambda n: (_mean_source_top(graph, tops, n.key), n.label, repr(n.key)))
        for node in members:
            if column == 1 and node.group != region:
                region = node.group
                headings.append((region or "other actions", y + 14))
                y += REGION_GAP
            tops[node.key] = y
            y += NODE_HEIGHT + NODE_GAP
        bottom = max(bottom, y)
    return tops, headings, bottom + 8


def _mean_source_top(graph: RoutingGraph, tops: dict[tuple, float], key: tuple) -> float:
    sources = [tops[source] for source, target in graph.edges if target == key and source in tops]
    return sum(sources) / len(sources) if sources else float("inf")


def _node_text(node: Node, graph: RoutingGraph) -> tuple[str, str]:
    if node.column == 0:
        size = graph.sizes.get(node.key, 0)
        detail = node.detail[:-1] if size == 1 and node.detail.endswith("s") else node.detail
        return node.label, f"{node.group} · {size} {detail}"
    if node.column == 1:
        heard = sum(1 for source, _ in graph.edges if source == node.key)
        return node.label, f"{node.group} · {heard} subscriber{'s' if heard != 1 else ''}"
    return node.label, node.detail or node.group


def routing_svg(graph: RoutingGraph) -> str:
    """The routing as three columns of boxes joined by curves, each curve labelled with its count."""
    tops, headings, height = _node_y(graph)
    width = COLUMN_X[2] + NODE_WIDTH
    parts = [f'<svg class="routing" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:g}" '
             f'width="{width}" height="{height:g}" role="img" aria-label="alert routing">']
    for column, title in enumerate(("Publishers (service · severity)", "SNS topics by region", "Subscribers")):
        parts.append(f'<text class="region" x="{COLUMN_X[column]}" y="14">{escape(title)}</text>')
    for heading, y in headings:
        parts.append(f'<text class="region" x="{COLUMN_X[1]}" y="{y:g}">{escape(heading)}</text>')
    order = {node.key: i for i, node in enumerate(graph.ordered_nodes())}
    for source, target in sorted(graph.edges, key=lambda e: (order[e[0]], order[e[1]])):
        x1 = COLUMN_X[graph.nodes[source].column] + NODE_WIDTH
        x2 = COLUMN_X[graph.nodes[target].column]
        y1, y2 = tops[source] + NODE_HEIGHT / 2, tops[target] + NODE_HEIGHT / 2
        middle = (x1 + x2) / 2
        parts.append(f'<path class="edge" d="M{x1} {y1:g}C{middle:g} {y1:g} {middle:g} {y2:g} {x2} {y2:g}"/>')
        count = graph.edges[(source, target)]
        if count > 1:
            parts.append(f'<text class="count" x="{x1 + 4}" y="{y1 - 3:g}">{count}</text>')
    for node in graph.ordered_nodes():
        x, y = COLUMN_X[node.column], tops[node.key]
        fill = SEVERITY_FILLS.get(node.group, "#fff") if node.column == 0 else "#fff"
        first, second = _node_text(node, graph)
        parts.append(
            f'<g class="node col{node.column}"><rect x="{x}" y="{y:g}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="4" '
            f'style="fill:{fill}"><title>{escape(first)}\n{escape(second)}</title></rect>'
            f'<text x="{x + 6}" y="{y + 14:g}">{escape(_cut(first))}</text>'
            f'<text class="count" x="{x + 6}" y="{y + 28:g}">{escape(_cut(second))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _cut(text: str, room: int = 46) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


def _anchor(name: str) -> str:
    return "dashboard-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)


def to_html(render: Any) -> str:
    """The page of one render (a ``Render`` or its JSON contract)."""
    document = as_document(render)
    items = resources(render)
    project, stack = str(document.get("project", "")), str(document.get("stack", ""))
    boards = dashboards(items)
    alarms = alarm_rows(items)
    graph = routing_graph(render)
    title = f"{project} / {stack}"
    nav = "".join(f'<a href="#{escape(_anchor(board.name))}">{escape(board.name)}</a>' for board in boards)
    sections = []
    for board in boards:
        sections.append(
            f'<section id="{escape(_anchor(board.name))}" class="dashboard"><h3>{escape(board.name)} '
            f'<span class="dim">({len(board.widgets)} widgets, 24 columns × {board.rows} rows)</span></h3>'
            f"{dashboard_svg(board)}<details><summary>widgets, thresholds and every series</summary>"
            f"{widgets_table(board)}</details></section>"
        )
    body = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}: estate preview</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p>{len(items)} resources; {len(boards)} dashboards; {len(alarms)} alarms. Drawn offline from the render '
        "(<code>estate preview --format html</code>): secrets are masked, nothing is loaded from the network.</p>",
        f'<nav><a href="#routing">alert routing</a><a href="#dashboards">dashboards</a><a href="#alarms">alarms</a> {nav}</nav>',
        '<h2 id="routing">Alert routing</h2>',
        "<p>Publishers (alarms grouped by service and severity, with how many) → SNS topics by region → subscribers. "
        "Webhook URLs, phone numbers and keys are never shown.</p>",
        routing_svg(graph),
        "<details><summary>the same diagram as Mermaid (for GitHub)</summary>",
        f"<pre>{escape(routing_mermaid(render))}</pre></details>",
        '<h2 id="dashboards">Dashboards</h2>',
        *sections,
        f'<h2 id="alarms">Alarms ({len(alarms)})</h2>',
        alarms_table(items),
        "</body></html>",
    ]
    return "\n".join(body) + "\n"
