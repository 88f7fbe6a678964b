"""``estate cost``'s formats: a rich table (the terminal), markdown (a pull request, a wiki page) and JSON.

Each says the total, the breakdown by service and family, every line with its quantity, unit price and
source, and what is not priced."""

from __future__ import annotations

import io
import json

from data.catalogue.prices import HOURS_PER_MONTH, HOURS_PER_MONTH_SOURCE
from tools.cost.estimate import CostEstimate, CostLine

STATUS_WORDS = {
    "read": "read on the pricing page",
    "read-elsewhere": "read on a page quoting it",
    "unverified": "unverified: check the pricing page",
    "not-priced": "not priced",
}


def _amount(line: CostLine) -> str:
    return "not priced" if line.monthly_usd is None else f"{line.monthly_usd:,.2f}"


def _unit(line: CostLine) -> str:
    if line.price.usd is None:
        return "-"
    per = f"/{line.price.unit}" if line.price.unit else ""
    hours = f" x {HOURS_PER_MONTH} h" if line.hours != 1.0 else ""
    return f"{line.price.usd:g}{per}{hours}"


def _headline(estimate: CostEstimate) -> str:
    unpriced = len(estimate.unpriced_lines)
    return (f"Estimated monthly cost of stack {estimate.stack}: {estimate.total_usd:,.2f} USD"
            f" (on-demand list prices, {HOURS_PER_MONTH} h a month; {unpriced} lines not priced)")


def to_json(estimate: CostEstimate) -> str:
    return json.dumps(estimate.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_markdown(estimate: CostEstimate) -> str:
    out = [f"## {_headline(estimate)}", "", "### By service and family", "", "| service | family | USD a month |", "|---|---|---:|"]
    out += [f"| {service} | {family} | {usd:,.2f} |" for (service, family), usd in estimate.by_service_family().items()]
    out += [f"| **total** | | **{estimate.total_usd:,.2f}** |", "", "### Lines and their prices", "",
            "| service | family | item | region | quantity | unit price (USD) | USD a month | price | source |",
            "|---|---|---|---|---:|---|---:|---|---|"]
    for line in estimate.lines:
        out.append(
            f"| {line.service} | {line.family} | {line.item} | {line.region} | {line.quantity:g} | {_unit(line)} |"
            f" {_amount(line)} | {STATUS_WORDS.get(line.price.status, line.price.status)}, read {line.price.date_read} |"
            f" {line.price.cited or '-'} |"
        )
    out += ["", "### Not priced", ""]
    out += [f"- {line.service} / {line.family}: {line.item} ({line.region}): {' '.join(n for n in (line.note, line.price.note) if n)}" for line in estimate.unpriced_lines]
    out += [f"- {item}" for item in estimate.not_priced]
    out += ["", f"A month is {HOURS_PER_MONTH} hours ({HOURS_PER_MONTH_SOURCE}). Prices: data/catalogue/prices.py."]
    return "\n".join(out) + "\n"


def to_table(estimate: CostEstimate, *, width: int = 160, color: bool = False) -> str:
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="auto" if color else None, highlight=False)
    console.print(f"[bold]{_headline(estimate)}[/bold]")
    summary = Table(title="By service and family", title_justify="left")
    for column, justify in (("service", "left"), ("family", "left"), ("USD a month", "right")):
        summary.add_column(column, justify=justify)
    for (service, family), usd in estimate.by_service_family().items():
        summary.add_row(service, family, f"{usd:,.2f}")
    summary.add_row("[bold]total[/bold]", "", f"[bold]{estimate.total_usd:,.2f}[/bold]")
    console.print(summary)
    lines = Table(title="Lines and their prices", title_justify="left")
    for column, justify in (("service", "left"), ("item", "left"), ("region", "left"), ("qty", "right"),
                            ("unit price", "left"), ("USD a month", "right"), ("price", "left"), ("source", "left")):
        lines.add_column(column, justify=justify, overflow="fold")
    for line in estimate.lines:
        lines.add_row(line.service, f"{line.family}: {line.item}", line.region, f"{line.quantity:g}", _unit(line), _amount(line),
                      STATUS_WORDS.get(line.price.status, line.price.status), line.price.cited or "-")
    console.print(lines)
    console.print("[bold]Not priced[/bold]")
    for item in estimate.not_priced:
        console.print(f"- {item}")
    console.print(f"A month is {HOURS_PER_MONTH} hours ({HOURS_PER_MONTH_SOURCE}).")
    return buffer.getvalue()


def render_as(estimate: CostEstimate, output_format: str, *, color: bool = False) -> str:
    if output_format == "json":
        return to_json(estimate)
    if output_format == "markdown":
        return to_markdown(estimate)
    return to_table(estimate, color=color)
