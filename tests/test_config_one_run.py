"""Issue 12 #11: every problem of a stack file in one run. A bad region does not hide the estate's
own mistakes, and cross-reference mistakes (an unknown service, a missing cache) are reported with
the field mistakes of other keys, not in a second round once those are fixed."""

from __future__ import annotations

import pytest

from data.config import EstateConfigError, parse_estate


def _problems(estate: dict, region="eu-central-1") -> list[str]:
    with pytest.raises(EstateConfigError) as caught:
        parse_estate(estate, region)
    return caught.value.problems


def test_a_bad_region_hides_nothing(prod_estate):
    prod_estate["alerting"].pop("topic_prefix")
    prod_estate["services"][1]["scaling"]["min"] = "two"
    prod_estate["cdn"][0]["service"] = "nowhere"
    problems = _problems(prod_estate, region="eu-centrl-1")
    assert problems[0] == "aws:region: 'eu-centrl-1' is not an AWS region (did you mean 'eu-central-1'?)"
    assert "estate.alerting.topic_prefix: required key is missing" in problems
    assert any(p.startswith("estate.services[1].scaling.min: Input should be a valid integer") for p in problems)
    assert any(p.startswith("estate.cdn[0].service: unknown service 'nowhere'") for p in problems)
    assert len(problems) == 4, problems


def test_region_as_an_estate_key_is_reported_with_the_rest(prod_estate):
    prod_estate["region"] = "eu-west-1"
    prod_estate["services"][0]["port"] = 0
    problems = _problems(prod_estate)
    assert problems == [
        "estate.region: unknown key; the region is aws:region",
        "estate.services[0].port: Input should be greater than or equal to 1",
    ]


def test_cross_references_with_field_errors_of_other_keys(prod_estate):
    prod_estate["buckets"][0]["versioning"] = "sometimes"        # a field mistake
    prod_estate["dashboards"][0]["services"].append("ghost")     # a cross-reference mistake
    prod_estate["cdn"][0]["service"] = "authz"                    # another one: a service name misspelt
    problems = _problems(prod_estate)
    assert "estate.buckets[0].versioning: Input should be a valid boolean, unable to interpret input, got a string 'sometimes'" in problems
    index = len(prod_estate["dashboards"][0]["services"]) - 1
    assert any(p.startswith(f"estate.dashboards[0].services[{index}]: unknown service 'ghost'") for p in problems), problems
    assert any(p.startswith("estate.cdn[0].service: unknown service 'authz'") for p in problems), problems
    assert len(problems) == 3, problems


def test_a_present_but_invalid_section_is_not_reported_missing(prod_estate):
    """A cache with a mistake is a cache: the services using it are not told that none is declared."""
    prod_estate["cache"]["node_type"] = 42
    problems = _problems(prod_estate)
    assert all("no cache is declared" not in p for p in problems), problems
    assert all(p.startswith("estate.cache.") for p in problems), problems


def test_no_cross_reference_noise_on_an_item_with_field_errors(prod_estate):
    """A service whose name is wrong is not also reported as a duplicate or an unknown reference."""
    prod_estate["services"][0]["name"] = "Authz EB"
    problems = _problems(prod_estate)
    assert problems[0].startswith("estate.services[0].name: String should match pattern"), problems
    # The references to the old name are real mistakes of the file as written: reported, on their own keys.
    assert all(not p.startswith("estate.services[0].") or p.startswith("estate.services[0].name") for p in problems)


@pytest.mark.parametrize("mutate", [
    lambda e: e.__setitem__("services", "all of them"),
    lambda e: e.__setitem__("services", [None, 3, "x"]),
    lambda e: e.__setitem__("cdn", [{"service": ["a", "b"]}]),
    lambda e: e.__setitem__("atlas", {"collections": [{"database": {"a": 1}}]}),
    lambda e: e.__setitem__("dashboards", [{"name": None, "services": [None, ["x"]]}]),
    lambda e: e.__setitem__("alerting", []),
])
def test_salvaging_a_broken_estate_never_raises_anything_but_the_problems(prod_estate, mutate):
    mutate(prod_estate)
    problems = _problems(prod_estate)
    assert problems and all(p.startswith("estate.") and "\n" not in p for p in problems), problems
