"""``estate report``: the monthly availability report (runbook 000 "Générer un rapport mensuel",
1. DISPONIBILITÉ) measured from CloudWatch instead of typed in (``tools.report``; docs/operations.md).

Exit codes: 0 every service with an objective met it (or had no requests, or none declares one);
1 an objective was missed over the month, or a service could not be measured (its burn-rate alarm is not
deployed); 2 bad input (no --stack, unknown or invalid stack file, --month not YYYY-MM, in the future or
older than CloudWatch keeps hourly data, AWS unreachable or no credentials); 70 a crash.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import typer

from tools.commands.common import STACK_HELP, TableFormat, fail, require_stack, write_output


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        stack: str | None = typer.Option(None, "--stack", "-s", help=STACK_HELP),
        month: str | None = typer.Option(None, "--month", "-m", help="The calendar month (UTC) to report, YYYY-MM (required)."),
        stack_file: Path | None = typer.Option(None, "--stack-file", help="Report on this stack file instead (overrides --stack)."),
        output_format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="table, markdown or json."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
        region: str | None = typer.Option(None, "--region", help="Region of the alarms and metrics instead of the stack's aws:region."),
        endpoint_url: str | None = typer.Option(None, "--endpoint-url", help="Send every AWS call to this endpoint (tests: a moto server)."),
    ) -> None:
        """Per service: availability over the month, objective, error budget spent and left, burn-rate incidents."""
        from tools.aws import Clients
        from tools.report import monthly_report, parse_month
        from tools.report.output import render
        from data.config import EstateConfigError
        from tools.stacks import BadInput, load_stack

        stack = require_stack(stack, stack_file)
        problems, parsed, estate, period = [], None, None, None  # every problem of the command line in one run
        try:
            parsed, estate = load_stack(stack, stack_file)
        except EstateConfigError as error:
            problems += error.problems
        if month is None:
            problems.append("--month: required: name the month to report (--month 2026-10)")
        else:
            try:
                period = parse_month(month, datetime.now(timezone.utc))
            except BadInput as error:
                problems += error.lines
        if region is not None and not region.replace("-", "").isalnum():
            problems.append(f"--region: '{region}' is not a region name such as eu-west-1")
        if problems:
            fail(problems)

        from botocore.exceptions import EndpointConnectionError, NoCredentialsError, NoRegionError

        try:
            result = monthly_report(estate, stack=parsed.stack, clients=Clients(endpoint_url),
                                    region=region or estate.region, month=period)
        except (EndpointConnectionError, NoCredentialsError, NoRegionError) as error:
            fail([f"cannot reach AWS: {error}"])
        text = render(result, output_format.value, color=output is None and sys.stdout.isatty())
        write_output(text, output, f"wrote {output} ({len(result.services)} services, format {output_format.value})")
        raise typer.Exit(result.exit_code)
