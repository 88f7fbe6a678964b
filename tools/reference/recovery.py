"""The RPO and RTO tables of docs/disaster-recovery.md, computed from the prod and DR renders of this
checkout (``tools.recovery``): they change when a stack file or the program changes what is replicated
or created, and ``python -m tools.reference`` rewrites them."""

from __future__ import annotations

import functools

from tools.recovery import RecoveryReport


@functools.cache
def project_report() -> RecoveryReport:
    """prod recovered into dr, rendered once per process (each render runs the program under the mock runtime)."""
    from data.config import estate_from_stack_file, load_stack_file
    from infra.engine import PROJECT_ROOT, render_stack
    from tools.recovery import StackRender, recovery_report

    renders = []
    for stack in ("prod", "dr"):
        stack_file = load_stack_file(PROJECT_ROOT / f"Pulumi.{stack}.yaml")
        renders.append(StackRender.of(render_stack(stack_file), estate_from_stack_file(stack_file).region))
    return recovery_report(*renders)


def rpo_table() -> str:
    from tools.recovery.output import rpo_markdown

    return rpo_markdown(project_report())


def rto_table() -> str:
    from tools.recovery.output import rto_markdown

    return rto_markdown(project_report())
