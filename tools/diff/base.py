"""Rendering the estate as a git revision declares it, with that revision's own code.

The revision is checked out in a temporary ``git worktree`` and renders itself with its own command
line, run by this virtualenv's Python: ``tools.cli`` (``infra.cli`` before the tools moved).
``start_base_render`` reads what it needs from git first (the commit, whether the revision has the
offline engine, its stack file) and then either answers at once (a render in the cache, nothing to
render) or renders in a background thread, so that ``estate diff`` renders the head meanwhile;
``render_at_ref`` waits for it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from tools.diff.cache import RenderCache, render_key
from tools.diff.parallel import step


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


# A process that rendered holds some 300,000 objects the collector tracks; the interpreter's last
# collections at exit cost about 1.9 s of a 7.5 s preview (0.1 s once they are frozen). Nothing is
# left to collect by then: the output is written.
FAST_EXIT = "import atexit, gc; atexit.register(gc.freeze)"


def _cli_module(project_dir: Path) -> str:
    """The checkout's command line: ``tools.cli``, or ``infra.cli`` in revisions before the tools moved."""
    return "tools.cli" if (project_dir / "tools" / "cli.py").is_file() else "infra.cli"


def render_with_cli(project_dir: Path, stack: str | None, stack_file: Path | None = None,
                    started: Callable[[subprocess.Popen], None] | None = None) -> dict[str, Any]:
    """Run that checkout's own ``estate preview --format json`` with this virtualenv's Python, on
    ``Pulumi.<stack>.yaml`` or on ``stack_file``; ``started`` is handed the process (to stop it)."""
    which = ["--stack-file", str(stack_file)] if stack_file is not None else ["--stack", str(stack)]
    env = {**os.environ, "PYTHONPATH": str(project_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.Popen(
        # `-c` puts the checkout's directory first on sys.path: its own infra package renders. The
        # collector is frozen at exit (FAST_EXIT): the render is printed by then, only its end waits.
        [sys.executable, "-c", f"{FAST_EXIT}; import sys; sys.argv[0] = 'estate'; from {_cli_module(project_dir)} import app; app()",
         "preview", *which, "--format", "json"],
        cwd=project_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    if started is not None:
        started(process)
    try:
        stdout, stderr = process.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise DiffError("the render took more than 15 minutes") from None
    if process.returncode != 0:
        lines = (stderr.strip() or stdout.strip()).splitlines()
        raise DiffError(f"the render failed (exit {process.returncode}): " + "\n".join(lines[-15:]))
    try:
        return json.loads(stdout)
    except json.JSONDecodeError as error:
        raise DiffError(f"the render did not print the JSON contract ({error})") from None


# --------------------------------------------------------------------------------------------------
# The base of a diff: known at once (cache, nothing to render) or rendering in the background
# --------------------------------------------------------------------------------------------------


@dataclass
class BaseRender:
    ref: str
    commit: str
    render: dict[str, Any] | None
    note: str = ""
    stack_text: str | None = None  # the stack file as the base has it (None: it has none)
    cached: bool = False  # read from the render cache, not rendered


@dataclass(frozen=True)
class _Plan:
    """What the base revision holds, read from git without a checkout."""

    repo: Path
    commit: str
    subdir: PurePosixPath  # the project inside the repository
    stack_path: PurePosixPath | None  # the stack file inside the repository; None: outside it
    stack_bytes: bytes | None  # None: the revision has no such file
    shown: str  # the stack file's name in notes ("" outside the repository)
    has_engine: bool


def _read_at(repo: Path, commit: str, path: PurePosixPath) -> bytes | None:
    result = subprocess.run(["git", "cat-file", "blob", f"{commit}:{path.as_posix()}"], cwd=repo, capture_output=True)
    return result.stdout if result.returncode == 0 else None


def _plan(ref: str, project_dir: Path, stack: str | None, stack_file: Path | None) -> _Plan:
    repo = Path(_git(["rev-parse", "--show-toplevel"], project_dir)).resolve()
    commit = _git(["rev-parse", "--verify", f"{ref}^{{commit}}"], project_dir)
    subdir = PurePosixPath(project_dir.resolve().relative_to(repo).as_posix())
    listed = _git(["ls-tree", "--name-only", commit, "--", (subdir / "infra/engine.py").as_posix(),
                   (subdir / "infra/engine/__init__.py").as_posix()], repo)
    if stack_file is None:
        stack_path, shown = subdir / f"Pulumi.{stack}.yaml", f"Pulumi.{stack}.yaml"
    else:
        try:
            stack_path, shown = PurePosixPath(stack_file.resolve().relative_to(repo).as_posix()), stack_file.name
        except ValueError:  # outside the repository: no history, both sides render it as it is now
            stack_path, shown = None, ""
    if stack_path is not None:
        stack_bytes = _read_at(repo, commit, stack_path)
    else:
        try:
            stack_bytes = stack_file.read_bytes()
        except OSError:
            stack_bytes = None  # the head side says what is wrong with it
    return _Plan(repo, commit, subdir, stack_path, stack_bytes, shown, has_engine=bool(listed))


class BaseRenderJob:
    """The base render of a diff: ``result()`` waits for it. Rendering happens in a thread that only
    waits on git and on the render's process, so this process renders the head meanwhile; the
    worktree is removed and the cache written after the result is handed over."""

    def __init__(self, ref: str, plan: _Plan, stack: str | None, stack_file: Path | None,
                 done: BaseRender | None = None, cache: RenderCache | None = None, key: dict[str, Any] | None = None):
        self.ref, self._plan, self._stack, self._stack_file = ref, plan, stack, stack_file
        self._done, self._error = done, None
        self._cache, self._key = cache, key
        self._process: subprocess.Popen | None = None
        self._closed = False
        self._handed_over = threading.Event()
        self._signal, self._signal_write = os.pipe()  # readable once handed over: select() waits on it
        self._thread: threading.Thread | None = None
        if done is None:
            self._thread = threading.Thread(target=self._run, name="estate-diff-base", daemon=True)
            self._thread.start()
        else:
            self._hand_over()

    def fileno(self) -> int:
        """Readable (end of file) once the result is there, for ``select``."""
        return self._signal

    def _hand_over(self) -> None:
        self._handed_over.set()
        os.close(self._signal_write)

    @property
    def ready(self) -> bool:
        """The result is known without waiting (from the cache, or nothing to render)."""
        return self._thread is None

    def result(self) -> BaseRender:
        self._handed_over.wait()
        if self._error is not None:
            raise self._error
        assert self._done is not None
        return self._done

    def close(self) -> None:
        """Stop a render nobody waits for any more; wait until the worktree is gone."""
        self._closed = True
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        if self._thread is not None:
            self._thread.join()
        if self._signal >= 0:
            os.close(self._signal)
            self._signal = -1

    def __enter__(self) -> BaseRenderJob:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _started(self, process: subprocess.Popen) -> None:
        self._process = process
        if self._closed:
            process.kill()

    def _run(self) -> None:
        plan = self._plan
        workdir = Path(tempfile.mkdtemp(prefix="estate-diff-"))
        tree = workdir / "base"
        render = None
        try:
            with step("base worktree", cpu=False):
                _git(["worktree", "add", "--detach", "--quiet", str(tree), plan.commit], plan.repo)
            render = self._render(tree)
        except Exception as error:  # noqa: BLE001 (raised again in the caller's thread by result())
            self._error = error
        finally:
            self._hand_over()
            with step("base worktree removed", cpu=False):
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=plan.repo, capture_output=True)
                shutil.rmtree(workdir, ignore_errors=True)
        if render is not None and self._cache is not None and self._key is not None:
            self._cache.store(self._key, render, self._done.stack_text if self._done else None)

    def _render(self, tree: Path) -> dict[str, Any]:
        plan = self._plan
        base_project = tree / plan.subdir
        if plan.stack_path is None:
            base_file: Path | None = self._stack_file.resolve()
        else:
            base_file = None if self._stack_file is None else tree / plan.stack_path
        with step("base render", cpu=False):
            if self._closed:
                raise DiffError("stopped")
            render = render_with_cli(base_project, self._stack if base_file is None else None, base_file, self._started)
        text = plan.stack_bytes.decode("utf-8", errors="replace") if plan.stack_bytes is not None else None
        note = "" if plan.stack_path is not None else f"{self._stack_file} is outside the repository: both sides render it as it is now"
        self._done = BaseRender(self.ref, plan.commit, render, note, stack_text=text)
        return render


def start_base_render(ref: str, project_dir: Path, stack: str | None, stack_file: Path | None = None,
                      cache: RenderCache | None = None) -> BaseRenderJob:
    """Begin rendering ``stack`` (or ``stack_file``) as the revision ``ref`` declares it, with that
    revision's code. A stack file inside the repository is read as the revision has it; one outside
    it has no history, so the revision's code renders the file as it is now (the diff is then the
    code's change alone). A bad ref raises ``DiffError`` at once; a render found in ``cache`` (or a
    base with nothing to render) is ready at once; otherwise the render runs in the background."""
    plan = _plan(ref, project_dir, stack, stack_file)
    text = plan.stack_bytes.decode("utf-8", errors="replace") if plan.stack_bytes is not None else None
    commit = plan.commit
    if not plan.has_engine:  # a module, later a package
        return BaseRenderJob(ref, plan, stack, stack_file, done=BaseRender(
            ref, commit, None, f"the base revision {ref} ({commit[:12]}) has no offline engine (infra/engine.py):"
            " it cannot render itself, so every resource is shown as added", stack_text=text))
    if plan.stack_bytes is None:
        return BaseRenderJob(ref, plan, stack, stack_file, done=BaseRender(
            ref, commit, None, f"the base revision {ref} ({commit[:12]}) has no {plan.shown}: every resource is shown as added"))
    key = None
    if cache is not None:
        where = plan.stack_path.as_posix() if plan.stack_path is not None else str(stack_file.resolve())
        key = render_key(commit=commit, project=plan.subdir.as_posix(), stack=where, stack_bytes=plan.stack_bytes)
        with step("base cache lookup"):
            entry = cache.load(key)
        if entry is not None:
            note = "" if plan.stack_path is not None else f"{stack_file} is outside the repository: both sides render it as it is now"
            return BaseRenderJob(ref, plan, stack, stack_file, done=BaseRender(
                ref, commit, entry["render"], note, stack_text=entry.get("stack_text"), cached=True))
    return BaseRenderJob(ref, plan, stack, stack_file, cache=cache, key=key)


def render_at_ref(ref: str, project_dir: Path, stack: str | None, stack_file: Path | None = None,
                  cache: RenderCache | None = None) -> BaseRender:
    """``start_base_render`` and wait for it."""
    with start_base_render(ref, project_dir, stack, stack_file, cache) as job:
        return job.result()
