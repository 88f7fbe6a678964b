"""The burn-rate tables of docs/runbooks.md: the Workbook's pairs as the program declares them
(``data.model.slo.BURN_RATE_PAIRS``) and, per stack of this checkout and service with an objective, the
thresholds with their arithmetic (99.9 % -> budget 0.001 -> fast: 14.4 x 0.001 = 0.0144)."""

from __future__ import annotations

from data.model.slo import BURN_RATE_PAIRS, WORKBOOK, burn_rate_threshold, error_budget, window_text
from tools.reference.markdown import number, table

STACKS = ("prod", "dr")


def pairs_table() -> str:
    rows = [(
        f"[`{pair.signal}`](#{pair.signal})", "page" if pair.severity.value == "critical" else "ticket",
        f"{number(round(pair.budget_fraction * 100, 6))} % of the window's budget",
        window_text(pair.long_window), window_text(pair.short_window),
        f"{number(round(pair.budget_fraction * 100, 6))} % x 30 days / {window_text(pair.long_window)} = {number(pair.burn_rate(30))}",
        pair.severity.value, f"`<service>-{pair.signal}-{pair.severity.value}`",
    ) for pair in BURN_RATE_PAIRS]
    return table(("Alert", "Kind", "Spent", "Long window", "Short window", "Burn rate (30-day objective)", "Severity",
                  "Composite alarm"), rows)


def _estates():
    from data.config import estate_from_stack_file, load_stack_file
    from infra.engine import PROJECT_ROOT

    for stack in STACKS:
        yield stack, estate_from_stack_file(load_stack_file(PROJECT_ROOT / f"Pulumi.{stack}.yaml"))


def thresholds_table() -> str:
    rows = []
    for stack, estate in _estates():
        for service in estate.services:
            objective = service.slo
            if objective is None:
                continue
            budget = error_budget(objective)
            cells = []
            for pair in BURN_RATE_PAIRS:
                rate = pair.burn_rate(objective.window_days)
                cells.append(f"{number(rate)} x {number(budget)} = **{number(burn_rate_threshold(objective, rate))}**")
            rows.append((stack, f"`{service.name}`", f"{number(objective.availability)} % over {objective.window_days} days",
                         f"1 - {number(objective.availability)} / 100 = {number(budget)}", *cells))
    return table(("Stack", "Service", "Objective", "Error budget", *(f"`{pair.signal}` threshold" for pair in BURN_RATE_PAIRS)), rows)


def slo_tables() -> str:
    return (f"The pairs ([SRE Workbook, Alerting on SLOs]({WORKBOOK}), `data/model/slo.py`):\n\n{pairs_table()}\n\n"
            "The thresholds of each service with an objective (`services[].slo`), an error ratio over the window:\n\n"
            f"{thresholds_table()}")
