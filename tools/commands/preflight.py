"""``estate preflight``: what must be true in the account before ``pulumi up`` (read-only).

Exit codes: 0 every checkable precondition holds (not-checkable ones are listed); 1 at least one
precondition fails (one ``FAIL`` line each, with what to do); 2 bad input (unknown or invalid stack
file: one line per problem; AWS unreachable or no credentials).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tools.commands.common import STACK_HELP, VerifyFormat, bad_input_exits_2, fail, require_stack


def register(app: typer.Typer) -> None:
    @app.command()
    def preflight(
        stack: str | None = typer.Option(None, "--stack", "-s", help=STACK_HELP),
        stack_file: Path | None = typer.Option(None, "--stack-file", help="Check this stack file instead (overrides --stack)."),
        output_format: VerifyFormat = typer.Option(VerifyFormat.text, "--format", "-f", help="text (one line per failed precondition) or json."),
        endpoint_url: str | None = typer.Option(None, "--endpoint-url", help="Send every AWS call to this endpoint (tests: a moto server)."),
    ) -> None:
        """Before `pulumi up`: platform branch, secrets, SMS, certificate, network, buckets, SES, Atlas access list, CloudFront."""
        from tools.preflight import AwsUnreachable, Clients, run_preflight
        from tools.preflight.output import to_json, to_text
        from tools.stacks import load_stack, stack_path

        stack = require_stack(stack, stack_file)
        with bad_input_exits_2():
            parsed, estate = load_stack(stack, stack_file)
        try:
            report = run_preflight(estate, Clients(endpoint_url), stack=parsed.stack, config=parsed.config,
                                   project_dir=stack_path(stack, stack_file).parent)
        except AwsUnreachable as error:
            fail([f"cannot reach AWS: {error}"])
        except ValueError as error:  # botocore refuses a malformed --endpoint-url
            fail([f"--endpoint-url: {error}"])
        sys.stdout.write((to_json(report) if output_format is VerifyFormat.json else to_text(report)) + "\n")
        raise typer.Exit(report.exit_code)
