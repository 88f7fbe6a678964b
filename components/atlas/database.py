"""MongoDB Atlas (runbooks 000/001): project, backed-up cluster, users per service, alerts, indexes.

The runbooks only say "cluster créé", "backup automatique activé", a whitelist that may be
``0.0.0.0/0`` "temporairement", users and a URI with the database name. Declared here:

- the project and an ``AdvancedCluster`` (replica set of 3 in one AWS region, cloud backup on,
  backups retained if the cluster is ever deleted, Atlas-side termination protection), protected and
  retained on delete in Pulumi too;
- a backup schedule with explicit retention (``atlas.backup``), snapshot copies to the DR region
  (``disaster_recovery.atlas_snapshot_copies``, each kept as long as the snapshot), and, when asked, a monthly export of
  snapshots to the backups bucket (runbook 000's weekly dump is the weekly snapshot kept in Atlas;
  monthly is the export frequency every source accepts, B-4), through an IAM role Atlas assumes
  (cloud provider access: the external id Atlas gives, S3 rights on that bucket only); the schedule
  and the export bucket are protected and retained (removing the schedule would silently fall back to
  Atlas's default retention);
- the IP access list from the model (which already refuses 0.0.0.0/0 and anything wider than /16);
- one database user per service with ``readWrite`` on its own database only, scoped to the cluster;
  a generated password (protected: replacing it breaks every running instance); the full ``mongodb+srv://user:pass@host/<db>?retryWrites=true&w=majority``
  URI stored in Secrets Manager for the service's ``MONGODB_URI`` (``uri_secret_arn``);
- alert configurations at warning and critical on connections (% of the limit, seed 002 80/95),
  replication lag and disk use, from the alert table (``alerts.py``, ``monitoring.py``), on the
  hosts of the cluster's replica set: Atlas cannot publish to SNS, so they notify the email and SMS
  subscribers of that severity, and critical ones page through Atlas's PagerDuty notification
  (``atlas.pagerduty``);
- the maintenance window (seed 004 Sunday 02:00): Atlas reads ``hour_of_day`` in the PROJECT's time
  zone, which only a project owner can set (UI, not API): it must be UTC;
- the collections and indexes of ``atlas.collections`` (runbook 001, TTL indexes included), applied
  by the index job (``index_job.py``): a Lambda function in the private subnets (behind the NAT, in
  the access list), one invocation per collection with its specification as input, connecting as the
  database's service user; a delete never drops an index. The former ``CollectionIndexes`` dynamic
  provider (``components/mongo_indexes.py``) connected from where ``pulumi up`` runs and is retired
  (docs/operations.md, migrating a stack).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote

import pulumi
import pulumi_aws as aws
import pulumi_mongodbatlas as atlas
import pulumi_random as random

from components.atlas.index_job import IndexJob, index_spec
from components.atlas.monitoring import alert_configurations
from components.common import child, estate_tags, stateful, type_token
from components.secrets import SecretStore
from data.catalogue import atlas as atlas_facts
from data.model import Atlas, AtlasBackup, DisasterRecovery, Estate, MaintenanceWindow, Network, Service, Subscription

PROVIDER = "AWS"
ELECTABLE_NODES = 3
URI_OPTIONS = "retryWrites=true&w=majority"
PASSWORD_LENGTH = 40
# Runbook 000's weekly "Backup MongoDB" is the weekly snapshot kept in Atlas (policy_item_weeklies);
# the copy outside Atlas is exported monthly: the only frequency every source accepts (B-4,
# data.catalogue.atlas.EXPORT_FREQUENCY).
EXPORT_FREQUENCY = atlas_facts.EXPORT_FREQUENCY
# Atlas writes exports under this fixed prefix; the backups bucket needs a lifecycle rule for it.
EXPORT_PREFIX = "exported_snapshots/"
SNAPSHOT_HOUR_UTC = 1  # before the 02:00 maintenance window

def iso_weekday(day: str) -> int:
    """Atlas weekly snapshot days run Monday = 1 to Sunday = 7 (unlike the maintenance window's
    Sunday = 1): the weekly snapshot is taken on the maintenance day, before the window."""
    return ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(day) + 1


def srv_host(connection_strings: Any) -> str | None:
    """The SRV host of a cluster's ``connection_strings`` (an object, or a one-item list in older
    schemas/mocks): ``mongodb+srv://x.abcde.mongodb.net`` -> ``x.abcde.mongodb.net``."""
    value = connection_strings
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    srv = value.get("standard_srv") or value.get("standardSrv") if isinstance(value, dict) else getattr(value, "standard_srv", None)
    if not srv:
        return None
    return srv.split("://", 1)[-1].rstrip("/")


def user_description(service: str, database: str) -> str:
    """The database user's description, within Atlas's 100 characters (B-17): a service name and a
    database may reach 63 characters each, so the service's name is left out when it would not fit."""
    full = f"{service}: readWrite on {database} only"
    if len(full) <= atlas_facts.DATABASE_USER_DESCRIPTION_MAX:
        return full
    return f"readWrite on {database} only"[: atlas_facts.DATABASE_USER_DESCRIPTION_MAX]


def mongodb_uri(username: str, password: str, host: str | None, database: str) -> str:
    """The URI the services read (runbook 001: the database name is required in it)."""
    return f"mongodb+srv://{quote(username, safe='')}:{quote(password, safe='')}@{host or 'unknown-host'}/{database}?{URI_OPTIONS}"


def export_role_policy(bucket_arn: str) -> str:
    """What Atlas needs to write snapshot exports into the backups bucket, and nothing else
    (data.catalogue.atlas.EXPORT_ROLE_SOURCE)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "BucketLocation", "Effect": "Allow", "Action": list(atlas_facts.EXPORT_ROLE_BUCKET_ACTIONS),
                 "Resource": bucket_arn},
                {"Sid": "SnapshotObjects", "Effect": "Allow", "Action": list(atlas_facts.EXPORT_ROLE_OBJECT_ACTIONS),
                 "Resource": f"{bucket_arn}/*"},
            ],
        },
        sort_keys=True,
    )


def copy_retention(frequencies: list[str], backup: AtlasBackup) -> dict[str, tuple[str, int]]:
    """(retention unit, value) of each copied snapshot frequency: the copy is kept as long as the snapshot."""
    kept = {
        "hourly": ("days", backup.hourly_retention_days), "daily": ("days", backup.daily_retention_days),
        "weekly": ("weeks", backup.weekly_retention_weeks), "monthly": ("months", backup.monthly_retention_months),
    }
    return {frequency: kept[frequency] for frequency in frequencies}


def first_zone_id(replication_specs: Any) -> str | None:
    """The zone id of a replica set's one replication spec (an output object, or a dict in older mocks)."""
    if not replication_specs:
        return None
    spec = replication_specs[0]
    return spec.get("zone_id") or spec.get("zoneId") if isinstance(spec, dict) else getattr(spec, "zone_id", None)


def atlas_trust_policy(atlas_account_arn: str | None, external_id: str | None) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": atlas_account_arn},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
                }
            ],
        },
        sort_keys=True,
    )


def _first_aws_config(configs: Any, field: str) -> str | None:
    if not configs:
        return None
    first = configs[0]
    return first.get(field) if isinstance(first, dict) else getattr(first, field, None)


@dataclass
class AtlasDatabaseArgs:
    """The Atlas slice of the estate and the collaborators: the secret store (users' URIs), the storage
    component (snapshot exports to the backups bucket)."""

    atlas: Atlas
    services: list[Service]  # the services with a database get a user each
    maintenance: MaintenanceWindow  # the estate's preferred window (weekly snapshot day, Atlas window)
    subscriptions: list[Subscription]  # who the alerts notify (the estate's alert subscribers)
    tags: Callable[..., dict[str, str]]  # estate_tags of the estate, extra tags as keywords
    secrets: SecretStore
    storage: Any = None  # components.storage.Storage, when the estate has buckets
    network: Network | None = None  # where the index job runs (private subnets, behind the NAT)
    dr: DisasterRecovery | None = None  # where snapshots are copied (issue 11)
    export_bucket: str | None = None  # the backups bucket snapshots are exported to (atlas.backup.export_to_backups_bucket)

    @classmethod
    def from_estate(cls, estate: Estate, *, secrets: SecretStore, storage=None) -> AtlasDatabaseArgs:
        if estate.atlas is None:
            raise ValueError("the estate declares no atlas")
        return cls(
            atlas=estate.atlas, services=list(estate.services), maintenance=estate.maintenance.preferred,
            subscriptions=list(estate.alerting.subscriptions), tags=partial(estate_tags, estate),
            secrets=secrets, storage=storage, network=estate.network, dr=estate.disaster_recovery,
            export_bucket=export.name if (export := estate.atlas_export_bucket()) is not None else None,
        )


class AtlasDatabase(pulumi.ComponentResource):
    """The estate's Atlas project, cluster, users, alerts, backups and indexes."""

    def __init__(self, name: str, args: AtlasDatabaseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("atlas", "AtlasDatabase"), name, None, opts)
        model, secrets, storage = args.atlas, args.secrets, args.storage
        self._args = args
        tags = args.tags(purpose="database")

        self.project = atlas.Project(model.project, name=model.project, org_id=model.org_id, tags=tags, opts=stateful(self))
        project_id = self.project.id
        self.cluster = atlas.AdvancedCluster(
            model.cluster,
            project_id=project_id,
            name=model.cluster,
            cluster_type="REPLICASET",
            mongo_db_major_version=model.mongo_version,
            backup_enabled=True,
            retain_backups_enabled=True,
            termination_protection_enabled=True,
            replication_specs=[
                atlas.AdvancedClusterReplicationSpecArgs(
                    region_configs=[
                        atlas.AdvancedClusterReplicationSpecRegionConfigArgs(
                            provider_name=PROVIDER,
                            region_name=model.region,
                            priority=7,
                            electable_specs=atlas.AdvancedClusterReplicationSpecRegionConfigElectableSpecsArgs(
                                instance_size=model.instance_size, node_count=ELECTABLE_NODES
                            ),
                            auto_scaling=atlas.AdvancedClusterReplicationSpecRegionConfigAutoScalingArgs(disk_gb_enabled=True),
                        )
                    ]
                )
            ],
            tags=tags,
            opts=stateful(self, depends_on=[self.project]),
        )

        export = self._snapshot_export(model, project_id, storage) if model.backup.export_to_backups_bucket is not False else None
        backup = model.backup
        copies = self._snapshot_copies(args.dr, backup)
        atlas.CloudBackupSchedule(
            f"{model.cluster}-backup-schedule",
            project_id=project_id,
            cluster_name=self.cluster.name,
            reference_hour_of_day=SNAPSHOT_HOUR_UTC,
            reference_minute_of_hour=0,
            restore_window_days=backup.daily_retention_days,
            policy_item_hourly=atlas.CloudBackupSchedulePolicyItemHourlyArgs(
                frequency_interval=6, retention_unit="days", retention_value=backup.hourly_retention_days
            ),
            policy_item_daily=atlas.CloudBackupSchedulePolicyItemDailyArgs(
                frequency_interval=1, retention_unit="days", retention_value=backup.daily_retention_days
            ),
            policy_item_weeklies=[
                atlas.CloudBackupSchedulePolicyItemWeeklyArgs(
                    frequency_interval=iso_weekday(args.maintenance.start_day),
                    retention_unit="weeks",
                    retention_value=backup.weekly_retention_weeks,
                )
            ],
            policy_item_monthlies=[
                atlas.CloudBackupSchedulePolicyItemMonthlyArgs(
                    frequency_interval=1, retention_unit="months", retention_value=backup.monthly_retention_months
                )
            ],
            auto_export_enabled=export is not None,
            export=(
                atlas.CloudBackupScheduleExportArgs(export_bucket_id=export.export_bucket_id, frequency_type=EXPORT_FREQUENCY)
                if export is not None
                else None
            ),
            # Snapshot copies to the DR region (issue 11): copy policy items (`frequencies` is deprecated), a
            # one-way switch on Atlas's side (data.catalogue.atlas.COPY_SOURCE).
            copy_policy_items_enabled=True if copies else None,
            copy_settings=copies or None,
            opts=stateful(self),  # removed, the cluster falls back to Atlas's default retention
        )

        for entry in model.access_list:
            atlas.ProjectIpAccessList(
                f"{model.project}-access-{entry.cidr.replace('/', '-').replace(':', '-')}",
                project_id=project_id,
                cidr_block=entry.cidr,
                comment=entry.comment,
                opts=child(self),
            )

        preferred = args.maintenance
        atlas.MaintenanceWindow(
            f"{model.project}-maintenance",
            project_id=project_id,
            day_of_week=preferred.atlas_day_of_week,
            hour_of_day=preferred.start_hour,
            auto_defer_once_enabled=False,
            opts=child(self),
        )

        pager_key = (
            secrets.value("atlas", "PAGERDUTY_SERVICE_KEY", model.pagerduty.service_key) if model.pagerduty is not None else None
        )
        self.alerts = alert_configurations(self, model, project_id, args.subscriptions, self.cluster.connection_strings, pager_key)

        self._uri_secrets: dict[str, tuple[str, Any]] = {}
        self._uris: dict[str, pulumi.Output[str]] = {}
        self._users: dict[str, atlas.DatabaseUser] = {}
        self._uri_secret_by_db: dict[str, aws.secretsmanager.Secret] = {}
        for service in args.services:
            if service.database:
                self._user(service, project_id, secrets)

        # The indexes are applied by a job inside the VPC (behind the NAT, in the access list), never
        # from where `pulumi up` runs (#1); each invocation waits for the user it connects as (#2).
        self.collections: list[aws.lambda_.Invocation] = []
        if model.collections:
            if args.network is None:
                raise ValueError("atlas.collections needs the estate's network: the index job runs in its private subnets")
            databases = sorted({c.database for c in model.collections})
            job = IndexJob(
                self, f"{model.cluster}-index-job", vpc_id=args.network.vpc_id, subnet_ids=list(args.network.private_subnet_ids),
                secret_arns=[self._uri_secret_by_db[d].arn for d in databases], tags=args.tags(purpose="atlas-indexes"),
            )
            for collection in model.collections:
                self.collections.append(job.apply(
                    f"{model.cluster}-{collection.database}-{collection.name}-indexes",
                    database=collection.database, collection=collection.name,
                    indexes=[index_spec(index) for index in collection.indexes],
                    uri_secret_arn=self._uri_secret_by_db[collection.database].arn,
                    depends_on=[self.cluster, self._users[collection.database]],
                ))
        self.register_outputs({"project_id": project_id, "cluster": self.cluster.name})

    # -- parts -------------------------------------------------------------------------------------

    def _snapshot_copies(self, dr: DisasterRecovery | None, backup: AtlasBackup) -> list:
        """The copy of the chosen snapshots to the DR region, each kept there as long as here."""
        if dr is None or not dr.atlas_snapshot_copies:
            return []
        zone_id = self.cluster.replication_specs.apply(first_zone_id)
        return [atlas.CloudBackupScheduleCopySettingArgs(
            cloud_provider=PROVIDER,
            region_name=dr.atlas_region,
            zone_id=zone_id,  # required (the one zone of a replica set)
            should_copy_oplogs=False,  # no continuous cloud backup, no oplog to copy (data.catalogue.atlas.COPY_OPLOGS_NOTE)
            copy_policy_items=[
                atlas.CloudBackupScheduleCopySettingCopyPolicyItemArgs(
                    frequency_type=frequency, retention_unit=unit, retention_value=value)
                for frequency, (unit, value) in copy_retention(dr.atlas_snapshot_copies, backup).items()
            ],
        )]

    def _snapshot_export(self, model, project_id, storage):
        bucket = self._args.export_bucket
        if storage is None or bucket is None:
            raise ValueError("atlas.backup.export_to_backups_bucket needs the storage component and a backups bucket")
        bucket_arn = storage.arn(bucket)
        setup = atlas.CloudProviderAccessSetup(
            f"{model.project}-aws-access", project_id=project_id, provider_name=PROVIDER, opts=child(self)
        )
        role = aws.iam.Role(
            f"{model.project}-atlas-snapshot-export",
            name=f"{model.project}-atlas-snapshot-export",
            description="Assumed by MongoDB Atlas to export cluster snapshots to the backups bucket",
            assume_role_policy=pulumi.Output.all(
                setup.aws_configs.apply(lambda c: _first_aws_config(c, "atlas_aws_account_arn")),
                setup.aws_configs.apply(lambda c: _first_aws_config(c, "atlas_assumed_role_external_id")),
            ).apply(lambda args: atlas_trust_policy(*args)),
            tags=self._args.tags(purpose="atlas-snapshot-export"),
            opts=child(self),
        )
        role_policy = aws.iam.RolePolicy(
            f"{model.project}-atlas-snapshot-export-s3",
            role=role.id,
            policy=bucket_arn.apply(export_role_policy),
            opts=child(self),
        )
        authorization = atlas.CloudProviderAccessAuthorization(
            f"{model.project}-aws-access-authorization",
            project_id=project_id,
            role_id=setup.role_id,
            aws=atlas.CloudProviderAccessAuthorizationAwsArgs(iam_assumed_role_arn=role.arn),
            opts=child(self),
        )
        return atlas.CloudBackupSnapshotExportBucket(
            f"{model.project}-export-bucket",
            project_id=project_id,
            bucket_name=storage.name(bucket),
            cloud_provider=PROVIDER,
            iam_role_id=authorization.role_id,
            # stateful: the schedule's exports point at it; Atlas checks it can write when registering.
            opts=stateful(self, depends_on=[role_policy]),
        )

    def _user(self, service: Service, project_id, secrets) -> None:
        database = service.database
        password = random.RandomPassword(
            f"{service.name}-mongodb-password", length=PASSWORD_LENGTH, special=False,
            opts=stateful(self),  # a replaced password breaks every running instance of the service
        )
        user = atlas.DatabaseUser(
            f"{service.name}-mongodb-user",
            project_id=project_id,
            username=service.name,
            password=password.result,
            auth_database_name="admin",
            roles=[atlas.DatabaseUserRoleArgs(role_name="readWrite", database_name=database)],
            scopes=[atlas.DatabaseUserScopeArgs(name=self.cluster.name, type="CLUSTER")],
            description=user_description(service.name, database),
            opts=child(self),
        )
        uri = pulumi.Output.secret(
            pulumi.Output.all(password.result, self.cluster.connection_strings).apply(
                lambda args, user=service.name, db=database: mongodb_uri(user, args[0], srv_host(args[1]), db)
            )
        )
        secret = secrets.store(
            service.name, "MONGODB_URI", uri, f"MONGODB_URI of {service.name}: Atlas user {service.name}, database {database}"
        )
        self._uri_secrets[service.name] = (database, secret)
        self._uris.setdefault(database, uri)
        self._users.setdefault(database, user)  # the user whose URI the index job connects with
        self._uri_secret_by_db.setdefault(database, secret)

    # -- what other components read ----------------------------------------------------------------

    def uri_secret_arn(self, database: str, service: str | None = None) -> pulumi.Output[str]:
        """ARN of the Secrets Manager secret holding the MONGODB_URI for ``database`` (give
        ``service`` when several services share a database: each has its own user)."""
        matches = [
            (name, secret) for name, (db, secret) in sorted(self._uri_secrets.items())
            if db == database and (service is None or name == service)
        ]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} MongoDB users for database '{database}'" + (f" and service '{service}'" if service else ""))
        return matches[0][1].arn
