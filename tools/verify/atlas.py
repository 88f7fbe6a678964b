"""Atlas snapshots copied to the DR region (issue 11), through the Atlas Admin API when its keys are given
(``MONGODB_ATLAS_PUBLIC_KEY`` / ``MONGODB_ATLAS_PRIVATE_KEY``, base URL ``MONGODB_ATLAS_BASE_URL``, as the
Atlas provider reads them; read-only GETs): the backup schedule copies to each declared region, and the
newest snapshot copied there is younger than twice the most frequent copied snapshot's interval (one missed
cycle is tolerated). Without the keys: not checkable, as in ``estate preflight``.

Which snapshots are copied where: ``GET /groups/{id}/clusters/{name}/backup/snapshots``, each snapshot's
``copyRegions`` ("the regions to which MongoDB Cloud copies the snapshot", Admin API schema
DiskBackupReplicaSet) and ``createdAt``. The API does not say when a copy has finished: a snapshot listed
for the region counts as copied (UNSETTLED; the Atlas UI's snapshot distribution page shows the copies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from tools.preflight.atlas import DEFAULT_BASE_URL, KEY_VARS, AtlasAdmin, AtlasError
from tools.verify.declared import Context, Declared
from tools.verify.report import FAIL, NOT_CHECKABLE, PASS

FAMILY, WHAT = "atlas", "Atlas snapshot copies"
SCHEDULE = "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule"
PROJECT = "mongodbatlas:index/project:Project"
WHERE = "atlas"
SNAPSHOTS_SOURCE = "https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-listgroupclusterbackupsnapshots"


@dataclass(frozen=True)
class ExpectedCopies:
    project: str
    cluster: str
    regions: tuple[str, ...]  # Atlas region names (EU_WEST_1)
    max_age: timedelta  # twice the most frequent copied snapshot's interval


def _interval(frequency: str, schedule: dict) -> timedelta:
    hours = (schedule.get("policyItemHourly") or {}).get("frequencyInterval") or 1
    return {"hourly": timedelta(hours=int(hours)), "daily": timedelta(days=1), "weekly": timedelta(days=7),
            "monthly": timedelta(days=31), "yearly": timedelta(days=366)}.get(frequency, timedelta(days=366))


def expected_copies(declared: Declared) -> list[ExpectedCopies]:
    projects = [declared.inputs(p).get("name") for p in declared.of_type(PROJECT)]
    found = []
    for schedule in declared.of_type(SCHEDULE):
        inputs = declared.inputs(schedule)
        copies = inputs.get("copySettings") or []
        if not copies:
            continue
        frequencies = [item.get("frequencyType") for copy in copies for item in copy.get("copyPolicyItems") or []]
        frequencies += [f.lower() for copy in copies for f in copy.get("frequencies") or []]
        shortest = min((_interval(f, inputs) for f in frequencies if f != "ondemand"), default=timedelta(days=366))
        found.append(ExpectedCopies(projects[0] if len(projects) == 1 else "", inputs.get("clusterName", ""),
                                    tuple(sorted({copy.get("regionName") for copy in copies})), 2 * shortest))
    return found


def _age(created: str, now: datetime) -> timedelta:
    return now - datetime.fromisoformat(created.replace("Z", "+00:00"))


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"


def check(ctx: Context) -> None:
    expected = expected_copies(ctx.declared)
    if not expected:
        return
    keys = [ctx.env.get(var) for var in KEY_VARS]
    if not all(keys):
        for copies in expected:
            for region in copies.regions:
                ctx.add(FAMILY, f"{copies.cluster} snapshots copied to {region}", WHERE, NOT_CHECKABLE,
                        "not checkable: the Atlas Admin API keys are not given",
                        f"set {' and '.join(KEY_VARS)} (a read-only project key is enough), or look in the Atlas UI"
                        " (Backup, Snapshot Distribution)")
        return
    admin = AtlasAdmin(*keys, base_url=ctx.env.get("MONGODB_ATLAS_BASE_URL") or DEFAULT_BASE_URL)
    now = ctx.now or datetime.now(timezone.utc)
    for copies in expected:
        try:
            _check_copies(ctx, admin, copies, now)
        except AtlasError as error:
            for region in copies.regions:
                ctx.add(FAMILY, f"{copies.cluster} snapshots copied to {region}", WHERE, NOT_CHECKABLE,
                        f"the Atlas Admin API answered {error.status or 'nothing'}: {error}",
                        "check the keys (Project Read Only is enough) and the API access list, or look in the Atlas UI")


def _check_copies(ctx: Context, admin: AtlasAdmin, copies: ExpectedCopies, now: datetime) -> None:
    project_id = admin.project_id(copies.project)
    if project_id is None:
        for region in copies.regions:
            ctx.add(FAMILY, f"{copies.cluster} snapshots copied to {region}", WHERE, FAIL,
                    f"the project {copies.project} does not exist", "run `pulumi up`: the stack creates it")
        return
    cluster = f"/groups/{project_id}/clusters/{quote(copies.cluster, safe='')}"
    schedule = admin.get(f"{cluster}/backup/schedule")
    live_regions = {copy.get("regionName") for copy in schedule.get("copySettings") or []}
    snapshots = admin.get(f"{cluster}/backup/snapshots", itemsPerPage=500).get("results", [])
    for region in copies.regions:
        subject = f"{copies.cluster} snapshots copied to {region}"
        if region not in live_regions:
            ctx.add(FAMILY, subject, WHERE, FAIL, "the backup schedule copies no snapshot there",
                    "run `pulumi up`: the stack declares the copy settings")
            continue
        copied = [s for s in snapshots if s.get("status") == "completed" and region in (s.get("copyRegions") or []) and s.get("createdAt")]
        if not copied:
            ctx.add(FAMILY, subject, WHERE, FAIL, "no completed snapshot is listed for the region yet",
                    "wait for the next scheduled snapshot; if none comes, look at the cluster's Backup page in the Atlas UI")
            continue
        newest = min((_age(s["createdAt"], now) for s in copied))
        if newest > copies.max_age:
            ctx.add(FAMILY, subject, WHERE, FAIL,
                    f"the newest copy is {_hours(newest)} old (more than {_hours(copies.max_age)}: copies stopped)",
                    "look at the cluster's Backup page (Snapshot Distribution) in the Atlas UI; Atlas support if copies fail")
        else:
            ctx.add(FAMILY, subject, WHERE, PASS, f"the newest copy is {_hours(newest)} old ({len(copied)} listed)")
