"""``estate diff --base <git-ref>``: the change to the estate between a revision and the working tree.

Exit codes: 0 no change; 1 changes; 3 dangerous changes (deletion or replacement of a stateful or
protected resource, protection removed); 2 bad input (no --stack or --stack-file, unknown ref, a stack
that does not render); 70 a crash.
"""

from __future__ import annotations

import contextlib
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
        from tools.diff import to_markdown, to_text
        from tools.diff.parallel import step

        with step("diff command", cpu=False):
            result = _compare(base, stack, stack_file, policies)
            with step("output"):
                if output_format is DiffFormat.markdown:
                    text = to_markdown(result)
                elif output_format is DiffFormat.json:
                    text = json.dumps(result.to_dict(), indent=2, sort_keys=True, default=str) + "\n"
                else:
                    text = to_text(result)
                write_output(text, output)
        raise typer.Exit(result.exit_code)


def _compare(base: str, stack: str | None, stack_file: Path | None, policies: bool):
    """The two sides at once: the base renders in a subprocess (or comes from the cache) while a
    forked child renders the head. The policy run of the side rendered first goes to another child at
    once; the other side's run is shared between this process and a second child, so both cores
    work to the end. Whatever is still running when the command fails is stopped."""
    from tools.diff import BAD_INPUT, DiffError, diff_renders, render_with_cli
    from tools.diff.base import start_base_render
    from tools.diff.cache import RenderCache
    from tools.diff.parallel import InChild, combine_policy_results, first_done, merge_shares, policy_violations, step
    from tools.stacks import load_stack, project_dir, stack_path

    stack = require_stack(stack, stack_file)
    directory = project_dir()
    with contextlib.ExitStack() as running:
        def in_child(side: str, render, share: tuple[int, int] = (0, 1)) -> InChild:
            name = f"{side} policies" + ("" if share == (0, 1) else f" {share[0] + 1}/{share[1]}")
            child = InChild(name, lambda: policy_violations(render, config, region, share))
            running.callback(child.close)
            return child

        try:  # the base first: its render starts before this process imports the model and the engine
            job = running.enter_context(start_base_render(base, directory, stack, stack_file, RenderCache.from_environment()))
        except DiffError as error:
            fail([f"estate diff: {error}"], BAD_INPUT)
        with bad_input_exits_2():
            try:
                with step("head load"):
                    from infra.engine import PROJECT_ROOT, render_stack

                    parsed, estate = load_stack(stack, stack_file)
                    config, region = _policy_config(estate) if policies else (None, None)

                def render_head() -> dict:
                    if directory.resolve() == PROJECT_ROOT.resolve():
                        return render_stack(parsed).to_dict()
                    return render_with_cli(directory, stack, stack_file)  # another checkout: its own code renders it

                # The head renders in a child too: this process stays free to start the policy run of
                # whichever render is there first (forking only from here, never mid-render).
                head_job = InChild("head render", render_head)
                running.callback(head_job.close)
                first = "base" if job.ready or first_done(job, head_job) == 0 else "head"
                if first == "base":
                    base_render = job.result()
                    whole = in_child("base", base_render.render) if policies else None
                    head = head_job.result()
                else:
                    head = head_job.result()
                    whole = in_child("head", head) if policies else None
                    base_render = job.result()
            except DiffError as error:
                fail([f"estate diff: {error}"], BAD_INPUT)

        result = diff_renders(base_render.render, head, base_label=f"{base} ({base_render.commit[:12]})", stack=parsed.stack,
                              base_stack_text=base_render.stack_text, head_stack_text=_text_of(stack_path(stack, stack_file)))
        if base_render.note:
            result.notes.append(base_render.note)
        if whole is not None:  # the side there last: its run shared between this process and a second child
            last, render = ("head", head) if first == "base" else ("base", base_render.render)
            other_half = in_child(last, render, (1, 2))
            with step(f"{last} policies 1/2"):
                half = policy_violations(render, config, region, (0, 2))
            there, here = whole.result(), merge_shares(half, other_half.result())
            before, after = (there, here) if first == "base" else (here, there)
            result.policies = combine_policy_results(before, after)
    _add_cost_and_routing(result, base_render.render, head, estate.region)
    return result


def _add_cost_and_routing(result, base: dict | None, head: dict, region: str) -> None:
    """What the change costs a month (offline price table) and the alert routing it leaves, changed routes
    styled: sections the comment never trims. Renders carry no region, so the estate's is passed."""
    from tools.cost import cost_delta, delta_markdown
    from tools.diff.parallel import step
    from tools.pictures import routing_markdown

    with step("cost and routing"):
        delta = cost_delta(base, head, base_region=region, head_region=region)
        result.extra_sections.append(("Estimated monthly cost", delta_markdown(delta, heading=False)))
        result.extra_sections.append(("Alert routing", routing_markdown(head, base)))


def _text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _policy_config(estate):
    from tools.check import estate_policy_config

    return estate_policy_config(estate), estate.region
