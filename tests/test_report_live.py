"""``estate report`` against CloudWatch data the test publishes: availability, error budget and incidents
computed by the command equal the figures the test computes from what it published.

A ``moto_server`` on 127.0.0.1 holds the burn-rate child alarms (metric queries shaped as
``data.catalogue.slo`` declares them: ``target_5xx``, ``elb_5xx``, ``errors`` = their sum, ``requests``,
``error_ratio``) and a month of hourly ALB datapoints. moto implements neither composite alarms
(PutCompositeAlarm answers HTTP 500) nor DescribeAlarmHistory: the end-to-end command test checks that
incidents are then reported as unknown or the composite as not deployed; the incident test adds the
composite to DescribeAlarms' answer and answers DescribeAlarmHistory through botocore's ``before-call``
hook, on top of the same moto metrics.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from data.config import ESTATE_KEY
from data.model.slo import burn_rate_alarm_names
from tools.aws import Clients
from tests.moto_server import moto_server

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc
REGION = "eu-central-1"
NAMESPACE = "AWS/ApplicationELB"
OBJECTIVES = {"authz-eb": 99.9, "subscriptions-contracts-eb": 99.8, "tms-sync-eb": 99.5}  # tms-sync: never deployed


@pytest.fixture(scope="module", autouse=True)
def fake_credentials():
    saved = dict(os.environ)
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing",
                      AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_DEFAULT_REGION=REGION)
    os.environ.pop("AWS_PROFILE", None)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def moto_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def stack_file(tmp_path_factory) -> Path:
    """Prod with the objectives of ``OBJECTIVES`` (runbook 000's 99.9 and 99.8, and a third never deployed)."""
    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    for service in document["config"][ESTATE_KEY]["services"]:
        if service["name"] in OBJECTIVES:
            service["slo"] = {"availability": OBJECTIVES[service["name"]], "window_days": 30}
    path = tmp_path_factory.mktemp("report") / "Pulumi.report.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def previous_month(now: datetime) -> tuple[str, datetime, datetime]:
    end = datetime(now.year, now.month, 1, tzinfo=UTC)
    start = (end - timedelta(days=1)).replace(day=1)
    return f"{start:%Y-%m}", start, end


def load_balancer(service: str) -> list[dict]:
    return [{"Name": "LoadBalancer", "Value": f"app/awseb-{service}/0123456789abcdef"}]


def deploy_child_alarms(cloudwatch, service: str) -> None:
    """The burn-rate children as the program declares them (long and short window of each pair)."""
    def stat(query_id: str, metric: str) -> dict:
        return {"Id": query_id, "ReturnData": False, "MetricStat": {
            "Metric": {"Namespace": NAMESPACE, "MetricName": metric, "Dimensions": load_balancer(service)},
            "Period": 300, "Stat": "Sum"}}

    for _, long_child, short_child in burn_rate_alarm_names(service).values():
        for name in (long_child, short_child):
            cloudwatch.put_metric_alarm(
                AlarmName=name, EvaluationPeriods=1, Threshold=0.0144, ComparisonOperator="GreaterThanThreshold",
                Metrics=[stat("target_5xx", "HTTPCode_Target_5XX_Count"), stat("elb_5xx", "HTTPCode_ELB_5XX_Count"),
                         {"Id": "errors", "Expression": "FILL(target_5xx, 0) + FILL(elb_5xx, 0)", "ReturnData": False},
                         stat("requests", "RequestCount"),
                         {"Id": "error_ratio", "Expression": "IF(FILL(requests, 0) > 0, errors / FILL(requests, 1), 0)",
                          "ReturnData": True}])


def publish(cloudwatch, service: str, start: datetime, end: datetime, *, requests: int, target_5xx: int, elb_5xx: int) -> tuple[float, float]:
    """Hourly datapoints at :30 on every third hour of ``[start, end)`` (5xx on every seventh of those), plus
    datapoints just outside the month that must not count. Returns (errors, requests) inside the month:
    the test's own oracle."""
    data, errors, total = [], 0.0, 0.0
    hour, index = start + timedelta(minutes=30), 0
    while hour < end:
        data.append({"MetricName": "RequestCount", "Dimensions": load_balancer(service), "Timestamp": hour, "Value": requests})
        total += requests
        if index % 7 == 0:
            data.append({"MetricName": "HTTPCode_Target_5XX_Count", "Dimensions": load_balancer(service), "Timestamp": hour, "Value": target_5xx})
            data.append({"MetricName": "HTTPCode_ELB_5XX_Count", "Dimensions": load_balancer(service), "Timestamp": hour, "Value": elb_5xx})
            errors += target_5xx + elb_5xx
        hour, index = hour + timedelta(hours=3), index + 1
    for outside in (start - timedelta(minutes=1), end):  # the last minute before the month, its end instant
        data.append({"MetricName": "RequestCount", "Dimensions": load_balancer(service), "Timestamp": outside, "Value": 10_000})
        data.append({"MetricName": "HTTPCode_Target_5XX_Count", "Dimensions": load_balancer(service), "Timestamp": outside, "Value": 10_000})
    for first in range(0, len(data), 500):
        cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=data[first:first + 500])
    return errors, total


def expected(errors: float, requests: float, objective: float) -> dict:
    allowed = (100 - objective) / 100 * requests
    return {"availability_percent": 100 * (requests - errors) / requests, "errors": errors, "requests": requests,
            "allowed_errors": allowed, "budget_spent_percent": 100 * errors / allowed,
            "budget_remaining_percent": 100 - 100 * errors / allowed}


def test_the_report_of_last_month_matches_what_was_published(moto_endpoint, stack_file, tmp_path):
    from typer.testing import CliRunner

    from tools.cli import app

    cloudwatch = Clients(moto_endpoint)("cloudwatch", REGION)
    label, start, end = previous_month(datetime.now(UTC))
    # authz: 0.05 % errors (meets 99.9); subscriptions: 0.4 % (misses 99.8); one request hour in seven has 5xx
    oracle = {}
    for service, (target_5xx, elb_5xx) in {"authz-eb": (3, 1), "subscriptions-contracts-eb": (20, 8)}.items():
        deploy_child_alarms(cloudwatch, service)
        errors, requests = publish(cloudwatch, service, start, end, requests=1_000, target_5xx=target_5xx, elb_5xx=elb_5xx)
        oracle[service] = expected(errors, requests, OBJECTIVES[service])
    assert oracle["authz-eb"]["availability_percent"] > 99.9 > oracle["subscriptions-contracts-eb"]["availability_percent"] - 0.1

    result = CliRunner().invoke(app, ["report", "--stack-file", str(stack_file), "--month", label,
                                      "--endpoint-url", moto_endpoint, "--format", "json"])
    assert result.exit_code == 1, result.output  # an objective was missed (and one service is not deployed)
    report = json.loads(result.stdout)
    assert (report["month"], report["start"], report["end"], report["partial"]) == (label, start.isoformat(), end.isoformat(), False)
    by_name = {s["service"]: s for s in report["services"]}
    assert list(by_name) == list(OBJECTIVES)
    for service, figures in oracle.items():
        measured = by_name[service]
        for key, value in figures.items():
            assert measured[key] == pytest.approx(value, rel=1e-9), (service, key)
        assert measured["alarm"] in {names[1] for names in burn_rate_alarm_names(service).values()}
    assert by_name["authz-eb"]["status"] == "met" and by_name["subscriptions-contracts-eb"]["status"] == "missed"
    assert report["missed"] == ["subscriptions-contracts-eb"]
    # never deployed: a clear error, no figures
    assert by_name["tms-sync-eb"]["status"] == "error" and by_name["tms-sync-eb"]["requests"] is None
    assert "no burn-rate alarm of tms-sync-eb is deployed" in by_name["tms-sync-eb"]["problem"]
    assert report["errors"] == ["tms-sync-eb"]
    # last month ended more than 14 days ago only late in a month; either way the incidents are not made up
    for service in oracle:
        assert by_name[service]["incidents_note"], service

    markdown = CliRunner().invoke(app, ["report", "--stack-file", str(stack_file), "--month", label,
                                        "--endpoint-url", moto_endpoint, "--format", "markdown"])
    assert markdown.exit_code == 1
    row = next(line for line in markdown.stdout.splitlines() if line.startswith("| authz-eb |"))
    assert f"{oracle['authz-eb']['availability_percent']:.3f} %" in row and "| met |" in row
    assert "tms-sync-eb: error: no burn-rate alarm of tms-sync-eb is deployed" in markdown.stdout
    table = CliRunner().invoke(app, ["report", "--stack-file", str(stack_file), "--month", label, "--endpoint-url", moto_endpoint])
    assert table.exit_code == 1 and "subscriptions-contracts-eb" in table.stdout and "Traceback" not in table.output


def test_a_month_without_traffic_says_no_requests_not_100_percent(moto_endpoint, stack_file):
    from typer.testing import CliRunner

    from tools.cli import app

    cloudwatch = Clients(moto_endpoint)("cloudwatch", REGION)
    deploy_child_alarms(cloudwatch, "authz-eb")
    quiet = f"{datetime.now(UTC) - timedelta(days=400):%Y-%m}"  # within the 455 days CloudWatch keeps; nothing published
    result = CliRunner().invoke(app, ["report", "--stack-file", str(stack_file), "--month", quiet,
                                      "--endpoint-url", moto_endpoint, "--format", "json"])
    authz = next(s for s in json.loads(result.stdout)["services"] if s["service"] == "authz-eb")
    assert (authz["status"], authz["requests"], authz["availability_percent"], authz["budget_spent_percent"]) == ("no requests", 0, None, None)
    markdown = CliRunner().invoke(app, ["report", "--stack-file", str(stack_file), "--month", quiet,
                                        "--endpoint-url", moto_endpoint, "--format", "markdown"])
    assert "| authz-eb | 99.90 % | no requests |" in markdown.stdout


def test_incidents_are_the_composite_alarms_stays_in_alarm_within_the_month(moto_endpoint, stack_file):
    """moto keeps the metrics; the composite alarm and its history (which moto lacks) come from hooks."""
    from data.config import estate_from_stack_file, load_stack_file
    from tools.report import monthly_report
    from tools.report.month import Month

    service = "authz-eb"
    names = burn_rate_alarm_names(service)
    fast, slow = names["fast"][0], names["slow"][0]
    start, end = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)
    month = Month("2025-03", start, end, now=datetime(2025, 3, 31, 12, tzinfo=UTC))  # a month no other test publishes in
    clients = Clients(moto_endpoint)
    cloudwatch = clients("cloudwatch", REGION)
    deploy_child_alarms(cloudwatch, service)
    publish(cloudwatch, service, start, end, requests=100, target_5xx=0, elb_5xx=0)

    def step(when: datetime, old: str, new: str, alarm: str) -> dict:
        return {"Timestamp": when, "HistoryItemType": "StateUpdate", "AlarmName": alarm, "AlarmType": "CompositeAlarm",
                "HistoryData": json.dumps({"version": "1.0", "oldState": {"stateValue": old}, "newState": {"stateValue": new}})}

    histories = {
        fast: [step(datetime(2025, 2, 28, 23, tzinfo=UTC), "OK", "ALARM", fast), step(datetime(2025, 3, 1, 0, 40, tzinfo=UTC), "ALARM", "OK", fast),
               step(datetime(2025, 3, 12, 8, tzinfo=UTC), "OK", "ALARM", fast), step(datetime(2025, 3, 12, 8, 25, tzinfo=UTC), "ALARM", "OK", fast)],
        slow: [step(datetime(2025, 3, 31, 6, tzinfo=UTC), "OK", "ALARM", slow)],
    }
    asked = []

    def remember(params, **_):  # the call's own parameters (before-call sees the serialised request)
        asked.append(dict(params))

    def history(**_):
        params = asked[-1]
        page = histories.get(params["AlarmName"], [])
        if "NextToken" not in params and len(page) > 2:  # two pages: the report must follow NextToken
            return _http(), {"AlarmHistoryItems": page[:2], "NextToken": "more"}
        return _http(), {"AlarmHistoryItems": page[2:] if "NextToken" in params else page}

    def composites(parsed, **_):
        parsed.setdefault("CompositeAlarms", []).extend(
            {"AlarmName": composite, "StateValue": "ALARM" if composite == slow else "OK"}
            for composite, _, _ in names.values())

    cloudwatch.meta.events.register("before-parameter-build.cloudwatch.DescribeAlarmHistory", remember)
    cloudwatch.meta.events.register("before-call.cloudwatch.DescribeAlarmHistory", history)
    cloudwatch.meta.events.register("after-call.cloudwatch.DescribeAlarms", composites)
    try:
        estate = estate_from_stack_file(load_stack_file(stack_file))
        report = monthly_report(estate, stack="prod", clients=clients, region=REGION, month=month)
    finally:
        cloudwatch.meta.events.unregister("before-parameter-build.cloudwatch.DescribeAlarmHistory", remember)
        cloudwatch.meta.events.unregister("before-call.cloudwatch.DescribeAlarmHistory", history)
        cloudwatch.meta.events.unregister("after-call.cloudwatch.DescribeAlarms", composites)

    authz = next(s for s in report.services if s.service == service)
    assert authz.status == "met" and authz.availability == 100
    found = [(i.alarm, i.start, i.end, i.open_at_start, i.open_at_end) for i in authz.incidents]
    assert found == [
        (fast, start, datetime(2025, 3, 1, 0, 40, tzinfo=UTC), True, False),  # in ALARM when the month began
        (fast, datetime(2025, 3, 12, 8, tzinfo=UTC), datetime(2025, 3, 12, 8, 25, tzinfo=UTC), False, False),
        (slow, datetime(2025, 3, 31, 6, tzinfo=UTC), month.now, False, True),  # still in ALARM: counts to now
    ]
    assert authz.incident_minutes == 40 + 25 + 6 * 60
    assert {p["AlarmTypes"][0] for p in asked} == {"CompositeAlarm"} and {p["HistoryItemType"] for p in asked} == {"StateUpdate"}
    assert "incidents before 2025-03-17" in authz.incidents_note  # 14 days of history before "now"
    assert authz.to_dict()["incidents"][0]["minutes"] == 40


def _http():
    from botocore.awsrequest import AWSResponse

    return AWSResponse("https://monitoring", 200, {}, None)
