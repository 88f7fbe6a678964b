"""Secrets: no credential in plaintext in any resource input.

The patterns (``data/secret_patterns.py``) are the ones the estate model refuses plaintext secrets with:
``data.model`` imports them from there, so there is one definition.
Under the engine a Pulumi secret reaches a policy unwrapped (pulumi_policy deserializes without
secret markers), so "plaintext" here means "in a place that is not a secret store": EB environment
variables, and any input outside the known secret sinks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .base import eb_names, eb_setting, known_or_none, resource_rule
from data.secret_patterns import SECRET_VALUE_PATTERN, looks_secret

ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
APP_ENV = "aws:elasticbeanstalk:application:environment"
ENV_SECRETS = "aws:elasticbeanstalk:application:environmentsecrets"
# Inputs whose whole purpose is to hold a secret value (stored encrypted by the provider).
SECRET_SINKS = {
    "aws:secretsmanager/secretVersion:SecretVersion": ("secretString", "secretBinary"),
    "aws:ssm/parameter:Parameter": ("value",),
}
SECRET_REFERENCE = re.compile(r"^arn:aws[a-z-]*:(secretsmanager|ssm):")
MARKERS = ("[secret]", "[unknown]")


@resource_rule(
    "secrets-environment-plaintext", area="secrets", category="security",
    description="No secret-looking environment variable is set in plaintext on an Elastic Beanstalk environment.",
    runbook="Secrets never in plaintext configuration; strong, unique secrets",
    remediation="Declare the variable under services[].secrets (Secrets Manager, SSM, config or generated); it reaches the "
    "environment through aws:elasticbeanstalk:application:environmentsecrets.",
    types=ENVIRONMENT,
)
def environment_plaintext(args, report_violation):
    for name in eb_names(args.props, APP_ENV):
        value = known_or_none(lambda: eb_setting(args.props, APP_ENV, name))
        if looks_secret(name, value if isinstance(value, str) else None):
            report_violation(f"{name} looks like a secret and is a plain environment variable.")


@resource_rule(
    "secrets-environment-references", area="secrets", category="security",
    description="Elastic Beanstalk environment secrets are Secrets Manager or SSM references, never values.",
    runbook="Secrets referenced from a secret store, never committed",
    remediation="Give environmentsecrets the ARN of the secret (components/secrets.py SecretStore.arn).",
    types=ENVIRONMENT,
)
def environment_references(args, report_violation):
    for name in eb_names(args.props, ENV_SECRETS):
        # An unknown value is computed from a secret's ARN output: a reference by construction.
        value = known_or_none(lambda: eb_setting(args.props, ENV_SECRETS, name))
        if isinstance(value, str) and not SECRET_REFERENCE.match(value):
            report_violation(f"{name} is not a Secrets Manager or SSM ARN: the secret's value itself is in the settings.")


def _credential_uris(value: Any, path: str) -> list[str]:
    if isinstance(value, str):
        return [path] if value not in MARKERS and SECRET_VALUE_PATTERN.search(value) else []
    if isinstance(value, Mapping):
        return [p for key in value for p in _credential_uris(_raw(value, key), f"{path}.{key}")]
    if isinstance(value, Sequence):
        return [p for i in range(len(value)) for p in _credential_uris(_raw(value, i), f"{path}[{i}]")]
    return []


def _raw(container: Any, key: Any) -> Any:
    """Read without the unknown check: an unknown sentinel is no credential, and must not stop the walk."""
    try:
        return container["__target"][key]
    except (KeyError, TypeError, IndexError):
        return container[key]


@resource_rule(
    "secrets-input-credential-uri", area="secrets", category="security",
    description="No resource input carries a URI with embedded credentials ([user]:password@) outside a secret store.",
    runbook="Connection strings never carry a password in plaintext",
    remediation="Store the connection string with SecretStore.store and pass its ARN (environmentsecrets) instead.",
)
def input_credential_uri(args, report_violation):
    sinks = SECRET_SINKS.get(args.resource_type, ())
    for key in list(args.props):
        if key in sinks:
            continue
        for path in _credential_uris(_raw(args.props, key), key):
            report_violation(f"{path} holds a URI with credentials ([user]:password@) in plaintext.")
