"""Issue 12 #10: buckets are identified by their name, any number per purpose; ``purpose`` decides only what
the program does for a bucket (the access-log target, CORS, the Atlas export target, replication), and
``general`` is a bucket with no special behaviour (an exports bucket). Every reference by purpose keeps
working while it is unambiguous; a reference that is not says so at its key path, with the candidates."""

from __future__ import annotations

import copy
import json

import pytest

from data.config import EstateConfigError, parse_estate

REGION = "eu-central-1"
STORAGE = "monitored-estate:storage:Storage$"


def _problems(estate: dict) -> list[str]:
    with pytest.raises(EstateConfigError) as caught:
        parse_estate(estate, REGION)
    return caught.value.problems


def _bucket(estate: dict, purpose: str) -> dict:
    return next(b for b in estate["buckets"] if b["purpose"] == purpose)


def _service_index(estate: dict, name: str) -> int:
    return next(i for i, s in enumerate(estate["services"]) if s["name"] == name)


def _second(estate: dict, purpose: str, name: str) -> dict:
    """A copy of the estate's ``purpose`` bucket under another name, appended to its buckets."""
    bucket = {**copy.deepcopy(_bucket(estate, purpose)), "name": name}
    bucket.pop("cors", None)
    estate["buckets"].append(bucket)
    return bucket


def _of_bucket(render, type_token: str) -> dict:
    return {r.inputs["bucket"]: r for r in render.of_type(type_token) if STORAGE in r.urn}


def _instance_policy(render, environment: str) -> dict:
    return json.loads(render.named(f"{environment}-instance-policy").inputs["policy"])


# -- several buckets of one purpose ------------------------------------------------------------------------


def test_two_documents_buckets_and_a_service_naming_one(prod_estate, render_estate_dict):
    _second(prod_estate, "documents", "symphonia-contracts-prod")
    affret = _service_index(prod_estate, "affret-ia-api-v2")
    prod_estate["services"][affret]["uses_documents"] = "symphonia-contracts-prod"
    documents = next(r for r in prod_estate["disaster_recovery"]["buckets"] if r["purpose"] == "documents")
    documents.pop("purpose")  # by purpose, ambiguous now
    documents["bucket"] = "symphonia-documents-prod"
    render = render_estate_dict(prod_estate)

    assert {"symphonia-documents-prod", "symphonia-contracts-prod"} <= set(_of_bucket(render, "aws:s3/bucket:Bucket"))
    policy = _instance_policy(render, prod_estate["services"][affret]["environment"])
    grants = {s["Sid"]: s["Resource"] for s in policy["Statement"] if s["Sid"] in ("ListDocuments", "ReadWriteDocuments")}
    assert grants == {"ListDocuments": "arn:aws:s3:::symphonia-contracts-prod",
                      "ReadWriteDocuments": "arn:aws:s3:::symphonia-contracts-prod/*"}


def test_an_exports_bucket_gets_every_protection_of_the_others(prod_estate, render_estate_dict):
    prod_estate["buckets"].append({
        "name": "symphonia-exports-prod",  # no purpose: a general bucket
        "lifecycle": [{"id": "expire-exports", "expiration_days": 30, "noncurrent": {"expiration_days": 7}}],
    })
    assert parse_estate(prod_estate, REGION).buckets[-1].purpose == "general"
    render = render_estate_dict(prod_estate)
    name = "symphonia-exports-prod"

    bucket = _of_bucket(render, "aws:s3/bucket:Bucket")[name]
    assert bucket.protect and bucket.inputs["tags"]["purpose"] == "general"
    versioning = _of_bucket(render, "aws:s3/bucketVersioning:BucketVersioning")[name]
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}
    encryption = _of_bucket(render, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[name]
    assert encryption.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}, "bucketKeyEnabled": True}]
    (rule,) = _of_bucket(render, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[name].inputs["rules"]
    assert rule["id"] == "expire-exports" and rule["noncurrentVersionExpiration"] == {"noncurrentDays": 7}
    block = _of_bucket(render, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[name]
    assert all(block.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    policy = json.loads(_of_bucket(render, "aws:s3/bucketPolicy:BucketPolicy")[name].inputs["policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["DenyInsecureTransport"]
    logging = _of_bucket(render, "aws:s3/bucketLogging:BucketLogging")[name]
    assert logging.inputs["targetBucket"] == "symphonia-logs-prod"
    assert not [r for r in render.of_type("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration") if r.inputs["bucket"] == name]


def test_a_general_bucket_carries_no_cors(prod_estate):
    prod_estate["buckets"].append({
        "name": "symphonia-exports-prod", "purpose": "general",
        "cors": {"allowed_origins": ["https://app.symphonia.fr"], "allowed_methods": ["GET"]},
        "lifecycle": [{"id": "expire-exports", "expiration_days": 30, "noncurrent": {"expiration_days": 7}}],
    })
    (problem,) = _problems(prod_estate)
    assert problem == f"estate.buckets[{len(prod_estate['buckets']) - 1}].cors: only a documents bucket is read by browsers"


def test_each_bucket_logs_into_the_logs_bucket_it_names(prod_estate, render_estate_dict):
    _second(prod_estate, "logs", "symphonia-exports-access-prod")
    for bucket in prod_estate["buckets"]:
        if bucket.get("access_logging", True):
            bucket["log_to"] = "symphonia-logs-prod"
    prod_estate["buckets"].append({
        "name": "symphonia-exports-prod", "log_to": "symphonia-exports-access-prod",
        "lifecycle": [{"id": "expire-exports", "expiration_days": 30, "noncurrent": {"expiration_days": 7}}],
    })
    render = render_estate_dict(prod_estate)

    targets = {name: r.inputs["targetBucket"] for name, r in _of_bucket(render, "aws:s3/bucketLogging:BucketLogging").items()}
    assert targets == {"symphonia-documents-prod": "symphonia-logs-prod", "rt-backend-backups": "symphonia-logs-prod",
                       "rt-estate-audit-logs-prod": "symphonia-logs-prod",
                       "symphonia-exports-prod": "symphonia-exports-access-prod"}
    policies = _of_bucket(render, "aws:s3/bucketPolicy:BucketPolicy")
    admitted = {}
    for name in ("symphonia-logs-prod", "symphonia-exports-access-prod"):
        (delivery,) = [s for s in json.loads(policies[name].inputs["policy"])["Statement"] if s["Sid"] == "S3ServerAccessLogsDelivery"]
        admitted[name] = delivery["Condition"]["ArnLike"]["aws:SourceArn"]
    assert admitted == {
        "symphonia-logs-prod": ["arn:aws:s3:::symphonia-documents-prod", "arn:aws:s3:::rt-backend-backups",
                                "arn:aws:s3:::rt-estate-audit-logs-prod"],
        "symphonia-exports-access-prod": ["arn:aws:s3:::symphonia-exports-prod"],
    }
    encryption = _of_bucket(render, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert encryption["symphonia-exports-access-prod"].inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


def test_the_standby_logs_bucket_takes_the_settings_of_the_one_logs_bucket_its_sources_use(prod_estate):
    _second(prod_estate, "logs", "symphonia-audit-access-prod")
    for bucket in prod_estate["buckets"]:
        if bucket.get("access_logging", True):
            bucket["log_to"] = "symphonia-audit-access-prod" if bucket["purpose"] == "audit" else "symphonia-logs-prod"
    assert _problems(prod_estate) == [
        "estate.disaster_recovery.standby_logs: the replicated buckets log into symphonia-logs-prod,"
        " symphonia-audit-access-prod; the standby logs bucket takes the settings of one: have them log into the same"
        " bucket (buckets[].log_to)"
    ]


def test_the_atlas_export_and_a_replica_name_their_bucket(prod_estate, render_estate_dict):
    _second(prod_estate, "backups", "rt-backend-exports")
    _second(prod_estate, "documents", "symphonia-contracts-prod")
    prod_estate["atlas"].setdefault("backup", {})["export_to_backups_bucket"] = "rt-backend-exports"
    prod_estate["services"][_service_index(prod_estate, "affret-ia-api-v2")]["uses_documents"] = "symphonia-documents-prod"
    dr = prod_estate["disaster_recovery"]
    documents = next(r for r in dr["buckets"] if r.get("purpose") == "documents")
    documents.pop("purpose")
    documents["bucket"] = "symphonia-documents-prod"
    backups = next(r for r in dr["buckets"] if r.get("purpose") == "backups")
    backups.pop("purpose")
    backups["bucket"] = "rt-backend-backups"
    dr["buckets"].append({"bucket": "symphonia-contracts-prod", "standby": "symphonia-contracts-dr",
                          "replication_time_control": False, "delete_markers": "keep"})
    render = render_estate_dict(prod_estate)

    (export,) = render.of_type("mongodbatlas:index/cloudBackupSnapshotExportBucket:CloudBackupSnapshotExportBucket")
    assert export.inputs["bucketName"] == "rt-backend-exports"
    configs = {r.inputs["bucket"]: r for r in render.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig")}
    assert set(configs) == {"symphonia-documents-prod", "rt-backend-backups", "rt-estate-audit-logs-prod", "symphonia-contracts-prod"}
    roles = sorted(r.inputs["name"] for r in render.of_type("aws:iam/role:Role") if "replication" in r.inputs["name"])
    # An entry given by purpose keeps its role's name; one given by bucket is named after the bucket.
    assert roles == ["rt-backend-backups-replication-role", "rt-technologie-prod-audit-replication",
                     "symphonia-contracts-prod-replication-role", "symphonia-documents-prod-replication-role"]


# -- ambiguous or wrong references -------------------------------------------------------------------------


def test_ambiguous_references_by_purpose_are_refused_with_the_candidates(prod_estate):
    _second(prod_estate, "documents", "symphonia-contracts-prod")
    _second(prod_estate, "backups", "rt-backend-exports")
    _second(prod_estate, "logs", "symphonia-more-logs-prod")
    affret = _service_index(prod_estate, "affret-ia-api-v2")
    documents = next(i for i, r in enumerate(prod_estate["disaster_recovery"]["buckets"]) if r["purpose"] == "documents")
    logged = [i for i, b in enumerate(prod_estate["buckets"]) if b.get("access_logging", True)]
    problems = _problems(prod_estate)
    assert f"estate.services[{affret}].uses_documents: 2 buckets have purpose 'documents'" \
           " (symphonia-documents-prod, symphonia-contracts-prod): give the name of the one this service uses" in problems
    assert "estate.atlas.backup.export_to_backups_bucket: 2 buckets have purpose 'backups' (rt-backend-backups," \
           " rt-backend-exports): give the name of the one Atlas exports to" in problems
    assert f"estate.disaster_recovery.buckets[{documents}].purpose: 2 buckets have purpose 'documents'" \
           " (symphonia-documents-prod, symphonia-contracts-prod): give `bucket: <name>` instead" in problems
    for i in logged:
        assert f"estate.buckets[{i}].access_logging: 2 buckets have purpose 'logs' (symphonia-logs-prod," \
               " symphonia-more-logs-prod): give log_to, the name of the one it logs into" in problems


def test_a_reference_by_name_must_name_a_bucket_of_the_right_purpose(prod_estate):
    affret = _service_index(prod_estate, "affret-ia-api-v2")
    prod_estate["services"][affret]["uses_documents"] = "symphonia-document-prod"
    prod_estate["atlas"].setdefault("backup", {})["export_to_backups_bucket"] = "symphonia-documents-prod"
    prod_estate["buckets"][0]["log_to"] = "rt-backend-backups"
    documents = next(r for r in prod_estate["disaster_recovery"]["buckets"] if r["purpose"] == "documents")
    documents["bucket"] = "symphonia-documents-prod"
    problems = _problems(prod_estate)
    for expected in [
        f"estate.services[{affret}].uses_documents: no bucket named 'symphonia-document-prod' (did you mean"
        " 'symphonia-documents-prod'?)",
        "estate.buckets[0].log_to: 'rt-backend-backups' has purpose 'backups'; access logs go to a bucket with purpose 'logs'"
        " (symphonia-logs-prod)",
        "estate.atlas.backup.export_to_backups_bucket: 'symphonia-documents-prod' has purpose 'documents'; Atlas exports"
        " to a bucket with purpose 'backups' (rt-backend-backups)",
        "estate.disaster_recovery.buckets[0]: give the replicated bucket by purpose or by bucket name, not both",
    ]:
        assert expected in problems, (expected, problems)


def test_the_logs_bucket_cannot_be_replicated_by_name(prod_estate):
    prod_estate["disaster_recovery"]["buckets"].append({
        "bucket": "symphonia-logs-prod", "standby": "symphonia-logs-copy-dr", "replication_time_control": False,
        "delete_markers": "keep"})
    (problem,) = _problems(prod_estate)
    assert problem.startswith("estate.disaster_recovery.buckets[3].bucket: 'symphonia-logs-prod' has purpose 'logs'")


def test_a_bucket_replicated_twice_by_purpose_and_by_name_is_refused(prod_estate):
    prod_estate["disaster_recovery"]["buckets"].append({
        "bucket": "symphonia-documents-prod", "standby": "symphonia-documents-copy-dr", "replication_time_control": False,
        "delete_markers": "keep"})
    assert _problems(prod_estate) == [
        "estate.disaster_recovery.buckets[3].bucket: the bucket 'symphonia-documents-prod' is already replicated by buckets[0]"
    ]
