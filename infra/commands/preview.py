"""``estate preview``: render a stack offline and summarise (or dump) what the program declares.

Exit codes: 0 rendered; 2 bad input (invalid stack configuration, unreadable stack file), one line
per problem on stderr and nothing registered; 1 the program itself failed under the mock runtime.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


def project_dir() -> Path:
    """The working directory when it holds the project (as with the Pulumi CLI), else this checkout."""
    cwd = Path.cwd()
    if (cwd / "Pulumi.yaml").is_file():
        return cwd
    from infra.engine import PROJECT_ROOT

    return PROJECT_ROOT


def fail(lines: list[str], code: int) -> None:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    @app.command()
    def preview(
        stack: str = typer.Option("prod", "--stack", "-s", help="Stack name: reads Pulumi.<stack>.yaml from the project root."),
        stack_file: Path | None = typer.Option(None, "--stack-file", help="Render this stack file instead (overrides --stack)."),
        output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table (summary), json (the contract) or markdown."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
    ) -> None:
        """Run the real program offline (Pulumi mock runtime) and show what it declares."""
        from data.config import EstateConfigError, estate_from_stack_file, load_stack_file, stack_file_path
        from infra.engine import RenderError, render_stack
        from infra.render import render_as

        path = stack_file if stack_file is not None else stack_file_path(stack, project_dir())
        try:
            parsed = load_stack_file(path, None if stack_file is not None else stack)
            # Validation before the mock runtime starts: a mistake registers nothing.
            estate_from_stack_file(parsed)
            render = render_stack(parsed)
        except EstateConfigError as error:
            fail(error.problems, 2)
        except RenderError as error:
            fail([f"error: {line}" if i == 0 else line for i, line in enumerate(str(error).splitlines() or ["render failed"])], 1)
        text = render_as(render, output_format.value, color=output is None and sys.stdout.isatty())
        if output is not None:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {output} ({len(render.resources)} resources, format {output_format.value})", err=True)
        else:
            sys.stdout.write(text)
