"""The rules, one module per area, registered in a stable order: the modules' order below, then
each module's own.

Importable as ``policies.rules`` (from the project) and as ``rules`` (when Pulumi runs the pack
with ``policies/`` as its directory): the modules import each other relatively, and read AWS facts
from the project's data layer (``data.catalogue``), installed in the pack's virtualenv.
"""

from __future__ import annotations

from . import alerting, atlas, cache, cost, estate, mail, secrets, services, slo, storage  # noqa: F401  (registers)
from .base import ALL_POLICIES, CATEGORY_LEVELS, INFO, PACK_NAME, PACK_VERSION, RuleInfo

RULE_MODULES = ("alerting", "atlas", "cache", "cost", "estate", "mail", "secrets", "services", "storage")

__all__ = ["ALL_POLICIES", "CATEGORY_LEVELS", "INFO", "PACK_NAME", "PACK_VERSION", "RULE_MODULES", "RuleInfo"]
