"""``estate``: the command line of the project (offline preview, checks, diffs, live verification).

Each command lives in ``tools/commands/<name>.py`` (a thin layer over its library module in
``tools/``) and registers itself on the app; what they share is in ``tools/commands/common.py``.
Exit codes: 0 success, 1 the command's finding (violation, failed check, change), 2 bad input.
"""

from __future__ import annotations

import typer

from tools.commands import check, diff, preflight, preview, recovery, verify

app = typer.Typer(
    name="estate",
    help="The monitored estate: offline preview, policy checks, pull-request diffs, preflight and live verification.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """The monitored estate: offline preview, policy checks, pull-request diffs, preflight and live verification."""
    # An explicit callback keeps `estate <command>` a group even while only one command is registered.

for command in (preview, check, diff, preflight, verify, recovery):
    command.register(app)


if __name__ == "__main__":  # python -m tools.cli, as the diff does inside a base worktree
    app()
