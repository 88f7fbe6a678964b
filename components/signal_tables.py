"""Every family's signal table, and the model whose fields hold each table's default thresholds.

The generated signals table of ``docs/runbooks.md`` (``tools/reference.py``) reads this index: one row
per signal, its default warning and critical levels read from the field of ``THRESHOLDS[family]``
that the row's ``threshold_key`` names, so a default is written once, in the estate model. A family
adds its table to ``SIGNAL_TABLES`` and its thresholds model to ``THRESHOLDS`` (a test checks that
every table has one and that every ``threshold_key`` is a field of it).

Like ``components/signals.py``, this module imports no Pulumi SDK: the docs generator and the policy
pack read it as plain data.
"""

from __future__ import annotations

from components.beanstalk.signals import SIGNALS as BEANSTALK_SIGNALS
from components.signals import SignalTable
from data.model import ServiceThresholds, StrictModel

SIGNAL_TABLES: tuple[SignalTable, ...] = (
    BEANSTALK_SIGNALS,
)

# family -> the estate model whose fields the family's ``threshold_key`` names (its defaults live there)
THRESHOLDS: dict[str, type[StrictModel]] = {
    "beanstalk": ServiceThresholds,
}


def thresholds_model(table: SignalTable) -> type[StrictModel]:
    """The model holding ``table``'s default thresholds; a table without one is a mistake in this file."""
    try:
        return THRESHOLDS[table.family]
    except KeyError:
        raise KeyError(f"signal table {table.family!r} has no thresholds model in components/signal_tables.py THRESHOLDS") from None
