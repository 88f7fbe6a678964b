"""Recovery time of the DR stack's ``pulumi up``, from its resource graph: the longest chain of
dependencies, each resource weighted by its type's creation time (``data.catalogue.recovery``).

The engine creates a resource once everything it depends on exists, and independent resources in
parallel, so the critical path is a lower bound of the ``pulumi up`` (it assumes enough parallelism).
A dependency on a component waits for every resource under it; providers cost nothing. The steps of
the procedure the graph does not contain (database restore, application deployment, traffic switch)
follow, with their estimates where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data.catalogue import recovery as facts
from tools.recovery.stack import StackRender


@dataclass(frozen=True)
class PathStep:
    type: str
    name: str
    minutes: float
    basis: str  # documented | estimate (the catalogue's default is an estimate too)
    starts_at: float


@dataclass(frozen=True)
class RecoveryTime:
    stack: str
    resources: int
    graph_minutes: float
    critical_path: tuple[PathStep, ...]
    steps: tuple[facts.ProcedureStep, ...]

    @property
    def estimated_minutes(self) -> float:
        """The graph plus the procedure steps that have an estimate (a lower bound: some have none)."""
        return self.graph_minutes + sum(step.minutes for step in self.steps if step.minutes is not None)

    @property
    def not_estimated(self) -> tuple[str, ...]:
        return tuple(step.step for step in self.steps if step.minutes is None)


class CyclicGraph(ValueError):
    pass


def _waits_for(render: StackRender, resource: dict[str, Any]) -> set[str]:
    """The custom resources ``resource`` waits for: its dependencies, a component standing for its children."""
    found: set[str] = set()
    for urn in resource.get("dependencies") or []:
        dependency = render.by_urn.get(urn)
        if dependency is None:
            continue
        if dependency.get("custom", True):
            found.add(urn)
        else:
            found.update(r["urn"] for r in render.descendants(urn) if r.get("custom", True))
    return found


def _costs(resource: dict[str, Any]) -> facts.CreationTime | None:
    if resource["type"].startswith("pulumi:providers:") or not resource.get("custom", True):
        return None
    return facts.creation_time(resource["type"])


def recovery_time(dr: StackRender) -> RecoveryTime:
    nodes = {r["urn"]: r for r in dr.resources if _costs(r) is not None}
    edges = {urn: sorted(_waits_for(dr, r) & nodes.keys()) for urn, r in nodes.items()}
    finish: dict[str, float] = {}
    visiting: set[str] = set()

    def done(urn: str) -> float:  # when the resource exists, the engine starting at 0
        if urn in finish:
            return finish[urn]
        if urn in visiting:
            raise CyclicGraph(f"dependency cycle through {urn}")
        visiting.add(urn)
        start = max((done(before) for before in edges[urn]), default=0.0)
        visiting.discard(urn)
        finish[urn] = start + _costs(nodes[urn]).minutes
        return finish[urn]

    for urn in sorted(nodes):
        done(urn)
    path: list[PathStep] = []
    # The last resource to exist ends the path; ties broken by URN so the path is deterministic.
    current = max(sorted(nodes), key=lambda urn: finish[urn], default=None)
    while current is not None:
        cost = _costs(nodes[current])
        path.append(PathStep(nodes[current]["type"], nodes[current]["name"], cost.minutes, cost.basis,
                             finish[current] - cost.minutes))
        current = max(edges[current], key=lambda urn: finish[urn], default=None)
    return RecoveryTime(dr.stack, len(nodes), max(finish.values(), default=0.0), tuple(reversed(path)),
                        facts.PROCEDURE_STEPS)
