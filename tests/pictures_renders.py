"""Small renders (the JSON contract) for the picture tests: topics, subscriptions, alarms, dashboards."""

from __future__ import annotations

import json
from typing import Any

ACCOUNT = "123456789012"
US_EAST = "urn:pulumi:t::monitored-estate::pulumi:providers:aws::us-east-1"


def resource(type_token: str, name: str, inputs: dict[str, Any], provider: str | None = None) -> dict[str, Any]:
    return {"urn": f"urn:pulumi:t::monitored-estate::{type_token}::{name}", "type": type_token, "name": name, "custom": True,
            "parent": None, "provider": provider, "protect": False, "dependencies": [], "inputs": inputs}


def topic_arn(name: str, region: str = "eu-central-1") -> str:
    return f"arn:aws:sns:{region}:{ACCOUNT}:{name}"


def topic(name: str, region: str = "eu-central-1") -> dict[str, Any]:
    return resource("aws:sns/topic:Topic", f"{name}-{region}", {"name": name},
                    provider=US_EAST if region == "us-east-1" else None)


def subscription(topic_name: str, who: str, protocol: str, endpoint: str, region: str = "eu-central-1") -> dict[str, Any]:
    return resource("aws:sns/topicSubscription:TopicSubscription", f"{topic_name}-{region}-{who}",
                    {"topic": topic_arn(topic_name, region), "protocol": protocol, "endpoint": endpoint},
                    provider=US_EAST if region == "us-east-1" else None)


def alarm(name: str, service: str, severity: str, topic_name: str, region: str = "eu-central-1", **inputs: Any) -> dict[str, Any]:
    arn = topic_arn(topic_name, region)
    body = {"name": name, "alarmActions": [arn], "okActions": [arn], "tags": {"service": service, "severity": severity},
            "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average", "period": 300,
            "evaluationPeriods": 2, "threshold": 80, "comparisonOperator": "GreaterThanThreshold", **inputs}
    return resource("aws:cloudwatch/metricAlarm:MetricAlarm", name, body, provider=US_EAST if region == "us-east-1" else None)


def dashboard(name: str, widgets: list[dict[str, Any]]) -> dict[str, Any]:
    return resource("aws:cloudwatch/dashboard:Dashboard", name,
                    {"dashboardName": name, "dashboardBody": json.dumps({"widgets": widgets})})


def render(*resources: dict[str, Any]) -> dict[str, Any]:
    providers = [resource("pulumi:providers:aws", "us-east-1", {"region": "us-east-1"})]
    providers[0]["urn"] = US_EAST
    return {"project": "monitored-estate", "stack": "t", "resources": providers + list(resources)}


def small_estate(*, with_sms: bool = True, extra: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """Two services, critical and warning topics, an email, an SMS and a webhook subscriber."""
    items = [
        topic("acme-critical"), topic("acme-warning"),
        subscription("acme-critical", "ops-email", "email", "ops@example.com"),
        subscription("acme-critical", "pager", "https", "[secret]"),
        subscription("acme-warning", "ops-email", "email", "ops@example.com"),
        alarm("api-cpu-critical", "api", "critical", "acme-critical"),
        alarm("api-5xx-critical", "api", "critical", "acme-critical"),
        alarm("api-cpu-warning", "api", "warning", "acme-warning"),
        alarm("worker-cpu-critical", "worker", "critical", "acme-critical"),
        *extra,
    ]
    if with_sms:
        items.append(subscription("acme-critical", "oncall-sms", "sms", "+33699887766"))
    return render(*items)
