"""prod's buckets kept in the DR region (issue 11, components/replication/): standby buckets in eu-west-1 with
their source's settings, one least-privilege role per bucket, the replication rule each data class chose, and
the alarms on failed (and, under RTC, late) replication."""

from __future__ import annotations

import json

import pytest

from components.replication.buckets import RULE_ID, replication_role_policy, standby_of
from data.catalogue import s3
from data.model import Bucket

PRIMARY, DR = "eu-central-1", "eu-west-1"
COMPONENT = "monitored-estate:replication:BucketReplication$"
STORAGE = "monitored-estate:storage:Storage$"
PAIRS = {  # source -> standby, as Pulumi.prod.yaml's disaster_recovery declares them
    "symphonia-documents-prod": "symphonia-documents-dr",
    "rt-backend-backups": "rt-backend-backups-dr",
    "rt-estate-audit-logs-prod": "rt-estate-audit-logs-dr",
}
STANDBY_LOGS = "symphonia-logs-dr"
CONFIG = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _by_bucket(render, token: str, where: str) -> dict:
    return {r.inputs["bucket"]: r for r in render.of_type(token) if where in r.urn}


@pytest.fixture(scope="module")
def configs(prod_render):
    return {r.inputs["bucket"]: r for r in prod_render.of_type(CONFIG)}


def test_standbys_live_in_the_dr_region_with_their_sources_settings(prod_render):
    standbys = _by_bucket(prod_render, "aws:s3/bucket:Bucket", COMPONENT)
    assert sorted(standbys) == sorted([*PAIRS.values(), STANDBY_LOGS])
    assert {prod_render.region_of(b) for b in standbys.values()} == {DR}
    assert all(b.protect for b in standbys.values())
    for token in ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
                  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
        sources, copies = _by_bucket(prod_render, token, STORAGE), _by_bucket(prod_render, token, COMPONENT)
        # Lifecycle actions are not replicated (data.catalogue.s3.LIFECYCLE_REPLICATED): the standby has its own.
        pairs = {**PAIRS, "symphonia-logs-prod": STANDBY_LOGS}
        def settings(resource):
            return {key: value for key, value in resource.inputs.items() if key != "bucket"}

        assert {pairs[name]: settings(r) for name, r in sources.items()} == {name: settings(r) for name, r in copies.items()}, token
    versioning = _by_bucket(prod_render, "aws:s3/bucketVersioning:BucketVersioning", COMPONENT)
    assert {b: v.inputs["versioningConfiguration"]["status"] for b, v in versioning.items()} == dict.fromkeys(standbys, "Enabled")


def test_the_audit_standby_is_locked_like_its_source(prod_render):
    """A locked source needs a locked destination (data.catalogue.s3.REPLICA_NEEDS_SOURCE_OBJECT_LOCK), and Object
    Lock can only be enabled when the bucket is created: the standby is locked from its first `up`."""
    standbys = _by_bucket(prod_render, "aws:s3/bucket:Bucket", COMPONENT)
    assert standbys["rt-estate-audit-logs-dr"].inputs["objectLockEnabled"] is True
    assert [n for n, b in standbys.items() if b.inputs.get("objectLockEnabled")] == ["rt-estate-audit-logs-dr"]
    (lock,) = _by_bucket(prod_render, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", COMPONENT).values()
    assert lock.inputs == {"bucket": "rt-estate-audit-logs-dr", "rule": {"defaultRetention": {"mode": "COMPLIANCE", "years": 5}}}
    assert lock.protect
    source = Bucket(name="locked-source", purpose="audit", object_lock_years=7,
                    lifecycle=[{"id": "keep", "noncurrent": {"expiration_days": 3000}}])
    from data.model import ReplicatedBucket

    copy = standby_of(source, ReplicatedBucket(purpose="audit", standby="locked-copy", replication_time_control=False,
                                               delete_markers="keep"))
    assert (copy.name, copy.object_lock_years, copy.versioning, copy.lifecycle) == ("locked-copy", 7, True, source.lifecycle)


def test_standbys_log_their_access_into_a_logs_bucket_of_their_region(prod_render):
    logging = _by_bucket(prod_render, "aws:s3/bucketLogging:BucketLogging", COMPONENT)
    assert sorted(logging) == sorted(PAIRS.values())
    assert {r.inputs["targetBucket"] for r in logging.values()} == {STANDBY_LOGS}
    assert {prod_render.region_of(r) for r in logging.values()} == {DR}
    policy = json.loads(_by_bucket(prod_render, "aws:s3/bucketPolicy:BucketPolicy", COMPONENT)[STANDBY_LOGS].inputs["policy"])
    (delivery,) = [s for s in policy["Statement"] if s["Sid"] == "S3ServerAccessLogsDelivery"]
    assert sorted(delivery["Condition"]["ArnLike"]["aws:SourceArn"]) == sorted(f"arn:aws:s3:::{b}" for b in PAIRS.values())
    encryption = _by_bucket(prod_render, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", COMPONENT)
    assert encryption[STANDBY_LOGS].inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"


def test_documents_replicate_under_rtc_with_their_deletions(configs, prod_render):
    config = configs["symphonia-documents-prod"]
    assert prod_render.region_of(config) == PRIMARY  # the configuration belongs to the source bucket
    assert config.inputs["role"] == "arn:aws:iam::123456789012:role/rt-technologie-prod-documents-replication"
    (rule,) = config.inputs["rules"]
    replica_key = rule["destination"]["encryptionConfiguration"]["replicaKmsKeyId"]
    assert replica_key.startswith(f"arn:aws:kms:{DR}:")  # a key of the destination's region
    assert rule == {
        "id": RULE_ID, "status": "Enabled", "priority": 1, "filter": {"prefix": ""},
        "deleteMarkerReplication": {"status": "Enabled"},
        "sourceSelectionCriteria": {"sseKmsEncryptedObjects": {"status": "Enabled"}},
        "destination": {
            "bucket": "arn:aws:s3:::symphonia-documents-dr",
            "encryptionConfiguration": {"replicaKmsKeyId": replica_key},
            "metrics": {"status": "Enabled", "eventThreshold": {"minutes": 15}},
            "replicationTime": {"status": "Enabled", "time": {"minutes": 15}},
        },
    }


@pytest.mark.parametrize("source", ["rt-backend-backups", "rt-estate-audit-logs-prod"])
def test_backups_and_audit_keep_deletions_out_of_the_copy_without_rtc(configs, source):
    (rule,) = configs[source].inputs["rules"]
    assert rule["deleteMarkerReplication"] == {"status": "Disabled"}
    assert rule["destination"]["metrics"] == {"status": "Enabled"}  # the failure alarm reads them; no RTC threshold
    assert "replicationTime" not in rule["destination"]
    assert rule["destination"]["bucket"] == f"arn:aws:s3:::{PAIRS[source]}"
    assert rule["sourceSelectionCriteria"] == {"sseKmsEncryptedObjects": {"status": "Enabled"}}


def test_rtc_always_comes_with_metrics_at_the_only_accepted_value(configs):
    for config in configs.values():
        for rule in config.inputs["rules"]:
            destination = rule["destination"]
            if "replicationTime" in destination:
                assert destination["replicationTime"]["time"]["minutes"] == s3.RTC_MINUTES == 15
                assert destination["metrics"]["eventThreshold"]["minutes"] == s3.METRICS_EVENT_THRESHOLD_MINUTES == 15
            assert destination["metrics"]["status"] == "Enabled"
            assert rule["filter"] == {"prefix": ""}  # delete-marker replication refuses tag filters


def test_replication_waits_for_versioning_at_both_ends(configs, prod_render):
    by_urn = prod_render.by_urn()
    for source, config in configs.items():
        waited = {by_urn[d].inputs.get("bucket") for d in config.dependencies
                  if by_urn[d].type == "aws:s3/bucketVersioning:BucketVersioning"}
        assert waited == {source, PAIRS[source]}


def test_one_role_per_bucket_trusting_s3_only(prod_render):
    roles = {r.inputs["name"]: r for r in prod_render.of_type("aws:iam/role:Role") if COMPONENT in r.urn}
    assert sorted(roles) == [f"rt-technologie-prod-{p}-replication" for p in ("audit", "backups", "documents")]
    for role in roles.values():
        assert json.loads(role.inputs["assumeRolePolicy"])["Statement"] == [
            {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]


def test_role_policies_grant_what_the_s3_guide_lists_and_nothing_more(prod_render):
    policies = {r.inputs["role"]: json.loads(r.inputs["policy"])["Statement"]
                for r in prod_render.of_type("aws:iam/rolePolicy:RolePolicy") if COMPONENT in r.urn}
    actions = {role: {s["Sid"]: s["Action"] for s in statements} for role, statements in policies.items()}
    base = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]
    assert actions["rt-technologie-prod-documents-replication"] == {
        "SourceBucket": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "SourceObjects": base,
        "ReplicaObjects": ["s3:ReplicateObject", "s3:ReplicateDelete"],  # delete markers replicated
        "DecryptSourceObjects": ["kms:Decrypt"], "EncryptReplicas": ["kms:Encrypt"],
    }
    assert actions["rt-technologie-prod-backups-replication"]["ReplicaObjects"] == ["s3:ReplicateObject"]
    assert actions["rt-technologie-prod-audit-replication"]["SourceObjects"] == base + ["s3:GetObjectRetention", "s3:GetObjectLegalHold"]
    assert actions["rt-technologie-prod-audit-replication"]["ReplicaObjects"] == ["s3:ReplicateObject"]
    statements = {s["Sid"]: s for s in policies["rt-technologie-prod-backups-replication"]}
    assert statements["SourceBucket"]["Resource"] == "arn:aws:s3:::rt-backend-backups"
    assert statements["SourceObjects"]["Resource"] == "arn:aws:s3:::rt-backend-backups/*"
    assert statements["ReplicaObjects"]["Resource"] == "arn:aws:s3:::rt-backend-backups-dr/*"
    decrypt, encrypt = statements["DecryptSourceObjects"], statements["EncryptReplicas"]
    assert decrypt["Resource"].startswith(f"arn:aws:kms:{PRIMARY}:") and encrypt["Resource"].startswith(f"arn:aws:kms:{DR}:")
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": f"s3.{PRIMARY}.amazonaws.com"},
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::rt-backend-backups", "arn:aws:s3:::rt-backend-backups/*"]},
    }
    assert encrypt["Condition"]["StringEquals"] == {"kms:ViaService": f"s3.{DR}.amazonaws.com"}


def test_a_bucket_without_kms_gets_no_kms_statement():
    statements = json.loads(replication_role_policy("a-src", "a-dst", delete_markers=False, object_lock=False, kms=None))["Statement"]
    assert [s["Sid"] for s in statements] == ["SourceBucket", "SourceObjects", "ReplicaObjects"]


def test_alarms_on_failed_replication_everywhere_and_latency_under_rtc(prod_render):
    alarms = {a.inputs["name"]: a for a in prod_render.of_type(ALARM) if COMPONENT in a.urn}
    assert sorted(alarms) == sorted([f"{source}-replication-failed-warning" for source in PAIRS]
                                    + ["symphonia-documents-prod-replication-latency-warning"])
    failed = alarms["rt-backend-backups-replication-failed-warning"].inputs
    assert (failed["namespace"], failed["metricName"], failed["statistic"]) == ("AWS/S3", "OperationsFailedReplication", "Sum")
    assert failed["dimensions"] == {"DestinationBucket": "rt-backend-backups-dr", "RuleId": RULE_ID, "SourceBucket": "rt-backend-backups"}
    assert (failed["comparisonOperator"], failed["threshold"], failed["treatMissingData"]) == ("GreaterThanThreshold", 0, "ignore")
    latency = alarms["symphonia-documents-prod-replication-latency-warning"].inputs
    assert (latency["metricName"], latency["statistic"], latency["threshold"]) == ("ReplicationLatency", "Maximum", 900)
    assert {prod_render.region_of(a) for a in alarms.values()} == {PRIMARY}  # the metrics are the source region's
    assert all(a.inputs["alarmActions"] == [a.inputs["okActions"][0]] and a.inputs["alarmActions"][0].endswith(":rt-estate-prod-warning")
               for a in alarms.values())


def test_without_a_dr_section_nothing_leaves_the_primary_region(prod_estate, render_estate_dict):
    prod_estate.pop("disaster_recovery")
    render = render_estate_dict(prod_estate)
    assert not render.of_type(CONFIG) and not [r for r in render.resources if COMPONENT in r.urn]
    assert [p.inputs["region"] for p in render.of_type("pulumi:providers:aws")] == ["us-east-1"]
