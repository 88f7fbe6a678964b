"""The rules, one module per area; asking for the pack (``ALL_POLICIES``, ``INFO``...) registers them
all, in a stable order.

Importable as ``policies.rules`` (from the project) and as ``rules`` (when Pulumi runs the pack
with ``policies/`` as its directory): the modules import each other relatively. The rule modules
are loaded on first use of the pack's names, not by importing the package, so that
``policies.rules.patterns`` (the secret patterns the estate model shares) loads without the policy SDK.
"""

from __future__ import annotations

import importlib
from typing import Any

RULE_MODULES = ("alerting", "atlas", "cache", "cost", "estate", "mail", "secrets", "services", "storage")
_PACK_NAMES = ("ALL_POLICIES", "CATEGORY_LEVELS", "INFO", "PACK_NAME", "PACK_VERSION", "RuleInfo")

__all__ = ["RULE_MODULES", "load", *_PACK_NAMES]


def load() -> None:
    """Register every rule (idempotent). The pack's order is the modules' order, then each module's
    own, whatever module was imported first."""
    for module in RULE_MODULES:
        importlib.import_module(f"{__name__}.{module}")
    from .base import ALL_POLICIES, INFO

    ALL_POLICIES.sort(key=lambda policy: RULE_MODULES.index(INFO[policy.name].area))  # stable: keeps each module's order


def __getattr__(name: str) -> Any:
    if name in _PACK_NAMES:
        load()
        from . import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
