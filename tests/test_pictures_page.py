"""``estate preview --format html``: dashboards drawn to scale, thresholds on the widget's scale, the
alarms table, escaping, no network, determinism, no secret in the page."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from tests.pictures_renders import alarm, dashboard, render, small_estate
from tools.pictures.dashboards import COLUMN_PX, ROW_PX, Dashboard, dashboard_svg, dashboards, metric_lines
from tools.pictures.page import to_html
from tools.preview import render_as

SVG = "{http://www.w3.org/2000/svg}"
WIDGETS = [
    {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "# api\n\nthe API"}},
    {"type": "metric", "x": 0, "y": 2, "width": 12, "height": 6, "properties": {
        "title": "CPU (%)", "stat": "Average", "yAxis": {"left": {"min": 0, "max": 100}},
        "annotations": {"horizontal": [{"label": "warning", "value": 70}, {"label": "critical", "value": 85}]},
        "metrics": [["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", "asg-1", {"label": "CPU"}],
                    [".", "NetworkIn", ".", ".", {"stat": "Sum"}],
                    [{"expression": "m1 * 2", "id": "double", "label": "twice"}]]}},
    {"type": "alarm", "x": 12, "y": 2, "width": 12, "height": 6, "properties": {
        "title": "alarms", "alarms": ["arn:aws:cloudwatch:eu-central-1:123456789012:alarm:api-cpu-critical"]}},
]


def _svg(widgets) -> ET.Element:
    return ET.fromstring(dashboard_svg(Dashboard("api", widgets)))


def test_one_rect_per_widget_at_the_scaled_coordinates():
    rects = [r for r in _svg(WIDGETS).iter(f"{SVG}rect")]
    assert [r.get("class") for r in rects] == ["widget"] * 3
    for rect, widget in zip(rects, WIDGETS):
        assert (float(rect.get("x")), float(rect.get("y"))) == (widget["x"] * COLUMN_PX, widget["y"] * ROW_PX)
        assert (float(rect.get("width")), float(rect.get("height"))) == (widget["width"] * COLUMN_PX, widget["height"] * ROW_PX)


def test_the_drawing_is_the_24_column_grid_as_tall_as_its_widgets():
    root = _svg(WIDGETS)
    assert root.get("viewBox") == f"0 0 {24 * COLUMN_PX} {8 * ROW_PX}"


def test_threshold_lines_sit_on_the_widget_y_scale():
    lines = {line.find(f"{SVG}title").text.split()[0]: float(line.get("y1")) for line in _svg(WIDGETS).iter(f"{SVG}line")}
    top, bottom = 2 * ROW_PX, 8 * ROW_PX
    assert top < lines["critical"] < lines["warning"] < bottom  # 85 above 70 on a 0..100 axis
    # 70 and 85 of 100: the gap between them is 15% of the plot's height, whatever the text above took
    plot = (bottom - 2 - lines["warning"]) / 0.70
    assert abs((lines["warning"] - lines["critical"]) - 0.15 * plot) < 0.5


def test_the_metrics_each_widget_plots_are_listed():
    lines = metric_lines(WIDGETS[1]["properties"])
    assert lines == ["CPU: AWS/EC2 CPUUtilization (Average) AutoScalingGroupName=asg-1",
                     "AWS/EC2 NetworkIn (Sum) AutoScalingGroupName=asg-1",  # "." repeats the row above
                     "twice = m1 * 2"]
    tooltip = _svg(WIDGETS).find(f".//{SVG}rect/{SVG}title").text
    assert tooltip.startswith("api")
    page = to_html(render(dashboard("api", WIDGETS)))
    assert "AWS/EC2 NetworkIn (Sum)" in page and "api-cpu-critical" in page


def test_titles_from_the_stack_file_are_escaped():
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    widgets = [{**WIDGETS[1], "properties": {**WIDGETS[1]["properties"], "title": hostile}}]
    page = to_html(render(dashboard(hostile, widgets), alarm(hostile, hostile, "critical", "acme-critical")))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    ET.fromstring(dashboard_svg(Dashboard(hostile, widgets)))  # still well-formed


def test_the_page_loads_nothing_from_anywhere():
    page = to_html(small_estate(extra=(dashboard("api", WIDGETS),)))
    assert "<script" not in page
    assert not re.search(r"""\b(src|srcset|action)\s*=""", page)
    assert set(re.findall(r'href="([^"]*)"', page)) <= {f"#{a}" for a in re.findall(r'id="([^"]*)"', page)}
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page


def test_same_render_same_bytes_from_a_render_or_its_json(prod_render):
    first = render_as(prod_render, "html")
    assert first == to_html(json.loads(prod_render.to_json()))
    assert first == render_as(prod_render, "html")


def test_prod_page_has_every_dashboard_every_alarm_and_no_secret(prod_render):
    page = to_html(prod_render)
    boards = prod_render.of_type("aws:cloudwatch/dashboard:Dashboard")
    assert page.count('<svg class="dashboard"') == len(boards) == 6
    widgets = sum(len(json.loads(b.inputs["dashboardBody"])["widgets"]) for b in boards)
    assert page.count('<rect class="widget"') == widgets
    # Every alarm has its row: metric alarms (the burn-rate windows without actions included) and the
    # composite alarms that page for them.
    alarms = [*prod_render.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"),
              *prod_render.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")]
    assert len(re.findall(r'<tr class="sev-', page)) == len(alarms) == 88 + 6
    row = re.search(r"<tr[^>]*><td>symphonia-platform-app-errors-critical</td>.*?</tr>", page).group(0)
    assert "&gt; 50" in row and "300 s × 1" in row and "rt-estate-prod-critical (eu-central-1)" in row
    for sms in prod_render.of_type("aws:sns/topicSubscription:TopicSubscription"):
        if sms.inputs["protocol"] == "sms":
            assert sms.inputs["endpoint"] not in page
    for alert in prod_render.of_type("mongodbatlas:index/alertConfiguration:AlertConfiguration"):
        for notification in alert.inputs["notifications"]:
            assert notification.get("mobileNumber", "\0") not in page


def test_metric_math_alarm_shows_its_expression_and_the_metrics_it_reads(prod_render):
    page = to_html(prod_render)
    row = re.search(r"<tr[^>]*><td>authz-eb-5xx-rate-critical</td>.*?</tr>", page).group(0)
    assert "rate = IF(requests &gt; 0, 100 * FILL(errors, 0) / requests, 0)" in row
    assert "errors: AWS/ElasticBeanstalk ApplicationRequests5xx (Sum) EnvironmentName=authz-eb-prod" in row


def test_dashboards_are_read_from_the_render():
    found = dashboards(render(dashboard("b", WIDGETS), dashboard("a", WIDGETS[:1]))["resources"])
    assert [(d.name, len(d.widgets), d.rows) for d in found] == [("a", 1, 2), ("b", 3, 8)]


def test_the_page_masks_webhook_urls_and_phone_numbers():
    from tests.pictures_renders import subscription

    webhook = "https://hooks.example.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX"
    page = to_html(small_estate(extra=(subscription("acme-warning", "chat", "https", webhook),)))
    assert "T0000" not in page and "33699887766" not in page
    assert "https://hooks.example.com/…" in page and "oncall-sms" in page
