"""What a change does to the monthly estimate: base and head estimated alike, compared by service and
family; ``delta_markdown`` is the short section ``estate diff`` puts in the pull-request comment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.cost.estimate import CostEstimate, CostLine, estimate


@dataclass(frozen=True)
class DeltaRow:
    service: str
    family: str
    before_usd: float
    after_usd: float
    changes: tuple[str, ...] = ()  # the lines whose quantity or price moved, in words

    @property
    def delta_usd(self) -> float:
        return round(self.after_usd - self.before_usd, 2)


@dataclass
class CostDelta:
    base: CostEstimate
    head: CostEstimate
    rows: list[DeltaRow] = field(default_factory=list)
    unpriced_added: list[str] = field(default_factory=list)  # new "not priced" lines: a cost the figure leaves out

    @property
    def delta_usd(self) -> float:
        return round(self.head.total_usd - self.base.total_usd, 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "before_usd": self.base.total_usd, "after_usd": self.head.total_usd, "delta_usd": self.delta_usd,
            "rows": [{"service": r.service, "family": r.family, "before_usd": r.before_usd, "after_usd": r.after_usd,
                      "delta_usd": r.delta_usd, "changes": list(r.changes)} for r in self.rows],
            "unpriced_added": self.unpriced_added,
        }


def _line_key(line: CostLine) -> tuple:
    return (line.service, line.family, line.item, line.region)


def _describe(before: CostLine | None, after: CostLine | None) -> str | None:
    line = after or before
    assert line is not None
    quantity = lambda l: f"{l.quantity:g}" if l else "0"  # noqa: E731
    if before is not None and after is not None and before.quantity == after.quantity and before.price.usd == after.price.usd:
        return None
    return f"{line.item} ({line.region}): {quantity(before)} -> {quantity(after)}"


def cost_delta(base_render: Any, head_render: Any, *, base_region: str | None = None, head_region: str | None = None) -> CostDelta:
    """The estimates of two renders (or of two ``CostEstimate``) and their difference by service and family.

    A render as the JSON contract (``estate diff``'s base) does not carry its default region: pass it
    (``base_region``, ``head_region``: the estate's ``aws:region``), or its resources are not priced."""
    base = base_render if isinstance(base_render, CostEstimate) else estimate(base_render, region=base_region)
    head = head_render if isinstance(head_render, CostEstimate) else estimate(head_render, region=head_region)
    before_lines = {_line_key(l): l for l in base.lines}
    after_lines = {_line_key(l): l for l in head.lines}
    groups = sorted({k[:2] for k in before_lines} | {k[:2] for k in after_lines})
    before_totals, after_totals = base.by_service_family(), head.by_service_family()
    rows = []
    for group in groups:
        keys = sorted({k for k in before_lines if k[:2] == group} | {k for k in after_lines if k[:2] == group})
        changes = tuple(c for c in (_describe(before_lines.get(k), after_lines.get(k)) for k in keys) if c)
        before, after = before_totals.get(group, 0.0), after_totals.get(group, 0.0)
        if changes or round(after - before, 2):
            rows.append(DeltaRow(group[0], group[1], before, after, changes))
    rows.sort(key=lambda r: (-abs(r.delta_usd), r.service, r.family))
    unpriced = [f"{l.service} / {l.family}: {l.item} ({l.region})" for k, l in after_lines.items()
                if l.monthly_usd is None and (k not in before_lines or before_lines[k].quantity < l.quantity)]
    return CostDelta(base, head, rows, unpriced)


def _usd(value: float, signed: bool = False) -> str:
    text = f"{abs(value):,.2f} USD"
    if not signed:
        return text
    return f"+{text}" if value > 0 else f"-{text}" if value < 0 else "±0.00 USD"


def delta_markdown(delta: CostDelta, *, max_rows: int = 15, heading: bool = True) -> str:
    """A short markdown section: the monthly delta, the rows that moved (largest first), what is not priced
    (``heading=False``: without its title, for a report that titles its sections itself)."""
    out = ["### Estimated monthly cost", ""] if heading else []
    out += [
        f"**{_usd(delta.delta_usd, signed=True)} a month**: {_usd(delta.base.total_usd)} -> {_usd(delta.head.total_usd)}"
        " (offline list prices, 730 h a month; `estate cost` for the breakdown and sources).",
        "",
    ]
    if delta.rows:
        out += ["| service | family | before | after | change | what moved |", "|---|---|---:|---:|---:|---|"]
        for row in delta.rows[:max_rows]:
            moved = "; ".join(row.changes[:3]) + (f"; {len(row.changes) - 3} more" if len(row.changes) > 3 else "")
            out.append(f"| {row.service} | {row.family} | {row.before_usd:,.2f} | {row.after_usd:,.2f} |"
                       f" {_usd(row.delta_usd, signed=True)} | {moved.replace('|', '/')} |")
        if len(delta.rows) > max_rows:
            out.append(f"| ... | {len(delta.rows) - max_rows} more rows | | | | |")
        out.append("")
    else:
        out += ["No priced change.", ""]
    if delta.unpriced_added:
        out += ["Added and **not priced** (the figure leaves them out): " + "; ".join(delta.unpriced_added[:10]) + ".", ""]
    out.append("Not priced at all: " + "; ".join(delta.head.not_priced[:5]) + "; ...")
    return "\n".join(out) + "\n"
