"""``estate verify``: live post-deployment checks of a deployed stack against its render.

What runbook 000's daily checks and runbook 001's post-deployment tests ask people to look at by
hand, checked with boto3 against the account, one module per family (``CHECKS``, in this order):

- ``alarms``: every alarm exists with the declared metric, threshold, comparison and actions, has its
  actions enabled, and is not in ALARM;
- ``alerting``: every topic (the alert topics of each region, the SES feedback topic) has each
  declared subscription, confirmed (no PendingConfirmation);
- ``mail``: the SES domain is verified with DKIM success, and the account has production access;
- ``storage``: every bucket has versioning, its lifecycle rules, default encryption, the four public
  access blocks and, where declared, object lock (the DR standbys included, in their region);
- ``replication``: each bucket replicated to the DR region has its replication configuration as declared
  (rule enabled, destination, delete markers, SSE-KMS, RTC, metrics) and no failed replication in 24 h;
- ``secrets``: every secret with declared replicas (and every operator-set secret the stack reads, when the
  stack replicates) has its replica in the DR region, in sync;
- ``beanstalk``: Elastic Beanstalk environments are Ready, and Green under enhanced health;
- ``certificate``: every ACM certificate the render uses (the HTTPS listeners', each one a DaysToExpiry
  alarm watches, each watched CloudFront distribution's) is ISSUED and does not expire within the level
  of its DaysToExpiry alarms (runbook 000's monthly "> 30 jours");
- ``cache``: the Redis replication group is available, encrypted at rest and in transit, with AUTH;
- ``healthchecks``: Route 53 health checks of the services' public URLs report healthy from every
  checker;
- ``atlas``: the backup schedule copies snapshots to the DR region and the newest copy is recent (Atlas
  Admin API keys required; otherwise not checkable).

Every expectation (names, regions, types, settings) is read from the render of the same program
(``infra.engine.render_stack``, the JSON contract), never rebuilt from the estate model: verify keeps
no copy of the components' decisions. A family module holds ``FAMILY`` and ``WHAT`` (its report
label and what it checks) and ``check(ctx)``; adding a family is a module and a line in ``CHECKS``.

Each check ends in one of three states: ``pass``, ``fail`` (with the runbook action to take) and
``not-checkable`` (the API is unavailable, e.g. moto or a missing permission): a check that could
not run never passes. Without a render, every family is one not-checkable line.
"""

from __future__ import annotations

from typing import Any

from tools.verify import alarms, alerting, atlas, beanstalk, cache, certificate, healthchecks, mail, replication, secrets, storage
from tools.verify.alarms import ExpectedAlarm, declared_alarms
from tools.verify.alerting import ExpectedSubscription, ExpectedTopic, expected_topics
from tools.verify.aws import Clients, Unavailable, call
from tools.verify.declared import Context, Declared
from tools.verify.report import FAIL, NOT_CHECKABLE, PASS, Check, Report

CHECKS = (alarms, alerting, mail, storage, replication, secrets, beanstalk, certificate, cache, healthchecks, atlas)

__all__ = [
    "CHECKS", "FAIL", "NOT_CHECKABLE", "PASS", "Check", "Clients", "Declared", "ExpectedAlarm", "ExpectedSubscription",
    "ExpectedTopic", "Report", "Unavailable", "call", "declared_alarms", "expected_topics", "rendered", "verify_render",
]


def rendered(stack_file: Any) -> dict[str, Any]:
    """The stack's render as the JSON contract (a render takes about 2 s: the command does it once)."""
    from infra.engine import render_stack  # imported late: rendering loads Pulumi (about 1 s)

    return render_stack(stack_file).to_dict()


def verify_render(render: Any, *, stack: str, clients: Clients, region: str, runbook: str = "",
                  unavailable: str | None = None, env: Any = None, now: Any = None) -> Report:
    """Run every family's checks against what ``render`` declares; resources without an explicit
    provider are in ``region`` (the stack's, or ``--region``). ``render`` None: ``unavailable`` says why."""
    report = Report(stack=stack, region=region)
    if render is None:
        for family in CHECKS:
            report.add(Check(family.FAMILY, f"(all declared {family.WHAT})", region, NOT_CHECKABLE,
                             f"the declared {family.WHAT} could not be rendered: {unavailable or 'no render'}",
                             "fix the offline render (`estate preview --stack <stack>`) and run verify again"))
        return report
    context = Context(Declared(render, region), clients, report, runbook)
    if env is not None:
        context.env = env
    context.now = now
    for family in CHECKS:
        family.check(context)
    return report
