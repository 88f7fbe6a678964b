"""``estate diff --base <git-ref>``: the change to the estate between a revision and the working tree.

Exit codes: 0 no change; 1 changes; 3 dangerous changes (deletion or replacement of a stateful or
protected resource, protection removed); 2 bad input (no --stack or --stack-file, unknown ref, a stack
that does not render); 70 a crash.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from tools.commands.common import STACK_HELP, DiffFormat, bad_input_exits_2, fail, require_stack, write_output


def register(app: typer.Typer) -> None:
    @app.command()
    def diff(
        base: str = typer.Option(..., "--base", "-b", help="Git revision to compare with (origin/main, a commit, a tag)."),
        stack: str | None = typer.Option(None, "--stack", "-s", help=STACK_HELP + " Read at both revisions."),
        stack_file: Path | None = typer.Option(
            None, "--stack-file",
            help="Diff this stack file instead (overrides --stack): inside the repository, as each revision has it;"
            " outside, the same file rendered by both revisions' code.",
        ),
        output_format: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f", help="text, markdown (a pull-request comment under 65,536 characters) or json."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
        policies: bool = typer.Option(True, "--policies/--no-policies", help="Compare the policy pack's results before and after."),
    ) -> None:
        """Render the estate offline at --base (its own code, in a git worktree) and now; show what changes."""
        from infra.engine import PROJECT_ROOT
        from tools.diff import BAD_INPUT, DiffError, diff_renders, policy_diff, render_at_ref, render_with_cli, to_markdown, to_text
        from tools.stacks import load_stack, project_dir

        stack = require_stack(stack, stack_file)
        directory = project_dir()
        with bad_input_exits_2():
            try:
                base_render = render_at_ref(base, directory, stack, stack_file)
                parsed, estate = load_stack(stack, stack_file)
                if directory.resolve() == PROJECT_ROOT.resolve():
                    from infra.engine import render_stack

                    head = render_stack(parsed).to_dict()
                else:  # another checkout: let its own code render it, as for the base
                    head = render_with_cli(directory, stack, stack_file)
            except DiffError as error:
                fail([f"estate diff: {error}"], BAD_INPUT)

        result = diff_renders(base_render.render, head, base_label=f"{base} ({base_render.commit[:12]})", stack=parsed.stack)
        if base_render.note:
            result.notes.append(base_render.note)
        if policies:
            from tools.check import estate_policy_config

            result.policies = policy_diff(base_render.render, head, estate_policy_config(estate), estate.region)
        if output_format is DiffFormat.markdown:
            text = to_markdown(result)
        elif output_format is DiffFormat.json:
            text = json.dumps(result.to_dict(), indent=2, sort_keys=True, default=str) + "\n"
        else:
            text = to_text(result)
        write_output(text, output)
        raise typer.Exit(result.exit_code)
