"""Redis: every replication group of the render is available, encrypted at rest and in transit,
with AUTH."""

from __future__ import annotations

from tools.verify.aws import Unavailable, call
from tools.verify.declared import Context
from tools.verify.report import FAIL, PASS

FAMILY, WHAT = "cache", "caches"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"


def check(ctx: Context) -> None:
    for group in ctx.declared.of_type(REPLICATION_GROUP):
        _check_group(ctx, ctx.declared.inputs(group).get("replicationGroupId") or group.get("name"), ctx.declared.region_of(group))


def _check_group(ctx: Context, name: str, region: str) -> None:
    try:
        groups = call(ctx.clients("elasticache", region).describe_replication_groups, ReplicationGroupId=name)
    except LookupError:
        ctx.add("cache", name, region, FAIL, "missing: the replication group does not exist",
                "recreate it with `pulumi up`; the cache holds no data of record (the services refill it)")
        return
    except Unavailable as error:
        ctx.unavailable("cache", name, region, error, "ElastiCache DescribeReplicationGroups")
        return
    group = (groups.get("ReplicationGroups") or [{}])[0]
    problems = []
    if group.get("Status") != "available":
        problems.append(f"status {group.get('Status')}")
    for key, what in (("AtRestEncryptionEnabled", "encryption at rest"), ("TransitEncryptionEnabled", "encryption in transit"),
                      ("AuthTokenEnabled", "AUTH token")):
        if not group.get(key):
            problems.append(f"{what} off")
    if problems:
        ctx.add("cache", name, region, FAIL, "; ".join(problems),
                "an unavailable group: see ElastiCache events (`aws elasticache describe-events`); encryption can"
                " only be set at creation: replace the group with `pulumi up`")
    else:
        ctx.add("cache", name, region, PASS, "available, encrypted at rest and in transit, AUTH on")
