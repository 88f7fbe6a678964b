"""Atlas: backups on, no world-open access list, database users scoped to one database."""

from __future__ import annotations

import ipaddress

from data.catalogue import atlas as atlas_facts

from .base import dependents, get, items, of_type, resource_rule, stack_rule, truthy

CLUSTERS = ("mongodbatlas:index/advancedCluster:AdvancedCluster", "mongodbatlas:index/cluster:Cluster")
ACCESS_LIST = "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList"
DATABASE_USER = "mongodbatlas:index/databaseUser:DatabaseUser"
BACKUP_SCHEDULE = "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule"
ALERT_CONFIGURATION = "mongodbatlas:index/alertConfiguration:AlertConfiguration"
ANY_DATABASE_ROLES = (
    "atlasAdmin", "readWriteAnyDatabase", "readAnyDatabase", "dbAdminAnyDatabase", "userAdminAnyDatabase",
    "clusterMonitor", "backup", "restore", "enableSharding",
)


@resource_rule(
    "atlas-cluster-backup", area="atlas", category="data-loss",
    description="Every Atlas cluster has cloud backup enabled.",
    runbook="Automatic database backups",
    remediation="Set backup_enabled (AdvancedCluster) or cloud_backup (Cluster) to true on a dedicated tier (M10+).",
    types=CLUSTERS,
)
def cluster_backup(args, report_violation):
    flag = "backupEnabled" if args.resource_type == CLUSTERS[0] else "cloudBackup"
    if not truthy(get(args.props, flag, False)):
        report_violation(f"{flag} is not true: no snapshot exists to restore from.")


@stack_rule(
    "atlas-cluster-backup-schedule", area="atlas", category="data-loss",
    description="Every Atlas cluster has a cloud backup schedule with explicit retention.",
    runbook="A backup schedule and retention for the database",
    remediation="Declare a CloudBackupSchedule for the cluster (estate atlas.backup).",
)
def cluster_backup_schedule(args, report_violation):
    for cluster in of_type(args.resources, *CLUSTERS):
        if not dependents(args.resources, cluster, BACKUP_SCHEDULE):
            report_violation(f"cluster {cluster.name} has no CloudBackupSchedule: retention is Atlas's default.", cluster.urn)


@resource_rule(
    "atlas-access-list-no-world", area="atlas", category="security",
    description="The Atlas IP access list never opens the database to the internet (no 0.0.0.0/0, nothing wider than /16).",
    runbook="Database network access limited to known addresses",
    remediation="List the NAT gateways' addresses (/32) in estate atlas.access_list.",
    parameters={"minPrefixLength": {"type": "number", "default": 16}},
    types=ACCESS_LIST,
)
def access_list_no_world(args, report_violation):
    minimum = int(args.get_config().get("minPrefixLength", 16))
    cidr = get(args.props, "cidrBlock")
    address = get(args.props, "ipAddress")
    entry = cidr or (f"{address}/32" if address else None)
    if entry is None:
        return  # an AWS security group entry: no address range to judge
    try:
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        report_violation(f"{entry!r} is not an address range.")
        return
    if network.prefixlen == 0 or network.network_address == ipaddress.ip_address("0.0.0.0"):
        report_violation(f"{entry} opens the database to the whole internet.")
    elif network.prefixlen < minimum:
        report_violation(f"{entry} is wider than /{minimum}.")


@resource_rule(
    "atlas-user-single-database", area="atlas", category="security",
    description="Every Atlas database user has roles on exactly one application database, none on all databases.",
    runbook="Database users and roles: one database per user",
    remediation="Give each service's user readWrite on its own database only (estate services[].database).",
    types=DATABASE_USER,
)
def user_single_database(args, report_violation):
    roles = items(get(args.props, "roles"))
    if not roles:
        report_violation("the user has no role.")
        return
    databases = set()
    for role in roles:
        name, database = get(role, "roleName"), get(role, "databaseName")
        if name in ANY_DATABASE_ROLES or database == "admin":
            report_violation(f"role {name} on {database} reaches every database.")
        databases.add(database)
    if len(databases) > 1:
        report_violation(f"roles span {len(databases)} databases ({', '.join(sorted(map(str, databases)))}): one service, one database.")


@resource_rule(
    "atlas-alert-host-matchers", area="atlas", category="blind-spot",
    description="A host-metric alert (OUTSIDE_METRIC_THRESHOLD) matches only host matcher fields (HostMatcherField).",
    runbook="Issue 10 #4: Atlas refuses CLUSTER_NAME (a replica-set field) on a host metric alert, so the first up fails.",
    remediation="Match the cluster's hosts by REPLICA_SET_NAME (the replicaSet of its standard connection string); a refused alert is a missing alert.",
    types=ALERT_CONFIGURATION,
)
def alert_host_matchers(args, report_violation):
    if get(args.props, "eventType") != atlas_facts.OUTSIDE_METRIC_THRESHOLD:
        return
    for matcher in items(get(args.props, "matchers")):
        field = get(matcher, "fieldName")
        if field not in atlas_facts.HOST_MATCHER_FIELDS:
            report_violation(
                f"matcher fieldName {field!r} is not a host matcher field ({', '.join(atlas_facts.HOST_MATCHER_FIELDS)};"
                f" {atlas_facts.MATCHERS_SOURCE}): Atlas refuses the alert configuration."
            )
