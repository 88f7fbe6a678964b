"""Cache: Redis encrypted in transit and at rest, behind an AUTH token, maintained and snapshotted."""

from __future__ import annotations

from .base import get, is_set, resource_rule, truthy

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CLUSTER = "aws:elasticache/cluster:Cluster"


@resource_rule(
    "cache-redis-encryption", area="cache", category="security",
    description="Redis encrypts traffic in transit and data at rest.",
    runbook="Cache encrypted in transit and at rest",
    remediation="Set transit_encryption_enabled and at_rest_encryption_enabled on the replication group.",
    types=(REPLICATION_GROUP, CLUSTER),
)
def redis_encryption(args, report_violation):
    if args.resource_type == CLUSTER:
        if get(args.props, "engine") in ("redis", "valkey"):
            report_violation("a single-node Cluster cannot encrypt in transit with an AUTH token: use a ReplicationGroup.")
        return
    if not truthy(get(args.props, "transitEncryptionEnabled", False)):
        report_violation("transitEncryptionEnabled is not true: the AUTH token and the data cross the VPC in clear.")
    if not truthy(get(args.props, "atRestEncryptionEnabled", False)):
        report_violation("atRestEncryptionEnabled is not true: snapshots and swap hold clear data.")


@resource_rule(
    "cache-redis-auth-token", area="cache", category="security",
    description="Redis requires an AUTH token.",
    runbook="Cache protected by an AUTH token",
    remediation="Give the replication group an auth_token from the secret store (estate cache.auth_token).",
    types=REPLICATION_GROUP,
)
def redis_auth_token(args, report_violation):
    # Presence only: the token is a secret, often unknown during preview; its value is not ours to read.
    if not is_set(args.props, "authToken"):
        report_violation("no authToken: anything that reaches port 6379 can read and flush the cache.")


@resource_rule(
    "cache-redis-maintenance-window", area="cache", category="hygiene",
    description="Redis has a maintenance window (the estate's: Sunday 02:00-05:00 UTC).",
    runbook="Maintenance inside the estate's maintenance windows",
    remediation="Set maintenance_window (estate maintenance.preferred or cache.maintenance_window).",
    parameters={"window": {"type": "string", "description": "Expected window, e.g. sun:02:00-sun:05:00; any when unset."}},
    types=REPLICATION_GROUP,
)
def redis_maintenance_window(args, report_violation):
    window = get(args.props, "maintenanceWindow")
    expected = args.get_config().get("window")
    if not window:
        report_violation("no maintenanceWindow: AWS picks a random weekly hour, possibly at peak.")
    elif expected and str(window).lower() != expected.lower():
        report_violation(f"maintenanceWindow is {window}, not the estate's {expected}.")


@resource_rule(
    "cache-redis-snapshots", area="cache", category="data-loss",
    description="Redis keeps daily snapshots for at least a day, in a set window.",
    runbook="Cache snapshots (database backups)",
    remediation="Set snapshot_retention_limit >= 1 and snapshot_window (estate cache.snapshot_retention_days, snapshot_window).",
    types=REPLICATION_GROUP,
)
def redis_snapshots(args, report_violation):
    retention = get(args.props, "snapshotRetentionLimit", 0) or 0
    if float(retention) < 1:
        report_violation("snapshotRetentionLimit is 0: no snapshot is kept.")
    if not get(args.props, "snapshotWindow"):
        report_violation("no snapshotWindow: snapshots run at a random hour.")
