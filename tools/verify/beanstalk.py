"""Elastic Beanstalk: every environment of the render is Ready, and Green under enhanced health."""

from __future__ import annotations

from tools.verify.aws import Unavailable, call
from tools.verify.declared import Context, by_region
from tools.verify.report import FAIL, PASS

FAMILY, WHAT = "environment", "environments"
ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"


def check(ctx: Context) -> None:
    environments = ctx.declared.of_type(ENVIRONMENT)
    for region, declared in by_region(environments, ctx.declared.region_of).items():
        _check_region(ctx, region, [ctx.declared.inputs(e).get("name") or e.get("name") for e in declared])


def _check_region(ctx: Context, region: str, names: list[str]) -> None:
    eb = ctx.clients("elasticbeanstalk", region)
    try:
        live = {
            e["EnvironmentName"]: e
            for e in call(eb.describe_environments, EnvironmentNames=names, IncludeDeleted=False).get("Environments", [])
        }
    except Unavailable as error:
        for name in names:
            ctx.unavailable("environment", name, region, error, "Elastic Beanstalk DescribeEnvironments")
        return
    for name in names:
        env = live.get(name)
        if env is None or env.get("Status") in ("Terminated", "Terminating"):
            ctx.add("environment", name, region, FAIL, "missing or terminated",
                    "rebuild it with `pulumi up` (docs/disaster-recovery.md), then redeploy the application version")
            continue
        if env.get("Status") != "Ready":
            ctx.add("environment", name, region, FAIL, f"status {env.get('Status')}, not Ready",
                    f"wait for the running operation, then `eb events {name}`; runbook 000 'EB environment'")
        else:
            ctx.add("environment", name, region, PASS, "Ready")
        try:
            health = call(eb.describe_environment_health, EnvironmentName=name, AttributeNames=["Color", "HealthStatus", "Causes"])
        except (Unavailable, LookupError) as error:
            ctx.unavailable("environment", f"{name} health", region, error, "Elastic Beanstalk DescribeEnvironmentHealth",
                            f"`eb health {name}` (or the console's Health page): every instance Ok, colour Green")
            continue
        color = health.get("Color")
        if color == "Green":
            ctx.add("environment", f"{name} health", region, PASS, f"Green ({health.get('HealthStatus')})")
        else:
            causes = "; ".join(health.get("Causes") or [])
            ctx.add("environment", f"{name} health", region, FAIL,
                    f"{color or 'no colour'} ({health.get('HealthStatus')}){': ' + causes if causes else ''}",
                    f"`eb health {name} --refresh` and `eb logs {name}`; runbook 000 'EB environment degraded'")
