"""The report as a rich table (people), markdown (the monthly report posted where runbook 000's
``monthly-report.sh`` wrote ``report-$MONTH.txt``) and JSON (everything, unrounded, for tools)."""

from __future__ import annotations

import io
import json

from tools.report import ERROR, MonthlyReport, ServiceReport


def to_json(report: MonthlyReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n"


def _percent(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f} %"


def _count(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _heading(report: MonthlyReport) -> str:
    month = report.month
    so_far = f" (so far: to {month.until:%Y-%m-%d %H:%M} UTC)" if month.partial else ""
    return f"Availability of stack {report.stack} ({report.region}), {month.label}{so_far}"


def _availability(service: ServiceReport) -> str:
    if service.status == ERROR:
        return "not measured"
    return "no requests" if service.availability is None else _percent(service.availability)


def _incidents(service: ServiceReport) -> str:
    if service.incidents is None:
        return "unknown"
    if not service.incidents:
        return "none"
    return f"{len(service.incidents)} ({service.incident_minutes:.0f} min)"


def _rows(report: MonthlyReport) -> list[list[str]]:
    return [[s.service, _percent(s.objective, 2), _availability(s), _count(s.counts and s.counts.requests),
             _count(s.counts and s.counts.errors), _percent(s.budget_spent, 1), _percent(s.budget_remaining, 1),
             _incidents(s), s.status] for s in report.services]


HEADERS = ["service", "objective", "availability", "requests", "errors", "budget spent", "budget left", "incidents", "status"]


def _details(report: MonthlyReport) -> list[str]:
    """What a row cannot hold: why a service was not measured, each incident, what the history misses."""
    lines = []
    for service in report.services:
        if service.problem:
            lines.append(f"{service.service}: error: {service.problem}")
        for incident in service.incidents or ():
            since = " (already in ALARM when the month began)" if incident.open_at_start else ""
            still = " (still in ALARM)" if incident.open_at_end else ""
            lines.append(f"{service.service}: {incident.alarm} in ALARM {incident.start:%Y-%m-%d %H:%M} to"
                         f" {incident.end:%Y-%m-%d %H:%M} UTC, {incident.minutes:.0f} min{since}{still}")
        if service.incidents_note:
            lines.append(f"{service.service}: incidents: {service.incidents_note}")
    return lines


def _summary(report: MonthlyReport) -> str:
    if not report.services:
        return f"No service of stack {report.stack} declares an availability objective (`slo`): nothing to report."
    if report.exit_code == 0:
        return "Every objective is met."
    parts = []
    if report.missed:
        parts.append(f"objective missed: {', '.join(report.missed)}")
    if report.errors:
        parts.append(f"not measured: {', '.join(report.errors)}")
    return "; ".join(parts).capitalize() + "."


def to_markdown(report: MonthlyReport) -> str:
    out = [f"## {_heading(report)}", "",
           "Runbook 000, monthly report (Rapport Mensuel), 1. DISPONIBILITÉ: measured from CloudWatch, not typed in.", ""]
    if report.services:
        out += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in _rows(report)]
        out.append("")
    out += [f"- {line}" for line in _details(report)]
    if _details(report):
        out.append("")
    out += [_summary(report), "",
            f"Availability = 1 - errors / requests, summed over hourly datapoints from {report.month.start:%Y-%m-%d %H:%M}"
            f" to {report.month.until:%Y-%m-%d %H:%M} UTC; budget = (1 - objective) x requests.", ""]
    return "\n".join(out)


def to_table(report: MonthlyReport, *, width: int = 120, color: bool = False) -> str:
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="auto" if color else None, highlight=False)
    if report.services:
        table = Table(title=_heading(report), title_justify="left")
        for header in HEADERS:
            table.add_column(header, justify="left" if header in ("service", "status") else "right", overflow="fold", no_wrap=header == "service")
        for row, service in zip(_rows(report), report.services):
            style = {"missed": "red", "error": "red", "met": "green"}.get(service.status, "yellow")
            table.add_row(*row[:-1], f"[{style}]{row[-1]}[/{style}]")
        console.print(table)
    else:
        console.print(_heading(report))
    for line in _details(report):
        console.print(line, markup=False)
    console.print(_summary(report), markup=False)
    return buffer.getvalue()


def render(report: MonthlyReport, output_format: str, *, color: bool = False) -> str:
    return {"json": to_json, "markdown": to_markdown}.get(output_format, lambda r: to_table(r, color=color))(report)


__all__ = ["render", "to_json", "to_markdown", "to_table"]
