"""ElastiCache (Redis OSS / Valkey) metrics (namespace ``AWS/ElastiCache``).

ElastiCache publishes host-level metrics (``CPUUtilization``) and engine metrics (``EngineCPUUtilization``,
``DatabaseMemoryUsagePercentage``, ``Evictions``, ``CurrConnections``) for every cache node, every 60
seconds, always (nothing to enable). A node is addressed by ``CacheClusterId`` (a replication group's
member cluster: one node each when cluster mode is off) and optionally ``CacheNodeId``.
Sources: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html (60-second
publishing), ...CacheMetrics.HostLevel.html and ...CacheMetrics.Redis.html (names and units).
"""

from __future__ import annotations

from data.catalogue.metrics import Metric

NAMESPACE = "AWS/ElastiCache"
METRICS_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html"
HOST_LEVEL_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.HostLevel.html"
REDIS_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html"
PUBLISHING_PERIOD = 60
NODE = ("CacheClusterId",)
_DIMENSIONS_NOTE = (
    "The pages name CacheClusterId and CacheNodeId as dimensions but give no table of which metric has "
    "which; a member cluster of a non-clustered replication group has one node, so CacheClusterId alone "
    "addresses it (as the AWS CDK's generated ElastiCache metrics do)."
)


def _node(name: str, unit: str, source: str, description: str, note: str = "") -> Metric:
    return Metric(NAMESPACE, name, unit, NODE, PUBLISHING_PERIOD, source, description=description,
                  note=" ".join(part for part in (note, _DIMENSIONS_NOTE) if part))


CPU_UTILIZATION = _node("CPUUtilization", "Percent", HOST_LEVEL_SOURCE, "CPU of the whole host, all cores")
ENGINE_CPU_UTILIZATION = _node(
    "EngineCPUUtilization", "Percent", REDIS_SOURCE, "CPU of the engine's main thread (Redis is single-threaded)",
)
DATABASE_MEMORY_USAGE_PERCENTAGE = _node(
    "DatabaseMemoryUsagePercentage", "Percent", REDIS_SOURCE, "memory used, as a percentage of maxmemory",
    note="The unit row was not in the excerpt read; the metric is a percentage by its definition.",
)
EVICTIONS = _node("Evictions", "Count", REDIS_SOURCE, "keys evicted for lack of memory (maxmemory policy)")
CURR_CONNECTIONS = _node("CurrConnections", "Count", REDIS_SOURCE, "client connections, read replicas' excluded")


def member_cluster_ids(group: str, node_count: int) -> list[str]:
    """ElastiCache names the member clusters of a non-clustered replication group ``<group>-001``,
    ``<group>-002``... (one per node, primary first at creation)."""
    return [f"{group}-{index:03d}" for index in range(1, node_count + 1)]


# -- Node types and the host CPU threshold (issue 10 #8) ------------------------------------------------
MONITOR_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.WhichShouldIMonitor.html"
NODE_TYPES_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html"
NODE_TYPES_NOTE = (
    "The supported node types page names the Redis OSS / Valkey node types and sends to the EC2 instance types"
    " (https://aws.amazon.com/ec2/instance-types/) for their details: a cache.<family>.<size> node has the vCPUs"
    " of the EC2 <family>.<size> instance (micro/small/medium of T3/T4g and large: 2; xlarge: 4; nxlarge: 4n)."
    " T2 is a previous generation (no new clusters) and is left out, as are the data-tiering and network-optimised"
    " families this estate does not use: add a row, with its vCPUs, to use one."
)
# "Generally speaking, we suggest you set your threshold at 90% of your available CPU. Because [Redis OSS is]
# single-threaded, the actual threshold value should be calculated as a fraction of the node's total
# capacity ... two cores ... 90/2, or 45%" [MONITOR_SOURCE, CPUUtilization].
HOST_CPU_CEILING_PERCENT = 90
# "For smaller node types with 2vCPUs or less, use the CPUUtilization metric"; "For larger node types with
# 4vCPUs or more, you may want to use the EngineCPUUtilization metric" [MONITOR_SOURCE].
HOST_CPU_MAX_VCPUS = 2

_SIZES = {"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48, "16xlarge": 64, "24xlarge": 96}
_GRAVITON_SIZES = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
_M5_SIZES = ("large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge")
NODE_TYPE_VCPUS: dict[str, int] = {
    **{f"cache.{family}.{size}": 2 for family in ("t3", "t4g") for size in ("micro", "small", "medium")},
    **{f"cache.{family}.{size}": _SIZES[size] for family in ("m5", "r5") for size in _M5_SIZES},
    **{f"cache.{family}.{size}": _SIZES[size] for family in ("m6g", "m7g", "r6g", "r7g") for size in _GRAVITON_SIZES},
}


def vcpus(node_type: str) -> int:
    """The node type's vCPUs (KeyError for a type the catalogue does not know: the model refuses it first)."""
    return NODE_TYPE_VCPUS[node_type]


def watches_host_cpu(node_type: str) -> bool:
    """Whether AWS's guidance has the host's CPUUtilization watched on this node type (2 vCPUs or fewer)."""
    return vcpus(node_type) <= HOST_CPU_MAX_VCPUS


# -- Replication group id and backup window (B-11) -----------------------------------------------------
CREATE_REPLICATION_GROUP_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html"
# ReplicationGroupId: "A name must contain from 1 to 40 alphanumeric characters or hyphens. The first character
# must be a letter. A name cannot end with a hyphen or contain two consecutive hyphens." (also botocore's
# elasticache model; the provider's replication_group_id validator says the same). Stored lower-case.
REPLICATION_GROUP_ID_MAX_LENGTH = 40
REPLICATION_GROUP_ID_PATTERN = r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,39}(?<!-)$"
BACKUPS_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/backups-automatic.html"
# "The minimum length for the backup window is 60 minutes" (BACKUPS_SOURCE). Neither that page, the
# CreateReplicationGroup reference nor botocore's model says the backup window must not overlap the
# maintenance window (RDS has such a rule; ElastiCache documents none): not enforced, the estate's defaults
# keep them apart anyway (00:00-01:00 daily, Sunday 02:00-05:00).
SNAPSHOT_WINDOW_MIN_MINUTES = 60
SNAPSHOT_RETENTION_MAX_DAYS = 35


# -- AUTH token (§15 of the documentation review) ------------------------------------------------------
# "Passwords must be at least 16 and a maximum of 128 printable characters"; the only non-alphanumerics
# allowed are ! & # $ ^ < > - : https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/auth.html
# A generated token (SecretRef.generated, 32-128 alphanumerics) always fits; an operator-set token
# (secrets_manager / ssm / config) is not visible offline: a preflight matter.
AUTH_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/auth.html"
AUTH_TOKEN_MIN_LENGTH = 16
AUTH_TOKEN_MAX_LENGTH = 128
AUTH_TOKEN_PATTERN = r"^[A-Za-z0-9!&#$^<>-]{16,128}$"
