"""``estate preflight``: what must be true in the account before ``pulumi up`` (read-only).

Exit codes: 0 every checkable precondition holds (not-checkable ones are listed); 1 at least one
precondition fails (one ``FAIL`` line each, with what to do); 2 bad input (unknown or invalid stack
file: one line per problem; AWS unreachable or no credentials).
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer


class PreflightFormat(str, Enum):
    text = "text"
    json = "json"


def project_dir() -> Path:
    """The working directory when it holds the project (as with the Pulumi CLI), else this checkout."""
    cwd = Path.cwd()
    if (cwd / "Pulumi.yaml").is_file():
        return cwd
    return Path(__file__).resolve().parents[2]


def register(app: typer.Typer) -> None:
    @app.command()
    def preflight(
        stack: str = typer.Option("prod", "--stack", "-s", help="Stack name: reads Pulumi.<stack>.yaml from the project root."),
        stack_file: Path | None = typer.Option(None, "--stack-file", help="Check this stack file instead (overrides --stack)."),
        output_format: PreflightFormat = typer.Option(PreflightFormat.text, "--format", "-f", help="text (one line per failed precondition) or json."),
        endpoint_url: str | None = typer.Option(None, "--endpoint-url", help="Send every AWS call to this endpoint (tests: a moto server)."),
    ) -> None:
        """Before `pulumi up`: platform branch, secrets, SMS, certificate, network, buckets, SES, Atlas access list, CloudFront."""
        from data.config import EstateConfigError, estate_from_stack_file, load_stack_file, stack_file_path
        from tools.preflight import AwsUnreachable, Clients, run_preflight
        from tools.preflight.output import to_json, to_text

        path = stack_file if stack_file is not None else stack_file_path(stack, project_dir())
        try:
            parsed = load_stack_file(path, None if stack_file is not None else stack)
            estate = estate_from_stack_file(parsed)
        except EstateConfigError as error:
            for line in error.problems:
                typer.echo(line, err=True)
            raise typer.Exit(2) from None
        try:
            report = run_preflight(estate, Clients(endpoint_url), stack=parsed.stack, config=parsed.config,
                                   project_dir=path.parent)
        except AwsUnreachable as error:
            typer.echo(f"cannot reach AWS: {error}", err=True)
            raise typer.Exit(2) from None
        except ValueError as error:  # botocore refuses a malformed --endpoint-url
            typer.echo(f"--endpoint-url: {error}", err=True)
            raise typer.Exit(2) from None
        sys.stdout.write((to_json(report) if output_format is PreflightFormat.json else to_text(report)) + "\n")
        raise typer.Exit(report.exit_code)
