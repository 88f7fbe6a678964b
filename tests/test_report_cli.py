"""``estate report``'s input: bad input exits 2 with every problem in one run (no traceback), and which
deployed alarm queries give the SLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tools.cli import app
from tools.report.availability import SliProblem, sli_metric_stats


def run(*args: str):
    return CliRunner().invoke(app, ["report", *args])


def test_every_bad_argument_is_named_in_one_run_with_exit_2():
    result = run("--stack", "nope", "--month", "2026-13", "--region", "eu west")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and "Traceback" not in result.output
    assert lines[0].endswith("Pulumi.nope.yaml: no such stack file")
    assert lines[1].startswith("--month: '2026-13' is not a month") and lines[2].startswith("--region: 'eu west'")


@pytest.mark.parametrize("args, first_words", [
    (("--stack", "prod"), "--month: required"),
    (("--month", "2026-10"), "--stack: required"),
    (("--stack", "prod", "--month", "2999-01"), "--month: 2999-01 has not begun"),
    (("--stack", "prod", "--month", "2020-01"), "--month: 2020-01 began more than 455 days ago"),
])
def test_a_missing_or_unusable_option_is_bad_input(args, first_words):
    result = run(*args)
    assert result.exit_code == 2 and result.stderr.startswith(first_words), result.output


def stat(metric: str, stat_name: str = "Sum") -> dict:
    return {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": metric,
                       "Dimensions": [{"Name": "LoadBalancer", "Value": "app/x/1"}]}, "Period": 60, "Stat": stat_name}


def alarm(*queries: dict) -> dict:
    return {"AlarmName": "svc-slo-burn-fast-long", "Metrics": list(queries)}


def test_errors_as_a_sum_of_the_alarms_metrics_reads_each_metric():
    found = sli_metric_stats(alarm(
        {"Id": "target_5xx", "MetricStat": stat("HTTPCode_Target_5XX_Count")}, {"Id": "elb_5xx", "MetricStat": stat("HTTPCode_ELB_5XX_Count")},
        {"Id": "errors", "Expression": "FILL(target_5xx, 0) + FILL(elb_5xx, 0)"}, {"Id": "requests", "MetricStat": stat("RequestCount")},
        {"Id": "error_ratio", "Expression": "errors / requests"}))
    assert [s["Metric"]["MetricName"] for s in found["errors"]] == ["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"]
    assert [s["Metric"]["MetricName"] for s in found["requests"]] == ["RequestCount"]
    plain = sli_metric_stats(alarm({"Id": "errors", "MetricStat": stat("HTTPCode_Target_5XX_Count")},
                                   {"Id": "requests", "MetricStat": stat("RequestCount")}))
    assert [s["Metric"]["MetricName"] for s in plain["errors"]] == ["HTTPCode_Target_5XX_Count"]


@pytest.mark.parametrize("queries, words", [
    (({"Id": "errors", "MetricStat": stat("HTTPCode_Target_5XX_Count")},), "has no metric query 'requests'"),
    (({"Id": "m1", "MetricStat": stat("HTTPCode_Target_5XX_Count")}, {"Id": "errors", "Expression": "m1 * 2"},
      {"Id": "requests", "MetricStat": stat("RequestCount")}), "neither a metric nor a sum"),
    (({"Id": "errors", "Expression": "FILL(gone, 0)"}, {"Id": "requests", "MetricStat": stat("RequestCount")}), "neither a metric nor a sum"),
    (({"Id": "errors", "MetricStat": stat("HTTPCode_Target_5XX_Count", "Average")},
      {"Id": "requests", "MetricStat": stat("RequestCount")}), "reads Average, not Sum"),
])
def test_an_alarm_that_cannot_give_counts_is_one_clear_line(queries, words):
    with pytest.raises(SliProblem, match=words):
        sli_metric_stats(alarm(*queries))
