"""Rendering the estate as a git revision declares it, with that revision's own code.

The revision is checked out in a temporary ``git worktree`` and renders itself with its own command
line, run by this virtualenv's Python: ``tools.cli`` (``infra.cli`` before the tools moved).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class DiffError(Exception):
    """The diff cannot be computed (bad ref, the base fails to render...)."""


# --------------------------------------------------------------------------------------------------
# Rendering at a git revision
# --------------------------------------------------------------------------------------------------


def _git(args: list[str], cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def _cli_module(project_dir: Path) -> str:
    """The checkout's command line: ``tools.cli``, or ``infra.cli`` in revisions before the tools moved."""
    return "tools.cli" if (project_dir / "tools" / "cli.py").is_file() else "infra.cli"


def render_with_cli(project_dir: Path, stack: str | None, stack_file: Path | None = None) -> dict[str, Any]:
    """Run that checkout's own ``estate preview --format json`` with this virtualenv's Python, on
    ``Pulumi.<stack>.yaml`` or on ``stack_file``."""
    which = ["--stack-file", str(stack_file)] if stack_file is not None else ["--stack", str(stack)]
    env = {**os.environ, "PYTHONPATH": str(project_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        # `-c` puts the checkout's directory first on sys.path: its own infra package renders.
        [sys.executable, "-c", f"import sys; sys.argv[0] = 'estate'; from {_cli_module(project_dir)} import app; app()",
         "preview", *which, "--format", "json"],
        cwd=project_dir, env=env, capture_output=True, text=True, timeout=900,
    )
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        raise DiffError(f"the render failed (exit {result.returncode}): " + "\n".join(lines[-15:]))
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise DiffError(f"the render did not print the JSON contract ({error})") from None


@dataclass
class BaseRender:
    ref: str
    commit: str
    render: dict[str, Any] | None
    note: str = ""


def render_at_ref(ref: str, project_dir: Path, stack: str | None, stack_file: Path | None = None) -> BaseRender:
    """Render ``stack`` (or ``stack_file``) as the revision ``ref`` declares it, with that revision's code.
    A stack file inside the repository is read as the revision has it; one outside it has no history,
    so the revision's code renders the file as it is now (the diff is then the code's change alone)."""
    repo = Path(_git(["rev-parse", "--show-toplevel"], project_dir))
    commit = _git(["rev-parse", "--verify", f"{ref}^{{commit}}"], project_dir)
    subdir = project_dir.resolve().relative_to(repo.resolve())
    workdir = Path(tempfile.mkdtemp(prefix="estate-diff-"))
    tree = workdir / "base"
    _git(["worktree", "add", "--detach", "--quiet", str(tree), commit], repo)
    try:
        base_project = tree / subdir
        engine = base_project / "infra" / "engine"
        if not (engine.with_suffix(".py").is_file() or (engine / "__init__.py").is_file()):  # a module, later a package
            return BaseRender(ref, commit, None,
                              f"the base revision {ref} ({commit[:12]}) has no offline engine (infra/engine.py):"
                              " it cannot render itself, so every resource is shown as added")
        if stack_file is not None:
            try:
                base_file, shown = tree / stack_file.resolve().relative_to(repo.resolve()), stack_file.name
            except ValueError:  # outside the repository
                base_file, shown = stack_file.resolve(), ""
        else:
            base_file, shown = base_project / f"Pulumi.{stack}.yaml", f"Pulumi.{stack}.yaml"
        if not base_file.is_file():
            return BaseRender(ref, commit, None,
                              f"the base revision {ref} ({commit[:12]}) has no {shown}:"
                              " every resource is shown as added")
        if stack_file is None:
            return BaseRender(ref, commit, render_with_cli(base_project, stack))
        note = "" if shown else f"{stack_file} is outside the repository: both sides render it as it is now"
        return BaseRender(ref, commit, render_with_cli(base_project, None, base_file), note)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=repo, capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
