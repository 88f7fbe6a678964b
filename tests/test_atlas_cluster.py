"""MongoDB Atlas of prod (components/atlas.py): project, protected cluster with cloud backup, explicit
backup retention, snapshot export to the backups bucket through a role limited to it, an access
list without 0.0.0.0/0, one readWrite user per service on its own database, MONGODB_URI secrets,
alert configurations, the maintenance window and the declared collections/indexes."""

from __future__ import annotations

import json

import pytest

from components.atlas.database import mongodb_uri, srv_host
from data.config import EstateConfigError

A = "mongodbatlas:index/"
DATABASES = {
    "authz-eb": "rt-auth",
    "subscriptions-contracts-eb": "rt-subscriptions-contracts",
    "tms-sync-eb": "rt-tms-sync",
    "affret-ia-api-v2": "symphonia",
}


def test_project_and_cluster_with_cloud_backup_protected(prod_render):
    (project,) = prod_render.of_type(A + "project:Project")
    assert project.inputs["name"] == "symphonia-prod" and project.inputs["orgId"] == "5f0c1a2b3c4d5e6f7a8b9c0d"
    (cluster,) = prod_render.of_type(A + "advancedCluster:AdvancedCluster")
    i = cluster.inputs
    assert i["name"] == "symphonia-prod" and i["clusterType"] == "REPLICASET"
    assert i["backupEnabled"] is True and i["retainBackupsEnabled"] is True and i["terminationProtectionEnabled"] is True
    (spec,) = i["replicationSpecs"]
    (region,) = spec["regionConfigs"]
    assert (region["providerName"], region["regionName"]) == ("AWS", "EU_CENTRAL_1")
    assert region["electableSpecs"] == {"instanceSize": "M10", "nodeCount": 3}
    assert project.protect and cluster.protect


def test_backup_schedule_with_explicit_retention_and_export(prod_render):
    (schedule,) = prod_render.of_type(A + "cloudBackupSchedule:CloudBackupSchedule")
    i = schedule.inputs
    assert i["clusterName"] == "symphonia-prod"
    assert i["policyItemHourly"] == {"frequencyInterval": 6, "retentionUnit": "days", "retentionValue": 2}
    assert i["policyItemDaily"] == {"frequencyInterval": 1, "retentionUnit": "days", "retentionValue": 7}
    assert i["policyItemWeeklies"] == [{"frequencyInterval": 7, "retentionUnit": "weeks", "retentionValue": 4}]  # Sunday
    assert i["policyItemMonthlies"] == [{"frequencyInterval": 1, "retentionUnit": "months", "retentionValue": 12}]
    # B-4: the Admin API's AutoExportPolicyView.frequencyType enum is monthly | yearly; the other
    # sources also list weekly (and daily). monthly is the value every source accepts.
    from data.catalogue.atlas import EXPORT_FREQUENCY_TYPES

    assert i["autoExportEnabled"] is True and i["export"]["frequencyType"] == "monthly"
    assert i["export"]["frequencyType"] in EXPORT_FREQUENCY_TYPES
    (bucket,) = prod_render.of_type(A + "cloudBackupSnapshotExportBucket:CloudBackupSnapshotExportBucket")
    assert bucket.inputs["bucketName"] == "rt-backend-backups" and bucket.inputs["cloudProvider"] == "AWS"
    assert bucket.urn in schedule.dependencies
    assert schedule.protect and bucket.protect  # a removed schedule loses the retention policy


def test_snapshots_are_copied_to_the_dr_region_and_kept_as_long_as_here(prod_render):
    """Issue 11: every scheduled snapshot copied to EU_WEST_1 (Atlas snapshot distribution), with copy policy items
    (``frequencies`` is deprecated), the cluster's zone id (required), no oplog (no continuous backup)."""
    from data.catalogue.atlas import COPY_FREQUENCY_TYPES, COPY_POLICY_ITEMS_MAX

    (schedule,) = prod_render.of_type(A + "cloudBackupSchedule:CloudBackupSchedule")
    (cluster,) = prod_render.of_type(A + "advancedCluster:AdvancedCluster")
    i = schedule.inputs
    assert i["copyPolicyItemsEnabled"] is True
    (copy,) = i["copySettings"]
    assert {k: v for k, v in copy.items() if k != "copyPolicyItems"} == {
        "cloudProvider": "AWS", "regionName": "EU_WEST_1", "shouldCopyOplogs": False, "zoneId": copy["zoneId"]}
    assert len(copy["zoneId"]) == 24 and cluster.urn in schedule.dependencies  # the cluster's replication spec zone
    assert copy["copyPolicyItems"] == [
        {"frequencyType": "hourly", "retentionUnit": "days", "retentionValue": 2},
        {"frequencyType": "daily", "retentionUnit": "days", "retentionValue": 7},
        {"frequencyType": "weekly", "retentionUnit": "weeks", "retentionValue": 4},
        {"frequencyType": "monthly", "retentionUnit": "months", "retentionValue": 12},
    ]
    assert {item["frequencyType"] for item in copy["copyPolicyItems"]} <= set(COPY_FREQUENCY_TYPES)
    assert len(copy["copyPolicyItems"]) <= COPY_POLICY_ITEMS_MAX
    assert "frequencies" not in copy


def test_no_copy_without_a_dr_section(prod_estate, render_estate_dict):
    prod_estate["disaster_recovery"]["atlas_snapshot_copies"] = ["daily"]
    (schedule,) = render_estate_dict(prod_estate).of_type(A + "cloudBackupSchedule:CloudBackupSchedule")
    assert schedule.inputs["copySettings"][0]["copyPolicyItems"] == [{"frequencyType": "daily", "retentionUnit": "days", "retentionValue": 7}]
    prod_estate.pop("disaster_recovery")
    (schedule,) = render_estate_dict(prod_estate).of_type(A + "cloudBackupSchedule:CloudBackupSchedule")
    assert "copySettings" not in schedule.inputs and "copyPolicyItemsEnabled" not in schedule.inputs


def test_export_role_is_assumed_by_atlas_only_and_reaches_the_backups_bucket_only(prod_render):
    role = prod_render.named("symphonia-prod-atlas-snapshot-export", "aws:iam/role:Role")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Principal"]["AWS"].startswith("arn:aws:iam::")
    assert statement["Condition"]["StringEquals"]["sts:ExternalId"]  # the external id Atlas handed out
    policy = prod_render.named("symphonia-prod-atlas-snapshot-export-s3", "aws:iam/rolePolicy:RolePolicy")
    resources = {r for s in json.loads(policy.inputs["policy"])["Statement"] for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])}
    assert resources == {"arn:aws:s3:::rt-backend-backups", "arn:aws:s3:::rt-backend-backups/*"}
    (authorization,) = prod_render.of_type(A + "cloudProviderAccessAuthorization:CloudProviderAccessAuthorization")
    assert authorization.inputs["aws"]["iamAssumedRoleArn"].endswith(":role/symphonia-prod-atlas-snapshot-export")


def test_export_role_policy_grants_exactly_what_atlas_documents(prod_render):
    """Atlas writes exports with s3:GetBucketLocation on the bucket and s3:PutObject on its objects; it
    never lists or reads them back (docs/documentation-review.md #13, data.catalogue.atlas.EXPORT_ROLE_SOURCE)."""
    policy = prod_render.named("symphonia-prod-atlas-snapshot-export-s3", "aws:iam/rolePolicy:RolePolicy")
    assert json.loads(policy.inputs["policy"])["Statement"] == [
        {"Action": ["s3:GetBucketLocation"], "Effect": "Allow", "Resource": "arn:aws:s3:::rt-backend-backups",
         "Sid": "BucketLocation"},
        {"Action": ["s3:PutObject"], "Effect": "Allow", "Resource": "arn:aws:s3:::rt-backend-backups/*",
         "Sid": "SnapshotObjects"},
    ]


def test_access_list_from_the_model_never_the_world(prod_render):
    entries = prod_render.of_type(A + "projectIpAccessList:ProjectIpAccessList")
    assert sorted(e.inputs["cidrBlock"] for e in entries) == ["203.0.113.10/32", "203.0.113.11/32"]
    assert all("ipAddress" not in e.inputs and e.inputs["comment"] for e in entries)


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "10.0.0.0/8"])
def test_runbook_001s_temporary_0_0_0_0_is_refused(prod_estate, render_estate_dict, cidr):
    prod_estate["atlas"]["access_list"].append({"cidr": cidr, "comment": "temporairement"})
    with pytest.raises(EstateConfigError, match="access_list"):
        render_estate_dict(prod_estate)


def test_one_user_per_service_readwrite_on_its_own_database_only(prod_render):
    users = {u.inputs["username"]: u for u in prod_render.of_type(A + "databaseUser:DatabaseUser")}
    assert set(users) == set(DATABASES)
    for name, database in DATABASES.items():
        i = users[name].inputs
        assert i["roles"] == [{"databaseName": database, "roleName": "readWrite"}]
        assert i["authDatabaseName"] == "admin"
        assert i["scopes"] == [{"name": "symphonia-prod", "type": "CLUSTER"}]
        assert i["password"] == "[secret]"
    for name in DATABASES:  # a replaced password breaks every running instance of the service
        assert prod_render.named(f"{name}-mongodb-password", "random:index/randomPassword:RandomPassword").protect


def test_uri_secrets_stored_and_referenced_by_the_services(prod_render):
    for service, database in DATABASES.items():
        secret = prod_render.named(f"rt-technologie/prod/{service}/mongodb-uri", "aws:secretsmanager/secret:Secret")
        assert secret.protect
        version = prod_render.named(f"rt-technologie/prod/{service}/mongodb-uri-value", "aws:secretsmanager/secretVersion:SecretVersion")
        assert version.inputs["secretString"] == "[secret]"
    environment = prod_render.named("rt-subscriptions-api-prod", "aws:elasticbeanstalk/environment:Environment")
    secrets = {s["name"]: s["value"] for s in environment.inputs["settings"] if s["namespace"] == "aws:elasticbeanstalk:application:environmentsecrets"}
    assert ":secret:rt-technologie/prod/subscriptions-contracts-eb/mongodb-uri-" in secrets["MONGODB_URI"]


def test_uri_format_has_the_database_and_escapes_credentials():
    host = srv_host({"standard_srv": "mongodb+srv://symphonia-prod.ab12c.mongodb.net"})
    assert host == "symphonia-prod.ab12c.mongodb.net"
    assert srv_host([{"standardSrv": "mongodb+srv://x.mongodb.net"}]) == "x.mongodb.net"
    assert srv_host(None) is None
    uri = mongodb_uri("tms-sync-eb", "p@ss/word", host, "rt-tms-sync")
    assert uri == "mongodb+srv://tms-sync-eb:p%40ss%2Fword@symphonia-prod.ab12c.mongodb.net/rt-tms-sync?retryWrites=true&w=majority"


def test_alert_configurations(prod_render, prod_estate):
    alerts = {a.name: a.inputs for a in prod_render.of_type(A + "alertConfiguration:AlertConfiguration")}
    expected = {
        "connections": ("CONNECTIONS_PERCENT", 80, 95),  # seed 002
        "replication-lag": ("OPLOG_SLAVE_LAG_MASTER_TIME", 60, 300),
        "disk": ("DISK_PARTITION_SPACE_USED_DATA", 80, 90),
    }
    assert set(alerts) == {f"symphonia-prod-{s}-{sev}" for s in expected for sev in ("warning", "critical")}
    subscriptions = prod_estate["alerting"]["subscriptions"]
    for signal, (metric, warning, critical) in expected.items():
        for severity, value in (("warning", warning), ("critical", critical)):
            alert = alerts[f"symphonia-prod-{signal}-{severity}"]
            assert alert["eventType"] == "OUTSIDE_METRIC_THRESHOLD" and alert["enabled"] is True
            assert alert["metricThresholdConfig"]["metricName"] == metric
            assert alert["metricThresholdConfig"]["threshold"] == value
            assert alert["metricThresholdConfig"]["operator"] == "GREATER_THAN"
            assert alert["severityOverride"] == severity.upper()
            assert "CLUSTER_NAME" not in {m["fieldName"] for m in alert["matchers"]}  # not a host matcher field (#4)
            got = {
                (n["typeName"], n.get("emailAddress") or n.get("mobileNumber"))
                for n in alert["notifications"] if n["typeName"] != "PAGER_DUTY"  # test_atlas_alerts (#12)
            }
            want = {
                ({"email": "EMAIL", "sms": "SMS"}[s["protocol"]], s["endpoint"])
                for s in subscriptions
                if s["protocol"] in ("email", "sms") and severity in s["severities"]
            }
            assert got == want


def test_maintenance_window_sunday_two(prod_render):
    (window,) = prod_render.of_type(A + "maintenanceWindow:MaintenanceWindow")
    assert (window.inputs["dayOfWeek"], window.inputs["hourOfDay"]) == (1, 2)  # Atlas: Sunday = 1


def test_collections_and_runbook_001_ttl_indexes_declared(prod_render, prod_estate):
    # Applied by the index job (issue 10 #1): one invocation per collection, its spec as JSON input.
    resources = {}
    for r in prod_render.of_type("aws:lambda/invocation:Invocation"):
        payload = json.loads(r.inputs["input"])
        resources[(payload["database"], payload["collection"])] = (r, payload)
    declared = {(c["database"], c["name"]) for c in prod_estate["atlas"]["collections"]}
    assert set(resources) == declared
    ttl = {
        (db, coll, index["name"]): index["expireAfterSeconds"]
        for (db, coll), (r, payload) in resources.items()
        for index in payload["indexes"]
        if "expireAfterSeconds" in index
    }
    assert ttl == {("symphonia", "monitoring_logs", "timestamp_1"): 2592000, ("symphonia", "cache_entries", "expiresAt_1"): 0}
    carriers = {i["name"]: i for i in resources[("symphonia", "carriers")][1]["indexes"]}
    assert carriers["siret_1"]["unique"] is True and carriers["metadata.dashdocId_1"]["sparse"] is True
    (cluster,) = prod_render.of_type(A + "advancedCluster:AdvancedCluster")
    for r, payload in resources.values():
        assert "uri" not in payload and payload["uriSecretArn"].startswith("arn:aws:secretsmanager:")  # never the URI
        assert cluster.urn in r.dependencies


def test_render_is_deterministic_with_the_index_job(prod_stack_file, prod_render):
    from infra.engine import render_stack

    again = render_stack(prod_stack_file)
    mine = lambda render: [r.to_dict() for r in render.resources if r.type.startswith(("mongodbatlas:", "aws:lambda/"))]
    assert mine(again) == mine(prod_render)


# -- B-9: backup retention ordering; B-17: Atlas lengths ----------------------------------------------


@pytest.mark.parametrize(
    "backup, fields",
    [
        ({"hourly_retention_days": 30, "daily_retention_days": 7}, ["daily_retention_days"]),
        ({"daily_retention_days": 30, "weekly_retention_weeks": 1}, ["weekly_retention_weeks"]),
        ({"weekly_retention_weeks": 52, "monthly_retention_months": 1}, ["monthly_retention_months"]),
        # every problem of the block in one run
        ({"hourly_retention_days": 30, "daily_retention_days": 20, "weekly_retention_weeks": 2, "monthly_retention_months": 1},
         ["daily_retention_days", "weekly_retention_weeks"]),
    ],
)
def test_backup_retention_keeps_less_frequent_snapshots_at_least_as_long(prod_estate, render_estate_dict, backup, fields):
    """Atlas: "for less frequent policy items, a retention greater than or equal to the more frequent
    ones" (Admin API DiskBackupApiPolicyItem.retentionValue; provider cloud_backup_schedule)."""
    prod_estate["atlas"]["backup"] = backup
    with pytest.raises(EstateConfigError) as caught:
        render_estate_dict(prod_estate)
    message = str(caught.value)
    assert "atlas.backup" in message
    for field in fields:
        assert field in message


def test_backup_retention_equal_levels_pass():
    from data.model.atlas import AtlasBackup

    AtlasBackup(hourly_retention_days=7, daily_retention_days=7, weekly_retention_weeks=1, monthly_retention_months=1)
    AtlasBackup(hourly_retention_days=2, daily_retention_days=14, weekly_retention_weeks=5, monthly_retention_months=2)


def test_access_list_comment_at_most_80(prod_estate, render_estate_dict):
    prod_estate["atlas"]["access_list"][0]["comment"] = "x" * 81
    with pytest.raises(EstateConfigError, match=r"atlas\.access_list\[0\]\.comment"):
        render_estate_dict(prod_estate)


def test_database_user_description_at_most_100():
    from components.atlas.database import user_description
    from data.catalogue.atlas import DATABASE_USER_DESCRIPTION_MAX

    short = user_description("tms-sync-eb", "rt-tms-sync")
    assert short == "tms-sync-eb: readWrite on rt-tms-sync only"
    longest = user_description("s" * 63, "d" * 64)
    assert len(longest) <= DATABASE_USER_DESCRIPTION_MAX and "d" * 64 in longest


def test_prod_user_descriptions_fit(prod_render):
    from data.catalogue.atlas import DATABASE_USER_DESCRIPTION_MAX

    for user in prod_render.of_type(A + "databaseUser:DatabaseUser"):
        assert len(user.inputs["description"]) <= DATABASE_USER_DESCRIPTION_MAX
