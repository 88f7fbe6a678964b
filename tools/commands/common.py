"""What every command shares: the output formats, bad input (exit 2, one line per problem on stderr)
and writing the result; finding the project and loading a stack come from ``tools.stacks``.

Exit codes of every command: 0 success, 1 the command's finding (violation, failed check, change,
or a program that fails to render), 2 bad input; ``estate diff`` adds 3 for a dangerous change.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import NoReturn

import typer

from tools.stacks import BadInput

BAD_INPUT = 2


class TableFormat(str, Enum):
    """``estate preview`` and ``estate check``."""

    table = "table"
    json = "json"
    markdown = "markdown"


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


class VerifyFormat(str, Enum):
    text = "text"
    json = "json"


def fail(lines: Iterable[str], code: int = BAD_INPUT) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def bad_input_exits_2() -> Iterator[None]:
    """An invalid stack configuration or unusable input ends the command with exit 2."""
    from data.config import EstateConfigError

    try:
        yield
    except EstateConfigError as error:
        fail(error.problems)
    except BadInput as error:
        fail(error.lines)


def write_output(text: str, output: Path | None, note: str | None = None) -> None:
    """``text`` to ``output`` (saying ``note`` on stderr), or to standard output."""
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    if note:
        typer.echo(note, err=True)
