"""Alert routing: who hears each severity, and which team hears which services (SNS topics: email, SMS, webhooks)."""

from __future__ import annotations

import difflib
import re
from typing import Literal

from pydantic import Field, model_validator

from data.catalogue.sns import url_credential
from data.model.base import SEVERITIES_BY_URGENCY, Name, SecretRef, Severity, StrictModel, unique

# The severities alarms and budgets publish to (a threshold has warning and critical levels): each needs a
# subscriber. ``info`` is optional (issue 12 #5): its topic exists only when someone listens to it.
PUBLISHED_SEVERITIES = (Severity.critical, Severity.warning)


class Subscription(StrictModel):
    """A subscriber of the alert topics of the listed severities."""

    name: Name = Field(description="The subscriber's name, unique in the list (it names the SNS subscriptions).")
    protocol: Literal["email", "sms", "https"] = Field(description="How SNS delivers: email, SMS, or an HTTPS webhook.")
    endpoint: str | SecretRef = Field(
        description="Where: an email address, a phone number in E.164 form (`+33612345678`) or an `https://` URL,"
        " matching `protocol`; or a secret reference (`{secrets_manager: name}` of an existing secret, `{ssm: name}`,"
        " `{config: key}`) whose value is that address, rendered as a Pulumi secret. A webhook URL that carries a"
        " credential (PagerDuty integration URL, Slack/Teams/chat hook path, token in the query string) must be a"
        " reference: plaintext is refused (data/catalogue/sns.py).",
    )
    severities: list[Severity] = Field(
        min_length=1,
        description="The severities whose topics this subscriber hears (seed 004 § 3.1: critical pages, warning"
        " mails, info chats). Alarms publish to critical and warning; info is a channel for the applications"
        " (the instances may publish to every alert topic), declared only when someone hears it.",
    )

    @model_validator(mode="after")
    def _endpoint_matches_protocol(self) -> Subscription:
        if isinstance(self.endpoint, SecretRef):
            if self.endpoint.generated is not None:
                raise ValueError("endpoint: a subscriber's address cannot be generated; use secrets_manager, ssm or config")
            return self
        checks = {
            "email": (r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", "an email address"),
            "sms": (r"^\+[1-9]\d{6,14}$", "a phone number in E.164 form (+33612345678)"),
            "https": (r"^https://[^\s]+$", "an https:// URL"),
        }
        pattern, expected = checks[self.protocol]
        if not re.match(pattern, self.endpoint, re.IGNORECASE):
            raise ValueError(f"endpoint: '{self.endpoint}' must be {expected} for protocol {self.protocol}")
        credential = url_credential(self.endpoint) if self.protocol == "https" else None
        if credential:
            # The URL itself is not repeated: it is the credential.
            raise ValueError(
                f"endpoint: this URL carries a credential ({credential}) and must not be plaintext; give a secret"
                " reference instead ({secrets_manager: name}, {ssm: name} or {config: key})"
            )
        return self

    @property
    def endpoint_is_secret(self) -> bool:
        return isinstance(self.endpoint, SecretRef)


class SmsPreferences(StrictModel):
    """The account's SMS preferences for alerts: a monthly spend cap and the message type."""

    monthly_spend_limit: int = Field(
        default=50, ge=1, le=10000,
        description="The SMS spend cap, USD a month, in each region with SMS subscribers.",
    )
    default_sms_type: Literal["Transactional", "Promotional"] = Field(
        default="Transactional",
        description="SNS SMS type: `Transactional` (critical messages, the most reliable delivery) for alerts.",
    )
    external_regions: list[str] = Field(
        default=[],
        description="Regions whose SMS preferences another stack of the same account declares (SMS preferences are"
        " one per region and account; deleting them resets the region's settings): a disaster-recovery stack"
        " names the regions its production stack owns. Exactly one stack file declares each region's.",
    )


class Team(StrictModel):
    """A team and the services it answers for: the alarms of those services also reach the team's subscribers."""

    name: Name = Field(
        description="The team's name, unique (its topics are `<topic_prefix>-<name>-<severity>`); not a severity name.",
    )
    services: list[Name] = Field(
        min_length=1,
        description="The services (`services[].name`) the team answers for; a service belongs to one team at most. The"
        " alarms of a service include those of the CloudFront distributions in front of it (`cdn[].service`).",
    )
    subscriptions: list[Subscription] = Field(
        min_length=1,
        description="Who in the team hears the alarms of its services, each at its own severities (same keys as"
        " `alerting.subscriptions`; a team need not cover every severity).",
    )

    @model_validator(mode="after")
    def _names(self) -> Team:
        if self.name in {sev.value for sev in SEVERITIES_BY_URGENCY}:
            raise ValueError(f"name: '{self.name}' is a severity; name the team (payments, platform, ...)")
        unique(self.services, "service")
        unique([s.name for s in self.subscriptions], "subscription name")
        return self

    @property
    def severities(self) -> list[Severity]:
        """The severities some subscriber of the team hears, most urgent first: the team's topics."""
        heard = {sev for sub in self.subscriptions for sev in sub.severities}
        return [sev for sev in SEVERITIES_BY_URGENCY if sev in heard]


class Alerting(StrictModel):
    """Where alarms go: one SNS topic per severity and region, and who subscribes to each.

    Routing is by severity, and by service through ``teams``: every alarm acts on the estate-wide topic of its
    severity (``subscriptions`` hear every alarm of their severities) and, when its service belongs to a team
    with a subscriber at that severity, on that team's topic too (the team hears its own services only).
    """

    topic_prefix: Name = Field(
        description="Prefix of the alert topics, named `<topic_prefix>-critical|warning|info` in every region"
        " with alarms.",
    )
    subscriptions: list[Subscription] = Field(
        min_length=1,
        description="Who hears the alerts of every service (estate-wide); critical and warning each need at least one"
        " subscriber, info is optional (no info topic without one).",
    )
    teams: list[Team] = Field(
        default=[],
        description="Routing by service: each team hears the alarms of its services at its subscribers' severities, on"
        " its own topics `<topic_prefix>-<team>-<severity>` (one per region with alarms, only for the severities it"
        " has subscribers for), on top of the estate-wide subscribers, who keep hearing every alarm.",
    )
    sms: SmsPreferences = Field(
        default=SmsPreferences(),
        description="The account's SMS preferences (default 50 USD a month, transactional), set in every region"
        " whose topics have an SMS subscriber (SMS settings are regional); the account's spend quota there must"
        " allow the limit (1 USD by default: `estate preflight` checks it).",
    )

    @model_validator(mode="after")
    def _every_severity_reaches_someone(self) -> Alerting:
        missing = [sev.value for sev in PUBLISHED_SEVERITIES if sev not in self.heard_severities]
        if missing:
            raise ValueError(
                f"no subscription receives severity {', '.join(missing)}: its alarms would publish to a topic nobody"
                " hears (critical and warning each need a subscriber; info is optional)"
            )
        unique([s.name for s in self.subscriptions], "subscription name")
        unique([t.name for t in self.teams], "team name")
        return self

    @property
    def heard_severities(self) -> tuple[Severity, ...]:
        """The severities with a subscriber, most urgent first: the topics the estate declares."""
        heard = {severity for subscription in self.subscriptions for severity in subscription.severities}
        return tuple(severity for severity in SEVERITIES_BY_URGENCY if severity in heard)

    @property
    def all_subscriptions(self) -> list[Subscription]:
        """The estate-wide subscribers, then every team's."""
        return [*self.subscriptions, *(s for team in self.teams for s in team.subscriptions)]

    def team_of(self, service: str) -> Team | None:
        """The team that answers for ``service``, if any."""
        return next((team for team in self.teams if service in team.services), None)


def owner_team(estate, owner: str) -> Team | None:
    """The team that hears the alarms of ``owner``: a service's team, or for a CloudFront distribution the team
    of the service it fronts; None for estate-level owners (cache, mail, Atlas, platform alarms)."""
    service = next((d.service for d in estate.cdn if d.name == owner), owner)
    return estate.alerting.team_of(service)


def team_problems(estate) -> list[tuple[str, str]]:
    """Cross-references of ``alerting.teams`` (key path, message): every service named exists, in one team only."""
    names = sorted(s.name for s in estate.services)
    problems: list[tuple[str, str]] = []
    claimed: dict[str, int] = {}
    for i, team in enumerate(estate.alerting.teams):
        for j, service in enumerate(team.services):
            path = f"alerting.teams[{i}].services[{j}]"
            if service not in names:
                hint = difflib.get_close_matches(service, names, n=1)
                problems.append((path, f"unknown service '{service}'"
                                 + (f" (did you mean '{hint[0]}'?)" if hint else f" (declared: {', '.join(names)})")))
            elif service in claimed:
                problems.append((path, f"'{service}' already belongs to team alerting.teams[{claimed[service]}];"
                                 " a service has one team"))
            else:
                claimed[service] = i
    return problems


def sms_preference_regions(estate) -> list[str]:
    """The regions whose SMS preferences this estate declares: each region of its topics when it has an SMS
    subscriber, except those another stack owns (``alerting.sms.external_regions``)."""
    from data.catalogue.regions import regions_of

    alerting = estate.alerting
    if not any(subscription.protocol == "sms" for subscription in alerting.all_subscriptions):
        return []
    return [region for region in regions_of(estate.region) if region not in alerting.sms.external_regions]


def sms_preference_owners(estates: dict[str, object]) -> list[str]:
    """One problem per region whose SMS preferences more than one stack file of the account declares."""
    owners: dict[str, list[str]] = {}
    for stack, estate in estates.items():
        for region in sms_preference_regions(estate):
            owners.setdefault(region, []).append(stack)
    return [
        f"region {region}: SMS preferences are declared by {', '.join(stacks)}; one per region and account:"
        " add the region to alerting.sms.external_regions in all but one"
        for region, stacks in sorted(owners.items()) if len(stacks) > 1
    ]
