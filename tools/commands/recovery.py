"""``estate recovery``: the recovery point per data class and the recovery time of the DR stack, computed
from the two renders, and DR parity (``tools.recovery``; docs/disaster-recovery.md).

Exit codes: 0 DR parity holds; 1 a primary alarm signal, topic, route, dashboard section or health check
has no matching DR counterpart or the stacks disagree on the DR region; with ``--strict``, also when a
data class is not copied to the DR region; 2 bad input (--stack or --dr-stack missing, an invalid stack
file); 70 a crash (a program failing to render included).
"""

from __future__ import annotations

import sys

import typer

from tools.commands.common import VerifyFormat, bad_input_exits_2, fail, render_failed


def register(app: typer.Typer) -> None:
    @app.command()
    def recovery(
        stack: str | None = typer.Option(None, "--stack", "-s", help="The stack to recover (required): reads Pulumi.<stack>.yaml."),
        dr_stack: str | None = typer.Option(
            None, "--dr-stack", help="The stack that rebuilds it in the DR region (required): Pulumi.<dr-stack>.yaml.",
        ),
        output_format: VerifyFormat = typer.Option(VerifyFormat.text, "--format", "-f", help="text or json."),
        strict: bool = typer.Option(False, "--strict", help="Also exit 1 when a data class is not copied to the DR region."),
    ) -> None:
        """RPO per data class, RTO of the DR stack's graph (critical path), and DR parity of alarms, routes, dashboards, health checks."""
        from infra.engine import RenderError, render_stack
        from tools.recovery import StackRender, recovery_report
        from tools.recovery.output import to_json, to_text
        from tools.stacks import load_stack

        missing = [f"{option}: required: name the {what} stack ({option} {example})" for option, what, example, value in (
            ("--stack", "primary", "prod", stack), ("--dr-stack", "disaster-recovery", "dr", dr_stack)) if value is None]
        if missing:
            fail(missing)
        if stack == dr_stack:
            fail([f"--stack and --dr-stack both name '{stack}': the DR stack must be another stack"])
        with bad_input_exits_2():
            parsed, estate = load_stack(stack)
            dr_parsed, dr_estate = load_stack(dr_stack)
        renders = []
        for name, stack_file, region in ((stack, parsed, estate.region), (dr_stack, dr_parsed, dr_estate.region)):
            try:
                renders.append(StackRender.of(render_stack(stack_file), region))
            except RenderError as error:
                render_failed(error, name)
        declared = getattr(getattr(estate, "disaster_recovery", None), "region", None)  # the section issue 11 adds
        report = recovery_report(*renders, declared_dr_region=declared)
        sys.stdout.write(to_json(report) if output_format is VerifyFormat.json else to_text(report, strict=strict))
        raise typer.Exit(report.exit_code(strict))
