"""Every rule of the pack has a passing and a failing fixture.

The passing fixture is one small hand-written render (the engine's JSON contract) of a compliant
estate: every rule evaluates it without a violation. Each failing fixture is that render with one
checked property broken (``MUTATIONS``); exactly that rule must report it, on the right resource,
at its level. Rendering nothing through Pulumi keeps this file fast.
"""

from __future__ import annotations

import copy
import json

import pytest

from policies.rules import ALL_POLICIES, INFO
from policies.rules.runner import run_policies
from slo_fixtures import add_burn_rate_alarms

from data.model.slo import burn_rate_alarm_names

STACK, PROJECT = "test", "monitored-estate"
ROOT = "urn:pulumi:test::monitored-estate::"
US_EAST = f"{ROOT}pulumi:providers:aws::us-east-1"
NAMESPACE = "Symphonia/Production"
CONFIG = {"alerting-alarm-custom-namespace": {"namespaces": [NAMESPACE]}}


def urn(type_: str, name: str) -> str:
    return f"{ROOT}{type_}::{name}"


class Builder:
    def __init__(self):
        self.resources: list[dict] = []

    def add(self, type_: str, name: str, inputs: dict, *, deps=(), parent=None, provider=None, protect=False, custom=True) -> str:
        resource_urn = urn(type_, name)
        self.resources.append({
            "urn": resource_urn, "type": type_, "name": name, "custom": custom, "parent": parent,
            "provider": provider, "protect": protect, "dependencies": sorted(deps), "inputs": inputs,
        })
        return resource_urn

    def render(self) -> dict:
        return {"project": PROJECT, "stack": STACK, "region": "eu-central-1", "resources": self.resources}


def eb_settings(**overrides) -> list[dict]:
    options = {
        ("aws:elasticbeanstalk:environment:process:default", "HealthCheckPath"): "/health",
        ("aws:elasticbeanstalk:healthreporting:system", "SystemType"): "enhanced",
        ("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument"): json.dumps(
            {"CloudWatchMetrics": {"Environment": {m: 60 for m in ("ApplicationRequests5xx", "ApplicationRequestsTotal", "ApplicationLatencyP95")}}, "Version": 1}
        ),
        ("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"): "true",
        ("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays"): "30",
        ("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"): "true",
        ("aws:elasticbeanstalk:managedactions", "PreferredStartTime"): "Sun:02:00",
        ("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel"): "minor",
        ("aws:autoscaling:launchconfiguration", "DisableIMDSv1"): "true",
        ("aws:elasticbeanstalk:application:environment", "NODE_ENV"): "production",
        ("aws:elasticbeanstalk:application:environment", "CORS_ORIGIN"): "https://app.symphonia.fr,https://admin.symphonia.fr",
        ("aws:elasticbeanstalk:application:environment", "REDIS_URL"): "[unknown]",  # computed: skipped, not judged
        ("aws:elasticbeanstalk:application:environmentsecrets", "JWT_SECRET"): "arn:aws:secretsmanager:eu-central-1:123456789012:secret:jwt-AbCdEf",
        ("aws:elasticbeanstalk:application:environment", "RATE_LIMIT_WINDOW_MS"): "900000",
        ("aws:elasticbeanstalk:application:environment", "RATE_LIMIT_MAX_REQUESTS"): "200",
        ("aws:elasticbeanstalk:environment", "EnvironmentType"): "LoadBalanced",
        ("aws:elasticbeanstalk:environment", "LoadBalancerType"): "application",
        ("aws:elbv2:listener:443", "ListenerEnabled"): "true",
        ("aws:elbv2:listener:443", "Protocol"): "HTTPS",
        ("aws:elbv2:listener:443", "SSLCertificateArns"): "[unknown]",  # an ACM certificate's ARN output
        ("aws:elbv2:listener:default", "ListenerEnabled"): "false",
        ("aws:autoscaling:asg", "MinSize"): "1",
        ("aws:elasticbeanstalk:command", "DeploymentPolicy"): "RollingWithAdditionalBatch",
        ("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType"): "Immutable",
    }
    options.update(overrides)
    return [{"namespace": ns, "name": n, "value": v} for (ns, n), v in sorted(options.items())]


def dashboard_body(metrics_per_widget: list[int]) -> str:
    """A dashboard body whose metric widgets read that many metrics each (one math expression besides)."""
    widgets = []
    for i, n in enumerate(metrics_per_widget):
        rows = [["AWS/EC2", "CPUUtilization", "InstanceId", f"i-{i:04d}{j:04d}", {"visible": False}] for j in range(n)]
        rows.append([{"expression": "MAX(METRICS())", "id": "worst"}])
        widgets.append({"type": "metric", "x": 0, "y": 6 * i, "width": 24, "height": 6, "properties": {"metrics": rows}})
    return json.dumps({"widgets": widgets})


def compliant_render() -> dict:
    b = Builder()
    b.add("pulumi:providers:aws", "us-east-1", {"region": "us-east-1"}, custom=True)
    # Alerting: a topic per severity and region, each with a subscriber.
    topics = {}
    for region, provider in (("eu-central-1", None), ("us-east-1", US_EAST)):
        for severity in ("critical", "warning"):
            name = f"alerts-{severity}-{region}"
            topics[(region, severity)] = b.add("aws:sns/topic:Topic", name, {"name": name, "tags": {"severity": severity}}, provider=provider)
            b.add("aws:sns/topicSubscription:TopicSubscription", f"{name}-email",
                  {"protocol": "email", "endpoint": "ops@example.com", "topic": "[unknown]"}, deps=[topics[(region, severity)]], provider=provider)
    b.add("aws:sns/topicSubscription:TopicSubscription", "alerts-critical-sms",
          {"protocol": "sms", "endpoint": "+33612345678", "topic": "[unknown]"}, deps=[topics[("eu-central-1", "critical")]])
    b.add("aws:sns/smsPreferences:SmsPreferences", "sms", {"monthlySpendLimit": 50})
    # A service: its EB environment and both levels of its four signals.
    component = b.add("monitored-estate:beanstalk:BeanstalkService", "api", {}, custom=False)
    env = b.add("aws:elasticbeanstalk/environment:Environment", "api-prod", {
        "name": "api-prod", "solutionStackName": "64bit Amazon Linux 2023 v6.6.7 running Node.js 22", "settings": eb_settings(),
    }, parent=component)
    metrics = {"cpu": ("AWS/EC2", "CPUUtilization"), "health": ("AWS/ElasticBeanstalk", "EnvironmentHealth"),
               "latency": ("AWS/ElasticBeanstalk", "ApplicationLatencyP95")}
    for severity in ("warning", "critical"):
        topic = topics[("eu-central-1", severity)]
        common = {"alarmActions": ["[unknown]"], "okActions": ["[unknown]"], "tags": {"severity": severity}}
        comparisons = {"health": {"comparisonOperator": "GreaterThanOrEqualToThreshold", "threshold": 15 if severity == "warning" else 20}}
        for signal, (namespace, metric) in metrics.items():
            b.add("aws:cloudwatch/metricAlarm:MetricAlarm", f"api-{signal}-{severity}",
                  {**common, "namespace": namespace, "metricName": metric, **comparisons.get(signal, {})}, deps=[topic, env])
        b.add("aws:cloudwatch/metricAlarm:MetricAlarm", f"api-5xx-{severity}", {**common, "metricQueries": [
            {"id": "errors", "metric": {"namespace": "AWS/ElasticBeanstalk", "metricName": "ApplicationRequests5xx"}},
            {"id": "rate", "expression": "100 * errors / total", "returnData": True}]}, deps=[topic, env])
        # The load balancer's own 5xx (issue 10 #10) and the fullest root filesystem (Metrics Insights).
        b.add("aws:cloudwatch/metricAlarm:MetricAlarm", f"api-lb-5xx-{severity}", {**common, "metricQueries": [
            {"id": "errors", "metric": {"namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_ELB_5XX_Count"}},
            {"id": "requests", "metric": {"namespace": "AWS/ApplicationELB", "metricName": "RequestCount"}},
            {"id": "lbrate", "expression": "100 * errors / requests", "returnData": True}]}, deps=[topic, env])
        b.add("aws:cloudwatch/metricAlarm:MetricAlarm", f"api-root-filesystem-{severity}", {**common, "metricQueries": [
            {"id": "disk", "returnData": True, "period": 300, "expression":
             "SELECT MAX(RootFilesystemUtil) FROM SCHEMA(\"AWS/ElasticBeanstalk\", EnvironmentName,InstanceId)"
             " WHERE EnvironmentName = 'api-prod'"}]}, deps=[topic, env])
        b.add("aws:cloudwatch/metricAlarm:MetricAlarm", f"app-errors-{severity}",
              {**common, "namespace": NAMESPACE, "metricName": "ErrorCount"}, deps=[topic])
    b.add("aws:cloudwatch/metricAlarm:MetricAlarm", "cdn-5xx-critical", {
        "alarmActions": ["[unknown]"], "okActions": ["[unknown]"], "tags": {"severity": "critical"},
        "namespace": "AWS/CloudFront", "metricName": "5xxErrorRate"}, deps=[topics[("us-east-1", "critical")]], provider=US_EAST)
    # Routing by service (issue 12 #6): the payments team hears its service's critical alarms on its own topic.
    team_topic = b.add("aws:sns/topic:Topic", "alerts-payments-critical-eu-central-1",
                       {"name": "alerts-payments-critical", "tags": {"severity": "critical", "team": "payments"}})
    b.add("aws:sns/topicSubscription:TopicSubscription", "alerts-payments-critical-eu-central-1-pager",
          {"protocol": "email", "endpoint": "payments@example.com", "topic": "[unknown]"}, deps=[team_topic])
    b.add("aws:cloudwatch/metricAlarm:MetricAlarm", "payments-errors-critical", {
        "alarmActions": ["[unknown]", "[unknown]"], "okActions": ["[unknown]", "[unknown]"],
        "tags": {"severity": "critical", "team": "payments", "service": "payments"},
        "namespace": NAMESPACE, "metricName": "PaymentErrors"}, deps=[topics[("eu-central-1", "critical")], team_topic])
    b.add("aws:cloudwatch/dashboard:Dashboard", "overview", {"dashboardName": "Overview", "dashboardBody": dashboard_body([2, 3])})
    b.add("aws:ec2/securityGroup:SecurityGroup", "alb", {"ingress": [
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]})
    b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "redis-from-instances",
          {"ipProtocol": "tcp", "fromPort": 6379, "toPort": 6379, "referencedSecurityGroupId": "sg-0123",
           "description": "Redis from the services instances"})
    b.add("aws:iam/rolePolicy:RolePolicy", "instances", {"policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"}]})})
    b.add("aws:cloudwatch/logGroup:LogGroup", "app-logs", {"retentionInDays": 30})
    # Storage: a documents bucket logging into a logs bucket, each with every companion.
    buckets = {}
    for purpose in ("documents", "logs"):
        parent = b.add("monitored-estate:storage:Bucket", purpose, {}, custom=False)
        bucket = buckets[purpose] = b.add("aws:s3/bucket:Bucket", f"{purpose}-bucket", {"bucket": f"example-{purpose}"}, parent=parent, protect=True)
        b.add("aws:s3/bucketVersioning:BucketVersioning", f"{purpose}-versioning",
              {"bucket": "[unknown]", "versioningConfiguration": {"status": "Enabled"}}, deps=[bucket], parent=parent)
        b.add("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", f"{purpose}-sse",
              {"bucket": "[unknown]", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}, deps=[bucket], parent=parent)
        b.add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{purpose}-pab",
              {"bucket": "[unknown]", "blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True},
              deps=[bucket], parent=parent)
        b.add("aws:s3/bucketPolicy:BucketPolicy", f"{purpose}-policy", {"bucket": "[unknown]", "policy": json.dumps({"Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})},
            deps=[bucket], parent=parent)
        b.add("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", f"{purpose}-lifecycle", {"bucket": "[unknown]", "rules": [
            {"id": "expire", "status": "Enabled", "noncurrentVersionExpiration": {"noncurrentDays": 30}}]}, deps=[bucket], parent=parent)
        if purpose == "documents":
            b.add("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "documents-cors", {"bucket": "[unknown]", "corsRules": [
                {"allowedMethods": ["GET"], "allowedOrigins": ["https://app.symphonia.fr"]}]}, deps=[bucket], parent=parent)
    documents_parent = urn("monitored-estate:storage:Bucket", "documents")
    b.add("aws:s3/bucketLogging:BucketLogging", "documents-logging", {"bucket": "[unknown]", "targetBucket": "[unknown]"},
          deps=[buckets["documents"], buckets["logs"]], parent=documents_parent)
    # Cache, mail, Atlas, budget, secrets.
    b.add("aws:elasticache/replicationGroup:ReplicationGroup", "redis", {
        "transitEncryptionEnabled": True, "atRestEncryptionEnabled": True, "authToken": "[secret]",
        "maintenanceWindow": "sun:02:00-sun:05:00", "snapshotRetentionLimit": 7, "snapshotWindow": "00:00-01:00"}, protect=True)
    identity = b.add("aws:ses/domainIdentity:DomainIdentity", "symphonia-fr", {"domain": "symphonia.fr"})
    for kind in ("Bounce", "Complaint"):
        b.add("aws:ses/identityNotificationTopic:IdentityNotificationTopic", f"feedback-{kind.lower()}",
              {"identity": "[unknown]", "notificationType": kind, "topicArn": "[unknown]"}, deps=[identity, topics[("eu-central-1", "warning")]])
    b.add("aws:ses/domainDkim:DomainDkim", "symphonia-fr-dkim", {"domain": "[unknown]"}, deps=[identity])
    sender = b.add("aws:ses/emailIdentity:EmailIdentity", "noreply", {"email": "noreply@symphonia.fr"})
    for kind in ("Bounce", "Complaint"):
        b.add("aws:ses/identityNotificationTopic:IdentityNotificationTopic", f"noreply-{kind.lower()}",
              {"identity": "[unknown]", "notificationType": kind, "topicArn": "[unknown]"}, deps=[sender, topics[("eu-central-1", "warning")]])
    behaviour = {"viewerProtocolPolicy": "redirect-to-https", "compress": True, "targetOriginId": "app"}
    b.add("aws:cloudfront/distribution:Distribution", "cdn", {
        "defaultCacheBehavior": behaviour, "orderedCacheBehaviors": [{**behaviour, "pathPattern": "/static/*"}]}, provider=US_EAST)
    cluster = b.add("mongodbatlas:index/advancedCluster:AdvancedCluster", "cluster", {"backupEnabled": True}, protect=True)
    b.add("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule", "cluster-backup", {"clusterName": "[unknown]"}, deps=[cluster], protect=True)
    b.add("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList", "nat-a", {"cidrBlock": "203.0.113.10/32"})
    b.add("mongodbatlas:index/alertConfiguration:AlertConfiguration", "connections-critical", {
        "eventType": "OUTSIDE_METRIC_THRESHOLD", "matchers": [{"fieldName": "REPLICA_SET_NAME", "operator": "EQUALS", "value": "atlas-x-shard-0"}],
        "metricThresholdConfig": {"metricName": "CONNECTIONS_PERCENT", "operator": "GREATER_THAN", "threshold": 95}})
    b.add("mongodbatlas:index/databaseUser:DatabaseUser", "api-user", {"password": "[secret]", "roles": [
        {"roleName": "readWrite", "databaseName": "api"}]})
    # The maintenance window's mute rule (issue 14 #3): the environment's alarms, never a burn-rate page.
    b.add("aws:cloudwatch/alarmMuteRule:AlarmMuteRule", "maintenance-mute", {
        "name": "maintenance-mute", "rule": {"schedule": {"expression": "cron(0 2 * * SUN)", "duration": "PT3H"}},
        "muteTargets": {"alarmNames": ["api-health-warning", "api-health-critical"]}})
    # Its availability objective's burn-rate alerts (issue 14).
    add_burn_rate_alarms(b, "api", env, {sev: topics[("eu-central-1", sev)] for sev in ("critical", "warning")})
    b.add("aws:budgets/budget:Budget", "monthly", {"notifications": [{"subscriberSnsTopicArns": ["[unknown]"], "threshold": 80}]})
    secret = b.add("aws:secretsmanager/secret:Secret", "mongodb-uri", {"name": "rt/prod/api/mongodb-uri"}, protect=True)
    b.add("aws:secretsmanager/secretVersion:SecretVersion", "mongodb-uri-value",
          {"secretId": "[unknown]", "secretString": "mongodb+srv://api:s3cret@cluster.example.mongodb.net/api"}, deps=[secret])
    return b.render()


def find(render: dict, name: str) -> dict:
    return next(r for r in render["resources"] if r["name"] == name)


def set_setting(render: dict, env: str, namespace: str, name: str, value) -> None:
    settings = find(render, env)["inputs"]["settings"]
    for setting in settings:
        if setting["namespace"] == namespace and setting["name"] == name:
            if value is None:
                settings.remove(setting)
            else:
                setting["value"] = value
            return
    settings.append({"namespace": namespace, "name": name, "value": value})


def drop(render: dict, *names: str) -> None:
    render["resources"] = [r for r in render["resources"] if r["name"] not in names]


def inputs(render: dict, name: str) -> dict:
    return find(render, name)["inputs"]


def retarget(render: dict, alarm: str, topic: str) -> None:
    """Point an alarm at another topic (its dependency on its topic replaced)."""
    resource = find(render, alarm)
    deps = [d for d in resource["dependencies"] if "aws:sns/topic:Topic" not in d]
    resource["dependencies"] = sorted(deps + [urn("aws:sns/topic:Topic", topic)])


APP_ENV = "aws:elasticbeanstalk:application:environment"

# rule -> (mutation, the resource the violation names; None for the stack)
MUTATIONS = {
    "alerting-alarm-actions-notify": (lambda r: inputs(r, "api-cpu-critical").update(alarmActions=[]), "api-cpu-critical"),
    # Created in the default region (with that region's topic, so only the region of the metric is wrong).
    "alerting-alarm-global-region": (lambda r: find(r, "cdn-5xx-critical").update(
        provider=None, dependencies=[urn("aws:sns/topic:Topic", "alerts-critical-eu-central-1")]), "cdn-5xx-critical"),
    "alerting-alarm-topic-region": (lambda r: retarget(r, "api-cpu-critical", "alerts-critical-us-east-1"), "api-cpu-critical"),
    "alerting-alarm-severity-routing": (lambda r: retarget(r, "api-cpu-critical", "alerts-warning-eu-central-1"), "api-cpu-critical"),
    # Issue 10 #5: an SMS subscriber on a us-east-1 topic, SMS preferences only in the default region.
    # Issue 12 #6: an alarm of the payments team's service that only reaches the estate-wide topic.
    "alerting-alarm-team-routing": (lambda r: find(r, "payments-errors-critical").update(dependencies=[
        urn("aws:sns/topic:Topic", "alerts-critical-eu-central-1")]), "payments-errors-critical"),
    "alerting-sms-preferences-per-region": (lambda r: find(r, "alerts-critical-sms").update(provider=US_EAST), "alerts-critical-sms"),
    # Review B-15: 501 metrics in one widget (CloudWatch quotas: at most 500).
    "alerting-mute-keeps-outage-pages": (
        lambda r: inputs(r, "maintenance-mute")["muteTargets"]["alarmNames"].append("api-slo-burn-fast-critical"), "maintenance-mute"),
    "alerting-dashboard-metric-limits": (lambda r: inputs(r, "overview").update(dashboardBody=dashboard_body([2, 501])), "overview"),
    "alerting-topic-subscribed": (lambda r: drop(r, "alerts-warning-us-east-1-email"), "alerts-warning-us-east-1"),
    # Seed 000's "authz-eb-degraded-health": LessThanThreshold 15 fires while the environment is Ok.
    "alerting-alarm-health-direction": (
        lambda r: inputs(r, "api-health-critical").update(comparisonOperator="LessThanThreshold", threshold=15), "api-health-critical"),
    # Seed 000's CPU alarm: AWS/ElasticBeanstalk publishes no CPUUtilization.
    "alerting-alarm-metric-exists": (lambda r: inputs(r, "api-cpu-critical").update(namespace="AWS/ElasticBeanstalk"), "api-cpu-critical"),
    "alerting-alarm-custom-namespace": (lambda r: inputs(r, "app-errors-warning").update(namespace="Symphonia/Prod"), "app-errors-warning"),
    "atlas-cluster-backup": (lambda r: inputs(r, "cluster").update(backupEnabled=False), "cluster"),
    "atlas-cluster-backup-schedule": (lambda r: drop(r, "cluster-backup"), "cluster"),
    "atlas-access-list-no-world": (lambda r: inputs(r, "nat-a").update(cidrBlock="0.0.0.0/0"), "nat-a"),
    # Issue 10 #4: the matcher the program used to send, refused by Atlas on a host metric.
    "atlas-alert-host-matchers": (
        lambda r: inputs(r, "connections-critical")["matchers"][0].update(fieldName="CLUSTER_NAME"), "connections-critical"),
    "atlas-user-single-database": (
        lambda r: inputs(r, "api-user")["roles"].append({"roleName": "readWriteAnyDatabase", "databaseName": "admin"}), "api-user"),
    "cache-redis-encryption": (lambda r: inputs(r, "redis").update(transitEncryptionEnabled=False), "redis"),
    "cache-redis-auth-token": (lambda r: inputs(r, "redis").pop("authToken"), "redis"),
    "cache-redis-maintenance-window": (lambda r: inputs(r, "redis").pop("maintenanceWindow"), "redis"),
    "cache-redis-snapshots": (lambda r: inputs(r, "redis").update(snapshotRetentionLimit=0), "redis"),
    "cost-budget-notifications": (lambda r: drop(r, "monthly"), None),
    # B-12: AWS Budgets refuses an 11th notification (and a second SNS subscriber on one).
    "cost-budget-notification-limits": (lambda r: inputs(r, "monthly").update(notifications=[
        {"subscriberSnsTopicArns": ["[unknown]"], "threshold": 10 * i, "notificationType": t}
        for i in range(1, 7) for t in ("FORECASTED", "ACTUAL")]), "monthly"),
    "cost-sms-spend-limit": (lambda r: drop(r, "sms"), None),
    # Issue 13: a 1 USD budget warns at 0.80 USD, below the estimate of the render's instances and alarms.
    "cost-estimate-within-budget": (lambda r: inputs(r, "monthly").update(limitAmount="1", limitUnit="USD"), "monthly"),
    "estate-stateful-protected": (lambda r: find(r, "documents-bucket").update(protect=False), "documents-bucket"),
    "estate-exemption-unexpired": (None, None),  # needs config: see test_policies_engine.py
    "mail-identity-feedback": (lambda r: drop(r, "feedback-complaint", "noreply-bounce"), ("symphonia-fr", "noreply")),
    "mail-identity-dkim": (lambda r: drop(r, "symphonia-fr-dkim"), "symphonia-fr"),
    "secrets-environment-plaintext": (lambda r: set_setting(r, "api-prod", APP_ENV, "SESSION_SECRET", "hunter2"), "api-prod"),
    "secrets-environment-references": (
        lambda r: set_setting(r, "api-prod", "aws:elasticbeanstalk:application:environmentsecrets", "JWT_SECRET", "plain-jwt-value"), "api-prod"),
    "secrets-input-credential-uri": (
        lambda r: inputs(r, "app-logs").update(tags={"source": "mongodb+srv://api:s3cret@cluster.example.net"}), "app-logs"),
    "services-environment-health-check": (
        lambda r: set_setting(r, "api-prod", "aws:elasticbeanstalk:environment:process:default", "HealthCheckPath", "/"), "api-prod"),
    "services-environment-enhanced-health": (
        lambda r: set_setting(r, "api-prod", "aws:elasticbeanstalk:healthreporting:system", "SystemType", "basic"), "api-prod"),
    "services-environment-log-streaming": (
        lambda r: set_setting(r, "api-prod", "aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs", "false"), "api-prod"),
    "services-environment-managed-updates": (
        lambda r: set_setting(r, "api-prod", "aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "false"), "api-prod"),
    "services-environment-imdsv2": (
        lambda r: set_setting(r, "api-prod", "aws:autoscaling:launchconfiguration", "DisableIMDSv1", None), "api-prod"),
    "services-environment-production-settings": (
        lambda r: set_setting(r, "api-prod", APP_ENV, "CORS_ORIGIN", "https://app.symphonia.fr,http://localhost:3000"), "api-prod"),
    "services-cdn-https-compressed": (
        lambda r: inputs(r, "cdn")["orderedCacheBehaviors"][0].update(viewerProtocolPolicy="allow-all"), "cdn"),
    "services-environment-https-listener": (
        lambda r: set_setting(r, "api-prod", "aws:elbv2:listener:default", "ListenerEnabled", "true"), "api-prod"),
    "services-environment-rate-limit": (lambda r: set_setting(r, "api-prod", APP_ENV, "RATE_LIMIT_MAX_REQUESTS", None), "api-prod"),
    "services-environment-platform": (
        lambda r: inputs(r, "api-prod").update(solutionStackName="64bit Amazon Linux 2 v5.8.0 running Node.js 18"), "api-prod"),
    "services-environment-alarms": (lambda r: drop(r, "api-latency-warning"), "api-prod"),
    "services-security-group-world-ingress": (
        lambda r: inputs(r, "alb")["ingress"].append({"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}), "alb"),
    # B-1: the provider refuses an apostrophe in a rule description (prod's preview failed on it).
    "services-ec2-description-characters": (
        lambda r: inputs(r, "redis-from-instances").update(description="Redis from the services' instances"), "redis-from-instances"),
    # B-5: a one-instance environment deployed Rolling (batch 1) is down for every deployment.
    "services-environment-deployment-capacity": (lambda r: (
        set_setting(r, "api-prod", "aws:autoscaling:asg", "MinSize", "1"),
        set_setting(r, "api-prod", "aws:elasticbeanstalk:command", "DeploymentPolicy", "Rolling")), "api-prod"),
    "services-iam-no-admin": (lambda r: inputs(r, "instances").update(policy=json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})), "instances"),
    "services-log-group-retention": (lambda r: inputs(r, "app-logs").pop("retentionInDays"), "app-logs"),
    "storage-bucket-versioning": (lambda r: drop(r, "logs-versioning"), "logs-bucket"),
    "storage-bucket-encryption": (lambda r: drop(r, "logs-sse"), "logs-bucket"),
    "storage-bucket-public-access-block": (lambda r: drop(r, "logs-pab"), "logs-bucket"),
    "storage-bucket-tls-policy": (lambda r: drop(r, "logs-policy"), "logs-bucket"),
    "storage-bucket-lifecycle": (lambda r: drop(r, "logs-lifecycle"), "logs-bucket"),
    # Without it the logs bucket is no log target either: both are reported.
    "storage-bucket-access-logging": (lambda r: drop(r, "documents-logging"), ("documents-bucket", "logs-bucket")),
    "storage-versioning-enabled": (
        lambda r: inputs(r, "documents-versioning").update(versioningConfiguration={"status": "Suspended"}), "documents-versioning"),
    "storage-encryption-default": (lambda r: inputs(r, "documents-sse").update(rules=[]), "documents-sse"),
    "storage-public-access-blocked": (lambda r: inputs(r, "documents-pab").update(restrictPublicBuckets=False), "documents-pab"),
    "storage-policy-tls-only": (lambda r: inputs(r, "documents-policy").update(policy=json.dumps({"Statement": []})), "documents-policy"),
    "storage-lifecycle-noncurrent-expiry": (
        lambda r: inputs(r, "documents-lifecycle").update(rules=[{"id": "x", "status": "Enabled", "expiration": {"days": 30}}]),
        "documents-lifecycle"),
    "storage-cors-https-origins": (
        lambda r: inputs(r, "documents-cors")["corsRules"][0]["allowedOrigins"].append("*"), "documents-cors"),
    # Issue 14: a public service without burn-rate alerts; a pair without its short window; a threshold off the
    # objective (99.9 %: fast 0.0144); a silent child whose composite is gone.
    "alerting-slo-objective-declared": (lambda r: drop(r, *[n for names in burn_rate_alarm_names("api").values() for n in names]),
                                        "api-prod"),
    "alerting-slo-burn-rate-pair": (lambda r: drop(r, "api-slo-burn-fast-short"), "api-slo-burn-fast-critical"),
    "alerting-slo-burn-rate-threshold": (lambda r: inputs(r, "api-slo-burn-fast-long").update(threshold=0.01), "api-slo-burn-fast-long"),
    "alerting-slo-child-in-composite": (lambda r: drop(r, "api-slo-burn-ticket-warning"),
                                       ("api-slo-burn-ticket-long", "api-slo-burn-ticket-short")),
    # B-16: S3 refuses an access-log target with Object Lock.
    "storage-log-target-no-object-lock": (lambda r: inputs(r, "logs-bucket").update(objectLockEnabled=True), "logs-bucket"),
}


@pytest.fixture(scope="module")
def baseline() -> dict:
    return compliant_render()


def test_every_rule_has_a_failing_fixture():
    assert sorted(MUTATIONS) == sorted(p.name for p in ALL_POLICIES)


def test_the_compliant_render_passes_every_rule(baseline):
    result = run_policies(baseline, config=CONFIG)
    assert [v.to_dict() for v in result.violations] == []
    assert result.evaluated == [p.name for p in ALL_POLICIES]
    assert result.not_applicable == []


@pytest.mark.parametrize("rule", sorted(name for name, (mutate, _) in MUTATIONS.items() if mutate is not None))
def test_one_broken_property_fails_exactly_its_rule(baseline, rule):
    mutate, resource = MUTATIONS[rule]
    render = copy.deepcopy(baseline)
    mutate(render)
    result = run_policies(render, config=CONFIG)
    assert {v.policy for v in result.violations} == {rule}, [v.to_dict() for v in result.violations]
    violation = result.violations[0]
    policy = next(p for p in ALL_POLICIES if p.name == rule)
    assert violation.message.startswith(policy.description + "\n")
    assert violation.enforcement_level == policy.enforcement_level.value
    names = () if resource is None else (resource,) if isinstance(resource, str) else resource
    expected_urns = {find(render, name)["urn"] for name in names} or {""}
    assert {v.urn for v in result.violations} == expected_urns


def test_every_rule_documents_its_runbook_item_and_remediation():
    for policy in ALL_POLICIES:
        info = INFO[policy.name]
        assert policy.name.startswith(info.area + "-") and policy.name.count("-") >= 2, policy.name
        assert info.runbook and policy.remediation_steps and policy.description.endswith("."), policy.name
        expected = "advisory" if info.category == "hygiene" else "mandatory"
        assert policy.enforcement_level.value == expected, policy.name


@pytest.mark.parametrize("value, expected", [
    (None, "NODE_ENV is not set"),
    ("development", "NODE_ENV is 'development', not 'production'."),
    ("production", None),
])
def test_production_settings_require_node_env_production(baseline, value, expected):
    render = copy.deepcopy(baseline)
    set_setting(render, "api-prod", APP_ENV, "NODE_ENV", value)
    messages = [v.message for v in run_policies(render, config=CONFIG).violations]
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1 and expected in messages[0]


@pytest.mark.parametrize("uri", [
    "redis://:s3cretpw@cache.internal:6379",  # Redis AUTH: no user, only a password
    "mongodb+srv://api:s3cret@cluster.example.net/api",
])
def test_credential_uris_are_caught_with_or_without_a_user(baseline, uri):
    render = copy.deepcopy(baseline)
    inputs(render, "app-logs")["tags"] = {"source": uri}
    set_setting(render, "api-prod", APP_ENV, "CACHE_URL", uri)
    found = {(v.policy, v.urn.rsplit("::", 1)[-1]) for v in run_policies(render, config=CONFIG).violations}
    assert found == {("secrets-input-credential-uri", "app-logs"), ("secrets-input-credential-uri", "api-prod"),
                     ("secrets-environment-plaintext", "api-prod")}


@pytest.mark.parametrize("value", ["redis://cache.internal:6379", "https://app.symphonia.fr:443/path", "redis://user@host:6379"])
def test_uris_without_a_password_are_not_credentials(baseline, value):
    render = copy.deepcopy(baseline)
    set_setting(render, "api-prod", APP_ENV, "CACHE_URL", value)
    assert run_policies(render, config=CONFIG).violations == []


def test_a_world_open_https_listener_is_allowed_but_not_a_port_range(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "alb")["ingress"].append({"protocol": "tcp", "fromPort": 80, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]})
    assert [v.policy for v in run_policies(render, config=CONFIG).violations] == ["services-security-group-world-ingress"]


# --------------------------------------------------------------------------------------------------
# HTTPS forced, rate limiter, EnvironmentHealth direction, metrics that exist
# --------------------------------------------------------------------------------------------------

LISTENER_443, LISTENER_80 = "aws:elbv2:listener:443", "aws:elbv2:listener:default"
EB_ENV = "aws:elasticbeanstalk:environment"


def _violations(render, rule: str) -> list[str]:
    return [v.message.partition("\n")[2] for v in run_policies(render, config=CONFIG).violations if v.policy == rule]


@pytest.mark.parametrize("setting, value, expected", [
    ((LISTENER_443, "Protocol"), "HTTP", "has no enabled HTTPS listener on 443"),
    ((LISTENER_443, "ListenerEnabled"), "false", "has no enabled HTTPS listener on 443"),
    ((LISTENER_443, "SSLCertificateArns"), None, "the HTTPS listener has no SSLCertificateArns"),
    ((LISTENER_80, "ListenerEnabled"), None, "the port-80 listener (aws:elbv2:listener:default) is enabled"),
    ((EB_ENV, "LoadBalancerType"), "classic", "LoadBalancerType is 'classic', not 'application'"),
    ((EB_ENV, "EnvironmentType"), "SingleInstance", "is single-instance: no load balancer terminates HTTPS"),
])
def test_https_listener_findings(baseline, setting, value, expected):
    render = copy.deepcopy(baseline)
    set_setting(render, "api-prod", *setting, value)
    [message] = _violations(render, "services-environment-https-listener")
    assert expected in message


def test_port_80_may_stay_open_when_a_rule_redirects_it_to_https(baseline):
    render = copy.deepcopy(baseline)
    set_setting(render, "api-prod", LISTENER_80, "ListenerEnabled", "true")
    rule = {"listenerArn": "[unknown]", "priority": 1, "conditions": [{"pathPattern": {"values": ["/*"]}}],
            "actions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]}
    render["resources"].append({**find(render, "app-logs"), "type": "aws:lb/listenerRule:ListenerRule", "name": "api-http-redirect",
                                "urn": urn("aws:lb/listenerRule:ListenerRule", "api-http-redirect"), "inputs": rule,
                                "dependencies": [find(render, "api-prod")["urn"]]})
    assert run_policies(render, config=CONFIG).violations == []
    rule["actions"][0]["redirect"]["protocol"] = "HTTP"
    assert len(_violations(render, "services-environment-https-listener")) == 1


def test_a_worker_environment_has_no_listener_to_judge(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "api-prod")["tier"] = "Worker"
    set_setting(render, "api-prod", LISTENER_443, "Protocol", None)
    assert _violations(render, "services-environment-https-listener") == []


@pytest.mark.parametrize("name, value, expected", [
    ("RATE_LIMIT_WINDOW_MS", None, "no RATE_LIMIT_WINDOW*"),
    ("RATE_LIMIT_MAX_REQUESTS", "lots", "RATE_LIMIT_MAX_REQUESTS is 'lots', not a positive integer"),
    ("RATE_LIMIT_WINDOW_MS", "0", "RATE_LIMIT_WINDOW_MS is '0', not a positive integer"),
])
def test_rate_limit_findings(baseline, name, value, expected):
    render = copy.deepcopy(baseline)
    set_setting(render, "api-prod", APP_ENV, name, value)
    [message] = _violations(render, "services-environment-rate-limit")
    assert expected in message


def test_a_service_without_rate_limit_variables_is_not_judged(baseline):
    render = copy.deepcopy(baseline)
    for name in ("RATE_LIMIT_WINDOW_MS", "RATE_LIMIT_MAX_REQUESTS"):
        set_setting(render, "api-prod", APP_ENV, name, None)
    assert run_policies(render, config=CONFIG).violations == []


@pytest.mark.parametrize("operator, threshold, expected", [
    ("LessThanThreshold", 15, "comparisonOperator is 'LessThanThreshold'"),
    ("GreaterThanOrEqualToThreshold", 10, "threshold is 10: below 15 (Warning)"),
    ("GreaterThanThreshold", 25, "GreaterThanThreshold 25 never fires"),
    ("GreaterThanOrEqualToThreshold", 30, "GreaterThanOrEqualToThreshold 30 never fires"),
    ("GreaterThanThreshold", 15, None),  # fires from Degraded (20)
    ("GreaterThanOrEqualToThreshold", 25, None),  # Severe only
])
def test_environment_health_alarms_must_rise(baseline, operator, threshold, expected):
    render = copy.deepcopy(baseline)
    inputs(render, "api-health-warning").update(comparisonOperator=operator, threshold=threshold)
    messages = _violations(render, "alerting-alarm-health-direction")
    assert messages == [] if expected is None else (len(messages) == 1 and expected in messages[0])


def test_a_health_alarm_through_a_metric_query_is_judged_too(baseline):
    render = copy.deepcopy(baseline)
    alarm = inputs(render, "api-health-warning")
    alarm.pop("namespace"), alarm.pop("metricName")
    alarm.update(comparisonOperator="LessThanThreshold", metricQueries=[
        {"id": "h", "returnData": True, "metric": {"namespace": "AWS/ElasticBeanstalk", "metricName": "EnvironmentHealth"}}])
    assert len(_violations(render, "alerting-alarm-health-direction")) == 1


@pytest.mark.parametrize("namespace, metric, hint", [
    ("AWS/ElasticBeanstalk", "NetworkIn", "use AWS/EC2 NetworkIn by AutoScalingGroupName"),
    ("AWS/ElasticBeanstalk", "Latency", "use AWS/ElasticBeanstalk ApplicationLatencyP95"),
    ("AWS/ElasticBeanstalk", "ApplicationLatencyP98", "INSUFFICIENT_DATA"),
    ("AWS/ElasticBeanstalk", "ApplicationLatencyP99.9", None),
    ("AWS/EC2", "NetworkIn", None),
])
def test_alarms_on_metrics_their_namespace_does_not_publish(baseline, namespace, metric, hint):
    render = copy.deepcopy(baseline)
    inputs(render, "app-errors-warning").update(namespace=namespace, metricName=metric)
    messages = _violations(render, "alerting-alarm-metric-exists")
    assert messages == [] if hint is None else (len(messages) == 1 and hint in messages[0] and metric in messages[0])


@pytest.mark.parametrize("dropped, missing", [
    (("api-lb-5xx-critical",), "critical lb-5xx-rate"),
    (("api-root-filesystem-warning",), "warning root-filesystem"),
    # The load balancer's own 5xx do not stand for the application's (EB's ApplicationRequests5xx).
    (("api-5xx-warning", "api-5xx-critical"), "warning 5xx-rate"),
])
def test_environment_alarms_fire_for_each_signal_of_the_table(baseline, dropped, missing):
    render = copy.deepcopy(baseline)
    drop(render, *dropped)
    messages = _violations(render, "services-environment-alarms")
    assert f"environment api-prod has no {missing} alarm." in messages


def test_a_metrics_insights_alarm_counts_for_the_environment_its_query_names(baseline):
    """A Metrics Insights query takes the environment's name as text: no dependency, the value says it."""
    render = copy.deepcopy(baseline)
    for severity in ("warning", "critical"):
        alarm = find(render, f"api-root-filesystem-{severity}")
        alarm["dependencies"] = [d for d in alarm["dependencies"] if "Environment::" not in d]
    assert _violations(render, "services-environment-alarms") == []
    query = inputs(render, "api-root-filesystem-warning")["metricQueries"][0]
    query["expression"] = query["expression"].replace("'api-prod'", "'other-prod'")
    assert _violations(render, "services-environment-alarms") == ["environment api-prod has no warning root-filesystem alarm."]


def test_environment_alarms_read_the_signal_table():
    from components.beanstalk.signals import SIGNALS
    from policies.rules.services import LOAD_BALANCER_SIGNALS, REQUIRED_SIGNALS

    assert REQUIRED_SIGNALS == tuple(signal.name for signal in SIGNALS)
    assert LOAD_BALANCER_SIGNALS == ("lb-5xx-rate",)
    assert {"lb-5xx-rate", "root-filesystem"} <= set(REQUIRED_SIGNALS)


def test_a_single_instance_environment_needs_no_load_balancer_alarm(baseline):
    render = copy.deepcopy(baseline)
    set_setting(render, "api-prod", "aws:elasticbeanstalk:environment", "EnvironmentType", "SingleInstance")
    drop(render, "api-lb-5xx-warning", "api-lb-5xx-critical")
    assert _violations(render, "services-environment-alarms") == []
    # Without EnvironmentType the environment is load-balanced (EB's default): the alarm is required.
    set_setting(render, "api-prod", "aws:elasticbeanstalk:environment", "EnvironmentType", None)
    assert sorted(_violations(render, "services-environment-alarms")) == [
        "environment api-prod has no critical lb-5xx-rate alarm.", "environment api-prod has no warning lb-5xx-rate alarm."]


def test_the_wrong_metric_names_and_their_hints_are_catalogue_facts(baseline):
    """The rule reads data/catalogue/beanstalk.py: every name EB does not publish gets the catalogue's
    hint, and every name the catalogue says EB publishes passes."""
    from data.catalogue import beanstalk

    assert beanstalk.NOT_PUBLISHED_SOURCE.startswith("https://docs.aws.amazon.com/")
    for metric, instead in beanstalk.NOT_PUBLISHED_METRICS.items():
        assert metric not in beanstalk.PUBLISHED_METRIC_NAMES
        render = copy.deepcopy(baseline)
        inputs(render, "app-errors-warning").update(namespace=beanstalk.NAMESPACE, metricName=metric)
        assert _violations(render, "alerting-alarm-metric-exists") == [
            f"{beanstalk.NAMESPACE} publishes no metric {metric}: the alarm would stay INSUFFICIENT_DATA; use {instead}."]
    for metric in sorted(beanstalk.PUBLISHED_METRIC_NAMES):
        render = copy.deepcopy(baseline)
        inputs(render, "app-errors-warning").update(namespace=beanstalk.NAMESPACE, metricName=metric)
        assert _violations(render, "alerting-alarm-metric-exists") == [], metric


@pytest.mark.parametrize("type_", [
    "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule",
    "mongodbatlas:index/cloudBackupSnapshotExportBucket:CloudBackupSnapshotExportBucket",
    "random:index/randomPassword:RandomPassword",
])
def test_backup_policies_and_passwords_count_as_stateful(baseline, type_):
    unprotected, protected = copy.deepcopy(baseline), copy.deepcopy(baseline)
    for render, protect in ((unprotected, False), (protected, True)):
        builder = Builder()
        builder.add(type_, "kept-thing", {}, protect=protect)
        render["resources"] = render["resources"] + builder.resources
    assert _violations(unprotected, "estate-stateful-protected") == [
        "protect is not set: a refactoring or `pulumi destroy` deletes it and its data."
    ]
    assert _violations(protected, "estate-stateful-protected") == []


def test_log_target_object_lock_is_seen_as_a_separate_configuration_too(baseline):
    """B-16, second form: the lock set by a BucketObjectLockConfiguration on the logs bucket, not by the bucket's flag."""
    render = copy.deepcopy(baseline)
    logs = find(render, "logs-bucket")
    render["resources"].append({
        "urn": urn("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "logs-lock"),
        "type": "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "name": "logs-lock", "custom": True,
        "parent": logs["parent"], "provider": None, "protect": True, "dependencies": [logs["urn"]],
        "inputs": {"bucket": "[unknown]", "rule": {"defaultRetention": {"mode": "COMPLIANCE", "years": 5}}},
    })
    result = run_policies(render, config=CONFIG)
    assert [(v.policy, v.urn) for v in result.violations] == [("storage-log-target-no-object-lock", logs["urn"])]


def test_budget_notification_with_two_topics_fails_the_limits_rule(baseline):
    """B-12, second form: one notification with two SNS subscribers (AWS Budgets: one)."""
    render = copy.deepcopy(baseline)
    inputs(render, "monthly")["notifications"][0]["subscriberSnsTopicArns"] = ["arn:a", "arn:b"]
    result = run_policies(render, config=CONFIG)
    assert [(v.policy, v.urn) for v in result.violations] == [("cost-budget-notification-limits", find(render, "monthly")["urn"])]


# Issue 10 #14: the seed's CloudFront alarm (us-east-1) acting on arn:aws:sns:eu-central-1:...:rt-backend-alerts,
# in every form it can be written: a literal ARN (no topic dependency), a wrong-region dependency, and mixed.
SEED_ARN = "arn:aws:sns:eu-central-1:123456789012:rt-backend-alerts"
OUR_US_EAST_ARN = "arn:aws:sns:us-east-1:123456789012:alerts-critical-us-east-1"


def _literal_only(r, key="alarmActions"):
    resource = find(r, "cdn-5xx-critical")
    resource["dependencies"] = []
    resource["inputs"][key] = [SEED_ARN]
    if key != "alarmActions":
        resource["inputs"]["alarmActions"] = [OUR_US_EAST_ARN]


def _mixed(r, key):
    inputs(r, "cdn-5xx-critical")[key] = ["[unknown]", SEED_ARN]  # its own topic (dependency) and the seed's


TOPIC_REGION_FORMS = {
    "literal ARN in alarmActions": lambda r: _literal_only(r),
    "literal ARN in okActions": lambda r: _literal_only(r, "okActions"),
    "literal ARN in insufficientDataActions": lambda r: _literal_only(r, "insufficientDataActions"),
    "wrong-region topic dependency": lambda r: retarget(r, "cdn-5xx-critical", "alerts-critical-eu-central-1"),
    "mixed: right dependency, literal ARN in alarmActions": lambda r: _mixed(r, "alarmActions"),
    "mixed: right dependency, literal ARN in okActions": lambda r: _mixed(r, "okActions"),
}


@pytest.mark.parametrize("form", sorted(TOPIC_REGION_FORMS))
def test_alarm_topic_region_reads_values_and_dependencies(baseline, form):
    render = copy.deepcopy(baseline)
    TOPIC_REGION_FORMS[form](render)
    messages = _violations(render, "alerting-alarm-topic-region")
    assert messages and all("cdn-5xx-critical" in m for m in messages), messages


def test_a_literal_arn_of_the_alarms_own_region_passes(baseline):
    render = copy.deepcopy(baseline)
    resource = find(render, "cdn-5xx-critical")
    resource["dependencies"] = []
    resource["inputs"].update(alarmActions=[OUR_US_EAST_ARN], okActions=[OUR_US_EAST_ARN])
    assert _violations(render, "alerting-alarm-topic-region") == []
    assert _violations(render, "alerting-alarm-severity-routing") == []


def test_severity_routing_reads_literal_arns(baseline):
    render = copy.deepcopy(baseline)
    resource = find(render, "api-cpu-critical")
    resource["inputs"]["okActions"] = ["arn:aws:sns:eu-central-1:123456789012:alerts-warning-eu-central-1"]
    messages = _violations(render, "alerting-alarm-severity-routing")
    assert messages and "warning" in messages[0]


def test_topic_subscribed_reads_a_literal_topic_arn(baseline):
    render = copy.deepcopy(baseline)
    subscription = find(render, "alerts-warning-us-east-1-email")
    subscription["dependencies"] = []
    subscription["inputs"]["topic"] = "arn:aws:sns:us-east-1:123456789012:alerts-warning-us-east-1"
    assert _violations(render, "alerting-topic-subscribed") == []
    subscription["inputs"]["topic"] = "arn:aws:sns:eu-central-1:123456789012:alerts-warning-us-east-1"  # another region's
    assert len(_violations(render, "alerting-topic-subscribed")) == 1



@pytest.mark.parametrize("counts, expected", [
    ([500, 500], None),
    ([501], "widget 0 reads 501 metrics"),
    ([500] * 5 + [1], "2501 metrics"),
])
def test_dashboard_metric_limits(baseline, counts, expected):
    render = copy.deepcopy(baseline)
    inputs(render, "overview").update(dashboardBody=dashboard_body(counts))
    messages = _violations(render, "alerting-dashboard-metric-limits")
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1 and expected in messages[0], messages


def test_prod_dashboards_are_read_by_the_dashboard_limits_rule(prod_render):
    """The rule reads real bodies: prod's widgets have metrics to count, and all are within the quotas."""
    import json as _json

    from policies.rules.alerting import _widget_metric_counts

    bodies = [_json.loads(d.inputs["dashboardBody"]) for d in prod_render.of_type("aws:cloudwatch/dashboard:Dashboard")]
    counts = [n for body in bodies for n in _widget_metric_counts(body)]
    assert bodies and max(counts) > 0
    assert max(counts) <= 500 and all(sum(_widget_metric_counts(b)) <= 2500 for b in bodies)


def test_sms_preferences_owned_by_another_stack_pass_with_the_config(baseline):
    render = copy.deepcopy(baseline)
    find(render, "alerts-critical-sms").update(provider=US_EAST)
    config = {**CONFIG, "alerting-sms-preferences-per-region": {"external_regions": ["us-east-1"]}}
    assert [v for v in run_policies(render, config=config).violations if v.policy == "alerting-sms-preferences-per-region"] == []
