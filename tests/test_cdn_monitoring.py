"""Review B-3: one owner per CloudFront monitoring subscription. Prod and DR share the account and the
distribution; CloudFront allows one subscription per distribution (a second create fails with
MonitoringSubscriptionAlreadyExists, and tearing either stack down would switch the other's additional
metrics off). The stack file says who owns it (`cdn[].monitoring_subscription: owned|external`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.config import EstateConfigError, estate_from_stack_file, load_stack_file, parse_estate
from data.model.cdn import subscription_owners
from infra.engine import render_stack

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIPTION = "aws:cloudfront/monitoringSubscription:MonitoringSubscription"


def _stack_estates() -> dict[str, object]:
    return {path.name: estate_from_stack_file(load_stack_file(path)) for path in sorted(ROOT.glob("Pulumi.*.yaml"))}


def test_every_distribution_has_at_most_one_owner_across_the_stack_files():
    estates = _stack_estates()
    assert {"Pulumi.prod.yaml", "Pulumi.dr.yaml"} <= set(estates)
    assert subscription_owners(estates) == []


def test_two_owners_of_one_distribution_are_caught():
    estates = _stack_estates()
    dr = estates["Pulumi.dr.yaml"]
    cdn = [d.model_copy(update={"monitoring_subscription": "owned"}) for d in dr.cdn]
    estates["Pulumi.dr.yaml"] = dr.model_copy(update={"cdn": cdn})
    problems = subscription_owners(estates)
    assert len(problems) == 1 and "Pulumi.prod.yaml" in problems[0] and "Pulumi.dr.yaml" in problems[0]


def test_prod_owns_the_subscription_and_dr_declares_none(prod_render):
    (owned,) = prod_render.of_type(SUBSCRIPTION)
    assert owned.inputs["distributionId"] == "E8GKHGYOIP84"
    dr = render_stack(ROOT / "Pulumi.dr.yaml")
    assert dr.of_type(SUBSCRIPTION) == []
    # DR still alarms on CacheHitRate: the metric exists while prod's subscription does.
    assert any(a.inputs.get("metricName") == "CacheHitRate" for a in dr.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"))


def test_an_unknown_owner_value_is_refused(prod_estate):
    prod_estate["cdn"][0]["monitoring_subscription"] = "shared"
    with pytest.raises(EstateConfigError) as error:
        parse_estate(prod_estate, "eu-central-1")
    assert any(line.startswith("estate.cdn[0].monitoring_subscription: ") for line in error.value.problems), error.value.problems
