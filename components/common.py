"""Cross-cutting decisions every component uses: tags, protection of stateful resources, naming.

Kept in one place so no component re-decides them (STYLE.md: "Cross-cutting decisions live once").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from data.model import Estate

PACKAGE = "monitored-estate"


def type_token(module: str, name: str) -> str:
    """Component type tokens: ``monitored-estate:<module>:<Type>``."""
    return f"{PACKAGE}:{module}:{name}"


@dataclass(frozen=True)
class Tagging:
    """The estate's tags, which a component receives in its args instead of the whole estate; calling
    it adds a resource's specifics (``tagging(service="authz-eb", Name=...)``)."""

    base: Mapping[str, str]

    @classmethod
    def of(cls, estate: Estate) -> Tagging:
        """Who owns it, which estate and environment, then the estate's own tags."""
        return cls({
            "organisation": estate.organisation,
            "environment": estate.environment,
            "managed-by": "pulumi",
            "project": PACKAGE,
            **estate.tags,
        })

    def __call__(self, **extra: str | None) -> dict[str, str]:
        tags = {**self.base, **{key: value for key, value in extra.items() if value is not None}}
        return dict(sorted(tags.items()))


def estate_tags(estate: Estate, **extra: str) -> dict[str, str]:
    """Tags on every taggable resource: who owns it, which estate and environment, then specifics."""
    return Tagging.of(estate)(**extra)


@dataclass
class Regions:
    """Providers per region. The primary region uses the default provider (``aws:region``), so
    ``provider`` is None for it; the global-metrics region gets one explicit provider, built by the
    program and passed down through resource options (leaf code never builds a provider)."""

    primary: str
    explicit: dict[str, aws.Provider] = field(default_factory=dict)

    def provider(self, region: str) -> aws.Provider | None:
        return None if region == self.primary else self.explicit[region]

    def options(self, region: str) -> pulumi.ResourceOptions:
        provider = self.provider(region)
        return pulumi.ResourceOptions(provider=provider) if provider else pulumi.ResourceOptions()

    @property
    def all(self) -> list[str]:
        return [self.primary, *sorted(self.explicit)]


def child(parent: pulumi.Resource, opts: pulumi.ResourceOptions | None = None, **kwargs) -> pulumi.ResourceOptions:
    """Options for a component's child: parented, merged with the caller's options."""
    base = pulumi.ResourceOptions(parent=parent, **kwargs)
    return pulumi.ResourceOptions.merge(base, opts) if opts else base


def stateful(parent: pulumi.Resource, opts: pulumi.ResourceOptions | None = None, **kwargs) -> pulumi.ResourceOptions:
    """Options for a resource holding data (bucket, cluster, cache, secret, backup): never lost by accident.

    ``protect`` makes ``pulumi destroy`` and replacements fail until someone unprotects it on purpose;
    ``retain_on_delete`` keeps the cloud resource even when it leaves the program.
    """
    return child(parent, opts, protect=True, retain_on_delete=True, **kwargs)


@dataclass(frozen=True)
class TopicPublisher:
    """An AWS service allowed to publish to a topic: CloudWatch alarms, budgets, SES feedback..."""

    sid: str
    service: str  # e.g. ``cloudwatch.amazonaws.com``
    source_arn: str | None = None  # narrows it further (``ArnLike aws:SourceArn``)


TOPIC_MANAGEMENT_ACTIONS = ("sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic")


def topic_policy_document(
    topic_arn: str, account_id: str, publishers: Sequence[TopicPublisher], account_publishes: bool = False
) -> str:
    """An SNS topic policy: each publisher service may publish, for this account only, and the account
    manages the topic (and publishes to it when ``account_publishes``).

    ``aws:SourceAccount`` keeps another account's resources from using our topic (confused deputy).
    """
    statements: list[dict] = []
    for publisher in publishers:
        condition: dict = {"StringEquals": {"aws:SourceAccount": account_id}}
        if publisher.source_arn is not None:
            condition["ArnLike"] = {"aws:SourceArn": publisher.source_arn}
        statements.append({
            "Sid": publisher.sid,
            "Effect": "Allow",
            "Principal": {"Service": publisher.service},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": condition,
        })
    statements.append({
        "Sid": "AccountManagesTopic",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": [*TOPIC_MANAGEMENT_ACTIONS, *(("sns:Publish",) if account_publishes else ())],
        "Resource": topic_arn,
    })
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
