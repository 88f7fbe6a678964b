"""``estate diff --base <git-ref>``: the change to the estate between a revision and the working tree.

Exit codes: 0 no change; 1 changes; 3 dangerous changes (deletion or replacement of a stateful or
protected resource, protection removed); 2 bad input (unknown ref, a stack that does not render).
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


def register(app: typer.Typer) -> None:
    @app.command()
    def diff(
        base: str = typer.Option(..., "--base", "-b", help="Git revision to compare with (origin/main, a commit, a tag)."),
        stack: str = typer.Option("prod", "--stack", "-s", help="Stack name: Pulumi.<stack>.yaml at both revisions."),
        output_format: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f", help="text, markdown (a pull-request comment under 65,536 characters) or json."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
        policies: bool = typer.Option(True, "--policies/--no-policies", help="Compare the policy pack's results before and after."),
    ) -> None:
        """Render the estate offline at --base (its own code, in a git worktree) and now; show what changes."""
        import json

        from infra.commands.preview import project_dir
        from data.config import EstateConfigError, estate_from_stack_file, load_stack_file, stack_file_path
        from infra.diff import BAD_INPUT, DiffError, diff_renders, policy_diff, render_at_ref, render_with_cli, to_markdown, to_text
        from infra.engine import PROJECT_ROOT

        directory = project_dir()
        try:
            base_render = render_at_ref(base, directory, stack)
            parsed = load_stack_file(stack_file_path(stack, directory), stack)
            estate = estate_from_stack_file(parsed)
            if directory.resolve() == PROJECT_ROOT.resolve():
                from infra.engine import render_stack

                head = render_stack(parsed).to_dict()
            else:  # another checkout: let its own code render it, as for the base
                head = render_with_cli(directory, stack)
        except EstateConfigError as error:
            for line in error.problems:
                typer.echo(line, err=True)
            raise typer.Exit(BAD_INPUT) from None
        except DiffError as error:
            typer.echo(f"estate diff: {error}", err=True)
            raise typer.Exit(BAD_INPUT) from None

        result = diff_renders(base_render.render, head, base_label=f"{base} ({base_render.commit[:12]})", stack=stack)
        if base_render.note:
            result.notes.append(base_render.note)
        if policies:
            from infra.commands.check import estate_policy_config

            result.policies = policy_diff(base_render.render, head, estate_policy_config(estate), estate.region)
        if output_format is DiffFormat.markdown:
            text = to_markdown(result)
        elif output_format is DiffFormat.json:
            text = json.dumps(result.to_dict(), indent=2, sort_keys=True, default=str) + "\n"
        else:
            text = to_text(result)
        if output is not None:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        raise typer.Exit(result.exit_code)
