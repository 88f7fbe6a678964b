"""Secrets that survive the region (issue 11, components/secrets.py): every secret prod creates has a replica in
the DR region, where the DR stack reads it under the same name; none without a DR section or with secrets off."""

from __future__ import annotations

SECRET = "aws:secretsmanager/secret:Secret"


def test_every_secret_prod_creates_has_a_replica_in_eu_west_1(prod_render):
    secrets = prod_render.of_type(SECRET)
    assert {s.inputs["name"].split("/")[-1] for s in secrets} >= {"jwt-secret", "session-secret", "mongodb-uri", "auth-token"}
    for secret in secrets:
        # No kmsKeyId: the replica uses eu-west-1's aws/secretsmanager key (data.catalogue.secretsmanager).
        assert secret.inputs["replicas"] == [{"region": "eu-west-1"}], secret.name
        assert secret.protect and prod_render.region_of(secret) == "eu-central-1"


def test_no_replica_without_a_dr_section_or_with_secrets_off(prod_estate, render_estate_dict):
    prod_estate["disaster_recovery"]["secrets"] = False
    assert all("replicas" not in s.inputs for s in render_estate_dict(prod_estate).of_type(SECRET))
    prod_estate.pop("disaster_recovery")
    assert all("replicas" not in s.inputs for s in render_estate_dict(prod_estate).of_type(SECRET))
