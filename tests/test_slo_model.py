"""Issue 14 items 1-2 (data): the objective, its error budget, the Workbook's burn-rate pairs, the alarm
names the report relies on, the SLI's queries, and a bad objective in a stack file (exit 2, key path)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from data.catalogue.slo import ERROR_RATIO, ERRORS, LOAD_BALANCED, REQUESTS, alarm_queries, metric_data_queries
from data.config import ESTATE_KEY
from data.model import Service
from data.model.slo import (
    BURN_RATE_PAIRS, PAIRS_BY_NAME, ServiceObjective, burn_rate_alarm_names, burn_rate_threshold, error_budget,
)
from tools.cli import app


@pytest.mark.parametrize("availability, budget, thresholds", [
    (99.9, 0.001, {"fast": 0.0144, "slow": 0.006, "ticket": 0.001}),
    (99.8, 0.002, {"fast": 0.0288, "slow": 0.012, "ticket": 0.002}),
    (99.95, 0.0005, {"fast": 0.0072, "slow": 0.003, "ticket": 0.0005}),
])
def test_thresholds_are_burn_rate_times_budget(availability, budget, thresholds):
    objective = ServiceObjective(availability=availability)
    assert error_budget(objective) == budget
    assert {pair.name: burn_rate_threshold(objective, pair.burn_rate(objective.window_days))
            for pair in BURN_RATE_PAIRS} == thresholds


def test_the_workbook_pairs():
    assert [(p.name, p.burn_rate(), p.long_window, p.short_window, p.severity.value) for p in BURN_RATE_PAIRS] == [
        ("fast", 14.4, 3600, 300, "critical"), ("slow", 6.0, 21600, 1800, "critical"), ("ticket", 1.0, 259200, 21600, "warning"),
    ]
    # Each short window is 1/12 of its long window (the Workbook's rule of thumb).
    assert all(p.long_window == 12 * p.short_window for p in BURN_RATE_PAIRS)


def test_burn_rate_follows_the_window_not_a_constant():
    """2 % of a 7-day budget in an hour is 0.02 x 168 = 3.36, not 14.4."""
    assert PAIRS_BY_NAME["fast"].burn_rate(7) == 3.36
    assert PAIRS_BY_NAME["ticket"].burn_rate(90) == 3.0


def test_alarm_names_for_the_report():
    assert burn_rate_alarm_names("authz-eb") == {
        "fast": ("authz-eb-slo-burn-fast-critical", "authz-eb-slo-burn-fast-long", "authz-eb-slo-burn-fast-short"),
        "slow": ("authz-eb-slo-burn-slow-critical", "authz-eb-slo-burn-slow-long", "authz-eb-slo-burn-slow-short"),
        "ticket": ("authz-eb-slo-burn-ticket-warning", "authz-eb-slo-burn-ticket-long", "authz-eb-slo-burn-ticket-short"),
    }


def test_queries_hold_the_contract_ids():
    queries = alarm_queries(LOAD_BALANCED, "app/authz/123", 3600)
    by_id = {query["id"]: query for query in queries}
    assert {ERRORS, REQUESTS, ERROR_RATIO} <= set(by_id)
    assert [query["id"] for query in queries if query["return_data"]] == [ERROR_RATIO]
    assert by_id[REQUESTS]["metric"] == {"namespace": "AWS/ApplicationELB", "metric_name": "RequestCount",
                                         "dimensions": {"LoadBalancer": "app/authz/123"}, "period": 3600, "stat": "Sum"}
    assert by_id[ERRORS]["expression"] == "FILL(target_5xx, 0) + FILL(elb_5xx, 0)"
    assert {by_id[i]["metric"]["metric_name"] for i in ("target_5xx", "elb_5xx")} == {"HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"}
    api = {query["Id"]: query for query in metric_data_queries(LOAD_BALANCED, "app/authz/123", 3600)}
    assert api[REQUESTS]["MetricStat"]["Metric"]["Dimensions"] == [{"Name": "LoadBalancer", "Value": "app/authz/123"}]
    assert api[ERROR_RATIO]["Expression"] == by_id[ERROR_RATIO]["expression"]


def test_only_a_kind_with_an_sli_declares_an_objective():
    assert Service(name="api", slo={"availability": 99.9}).sli is LOAD_BALANCED
    with pytest.raises(ValueError, match="slo: a service of kind external, tier web has no request metrics"):
        Service(name="api", kind="external", public_url="https://api.example.com", slo={"availability": 99.9})
    with pytest.raises(ValueError, match="kind beanstalk, tier worker"):
        Service(name="jobs", tier="worker", slo={"availability": 99.9})


def _preview(tmp_path: Path, mutate) -> object:
    from conftest import PROD_STACK_FILE

    document = yaml.safe_load(PROD_STACK_FILE.read_text(encoding="utf-8"))
    mutate(document["config"][ESTATE_KEY])
    path = tmp_path / "Pulumi.broken.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return CliRunner().invoke(app, ["preview", "--stack-file", str(path), "--format", "json"])


@pytest.mark.parametrize("slo, expected", [
    ({"availability": 100}, ["estate.services[0].slo.availability: Input should be less than 100"]),
    ({"availability": 99.9, "window_days": 365},
     ["estate.services[0].slo.window_days: Input should be less than or equal to 90"]),
    ({"availability": 97, "window_days": 90},
     ["estate.services[0].slo.availability: 97 % over 90 days makes the fast page's error ratio 1.296, which no"
      " service can exceed; raise availability or shorten window_days"]),
    ({"availability": 99.9, "windows_days": 30}, ["estate.services[0].slo.windows_days: unknown key (did you mean 'window_days'?)"]),
])
def test_a_bad_objective_exits_2_with_its_key_path(tmp_path, slo, expected):
    result = _preview(tmp_path, lambda estate: estate["services"][0].__setitem__("slo", slo))
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == expected
    assert "Traceback" not in result.output


def test_prod_declares_the_runbook_objectives(prod_estate):
    from data.config import parse_estate

    estate = parse_estate(prod_estate, "eu-central-1")
    objectives = {service.name: service.slo.availability for service in estate.services if service.slo}
    assert objectives == {"authz-eb": 99.9, "subscriptions-contracts-eb": 99.8}
