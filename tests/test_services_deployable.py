"""Values AWS (or the provider pulumi-aws wraps) refuses, checked on the prod and DR renders: each
failed a real first ``pulumi preview``/``up`` before it was fixed (issue 10, docs/documentation-review.md § 14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data.catalogue import ec2
from infra.engine import render_stack
from policies.rules.services import _ec2_descriptions

ROOT = Path(__file__).resolve().parent.parent
DR = ROOT / "Pulumi.dr.yaml"
EC2_GROUP_TYPES = (
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)


@pytest.fixture(scope="module")
def dr_render():
    return render_stack(DR)


@pytest.fixture(params=["prod", "dr"])
def render(request, prod_render, dr_render):
    return prod_render if request.param == "prod" else dr_render


def test_every_ec2_description_is_in_ec2s_character_set(render):
    """B-1: "Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*" (no apostrophe)."""
    checked, refused = 0, []
    for type_ in EC2_GROUP_TYPES:
        for resource in render.of_type(type_):
            for where, value in _ec2_descriptions(type_, resource.inputs):
                if isinstance(value, str):
                    checked += 1
                    if not re.match(ec2.DESCRIPTION_PATTERN, value) or len(value) > ec2.DESCRIPTION_MAX_LENGTH:
                        refused.append((resource.name, where, value))
    assert checked >= 5  # the groups, their inline rules and the cache's ingress rule were all read
    assert refused == []


def test_health_check_reference_names_fit_the_providers_limit(render):
    """B-2: the provider allows 27 characters (64 - 26 - 11); DR's subscriptions service name is longer."""
    from data.catalogue import route53

    names = [c.inputs.get("referenceName") for c in render.of_type("aws:route53/healthCheck:HealthCheck")]
    assert names and all(isinstance(n, str) and n for n in names)
    assert [n for n in names if len(n) > route53.REFERENCE_NAME_MAX_LENGTH] == []
