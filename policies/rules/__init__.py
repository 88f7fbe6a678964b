"""The rules, one module per area; importing this package registers them all, in a stable order.

Importable as ``policies.rules`` (from the project) and as ``rules`` (when Pulumi runs the pack
with ``policies/`` as its directory): the modules import each other relatively.
"""

from __future__ import annotations

from . import alerting, atlas, cache, cost, estate, mail, secrets, services, storage  # noqa: F401  (registration)
from .base import ALL_POLICIES, CATEGORY_LEVELS, INFO, PACK_NAME, PACK_VERSION, RuleInfo

__all__ = ["ALL_POLICIES", "CATEGORY_LEVELS", "INFO", "PACK_NAME", "PACK_VERSION", "RuleInfo"]
