"""``estate verify`` on DR readiness (issue 11): replication of each bucket to the DR region, secret replicas,
and the age of the newest Atlas snapshot copied there. In-process moto (``mock_aws``) puts AWS in the broken
states; a local fake of the Atlas Admin API answers the snapshot questions."""

from __future__ import annotations

import datetime

import pytest

from tests.preflight_helpers import JsonApiHandler, local_server

from test_verify_live import ACCOUNT, deploy, fake_credentials, faithful_bucket_replication, prod, replication_rules, verify  # noqa: F401
from tools.verify import FAIL, NOT_CHECKABLE, PASS, Clients

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
NO_ATLAS = {}  # no Atlas keys in the environment


@pytest.fixture
def deployed(prod):
    from moto import mock_aws

    estate, render, _ = prod
    with mock_aws():
        clients = Clients()
        deploy(estate, render, clients)
        yield estate, render, clients


def _family(report, family):
    return {c.resource: c for c in report.checks if c.family == family}


def test_a_prepared_dr_region_passes(deployed):
    estate, render, clients = deployed
    report = verify(estate, render, clients, env=NO_ATLAS)
    replication = _family(report, "replication")
    assert {c.status for c in replication.values()} == {PASS}
    assert replication["symphonia-documents-prod"].detail == "replicating to symphonia-documents-dr as declared"
    assert {c.status for c in _family(report, "secret").values()} == {PASS}


def test_replication_drift_is_named(deployed):
    estate, render, clients = deployed
    s3 = clients("s3", estate.region)
    s3.delete_bucket_replication(Bucket="rt-backend-backups")
    documents = replication_rules(estate)["symphonia-documents-prod"]
    rule = documents["Rules"][0]
    rule["DeleteMarkerReplication"] = {"Status": "Disabled"}
    del rule["Destination"]["ReplicationTime"]
    s3.put_bucket_replication(Bucket="symphonia-documents-prod", ReplicationConfiguration=documents)
    report = verify(estate, render, clients, env=NO_ATLAS)
    failed = {c.resource: c for c in report.failed if c.family == "replication"}
    assert sorted(failed) == ["rt-backend-backups", "symphonia-documents-prod"]
    assert failed["rt-backend-backups"].detail == "no replication configuration: new objects do not reach the DR standby"
    assert failed["symphonia-documents-prod"].detail == (
        "delete-marker replication Disabled instead of Enabled; Replication Time Control off")
    assert "pulumi up" in failed["symphonia-documents-prod"].action


def test_failed_replication_reported_by_s3_fails(deployed):
    estate, render, clients = deployed
    clients("cloudwatch", estate.region).put_metric_data(Namespace="AWS/S3", MetricData=[{
        # stamped by a clock 30 s ahead of ours (and so never within the request's truncated second either)
        "MetricName": "OperationsFailedReplication", "Value": 4,
        "Timestamp": datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=30),
        "Dimensions": [{"Name": "SourceBucket", "Value": "rt-backend-backups"},
                       {"Name": "DestinationBucket", "Value": "rt-backend-backups-dr"},
                       {"Name": "RuleId", "Value": "disaster-recovery"}]}])
    report = verify(estate, render, clients, env=NO_ATLAS)
    (failed,) = [c for c in report.failed if c.family == "replication"]
    assert failed.resource == "rt-backend-backups -> rt-backend-backups-dr failed operations"
    assert failed.detail == "4 operations failed to replicate in the last 24 h" and "replication-failed" in failed.action


def test_a_secret_without_its_replica_fails_with_the_command_to_run(deployed):
    estate, render, clients = deployed
    secrets = clients("secretsmanager", estate.region)
    secrets.remove_regions_from_replication(SecretId="rt-technologie/prod/authz-eb/abstract-api-key", RemoveReplicaRegions=["eu-west-1"])
    secrets.remove_regions_from_replication(SecretId="rt-technologie/prod/authz-eb/jwt-secret", RemoveReplicaRegions=["eu-west-1"])
    # A replicated secret cannot be deleted before its replicas are removed (AWS and moto alike).
    secrets.remove_regions_from_replication(SecretId="rt-technologie/prod/tms-sync-eb/dashdoc-api-key", RemoveReplicaRegions=["eu-west-1"])
    secrets.delete_secret(SecretId="rt-technologie/prod/tms-sync-eb/dashdoc-api-key", ForceDeleteWithoutRecovery=True)
    report = verify(estate, render, clients, env=NO_ATLAS)
    failed = {(c.resource, c.region): c for c in report.failed if c.family == "secret"}
    assert sorted(failed) == [
        ("rt-technologie/prod/authz-eb/abstract-api-key replica", "eu-west-1"),
        ("rt-technologie/prod/authz-eb/jwt-secret replica", "eu-west-1"),
        ("rt-technologie/prod/tms-sync-eb/dashdoc-api-key", "eu-central-1"),
    ]
    operator = failed[("rt-technologie/prod/authz-eb/abstract-api-key replica", "eu-west-1")]
    assert operator.detail == "no replica in this region: the DR stack cannot read it there"
    assert operator.action == ("aws secretsmanager replicate-secret-to-regions --region eu-central-1 --secret-id"
                               " rt-technologie/prod/authz-eb/abstract-api-key --add-replica-regions Region=eu-west-1")
    assert "pulumi up" in failed[("rt-technologie/prod/authz-eb/jwt-secret replica", "eu-west-1")].action
    assert "create it with its value" in failed[("rt-technologie/prod/tms-sync-eb/dashdoc-api-key", "eu-central-1")].action


# -- Atlas ----------------------------------------------------------------------------------------------

PROJECT_ID = "5f0c1a2b3c4d5e6f7a8b9c0e"


class FakeAtlas(JsonApiHandler):
    """The Admin API routes verify reads (no digest challenge: the client sends its request as is)."""

    schedule: dict = {}
    snapshots: list = []
    status = 200

    def do_GET(self):  # noqa: N802
        path = self.path.split("?")[0]
        if self.status != 200:
            return self._send(self.status, {"errorCode": "NOT_ORG_GROUP_CREATOR"})
        if path == "/api/atlas/v2/groups/byName/symphonia-prod":
            return self._send(200, {"id": PROJECT_ID})
        cluster = f"/api/atlas/v2/groups/{PROJECT_ID}/clusters/symphonia-prod/backup"
        if path == f"{cluster}/schedule":
            return self._send(200, self.schedule)
        if path == f"{cluster}/snapshots":
            return self._send(200, {"results": self.snapshots, "totalCount": len(self.snapshots)})
        self._send(404, {"errorCode": "RESOURCE_NOT_FOUND"})


@pytest.fixture
def atlas_env():
    FakeAtlas.schedule, FakeAtlas.snapshots, FakeAtlas.status = {"copySettings": [{"regionName": "EU_WEST_1"}]}, [], 200
    with local_server(FakeAtlas) as base:
        yield {"MONGODB_ATLAS_PUBLIC_KEY": "pub", "MONGODB_ATLAS_PRIVATE_KEY": "priv", "MONGODB_ATLAS_BASE_URL": base}


def _snapshot(hours_old: float, regions=("EU_WEST_1",), status="completed") -> dict:
    created = NOW - datetime.timedelta(hours=hours_old)
    return {"id": "x", "status": status, "copyRegions": list(regions), "createdAt": created.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _atlas(prod, env) -> dict:
    estate, render, _ = prod
    from moto import mock_aws

    with mock_aws():
        report = verify(estate, render, Clients(), env=env, now=NOW)
    return _family(report, "atlas")


SUBJECT = "symphonia-prod snapshots copied to EU_WEST_1"


def test_atlas_copies_are_not_checkable_without_keys(prod):
    (check,) = _atlas(prod, NO_ATLAS).values()
    assert (check.resource, check.status) == (SUBJECT, NOT_CHECKABLE)
    assert check.detail == "not checkable: the Atlas Admin API keys are not given"
    assert "MONGODB_ATLAS_PUBLIC_KEY" in check.action


def test_a_recent_copy_passes_an_old_one_fails(prod, atlas_env):
    # Hourly snapshots every 6 hours are copied: the newest copy must be younger than 12 hours.
    FakeAtlas.snapshots = [_snapshot(30), _snapshot(5), _snapshot(1, regions=()), _snapshot(0.5, status="inProgress")]
    assert (_atlas(prod, atlas_env)[SUBJECT].status, _atlas(prod, atlas_env)[SUBJECT].detail) == (PASS, "the newest copy is 5.0 h old (2 listed)")
    FakeAtlas.snapshots = [_snapshot(30), _snapshot(13)]
    check = _atlas(prod, atlas_env)[SUBJECT]
    assert (check.status, check.detail) == (FAIL, "the newest copy is 13.0 h old (more than 12.0 h: copies stopped)")
    FakeAtlas.snapshots = [_snapshot(1, regions=("US_EAST_1",))]
    assert _atlas(prod, atlas_env)[SUBJECT].detail == "no completed snapshot is listed for the region yet"


def test_a_schedule_without_the_copy_fails_and_refused_keys_are_not_checkable(prod, atlas_env):
    FakeAtlas.schedule = {"copySettings": []}
    check = _atlas(prod, atlas_env)[SUBJECT]
    assert (check.status, check.detail) == (FAIL, "the backup schedule copies no snapshot there")
    FakeAtlas.status = 401
    check = _atlas(prod, atlas_env)[SUBJECT]
    assert check.status == NOT_CHECKABLE and check.detail.startswith("the Atlas Admin API answered 401")
