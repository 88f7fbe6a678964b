"""The alert-routing diagram (Mermaid, for the pull-request comment): grouped by service and severity
with counts, topics per region, subscribers masked, changed routes styled against a base render,
and small enough for Mermaid and a GitHub comment."""

from __future__ import annotations

import re

from tests.pictures_renders import alarm, render, small_estate, subscription, topic
from tools.pictures import routing_markdown, routing_mermaid
from tools.pictures.mermaid import MERMAID_MAXTEXTSIZE, mermaid_text
from tools.pictures.routing import masked_endpoint, routing_graph

EDGE = re.compile(r"^\s+(\w+) (-->|==>|-\.->)(?:\|([^|]*)\|)? (\w+)$")
NODE = re.compile(r'^\s+(\w+)\["(.*)"\]$')


def _nodes(text: str) -> dict[str, str]:
    """Node id -> its label (Mermaid text)."""
    return {m.group(1): m.group(2) for line in text.splitlines() if (m := NODE.match(line)) and not line.strip().startswith("subgraph")}


def _node(text: str, *parts: str) -> str:
    found = [node for node, label in _nodes(text).items() if all(part in label for part in parts)]
    assert len(found) == 1, (parts, found, text)
    return found[0]


def _edges(text: str) -> list[tuple[str, str, str, str]]:
    """(from, arrow, label, to) in the order Mermaid numbers links (linkStyle indices)."""
    return [(m.group(1), m.group(2), m.group(3) or "", m.group(4)) for line in text.splitlines() if (m := EDGE.match(line))]


def _link_styles(text: str) -> dict[int, str]:
    styles = {}
    for line in text.splitlines():
        if line.strip().startswith("linkStyle"):
            _, indices, style = line.split(maxsplit=2)
            styles.update({int(i): style for i in indices.split(",")})
    return styles


def test_alarms_are_grouped_by_service_and_severity_with_their_count():
    text = routing_mermaid(small_estate())
    api_critical = _node(text, "api<br/>", "critical · 2 alarms")
    critical = _node(text, "acme-critical")
    assert (api_critical, "-->", "2", critical) in _edges(text)
    assert _node(text, "worker<br/>", "critical · 1 alarm")  # one node per service x severity, never one per alarm
    assert sum("api<br/>" in label for label in _nodes(text).values()) == 2  # critical and warning


def test_topics_are_drawn_per_region():
    text = routing_mermaid(render(topic("acme-critical"), topic("acme-critical", "us-east-1"),
                                  alarm("api-cpu-critical", "api", "critical", "acme-critical"),
                                  alarm("api-check-critical", "api", "critical", "acme-critical", region="us-east-1")))
    assert 'subgraph region1["eu-central-1"]' in text and 'subgraph region2["us-east-1"]' in text
    block_us = text.split('subgraph region2["us-east-1"]')[1].split("end")[0]
    assert "acme-critical" in block_us


def test_one_subscriber_heard_on_two_topics_is_one_node():
    text = routing_mermaid(small_estate())
    email = _node(text, "ops@example.com")
    assert {edge[0] for edge in _edges(text) if edge[3] == email} == {_node(text, "acme-critical"), _node(text, "acme-warning")}


def test_phone_numbers_and_webhook_urls_never_appear():
    webhook = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX"
    estate = small_estate(extra=(subscription("acme-warning", "chat", "https", webhook),))
    text = routing_mermaid(estate)
    assert "33699887766" not in text and "+33" not in text
    assert "T0000" not in text and "XXXXXXXX" not in text
    assert _node(text, "oncall-sms", "number masked")
    assert _node(text, "chat", "hooks.slack.com")  # the host says where it goes; the path (the token) is gone
    assert _node(text, "pager", "secret")


def test_masking_of_each_protocol():
    assert masked_endpoint("sms", "+33612345678") == "number masked"
    assert masked_endpoint("https", "[secret]") == "secret"
    assert masked_endpoint("https", "https://user:pw@relay.example.com/hook?token=abc") == "https://relay.example.com/…"
    assert masked_endpoint("email", "ops@example.com") == "ops@example.com"
    assert masked_endpoint("lambda", "arn:aws:lambda:eu-central-1:123456789012:function:relay") == "relay"


def test_atlas_sms_and_pager_keys_are_masked_and_meet_the_sns_subscriber():
    from tests.pictures_renders import resource

    atlas = resource("mongodbatlas:index/alertConfiguration:AlertConfiguration", "db-disk-critical", {
        "severityOverride": "CRITICAL",
        "notifications": [{"typeName": "SMS", "mobileNumber": "+33699887766"},
                          {"typeName": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789abcdef"},
                          {"typeName": "EMAIL", "emailAddress": "ops@example.com"}]})
    text = routing_mermaid(small_estate(extra=(atlas,)))
    assert "33699887766" not in text and "0123456789abcdef" not in text
    sms = _node(text, "oncall-sms")  # the Atlas SMS to the same number is the same subscriber
    assert (_node(text, "MongoDB Atlas"), "-->", "", sms) in _edges(text)


def test_a_removed_route_is_dashed_and_red_and_an_added_one_thick_and_green():
    base = small_estate(with_sms=True)
    head = small_estate(with_sms=False, extra=(subscription("acme-warning", "pager", "https", "[secret]"),))
    text = routing_mermaid(head, base)
    critical, warning = _node(text, "acme-critical"), _node(text, "acme-warning")
    sms, pager = _node(text, "oncall-sms"), _node(text, "pager")
    edges, styles = _edges(text), _link_styles(text)
    removed = edges.index((critical, "-.->", "", sms))
    added = edges.index((warning, "==>", "", pager))
    assert "#cf222e" in styles[removed] and "dasharray" in styles[removed]
    assert "#1a7f37" in styles[added]
    unchanged = edges.index((critical, "-->", "", pager))
    assert unchanged not in styles
    assert f"class {sms} removed" in text and "(removed)" in _nodes(text)[sms]


def test_a_changed_alarm_count_reads_before_and_after():
    base = small_estate()
    head = render(*[r for r in base["resources"] if r["name"] != "api-5xx-critical"])
    text = routing_mermaid(head, base)
    assert _node(text, "api<br/>", "critical · 2 → 1 alarm")
    assert (_node(text, "api<br/>", "critical"), "-->", "2 → 1", _node(text, "acme-critical")) in _edges(text)


def test_no_change_styles_nothing():
    text = routing_mermaid(small_estate(), small_estate())
    assert "linkStyle" not in text and "==>" not in text and "-.->" not in text


def test_labels_cannot_break_the_diagram_or_the_comment():
    hostile = 'x"]; click p1 "javascript:alert(1)" <script>|```'
    text = routing_mermaid(render(topic("acme-critical"), alarm("a", hostile, "critical", "acme-critical")))
    assert "<script>" not in text and "```" not in text and 'x"]' not in text
    assert mermaid_text(hostile) in text
    assert all(line.count('"') in (0, 2) for line in text.splitlines())


def test_a_large_estate_folds_services_and_stays_under_mermaid_max_text_size():
    items = [topic("acme-critical"), topic("acme-warning"), subscription("acme-critical", "ops", "email", "ops@example.com")]
    for index in range(400):
        for severity in ("critical", "warning"):
            items.append(alarm(f"svc-{index:03d}-cpu-{severity}", f"service-number-{index:03d}", severity, f"acme-{severity}"))
    estate = render(*items)
    assert len(routing_graph(estate).nodes) > 800
    text = routing_mermaid(estate)
    assert len(text) < MERMAID_MAXTEXTSIZE
    assert _node(text, "400 services", "critical · 400 alarms")
    # A change keeps its service visible while the unchanged ones fold.
    head = render(*[r for r in items if r["name"] != "svc-007-cpu-critical"])
    changed = routing_mermaid(head, estate)
    assert len(changed) < MERMAID_MAXTEXTSIZE
    assert _node(changed, "service-number-007", "critical")
    assert _node(changed, "399 services", "critical")


def test_prod_has_one_node_per_service_and_severity_of_its_alarms(prod_render):
    # What routes: every alarm with actions, composite alarms included; the burn-rate windows without actions
    # page through their composite (issue 14) and draw no route of their own.
    alarms = [a for a in (*prod_render.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"),
                          *prod_render.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm"))
              if a.inputs.get("alarmActions")]
    assert any(a.type.endswith("CompositeAlarm") for a in alarms)
    groups = {(a.inputs["tags"]["service"], a.inputs["tags"]["severity"]) for a in alarms}
    text = routing_mermaid(prod_render)
    labels = [label for node, label in _nodes(text).items() if node.startswith("p")]
    for service, severity in groups:
        count = sum(1 for a in alarms if (a.inputs["tags"]["service"], a.inputs["tags"]["severity"]) == (service, severity))
        assert sum(label.startswith(f"{mermaid_text(service)}<br/>{severity} · {count} alarm") for label in labels) == 1
    assert len(text) < 10_000
    assert "nobody is told" not in text  # prod's silent burn-rate windows are not drawn as unrouted alarms
    for subscription_resource in prod_render.of_type("aws:sns/topicSubscription:TopicSubscription"):
        endpoint = subscription_resource.inputs["endpoint"]
        if subscription_resource.inputs["protocol"] != "email":
            assert endpoint not in text or endpoint == "[secret]"
    assert "[secret]" not in text


def test_markdown_is_a_fenced_mermaid_block():
    base = small_estate(with_sms=True)
    head = render(*[r for r in small_estate(with_sms=False)["resources"] if r["name"] != "api-5xx-critical"])
    block = routing_markdown(head, base)
    assert block.count("```mermaid\nflowchart LR\n") == 1 and block.rstrip().endswith("```")
    assert "routes: 0 added (thick green), 1 removed (dashed red), 1 with another alarm count" in block
    assert "routes: 0 added (thick green), 0 removed" in routing_markdown(base, base)
