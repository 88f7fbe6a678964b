"""Markdown for the generated tables: escaped cells, pipe tables, numbers as a person writes them."""

from __future__ import annotations

from collections.abc import Sequence


def cell(text: str) -> str:
    """A table cell: a pipe would end the cell, even inside a code span."""
    return text.replace("|", "\\|")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
