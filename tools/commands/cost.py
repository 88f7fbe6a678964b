"""``estate cost``: the estimated monthly cost of a stack, by service and family, with each price's source
(``tools.cost``; prices in data/catalogue/prices.py; docs/cost.md).

Exit codes: 0 estimated; 2 bad input (no --stack, an invalid or unreadable stack file: one line per
problem, nothing registered); 70 a crash (the program failing to render included).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tools.commands.common import STACK_HELP, TableFormat, bad_input_exits_2, render_failed, require_stack, write_output


def register(app: typer.Typer) -> None:
    @app.command()
    def cost(
        stack: str | None = typer.Option(None, "--stack", "-s", help=STACK_HELP),
        stack_file: Path | None = typer.Option(None, "--stack-file", help="Estimate this stack file instead (overrides --stack)."),
        output_format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="table, markdown or json."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
    ) -> None:
        """Estimate the stack's monthly cost from the offline price table: total, breakdown, sources, what is not priced."""
        from infra.engine import RenderError, render_stack
        from tools.cost import estimate
        from tools.cost.output import render_as
        from tools.stacks import load_stack

        stack = require_stack(stack, stack_file)
        with bad_input_exits_2():
            parsed, _estate = load_stack(stack, stack_file)  # validated before the mock runtime starts
            try:
                render = render_stack(parsed)
            except RenderError as error:
                render_failed(error, parsed.stack)
        result = estimate(render)
        text = render_as(result, output_format.value, color=output is None and sys.stdout.isatty())
        write_output(text, output, f"wrote {output} (total {result.total_usd:,.2f} USD a month, format {output_format.value})")
