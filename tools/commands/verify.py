"""``estate verify``: check a deployed stack against what it declares (post-deployment, daily).

Exit codes: 0 every check passed (not-checkable ones are listed; ``--strict`` makes them fail);
1 at least one check failed; 2 bad input (unknown or invalid stack file, AWS unreachable or no
credentials).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tools.commands.common import VerifyFormat, bad_input_exits_2, fail


def register(app: typer.Typer) -> None:
    @app.command()
    def verify(
        stack: str = typer.Option("prod", "--stack", "-s", help="Stack name: reads Pulumi.<stack>.yaml from the project root."),
        stack_file: Path | None = typer.Option(None, "--stack-file", help="Verify against this stack file instead (overrides --stack)."),
        output_format: VerifyFormat = typer.Option(VerifyFormat.text, "--format", "-f", help="text (what failed and what to do) or json."),
        region: str | None = typer.Option(None, "--region", help="Primary region to check instead of the stack's aws:region."),
        endpoint_url: str | None = typer.Option(None, "--endpoint-url", help="Send every AWS call to this endpoint (tests: a moto server)."),
        strict: bool = typer.Option(False, "--strict", help="Count not-checkable checks as failures."),
    ) -> None:
        """Live post-deployment checks with boto3: alarms, subscriptions, SES, buckets and their DR replication, secret
        replicas, environments, Redis, health checks, Atlas snapshot copies (with the Atlas keys)."""
        from tools import verify as checks
        from tools.stacks import load_stack

        with bad_input_exits_2():
            parsed, estate = load_stack(stack, stack_file)
        if region is not None and not region.replace("-", "").isalnum():
            fail([f"--region: '{region}' is not a region name such as eu-west-1"])
        render, why = None, None
        try:
            render = checks.rendered(parsed)
        except Exception as error:  # the render is how verify learns what to expect; say why it could not
            why = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"

        from botocore.exceptions import EndpointConnectionError, NoCredentialsError, NoRegionError

        try:
            report = checks.verify_render(render, stack=parsed.stack, clients=checks.Clients(endpoint_url),
                                          region=region or estate.region, runbook=estate.runbook_url, unavailable=why)
        except (EndpointConnectionError, NoCredentialsError, NoRegionError) as error:
            fail([f"cannot reach AWS: {error}"])
        sys.stdout.write((report.to_json() if output_format is VerifyFormat.json else report.to_text()) + "\n")
        if report.failed or (strict and report.not_checkable):
            raise typer.Exit(1)
