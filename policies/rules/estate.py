"""Cross-cutting: stateful resources protected, exemptions not expired."""

from __future__ import annotations

from data.catalogue.resources import PROTECTED_TYPES

from .base import INFO, parse_expiry, resource_rule, stack_rule, today

# Resources holding data or secrets, and why: the catalogue's ``protect`` facts (components/common.py
# ``stateful`` applies them).
STATEFUL = PROTECTED_TYPES


@resource_rule(
    "estate-stateful-protected", area="estate", category="data-loss",
    description="Resources that hold data or secrets are protected against deletion.",
    runbook="Backups and recovery: nothing stateful deleted by accident",
    remediation="Create it with components.common.stateful(parent) (protect + retain_on_delete).",
    types=STATEFUL,
)
def stateful_protected(args, report_violation):
    if not args.opts.protect:
        report_violation("protect is not set: a refactoring or `pulumi destroy` deletes it and its data.")


@stack_rule(
    "estate-exemption-unexpired", area="estate", category="security",
    description="Every policy exemption declared in the estate is still within its expiry date.",
    runbook="docs/policies.md § Exemptions (a waiver has a reason and an end)",
    remediation="Fix the resource and delete the exemption, or renew it with a new reason and date in estate.exemptions.",
    parameters={
        "declared": {
            "type": "array",
            "description": "Every exemption of the estate (estate policy-config fills it in).",
            "items": {"type": "object", "properties": {"policy": {"type": "string"}, "resource": {"type": "string"},
                                                        "reason": {"type": "string"}, "expires": {"type": "string"}}},
        }
    },
)
def exemption_unexpired(args, report_violation):
    by_name = {}
    for resource in args.resources:
        by_name.setdefault(resource.name, resource.urn)
        by_name[resource.urn] = resource.urn
    on = today()
    for exemption in args.get_config().get("declared") or []:
        policy, target = exemption.get("policy"), exemption.get("resource")
        expires = parse_expiry(exemption.get("expires"))
        urn = by_name.get(target)
        if policy not in INFO:
            report_violation(f"exemption of unknown policy {policy!r} for {target}.", urn)
        elif expires is None:
            report_violation(f"exemption of {policy} for {target} has no valid expiry date ({exemption.get('expires')!r}).", urn)
        elif expires < on:
            report_violation(
                f"exemption of {policy} for {target} expired on {expires.isoformat()} (reason given: "
                f"{exemption.get('reason')}); {policy} applies again.",
                urn,
            )


