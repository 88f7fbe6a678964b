"""``estate check`` and ``estate policy-config``: the commands over ``tools.check``.

Exit codes: 0 no mandatory violation; 1 a mandatory rule is violated; 2 bad input (no --stack,
--stack-file or --from-json; an invalid stack file); 70 a crash (the program failing to render included).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from tools.commands.common import STACK_HELP, bad_input_exits_2, render_failed, require_stack, write_output


class CheckFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"  # SARIF 2.1.0 for GitHub code scanning (tools/sarif.py)


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        stack: str | None = typer.Option(None, "--stack", "-s", help=STACK_HELP + " Not with --from-json."),
        stack_file: Path | None = typer.Option(None, "--stack-file", help="Render this stack file (with --from-json: only its exemptions and parameters; default Pulumi.<render stack>.yaml)."),
        from_json: Path | None = typer.Option(None, "--from-json", help="Check a saved `estate preview --format json` instead of rendering."),
        config_file: Path | None = typer.Option(None, "--config", help="Policy-pack config JSON (as --policy-pack-config)."),
        region: str | None = typer.Option(None, "--region", help="Region of the default provider (with --from-json)."),
        output_format: CheckFormat = typer.Option(
            CheckFormat.table, "--format", "-f",
            help="table, json, markdown, or sarif (SARIF 2.1.0 for GitHub code scanning, located in the stack file)."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Also list the names of the rules evaluated (table, markdown)."),
    ) -> None:
        """Run the policy pack offline on the rendered stack; exit 1 on a mandatory violation."""
        from infra.engine import RenderError
        from tools.check import check_stack, format_result

        if from_json is None:
            stack = require_stack(stack, stack_file)
        with bad_input_exits_2():
            try:
                report = check_stack(stack=stack, stack_file=stack_file, from_json=from_json, config_file=config_file, region=region)
            except RenderError as error:
                render_failed(error, stack)
        write_output(format_result(report, output_format.value, verbose=verbose), output, f"wrote {output}")
        raise typer.Exit(report.exit_code)

    @app.command("policy-config")
    def policy_config(
        stack: str | None = typer.Option(None, "--stack", "-s", help=STACK_HELP),
        stack_file: Path | None = typer.Option(None, "--stack-file", help="Read this stack file instead."),
        base: Path | None = typer.Option(None, "--base", help="A policy-pack config to merge the estate's into (levels...)."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    ) -> None:
        """Write the policy-pack config (exemptions, estate parameters) for `pulumi preview --policy-pack-config`."""
        from tools.check import estate_policy_config, load_estate, merge_configs, read_json

        stack = require_stack(stack, stack_file)
        with bad_input_exits_2():
            config = estate_policy_config(load_estate(stack, stack_file)[1])
            if base is not None:
                config = merge_configs(read_json(base, "the base config"), config)
        text = json.dumps(config, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        write_output(text, output, f"wrote {output}")
