"""Disaster recovery, computed from the renders (the library behind ``estate recovery`` and the RPO/RTO
tables of docs/disaster-recovery.md):

- ``rpo``: per data class, what the primary stack declares toward the DR region and the recovery point
  it achieves (S3 replication, Atlas snapshot copies, Secrets Manager replicas; the cache is rebuilt);
- ``rto``: the DR stack's ``pulumi up`` as the critical path of its resource graph, plus the steps of
  the procedure outside it;
- ``parity``: every alarm signal, topic, route, dashboard section and health check of the primary stack
  has its DR counterpart.

Every figure comes from ``data.catalogue.recovery`` with its source or an estimate note; the runbooks'
expectations are in ``expectations``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tools.recovery.parity import Parity, parity as dr_parity
from tools.recovery.rpo import NOT_DECLARED, PARTIAL, ClassRecovery, recovery_points
from tools.recovery.rto import RecoveryTime, recovery_time
from tools.recovery.stack import StackRender

__all__ = ["RecoveryReport", "StackRender", "recovery_report"]


@dataclass(frozen=True)
class RecoveryReport:
    primary: str
    dr: str
    primary_region: str
    dr_region: str
    points: tuple[ClassRecovery, ...]
    time: RecoveryTime
    parity: Parity
    problems: tuple[str, ...] = field(default=())

    @property
    def unprotected(self) -> tuple[ClassRecovery, ...]:
        """Data classes meant to survive the region whose copy is missing or partial."""
        return tuple(p for p in self.points if p.status in (NOT_DECLARED, PARTIAL))

    def exit_code(self, strict: bool = False) -> int:
        """1 when DR parity fails or the stacks disagree; with ``strict``, also when data is not copied."""
        return int(bool(self.problems or not self.parity.ok or (strict and self.unprotected)))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["time"]["estimated_minutes"] = self.time.estimated_minutes
        out["time"]["not_estimated"] = list(self.time.not_estimated)
        out["parity"]["ok"] = self.parity.ok
        return out


def recovery_report(primary: StackRender, dr: StackRender, *, declared_dr_region: str | None = None) -> RecoveryReport:
    """The report for ``primary`` recovered into ``dr`` (whose default region is the DR region).
    ``declared_dr_region``: the primary stack file's ``disaster_recovery.region``, when it has one."""
    problems = []
    if declared_dr_region is not None and declared_dr_region != dr.region:
        problems.append(f"the {primary.stack} stack names {declared_dr_region} as its DR region, the {dr.stack} stack is in {dr.region}")
    if dr.region == primary.region:
        problems.append(f"the {dr.stack} stack is in {dr.region}, the region it should survive")
    return RecoveryReport(
        primary=primary.stack, dr=dr.stack, primary_region=primary.region, dr_region=dr.region,
        points=tuple(recovery_points(primary, dr.region)), time=recovery_time(dr), parity=dr_parity(primary, dr),
        problems=tuple(problems),
    )
