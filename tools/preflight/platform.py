"""Platform: each service's Elastic Beanstalk platform branch has a solution stack in the region.

AWS retires platform versions ("No Solution Stack named ... found"), so the check is made against
the *branch* (operating system + runtime, e.g. ``Node.js 22`` on ``64bit Amazon Linux 2023``), not the
version: the program is to look the newest stack of the branch up at deploy time (issue 10, #3).
``ListAvailableSolutionStacks`` lists the stacks the account may use in the region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.preflight.aws import Unavailable, call
from tools.preflight.registry import Context, check

_STACK = re.compile(r"^(?P<os>64bit .+?) v\d+(\.\d+)* running (?P<runtime>.+)$")


@dataclass(frozen=True)
class Branch:
    """A platform branch: ``runtime`` (``Node.js 22``) running on ``os`` (``64bit Amazon Linux 2023``)."""

    os: str
    runtime: str

    def matches(self, solution_stack: str) -> bool:
        found = _STACK.match(solution_stack)
        return bool(found) and found["os"] == self.os and found["runtime"] == self.runtime

    def __str__(self) -> str:
        return f"{self.runtime} on {self.os}"


DEFAULT_OS = "64bit Amazon Linux 2023"


def branch_of(platform) -> Branch:
    """The branch a service's ``platform`` declares: ``platform.runtime`` when the model has it (the
    stack file names the runtime), else the part after "running" of ``platform.solution_stack``."""
    runtime = getattr(platform, "runtime", None)
    if runtime:
        return Branch(getattr(platform, "os", None) or DEFAULT_OS, runtime)
    found = _STACK.match(platform.solution_stack)
    if not found:  # the model's pattern makes this unreachable; keep the whole name rather than guess
        return Branch(DEFAULT_OS, platform.solution_stack)
    return Branch(found["os"], found["runtime"])


@check("platform", "each service's Elastic Beanstalk platform branch has a solution stack in the region")
def platform_branches(ctx: Context):
    by_branch: dict[Branch, list[str]] = {}
    for service in ctx.estate.services:
        if service.kind == "beanstalk":
            by_branch.setdefault(branch_of(service.platform), []).append(service.name)
    if not by_branch:
        return
    region = ctx.region
    try:
        stacks = call(ctx.clients("elasticbeanstalk", region).list_available_solution_stacks).get("SolutionStacks", [])
    except Unavailable as error:
        for branch, services in by_branch.items():
            yield ctx.unavailable("platform", f"'{branch}'", region, "ListAvailableSolutionStacks", error,
                                  "list the solution stacks with `aws elasticbeanstalk list-available-solution-stacks`")
        return
    for branch, services in by_branch.items():
        subject = f"'{branch}' ({', '.join(services)})"
        newest = sorted((s for s in stacks if branch.matches(s)), key=_version, reverse=True)
        if newest:
            yield ctx.passed("platform", subject, region, f"newest solution stack: {newest[0]}")
        else:
            language = branch.runtime.rsplit(" ", 1)[0]  # "Node.js" of "Node.js 22"
            same = sorted({m["runtime"] for s in stacks if (m := _STACK.match(s)) and m["os"] == branch.os
                           and m["runtime"].rsplit(" ", 1)[0] == language}, key=_runtime_version)
            offered = f"; {branch.os} offers: {', '.join(same)}" if same else ""
            yield ctx.failed(
                "platform", subject, region,
                f"no solution stack of the branch {branch} is available in {region}{offered}",
                f"declare a runtime the region offers for {', '.join(services)}"
                " (`aws elasticbeanstalk list-available-solution-stacks`)",
            )


def _version(stack: str) -> tuple[int, ...]:
    found = re.search(r" v(\d+(?:\.\d+)*) running ", stack)
    return tuple(int(p) for p in found.group(1).split(".")) if found else ()


def _runtime_version(runtime: str) -> tuple:
    tail = runtime.rsplit(" ", 1)[-1]
    return tuple(int(p) if p.isdigit() else 0 for p in tail.split(".")), runtime
