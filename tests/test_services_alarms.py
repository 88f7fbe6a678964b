"""Per-service alarms (warning and critical), CloudFront alarms in us-east-1, and the Route 53
health checks, with the runbooks' corrections proved on the rendered resources."""

from __future__ import annotations

import pytest

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SERVICES = {
    "authz-eb": "authz-eb-prod",
    "subscriptions-contracts-eb": "rt-subscriptions-api-prod",
    "tms-sync-eb": "tms-sync-eb-prod",
    "affret-ia-api-v2": "affret-ia-api-v2-prod",
}
SIGNALS = ("cpu", "health", "5xx-rate", "latency-p95", "root-filesystem")


@pytest.fixture(scope="module")
def alarms(prod_render):
    return {a.inputs["name"]: a for a in prod_render.of_type(ALARM)}


def _environment(prod_render, env):
    return prod_render.named(env, "aws:elasticbeanstalk/environment:Environment")


def test_every_service_has_each_signal_at_both_severities(alarms):
    for service in SERVICES:
        for signal in SIGNALS:
            for severity in ("warning", "critical"):
                assert f"{service}-{signal}-{severity}" in alarms


def test_cpu_is_ec2_by_the_environments_autoscaling_group_not_elasticbeanstalk(prod_render, alarms):
    for service, env in SERVICES.items():
        group = _environment(prod_render, env)
        for severity, value in (("warning", 70), ("critical", 85)):
            alarm = alarms[f"{service}-cpu-{severity}"].inputs
            assert alarm["namespace"] == "AWS/EC2"  # the seed's AWS/ElasticBeanstalk CPUUtilization does not exist
            assert alarm["metricName"] == "CPUUtilization"
            assert alarm["statistic"] == "Average"
            assert set(alarm["dimensions"]) == {"AutoScalingGroupName"}
            assert alarm["dimensions"]["AutoScalingGroupName"].startswith("awseb-")
            assert alarm["threshold"] == value and alarm["comparisonOperator"] == "GreaterThanThreshold"


def test_cpu_dimension_is_the_environments_first_autoscaling_group(prod_render, alarms):
    from infra.engine import fake_outputs

    for service, env in SERVICES.items():
        environment = _environment(prod_render, env)
        _, outputs = fake_outputs(environment.type, environment.name, environment.inputs, "eu-central-1")
        expected = outputs["autoscalingGroups"][0]
        assert alarms[f"{service}-cpu-critical"].inputs["dimensions"]["AutoScalingGroupName"] == expected


def test_environment_health_alarms_when_it_reaches_warning_or_degraded(alarms):
    for service, env in SERVICES.items():
        for severity, value in (("warning", 15), ("critical", 20)):
            alarm = alarms[f"{service}-health-{severity}"].inputs
            assert alarm["namespace"] == "AWS/ElasticBeanstalk" and alarm["metricName"] == "EnvironmentHealth"
            assert alarm["dimensions"] == {"EnvironmentName": env}
            assert alarm["statistic"] == "Maximum"
            assert alarm["comparisonOperator"] == "GreaterThanOrEqualToThreshold"  # not the seed's LessThan 15
            assert alarm["threshold"] == value


def test_5xx_rate_is_a_percentage_by_metric_math_safe_from_division_by_zero(alarms):
    for service, env in SERVICES.items():
        for severity, value in (("warning", 2), ("critical", 5)):
            alarm = alarms[f"{service}-5xx-rate-{severity}"].inputs
            assert alarm["threshold"] == value
            assert "namespace" not in alarm and "metricName" not in alarm
            queries = {q["id"]: q for q in alarm["metricQueries"]}
            returned = [q for q in alarm["metricQueries"] if q.get("returnData")]
            assert len(returned) == 1
            expression = returned[0]["expression"]
            # No traffic gives 0 % (IF's documented three-argument form), a missing 5xx datapoint counts as 0.
            assert expression == "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)"
            metrics = {q["metric"]["metricName"] for q in queries.values() if "metric" in q}
            assert metrics == {"ApplicationRequests5xx", "ApplicationRequestsTotal"}
            for query in queries.values():
                if "metric" in query:
                    assert query["metric"]["dimensions"] == {"EnvironmentName": env}
                    assert query["metric"]["stat"] == "Sum"


def test_latency_p95_in_seconds(alarms):
    for service in SERVICES:
        for severity, value in (("warning", 0.5), ("critical", 2)):
            alarm = alarms[f"{service}-latency-p95-{severity}"].inputs
            assert alarm["metricName"] == "ApplicationLatencyP95"
            assert alarm["threshold"] == value
            assert " s for " in alarm["alarmDescription"]


def test_root_filesystem_is_the_fullest_instance_by_metrics_insights(alarms):
    for service, env in SERVICES.items():
        for severity, value in (("warning", 80), ("critical", 95)):
            alarm = alarms[f"{service}-root-filesystem-{severity}"].inputs
            (query,) = alarm["metricQueries"]
            assert query["returnData"] is True and query["period"] == 300
            expression = query["expression"]
            assert expression.startswith("SELECT MAX(RootFilesystemUtil) FROM SCHEMA(\"AWS/ElasticBeanstalk\", EnvironmentName, InstanceId)")
            assert f"WHERE EnvironmentName = '{env}'" in expression
            assert "SEARCH(" not in expression
            assert alarm["threshold"] == value


def test_the_runbooks_error_count_alarm_belongs_to_the_platform(prod_render, alarms):
    # Symphonia/Production ErrorCount has no dimension: every service's errors, so the platform owns it.
    assert not [name for name in alarms if "app-errors" in name and not name.startswith("symphonia-platform-")]
    (component,) = prod_render.of_type("monitored-estate:alarms:PlatformAlarms")
    for severity, value in (("warning", 10), ("critical", 50)):  # runbook 001's 10; 5x for critical
        resource = alarms[f"symphonia-platform-app-errors-{severity}"]
        alarm = resource.inputs
        assert resource.parent == component.urn
        assert (alarm["namespace"], alarm["metricName"], alarm["statistic"]) == ("Symphonia/Production", "ErrorCount", "Sum")
        assert (alarm["period"], alarm["threshold"], alarm["comparisonOperator"]) == (300, value, "GreaterThanThreshold")
        assert alarm["treatMissingData"] == "notBreaching"
        assert "dimensions" not in alarm or not alarm["dimensions"]
        assert alarm["tags"]["service"] == "symphonia-platform" and alarm["tags"]["severity"] == severity
        assert alarm["alarmActions"] == alarm["okActions"] == [f"arn:aws:sns:eu-central-1:123456789012:rt-estate-prod-{severity}"]
        assert alarm["alarmDescription"].endswith("docs/runbooks.md#app-errors")


def test_platform_alarms_are_on_the_symphonia_production_overview(prod_render, alarms):
    import json

    boards = {d.inputs["dashboardName"]: json.loads(d.inputs["dashboardBody"]) for d in prod_render.of_type("aws:cloudwatch/dashboard:Dashboard")}
    widgets = boards["Symphonia-Production"]["widgets"]
    (errors,) = [w for w in widgets if w["properties"].get("title") == "Symphonia/Production ErrorCount"]
    assert errors["properties"]["metrics"] == [["Symphonia/Production", "ErrorCount", {"label": "ErrorCount"}]]
    assert errors["properties"]["annotations"]["horizontal"] == [{"label": "warning", "value": 10}, {"label": "critical", "value": 50}]
    (status,) = [w for w in widgets if w["properties"].get("title") == "Platform alarms"]
    assert {arn.rsplit(":", 1)[1] for arn in status["properties"]["alarms"]} == {
        "symphonia-platform-app-errors-warning", "symphonia-platform-app-errors-critical"}
    for other in ("RT-Backend-Services", "tms-sync-eb"):
        assert "ErrorCount" not in json.dumps(boards[other])


def test_service_metric_alarms_still_belong_to_their_service(prod_estate, render_estate_dict):
    tms = next(s for s in prod_estate["services"] if s["name"] == "tms-sync-eb")
    tms["metric_alarms"] = [{"signal": "sync-failures", "namespace": "Symphonia/Production", "metric": "SyncFailures",
                             "dimensions": {"Service": "tms-sync"}, "threshold": {"warning": 1, "critical": 5}}]
    render = render_estate_dict(prod_estate)
    names = {a.inputs["name"]: a.inputs for a in render.of_type(ALARM)}
    for severity in ("warning", "critical"):
        alarm = names[f"tms-sync-eb-sync-failures-{severity}"]
        assert alarm["dimensions"] == {"Service": "tms-sync"} and alarm["tags"]["service"] == "tms-sync-eb"
    assert "symphonia-platform-app-errors-critical" in names


@pytest.mark.parametrize("change, path", [
    (lambda e: e["platform_alarms"][0].update(owner="tms-sync-eb"), "platform_alarms[0].owner"),
    (lambda e: e["platform_alarms"][0].update(dashboards=["Nope"]), "platform_alarms[0].dashboards[0]"),
])
def test_platform_alarm_owner_and_dashboards_are_checked(prod_estate, render_estate_dict, change, path):
    from data.config import EstateConfigError

    change(prod_estate)
    with pytest.raises(EstateConfigError, match=path.replace("[", r"\[").replace("]", r"\]")):
        render_estate_dict(prod_estate)


def test_cloudfront_alarms_in_us_east_1_with_region_global(prod_render, alarms):
    for name, metric, value, operator in (
        ("authz-cdn-5xx-rate-critical", "5xxErrorRate", 5, "GreaterThanThreshold"),
        ("authz-cdn-cache-hit-rate-warning", "CacheHitRate", 80, "LessThanThreshold"),
    ):
        alarm = alarms[name]
        assert prod_render.region_of(alarm) == "us-east-1"
        assert alarm.provider is not None and "us-east-1" in alarm.provider
        inputs = alarm.inputs
        assert inputs["namespace"] == "AWS/CloudFront" and inputs["metricName"] == metric
        assert inputs["dimensions"] == {"DistributionId": "E8GKHGYOIP84", "Region": "Global"}
        assert (inputs["threshold"], inputs["comparisonOperator"]) == (value, operator)
        assert all(":us-east-1:" in arn for arn in inputs["alarmActions"] + inputs["okActions"])


def test_cache_hit_rate_is_published_by_a_monitoring_subscription(prod_render):
    (subscription,) = prod_render.of_type("aws:cloudfront/monitoringSubscription:MonitoringSubscription")
    assert subscription.inputs["distributionId"] == "E8GKHGYOIP84"
    config = subscription.inputs["monitoringSubscription"]["realtimeMetricsSubscriptionConfig"]
    assert config["realtimeMetricsSubscriptionStatus"] == "Enabled"
    assert prod_render.region_of(subscription) == "us-east-1"


def test_route53_health_check_per_service_with_a_critical_alarm_in_us_east_1(prod_render, alarms, _prod_estate_pristine):
    checks = {c.inputs["fqdn"]: c for c in prod_render.of_type("aws:route53/healthCheck:HealthCheck")}
    for service in _prod_estate_pristine["services"]:
        host = service["public_url"].removeprefix("https://")
        check = checks[host].inputs
        assert check["type"] == "HTTPS" and check["port"] == 443
        assert check["resourcePath"] == "/health"
        assert check["requestInterval"] == 30  # Route 53 offers 10 or 30 s: at least the seed's every minute
        alarm = alarms[f"{service['name']}-health-check-critical"]
        assert prod_render.region_of(alarm) == "us-east-1"
        inputs = alarm.inputs
        assert (inputs["namespace"], inputs["metricName"]) == ("AWS/Route53", "HealthCheckStatus")
        assert set(inputs["dimensions"]) == {"HealthCheckId"}
        assert (inputs["comparisonOperator"], inputs["threshold"]) == ("LessThanThreshold", 1)
        assert inputs["tags"]["severity"] == "critical"
        assert inputs["treatMissingData"] == "breaching"


def test_alarms_are_children_of_the_component_that_asked_for_them(prod_render, alarms):
    by_urn = prod_render.by_urn()
    for name, alarm in alarms.items():
        parent = by_urn[alarm.parent]
        assert parent.type.startswith("monitored-estate:"), name


def test_load_balancer_5xx_are_alarmed_for_every_load_balanced_environment(prod_render, alarms):
    """Issue 10 #10: 502/503/504 produced by the ALB itself never reach EB's ApplicationRequests5xx.
    HTTPCode_ELB_5XX_Count over RequestCount, the LoadBalancer dimension from the environment's output."""
    from infra.engine import fake_outputs

    for service, env in SERVICES.items():
        environment = _environment(prod_render, env)
        _, outputs = fake_outputs(environment.type, environment.name, environment.inputs, "eu-central-1")
        arn = outputs["loadBalancers"][0]
        expected = arn.split(":loadbalancer/", 1)[1]  # app/<name>/<id>, the ARN's final portion
        assert expected.startswith("app/") and expected.count("/") == 2
        for severity, value in (("warning", 2), ("critical", 5)):
            alarm = alarms[f"{service}-lb-5xx-rate-{severity}"].inputs
            metrics = {q["id"]: q.get("metric") for q in alarm["metricQueries"]}
            assert metrics["errors"]["namespace"] == metrics["requests"]["namespace"] == "AWS/ApplicationELB"
            assert metrics["errors"]["metricName"] == "HTTPCode_ELB_5XX_Count"
            assert metrics["requests"]["metricName"] == "RequestCount"
            assert metrics["errors"]["dimensions"] == metrics["requests"]["dimensions"] == {"LoadBalancer": expected}
            assert alarm["threshold"] == value
            assert environment.urn in alarms[f"{service}-lb-5xx-rate-{severity}"].dependencies


def test_load_balancer_5xx_are_on_the_service_dashboard(prod_render):
    bodies = {d.inputs["dashboardName"]: d.inputs["dashboardBody"] for d in prod_render.of_type("aws:cloudwatch/dashboard:Dashboard")}
    for service in SERVICES:
        [body] = [b for name, b in bodies.items() if name.startswith(service)]
        assert "HTTPCode_ELB_5XX_Count" in body and "RequestCount" in body and '"LoadBalancer"' in body
