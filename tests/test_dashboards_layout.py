"""Dashboards: one per service and the runbooks' overviews, on the 24-column grid, deterministic
JSON, split when CloudWatch's limits (500 widgets, 2,500 metrics) would be exceeded."""

from __future__ import annotations

import json

import pulumi
import pytest

from components.dashboards import (
    FULL, MAX_METRICS, MAX_WIDGETS, DashboardSet, DashboardSetArgs, Section, Widget, layout, paginate,
)
from components.service_alarms import service_section
from infra.engine import render_program
from data.model import Estate

DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


@pytest.fixture(scope="module")
def boards(prod_render):
    return {d.inputs["dashboardName"]: json.loads(d.inputs["dashboardBody"]) for d in prod_render.of_type(DASHBOARD)}


def _metric_names(body):
    names = []
    for widget in body["widgets"]:
        for metric in widget["properties"].get("metrics", []):
            names += [part for part in metric if isinstance(part, str)][1:2]
    return names


def test_one_dashboard_per_service_and_the_two_overviews(boards):
    assert set(boards) == {
        "authz-eb", "subscriptions-contracts-eb", "tms-sync-eb", "affret-ia-api-v2",
        "RT-Backend-Services", "Symphonia-Production",
    }


def test_service_dashboard_sections(boards, prod_render):
    body = boards["authz-eb"]
    widgets = body["widgets"]
    assert widgets[0]["type"] == "text" and widgets[0]["properties"]["markdown"].startswith("# authz-eb")
    titles = [w["properties"].get("title") for w in widgets]
    for title in ("Health", "Requests and errors", "Latency (s)", "CPU and disk (%)", "authz-eb alarms"):
        assert title in titles
    alarm_widgets = {w["properties"]["title"]: w for w in widgets if w["type"] == "alarm"}
    status, burn_rate = alarm_widgets.pop("authz-eb alarms"), alarm_widgets.pop("authz-eb burn-rate alerts")
    assert alarm_widgets == {}
    # The burn-rate windows (silent children) page through their composites, which have their own widget.
    alarm_arns = {a.inputs["name"] for a in prod_render.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
                  if a.inputs["tags"]["service"] == "authz-eb" and "notifies_through" not in a.inputs["tags"]}
    listed = {arn.rsplit(":", 1)[1] for arn in status["properties"]["alarms"]}
    assert listed == alarm_arns
    assert status["width"] == FULL
    composites = {a.inputs["alarmName"] for a in prod_render.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")
                  if a.inputs["tags"]["service"] == "authz-eb"}
    assert {arn.rsplit(":", 1)[1] for arn in burn_rate["properties"]["alarms"]} == composites and len(composites) == 3


def test_dashboards_use_real_dimensions_and_the_ec2_cpu(boards):
    for name in ("RT-Backend-Services", "authz-eb"):
        for widget in boards[name]["widgets"]:
            for metric in widget["properties"].get("metrics", []):
                if isinstance(metric[0], str) and metric[0] == "AWS/ElasticBeanstalk":
                    assert metric[2] == "EnvironmentName", metric  # the seed's widgets had no dimension
                if isinstance(metric[0], str) and metric[1] == "CPUUtilization":
                    assert metric[0] == "AWS/EC2" and metric[2] == "AutoScalingGroupName"
    overview = boards["RT-Backend-Services"]
    environments = {m[3] for w in overview["widgets"] for m in w["properties"].get("metrics", [])
                    if isinstance(m[0], str) and m[0] == "AWS/ElasticBeanstalk"}
    assert environments == {"authz-eb-prod", "rt-subscriptions-api-prod"}


def test_symphonia_production_shows_the_business_metrics_without_dimensions(boards):
    widgets = boards["Symphonia-Production"]["widgets"]
    (activity,) = [w for w in widgets if w["properties"].get("title") == "Platform activity"]
    metrics = activity["properties"]["metrics"]
    assert [m[:2] for m in metrics] == [["Symphonia/Production", n] for n in ("CarriersCreated", "DocumentsUploaded", "ScoresCalculated")]
    assert all(len(m) == 3 and isinstance(m[2], dict) for m in metrics)  # namespace, name, options: no dimensions
    assert activity["properties"]["stat"] == "Sum" and activity["properties"]["period"] == 300


def test_widgets_sit_on_the_grid_without_overlap(boards):
    for name, body in boards.items():
        cells = set()
        for widget in body["widgets"]:
            assert widget["width"] in (6, 8, 12, 24)
            assert 0 <= widget["x"] and widget["x"] + widget["width"] <= 24, name
            for dx in range(widget["width"]):
                for dy in range(widget["height"]):
                    cell = (widget["x"] + dx, widget["y"] + dy)
                    assert cell not in cells, f"{name}: widgets overlap at {cell}"
                    cells.add(cell)


def test_bodies_are_deterministic_json(prod_render):
    for dashboard in prod_render.of_type(DASHBOARD):
        raw = dashboard.inputs["dashboardBody"]
        assert raw == json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"))


# -- splitting ------------------------------------------------------------------------------------


def _widget(metrics: int) -> Widget:
    return Widget("metric", 6, 6, {"metrics": [["N", f"M{i}"] for i in range(metrics)]})


def test_paginate_respects_both_limits_and_keeps_sections_whole():
    sections = [Section([_widget(1) for _ in range(7)]) for _ in range(100)]  # 700 widgets
    pages = paginate(sections)
    assert [len(p) for p in pages] == [497, 203]  # 71 whole sections, then the rest
    heavy = [Section([_widget(100) for _ in range(6)]) for _ in range(10)]  # 6,000 metrics
    pages = paginate(heavy)
    assert all(sum(w.metric_count for w in p) <= MAX_METRICS for p in pages)
    assert [sum(w.metric_count for w in p) for p in pages] == [2400, 2400, 1200]


def test_a_section_larger_than_a_dashboard_is_cut_inside():
    pages = paginate([Section([_widget(1) for _ in range(MAX_WIDGETS + 20)])])
    assert [len(p) for p in pages] == [MAX_WIDGETS, 20]


def test_layout_wraps_rows_at_24_columns():
    placed = layout([Widget("text", 24, 2, {}), Widget("metric", 12, 6, {}), Widget("metric", 12, 6, {}), Widget("metric", 8, 6, {})])
    assert [(w["x"], w["y"]) for w in placed] == [(0, 0), (0, 2), (12, 2), (0, 8)]


def _synthetic_estate(count: int) -> Estate:
    """A big estate: ``count`` external services, each with five custom metric alarms."""
    return Estate.model_validate({
        "organisation": "big", "environment": "prod", "region": "eu-west-1",
        "runbook_url": "https://example.com/runbook",
        "alerting": {"topic_prefix": "big", "subscriptions": [
            {"name": "ops", "protocol": "email", "endpoint": "ops@example.com", "severities": ["critical", "warning", "info"]}]},
        "services": [
            {"name": f"svc-{i:03d}", "kind": "external", "public_url": f"https://svc{i}.example.com",
             "metric_alarms": [{"signal": f"m{j}", "namespace": "Big/App", "metric": f"Metric{j}",
                                "dimensions": {"Service": f"svc-{i:03d}"}, "threshold": {"warning": 1}} for j in range(5)]}
            for i in range(count)
        ],
    })


def test_a_synthetic_big_estate_splits_into_numbered_dashboards():
    estate = _synthetic_estate(90)  # 90 sections x 7 widgets = 630 widgets

    def program():
        DashboardSet("big-overview", DashboardSetArgs(
            "Big-Overview", [service_section(estate, s, health_check_id=f"hc-{s.name}") for s in estate.services]))

    render = render_program(program, config={"aws:region": "eu-west-1"})
    bodies = {d.inputs["dashboardName"]: json.loads(d.inputs["dashboardBody"]) for d in render.of_type(DASHBOARD)}
    assert sorted(bodies) == ["Big-Overview", "Big-Overview-2"]
    widgets = [len(b["widgets"]) for b in bodies.values()]
    assert sum(widgets) == 630 and max(widgets) <= MAX_WIDGETS
    # sections stay whole: every page starts with a service header
    for body in bodies.values():
        assert body["widgets"][0]["type"] == "text" and body["widgets"][0]["properties"]["markdown"].startswith("# svc-")


def test_a_body_with_outputs_is_the_json_dumps_of_it_with_the_same_dependencies():
    """``dashboard_body`` resolves the body's Outputs with one ``Output.all`` (bench: ~800 fewer
    Outputs on prod) and must stay indistinguishable from ``Output.json_dumps``: same text, same
    dependencies, secrecy kept."""
    import pulumi
    import pulumi_aws as aws

    from components.dashboards import dashboard_body
    from infra.engine import render_program

    def program():
        first = aws.s3.Bucket("first", bucket="first-bucket")
        second = aws.s3.Bucket("second", bucket="second-bucket")
        widgets = [
            {"type": "metric", "x": 0, "properties": {"metrics": [["AWS/S3", "BucketSizeBytes", "BucketName", first.bucket]],
                                                      "title": "first", "stacked": False}},
            {"type": "text", "properties": {"markdown": pulumi.Output.concat("# ", second.bucket), "z": [1, [second.arn]]}},
        ]
        aws.cloudwatch.Dashboard("ours", dashboard_name="ours", dashboard_body=dashboard_body(widgets))
        aws.cloudwatch.Dashboard("stock", dashboard_name="stock", dashboard_body=pulumi.Output.json_dumps(
            {"widgets": widgets}, sort_keys=True, separators=(",", ":")))
        aws.cloudwatch.Dashboard("secret", dashboard_name="secret",
                                 dashboard_body=dashboard_body([{"properties": {"markdown": pulumi.Output.secret("s")}}]))

    render = render_program(program, config={"aws:region": "eu-west-3"})
    ours = render.named("ours", "aws:cloudwatch/dashboard:Dashboard")
    stock = render.named("stock", "aws:cloudwatch/dashboard:Dashboard")
    assert ours.inputs["dashboardBody"] == stock.inputs["dashboardBody"]
    assert '"BucketName","first-bucket"' in ours.inputs["dashboardBody"]
    assert ours.dependencies == stock.dependencies and len(ours.dependencies) == 2
    assert render.named("secret", "aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"] == "[secret]"
