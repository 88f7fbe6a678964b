"""What every command shares: the output formats, the stack options, bad input (exit 2, one line per
problem on stderr), crashes (exit 70, one line) and writing the result; finding the project and
loading a stack come from ``tools.stacks``.

Exit codes of every command (README "Exit codes"): 0 success; 1 the command's finding (a mandatory
violation, a failed check, a change); 2 bad input (configuration, arguments, unreadable files);
``estate diff`` adds 3 for a dangerous change; 70 a crash: an unexpected exception, in the tools or in
the program under the mock runtime (a bug to report, never a finding, so never 1).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer

from tools.stacks import BadInput

BAD_INPUT = 2
# sysexits.h EX_SOFTWARE, "an internal software error": distinct from every finding and from bad input.
CRASH = 70
DEBUG_ENV = "ESTATE_DEBUG"  # ESTATE_DEBUG=1 prints a crash's traceback, as --debug does
_debug = {"on": False}

STACK_HELP = "Stack name (required unless --stack-file is given): reads Pulumi.<stack>.yaml from the project root."


def set_debug(on: bool) -> None:
    _debug["on"] = on


def debugging() -> bool:
    return _debug["on"] or os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no")


Command = TypeVar("Command", bound=Callable[..., Any])


def _control_flow() -> tuple[type[BaseException], ...]:
    """The exceptions the command-line framework ends a command with (exits, aborts, usage errors):
    typer's own since it vendors click, click's before."""
    usage_errors = next(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "ClickException")
    kinds: list[type[BaseException]] = [typer.Exit, typer.Abort, usage_errors]
    try:
        import click

        kinds += [click.exceptions.Exit, click.exceptions.Abort, click.exceptions.ClickException]
    except ImportError:
        pass
    return tuple(kinds)


_CONTROL_FLOW = _control_flow()


def crash_exits_70(command: Command) -> Command:
    """An unexpected exception ends the command with exit 70 and one line on stderr (the traceback
    too under --debug or ESTATE_DEBUG=1); the framework's own exits (typer.Exit, usage errors) pass through."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except _CONTROL_FLOW:
            raise
        except Exception as error:  # noqa: BLE001 (the point: whatever escapes is a crash, reported as one)
            crash(f"{type(error).__name__}: {_first_line(error)}", error)

    return guarded  # type: ignore[return-value]


def crash(what: str, error: BaseException | None = None, detail: str = "") -> NoReturn:
    """Exit 70: ``what`` on one line; the traceback (or ``detail``) only when debugging."""
    if debugging():
        if error is not None:
            traceback.print_exception(error, file=sys.stderr)
        elif detail:
            typer.echo(detail, err=True)
    hint = "" if debugging() else f"; rerun with --debug (or {DEBUG_ENV}=1) for the traceback"
    typer.echo(f"estate: internal error: {what} (a bug, not your input: please report it{hint})", err=True)
    raise typer.Exit(CRASH)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "(no message)"


def render_failed(error: BaseException, stack: str | None = None) -> NoReturn:
    """The program itself raised under the mock runtime (the estate was valid): a crash, exit 70."""
    where = f"{stack}: " if stack else ""
    crash(f"{where}the program failed to render: {_first_line(error)}", detail=str(error))


def require_stack(stack: str | None, stack_file: Path | None = None, *, file_option: bool = True) -> str | None:
    """The stack named on the command line (None when --stack-file names it). No default: a forgotten
    --stack must not silently act on prod (issue 12 #13)."""
    if stack is not None or stack_file is not None:
        return stack
    either = " or --stack-file <path>" if file_option else ""
    fail([f"--stack: required: name the stack (--stack prod reads Pulumi.prod.yaml){either}"])


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


def one_line(text: str) -> str:
    """A problem as one line: a control character a stack-file value carries (a carriage return, a
    newline inside a name) is shown escaped, so it cannot split one problem into two lines."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in str(text))


def fail(lines: Iterable[str], code: int = BAD_INPUT) -> NoReturn:
    for line in lines:
        typer.echo(one_line(line), err=True)
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
