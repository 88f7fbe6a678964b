"""The Elastic Beanstalk platform branches a service may declare (``services[].platform.runtime``), from
the catalogue (``data.catalogue.beanstalk.PLATFORM_BRANCHES``): the README's "Supported platforms"."""

from __future__ import annotations

from data.catalogue import beanstalk as eb
from tools.reference.markdown import table


def platforms_table() -> str:
    by_platform: dict[str, list[str]] = {}
    for branch in eb.PLATFORM_BRANCHES.values():
        by_platform.setdefault(branch.platform, []).append(f"`{branch.runtime}`")
    rows = [(platform, ", ".join(runtimes)) for platform, runtimes in by_platform.items()]
    return (
        table(("Platform", "`platform.runtime` (what follows \"running\" in the solution stack name)"), rows)
        + f"\n\nSource: [Elastic Beanstalk supported platforms]({eb.PLATFORMS_SOURCE}), Amazon Linux 2023 branches. "
        + eb.PLATFORM_BRANCHES_NOTE
        + "\n"
    )
