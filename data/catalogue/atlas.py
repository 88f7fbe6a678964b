"""MongoDB Atlas alert vocabulary: the event type, metric names, units and operators of alert configurations.

Atlas alerts are Atlas-native (not CloudWatch): an alert configuration with the event type
``OUTSIDE_METRIC_THRESHOLD`` compares one host metric (``metricThreshold.metricName``) with a
threshold in given ``units``, using ``GREATER_THAN`` or ``LESS_THAN``, on the metric's ``AVERAGE``;
matchers narrow the hosts: a host metric accepts only the host matcher fields (``HostMatcherField``:
``TYPE_NAME``, ``REPLICA_SET_NAME``...), not ``CLUSTER_NAME`` (a replica-set field). Atlas notifies by
its own channels (email, SMS, PagerDuty...), it cannot publish to SNS.
Admin API (create one alert configuration): https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-creategroupalertconfig
Alert conditions (what each metric means): https://www.mongodb.com/docs/atlas/reference/alert-conditions/
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN_API_SOURCE = "https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-creategroupalertconfig"
CONDITIONS_SOURCE = "https://www.mongodb.com/docs/atlas/reference/alert-conditions/"

OUTSIDE_METRIC_THRESHOLD = "OUTSIDE_METRIC_THRESHOLD"  # eventTypeName of a metric alert
MODE_AVERAGE = "AVERAGE"  # metricThreshold.mode: the only mode the API offers
OPERATORS = {"above": "GREATER_THAN", "below": "LESS_THAN"}  # metricThreshold.operator
SEVERITIES = {"warning": "WARNING", "critical": "CRITICAL"}  # severityOverride, by the estate's severity
MATCH_EQUALS = "EQUALS"
# Admin API spec, schema HostMatcherField (raw-multi-version-api-spec.yml in
# mongodb/terraform-provider-mongodbatlas, tools/codegen/atlasapispec/): the matcher fields a host alert
# (OUTSIDE_METRIC_THRESHOLD on a host metric) accepts. CLUSTER_NAME is only in ReplicaSetMatcherField
# (replica-set events), so a host alert matching it is refused (issue 10 #4).
MATCHERS_SOURCE = "https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-creategroupalertconfig"
HOST_MATCHER_FIELDS = ("TYPE_NAME", "HOSTNAME", "PORT", "HOSTNAME_AND_PORT", "REPLICA_SET_NAME", "ATLAS_NODE_TYPE")
REPLICA_SET_MATCHER_FIELDS = ("REPLICA_SET_NAME", "SHARD_NAME", "CLUSTER_NAME")
# "This cluster's hosts" for a REPLICASET cluster: the hosts of its replica set. Its name is not the
# cluster's (Atlas names it atlas-<id>-shard-0); the provider documents it as the replicaSet option of
# the cluster's connection_strings.standard ("...&replicaSet=atlas-12diht-shard-0"):
# https://registry.terraform.io/providers/mongodb/mongodbatlas/latest/docs/resources/advanced_cluster
MATCH_REPLICA_SET = "REPLICA_SET_NAME"
REPLICA_SET_SOURCE = "https://registry.terraform.io/providers/mongodb/mongodbatlas/latest/docs/resources/advanced_cluster"
MATCH_HOST_TYPE = "TYPE_NAME"  # matcher fieldName: PRIMARY, SECONDARY...
SECONDARY = "SECONDARY"
NOTIFY_EMAIL = "EMAIL"  # notifications[].typeName
NOTIFY_SMS = "SMS"
# Admin API spec, schema PagerDutyNotification: typeName PAGER_DUTY, serviceKey (required for that
# type; shown redacted once stored), region US (default) or EU; PagerDuty notifications "don't return"
# intervalMin (the repeat is configured in PagerDuty), so none is sent (a sent one would never read
# back the same and diff on every refresh). Provider page: serviceKey "Required for the PAGER_DUTY
# notifications type".
NOTIFY_PAGER_DUTY = "PAGER_DUTY"
PAGER_DUTY_REGIONS = ("US", "EU")  # the API's; pulumi-mongodbatlas 4.18's notification args have no region: US only
PAGER_DUTY_SOURCE = "https://registry.terraform.io/providers/mongodb/mongodbatlas/latest/docs/resources/alert_configuration"
# An alert configuration's notification fields (as the render spells them: the provider's args,
# pulumi-mongodbatlas 4.18 AlertConfigurationNotificationArgs, the alert_configuration page above):
# those that only name who is told, and those that hold a number, a key, a token or a webhook (never shown).
# apiKey and notificationToken are not among the 4.18 args; kept so that another provider version's are masked too.
NOTIFICATION_NAMING_FIELDS = ("emailAddress", "channelName", "username", "teamName", "teamId", "roles")
NOTIFICATION_SECRET_FIELDS = ("mobileNumber", "serviceKey", "apiKey", "apiToken", "notificationToken", "opsGenieApiKey",
                              "victorOpsApiKey", "victorOpsRoutingKey", "datadogApiKey", "webhookUrl", "webhookSecret",
                              "microsoftTeamsWebhookUrl", "integrationId")


@dataclass(frozen=True)
class AtlasMetric:
    """One host metric an alert configuration can compare (``metricThreshold.metricName``)."""

    name: str
    units: str  # metricThreshold.units
    condition: str  # the alert condition's name in the Atlas UI and CONDITIONS_SOURCE
    description: str
    source: str = CONDITIONS_SOURCE
    note: str = ""


_PERCENT_UNITS_NOTE = (
    "A percentage; the Admin API's units enum has no percent unit and its page does not say which unit "
    "a percentage metric takes: RAW (the number as Atlas reports it) is assumed, unverified against a live project."
)

CONNECTIONS_PERCENT = AtlasMetric(
    "CONNECTIONS_PERCENT", "RAW", "Connections % of configured limit is",
    "open connections as a percentage of the cluster tier's connection limit", note=_PERCENT_UNITS_NOTE,
)
OPLOG_SLAVE_LAG_MASTER_TIME = AtlasMetric(
    "OPLOG_SLAVE_LAG_MASTER_TIME", "SECONDS", "Replication Lag is",
    "how far a secondary's oplog lags the primary's, in time (secondaries only)",
)
DISK_PARTITION_SPACE_USED_DATA = AtlasMetric(
    "DISK_PARTITION_SPACE_USED_DATA", "RAW", "Disk space % used on Data Partition is",
    "space used on the data partition, % of its size", note=_PERCENT_UNITS_NOTE,
)


# -- cloud backup ---------------------------------------------------------------------------------------

# Snapshot export (CloudBackupSchedule.export.frequencyType). The sources disagree (review B-4):
# - Admin API spec, schema AutoExportPolicyView.frequencyType: enum monthly, yearly;
# - provider page (cloud_backup_schedule): weekly, monthly, yearly, daily (daily through support);
# - https://www.mongodb.com/docs/atlas/backup/cloud-backup/export/: daily, weekly, monthly or yearly;
# - Atlas CLI `backups schedule update --exportFrequencyType`: daily, weekly or monthly.
# `monthly` is in every list, so it is the value declared. Unsettled offline: whether the API really
# refuses `weekly`. One read settles it (preflight could make it, with the Atlas keys): GET
# /api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/schedule of a cluster whose export was
# set to weekly in the UI returns export.frequencyType; or a PATCH with weekly on a scratch cluster.
EXPORT_FREQUENCY_TYPES = ("monthly", "yearly")
EXPORT_FREQUENCY = "monthly"
EXPORT_SOURCE = "https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-updatebackupschedule"
EXPORT_NOTE = (
    "AutoExportPolicyView.frequencyType is monthly|yearly in the Admin API spec; the export page, the provider and"
    " the CLI also name weekly. monthly is accepted by every source; weekly is unverified against a live project."
)

# Backup policy retention (Admin API spec, DiskBackupApiPolicyItem.retentionValue: "For less frequent
# policy items, MongoDB Cloud requires that you specify a value greater than or equal to the value
# specified for more frequent policy items"; provider page cloud_backup_schedule: weekly at least 7
# days or 1 week, monthly at least 31 days or 5 weeks or 1 month). Review B-9.
RETENTION_SOURCE = "https://registry.terraform.io/providers/mongodb/mongodbatlas/latest/docs/resources/cloud_backup_schedule"
DAYS_PER_WEEK = 7
DAYS_PER_MONTH = 31  # the provider equates "1 month" with "31 days" (its monthly minimum); unverified beyond that
RETENTION_NOTE = (
    "How Atlas compares a retention in months with one in weeks is not documented beyond the monthly"
    " minimum (31 days, 5 weeks or 1 month); a month is counted as 31 days."
)

# Lengths (Admin API spec): CloudDatabaseUser.description maxLength 100; NetworkPermissionEntry.comment
# (an access-list entry) maxLength 80. Review B-17.
LENGTHS_SOURCE = "https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-createdatabaseuser"
DATABASE_USER_DESCRIPTION_MAX = 100
ACCESS_LIST_COMMENT_MAX = 80

# The IAM role Atlas assumes to export snapshots to S3 (Atlas "Export Cloud Backup Snapshots to AWS S3",
# prerequisites, and "Set Up Unified AWS Access"): Atlas needs s3:GetBucketLocation on the bucket and
# s3:PutObject on its objects (it writes `exported_snapshots/...` and a `.permissioncheck` object when the
# bucket is registered), nothing else: no listing, no reading back (review #13). The provider's own
# example role policy (terraform-provider-mongodbatlas, examples/.../cloud_backup_snapshot_export_bucket)
# grants the same two statements.
EXPORT_ROLE_SOURCE = "https://www.mongodb.com/docs/atlas/backup/cloud-backup/export/aws-s3/"
EXPORT_ROLE_BUCKET_ACTIONS = ("s3:GetBucketLocation",)  # on arn:aws:s3:::<bucket>
EXPORT_ROLE_OBJECT_ACTIONS = ("s3:PutObject",)  # on arn:aws:s3:::<bucket>/*

# -- Regions --------------------------------------------------------------------------------------------
# Atlas names AWS regions in its own spelling: the AWS region upper-cased with underscores (eu-west-1 ->
# EU_WEST_1). The Admin API spec's AWS region enum (schema AWSRegionConfig / AWSCloudProviderContainer
# regionName, raw-multi-version-api-spec.yml of mongodb/terraform-provider-mongodbatlas@468253dbf) lists the
# regions Atlas runs in; the human table: https://www.mongodb.com/docs/atlas/reference/amazon-aws/
REGIONS_SOURCE = "https://www.mongodb.com/docs/atlas/reference/amazon-aws/"
AWS_REGIONS = (
    "US_EAST_1", "US_EAST_2", "US_WEST_1", "US_WEST_2", "CA_CENTRAL_1", "EU_NORTH_1", "EU_WEST_1", "EU_WEST_2",
    "EU_WEST_3", "EU_CENTRAL_1", "EU_CENTRAL_2", "SA_EAST_1", "AP_EAST_1", "AP_EAST_2", "AP_SOUTHEAST_2",
    "AP_SOUTHEAST_3", "AP_SOUTHEAST_4", "AP_SOUTHEAST_5", "AP_SOUTHEAST_6", "AP_SOUTHEAST_7", "AP_NORTHEAST_1",
    "AP_NORTHEAST_2", "AP_NORTHEAST_3", "AP_SOUTHEAST_1", "AP_SOUTH_1", "AP_SOUTH_2", "CN_NORTH_1",
    "CN_NORTHWEST_1", "ME_CENTRAL_1", "ME_SOUTH_1", "AF_SOUTH_1", "EU_SOUTH_1", "EU_SOUTH_2", "IL_CENTRAL_1",
    "CA_WEST_1", "MX_CENTRAL_1",
)


def atlas_region_of(aws_region: str) -> str | None:
    """The Atlas name of an AWS region (``eu-west-1`` -> ``EU_WEST_1``); None where Atlas does not run."""
    name = aws_region.upper().replace("-", "_")
    return name if name in AWS_REGIONS else None


# -- Snapshot copies to another region ("snapshot distribution") ------------------------------------------
# CloudBackupSchedule copy_settings (pulumi-mongodbatlas 4.18; Admin API schema DiskBackupCopySetting20240805):
# - zoneId is required (the schema's `required: [zoneId]`): the cluster's replication spec's zone id
#   (AdvancedCluster replication_specs[].zone_id; a replica set has one zone);
# - `frequencies` is deprecated in both the API and the provider ("use copyPolicyItems, which defines which
#   snapshots to copy and their retention"): copy policy items, with copyPolicyItemsEnabled true on the
#   schedule. That switch is one-way ("Atlas cannot disable copy-policy items once they are enabled");
# - a copy policy item: frequencyType one of COPY_FREQUENCY_TYPES (lower case), with retentionUnit and
#   retentionValue except for ondemand; at most 6 items per copy setting;
# - shouldCopyOplogs copies the oplog for point-in-time restores in the target region; it needs continuous
#   cloud backup (the cluster's pit_enabled), which the estate does not turn on, so it is false.
COPY_SOURCE = "https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-updategroupclusterbackupschedule"
COPY_PROVIDER_SOURCE = "https://www.pulumi.com/registry/packages/mongodbatlas/api-docs/cloudbackupschedule/"
COPY_FREQUENCY_TYPES = ("hourly", "daily", "weekly", "monthly", "yearly", "ondemand")
COPY_POLICY_ITEMS_MAX = 6
COPY_OPLOGS_NOTE = (
    "shouldCopyOplogs: the spec says only that oplogs allow point-in-time restores in the target region;"
    " Atlas keeps oplogs for continuous cloud backup only, which the estate does not enable (unverified beyond that)."
)
