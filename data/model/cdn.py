"""CloudFront distributions the estate watches (managed elsewhere; the estate alarms on them)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from data.model.base import Name, StrictModel, Threshold, check_percentages


class CdnThresholds(StrictModel):
    """Levels of a distribution's alarms (created in us-east-1, where CloudFront publishes its metrics)."""

    error_rate_5xx: Threshold = Field(
        default=Threshold(critical=5),
        description="CloudFront 5xxErrorRate, percent of requests (seed 000 alarm 3: above 5).",
    )
    cache_hit_rate: Threshold | None = Field(
        default=Threshold(warning=80, direction="below"),
        description="CloudFront CacheHitRate, percent, direction `below` (seed 000: under 80 %, adjust the TTLs);"
        " null: no alarm.",
    )

    @model_validator(mode="after")
    def _ranges(self) -> CdnThresholds:
        check_percentages(self.error_rate_5xx)
        check_percentages(self.cache_hit_rate)
        if self.cache_hit_rate is not None and self.cache_hit_rate.direction != "below":
            raise ValueError("cache_hit_rate: direction must be 'below' (a low hit rate is the problem)")
        return self


class CdnDistribution(StrictModel):
    """A CloudFront distribution the estate watches (it is managed elsewhere; we alarm on it)."""

    name: Name = Field(description="The distribution's name in the estate, unique: it names its alarms.")
    distribution_id: str = Field(pattern=r"^E[A-Z0-9]{7,20}$", description="The CloudFront distribution id (`E...`).")
    service: Name = Field(description="The service (`services[].name`) it fronts; its alarms show on that service's dashboard.")
    thresholds: CdnThresholds = Field(default=CdnThresholds(), description="Levels of the distribution's alarms.")
    monitoring_subscription: Literal["owned", "external"] = Field(
        default="owned",
        description="Who declares the distribution's monitoring subscription (the additional metrics `CacheHitRate`"
        " needs): `owned`, this stack; `external`, another stack of the account (DR: prod owns it). CloudFront"
        " allows one per distribution (a second create fails with `MonitoringSubscriptionAlreadyExists`, and"
        " destroying the owner switches the metrics off for every stack): exactly one stack file owns it.",
    )


def subscription_owners(estates: dict[str, object]) -> list[str]:
    """One problem per distribution whose monitoring subscription more than one stack owns (``estates``: the
    estate of each stack file of one account, by file name)."""
    owners: dict[str, list[str]] = {}
    for stack, estate in estates.items():
        for distribution in getattr(estate, "cdn", []):
            if distribution.monitoring_subscription == "owned":
                owners.setdefault(distribution.distribution_id, []).append(stack)
    return [
        f"distribution {distribution_id}: its monitoring subscription is owned by {', '.join(stacks)}; CloudFront allows"
        " one per distribution: set cdn[].monitoring_subscription: external in all but one"
        for distribution_id, stacks in sorted(owners.items()) if len(stacks) > 1
    ]
