"""Declared enum-like values checked against botocore's service models (the AWS API's own lists),
both the values the model accepts and the values the prod render actually declares."""

from __future__ import annotations

import re
import typing

import botocore.session
import pytest

from data.catalogue.cloudwatch import COMPARISON_OPERATORS, TREAT_MISSING_DATA
from data.model import STORAGE_CLASSES, MetricAlarm, SmsPreferences, Subscription, Transition

SESSION = botocore.session.get_session()
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _enum(service: str, shape: str) -> set[str]:
    return set(SESSION.get_service_model(service).shape_for(shape).enum)


def _documented(service: str, operation: str, member: str) -> set[str]:
    """Values listed as <code>...</code> in a member's documentation (for plain-string members)."""
    doc = SESSION.get_service_model(service).operation_model(operation).input_shape.members[member].documentation
    return set(re.findall(r"<code>([A-Za-z-]+)</code>", doc))


def _literal(model, field: str) -> set[str]:
    annotation = model.model_fields[field].annotation
    if typing.get_origin(annotation) is list:
        annotation = typing.get_args(annotation)[0]
    return set(typing.get_args(annotation))


def test_comparison_operators():
    assert set(COMPARISON_OPERATORS.values()) <= _enum("cloudwatch", "ComparisonOperator")


def test_statistics_and_extended_statistics_of_the_model():
    statistics = _enum("cloudwatch", "Statistic")
    for value in _literal(MetricAlarm, "statistic"):
        assert value in statistics or re.fullmatch(r"p\d{1,2}(\.\d+)?", value), value


def test_treat_missing_data():
    # A plain string in the model; its documentation says "Valid Values: <code>a | b | c</code>".
    doc = SESSION.get_service_model("cloudwatch").operation_model("PutMetricAlarm").input_shape.members["TreatMissingData"].documentation
    (listed,) = re.findall(r"Valid Values: <code>([^<]+)</code>", doc)
    documented = {value.strip() for value in listed.split("|")}
    assert set(TREAT_MISSING_DATA) == documented
    assert set(TREAT_MISSING_DATA) == _literal(MetricAlarm, "treat_missing_data")


def test_sns_protocols_and_sms_type():
    assert _literal(Subscription, "protocol") <= _documented("sns", "Subscribe", "Protocol")
    sms_doc = SESSION.get_service_model("sns").operation_model("SetSMSAttributes").input_shape.members["attributes"].documentation
    for value in _literal(SmsPreferences, "default_sms_type"):
        assert value in sms_doc


def test_storage_classes():
    allowed = _enum("s3", "TransitionStorageClass")
    assert set(STORAGE_CLASSES) <= allowed
    assert _literal(Transition, "storage_class") <= allowed


def test_route53_health_check_type_and_interval(prod_render):
    model = SESSION.get_service_model("route53")
    interval = model.shape_for("RequestInterval").metadata
    for check in prod_render.of_type("aws:route53/healthCheck:HealthCheck"):
        assert check.inputs["type"] in _enum("route53", "HealthCheckType")
        assert check.inputs["requestInterval"] in (10, 30)
        assert interval["min"] <= check.inputs["requestInterval"] <= interval["max"]


def test_cloudfront_realtime_metrics_status(prod_render):
    allowed = _enum("cloudfront", "RealtimeMetricsSubscriptionStatus")
    for sub in prod_render.of_type("aws:cloudfront/monitoringSubscription:MonitoringSubscription"):
        assert sub.inputs["monitoringSubscription"]["realtimeMetricsSubscriptionConfig"]["realtimeMetricsSubscriptionStatus"] in allowed


def test_every_rendered_alarm_uses_known_values(prod_render):
    operators = _enum("cloudwatch", "ComparisonOperator")
    statistics = _enum("cloudwatch", "Statistic")
    alarms = prod_render.of_type(ALARM)
    assert alarms
    for alarm in alarms:
        inputs = alarm.inputs
        assert inputs["comparisonOperator"] in operators, alarm.name
        assert inputs["treatMissingData"] in TREAT_MISSING_DATA, alarm.name
        if "statistic" in inputs:
            assert inputs["statistic"] in statistics, alarm.name
        for query in inputs.get("metricQueries", []):
            if "metric" in query:
                assert query["metric"]["stat"] in statistics or re.fullmatch(r"p\d{1,2}(\.\d+)?", query["metric"]["stat"])


def test_sns_subscription_protocols_in_the_render(prod_render):
    documented = _documented("sns", "Subscribe", "Protocol")
    for sub in prod_render.of_type("aws:sns/topicSubscription:TopicSubscription"):
        assert sub.inputs["protocol"] in documented
