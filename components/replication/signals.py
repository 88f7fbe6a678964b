"""The signals of a bucket replicated to the DR region (issue 11): one row each, driving its alarms and
its runbook section.

S3 publishes replication metrics per rule once the rule's Metrics are Enabled (always, here), in the
source bucket's region, by ``SourceBucket``, ``DestinationBucket`` and ``RuleId``. A failed operation means
an object (or delete marker, tag, lock) the standby does not have: the DR copy silently falls behind, so
any failure in five minutes warns. The latency row is for buckets under Replication Time Control only,
whose recovery point the estate states as 15 minutes: above it, that promise is broken. S3 asks replication
alarms to treat missing data as ``ignore`` (no write, no datapoint; the state is kept).
"""

from __future__ import annotations

from components.signals import Signal, SignalTable
from data.catalogue import s3
from data.model import Threshold

FAILED, LATENCY = "replication-failed", "replication-latency"

SIGNALS = SignalTable("s3-replication", "replicated bucket", (
    Signal(
        FAILED, "", "operations that failed to replicate to the DR standby bucket", "operations",
        metric=s3.OPERATIONS_FAILED_REPLICATION, statistic="Sum", period=300, evaluation_periods=1,
        treat_missing_data=s3.REPLICATION_MISSING_DATA, fixed=Threshold(warning=0),
    ),
    Signal(
        LATENCY, "", "seconds the DR standby bucket is behind its source (Replication Time Control: 15 minutes)", "s",
        metric=s3.REPLICATION_LATENCY, statistic="Maximum", period=300, evaluation_periods=3,
        treat_missing_data=s3.REPLICATION_MISSING_DATA, fixed=Threshold(warning=s3.RTC_MINUTES * 60),
    ),
))
