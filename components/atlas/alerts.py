"""The alerts of the Atlas cluster: one row each, as Atlas-native alert configurations (not CloudWatch).

The Atlas counterpart of a signal table (``components/signals.py``): the row names the alert (its
configurations are ``<cluster>-<name>-<severity>``), the Atlas metric (``data.catalogue.atlas``: name
and units), the field of ``estate.atlas`` holding its threshold, and the matchers narrowing the hosts
beyond the cluster. The comparison follows the threshold's direction; Atlas averages the metric.
Seed 002: connections 80/95 %; replication lag is read on secondaries only (a primary has none).
"""

from __future__ import annotations

from dataclasses import dataclass

from data.catalogue import atlas
from data.catalogue.atlas import AtlasMetric


@dataclass(frozen=True)
class AtlasAlert:
    """One watched quantity of the cluster, alerted at each declared level of its threshold."""

    name: str
    metric: AtlasMetric
    threshold_key: str  # field of estate.atlas (stack-file keys keep their names)
    what: str
    matchers: tuple[tuple[str, str], ...] = ()  # (host matcher fieldName, value), EQUALS, on top of the replica set
    interval_min: int = 60  # Atlas repeats an open alert's notification every hour
    delay_min: int = 0
    source: str = atlas.ADMIN_API_SOURCE


ALERTS: tuple[AtlasAlert, ...] = (
    AtlasAlert("connections", atlas.CONNECTIONS_PERCENT, "connections_percent", "connections, % of the tier's limit"),
    AtlasAlert("replication-lag", atlas.OPLOG_SLAVE_LAG_MASTER_TIME, "replication_lag_seconds", "replication lag, seconds",
               matchers=((atlas.MATCH_HOST_TYPE, atlas.SECONDARY),)),
    AtlasAlert("disk", atlas.DISK_PARTITION_SPACE_USED_DATA, "disk_percent", "data disk used, %"),
)
