"""S3 buckets of prod (components/storage.py): versioning, complete lifecycle rules (the seed's missing
noncurrent-version handling included), encryption, public access blocked, TLS-only policies, CORS on
documents only, access logging, the audit bucket's object lock, and protection."""

from __future__ import annotations

import json

import pytest

BUCKET = "aws:s3/bucket:Bucket"
NAMES = {
    "documents": "symphonia-documents-prod",
    "logs": "symphonia-logs-prod",
    "backups": "rt-backend-backups",
    "audit": "rt-estate-audit-logs-prod",
}


STORAGE = "monitored-estate:storage:Storage$"  # the estate's own buckets; their DR standbys: tests/test_replication.py


def by_bucket(render, type_token: str) -> dict:
    return {r.inputs["bucket"]: r for r in render.of_type(type_token) if STORAGE in r.urn}


@pytest.fixture(scope="module")
def buckets(prod_render):
    return by_bucket(prod_render, BUCKET)


def test_the_runbooks_buckets_exist_and_are_protected(buckets):
    assert set(buckets) == set(NAMES.values())
    assert all(bucket.protect for bucket in buckets.values())


def test_data_protection_settings_are_protected_too(prod_render):
    for type_token in (
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketPolicy:BucketPolicy",
    ):
        resources = by_bucket(prod_render, type_token)
        assert set(resources) == set(NAMES.values()), type_token
        assert all(r.protect for r in resources.values()), type_token


def test_versioning_enabled_everywhere(prod_render):
    for bucket, versioning in by_bucket(prod_render, "aws:s3/bucketVersioning:BucketVersioning").items():
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled", bucket


def test_documents_rule_of_runbook_001_completed(prod_render):
    lifecycle = by_bucket(prod_render, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    (rule,) = lifecycle[NAMES["documents"]].inputs["rules"]
    assert rule["id"] == "archive-old-documents"
    assert rule["status"] == "Enabled"
    assert rule["transitions"] == [{"days": 90, "storageClass": "GLACIER_IR"}]
    assert rule["expiration"] == {"days": 2555}
    # Seed corrections: old versions transition and expire, uploads are cleaned, the filter is explicit.
    assert rule["noncurrentVersionTransitions"] == [{"noncurrentDays": 30, "storageClass": "GLACIER_IR"}]
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 365}
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    assert rule["filter"] == {"prefix": ""}


def test_every_rule_has_a_filter_noncurrent_expiry_and_multipart_cleanup(prod_render):
    lifecycle = by_bucket(prod_render, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    assert set(lifecycle) == set(NAMES.values())
    for bucket, config in lifecycle.items():
        assert config.inputs["rules"], bucket
        for rule in config.inputs["rules"]:
            assert "prefix" in rule["filter"], (bucket, rule["id"])
            assert rule["noncurrentVersionExpiration"]["noncurrentDays"] >= 1, (bucket, rule["id"])
            assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] >= 1, (bucket, rule["id"])
        # Rules apply once versioning is on.
        assert any(dep.endswith(f"::{bucket}-versioning") for dep in config.dependencies), bucket


def test_backups_rule_is_limited_to_the_mongodb_prefix(prod_render):
    lifecycle = by_bucket(prod_render, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    rules = {rule["filter"]["prefix"]: rule for rule in lifecycle[NAMES["backups"]].inputs["rules"]}
    assert "mongodb/" in rules
    assert rules["mongodb/"]["expiration"] == {"days": 365}


def test_atlas_snapshot_exports_have_their_own_retention(prod_render):
    from components.atlas.database import EXPORT_PREFIX

    lifecycle = by_bucket(prod_render, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    rules = {rule["filter"]["prefix"]: rule for rule in lifecycle[NAMES["backups"]].inputs["rules"]}
    assert rules[EXPORT_PREFIX]["expiration"] == {"days": 365}
    assert rules[EXPORT_PREFIX]["noncurrentVersionExpiration"] == {"noncurrentDays": 90}


def test_encryption_kms_with_bucket_keys_and_sse_s3_for_the_log_target(prod_render):
    encryption = by_bucket(prod_render, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    for bucket, config in encryption.items():
        (rule,) = config.inputs["rules"]
        algorithm = rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"]
        if bucket == NAMES["logs"]:
            assert algorithm == "AES256"  # S3 access logs can only be delivered to SSE-S3 buckets
        else:
            assert algorithm == "aws:kms" and rule["bucketKeyEnabled"] is True
            assert "kmsMasterKeyId" not in rule["applyServerSideEncryptionByDefault"]  # aws/s3 managed key


def test_public_access_blocked_and_acls_disabled(prod_render):
    for bucket, block in by_bucket(prod_render, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").items():
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
            assert block.inputs[flag] is True, (bucket, flag)
    for bucket, ownership in by_bucket(prod_render, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").items():
        assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}, bucket


def test_policies_deny_requests_without_tls(prod_render):
    for bucket, policy in by_bucket(prod_render, "aws:s3/bucketPolicy:BucketPolicy").items():
        document = json.loads(policy.inputs["policy"])
        deny = [s for s in document["Statement"] if s["Effect"] == "Deny"]
        assert deny == [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
        allows = [s for s in document["Statement"] if s["Effect"] == "Allow"]
        if bucket != NAMES["logs"]:
            assert allows == [], bucket


def test_logs_bucket_admits_the_logging_service_for_the_estate_buckets_only(prod_render):
    policy = by_bucket(prod_render, "aws:s3/bucketPolicy:BucketPolicy")[NAMES["logs"]]
    (allow,) = [s for s in json.loads(policy.inputs["policy"])["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow["Action"] == "s3:PutObject"
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert sorted(allow["Condition"]["ArnLike"]["aws:SourceArn"]) == sorted(
        f"arn:aws:s3:::{NAMES[p]}" for p in ("documents", "backups", "audit")
    )


def test_access_logging_to_the_logs_bucket_with_a_prefix_per_bucket(prod_render):
    logging = by_bucket(prod_render, "aws:s3/bucketLogging:BucketLogging")
    assert set(logging) == {NAMES["documents"], NAMES["backups"], NAMES["audit"]}  # logs does not log into itself
    for bucket, config in logging.items():
        assert config.inputs["targetBucket"] == NAMES["logs"]
        assert config.inputs["targetPrefix"] == f"s3-access/{bucket}/"


def test_cors_only_on_documents_with_https_application_origins(prod_render, prod_estate):
    cors = by_bucket(prod_render, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")
    assert set(cors) == {NAMES["documents"]}
    (rule,) = cors[NAMES["documents"]].inputs["corsRules"]
    declared = next(b for b in prod_estate["buckets"] if b["purpose"] == "documents")["cors"]
    assert rule["allowedOrigins"] == declared["allowed_origins"]
    assert all(origin.startswith("https://") for origin in rule["allowedOrigins"])
    assert rule["allowedMethods"] == ["GET", "PUT", "POST", "DELETE", "HEAD"]
    assert rule["exposeHeaders"] == ["ETag"] and rule["maxAgeSeconds"] == 3000


def test_audit_bucket_locks_objects_for_five_years(prod_render, buckets):
    assert buckets[NAMES["audit"]].inputs["objectLockEnabled"] is True
    assert all("objectLockEnabled" not in b.inputs for name, b in buckets.items() if name != NAMES["audit"])
    (lock,) = by_bucket(prod_render, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").values()
    assert lock.inputs["bucket"] == NAMES["audit"]
    assert lock.inputs["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "years": 5}
    assert lock.protect


def test_cors_on_another_bucket_is_refused_by_the_model(prod_estate, render_estate_dict):
    from data.config import EstateConfigError

    logs = next(b for b in prod_estate["buckets"] if b["purpose"] == "logs")
    logs["cors"] = {"allowed_origins": ["https://app.symphonia.fr"], "allowed_methods": ["GET"]}
    with pytest.raises(EstateConfigError):
        render_estate_dict(prod_estate)


def _problems(estate: dict) -> list[str]:
    from data.config import EstateConfigError, parse_estate

    with pytest.raises(EstateConfigError) as caught:
        parse_estate(estate, "eu-central-1")
    return caught.value.problems


@pytest.mark.parametrize("storage_class", ["STANDARD_IA", "ONEZONE_IA"])
def test_noncurrent_transition_to_infrequent_access_needs_30_days(prod_estate, storage_class):
    """B-16: S3 transitions only objects at least 30 days noncurrent to Standard-IA or One Zone-IA (the model checked
    the rule for current objects only)."""
    prod_estate["buckets"][0]["lifecycle"][0]["noncurrent"]["transition"] = {"days": 10, "storage_class": storage_class}
    assert _problems(prod_estate) == [
        f"estate.buckets[0].lifecycle[0].noncurrent.transition: {storage_class} needs at least 30 noncurrent days"
        " (S3 minimum), got 10"
    ]


def test_noncurrent_transition_to_glacier_may_come_earlier(prod_estate):
    from data.config import parse_estate

    prod_estate["buckets"][0]["lifecycle"][0]["noncurrent"]["transition"] = {"days": 10, "storage_class": "GLACIER_IR"}
    assert parse_estate(prod_estate, "eu-central-1").buckets[0].lifecycle[0].noncurrent.transition.days == 10


def test_the_logs_bucket_cannot_have_object_lock(prod_estate):
    """B-16: S3 server access logging: a bucket with Object Lock cannot be the logs' target bucket."""
    logs = next(i for i, b in enumerate(prod_estate["buckets"]) if b["purpose"] == "logs")
    prod_estate["buckets"][logs]["object_lock_years"] = 5
    assert _problems(prod_estate) == [
        f"estate.buckets[{logs}].object_lock_years: the logs bucket is the target of S3 server access logs, and a"
        " target bucket cannot have Object Lock"
    ]
