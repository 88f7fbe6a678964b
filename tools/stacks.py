"""Finding the project and loading a stack: what every tool does before its own job.

``BadInput`` is input a tool cannot use (a render, a policy-pack config): one line per problem, as
``EstateConfigError`` is for a stack file; the commands turn both into exit 2.
"""

from __future__ import annotations

from pathlib import Path


class BadInput(Exception):
    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def project_dir() -> Path:
    """The working directory when it holds the project (as with the Pulumi CLI), else this checkout."""
    cwd = Path.cwd()
    if (cwd / "Pulumi.yaml").is_file():
        return cwd
    from infra.engine import PROJECT_ROOT

    return PROJECT_ROOT


def stack_path(stack: str, stack_file: Path | None = None) -> Path:
    """``--stack-file`` when given, else ``Pulumi.<stack>.yaml`` in the project."""
    from data.config import stack_file_path

    return stack_file if stack_file is not None else stack_file_path(stack, project_dir())


def load_stack(stack: str, stack_file: Path | None = None):
    """(stack file, estate) of ``--stack-file`` or of ``Pulumi.<stack>.yaml``; raises
    ``EstateConfigError`` (one line per problem) before anything renders."""
    from data.config import estate_from_stack_file, load_stack_file

    parsed = load_stack_file(stack_path(stack, stack_file), None if stack_file is not None else stack)
    return parsed, estate_from_stack_file(parsed)
