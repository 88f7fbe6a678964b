"""The service monitoring units read their signal tables: the EB dashboard draws the rows' own
metric, expression and query with the alarms' thresholds, the environment publishes every
enhanced-health metric they read, a row no widget draws still gets a graph, and every row's name is
its alarm's, its runbook section's and the policy's key."""

from __future__ import annotations

import json
import typing
from dataclasses import replace

import pytest

from components.beanstalk import monitoring
from components.beanstalk.signals import SIGNALS as EB_SIGNALS
from components.healthchecks.signals import SIGNALS as HEALTH_CHECK_SIGNALS
from components.signals import Signal, SignalTable
from data.catalogue import beanstalk as eb
from data.model import Service, ServiceThresholds
from tests.test_runbooks_doc import _anchors

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


@pytest.fixture(scope="module")
def alarms(prod_render):
    return {a.inputs["name"]: a.inputs for a in prod_render.of_type(ALARM)}


@pytest.fixture(scope="module")
def authz_widgets(prod_render):
    (board,) = [d for d in prod_render.of_type(DASHBOARD) if d.inputs["dashboardName"] == "authz-eb"]
    return {w["properties"].get("title"): w["properties"] for w in json.loads(board.inputs["dashboardBody"])["widgets"]}


def _returned(alarm) -> str:
    (query,) = [q for q in alarm["metricQueries"] if q.get("returnData")]
    return query["expression"]


def test_every_enhanced_health_metric_a_row_or_a_widget_reads_is_published():
    read = {m.name for m in monitoring.metrics_read() if m.namespace == eb.NAMESPACE}
    published = set(monitoring.ENVIRONMENT_METRICS) | set(monitoring.INSTANCE_METRICS)
    assert read - {eb.ENVIRONMENT_HEALTH.name} <= published  # EnvironmentHealth is always published
    assert eb.ENVIRONMENT_HEALTH.name not in published


def test_the_dashboard_draws_the_alarms_own_expression_and_query(alarms, authz_widgets):
    requests = authz_widgets["Requests and errors"]["metrics"]
    assert [m for m in requests if "expression" in m[0]][0][0]["expression"] == _returned(alarms["authz-eb-5xx-rate-warning"])
    disk = authz_widgets["CPU and disk (%)"]["metrics"]
    assert [m for m in disk if "expression" in m[0]][0][0]["expression"] == _returned(alarms["authz-eb-root-filesystem-warning"])


@pytest.mark.parametrize("title, signal", [
    ("Health", "health"), ("Requests and errors", "5xx-rate"), ("Latency (s)", "latency-p95"), ("CPU and disk (%)", "cpu"),
])
def test_threshold_lines_are_the_alarms_thresholds(alarms, authz_widgets, title, signal):
    lines = {line["label"]: line["value"] for line in authz_widgets[title]["annotations"]["horizontal"]}
    assert lines == {severity: alarms[f"authz-eb-{signal}-{severity}"]["threshold"] for severity in ("warning", "critical")}


def test_a_row_no_widget_draws_gets_a_graph_with_its_threshold_lines():
    p99 = Signal("latency-p99", "latency_p95", "p99 latency", "s", metric=eb.APPLICATION_LATENCY["P99"], statistic="Maximum", period=60)
    table = SignalTable("beanstalk", "service", (*EB_SIGNALS.signals, p99))
    service = Service(name="api", public_url="https://api.example.com")
    family = replace(monitoring.BeanstalkMonitoring(service, autoscaling_group="asg"), table=table)
    widgets = [w.properties for w in family.widgets("eu-west-1")]
    assert [w["title"] for w in widgets[:len(monitoring.PANELS)]] == [p.title for p in monitoring.PANELS]
    (own,) = widgets[len(monitoring.PANELS):]
    assert (own["title"], own["stat"], own["period"]) == ("latency-p99", "Maximum", 60)
    assert own["metrics"] == [[eb.NAMESPACE, "ApplicationLatencyP99", "EnvironmentName", "api-prod", {}]]
    assert own["annotations"]["horizontal"] == [{"label": "warning", "value": 0.5}, {"label": "critical", "value": 2}]


def test_every_row_has_a_runbook_section_and_a_threshold():
    anchors = _anchors()
    for table in (EB_SIGNALS, HEALTH_CHECK_SIGNALS):
        for signal in table:
            assert signal.name in anchors, signal.name
    for signal in EB_SIGNALS:
        assert signal.threshold_key in ServiceThresholds.model_fields, signal.name


def test_the_policy_keys_are_the_signal_names():
    from policies.rules.services import SIGNAL_METRICS

    assert set(SIGNAL_METRICS) <= set(EB_SIGNALS.names)


def test_one_dispatch_entry_per_service_kind():
    from infra.program import SERVICE_KINDS

    assert set(SERVICE_KINDS) == set(typing.get_args(Service.model_fields["kind"].annotation))


SERVICE_MODULES = (
    "components/beanstalk", "components/service_alarms.py", "components/dashboards.py", "components/healthchecks",
    "components/common.py", "infra/program.py", "policies/rules/services.py", "policies/rules/service_signals.py",
)


def test_the_service_modules_spell_no_namespace_no_region_and_branch_on_no_kind():
    """Namespaces and the global-metrics region live in data/catalogue; the kind in SERVICE_KINDS only."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = [p for name in SERVICE_MODULES for p in ((root / name).rglob("*.py") if (root / name).is_dir() else [root / name])]
    found = {
        f"{path.relative_to(root)}:{number}": line.strip()
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"[\"']AWS/|[\"']us-east-1[\"']|\bkind ==", line)
    }
    assert not found
