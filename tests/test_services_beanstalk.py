"""Elastic Beanstalk services as prod declares them: platform, load balancer, health check,
enhanced health, logs, managed updates, rolling deployments, autoscaling, IMDSv2, instance
profile, network, plain variables and secrets (only through ``environmentsecrets``)."""

from __future__ import annotations

import json

import pytest

from components.beanstalk.monitoring import ENVIRONMENT_METRICS, INSTANCE_METRICS
from data.model import looks_secret

ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
APPLICATION = "aws:elasticbeanstalk/application:Application"
EXPECTED = {  # service -> (application, environment, min, max, port)
    "authz-eb": ("authz-eb", "authz-eb-prod", 2, 4, 3001),
    "subscriptions-contracts-eb": ("subscriptions-contracts-eb", "rt-subscriptions-api-prod", 2, 4, 8080),
    "tms-sync-eb": ("tms-sync-eb", "tms-sync-eb-prod", 1, 1, 8080),
    "affret-ia-api-v2": ("affret-ia-api-v2", "affret-ia-api-v2-prod", 1, 2, 3017),
}
ENV = "aws:elasticbeanstalk:application:environment"
SECRETS = "aws:elasticbeanstalk:application:environmentsecrets"


def settings_of(environment) -> dict[tuple[str, str], str]:
    return {(s["namespace"], s["name"]): s["value"] for s in environment.inputs["settings"]}


@pytest.fixture(scope="module")
def environments(prod_render):
    return {e.inputs["name"]: e for e in prod_render.of_type(ENVIRONMENT)}


@pytest.fixture(scope="module")
def services(prod_estate_module):
    return {s["name"]: s for s in prod_estate_module["services"]}


@pytest.fixture(scope="module")
def prod_estate_module(_prod_estate_pristine):
    return _prod_estate_pristine


def test_one_application_and_environment_per_service_with_the_runbook_names(prod_render, environments):
    applications = {a.inputs["name"] for a in prod_render.of_type(APPLICATION)}
    assert applications == {app for app, *_ in EXPECTED.values()}
    assert set(environments) == {env for _, env, *_ in EXPECTED.values()}
    for app, env, *_ in EXPECTED.values():
        assert environments[env].inputs["application"] == app


def test_current_node_platform_on_al2023_without_the_retired_options(environments):
    for environment in environments.values():
        assert environment.inputs["solutionStackName"].startswith("64bit Amazon Linux 2023 ")
        assert "running Node.js" in environment.inputs["solutionStackName"]
        namespaces = {s["namespace"] for s in environment.inputs["settings"]}
        names = {s["name"] for s in environment.inputs["settings"]}
        assert "aws:elasticbeanstalk:container:nodejs" not in namespaces
        assert not {"NodeVersion", "NodeCommand"} & names


def test_alb_with_https_listener_and_port_80_closed(environments):
    for environment in environments.values():
        s = settings_of(environment)
        assert s[("aws:elasticbeanstalk:environment", "EnvironmentType")] == "LoadBalanced"
        assert s[("aws:elasticbeanstalk:environment", "LoadBalancerType")] == "application"
        assert s[("aws:elbv2:listener:443", "Protocol")] == "HTTPS"
        assert s[("aws:elbv2:listener:443", "SSLCertificateArns")].startswith("arn:aws:acm:eu-central-1:")
        assert s[("aws:elbv2:listener:default", "ListenerEnabled")] == "false"


def test_process_health_check_from_runbook_001(environments):
    for environment in environments.values():
        s = settings_of(environment)
        process = "aws:elasticbeanstalk:environment:process:default"
        assert (s[(process, "HealthCheckPath")], s[(process, "HealthCheckInterval")], s[(process, "HealthCheckTimeout")],
                s[(process, "HealthyThresholdCount")], s[(process, "UnhealthyThresholdCount")]) == ("/health", "30", "5", "2", "3")


def test_enhanced_health_publishes_the_metrics_the_alarms_use(environments):
    for environment in environments.values():
        s = settings_of(environment)
        assert s[("aws:elasticbeanstalk:healthreporting:system", "SystemType")] == "enhanced"
        raw = s[("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument")]
        document = json.loads(raw)
        assert raw == json.dumps(document, sort_keys=True, separators=(",", ":")), "deterministic JSON"
        published = document["CloudWatchMetrics"]
        for metric in ("ApplicationRequests5xx", "ApplicationRequestsTotal", "ApplicationLatencyP95", "InstancesOk"):
            assert published["Environment"][metric] == 60
        assert published["Instance"]["RootFilesystemUtil"] == 60
        assert set(published["Environment"]) == set(ENVIRONMENT_METRICS)
        assert set(published["Instance"]) == set(INSTANCE_METRICS)


def test_logs_streamed_with_retention_and_kept_after_termination(environments):
    for environment in environments.values():
        s = settings_of(environment)
        assert s[("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs")] == "true"
        assert s[("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays")] == "30"
        assert s[("aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate")] == "false"


def test_managed_updates_in_the_sunday_window_and_rolling_deployments(environments):
    for environment in environments.values():
        s = settings_of(environment)
        assert s[("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled")] == "true"
        assert s[("aws:elasticbeanstalk:managedactions", "PreferredStartTime")] == "Sun:02:00"
        assert s[("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel")] == "minor"
        assert s[("aws:elasticbeanstalk:managedactions:platformupdate", "InstanceRefreshEnabled")] == "true"
        # Rolling, or with an additional batch below two instances (B-5, see the test below).
        assert s[("aws:elasticbeanstalk:command", "DeploymentPolicy")] in ("Rolling", "RollingWithAdditionalBatch")


def test_autoscaling_on_cpu_with_the_measure_named(environments):
    for app, env, low, high, _ in EXPECTED.values():
        s = settings_of(environments[env])
        assert (s[("aws:autoscaling:asg", "MinSize")], s[("aws:autoscaling:asg", "MaxSize")]) == (str(low), str(high))
        trigger = "aws:autoscaling:trigger"
        assert s[(trigger, "MeasureName")] == "CPUUtilization"  # the seed omits it: NetworkOut bytes
        assert (s[(trigger, "Statistic")], s[(trigger, "Unit")]) == ("Average", "Percent")
        assert (s[(trigger, "UpperThreshold")], s[(trigger, "LowerThreshold")]) == ("70", "20")


def test_imdsv2_only_gp3_and_the_service_instance_profile(environments, prod_render):
    profiles = {p.inputs["name"] for p in prod_render.of_type("aws:iam/instanceProfile:InstanceProfile")}
    for environment in environments.values():
        s = settings_of(environment)
        assert s[("aws:autoscaling:launchconfiguration", "DisableIMDSv1")] == "true"
        assert s[("aws:autoscaling:launchconfiguration", "RootVolumeType")] == "gp3"
        assert s[("aws:autoscaling:launchconfiguration", "IamInstanceProfile")] in profiles
        assert s[("aws:elasticbeanstalk:environment", "ServiceRole")].startswith("arn:aws:iam::")


def test_instances_in_private_subnets_and_the_load_balancer_in_public_ones(environments, prod_estate_module):
    network = prod_estate_module["network"]
    for environment in environments.values():
        s = settings_of(environment)
        assert s[("aws:ec2:vpc", "VPCId")] == network["vpc_id"]
        assert s[("aws:ec2:vpc", "Subnets")] == ",".join(network["private_subnet_ids"])
        assert s[("aws:ec2:vpc", "ELBSubnets")] == ",".join(network["public_subnet_ids"])
        assert s[("aws:ec2:vpc", "AssociatePublicIpAddress")] == "false"


def test_settings_are_emitted_in_a_deterministic_order(environments):
    for environment in environments.values():
        keys = [(s["namespace"], s["name"]) for s in environment.inputs["settings"]]
        assert keys == sorted(keys)
        assert len(keys) == len(set(keys))


def test_plain_variables_from_the_estate_and_no_secret_among_them(environments, services):
    for name, (_, env, _, _, port) in EXPECTED.items():
        s = settings_of(environments[env])
        plain = {key: value for (ns, key), value in s.items() if ns == ENV}
        service = services[name]
        for key, value in service.get("env", {}).items():
            assert plain[key] == value
        assert plain["PORT"] == str(port)
        assert plain["AWS_REGION"] == "eu-central-1"
        for key, value in plain.items():
            assert not looks_secret(key, value), f"{env}: {key} is a secret in plain variables"
            assert ":secretsmanager:" not in value and ":ssm:" not in value


def test_every_secret_only_through_environmentsecrets(environments, services):
    for name, (_, env, *_rest) in EXPECTED.items():
        s = settings_of(environments[env])
        secret = {key: value for (ns, key), value in s.items() if ns == SECRETS}
        declared = set(services[name].get("secrets", {}))
        if services[name].get("database"):
            declared.add("MONGODB_URI")  # built by the Atlas component
        if services[name].get("uses_cache"):
            declared.add("REDIS_AUTH_TOKEN")  # the cache requires AUTH
        assert set(secret) == declared, env
        for key, arn in secret.items():
            assert arn.startswith(("arn:aws:secretsmanager:eu-central-1:", "arn:aws:ssm:eu-central-1:")), (key, arn)
            assert (ENV, key) not in s


def test_redis_url_from_the_cache_output_only_where_the_cache_is_used(environments):
    for _, env, *_rest in EXPECTED.values():
        s = settings_of(environments[env])
        if env == "tms-sync-eb-prod":
            assert s[(ENV, "REDIS_URL")].startswith(("redis://", "rediss://"))
        else:
            assert (ENV, "REDIS_URL") not in s


def _policy(prod_render, env):
    return json.loads(prod_render.named(f"{env}-instance-policy").inputs["policy"])


def _statement(policy, sid):
    found = [s for s in policy["Statement"] if s["Sid"] == sid]
    return found[0] if found else None


def test_instance_permissions_are_least_privilege(prod_render, environments):
    authz, subs, tms, affret = (_policy(prod_render, env) for _, env, *_ in EXPECTED.values())
    # SES only for services that send mail: the configuration set, the domain identity and the
    # verified sender addresses (SES authorises against the address identity when it is verified).
    for policy, sends in ((authz, True), (subs, False), (tms, False), (affret, True)):
        mail = _statement(policy, "SendMailFromTheDomain")
        assert bool(mail) == sends
        if mail:
            identities = sorted(r.split(":identity/")[1] for r in mail["Resource"] if ":identity/" in r)
            assert identities == ["affret@symphonia.fr", "noreply@symphonia.fr", "symphonia.fr"]
            declared = {r.inputs["email"] for r in prod_render.of_type("aws:ses/emailIdentity:EmailIdentity")}
            assert declared and declared <= set(identities)
            assert [r for r in mail["Resource"] if ":identity/" not in r] == [
                "arn:aws:ses:eu-central-1:123456789012:configuration-set/symphonia-transactional"
            ]
            assert mail["Condition"] == {"StringLike": {"ses:FromAddress": ["affret@symphonia.fr", "noreply@symphonia.fr"]}}
    # The documents bucket only for affret.
    for policy, uses in ((authz, False), (subs, False), (tms, False), (affret, True)):
        assert bool(_statement(policy, "ReadWriteDocuments")) == uses
    assert _statement(affret, "ReadWriteDocuments")["Resource"] == "arn:aws:s3:::symphonia-documents-prod/*"
    # PutMetricData limited to the namespaces the service publishes.
    metrics = _statement(tms, "PublishApplicationMetrics")
    assert metrics["Condition"] == {"StringEquals": {"cloudwatch:namespace": ["Symphonia/Production"]}}
    assert _statement(subs, "PublishApplicationMetrics") is None
    # Alert topics only.
    assert all(":sns:" in arn and "rt-estate-prod-" in arn for arn in _statement(authz, "PublishAlerts")["Resource"])
    # Exactly the service's own secrets.
    for _, env, *_ in EXPECTED.values():
        s = settings_of(environments[env])
        secret_arns = sorted(v for (ns, _), v in s.items() if ns == SECRETS)
        readable = _statement(_policy(prod_render, env), "ReadOwnSecrets")
        assert sorted(readable["Resource"] if readable else []) == secret_arns
    for policy in (authz, subs, tms, affret):
        for statement in policy["Statement"]:
            assert statement["Effect"] == "Allow"
            assert "*" not in json.dumps(statement["Action"])


def test_application_keeps_enough_versions_and_cleans_up(prod_render):
    for application in prod_render.of_type(APPLICATION):
        lifecycle = application.inputs["appversionLifecycle"]
        assert lifecycle["maxCount"] >= 10
        assert lifecycle["deleteSourceFromS3"] is True
        assert lifecycle["serviceRole"].startswith("arn:aws:iam::")


def test_instances_security_group_admits_only_the_load_balancer(prod_render):
    groups = {g.name: g for g in prod_render.of_type("aws:ec2/securityGroup:SecurityGroup")}
    for service in EXPECTED:  # one instance group per service (issue 10 #13)
        instances = groups[f"rt-technologie-prod-services-{service}-instances"]
        (rule,) = instances.inputs["ingress"]
        assert "cidrBlocks" not in rule or not rule["cidrBlocks"]
        assert rule["securityGroups"] and rule["fromPort"] == rule["toPort"] == 80


def _config_document(environment) -> dict:
    return json.loads(settings_of(environment)[("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument")])


def test_authz_declares_that_application_4xx_are_not_degradation(environments):
    """Issue 10 #11: 401/403 are an authentication API's normal traffic; by default EB counts application
    4xx against health. The EB rules document turns that off for authz-eb only."""
    authz = _config_document(environments["authz-eb-prod"])
    assert authz["Rules"] == {"Environment": {"Application": {"ApplicationRequests4xx": {"Enabled": False}}}}
    assert authz["CloudWatchMetrics"]["Environment"]  # the metrics are still published beside the rules
    for name, environment in environments.items():
        if name != "authz-eb-prod":
            assert "Rules" not in _config_document(environment), name


def test_dr_authz_declares_it_too():
    from data.config import estate_from_stack_file, load_stack_file
    from conftest import PROJECT_ROOT

    estate = estate_from_stack_file(load_stack_file(PROJECT_ROOT / "Pulumi.dr.yaml"))
    assert {s.name for s in estate.services if s.health_ignores_4xx} == {"authz-eb-dr"}


def test_single_instance_capacity_never_takes_its_only_instance_out(environments):
    """B-5: with Rolling (batch 1) or a Health rolling update, an environment of one instance is taken out
    of service by every deployment and every instance-replacing change. Below two instances: an
    additional batch for deployments and immutable configuration updates."""
    for name, (_, env, low, _high, _port) in EXPECTED.items():
        settings = settings_of(environments[env])
        deployment = settings[("aws:elasticbeanstalk:command", "DeploymentPolicy")]
        update = settings[("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType")]
        if low < 2:
            assert (deployment, update) == ("RollingWithAdditionalBatch", "Immutable"), name
        else:
            assert (deployment, update) == ("Rolling", "Health"), name
