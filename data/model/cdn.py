"""CloudFront distributions the estate watches (managed elsewhere; the estate alarms on them)."""

from __future__ import annotations

from pydantic import Field, model_validator

from data.model.base import Name, StrictModel, Threshold, check_percentages


class CdnThresholds(StrictModel):
    error_rate_5xx: Threshold = Threshold(critical=5)  # seed 000 alarm #3: 5xxErrorRate > 5 (%)
    cache_hit_rate: Threshold | None = Threshold(warning=80, direction="below")  # seed 000: < 80 %

    @model_validator(mode="after")
    def _ranges(self) -> CdnThresholds:
        check_percentages(self.error_rate_5xx)
        check_percentages(self.cache_hit_rate)
        if self.cache_hit_rate is not None and self.cache_hit_rate.direction != "below":
            raise ValueError("cache_hit_rate: direction must be 'below' (a low hit rate is the problem)")
        return self


class CdnDistribution(StrictModel):
    """A CloudFront distribution the estate watches (it is managed elsewhere; we alarm on it)."""

    name: Name
    distribution_id: str = Field(pattern=r"^E[A-Z0-9]{7,20}$")
    service: Name
    thresholds: CdnThresholds = CdnThresholds()
