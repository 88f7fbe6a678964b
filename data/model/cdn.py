"""CloudFront distributions the estate watches (managed elsewhere; the estate alarms on them)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from data.model.base import Name, StrictModel, Threshold, check_percentages


class CdnThresholds(StrictModel):
    """Levels of a distribution's alarms (created in us-east-1, where CloudFront publishes its metrics)."""

    error_rate_5xx: Threshold = Field(
        default=Threshold(critical=5),
        description="CloudFront 5xxErrorRate, percent of requests (default: critical above 5).",
    )
    cache_hit_rate: Threshold | None = Field(
        default=Threshold(warning=80, direction="below"),
        description="CloudFront CacheHitRate (cacheable requests served from the cache), percent, direction `below`;"
        " null: no alarm. The default applies to a distribution that `serves: static` only: one in front of an API"
        " (`api`, `mixed`) gets no hit-rate alarm unless this key is given (its uncacheable responses keep the rate"
        " low, so the alarm would always fire).",
    )

    @model_validator(mode="after")
    def _ranges(self) -> CdnThresholds:
        check_percentages(self.error_rate_5xx)
        check_percentages(self.cache_hit_rate)
        if self.cache_hit_rate is not None and self.cache_hit_rate.direction != "below":
            raise ValueError("cache_hit_rate: direction must be 'below' (a low hit rate is the problem)")
        return self


class CdnAdvice(StrictModel):
    """The estate's own words for a distribution's alarms: what to do, or which runbook to follow."""

    error_rate_5xx: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="Replaces `percentage of requests` in the 5xx-rate alarm's description and graph title.",
    )
    cache_hit_rate: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="Replaces `cacheable requests served from the cache` in the cache-hit-rate alarm's description"
        " and graph title (e.g. your runbook's advice: `below 80 %, adjust the TTLs`).",
    )


SERVES = ("static", "api", "mixed")


class CdnDistribution(StrictModel):
    """A CloudFront distribution the estate watches (it is managed elsewhere; we alarm on it)."""

    name: Name = Field(description="The distribution's name in the estate, unique: it names its alarms.")
    distribution_id: str = Field(pattern=r"^E[A-Z0-9]{7,20}$", description="The CloudFront distribution id (`E...`).")
    service: Name = Field(description="The service (`services[].name`) it fronts; its alarms show on that service's dashboard.")
    serves: Literal["static", "api", "mixed"] = Field(
        default="mixed",
        description="What the distribution serves, which sets its default alarms: `static` (assets: a low cache hit"
        " rate is a fault, so `cache_hit_rate` defaults to below 80 %), `api` or `mixed` (dynamic responses: no"
        " hit-rate alarm unless `thresholds.cache_hit_rate` is given).",
    )
    thresholds: CdnThresholds = Field(default=CdnThresholds(), description="Levels of the distribution's alarms.")
    advice: CdnAdvice = Field(
        default=CdnAdvice(),
        description="The estate's own text for each alarm (runbook advice), in place of the metric's explanation.",
    )
    monitoring_subscription: Literal["owned", "external"] = Field(
        default="owned",
        description="Who declares the distribution's monitoring subscription (the additional metrics `CacheHitRate`"
        " needs): `owned`, this stack; `external`, another stack of the account (a disaster-recovery stack sharing production's distribution). CloudFront"
        " allows one per distribution (a second create fails with `MonitoringSubscriptionAlreadyExists`, and"
        " destroying the owner switches the metrics off for every stack): exactly one stack file owns it.",
    )


    @model_validator(mode="before")
    @classmethod
    def _defaults_fit_what_it_serves(cls, data):
        """Only a static distribution gets the default hit-rate alarm; an explicit ``cache_hit_rate`` always holds."""
        if isinstance(data, dict) and data.get("serves", "mixed") != "static":
            thresholds = data.get("thresholds", {})
            if isinstance(thresholds, dict) and "cache_hit_rate" not in thresholds:
                data = {**data, "thresholds": {**thresholds, "cache_hit_rate": None}}
        return data


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
