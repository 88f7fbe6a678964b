"""``estate preview``: render a stack offline and summarise (or dump) what the program declares.

`--format html --output FILE` writes one self-contained page (tools/pictures/page.py).

Exit codes: 0 rendered; 2 bad input (no --stack, invalid stack configuration, unreadable stack file:
one line per problem on stderr and nothing registered; an exemption of an unknown rule or of no
resource of the render); 70 the program itself failed under the mock
runtime (a crash: one line, the detail under --debug).
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from tools.commands.common import STACK_HELP, bad_input_exits_2, render_failed, require_stack, write_output


class PreviewFormat(str, Enum):
    """``estate preview``: the summary formats, the JSON contract, and the self-contained HTML page."""

    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


def register(app: typer.Typer) -> None:
    @app.command()
    def preview(
        stack: str | None = typer.Option(None, "--stack", "-s", help=STACK_HELP),
        stack_file: Path | None = typer.Option(None, "--stack-file", help="Render this stack file instead (overrides --stack)."),
        output_format: PreviewFormat = typer.Option(
            PreviewFormat.table, "--format", "-f",
            help="table (summary), json (the contract), markdown, or html (one self-contained page: alert routing, "
            "dashboards drawn to scale, alarms; no network)."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
    ) -> None:
        """Run the real program offline (Pulumi mock runtime) and show what it declares."""
        from infra.engine import RenderError, render_stack
        from tools.check import exemption_problems
        from tools.preview import render_as
        from tools.stacks import BadInput, load_stack

        stack = require_stack(stack, stack_file)
        with bad_input_exits_2():
            parsed, estate = load_stack(stack, stack_file)  # validation before the mock runtime starts: a mistake registers nothing
            try:
                render = render_stack(parsed)
            except RenderError as error:
                render_failed(error, parsed.stack)
            problems = exemption_problems(estate, render)  # a waiver of nothing (or of an unknown rule) is bad input
            if problems:
                raise BadInput(problems)
        text = render_as(render, output_format.value, color=output is None and sys.stdout.isatty())
        write_output(text, output, f"wrote {output} ({len(render.resources)} resources, format {output_format.value})")
