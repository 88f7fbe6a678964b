"""The stack file's ``disaster_recovery`` section (issue 11) and ``buckets[].standby``: what a wrong value
says, every problem in one run, each at its key path; the Atlas region derived from the catalogue."""

from __future__ import annotations

import copy

import pytest

from data.catalogue.atlas import AWS_REGIONS, atlas_region_of
from data.config import EstateConfigError, parse_estate

PRIMARY = "eu-central-1"


def _problems(raw) -> list[str]:
    with pytest.raises(EstateConfigError) as error:
        parse_estate(raw, PRIMARY)
    return error.value.problems


@pytest.fixture
def dr_section(prod_estate):
    return prod_estate["disaster_recovery"]


def test_prod_declares_the_dr_region_and_its_atlas_name(prod_stack_file):
    from data.config import estate_from_stack_file

    dr = estate_from_stack_file(prod_stack_file).disaster_recovery
    assert dr.region == "eu-west-1" and dr.atlas_region == "EU_WEST_1"
    assert {b.purpose for b in dr.buckets} == {"documents", "backups", "audit"}
    assert dr.secrets is True and dr.atlas_snapshot_copies == ["hourly", "daily", "weekly", "monthly"]


def test_atlas_region_names_follow_the_catalogue():
    assert atlas_region_of("eu-west-1") == "EU_WEST_1"
    assert atlas_region_of("ap-southeast-2") == "AP_SOUTHEAST_2"
    assert atlas_region_of("us-gov-west-1") is None  # an AWS region Atlas does not list
    assert all(name == name.upper() and "-" not in name for name in AWS_REGIONS)


def test_the_dr_region_must_differ_from_the_primary(prod_estate, dr_section):
    dr_section["region"] = PRIMARY
    assert _problems(prod_estate) == [
        "estate.disaster_recovery.region: 'eu-central-1' is the primary region (aws:region); a DR region must be another one",
        "estate.disaster_recovery.atlas_snapshot_copies: the cluster already runs in EU_CENTRAL_1 (atlas.region): a copy"
        " there would be lost with it; the DR region must be another one",
    ]


def test_an_unknown_region_is_refused(prod_estate, dr_section):
    dr_section["region"] = "eu-west-9"
    (problem,) = _problems(prod_estate)
    assert problem.startswith("estate.disaster_recovery.region:") and "'eu-west-9' is not an AWS region" in problem


def test_a_region_without_atlas_cannot_receive_snapshot_copies(prod_estate, dr_section):
    dr_section["region"] = "us-gov-west-1"
    (problem,) = _problems(prod_estate)
    assert problem.startswith("estate.disaster_recovery.region: Atlas has no region for 'us-gov-west-1'")
    dr_section["atlas_snapshot_copies"] = []
    assert parse_estate(prod_estate, PRIMARY).disaster_recovery.atlas_region is None


def test_every_bucket_problem_in_one_run(prod_estate, dr_section):
    prod_estate["buckets"][2]["versioning"] = False  # rt-backend-backups
    dr_section["buckets"] = [
        {"purpose": "documents", "standby": "symphonia-logs-prod", "replication_time_control": True, "delete_markers": "replicate"},
        {"purpose": "backups", "standby": "rt-backend-backups-dr", "replication_time_control": False, "delete_markers": "keep"},
    ]
    del dr_section["standby_logs"]
    assert _problems(prod_estate) == [
        "estate.disaster_recovery.buckets[0].standby: 'symphonia-logs-prod' is already a bucket of this estate",
        "estate.disaster_recovery.buckets[0].purpose: the 'documents' bucket logs its access: give"
        " disaster_recovery.standby_logs, the DR-region bucket its standby logs into",
        "estate.disaster_recovery.buckets[1].purpose: the 'backups' bucket has versioning false; S3 replication needs"
        " versioning on both buckets",
        "estate.disaster_recovery.buckets[1].purpose: the 'backups' bucket logs its access: give"
        " disaster_recovery.standby_logs, the DR-region bucket its standby logs into",
    ]


def test_a_purpose_the_estate_does_not_have(prod_estate, dr_section):
    prod_estate["buckets"] = [b for b in prod_estate["buckets"] if b["purpose"] != "audit"]
    assert _problems(prod_estate) == ["estate.disaster_recovery.buckets[2].purpose: no bucket with purpose 'audit' is declared"]


def test_field_mistakes_name_their_key(prod_estate, dr_section):
    dr_section["buckets"][0]["standby"] = "Symphonia_Docs"
    dr_section["buckets"][1]["delete_markers"] = "yes"
    del dr_section["buckets"][2]["replication_time_control"]
    dr_section["atlas_snapshot_copies"] = ["hourly", "yearly"]
    dr_section["secret"] = True
    assert _problems(prod_estate) == [
        "estate.disaster_recovery.atlas_snapshot_copies[1]: Input should be 'hourly', 'daily', 'weekly' or 'monthly'",
        "estate.disaster_recovery.buckets[0].standby: 'Symphonia_Docs' is not a valid S3 bucket name: 3-63 lower-case"
        " letters, digits, dots or hyphens, starting and ending with a letter or digit",
        "estate.disaster_recovery.buckets[1].delete_markers: Input should be 'replicate' or 'keep'",
        "estate.disaster_recovery.buckets[2].replication_time_control: required key is missing",
        "estate.disaster_recovery.secret: unknown key (did you mean 'secrets'?)",
    ]


def test_replicated_twice_or_one_standby_name_twice(prod_estate, dr_section):
    backups = dr_section["buckets"][1]
    dr_section["buckets"][1] = dict(dr_section["buckets"][0])
    (problem,) = _problems(prod_estate)
    assert problem.startswith("estate.disaster_recovery:") and "duplicate replicated purpose 'documents'" in problem
    dr_section["buckets"][1] = {**backups, "standby": "symphonia-logs-dr"}
    (problem,) = _problems(prod_estate)
    assert "duplicate standby bucket name 'symphonia-logs-dr'" in problem


def test_delete_marker_replication_is_a_deliberate_choice(prod_estate, dr_section):
    del dr_section["buckets"][0]["delete_markers"]
    assert any(p.startswith("estate.disaster_recovery.buckets[0].delete_markers:") for p in _problems(prod_estate))


def test_standby_buckets_carry_no_settings_of_their_own(prod_estate):
    raw = copy.deepcopy(prod_estate)
    raw.pop("disaster_recovery")
    documents = raw["buckets"][0]
    raw["buckets"][0] = {"name": documents["name"], "purpose": "documents", "standby": True, "lifecycle": documents["lifecycle"]}
    (problem,) = _problems(raw)
    assert problem.startswith("estate.buckets[0].lifecycle: a standby bucket's settings are those of the stack that creates it")
    raw["buckets"][0] = {"name": documents["name"], "purpose": "documents", "standby": True}
    assert parse_estate(raw, PRIMARY).buckets[0].standby is True


def test_a_standby_logs_bucket_admits_only_the_standbys_logs(prod_estate):
    raw = copy.deepcopy(prod_estate)
    raw.pop("disaster_recovery")
    raw["buckets"][1] = {"name": "symphonia-logs-dr", "purpose": "logs", "standby": True}
    problems = _problems(raw)
    assert problems[0] == (
        "estate.buckets[0].access_logging: the logs bucket 'symphonia-logs-dr' is a standby: its policy (its creator's)"
        " admits only the standby buckets' logs; set access_logging: false"
    )
    assert len(problems) == 3  # documents, backups, audit


def test_a_standby_cannot_be_replicated_again(prod_estate, dr_section):
    prod_estate["buckets"][0] = {"name": "symphonia-documents-prod", "purpose": "documents", "standby": True}
    assert "estate.disaster_recovery.buckets[0].purpose: the 'documents' bucket is itself a standby; replicate from" \
           " the stack that creates it" in _problems(prod_estate)


def test_replication_role_names_fit_iam(prod_estate):
    prod_estate["organisation"] = "o" * 40
    problems = _problems(prod_estate)
    assert problems[0] == (
        f"estate.disaster_recovery.buckets[0].purpose: the replication role '{'o' * 40}-prod-documents-replication' is"
        " longer than 64 characters (IAM); shorten organisation or environment"
    )
    assert len(problems) == 2  # documents (67) and backups (65); audit's name is 63 characters


def test_snapshot_copies_must_leave_the_clusters_region(prod_estate):
    prod_estate["atlas"]["region"] = "EU_WEST_1"
    assert _problems(prod_estate) == [
        "estate.disaster_recovery.atlas_snapshot_copies: the cluster already runs in EU_WEST_1 (atlas.region): a copy"
        " there would be lost with it; the DR region must be another one"
    ]


def test_objects_must_replicate_before_glacier(prod_estate):
    """S3 does not replicate objects stored in Glacier Flexible Retrieval or Deep Archive
    (data.catalogue.s3.NOT_REPLICATED_STORAGE_CLASSES): a day-0 transition could move them first."""
    prod_estate["buckets"][2]["lifecycle"][0]["transitions"] = [{"days": 0, "storage_class": "GLACIER"}]
    assert _problems(prod_estate) == [
        "estate.disaster_recovery.buckets[1].purpose: the 'backups' bucket's lifecycle[0] moves objects to GLACIER on"
        " day 0: S3 does not replicate objects stored there; give the transition at least 1 day"
    ]
    prod_estate["buckets"][2]["lifecycle"][0]["transitions"] = [{"days": 1, "storage_class": "GLACIER"}]
    assert parse_estate(prod_estate, PRIMARY).disaster_recovery is not None
