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
        s3 = [r for r in resources if r.startswith("arn:aws:s3:::elasticbeanstalk-eu-central-1-123456789012")]
        assert set(s3) == {"arn:aws:s3:::elasticbeanstalk-eu-central-1-123456789012",
                           "arn:aws:s3:::elasticbeanstalk-eu-central-1-123456789012/resources/environments/*",
                           "arn:aws:s3:::elasticbeanstalk-eu-central-1-123456789012/resources/environments/logs/*"}, policy.name
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


def _bucket_grants(document: dict) -> dict[str, set[str]]:
    """S3 action -> the resources of the EB bucket it is granted on."""
    grants: dict[str, set[str]] = {}
    for statement in document["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for action in actions:
            if action.startswith("s3:"):
                grants.setdefault(action, set()).update(r for r in resources if ":::elasticbeanstalk-" in r)
    return {action: found for action, found in grants.items() if found}


def test_the_eb_bucket_is_read_under_environment_resources_and_written_under_logs_only():
    """Issue 10 #13: not the whole bucket (every application's versions and bundles), but the key
    families the EB documentation gives: environment resources (AWS's own scoped-down example) read,
    logs written (the instances' only writes), listing and location on the bucket."""
    from components.beanstalk.permissions import InstancePermissions, instance_policy_document
    from data.catalogue import beanstalk as eb

    document = json.loads(instance_policy_document(
        InstancePermissions(region="eu-west-1", application="authz-eb", environment="authz-eb-dr"), "210987654321", [], []))
    bucket = "arn:aws:s3:::elasticbeanstalk-eu-west-1-210987654321"
    assert eb.storage_bucket("eu-west-1", "210987654321") == bucket.removeprefix("arn:aws:s3:::")
    # AWS's buckets of platform assets stay readable (the managed policy's elasticbeanstalk-* covered them).
    assets = {f"arn:aws:s3:::{name}/*" for name in (
        "elasticbeanstalk-platform-assets-eu-west-1", "elasticbeanstalk-env-resources-eu-west-1",
        "elasticbeanstalk-eu-west-1", "elasticbeanstalk-samples-eu-west-1")}
    assert _bucket_grants(document) == {
        "s3:ListBucket": {bucket}, "s3:GetBucketLocation": {bucket},
        "s3:GetObject": {f"{bucket}/{eb.ENVIRONMENT_RESOURCES_PREFIX}*"} | assets,
        "s3:PutObject": {f"{bucket}/{eb.LOGS_PREFIX}*"},
    }
    assert eb.ENVIRONMENT_RESOURCES_PREFIX == "resources/environments/" and eb.LOGS_PREFIX == "resources/environments/logs/"
    assert eb.BUCKET_SCOPE_UNSETTLED  # what the documentation leaves open is recorded with the facts
