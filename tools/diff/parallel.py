"""The diff's work at once on a two-core machine: the policy run of one side in a forked child while
this process renders or runs the other, and a record of when each step ran.

A forked child starts with this process's memory (the render it checks, the imported policy pack), so
nothing is serialised on the way in; its result (the violations) comes back pickled through a pipe.
Where ``os.fork`` does not exist the work runs here, when its result is asked for.

``ESTATE_DIFF_TRACE=<file>`` appends one JSON line per step (``step``, ``start``, ``end`` in
``time.time()`` seconds, ``pid``): how the tests check that the renders overlap, and how the bench
shows a diff's timeline.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import select
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from tools.diff.result import PolicyDiff

TRACE_ENV = "ESTATE_DIFF_TRACE"
Result = TypeVar("Result")


def record(step: str, start: float, end: float, cpu: float | None = None) -> None:
    path = os.environ.get(TRACE_ENV)
    if not path:
        return
    line = json.dumps({"step": step, "start": start, "end": end, "cpu": cpu, "pid": os.getpid()}) + "\n"
    with open(path, "a", encoding="utf-8") as out:  # one short append: whole lines even from several processes
        out.write(line)


@contextlib.contextmanager
def step(name: str, *, cpu: bool = True) -> Iterator[None]:
    """Record the step's wall-clock span, and its CPU time when it is this process's only work
    (``cpu=False`` for a thread that waits on another process)."""
    start, start_cpu = time.time(), time.process_time()
    try:
        yield
    finally:
        record(name, start, time.time(), time.process_time() - start_cpu if cpu else None)


class InChild(Generic[Result]):
    """``work()`` running in a forked child; ``result()`` waits for it and returns its value, or
    raises the exception it raised."""

    def __init__(self, name: str, work: Callable[[], Result]):
        self._name, self._work, self._pid, self._pipe = name, work, 0, -1
        if not hasattr(os, "fork"):
            return
        sys.stdout.flush(), sys.stderr.flush()  # else the child would write this process's pending output again
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never return into the caller's code
            try:
                os.close(read)
                with step(name):
                    outcome = self._outcome()
                with os.fdopen(write, "wb") as out:
                    out.write(outcome)
                sys.stdout.flush(), sys.stderr.flush()
            finally:
                os._exit(0)
        os.close(write)
        self._pid, self._pipe = pid, read

    def fileno(self) -> int:
        """Readable once the child has finished (its result written), for ``select``."""
        return self._pipe

    def _outcome(self) -> bytes:
        try:
            return pickle.dumps((True, self._work()))
        except Exception as error:  # noqa: BLE001 (handed to the parent, which raises it)
            try:
                return pickle.dumps((False, error))
            except Exception:  # noqa: BLE001 (an exception that does not pickle: its text)
                return pickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))

    def result(self) -> Result:
        if not self._pid:
            with step(self._name):
                return self._work()
        with os.fdopen(self._pipe, "rb") as pipe:
            data = pipe.read()
        self._pipe = -1
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if not data:
            raise RuntimeError(f"{self._name}: the child process died ({_status(status)})")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the child if nobody waits for it any more (the command failed meanwhile)."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, 9)
                os.waitpid(self._pid, 0)
            self._pid = 0
        if self._pipe >= 0:
            with contextlib.suppress(OSError):
                os.close(self._pipe)
            self._pipe = -1


def first_done(*jobs: Any) -> int:
    """The index of one of ``jobs`` (each with a ``fileno()`` readable once it is done) that is done,
    waiting until one is. Without ``os.fork`` nothing runs meanwhile: the first."""
    if not hasattr(os, "fork"):
        return 0
    readable, _, _ = select.select(list(jobs), [], [])
    return next(index for index, job in enumerate(jobs) if job in readable)


def _status(status: int) -> str:
    return f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"


# --------------------------------------------------------------------------------------------------
# The policy pack on each side
# --------------------------------------------------------------------------------------------------

Violations = dict[tuple[str, str], dict[str, Any]]


def policy_violations(render: Mapping[str, Any] | None, config: Mapping[str, Any] | None, region: str | None,
                      share: tuple[int, int] = (0, 1)) -> Violations | str:
    """The pack's violations on one render by (policy, URN), or why the runner is not available:
    one half of ``compare.policy_diff``, so that the two halves can run at once. ``share`` (i, n)
    runs every n-th policy from the i-th: the shares of one render can run at once too (each policy
    reports alone, and the pack ignores the config of policies it does not run)."""
    if render is None:
        return {}
    from infra.engine.runtime import paused_gc  # here, not above: the base render starts before the engine loads

    try:
        from policies.rules import ALL_POLICIES
        from policies.rules.runner import run_policies
    except ImportError as error:
        return f"the policy runner is not available ({error})"
    index, shares = share
    chosen = None if shares == 1 else ALL_POLICIES[index::shares]
    with paused_gc():
        result = run_policies(dict(render), chosen, config=dict(config or {}), region=region)
    return {(v.policy, v.urn): v.to_dict() for v in result.violations}


def merge_shares(*shares: Violations | str) -> Violations | str:
    """The shares of one render's run as one run."""
    merged: Violations = {}
    for share in shares:
        if isinstance(share, str):
            return share
        merged.update(share)
    return merged


def combine_policy_results(before: Violations | str, after: Violations | str) -> PolicyDiff:
    """The two halves compared, as ``compare.policy_diff`` compares them: new violations, fixed ones."""
    if isinstance(before, str) or isinstance(after, str):
        return PolicyDiff(note=before if isinstance(before, str) else str(after))
    return PolicyDiff(
        new=[after[k] for k in sorted(set(after) - set(before))],
        fixed=[before[k] for k in sorted(set(before) - set(after))],
        unchanged=len(set(before) & set(after)),
    )
