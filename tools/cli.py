"""``estate``: the command line of the project (offline preview, checks, diffs, live verification).

Each command lives in ``tools/commands/<name>.py`` (a thin layer over its library module in
``tools/``) and registers itself on the app; what they share is in ``tools/commands/common.py``.
Exit codes: 0 success, 1 the command's finding (violation, failed check, change), 2 bad input,
3 a dangerous change (``diff``), 70 a crash (one line; the traceback under ``--debug``).
"""

from __future__ import annotations

import atexit
import gc
from typing import Any

import typer

from tools.commands import check, cost, diff, preflight, preview, recovery, report, verify
from tools.commands.common import DEBUG_ENV, crash_exits_70, set_debug


class EstateApp(typer.Typer):
    """Every command registered on it is guarded: an unexpected exception exits 70, never 1."""

    def command(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        register = super().command(*args, **kwargs)
        return lambda function: register(crash_exits_70(function))


app = EstateApp(
    name="estate",
    help="The monitored estate: offline preview, policy checks, pull-request diffs, preflight and live verification.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("monitored-estate")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"estate {version()}")
        raise typer.Exit(0)


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help=f"On a crash (exit 70), print the traceback (or set {DEBUG_ENV}=1)."),
    show_version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit.",
    ),
) -> None:
    """The monitored estate: offline preview, policy checks, pull-request diffs, preflight and live verification.

    Exit codes: 0 success; 1 a mandatory violation (check), a failed check (verify, preflight, recovery)
    or a change (diff); 2 bad input; 3 a dangerous change (diff); 70 a crash (a bug: report it).
    """
    set_debug(debug)
    # Every command exits without the interpreter's last collections over what it rendered (about 2 s of
    # a preview; tools/diff/base.py FAST_EXIT): the output is written by then, nothing is left to free.
    atexit.register(gc.freeze)


for command in (preview, check, diff, preflight, verify, recovery, report, cost):
    command.register(app)


if __name__ == "__main__":  # python -m tools.cli, as the diff does inside a base worktree
    app()
