"""Pictures of a render for people who would rather look than read: the alert routing (a Mermaid
flowchart for pull-request comments, an inline SVG in the page) and ``estate preview --format html``
(one self-contained page: routing, every dashboard drawn to scale, the alarms table)."""

from tools.pictures.mermaid import routing_markdown, routing_mermaid
from tools.pictures.routing import RoutingGraph, routing_graph

__all__ = ["RoutingGraph", "routing_graph", "routing_markdown", "routing_mermaid"]
