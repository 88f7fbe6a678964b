"""Stateful data resources are protected AND retained on delete (``stateful`` in components/common.py).

The engine's render records ``protect`` only, so this renders prod once more with a stack
transformation that sees each resource's options as the program set them."""

from __future__ import annotations

import pulumi
import pytest

from data.config import estate_from_stack_file
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


def test_atlas_backup_passwords_and_indexes_are_kept(options):
    # A removed schedule loses the retention policy; a replaced password breaks the running services;
    # an index invocation that leaves the program (a rename, a removed collection) must leave the
    # indexes in place: retained (its delete is never even invoked), not protected (issue 10 #1).
    kept = {
        "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule",
        "mongodbatlas:index/cloudBackupSnapshotExportBucket:CloudBackupSnapshotExportBucket",
    }
    invocations = {key: value for key, value in options.items() if key[0] == "aws:lambda/invocation:Invocation"}
    assert invocations and all(retain for _, retain in invocations.values())
    found = {key: value for key, value in options.items() if key[0] in kept}
    assert {type_token for type_token, _ in found} == kept
    passwords = {key: value for key, value in options.items() if key[0] == "random:index/randomPassword:RandomPassword"}
    assert {name for _, name in passwords} >= {f"{s}-mongodb-password" for s in ("authz-eb", "subscriptions-contracts-eb", "tms-sync-eb", "affret-ia-api-v2")}
    for key, value in sorted({**found, **passwords}.items()):
        assert value == (True, True), key


def test_users_are_not_retained(options):
    # Dropping a declaration must really drop the database user (no orphan login kept behind Pulumi's back).
    users = [(name, value) for (type_token, name), value in options.items() if type_token == "mongodbatlas:index/databaseUser:DatabaseUser"]
    assert len(users) == 4
    assert all(value == (False, False) for _, value in users)
