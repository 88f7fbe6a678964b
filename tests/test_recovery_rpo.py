"""Recovery point per data class (tools/recovery/rpo.py), on small hand-made renders in the shapes the prod
stack declares: S3 ``BucketReplicationConfig`` rules, Atlas ``copySettings``, Secrets Manager ``replicas``.
Nothing declared toward the DR region reads "not declared", which is what today's prod render says."""

from __future__ import annotations

import pytest

from data.catalogue import recovery as facts
from tests.recovery_renders import DR, PRIMARY, provider, render, resource
from tools.recovery.rpo import (
    BUCKET_TYPES, CACHE, CLUSTER, NOT_DECLARED, NOT_RECOVERED, PARTIAL, REPLICATED, REPLICATION, SCHEDULE, SECRET,
    bucket_recovery, cache_recovery, mongodb_recovery, recovery_points, secrets_recovery,
)

BUCKET = BUCKET_TYPES[0]
DR_PROVIDER = provider(DR)


def bucket(name: str, purpose: str, *, in_dr: bool = False) -> dict:
    return resource(BUCKET, name, {"bucket": name, "tags": {"purpose": purpose}}, provider=DR_PROVIDER["urn"] if in_dr else None)


def rule(target: str, *, rtc: bool = True, status: str = "Enabled", prefix: str = "", markers: str = "Disabled") -> dict:
    destination = {"bucket": f"arn:aws:s3:::{target}", "storageClass": "STANDARD"}
    if rtc:
        destination |= {"replicationTime": {"status": "Enabled", "time": {"minutes": 15}},
                        "metrics": {"status": "Enabled", "eventThreshold": {"minutes": 15}}}
    return {"id": "to-dr", "status": status, "filter": {"prefix": prefix} if prefix else {},
            "deleteMarkerReplication": {"status": markers}, "destination": destination}


def replication(source: str, *rules: dict) -> dict:
    return resource(REPLICATION, f"{source}-replication", {"bucket": source, "role": "arn:aws:iam::123456789012:role/r", "rules": list(rules)})


def only(rows, data_class):
    [row] = [r for r in rows if r.data_class == data_class]
    return row


# -- S3 -------------------------------------------------------------------------------------------------


def test_a_bucket_without_replication_is_not_declared_and_loses_its_objects():
    rows = bucket_recovery(render(bucket("docs-prod", "documents"), bucket("logs-prod", "logs")), DR)
    row = only(rows, "documents")
    assert row.status == NOT_DECLARED and row.rpo.startswith("none") and row.rpo_minutes is None
    assert [r.data_class for r in rows] == ["documents"]  # logs are not a recovered class


def test_every_bucket_of_a_data_purpose_is_a_row_of_its_own():
    """Issue 12 #10: several buckets may share a purpose, and a `general` bucket (exports) holds data too."""
    rows = bucket_recovery(render(bucket("docs-prod", "documents"), bucket("contracts-prod", "documents"),
                                  bucket("exports-prod", "general"), bucket("logs-prod", "logs")), DR)
    assert [(r.data_class, r.where) for r in rows] == [
        ("documents", "S3 contracts-prod (eu-central-1)"), ("documents", "S3 docs-prod (eu-central-1)"),
        ("general", "S3 exports-prod (eu-central-1)")]
    assert all(r.status == NOT_DECLARED for r in rows)


def test_replication_with_rtc_to_a_dr_bucket_gives_the_15_minute_commitment():
    stack = render(DR_PROVIDER, bucket("docs-prod", "documents"), bucket("docs-standby", "documents", in_dr=True),
                   replication("docs-prod", rule("docs-standby", markers="Enabled")))
    [row] = bucket_recovery(stack, DR)  # the standby bucket is the copy, not a second class row
    assert row.status == REPLICATED and row.rpo_minutes == facts.S3_RTC_MINUTES == 15
    assert "99.99 %" in row.rpo and facts.S3_RTC_SOURCE in row.sources
    assert "replicated to docs-standby (eu-west-1), every object, with replication time control, delete markers replicated" == row.declared
    assert any("Batch Replication" in note for note in row.notes)


def test_replication_without_rtc_states_no_commitment():
    stack = render(DR_PROVIDER, bucket("backups", "backups"), bucket("backups-dr", "backups", in_dr=True),
                   replication("backups", rule("backups-dr", rtc=False)))
    [row] = bucket_recovery(stack, DR)
    assert row.status == REPLICATED and row.rpo_minutes is None
    assert row.rpo.startswith("no commitment") and "48 h" in row.rpo and facts.S3_CRR_SOURCE in row.sources


@pytest.mark.parametrize("case", ["same region", "disabled rule", "destination not in the render"])
def test_replication_that_does_not_reach_the_dr_region_is_not_declared(case):
    target = {"same region": bucket("docs-copy", "documents"), "disabled rule": bucket("docs-copy", "documents", in_dr=True),
              "destination not in the render": None}[case]
    stack = render(DR_PROVIDER, bucket("docs-prod", "documents"), *([target] if target else []),
                   replication("docs-prod", rule("docs-copy", status="Disabled" if case == "disabled rule" else "Enabled")))
    row = only(bucket_recovery(stack, DR), "documents")
    assert row.status == NOT_DECLARED and "docs-copy" in row.declared


def test_a_prefix_rule_only_is_partial():
    stack = render(DR_PROVIDER, bucket("backups", "backups"), bucket("backups-dr", "backups", in_dr=True),
                   replication("backups", rule("backups-dr", prefix="mongodb/")))
    [row] = bucket_recovery(stack, DR)
    assert row.status == PARTIAL and "objects under 'mongodb/'" in row.declared


# -- Atlas ----------------------------------------------------------------------------------------------

HOURLY_6 = {"policyItemHourly": {"frequencyInterval": 6, "retentionUnit": "days", "retentionValue": 2},
            "policyItemDaily": {"frequencyInterval": 1, "retentionUnit": "days", "retentionValue": 7},
            "policyItemWeeklies": [{"frequencyInterval": 7, "retentionUnit": "weeks", "retentionValue": 4}]}


def atlas(copy_settings=None, *, pit: bool = False, export: bool = False) -> list[dict]:
    cluster = {"name": "db-prod", "replicationSpecs": [{"regionConfigs": [{"regionName": "EU_CENTRAL_1"}]}]}
    if pit:
        cluster["pitEnabled"] = True
    schedule = {"clusterName": "db-prod", **HOURLY_6}
    if copy_settings is not None:
        schedule["copySettings"] = copy_settings
    if export:
        schedule |= {"autoExportEnabled": True, "export": {"frequencyType": "monthly"}}
    return [resource(CLUSTER, "db-prod", cluster), resource(SCHEDULE, "db-prod-backup-schedule", schedule)]


def copy(*frequencies: str, region: str = "EU_WEST_1", oplogs: bool = False) -> dict:
    return {"cloudProvider": "AWS", "regionName": region, "frequencies": list(frequencies), "shouldCopyOplogs": oplogs}


def test_snapshots_without_a_copy_to_the_dr_region_are_not_declared():
    row = mongodb_recovery(render(*atlas()), DR, [])
    assert row.status == NOT_DECLARED and row.declared == "snapshots every 6 h, no copy to EU_WEST_1"
    assert row.rpo == "none from eu-west-1: the snapshots stay in EU_CENTRAL_1"
    other = mongodb_recovery(render(*atlas([copy("HOURLY", region="US_EAST_1")])), DR, [])
    assert other.status == NOT_DECLARED


def test_copied_snapshots_give_the_most_frequent_copied_interval():
    row = mongodb_recovery(render(*atlas([copy("HOURLY", "DAILY")])), DR, [])
    assert row.status == REPLICATED and row.rpo_minutes == 6 * 60 and row.rpo.startswith("up to 6 h")
    daily = mongodb_recovery(render(*atlas([copy("DAILY", "WEEKLY")])), DR, [])
    assert daily.rpo_minutes == 24 * 60 and facts.ATLAS_COPY_SETTINGS_SOURCE in daily.sources


def test_copied_oplogs_with_continuous_backup_restore_to_a_point_in_time():
    row = mongodb_recovery(render(*atlas([copy("HOURLY", oplogs=True)], pit=True)), DR, [])
    assert row.status == REPLICATED and row.rpo.startswith("point in time") and facts.ATLAS_PIT_SOURCE in row.sources
    without_pit = mongodb_recovery(render(*atlas([copy("HOURLY", oplogs=True)])), DR, [])
    assert without_pit.rpo_minutes == 360 and any("pitEnabled" in note for note in without_pit.notes)


def test_the_export_to_the_backups_bucket_is_named_as_the_fallback():
    export_bucket = resource("mongodbatlas:index/cloudBackupSnapshotExportBucket:CloudBackupSnapshotExportBucket", "exports",
                             {"bucketName": "backups"})
    stack = render(*atlas(export=True), export_bucket, bucket("backups", "backups"))
    row = mongodb_recovery(stack, DR, bucket_recovery(stack, DR))
    assert row.notes == ("fallback: the monthly snapshot export to backups (replication: not declared)",)


# -- Secrets and cache ---------------------------------------------------------------------------------


def secret(name: str, *replica_regions: str) -> dict:
    return resource(SECRET, name, {"name": name, "replicas": [{"region": r} for r in replica_regions]} if replica_regions else {"name": name})


def env_reading(*arns: str) -> dict:
    settings = [{"namespace": "aws:elasticbeanstalk:application:environmentsecrets", "name": f"S{i}", "value": arn} for i, arn in enumerate(arns)]
    return resource("aws:elasticbeanstalk/environment:Environment", "app-prod", {"settings": settings})


def arn(name: str, region: str = PRIMARY) -> str:
    return f"arn:aws:secretsmanager:{region}:123456789012:secret:{name}-a1b2c3"


def test_secrets_replicated_to_the_dr_region_follow_the_primary():
    row = secrets_recovery(render(secret("org/prod/a", DR), secret("org/prod/b", DR), env_reading(arn("org/prod/a"))), DR)
    assert row.status == REPLICATED and row.declared == "2 of 2 declared secrets have a replica in eu-west-1"
    assert facts.SECRETS_REPLICA_SOURCE in row.sources and "no delay" in row.rpo


def test_a_secret_without_replica_or_created_outside_the_program_makes_it_partial():
    row = secrets_recovery(render(secret("org/prod/a", DR), secret("org/prod/b", "us-east-1"), env_reading(arn("org/prod/external"))), DR)
    assert row.status == PARTIAL
    assert row.declared == "1 of 2 declared secrets have a replica in eu-west-1; the 1 referenced ones have none declared"
    assert "without replica (declared): org/prod/b" in row.notes
    assert "without replica (referenced, created outside the program): org/prod/external" in row.notes


def test_no_replica_at_all_is_not_declared():
    row = secrets_recovery(render(secret("org/prod/a"), env_reading(arn("org/prod/a"), arn("org/prod/other", DR))), DR)
    assert row.status == NOT_DECLARED and row.rpo.startswith("none")
    assert row.where == "Secrets Manager: 1 declared, 0 referenced (created outside the program)"  # DR-region ARNs are replicas


def test_the_cache_is_never_recovered():
    row = cache_recovery(render(resource(CACHE, "redis-prod", {"replicationGroupId": "redis-prod"})))
    assert row.status == NOT_RECOVERED and row.where == "ElastiCache redis-prod" and "empty" in row.rpo


def test_the_prod_render_reads_what_it_declares_toward_the_dr_region(prod_render):
    """Prod as declared (issue 11): the three buckets replicate to their eu-west-1 standbys, documents with
    replication time control (15 minutes, S3's SLA), backups and audit without (no stated bound); Atlas
    copies every snapshot frequency to EU_WEST_1 (copyPolicyItems), so the 6-hourly snapshot bounds the
    database; the secrets the program creates have replicas, those created outside it are not visible."""
    from tools.recovery import StackRender

    rows = {r.data_class: r for r in recovery_points(StackRender.of(prod_render), DR)}
    assert list(rows) == ["documents", "backups", "audit", "mongodb", "secrets", "cache"]
    assert {c: r.status for c, r in rows.items()} == {
        "documents": REPLICATED, "backups": REPLICATED, "audit": REPLICATED, "mongodb": REPLICATED, "secrets": REPLICATED,
        "cache": NOT_RECOVERED}
    assert rows["documents"].rpo_minutes == 15
    assert rows["backups"].rpo_minutes is None and rows["audit"].rpo_minutes is None
    assert rows["mongodb"].rpo_minutes == 6 * 60
    assert "copies to EU_WEST_1 of DAILY, HOURLY, MONTHLY, WEEKLY" in rows["mongodb"].declared
    assert rows["secrets"].declared == ("8 of 8 declared secrets have a replica in eu-west-1;"
                                        " 7 referenced ones are replicated by operators (checked by `estate verify`)")


def test_a_referenced_secret_no_store_replicates_leaves_the_secrets_partial():
    from tools.recovery.rpo import SECRET_STORE

    arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rt/prod/api/key-AbCdEf"
    env = resource("aws:elasticbeanstalk/environment:Environment", "api", {"settings": [{"value": arn}]})
    declared = resource(SECRET, "jwt", {"name": "rt/prod/api/jwt", "replicas": [{"region": DR}]})
    covered = resource(SECRET_STORE, "store", {"referencedSecrets": ["rt/prod/api/key"], "replicaRegions": [DR]})
    uncovered = resource(SECRET_STORE, "store", {"referencedSecrets": ["rt/prod/api/other"], "replicaRegions": [DR]})
    assert secrets_recovery(render(env, declared, covered), DR).status == REPLICATED
    row = secrets_recovery(render(env, declared, uncovered), DR)
    assert row.status == PARTIAL and "rt/prod/api/key" in " ".join(row.notes)


def test_copy_policy_items_and_the_deprecated_frequencies_read_alike():
    schedule = {"policyItemHourly": {"frequencyInterval": 6}, "policyItemDaily": {"frequencyInterval": 1}}
    cluster = resource(CLUSTER, "c", {"name": "c", "replicationSpecs": [{"regionConfigs": [{"regionName": "EU_CENTRAL_1"}]}]})
    current = {"cloudProvider": "AWS", "regionName": "EU_WEST_1", "copyPolicyItems": [{"frequencyType": "daily"}]}
    for copy_setting in (current, copy("DAILY")):
        row = mongodb_recovery(render(cluster, resource(SCHEDULE, "s", {**schedule, "clusterName": "c", "copySettings": [copy_setting]})), DR, [])
        assert row.status == REPLICATED and row.rpo_minutes == 24 * 60
