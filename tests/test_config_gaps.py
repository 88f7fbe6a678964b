"""Issue 12 #11: validation gaps a stranger's stack file fell into, each now exit 2 with the key path
and what to do: an ACM certificate of another region, more than 10 budget notifications, secret
values under innocent names."""

from __future__ import annotations

import pytest

from data.config import EstateConfigError, parse_estate


def _problems(estate: dict, region="eu-central-1") -> list[str]:
    with pytest.raises(EstateConfigError) as caught:
        parse_estate(estate, region)
    return caught.value.problems


# -- the load balancers' certificate lives in their region ------------------------------------------------

def test_a_certificate_of_another_region_is_refused(prod_estate):
    prod_estate["network"]["certificate_arn"] = prod_estate["network"]["certificate_arn"].replace("eu-central-1", "us-east-1")
    assert _problems(prod_estate) == [
        "estate.network.certificate_arn: the certificate is in us-east-1 but the load balancers are in eu-central-1"
        " (aws:region); ACM certificates are regional: request or import one in eu-central-1 and give its ARN"
    ]


def test_the_certificate_of_the_stack_region_passes(prod_estate):
    assert parse_estate(prod_estate, "eu-central-1").network.certificate_arn.split(":")[3] == "eu-central-1"
    prod_estate["network"]["certificate_arn"] = prod_estate["network"]["certificate_arn"].replace("eu-central-1", "eu-west-1")
    prod_estate.pop("disaster_recovery")  # prod's DR region is eu-west-1: a stack there cannot keep it
    assert parse_estate(prod_estate, "eu-west-1").region == "eu-west-1"


def test_with_an_unknown_region_only_the_region_is_blamed(prod_estate):
    assert _problems(prod_estate, region="eu-centrl-1") == [
        "aws:region: 'eu-centrl-1' is not an AWS region (did you mean 'eu-central-1'?)"
    ]


def test_dr_and_examples_keep_their_certificates_in_their_region():
    from pathlib import Path

    from data.config import estate_from_stack_file, load_stack_file

    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("Pulumi.*.yaml"), *root.glob("examples/*.yaml")]:
        estate = estate_from_stack_file(load_stack_file(path))
        assert estate.region_problems() == [], path


# -- AWS Budgets: at most 10 notifications (two per percentage) ---------------------------------------------

def test_six_percentages_make_twelve_notifications_refused(prod_estate):
    prod_estate["budget"]["alert_percentages"] = [50, 60, 70, 80, 90, 100]
    assert _problems(prod_estate) == [
        "estate.budget.alert_percentages: 6 percentages make 12 notifications (forecast and actual each); AWS Budgets"
        " allows at most 10 per budget: at most 5 percentages"
    ]
