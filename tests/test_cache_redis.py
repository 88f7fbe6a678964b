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
        "cpu": (35, 45), "engine-cpu": (70, 90), "memory": (75, 90), "evictions": (100, 1000), "connections": (1000, 5000),
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


def _problems(estate: dict) -> list[str]:
    from data.config import EstateConfigError, parse_estate

    with pytest.raises(EstateConfigError) as caught:
        parse_estate(estate, "eu-central-1")
    return caught.value.problems


def test_host_cpu_levels_are_a_share_of_one_core_over_the_node_vcpus(prod_render):
    """Issue 10 #8: ElastiCache's guidance is 90 % / cores for CPUUtilization (the Redis thread saturates one
    core while a 2-vCPU host shows 50 %): the per-core levels 70 / 90 become 35 / 45 on cache.t3.micro."""
    alarms = {a.inputs["name"]: a for a in prod_render.of_type(ALARM)}
    warning, critical = alarms["symphonia-redis-prod-cpu-warning"], alarms["symphonia-redis-prod-cpu-critical"]
    assert (warning.inputs["threshold"], critical.inputs["threshold"]) == (35, 45)
    assert "2 vCPUs" in critical.inputs["alarmDescription"]
    assert "> 45%" in critical.inputs["alarmDescription"]


def test_from_four_vcpus_the_engine_thread_alone_is_watched(prod_estate, render_estate_dict):
    """AWS: from 4 vCPUs, EngineCPUUtilization; the host's share of one core would page on I/O threads."""
    prod_estate["cache"]["node_type"] = "cache.m6g.xlarge"
    render = render_estate_dict(prod_estate)
    names = {a.inputs["name"] for a in render.of_type(ALARM)}
    assert not any(name.startswith("symphonia-redis-prod-cpu-") for name in names)
    assert {"symphonia-redis-prod-engine-cpu-warning", "symphonia-redis-prod-engine-cpu-critical"} <= names


def test_a_node_type_the_catalogue_does_not_know_is_refused(prod_estate):
    prod_estate["cache"]["node_type"] = "cache.t3.huge"
    (problem,) = _problems(prod_estate)
    assert problem.startswith(
        "estate.cache.node_type: 'cache.t3.huge' is not an ElastiCache node type the catalogue knows (its vCPUs set the"
        " host CPU alarm); one of cache.m5.12xlarge, ")
    assert "cache.t3.micro" in problem


GROUP_ID_RULE = (
    "is not a valid ElastiCache replication group id: 1-40 letters, digits or hyphens, starting with a letter,"
    " without two consecutive hyphens or a trailing hyphen"
)


@pytest.mark.parametrize("name", [
    "r" * 41,                 # 41 characters (the stack file's Name allows 63)
    "7symphonia-redis",       # starts with a digit
    "symphonia--redis",       # two consecutive hyphens
])
def test_replication_group_id_follows_elasticache_rules(prod_estate, name):
    """B-11: CreateReplicationGroup ReplicationGroupId: 1-40 alphanumerics or hyphens, a letter first, no '--', no
    trailing hyphen (a trailing hyphen is already refused by the estate's Name)."""
    prod_estate["cache"]["name"] = name
    assert _problems(prod_estate) == [f"estate.cache.name: '{name}' {GROUP_ID_RULE}"]


def test_a_40_character_group_id_is_accepted(prod_estate):
    from data.config import parse_estate

    prod_estate["cache"]["name"] = "r" * 40
    assert parse_estate(prod_estate, "eu-central-1").cache.name == "r" * 40


@pytest.mark.parametrize("window, minutes", [("00:00-00:30", 30), ("23:30-00:15", 45), ("01:00-01:00", 0)])
def test_snapshot_window_lasts_at_least_60_minutes(prod_estate, window, minutes):
    """B-11: ElastiCache automatic backups: "The minimum length for the backup window is 60 minutes"."""
    prod_estate["cache"]["snapshot_window"] = window
    assert _problems(prod_estate) == [
        f"estate.cache.snapshot_window: '{window}' lasts {minutes} minutes: ElastiCache's backup window is at least 60 minutes"
    ]


def test_a_window_across_midnight_of_60_minutes_is_accepted(prod_estate):
    from data.config import parse_estate

    prod_estate["cache"]["snapshot_window"] = "23:30-00:30"
    assert parse_estate(prod_estate, "eu-central-1").cache.snapshot_window == "23:30-00:30"


def test_group_id_and_window_problems_are_reported_in_one_run(prod_estate):
    prod_estate["cache"]["name"] = "symphonia--redis"
    prod_estate["cache"]["snapshot_window"] = "00:00-00:30"
    assert [p.split(":")[0] for p in _problems(prod_estate)] == ["estate.cache.name", "estate.cache.snapshot_window"]


def test_a_generated_auth_token_always_fits_elasticache_auth_rules(prod_render):
    """ElastiCache AUTH: 16-128 printable characters, specials limited to ! & # $ ^ < > -. The generated token
    (alphanumerics, SecretRef.generated's range) fits at both ends of the range the model accepts."""
    import re

    from data.catalogue import elasticache
    from data.model.base import SecretRef

    bounds = {m.__class__.__name__: m for m in SecretRef.model_fields["generated"].metadata}
    assert elasticache.AUTH_TOKEN_MIN_LENGTH <= bounds["Ge"].ge and bounds["Le"].le <= elasticache.AUTH_TOKEN_MAX_LENGTH
    (token,) = [r for r in prod_render.of_type("random:index/randomPassword:RandomPassword") if "symphonia-redis-prod/auth-token" in r.name]
    assert token.inputs["special"] is False
    assert re.fullmatch(elasticache.AUTH_TOKEN_PATTERN, "a" * token.inputs["length"])
