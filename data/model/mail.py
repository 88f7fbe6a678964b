"""SES: the sending domain, its senders and templates, bounce and complaint feedback (runbook 001)."""

from __future__ import annotations

from pydantic import Field, model_validator

from data.model.alerting import Subscription
from data.model.base import Name, StrictModel, Threshold, format_number


class EmailTemplate(StrictModel):
    """An SES email template."""

    name: Name = Field(description="The SES template name.")
    subject: str = Field(min_length=1, description="The subject line (SES template syntax: `{{variable}}`).")
    html: str = Field(min_length=1, description="The HTML body.")
    text: str = Field(min_length=1, description="The plain-text body.")


class Mail(StrictModel):
    """SES for symphonia.fr (runbook 001), with bounce *and* complaint feedback."""

    domain: str = Field(
        pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", description="The sending domain, verified with DKIM (runbook 001: `symphonia.fr`).",
    )
    senders: list[str] = Field(
        min_length=1, description="The sender addresses, all of `domain`; each is verified as an identity of its own.",
    )
    mail_from_subdomain: str = Field(
        default="mail", pattern=r"^[a-z0-9-]+$", description="The custom MAIL FROM subdomain (`<subdomain>.<domain>`).",
    )
    feedback_topic: Name = Field(
        default="ses-bounces-complaints", description="The SNS topic SES sends bounce and complaint notifications to.",
    )
    feedback_subscribers: list[Subscription] = Field(
        min_length=1, description="Who hears the bounces and complaints (runbook 001 wired bounces only).",
    )
    configuration_set: Name = Field(description="The SES configuration set: TLS required, reputation metrics published.")
    templates: list[EmailTemplate] = Field(default=[], description="The SES email templates.")
    # Warn before SES's "under review" level, page at it: bounce 2 % (seed 003's "< 2%") / 5 % (review);
    # complaint 0.05 % / 0.1 % (review). SES may pause sending at 10 % / 0.5 %.
    bounce_rate: Threshold = Field(
        default=Threshold(warning=0.02, critical=0.05),
        description="SES Reputation.BounceRate, a fraction (0.05 is 5 %): warn at seed 003's 2 %, page at SES's review"
        " level, 5 %.",
    )
    complaint_rate: Threshold = Field(
        default=Threshold(warning=0.0005, critical=0.001),
        description="SES Reputation.ComplaintRate, a fraction: warn at 0.05 %, page at SES's review level, 0.1 %.",
    )

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
