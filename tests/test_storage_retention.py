"""Stateful data resources are protected AND retained on delete (``stateful`` in components/common.py).

The engine's render records ``protect`` only, so this renders prod once more with a stack
transformation that sees each resource's options as the program set them."""

from __future__ import annotations

import pulumi
import pytest

from infra.config import estate_from_stack_file
from infra.engine import config_for_runtime, render_program
from infra.program import declare_estate

MUST_BE_KEPT = {
    ("aws:s3/bucket:Bucket", "symphonia-documents-prod"),
    ("aws:s3/bucket:Bucket", "symphonia-logs-prod"),
    ("aws:s3/bucket:Bucket", "rt-backend-backups"),
    ("aws:s3/bucket:Bucket", "rt-estate-audit-logs-prod"),
    ("aws:s3/bucketVersioning:BucketVersioning", "symphonia-documents-prod-versioning"),
    ("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "rt-estate-audit-logs-prod-object-lock"),
    ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "rt-backend-backups-public-access-block"),
    ("aws:elasticache/replicationGroup:ReplicationGroup", "symphonia-redis-prod"),
    ("mongodbatlas:index/project:Project", "symphonia-prod"),
    ("mongodbatlas:index/advancedCluster:AdvancedCluster", "symphonia-prod"),
    ("aws:secretsmanager/secret:Secret", "rt-technologie/prod/tms-sync-eb/mongodb-uri"),
    ("aws:secretsmanager/secret:Secret", "rt-technologie/prod/symphonia-redis-prod/auth-token"),
}


@pytest.fixture(scope="module")
def options(prod_stack_file):
    estate = estate_from_stack_file(prod_stack_file)
    seen: dict[tuple[str, str], tuple[bool, bool]] = {}

    def record(args):
        seen[(args.type_, args.name)] = (bool(args.opts.protect), bool(args.opts.retain_on_delete))
        return None

    def program():
        pulumi.runtime.register_stack_transformation(record)
        declare_estate(estate)

    config, secret_keys = config_for_runtime(prod_stack_file)
    render_program(program, config=config, secret_keys=secret_keys)
    return seen


def test_stateful_data_is_protected_and_retained(options):
    for key in sorted(MUST_BE_KEPT):
        assert options.get(key) == (True, True), key


def test_every_protected_data_resource_is_also_retained(options):
    protected_not_retained = [key for key, (protect, retain) in options.items() if protect and not retain]
    assert protected_not_retained == []


def test_indexes_and_users_are_not_retained(options):
    # Dropping a declaration must really drop the indexes / user (no orphan kept behind Pulumi's back).
    for (type_token, name), (protect, retain) in options.items():
        if type_token in ("pulumi-python:dynamic:Resource", "mongodbatlas:index/databaseUser:DatabaseUser"):
            assert (protect, retain) == (False, False), name
