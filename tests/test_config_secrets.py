"""Issue 12 #11: a secret *value* is refused wherever it sits in the stack file, whatever its key's
name, recognised by detect-secrets' plugins (well-kept patterns, not ours); exit 2, the key path, what
to do, and never the value itself."""

from __future__ import annotations

import pytest

from data.config import EstateConfigError, parse_estate
from data.secret_patterns import looks_secret, secret_kind

# Shapes of real credentials (made up, the right lengths): what a stranger pasted under innocent names.
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"
SLACK_TOKEN = "xoxb-" + "123456789012-1234567890123-abcdefABCDEF1234"
GITHUB = "ghp_" + "a" * 36
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


@pytest.mark.parametrize("value, kind", [
    (STRIPE, "Stripe Access Key"),
    (AWS_KEY_ID, "AWS Access Key"),
    (SLACK_TOKEN, "Slack Token"),
    (GITHUB, "GitHub Token"),
    (PRIVATE_KEY, "Private Key"),
    (JWT, "JSON Web Token"),
    ("https://app:s3cret@db.internal/app", "Basic Auth Credentials"),
    # Not in detect-secrets: Redis AUTH without an ACL user has no user before the colon.
    ("redis://:s3cretpw@cache.internal:6379", "credential URI"),
])
def test_detect_secrets_recognises_the_values(value, kind):
    assert secret_kind(value) == kind
    assert looks_secret("PAYMENT_CONFIG", value)


@pytest.mark.parametrize("value", [
    "https://app.symphonia.fr", "production", "noreply@symphonia.fr", "vpc-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60001",
    "arn:aws:acm:eu-central-1:123456789012:certificate/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d", "203.0.113.10/32",
    "email-smtp.eu-central-1.amazonaws.com", "900000", "sk_test_but_short",
])
def test_ordinary_values_pass(value):
    assert secret_kind(value) is None


def _problems(estate: dict) -> list[str]:
    with pytest.raises(EstateConfigError) as caught:
        parse_estate(estate, "eu-central-1")
    return caught.value.problems


def test_an_env_value_under_an_innocent_name(prod_estate):
    prod_estate["services"][0]["env"]["PAYMENT_CONFIG"] = STRIPE
    assert _problems(prod_estate) == [
        "estate.services[0].env.PAYMENT_CONFIG: looks like a secret (a Stripe Access Key) and must not be plaintext;"
        " declare it under secrets with secrets_manager, ssm, config or generated"
    ]


@pytest.mark.parametrize("where, path", [
    (lambda e, v: e["tags"].__setitem__("deploy", v), "estate.tags.deploy"),
    (lambda e, v: e["services"][1].__setitem__("description", v), "estate.services[1].description"),
    (lambda e, v: e["services"][1].__setitem__("runbook", v), "estate.services[1].runbook"),
])
@pytest.mark.parametrize("value, kind", [(AWS_KEY_ID, "an AWS Access Key"), (SLACK_TOKEN, "a Slack Token")])
def test_a_secret_anywhere_else_in_the_estate(prod_estate, where, path, value, kind):
    where(prod_estate, value)
    problems = _problems(prod_estate)
    assert problems == [
        f"{path}: holds what looks like {kind} (detect-secrets); a credential never goes in the stack file:"
        " keep it in Secrets Manager or SSM (and rotate it: it has been in a file)"
    ]
    assert value not in problems[0]


def test_several_secrets_and_a_field_mistake_in_one_run(prod_estate):
    prod_estate["tags"]["deploy"] = AWS_KEY_ID
    prod_estate["services"][0]["env"]["PAYMENT_CONFIG"] = STRIPE
    prod_estate["services"][0]["port"] = 0
    problems = _problems(prod_estate)
    assert [p.split(": ", 1)[0] for p in problems] == [
        "estate.services[0].env.PAYMENT_CONFIG", "estate.services[0].port", "estate.tags.deploy",
    ]


def test_the_stack_files_of_the_project_hold_no_secret():
    from pathlib import Path

    from data.config import estate_from_stack_file, load_stack_file

    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("Pulumi.*.yaml"), *root.glob("examples/*.yaml")]:
        estate_from_stack_file(load_stack_file(path))  # raises on a secret value
