"""The estate model: everything the stack file declares, validated before any resource exists.

The stack file (``Pulumi.<stack>.yaml``) holds the estate as data under ``monitored-estate:estate``;
these pydantic models are its schema. Components receive these objects and never read config.
Defaults come from the runbooks (``../shared/seeds``); where a runbook is wrong the default is the
corrected value and ``docs/seed-decisions.md`` records why.

One module per part of the estate, named for the family it configures: ``base`` (what they share:
the strict model, severities, secret references, maintenance windows, thresholds), ``alerting``,
``services``, ``cdn``, ``dashboards``, ``network``, ``storage``, ``cache``, ``mail``, ``atlas``,
``budget``, ``disaster_recovery``, and ``estate`` (the root, its exemptions and its cross-references). Import from
``data.model``: the names below are its public interface.
"""

from __future__ import annotations

from data.model.alerting import Alerting, SmsPreferences, Subscription, Team
from data.model.atlas import Atlas, AtlasAccessEntry, AtlasBackup, AtlasCollection, AtlasIndex
from data.model.base import (
    SEVERITIES_BY_URGENCY,
    Maintenance,
    MaintenanceWindow,
    OneOffWindow,
    Name,
    SecretRef,
    Severity,
    StrictModel,
    Threshold,
)
from data.model.budget import Budget
from data.model.cache import Cache, CacheThresholds
from data.model.cdn import CdnAdvice, CdnDistribution, CdnThresholds
from data.model.dashboards import BusinessMetrics, OverviewDashboard
from data.model.disaster_recovery import DisasterRecovery, ReplicatedBucket
from data.model.estate import Estate, Exemption
from data.model.mail import EmailTemplate, Mail
from data.model.network import Network
from data.model.slo import BURN_RATE_PAIRS, BurnRatePair, LatencyObjective, ServiceObjective
from data.model.services import (
    HealthCheck,
    MetricAlarm,
    Platform,
    PlatformMetricAlarm,
    Scaling,
    Service,
    ServiceThresholds,
)
from data.model.storage import STORAGE_CLASSES, Bucket, Cors, LifecycleRule, NoncurrentVersions, Transition

# Names and values that look like secrets: one definition, shared with the policy pack's secrets rules
# (that module imports only ``re``, not the policy SDK).
from data.secret_patterns import SECRET_NAME_PATTERN, SECRET_VALUE_PATTERN, looks_secret

__all__ = [
    "BURN_RATE_PAIRS", "SECRET_NAME_PATTERN", "SECRET_VALUE_PATTERN", "SEVERITIES_BY_URGENCY", "STORAGE_CLASSES",
    "Alerting", "Atlas", "BurnRatePair", "AtlasAccessEntry", "AtlasBackup", "AtlasCollection", "AtlasIndex", "Bucket", "Budget",
    "BusinessMetrics", "Cache", "CacheThresholds", "CdnAdvice", "CdnDistribution", "CdnThresholds", "Cors",
    "DisasterRecovery", "EmailTemplate",
    "Estate", "Exemption", "HealthCheck", "LatencyObjective", "LifecycleRule", "Mail", "Maintenance", "MaintenanceWindow", "MetricAlarm",
    "OneOffWindow",
    "Name", "Network", "NoncurrentVersions", "OverviewDashboard", "Platform", "PlatformMetricAlarm", "ReplicatedBucket",
    "Scaling",
    "SecretRef", "Service", "ServiceObjective", "ServiceThresholds", "Severity", "SmsPreferences", "StrictModel", "Subscription", "Team",
    "Threshold", "Transition", "looks_secret",
]
