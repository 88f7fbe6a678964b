"""Issue 10 #15: the load balancers' certificate is watched (runbook 000, monthly checklist: certificates
valid for more than 30 days): AWS/CertificateManager DaysToExpiry by CertificateArn, in the
certificate's region, warning under 30 days."""

from __future__ import annotations

from pathlib import Path

import yaml

from infra.engine import render_stack

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ROOT = Path(__file__).resolve().parent.parent


def _certificate_alarms(render):
    return {a.inputs["name"]: a for a in render.of_type(ALARM)
            if a.inputs.get("namespace") == "AWS/CertificateManager"}


def _check(render, certificate_arn: str, region: str):
    alarms = _certificate_alarms(render)
    by_severity = {a.inputs["tags"]["severity"]: a for a in alarms.values()}
    assert set(by_severity) == {"warning", "critical"}, sorted(alarms)
    for severity, days in (("warning", 30), ("critical", 7)):
        alarm = by_severity[severity]
        assert alarm.inputs["metricName"] == "DaysToExpiry"
        assert alarm.inputs["dimensions"] == {"CertificateArn": certificate_arn}
        assert alarm.inputs["comparisonOperator"] == "LessThanThreshold"
        assert alarm.inputs["threshold"] == days
        assert alarm.inputs["period"] == 86400  # ACM publishes it once a day
        assert render.region_of(alarm) == region  # ACM publishes in the certificate's region


def test_prod_watches_its_load_balancer_certificate(prod_render, prod_estate):
    _check(prod_render, prod_estate["network"]["certificate_arn"], "eu-central-1")


def test_dr_watches_its_own_certificate_in_its_region():
    document = yaml.safe_load((ROOT / "Pulumi.dr.yaml").read_text(encoding="utf-8"))
    arn = document["config"]["monitored-estate:estate"]["network"]["certificate_arn"]
    assert ":eu-west-1:" in arn
    _check(render_stack(ROOT / "Pulumi.dr.yaml"), arn, "eu-west-1")
