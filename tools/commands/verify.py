"""``estate verify``: check a deployed stack against what it declares (post-deployment, daily).

Exit codes: 0 every check passed (not-checkable ones are listed; ``--strict`` makes them fail);
1 at least one check failed; 2 bad input (unknown or invalid stack file, AWS unreachable or no
credentials).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tools.commands.common import VerifyFormat


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
        """Live post-deployment checks with boto3: alarms, subscriptions, SES, buckets, environments, Redis, health checks."""
        from tools.stacks import project_dir
        from data.config import EstateConfigError, estate_from_stack_file, load_stack_file, stack_file_path
        from infra.verify import Clients, render_declared_alarms, verify_estate

        path = stack_file if stack_file is not None else stack_file_path(stack, project_dir())
        try:
            parsed = load_stack_file(path, None if stack_file is not None else stack)
            estate = estate_from_stack_file(parsed)
        except EstateConfigError as error:
            for line in error.problems:
                typer.echo(line, err=True)
            raise typer.Exit(2) from None
        if region is not None and not region.replace("-", "").isalnum():
            typer.echo(f"--region: '{region}' is not a region name such as eu-west-1", err=True)
            raise typer.Exit(2)
        primary = region or estate.region
        alarms, why = None, None
        try:
            alarms = render_declared_alarms(parsed, primary)
        except Exception as error:  # the render is how verify learns the alarms; say why it could not
            why = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"

        from botocore.exceptions import EndpointConnectionError, NoCredentialsError, NoRegionError

        try:
            report = verify_estate(estate, stack=parsed.stack, clients=Clients(endpoint_url), region=primary,
                                   alarms=alarms, alarms_unavailable=why)
        except (EndpointConnectionError, NoCredentialsError, NoRegionError) as error:
            typer.echo(f"cannot reach AWS: {error}", err=True)
            raise typer.Exit(2) from None
        sys.stdout.write((report.to_json() if output_format is VerifyFormat.json else report.to_text()) + "\n")
        if report.failed or (strict and report.not_checkable):
            raise typer.Exit(1)
