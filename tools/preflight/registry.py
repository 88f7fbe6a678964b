"""The one registry of preflight checks, and what every check is given (``Context``).

A check is a function ``(ctx) -> iterable of Result`` registered with ``@check(name, what)``; each
family of checks lives in its own module of this package and registers itself on import. The runner
calls them in registration order. A check asks AWS through ``ctx.clients`` (read-only calls only)
and reports, for every subject, a pass, a failure with what to do, or not-checkable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from data.catalogue.regions import regions_of
from data.model import Estate
from tools.preflight.aws import Clients, Unavailable
from tools.preflight.result import FAIL, NOT_CHECKABLE, PASS, Result


@dataclass(frozen=True)
class CheckSpec:
    name: str
    what: str
    run: Callable[[Context], Iterable[Result]]


CHECKS: dict[str, CheckSpec] = {}


def check(name: str, what: str) -> Callable:
    """Register a check under ``name`` (the word of its FAIL lines)."""

    def register(fn: Callable[[Context], Iterable[Result]]) -> Callable[[Context], Iterable[Result]]:
        if name in CHECKS:
            raise ValueError(f"preflight check '{name}' registered twice")
        CHECKS[name] = CheckSpec(name, what, fn)
        return fn

    return register


@dataclass
class Context:
    """What a check may read: the estate, its stack file (for ``config:`` secrets), AWS and the
    environment (Atlas keys). ``memo`` shares lookups between checks (the NAT gateways)."""

    estate: Estate
    clients: Clients
    config: Mapping[str, Any] = field(default_factory=dict)  # the stack file's config (keys only matter)
    project_dir: Any = None  # the directory of the stack files (other stacks of the same project)
    stack: str = ""
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def region(self) -> str:
        return self.estate.region

    @property
    def regions(self) -> list[str]:
        """The estate's regions: its own and the global-metrics region (alert topics live in both)."""
        return regions_of(self.estate.region)

    # Result helpers: every check speaks through these so the lines read alike.
    def passed(self, check: str, subject: str, region: str, detail: str) -> Result:
        return Result(check, subject, region, PASS, detail)

    def failed(self, check: str, subject: str, region: str, detail: str, action: str) -> Result:
        return Result(check, subject, region, FAIL, detail, action)

    def unchecked(self, check: str, subject: str, region: str, detail: str, action: str = "") -> Result:
        return Result(check, subject, region, NOT_CHECKABLE, detail, action)

    def unavailable(self, check: str, subject: str, region: str, what: str, error: Unavailable, by_hand: str) -> Result:
        return Result(check, subject, region, NOT_CHECKABLE, f"{what}: {error}", by_hand)
