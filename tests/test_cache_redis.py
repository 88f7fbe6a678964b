"""ElastiCache Redis of prod (components/cache.py): encrypted replication group with AUTH, network
limited to the services' instances, seed 004's window, snapshots, alarms via the factory, and
REDIS_URL built from the real endpoint (the seed's host name is wrong)."""

from __future__ import annotations

import json

import pytest

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SEED_HOST = "symphonia-redis.cache.amazonaws.com"  # runbook 001 line 147


@pytest.fixture(scope="module")
def group(prod_render):
    (group,) = prod_render.of_type(GROUP)
    return group


def test_replication_group_as_runbook_001_names_it_hardened(group):
    i = group.inputs
    assert group.name == i["replicationGroupId"] == "symphonia-redis-prod"
    assert (i["engine"], i["engineVersion"], i["nodeType"]) == ("redis", "7.1", "cache.t3.micro")
    assert i["numCacheClusters"] == 2 and i["automaticFailoverEnabled"] is True and i["multiAzEnabled"] is True
    assert i["atRestEncryptionEnabled"] is True and i["transitEncryptionEnabled"] is True
    assert i["authToken"] == "[secret]"
    assert i["port"] == 6379
    assert group.protect


def test_maintenance_window_and_snapshots(group):
    i = group.inputs
    assert i["maintenanceWindow"] == "sun:02:00-sun:05:00"  # seed 004, UTC
    assert i["snapshotRetentionLimit"] == 7
    assert i["snapshotWindow"] == "00:00-01:00"
    assert i["finalSnapshotIdentifier"] == "symphonia-redis-prod-final"
    assert i["applyImmediately"] is False


def test_auth_token_comes_from_the_secret_store(prod_render, group):
    (token,) = [r for r in prod_render.of_type("random:index/randomPassword:RandomPassword") if "symphonia-redis-prod/auth-token" in r.name]
    assert token.inputs["length"] == 64 and token.inputs["special"] is False  # AUTH forbids @ " /
    assert token.urn in group.dependencies
    secret = prod_render.named("rt-technologie/prod/symphonia-redis-prod/auth-token", "aws:secretsmanager/secret:Secret")
    assert secret.protect


def test_private_subnets_and_6379_only_from_the_services_instances(prod_render, group, prod_estate):
    subnets = prod_render.named("symphonia-redis-prod-subnets", "aws:elasticache/subnetGroup:SubnetGroup")
    assert subnets.inputs["subnetIds"] == prod_estate["network"]["private_subnet_ids"]
    assert group.inputs["subnetGroupName"] == "symphonia-redis-prod-subnets"
    sg = prod_render.named("symphonia-redis-prod-sg", "aws:ec2/securityGroup:SecurityGroup")
    assert sg.inputs["vpcId"] == prod_estate["network"]["vpc_id"]
    assert "ingress" not in sg.inputs and "egress" not in sg.inputs  # rules are separate resources
    rules = [r for r in prod_render.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if sg.urn in r.dependencies]
    (rule,) = rules
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 6379, 6379)
    assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs
    # Only the services with uses_cache (tms-sync-eb) reach it, each by its own group (issue 10 #13).
    instances = prod_render.named("rt-technologie-prod-services-tms-sync-eb-instances", "aws:ec2/securityGroup:SecurityGroup")
    assert instances.urn in rule.dependencies


def test_alarms_through_the_factory_on_the_worst_node(prod_render):
    alarms = {a.inputs["name"]: a for a in prod_render.of_type(ALARM) if a.inputs["name"].startswith("symphonia-redis-prod-")}
    expected = {
        "cpu": (70, 85), "engine-cpu": (70, 90), "memory": (75, 90), "evictions": (100, 1000), "connections": (1000, 5000),
    }
    assert set(alarms) == {f"symphonia-redis-prod-{s}-{sev}" for s in expected for sev in ("warning", "critical")}
    for signal, (warning, critical) in expected.items():
        for severity, value in (("warning", warning), ("critical", critical)):
            alarm = alarms[f"symphonia-redis-prod-{signal}-{severity}"]
            assert alarm.inputs["threshold"] == value
            assert alarm.inputs["alarmActions"] == [f"arn:aws:sns:eu-central-1:123456789012:rt-estate-prod-{severity}"]
            queries = alarm.inputs["metricQueries"]
            nodes = [q["metric"]["dimensions"]["CacheClusterId"] for q in queries if "metric" in q]
            assert nodes == ["symphonia-redis-prod-001", "symphonia-redis-prod-002"]
            (result,) = [q for q in queries if q.get("returnData")]
            assert result["expression"] == "MAX([node1, node2])"
            assert "Runbook: " in alarm.inputs["alarmDescription"]


def test_redis_url_is_the_real_primary_endpoint_over_tls(prod_render):
    environment = prod_render.named("tms-sync-eb-prod", "aws:elasticbeanstalk/environment:Environment")
    settings = {(s["namespace"], s["name"]): s["value"] for s in environment.inputs["settings"]}
    url = settings[("aws:elasticbeanstalk:application:environment", "REDIS_URL")]
    # The engine's fake primaryEndpointAddress for the group: the URL is built from that output.
    assert url.startswith("rediss://master.symphonia-redis-prod.") and url.endswith(".euc1.cache.amazonaws.com:6379")
    assert SEED_HOST not in url
    token_arn = settings[("aws:elasticbeanstalk:application:environmentsecrets", "REDIS_AUTH_TOKEN")]
    assert token_arn.startswith("arn:aws:secretsmanager:eu-central-1:123456789012:secret:rt-technologie/prod/symphonia-redis-prod/auth-token")
    for other in ("authz-eb-prod", "rt-subscriptions-api-prod", "affret-ia-api-v2-prod"):
        env = prod_render.named(other, "aws:elasticbeanstalk/environment:Environment")
        assert not any(s["name"] in ("REDIS_URL", "REDIS_AUTH_TOKEN") for s in env.inputs["settings"]), other


def test_no_replica_means_no_failover(prod_estate, render_estate_dict):
    prod_estate["cache"]["replicas"] = 0
    prod_estate["cache"]["maintenance_window"] = {"window": "wed:02:00-wed:04:00"}
    render = render_estate_dict(prod_estate)
    (group,) = render.of_type(GROUP)
    assert group.inputs["numCacheClusters"] == 1
    assert group.inputs["automaticFailoverEnabled"] is False and group.inputs["multiAzEnabled"] is False
    assert group.inputs["maintenanceWindow"] == "wed:02:00-wed:04:00"
    cpu = next(a for a in render.of_type(ALARM) if a.inputs["name"] == "symphonia-redis-prod-cpu-warning")
    assert json.dumps(cpu.inputs["metricQueries"]).count("CacheClusterId") == 1


def test_a_cache_without_network_is_a_configuration_error(prod_estate, render_estate_dict):
    from data.config import EstateConfigError

    del prod_estate["network"]
    with pytest.raises(EstateConfigError, match=r"cache.*needs network"):
        render_estate_dict(prod_estate)
