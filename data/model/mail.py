"""SES: the sending domain, its senders and templates, bounce and complaint feedback (runbook 001)."""

from __future__ import annotations

from pydantic import Field, model_validator

from data.model.alerting import Subscription
from data.model.base import Name, StrictModel, Threshold, format_number


class EmailTemplate(StrictModel):
    name: Name
    subject: str = Field(min_length=1)
    html: str = Field(min_length=1)
    text: str = Field(min_length=1)


class Mail(StrictModel):
    """SES for symphonia.fr (runbook 001), with bounce *and* complaint feedback."""

    domain: str = Field(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
    senders: list[str] = Field(min_length=1)
    mail_from_subdomain: str = Field(default="mail", pattern=r"^[a-z0-9-]+$")
    feedback_topic: Name = "ses-bounces-complaints"
    feedback_subscribers: list[Subscription] = Field(min_length=1)
    configuration_set: Name
    templates: list[EmailTemplate] = []
    # Warn before SES's "under review" level, page at it: bounce 2 % (seed 003's "< 2%") / 5 % (review);
    # complaint 0.05 % / 0.1 % (review). SES may pause sending at 10 % / 0.5 %.
    bounce_rate: Threshold = Threshold(warning=0.02, critical=0.05)
    complaint_rate: Threshold = Threshold(warning=0.0005, critical=0.001)

    @model_validator(mode="after")
    def _senders_in_domain(self) -> Mail:
        for sender in self.senders:
            if not sender.endswith("@" + self.domain):
                raise ValueError(f"senders: '{sender}' is not an address of {self.domain}")
        for field in ("bounce_rate", "complaint_rate"):
            for _, value in getattr(self, field).levels():
                if not 0 < value < 1:
                    raise ValueError(f"{field}: {format_number(value)} must be a fraction between 0 and 1 (SES reports 0.05 for 5 %)")
        return self
