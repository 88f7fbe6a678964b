"""Every family's signal table, and the model whose fields hold each table's default thresholds.

The generated signals table of ``docs/runbooks.md`` (``tools/reference/signals.py``) reads this index: one row
per signal, its default warning and critical levels read from the field of ``THRESHOLDS[family]``
that the row's ``threshold_key`` names, so a default is written once, in the estate model. A family
adds its table to ``SIGNAL_TABLES`` and its thresholds model to ``THRESHOLDS`` (a test checks that
every table has one and that every ``threshold_key`` is a field of it).

Like ``components/signals.py``, this module imports no Pulumi SDK: the docs generator and the policy
pack read it as plain data.
"""

from __future__ import annotations

from components.atlas.alerts import ALERTS as ATLAS_ALERTS  # noqa: F401  (the Atlas-native counterpart, re-exported)
from components.beanstalk.signals import SIGNALS as BEANSTALK_SIGNALS
from components.cache.signals import SIGNALS as CACHE_SIGNALS
from components.certificate.signals import SIGNALS as CERTIFICATE_SIGNALS
from components.cdn.signals import SIGNALS as CDN_SIGNALS
from components.healthchecks.signals import SIGNALS as HEALTH_CHECK_SIGNALS
from components.mail.signals import SIGNALS as MAIL_SIGNALS
from components.replication.signals import SIGNALS as REPLICATION_SIGNALS
from components.signals import SignalTable
from data.model import Atlas, CacheThresholds, CdnThresholds, Mail, Network, ServiceThresholds, StrictModel

SIGNAL_TABLES: tuple[SignalTable, ...] = (
    BEANSTALK_SIGNALS,
    CERTIFICATE_SIGNALS,
    HEALTH_CHECK_SIGNALS,
    CACHE_SIGNALS,
    MAIL_SIGNALS,
    CDN_SIGNALS,
    REPLICATION_SIGNALS,
)

# family -> the estate model whose fields the family's ``threshold_key`` names (its defaults live there);
# None for a family whose thresholds are fixed by the metric itself (``Signal.fixed``).
THRESHOLDS: dict[str, type[StrictModel] | None] = {
    "beanstalk": ServiceThresholds,
    "acm": Network,
    "route53": None,
    "cache": CacheThresholds,
    "mail": Mail,
    "cdn": CdnThresholds,
    "s3-replication": None,
}
# The Atlas alert table's thresholds live on the estate's ``atlas`` section.
ATLAS_THRESHOLDS: type[StrictModel] = Atlas


def thresholds_model(table: SignalTable) -> type[StrictModel] | None:
    """The model holding ``table``'s default thresholds (None: every row is fixed); a table missing
    from ``THRESHOLDS`` is a mistake in this file."""
    try:
        return THRESHOLDS[table.family]
    except KeyError:
        raise KeyError(f"signal table {table.family!r} has no thresholds model in components/signal_tables.py THRESHOLDS") from None
