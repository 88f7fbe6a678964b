"""Issue 10 #13 (Elastic Beanstalk parts): no service reads another's bundles or reaches a cache it
does not use. The managed AWSElasticBeanstalkWebTier policy (every ``elasticbeanstalk-*`` bucket) is
replaced by a policy on the account's own EB bucket of the region; each service has its own instance
security group, and the cache admits 6379 only from the groups of the services with ``uses_cache``."""

from __future__ import annotations

import json

ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
LAUNCH = "aws:autoscaling:launchconfiguration"


def test_no_instance_role_has_the_web_tier_policy(prod_render):
    attached = [a.inputs["policyArn"] for a in prod_render.of_type(ATTACHMENT)]
    assert "arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier" not in attached


def test_instances_reach_only_their_accounts_eb_bucket_and_keep_health_reporting(prod_render):
    policies = [p for p in prod_render.of_type(ROLE_POLICY) if p.name.endswith("-instance-policy")]
    assert len(policies) == 4
    for policy in policies:
        document = json.loads(policy.inputs["policy"])
        resources = [r for s in document["Statement"] for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])]
        assert not any("elasticbeanstalk-*" in r for r in resources), policy.name
        s3 = [r for r in resources if r.startswith("arn:aws:s3:::elasticbeanstalk-")]
        assert set(s3) == {"arn:aws:s3:::elasticbeanstalk-eu-central-1-123456789012",
                           "arn:aws:s3:::elasticbeanstalk-eu-central-1-123456789012/*"}, policy.name
        actions = {a for s in document["Statement"] for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
        assert "elasticbeanstalk:PutInstanceStatistics" in actions  # enhanced health authorisation


def test_each_service_has_its_own_instance_group_and_only_cache_users_reach_redis(prod_render, prod_estate):
    groups = {g.inputs["name"]: g for g in prod_render.of_type(GROUP)}
    environments = {e.inputs["name"]: e for e in prod_render.of_type(ENVIRONMENT)}
    by_service = {}
    for service in prod_estate["services"]:
        settings = {(s["namespace"], s["name"]): s["value"] for s in environments[service["environment"]].inputs["settings"]}
        by_service[service["name"]] = settings[(LAUNCH, "SecurityGroups")]
    assert len(set(by_service.values())) == len(by_service)  # one group each
    group_ids = {}
    for name, group in groups.items():
        from infra.engine import fake_outputs

        group_ids[fake_outputs(group.type, group.name, group.inputs, "eu-central-1")[0]] = name
    admitted = {group_ids[r.inputs["referencedSecurityGroupId"]] for r in prod_render.of_type(INGRESS)
                if r.inputs.get("fromPort") == 6379}
    users = {s["name"] for s in prod_estate["services"] if s.get("uses_cache")}
    assert users and admitted == {group_ids[by_service[name]] for name in users}
