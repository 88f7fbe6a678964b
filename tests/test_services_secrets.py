"""Issue 10 #7: secrets reach the instances before the instances read them.

Elastic Beanstalk reads ``environmentsecrets`` once, at instance bootstrap: an environment must
depend on the ``SecretVersion`` holding each value it reads (JWT, session, MONGODB_URI, Redis AUTH
token), not only on the secret's container. Secrets operators set (``secrets_manager:`` refs) are
referenced as existing secrets (a data source), never created empty by the same ``up``; preflight
checks that they exist with a value.
"""

from __future__ import annotations

import pytest

ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
SECRET = "aws:secretsmanager/secret:Secret"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
SECRETS_NS = "aws:elasticbeanstalk:application:environmentsecrets"
PREFIX = "rt-technologie/prod"


def _kebab(key: str) -> str:
    return key.lower().replace("_", "-")


def _expected_versions(service: dict, cache_name: str) -> set[str]:
    """The SecretVersions holding the values the service's environment reads."""
    names = {f"{PREFIX}/{service['name']}/{_kebab(key)}-value"
             for key, ref in service.get("secrets", {}).items() if "generated" in ref or "config" in ref}
    if service.get("database"):
        names.add(f"{PREFIX}/{service['name']}/mongodb-uri-value")
    if service.get("uses_cache"):
        names.add(f"{PREFIX}/{cache_name}/auth-token-value")
    return names


@pytest.fixture(scope="module")
def prod_estate_module(_prod_estate_pristine):
    return _prod_estate_pristine


@pytest.fixture(scope="module")
def prod_services(prod_estate_module):
    return [s for s in prod_estate_module["services"] if s.get("kind", "beanstalk") == "beanstalk"]


def test_each_environment_depends_on_the_secret_values_it_reads(prod_render, prod_services, prod_estate_module):
    versions = {r.urn: r.name for r in prod_render.of_type(VERSION)}
    environments = {e.inputs["name"]: e for e in prod_render.of_type(ENVIRONMENT)}
    checked = 0
    for service in prod_services:
        environment = environments[service["environment"]]
        expected = _expected_versions(service, prod_estate_module["cache"]["name"])
        depends_on = {versions[urn] for urn in environment.dependencies if urn in versions}
        assert expected <= depends_on, (service["name"], sorted(expected - depends_on))
        checked += len(expected)
    assert checked >= 8  # JWT and session secrets, four MONGODB_URIs, the Redis AUTH token...


def test_operator_set_secrets_are_referenced_not_created(prod_render, prod_services):
    created = {s.inputs.get("name") for s in prod_render.of_type(SECRET)}
    environments = {e.inputs["name"]: e for e in prod_render.of_type(ENVIRONMENT)}
    referenced = 0
    for service in prod_services:
        settings = {s["name"]: s["value"] for s in environments[service["environment"]].inputs["settings"]
                    if s["namespace"] == SECRETS_NS}
        for key, ref in service.get("secrets", {}).items():
            if "secrets_manager" in ref:
                referenced += 1
                assert ref["secrets_manager"] not in created, key
                # The existing secret's full ARN (with its random suffix), as the lookup returns it.
                assert settings[key].startswith(f"arn:aws:secretsmanager:eu-central-1:123456789012:secret:{ref['secrets_manager']}-"), key
    assert referenced >= 5
