"""CloudFront: each watched distribution exists, and its monitoring subscription (the additional
metrics ``CacheHitRate`` needs) is not already held elsewhere (review B-3).

``GetDistribution`` and ``GetMonitoringSubscription`` (CloudFront's API lives in the global-metrics
region). Only one subscription exists per distribution: when one exists, ``pulumi up`` fails with
``MonitoringSubscriptionAlreadyExists`` unless this stack's state already holds it, and preflight
cannot read Pulumi state. So an existing subscription is not-checkable, and names the other stack
files of the project that declare the same distribution.
"""

from __future__ import annotations

from pathlib import Path

from data.catalogue.regions import GLOBAL_METRICS_REGION
from tools.preflight.aws import Missing, Unavailable, call
from tools.preflight.registry import Context, check


@check("cloudfront", "each distribution exists; its monitoring subscription is not held by another stack")
def cloudfront(ctx: Context):
    region = GLOBAL_METRICS_REGION
    for dist in ctx.estate.cdn:
        did = dist.distribution_id
        client = ctx.clients("cloudfront", region)
        try:
            call(client.get_distribution, Id=did)
        except Missing:
            yield ctx.failed("cloudfront", did, region, f"the distribution of cdn '{dist.name}' does not exist in this account",
                             "set cdn[].distribution_id to the distribution's id (aws cloudfront list-distributions)")
            continue
        except Unavailable as error:
            yield ctx.unavailable("cloudfront", did, region, "GetDistribution", error, "check the distribution id by hand")
            continue
        yield ctx.passed("cloudfront", did, region, "the distribution exists")
        try:
            call(client.get_monitoring_subscription, DistributionId=did)
        except Missing:
            yield ctx.passed("cloudfront", f"{did} monitoring subscription", region, "none yet: `pulumi up` creates it")
            continue
        except Unavailable as error:
            yield ctx.unavailable("cloudfront", f"{did} monitoring subscription", region, "GetMonitoringSubscription", error,
                                  f"check by hand: aws cloudfront get-monitoring-subscription --distribution-id {did}")
            continue
        others = _other_stacks_declaring(ctx, did)
        also = f"; also declared by {', '.join(others)}" if others else ""
        yield ctx.unchecked(
            "cloudfront", f"{did} monitoring subscription", region,
            f"a monitoring subscription exists{also}: only one stack can hold it (review B-3)",
            "if this stack's state does not hold it (`pulumi stack export | grep MonitoringSubscription`), import it"
            " or remove it from the stack that does not own it",
        )


def _other_stacks_declaring(ctx: Context, distribution_id: str) -> list[str]:
    """Other ``Pulumi.<stack>.yaml`` files of the project naming the same distribution (plain text search)."""
    if ctx.project_dir is None:
        return []
    found = []
    for path in sorted(Path(ctx.project_dir).glob("Pulumi.*.yaml")):
        stack = path.name[len("Pulumi."):-len(".yaml")]
        if stack == ctx.stack:
            continue
        try:
            if distribution_id in path.read_text(encoding="utf-8"):
                found.append(f"stack {stack} ({path.name})")
        except OSError:
            continue
    return found
