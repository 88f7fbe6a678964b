"""Who hears what, read from a render: alarms grouped by service and severity -> SNS topics per region
-> subscribers, with every secret masked.

The graph is built from the render's JSON contract alone (``Render`` or its dict), so the base render
of ``estate diff`` and the head render give graphs that compare node by node. Node keys are identities
(they may hold an address to match the same subscriber across topics); what is ever shown is a node's
``label``, which never holds a phone number, a webhook URL or a value the render marks ``[secret]``.

Publishers: CloudWatch metric and composite alarms (``alarmActions``, ``okActions``,
``insufficientDataActions``), the cost budget's notifications, SES feedback notifications, and Atlas
alert configurations (which notify their subscribers directly, without SNS).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from data.catalogue import atlas as atlas_catalogue
from data.secret_patterns import secret_kind

SECRET = "[secret]"  # how the engine writes a secret value (docs/offline-engine.md)
ALARM_TYPES = ("aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm")
TOPIC_TYPE = "aws:sns/topic:Topic"
SUBSCRIPTION_TYPE = "aws:sns/topicSubscription:TopicSubscription"
BUDGET_TYPE = "aws:budgets/budget:Budget"
SES_NOTIFICATION_TYPE = "aws:ses/identityNotificationTopic:IdentityNotificationTopic"
ATLAS_ALERT_TYPE = "mongodbatlas:index/alertConfiguration:AlertConfiguration"
ACTION_FIELDS = ("alarmActions", "okActions", "insufficientDataActions")
SEVERITY_ORDER = ("critical", "warning", "info")

# Atlas notification fields: shown (they name a subscriber) and secret (never shown), the catalogue's.
ATLAS_SHOWN_FIELDS = atlas_catalogue.NOTIFICATION_NAMING_FIELDS
ATLAS_SECRET_FIELDS = atlas_catalogue.NOTIFICATION_SECRET_FIELDS


@dataclass(frozen=True)
class Node:
    key: tuple  # identity across renders: ("source"|"topic"|"action"|"subscriber", ...); never shown
    label: str  # what is shown: masked, one short line per element
    column: int  # 0 publishers, 1 topics (and other alarm actions), 2 subscribers
    group: str = ""  # the region of a topic, the severity of a publisher group
    detail: str = ""  # a second line (counts, protocol), masked too


@dataclass
class RoutingGraph:
    nodes: dict[tuple, Node] = field(default_factory=dict)
    edges: Counter = field(default_factory=Counter)  # (from key, to key) -> how many publishers route there
    sizes: Counter = field(default_factory=Counter)  # publisher group key -> alarms (notifications) in it

    def add(self, node: Node) -> tuple:
        known = self.nodes.get(node.key)
        # A subscriber met twice (an SNS subscription and an Atlas notification) keeps its most telling label.
        if known is None or (len(node.label), node.label) > (len(known.label), known.label):
            self.nodes[node.key] = node
        return node.key

    def link(self, source: tuple, target: tuple, count: int = 1) -> None:
        self.edges[(source, target)] += count

    def ordered_nodes(self) -> list[Node]:
        return sorted(self.nodes.values(), key=node_order)


def node_order(node: Node) -> tuple:
    severity = SEVERITY_ORDER.index(node.group) if node.group in SEVERITY_ORDER else len(SEVERITY_ORDER)
    if node.column == 0:
        return (node.column, node.key[1], node.key[2], severity, node.key[3:])
    return (node.column, node.group, node.label, repr(node.key))


def as_document(render: Any) -> Mapping[str, Any]:
    """The JSON contract of a render: a ``Render`` or the dict ``estate preview --format json`` prints."""
    return render.to_dict() if hasattr(render, "to_dict") else render


def resources(render: Any) -> list[Mapping[str, Any]]:
    return list(as_document(render).get("resources", []))


# --------------------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------------------


def masked_endpoint(protocol: str, endpoint: Any) -> str:
    """What may be shown of a subscriber's endpoint: an email address or a queue/function name; only
    the scheme and host of an HTTP(S) endpoint (its path and query carry tokens); never a phone number
    nor a value the render marks secret or that looks like a credential."""
    protocol = protocol.lower()
    if not isinstance(endpoint, str) or not endpoint or endpoint == SECRET:
        return "secret"
    if protocol == "sms":
        return "number masked"
    if protocol in ("http", "https"):
        host = urlsplit(endpoint).hostname
        return f"{protocol}://{host}/…" if host and secret_kind(host) is None else "URL masked"
    if secret_kind(endpoint) is not None:
        return "masked"
    if endpoint.startswith("arn:"):
        return endpoint.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    return endpoint


def _sns_subscriber(protocol: str, endpoint: Any, name: str) -> Node:
    shown = masked_endpoint(protocol, endpoint)
    kind = _protocol_kind(protocol)
    plain = kind == "email" and shown == endpoint
    # A plaintext address identifies the subscriber on every topic; a masked one is known by its name
    # (a phone number is kept as identity so the Atlas SMS of the same number meets it; never shown).
    identity = endpoint if plain or (kind == "sms" and endpoint != SECRET) else ("named", name)
    if plain:
        return Node(("subscriber", kind, identity), endpoint, 2, detail=protocol.lower())
    return Node(("subscriber", kind, identity), name or protocol.lower(), 2, detail=f"{protocol.lower()}, {shown}")


def _protocol_kind(protocol: str) -> str:
    return {"email-json": "email"}.get(protocol.lower(), protocol.lower())


def _atlas_subscriber(notification: Mapping[str, Any]) -> Node:
    kind = str(notification.get("typeName", "unknown")).lower()
    if kind == "email" and isinstance(notification.get("emailAddress"), str):
        address = notification["emailAddress"]
        if secret_kind(address) is None:
            return Node(("subscriber", "email", address), address, 2, detail="email")
    if kind == "sms" and isinstance(notification.get("mobileNumber"), str) and notification["mobileNumber"] != SECRET:
        return Node(("subscriber", "sms", notification["mobileNumber"]), "SMS", 2, detail="sms, number masked")
    shown = [f"{key} {notification[key]}" for key in ATLAS_SHOWN_FIELDS
             if key in notification and isinstance(notification[key], str | int) and secret_kind(str(notification[key])) is None]
    hidden = sorted(key for key in ATLAS_SECRET_FIELDS if key in notification)
    label = f"Atlas {kind}" + (f" ({', '.join(shown)})" if shown else "")
    return Node(("subscriber", kind, ("atlas", tuple(shown))), label, 2, detail=kind + (", key masked" if hidden else ""))


# --------------------------------------------------------------------------------------------------
# The graph
# --------------------------------------------------------------------------------------------------


def _arn_parts(arn: str) -> tuple[str, str, str] | None:
    """``arn:aws:sns:<region>:<account>:<name>`` -> (service, region, resource)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[2], parts[3], parts[5]


def _topic_node(arn: str, declared: Mapping[tuple[str, str], Mapping[str, Any]]) -> Node:
    parts = _arn_parts(arn)
    if parts is None or parts[0] != "sns":
        service, region, resource = parts or ("unknown", "", arn)
        return Node(("action", service, region, resource), f"{service} action {resource.rsplit('/', 1)[-1]}", 1, group=region)
    _, region, name = parts
    external = "" if (region, name) in declared else " (not in this stack)"
    return Node(("topic", region, name), name + external, 1, group=region)


def _targets(values: Any) -> list[str]:
    return sorted({value for value in values or [] if isinstance(value, str)})


def routing_graph(render: Any) -> RoutingGraph:
    """The routing graph of one render (a ``Render`` or its JSON contract)."""
    items = resources(render)
    graph = RoutingGraph()
    declared: dict[tuple[str, str], Mapping[str, Any]] = {}
    regions = _provider_regions(items)
    if isinstance(getattr(render, "region", None), str):  # a Render knows its default region; the JSON does not
        regions[None] = render.region
    for resource in items:
        if resource["type"] == TOPIC_TYPE:
            region = regions.get(resource.get("provider"), regions.get(None, ""))
            declared[(region, resource["inputs"].get("name", resource["name"]))] = resource
    topic_names = {(region, name): resource["name"] for (region, name), resource in declared.items()}

    publishers: Counter = Counter()  # (source node, target node) -> publishers
    for resource in items:
        inputs = resource.get("inputs", {})
        if resource["type"] in ALARM_TYPES:
            tags = inputs.get("tags") or {}
            service = str(tags.get("service") or inputs.get("alarmName") or inputs.get("name") or resource["name"])
            severity = str(tags.get("severity") or "unspecified")
            kind = "composite alarms" if "compositeAlarm" in resource["type"] else "alarms"
            source = ("source", "alarm", service, severity)
            targets = _targets(sum((list(inputs.get(key) or []) for key in ACTION_FIELDS), []))
            if not targets and tags.get("notifies_through"):
                continue  # a burn-rate window without actions: its composite alarm is the route (components/slo)
            graph.add(Node(source, service, 0, group=severity, detail=kind))
            graph.sizes[source] += 1
            for arn in targets or ["(no action)"]:
                target = graph.add(_topic_node(arn, declared)) if arn != "(no action)" else graph.add(
                    Node(("action", "none", "", ""), "no action: nobody is told", 1))
                publishers[(source, target)] += 1
        elif resource["type"] == BUDGET_TYPE:
            source = ("source", "budget", str(inputs.get("name", resource["name"])), "cost")
            graph.add(Node(source, str(inputs.get("name", resource["name"])), 0, group="cost", detail="notifications"))
            for notification in inputs.get("notifications") or []:
                graph.sizes[source] += 1
                for arn in _targets(notification.get("subscriberSnsTopicArns")):
                    publishers[(source, graph.add(_topic_node(arn, declared)))] += 1
                for address in _targets(notification.get("subscriberEmailAddresses")):
                    publishers[(source, graph.add(_sns_subscriber("email", address, "")))] += 1
        elif resource["type"] == SES_NOTIFICATION_TYPE:
            identity = str(inputs.get("identity", resource["name"]))
            domain = identity.rsplit("@", 1)[-1]
            source = ("source", "ses", f"SES {domain}", "feedback")
            graph.add(Node(source, f"SES {domain}", 0, group="feedback", detail="notifications"))
            graph.sizes[source] += 1
            if isinstance(inputs.get("topicArn"), str):
                publishers[(source, graph.add(_topic_node(inputs["topicArn"], declared)))] += 1
        elif resource["type"] == ATLAS_ALERT_TYPE:
            severity = str(inputs.get("severityOverride") or _severity_from_name(resource["name"])).lower()
            source = ("source", "atlas", "MongoDB Atlas", severity)
            graph.add(Node(source, "MongoDB Atlas", 0, group=severity, detail="alerts"))
            graph.sizes[source] += 1
            for notification in inputs.get("notifications") or []:
                publishers[(source, graph.add(_atlas_subscriber(notification)))] += 1
    for (source, target), count in publishers.items():
        graph.link(source, target, count)

    for resource in items:
        if resource["type"] != SUBSCRIPTION_TYPE:
            continue
        inputs = resource.get("inputs", {})
        parts = _arn_parts(str(inputs.get("topic", "")))
        if parts is None:
            continue
        topic = graph.add(_topic_node(str(inputs["topic"]), declared))
        owner = topic_names.get((parts[1], parts[2]), "")
        name = resource["name"][len(owner) + 1:] if owner and resource["name"].startswith(owner + "-") else resource["name"]
        graph.link(topic, graph.add(_sns_subscriber(str(inputs.get("protocol", "")), inputs.get("endpoint"), name)))
    return graph


def _severity_from_name(name: str) -> str:
    return next((severity for severity in SEVERITY_ORDER if name.endswith(f"-{severity}")), "unspecified")


def _provider_regions(items: list[Mapping[str, Any]]) -> dict[str | None, str]:
    """Provider URN -> its region; None -> the default region (the first alarm or topic ARN's is not
    needed: the default provider's region is what topics without a provider are created in)."""
    regions: dict[str | None, str] = {}
    for resource in items:
        if resource["type"].startswith("pulumi:providers:") and isinstance(resource["inputs"].get("region"), str):
            regions[resource["urn"]] = resource["inputs"]["region"]
    for resource in items:  # topics of the default provider: their ARN says the region (fake outputs do too)
        if resource["type"] in ALARM_TYPES and resource.get("provider") is None:
            for arn in _targets(sum((list(resource["inputs"].get(k) or []) for k in ACTION_FIELDS), [])):
                parts = _arn_parts(arn)
                if parts and parts[0] == "sns":
                    regions.setdefault(None, parts[1])
    for resource in items:
        if resource["type"] == SUBSCRIPTION_TYPE and resource.get("provider") is None:
            parts = _arn_parts(str(resource["inputs"].get("topic", "")))
            if parts:
                regions.setdefault(None, parts[1])
    return regions


@dataclass(frozen=True)
class Change:
    """One node or edge of the union of two graphs, and what happened to it."""

    status: str  # "added", "removed", "changed" (an edge's count), "same"
    before: int = 0
    after: int = 0


def compare(base: RoutingGraph, head: RoutingGraph) -> tuple[RoutingGraph, dict[Any, Change]]:
    """The union of two graphs (head's labels win) and the status of every node key and edge."""
    union = RoutingGraph()
    for node in list(base.nodes.values()) + list(head.nodes.values()):
        union.nodes[node.key] = node
    union.sizes.update({key: head.sizes.get(key) or base.sizes[key] for key in set(base.sizes) | set(head.sizes)})
    status: dict[Any, Change] = {}
    for key in union.nodes:
        kind = "same" if key in base.nodes and key in head.nodes else "added" if key in head.nodes else "removed"
        status[key] = Change(kind, base.sizes.get(key, 0), head.sizes.get(key, 0))
    for edge in set(base.edges) | set(head.edges):
        before, after = base.edges.get(edge, 0), head.edges.get(edge, 0)
        union.edges[edge] = after or before
        kind = "added" if not before else "removed" if not after else "changed" if before != after else "same"
        status[edge] = Change(kind, before, after)
    return union, status
