"""Secrets: every operator-set secret the estate references exists and has a value.

Elastic Beanstalk reads ``environmentsecrets`` only at instance bootstrap (issue 10, #7): a secret that
is missing or empty when the environment is created leaves the service without it. The references
are found by walking the whole model, so a ``SecretRef`` anywhere (services' ``secrets``, the cache's
AUTH token, subscription endpoints) is checked:

- ``secrets_manager``: ``DescribeSecret`` (metadata only): the secret exists, is not scheduled for
  deletion, and a version carries the ``AWSCURRENT`` stage;
- ``ssm``: ``GetParameter`` without decryption, of which only the name, type and version are read;
- ``config``: the stack file has the Pulumi config key (``pulumi config set --secret``).

``generated`` secrets are made by the program. No value is ever read into a result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel

from data.config import PROJECT
from data.model import SecretRef
from tools.preflight.aws import Missing, Unavailable, call
from tools.preflight.registry import Context, check


def secret_refs(model: BaseModel, path: str = "estate") -> Iterator[tuple[str, SecretRef]]:
    """Every ``SecretRef`` under ``model``, with its key path (``estate.services[0].secrets.JWT_SECRET``)."""
    if isinstance(model, SecretRef):
        yield path, model
        return
    for name in type(model).model_fields:
        yield from _walk(getattr(model, name), f"{path}.{name}")


def _walk(value, path: str) -> Iterator[tuple[str, SecretRef]]:
    if isinstance(value, BaseModel):
        yield from secret_refs(value, path)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")


@check("secret", "operator-set secrets exist and have a value")
def operator_secrets(ctx: Context):
    region = ctx.region
    seen: set[tuple[str, str]] = set()
    for path, ref in secret_refs(ctx.estate):
        if ref.kind == "generated":
            continue
        name = getattr(ref, ref.kind)
        if (ref.kind, name) in seen:  # one secret read by several services is checked once
            continue
        seen.add((ref.kind, name))
        if ref.kind == "secrets_manager":
            yield _secrets_manager(ctx, region, name, path)
        elif ref.kind == "ssm":
            yield _ssm(ctx, region, name, path)
        elif ref.kind == "config":
            yield _config(ctx, region, name, path)


# A name ending in a hyphen and six characters reads as a partial ARN (its random suffix): Secrets
# Manager may then resolve another secret (review B-14). Such names are found by exact name first.
_PARTIAL_ARN_TAIL = re.compile(r"-[^-/]{6}$")


def _secret_id(client, name: str) -> str:
    if not _PARTIAL_ARN_TAIL.search(name):
        return name
    listed = call(client.list_secrets, Filters=[{"Key": "name", "Values": [name]}], IncludePlannedDeletion=True)
    exact = [s["ARN"] for s in listed.get("SecretList", []) if s.get("Name") == name]
    if not exact:
        raise Missing("ResourceNotFoundException")
    return exact[0]


def _secrets_manager(ctx: Context, region: str, name: str, path: str):
    subject = f"secretsmanager:{name}"
    client = ctx.clients("secretsmanager", region)
    try:
        described = call(client.describe_secret, SecretId=_secret_id(client, name))
    except Missing:
        return ctx.failed("secret", subject, region, f"does not exist (read by {path})",
                          f"create it with its value before `pulumi up`: aws secretsmanager create-secret"
                          f" --region {region} --name {name} --secret-string file://<file>")
    except Unavailable as error:
        return ctx.unavailable("secret", subject, region, "DescribeSecret/ListSecrets", error,
                               f"check it by hand: aws secretsmanager describe-secret --region {region} --secret-id {name}")
    if described.get("DeletedDate"):
        return ctx.failed("secret", subject, region, f"is scheduled for deletion (read by {path})",
                          f"restore it: aws secretsmanager restore-secret --region {region} --secret-id {name}")
    stages = described.get("VersionIdsToStages") or {}
    if not any("AWSCURRENT" in labels for labels in stages.values()):
        return ctx.failed("secret", subject, region, f"exists but has no value (no AWSCURRENT version; read by {path})",
                          f"put its value: aws secretsmanager put-secret-value --region {region} --secret-id {name}"
                          " --secret-string file://<file>")
    return ctx.passed("secret", subject, region, "exists with a current value")


def _ssm(ctx: Context, region: str, name: str, path: str):
    subject = f"ssm:{name}"
    try:
        answer = call(ctx.clients("ssm", region).get_parameter, Name=name, WithDecryption=False)
    except Missing:
        return ctx.failed("secret", subject, region, f"does not exist (read by {path})",
                          f"create it: aws ssm put-parameter --region {region} --type SecureString --name {name}"
                          " --value file://<file>")
    except Unavailable as error:
        return ctx.unavailable("secret", subject, region, "GetParameter", error,
                               f"check it by hand: aws ssm describe-parameters --region {region}")
    parameter = answer.get("Parameter", {})
    kind, version = parameter.get("Type", "?"), parameter.get("Version", "?")
    del answer, parameter  # nothing of the value goes further
    return ctx.passed("secret", subject, region, f"exists ({kind}, version {version})")


def _config(ctx: Context, region: str, key: str, path: str):
    full = key if ":" in key else f"{PROJECT}:{key}"
    subject = f"config:{full}"
    if full in ctx.config:
        return ctx.passed("secret", subject, "stack file", "set in the stack file")
    return ctx.failed("secret", subject, "stack file", f"is not set in the stack file (read by {path})",
                      f"set it: pulumi config set --secret --stack {ctx.stack or '<stack>'} {full} <value>")
