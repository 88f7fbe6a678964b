"""``estate verify`` against moto: a correctly deployed estate is all green; each failure is named.

End to end: a ``moto_server`` started here on 127.0.0.1 (random free port), the estate deployed into
it through boto3 by ``deploy`` (what the estate declares: topics and subscriptions, every alarm of
the offline render, buckets with their settings, the SES domain, environments, Redis, health
checks), then the ``estate verify`` command with ``--endpoint-url``. In-process (``mock_aws``) where
the test puts AWS in a state moto's API cannot reach: a subscription still PendingConfirmation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import pytest

from tests.moto_server import moto_server
from tests.preflight_helpers import self_signed_certificate
from data.catalogue.regions import GLOBAL_METRICS_REGION, regions_of
from data.config import estate_from_stack_file, load_stack_file
from data.model import SEVERITIES_BY_URGENCY
from tools.verify import FAIL, NOT_CHECKABLE, PASS, Clients, declared_alarms, verify_render

ROOT = Path(__file__).resolve().parent.parent
PROD = ROOT / "Pulumi.prod.yaml"
ACCOUNT = "123456789012"


@pytest.fixture(scope="module", autouse=True)
def fake_credentials():
    """Credentials moto accepts, and nothing from the machine's AWS configuration."""
    saved = dict(os.environ)
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing",
        AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_DEFAULT_REGION="eu-central-1",
    )
    os.environ.pop("AWS_PROFILE", None)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def prod(prod_render):
    """The estate, its render (conftest's session render of Pulumi.prod.yaml) and its declared alarms."""
    estate = estate_from_stack_file(load_stack_file(PROD))
    render = prod_render
    alarms = declared_alarms([r.to_dict() for r in render.resources], estate.region)
    return estate, render, alarms


def _camel_to_aws(query: dict) -> dict:
    """A ``metricQueries`` input of the render -> CloudWatch's ``Metrics`` entry."""
    out = {"Id": query["id"], "ReturnData": bool(query.get("returnData", False))}
    if query.get("expression"):
        out["Expression"] = query["expression"]
    if query.get("label"):
        out["Label"] = query["label"]
    metric = query.get("metric")
    if metric:
        out["MetricStat"] = {
            "Metric": {
                "Namespace": metric["namespace"], "MetricName": metric["metricName"],
                "Dimensions": [{"Name": k, "Value": str(v)} for k, v in sorted((metric.get("dimensions") or {}).items())],
            },
            "Period": int(metric["period"]),
            "Stat": metric["stat"],
        }
    if query.get("period") and "MetricStat" not in out:
        out["Period"] = int(query["period"])
    return out


def model_topics(estate) -> list[tuple[str, str, list]]:
    """(region, topic name, subscriptions) the estate model routes alerts and SES feedback to: the
    test's own oracle, independent of the render verify reads."""
    topics = []
    for region in regions_of(estate.region):
        for severity in SEVERITIES_BY_URGENCY:
            subs = [s for s in estate.alerting.subscriptions if severity in s.severities]
            topics.append((region, f"{estate.alerting.topic_prefix}-{severity.value}", subs))
    if estate.mail is not None:
        topics.append((estate.region, estate.mail.feedback_topic, list(estate.mail.feedback_subscribers)))
    return topics


def model_buckets(estate) -> list:
    """(region, bucket) of every bucket the estate creates: its own, and its DR standbys (issue 11), from
    the model (the test's oracle, independent of the render verify reads)."""
    from components.replication.buckets import standby_logs_of, standby_of

    found = [(estate.region, bucket) for bucket in estate.buckets]
    dr = estate.disaster_recovery
    if dr is not None:
        found += [(dr.region, standby_of(estate.bucket_for(r.purpose), r)) for r in dr.buckets]
        if dr.standby_logs:
            found.append((dr.region, standby_logs_of(estate.bucket_for("logs"), dr.standby_logs)))
    return found


def replication_rules(estate) -> dict[str, dict]:
    """Source bucket -> the ReplicationConfiguration the estate's DR section asks for (the test's oracle)."""
    from data.model.disaster_recovery import replication_role_name

    dr = estate.disaster_recovery
    configs = {}
    for replicated in dr.buckets if dr is not None else []:
        destination = {"Bucket": f"arn:aws:s3:::{replicated.standby}",
                       "EncryptionConfiguration": {"ReplicaKmsKeyID": f"arn:aws:kms:{dr.region}:{ACCOUNT}:key/aws-s3"},
                       "Metrics": {"Status": "Enabled"}}
        if replicated.replication_time_control:
            destination["Metrics"]["EventThreshold"] = {"Minutes": 15}
            destination["ReplicationTime"] = {"Status": "Enabled", "Time": {"Minutes": 15}}
        configs[estate.bucket_for(replicated.purpose).name] = {
            "Role": f"arn:aws:iam::{ACCOUNT}:role/{replication_role_name(estate.organisation, estate.environment, replicated.purpose)}",
            "Rules": [{"ID": "disaster-recovery", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                       "DeleteMarkerReplication": {"Status": "Enabled" if replicated.delete_markers == "replicate" else "Disabled"},
                       "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                       "Destination": destination}],
        }
    return configs


def deploy_dr_readiness(estate, render, clients: Clients) -> None:
    """What prod keeps ready for DR (issue 11): the replication configurations, and every secret with its replica
    (the program's, as the render names them; the operator-set ones, as the stack file names them)."""
    from data.model.base import secret_refs

    dr = estate.disaster_recovery
    if dr is None:
        return
    for source, config in replication_rules(estate).items():
        clients("s3", estate.region).put_bucket_replication(Bucket=source, ReplicationConfiguration=config)
    replicas = [{"Region": dr.region}] if dr.secrets else []
    created = [r.inputs["name"] for r in render.of_type("aws:secretsmanager/secret:Secret")]
    operator_set = sorted({ref.secrets_manager for _, ref in secret_refs(estate) if ref.secrets_manager})
    for name in created + operator_set:
        clients("secretsmanager", estate.region).create_secret(Name=name, SecretString="value", AddReplicaRegions=replicas)


@pytest.fixture(scope="module", autouse=True)
def faithful_bucket_replication():
    """moto 5.2.5 answers GetBucketReplication with DeleteMarkerReplication Disabled and without
    SourceSelectionCriteria whatever was put (moto/s3/responses.py): answer with the rules as stored, as S3 does."""
    from moto.s3.exceptions import ReplicationConfigurationNotFoundError
    from moto.s3.responses import S3Response

    def get_bucket_replication(self):
        from moto.core.responses import ActionResult

        self.data["Action"] = "GetBucketReplication"
        replication = self.backend.get_bucket_replication(self.bucket_name)
        if not replication:
            raise ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
        return self.serialized(ActionResult({"ReplicationConfiguration": {"Role": replication["Role"], "Rules": list(replication["Rule"])}}))

    original = S3Response.get_bucket_replication
    S3Response.get_bucket_replication = get_bucket_replication
    yield
    S3Response.get_bucket_replication = original


def verify(estate, render, clients: Clients, **kwargs):
    """``estate verify``'s checks on the render, as the command runs them."""
    return verify_render(render.to_dict() if render is not None else None, stack="prod", clients=clients,
                         region=estate.region, runbook=estate.runbook_url, **kwargs)


def deploy(estate, render, clients: Clients, certificate_days: float = 365) -> None:
    """Create in (moto) AWS what the estate declares, the way `pulumi up` would leave it, with the
    account's certificate and distributions (which `pulumi up` only uses) under the ids the stack file
    names; the certificate is valid for ``certificate_days`` more days."""
    primary = estate.region
    account_resources_as_declared(estate, clients, certificate_days)
    topic_arns: dict[tuple[str, str], str] = {}
    for region, name, subscriptions in model_topics(estate):
        sns = clients("sns", region)
        arn = sns.create_topic(Name=name)["TopicArn"]
        topic_arns[(region, name)] = arn
        for sub in subscriptions:
            # A secret reference's value (issue 10 #6) stands for itself here.
            endpoint = sub.endpoint if isinstance(sub.endpoint, str) else f"https://hooks.example.com/{sub.name}"
            sns.subscribe(TopicArn=arn, Protocol=sub.protocol, Endpoint=endpoint)
    for resource in render.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
        inputs = resource.inputs
        region = render.region_of(resource)
        actions = [topic_arns[(region, a.split(":")[5])] for a in inputs.get("alarmActions", [])]
        kwargs = {
            "AlarmName": inputs["name"], "AlarmDescription": inputs.get("alarmDescription", ""),
            "ComparisonOperator": inputs["comparisonOperator"], "Threshold": float(inputs["threshold"]),
            "EvaluationPeriods": int(inputs["evaluationPeriods"]), "ActionsEnabled": True,
            "AlarmActions": actions, "OKActions": actions,
            "TreatMissingData": inputs.get("treatMissingData", "missing"),
        }
        if inputs.get("datapointsToAlarm"):
            kwargs["DatapointsToAlarm"] = int(inputs["datapointsToAlarm"])
        if inputs.get("metricQueries"):
            kwargs["Metrics"] = [_camel_to_aws(q) for q in inputs["metricQueries"]]
        else:
            kwargs.update(Namespace=inputs["namespace"], MetricName=inputs["metricName"], Period=int(inputs["period"]))
            if inputs.get("statistic"):
                kwargs["Statistic"] = inputs["statistic"]
            else:
                kwargs["ExtendedStatistic"] = inputs["extendedStatistic"]
            kwargs["Dimensions"] = [{"Name": k, "Value": str(v)} for k, v in sorted((inputs.get("dimensions") or {}).items())]
        clients("cloudwatch", region).put_metric_alarm(**kwargs)
    for region, bucket in model_buckets(estate):
        s3 = clients("s3", region)
        s3.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": region},
                         ObjectLockEnabledForBucket=bool(bucket.object_lock_years))
        s3.put_bucket_versioning(Bucket=bucket.name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_lifecycle_configuration(Bucket=bucket.name, LifecycleConfiguration={"Rules": [
            {"ID": rule.id, "Status": "Enabled", "Filter": {"Prefix": rule.prefix},
             "NoncurrentVersionExpiration": {"NoncurrentDays": rule.noncurrent.expiration_days}}
            for rule in bucket.lifecycle
        ]})
        s3.put_bucket_encryption(Bucket=bucket.name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]})
        s3.put_public_access_block(Bucket=bucket.name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        if bucket.object_lock_years:
            s3.put_object_lock_configuration(Bucket=bucket.name, ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": bucket.object_lock_years}}})
    deploy_dr_readiness(estate, render, clients)
    if estate.mail is not None:
        ses = clients("ses", primary)
        ses.verify_domain_identity(Domain=estate.mail.domain)
        ses.verify_domain_dkim(Domain=estate.mail.domain)
    eb = clients("elasticbeanstalk", primary)
    applications: set[str] = set()
    for service in estate.services:
        if service.kind != "beanstalk":
            continue
        if service.application_name not in applications:
            eb.create_application(ApplicationName=service.application_name)
            applications.add(service.application_name)
        eb.create_environment(ApplicationName=service.application_name, EnvironmentName=service.environment_name,
                              SolutionStackName=f"64bit Amazon Linux 2023 v6.6.0 running {service.platform.runtime}")
    if estate.cache is not None:
        clients("elasticache", primary).create_replication_group(
            ReplicationGroupId=estate.cache.name, ReplicationGroupDescription="redis", Engine="redis",
            CacheNodeType=estate.cache.node_type, AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True,
            AuthToken="a" * 64)
    route53 = clients("route53", GLOBAL_METRICS_REGION)
    for service in estate.services:
        if service.public_url:
            route53.create_health_check(CallerReference=service.name, HealthCheckConfig={
                "Type": "HTTPS", "FullyQualifiedDomainName": service.public_url.removeprefix("https://"),
                "ResourcePath": service.health_check.path, "Port": 443})


def account_resources_as_declared(estate, clients: Clients, certificate_days: float) -> None:
    """The load balancers' ACM certificate and the watched CloudFront distributions, under the ARN and
    ids the stack file declares: moto draws its own ids, so the test moves each one to the declared id
    in moto's backend (shared by ``mock_aws`` and the in-process server)."""
    from moto.acm.models import acm_backends
    from moto.cloudfront.models import cloudfront_backends

    arn = estate.network.certificate_arn
    region, account = arn.split(":")[3], arn.split(":")[4]
    cert, key = self_signed_certificate("*.symphonia.fr", ["*.symphonia.fr"], valid_days=certificate_days)
    imported = clients("acm", region).import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
    certificates = acm_backends[account][region]._certificates
    bundle = certificates.pop(imported)
    bundle.arn = arn
    certificates[arn] = bundle
    for number, watched in enumerate(estate.cdn):
        created = clients("cloudfront", GLOBAL_METRICS_REGION).create_distribution(DistributionConfig={
            "CallerReference": f"verify-{number}", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "authz.symphonia.fr", "CustomOriginConfig": {
                "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        })["Distribution"]["Id"]
        distributions = cloudfront_backends[account]["aws"].distributions
        distribution = distributions.pop(created)
        distribution.distribution_id = distribution.id = watched.distribution_id
        distributions[watched.distribution_id] = distribution


@pytest.fixture(scope="module")
def moto_endpoint():
    with moto_server() as endpoint:
        yield endpoint


def test_the_program_declares_alarms_in_both_regions(prod):
    """Verify reads the alarms from the render: it must find the estate's alarms there."""
    estate, _, alarms = prod
    assert len(alarms) >= 20
    assert {a.region for a in alarms} == {estate.region, GLOBAL_METRICS_REGION}
    # The burn-rate windows notify through their composite alarms (issue 14): no actions of their own.
    silent = [a for a in alarms if "-slo-burn-" in a.name and a.name.endswith(("-long", "-short"))]
    assert len(silent) == 12 and all(a.action_topics == () for a in silent)
    assert all(a.action_topics and all(t.startswith(estate.alerting.topic_prefix) for t in a.action_topics)
               for a in alarms if a not in silent)


def test_correct_deployment_is_all_green_end_to_end(prod, moto_endpoint, monkeypatch):
    from typer.testing import CliRunner

    from tools.cli import app

    estate, render, alarms = prod
    deploy(estate, render, Clients(moto_endpoint))
    result = CliRunner().invoke(app, ["verify", "--stack", "prod", "--endpoint-url", moto_endpoint, "--format", "json"])
    assert result.exit_code == 0, result.output + "".join(__import__("traceback").format_exception(*result.exc_info))
    report = json.loads(result.stdout)
    assert report["summary"]["fail"] == 0, [c for c in report["checks"] if c["status"] == FAIL]
    checks = report["checks"]
    passed = {(c["family"], c["resource"]) for c in checks if c["status"] == PASS}
    # Every declared alarm was found and compared.
    assert {("alarm", a.name) for a in alarms} <= passed
    # Every subscription of every alert topic in both regions.
    topics = model_topics(estate)
    assert sum(1 for c in checks if c["family"] == "subscription" and c["status"] == PASS) == sum(len(subs) for _, _, subs in topics)
    assert ("mail", "symphonia.fr DKIM") in passed
    assert ("cache", "symphonia-redis-prod") in passed
    assert ("bucket", "rt-estate-audit-logs-prod object lock") in passed
    assert ("environment", "authz-eb-prod") in passed
    # The load balancers' certificate (ISSUED, not expiring soon) and the distribution's (CloudFront's own).
    cert_id = estate.network.certificate_arn.rsplit("/", 1)[1]
    assert {("certificate", cert_id), ("certificate", f"{cert_id} expiry"),
            ("certificate", f"{estate.cdn[0].distribution_id} certificate")} <= passed
    # DR readiness (issue 11): the standbys in eu-west-1, each replication, each secret's replica.
    assert ("bucket", "rt-estate-audit-logs-dr object lock") in passed
    assert {("replication", name) for name in ("symphonia-documents-prod", "rt-backend-backups", "rt-estate-audit-logs-prod")} <= passed
    assert ("replication", "symphonia-documents-prod -> symphonia-documents-dr failed operations") in passed
    replicas = {c["resource"] for c in checks if c["family"] == "secret" and c["status"] == PASS}
    assert {"rt-technologie/prod/authz-eb/jwt-secret replica", "rt-technologie/prod/authz-eb/abstract-api-key replica"} <= replicas
    assert len(replicas) == 8 + 10  # the program's secrets, and the operator-set ones
    # moto has no SESv2 GetAccount nor DescribeEnvironmentHealth: reported, never passed.
    unchecked = {c["resource"] for c in checks if c["status"] == NOT_CHECKABLE}
    assert "production access" in unchecked
    assert "authz-eb-prod health" in unchecked

    # The first run rendered the stack through the CLI; the next two reuse the render (a render is ~2 s).
    monkeypatch.setattr("tools.verify.rendered", lambda *args: render.to_dict())
    human = CliRunner().invoke(app, ["verify", "--stack", "prod", "--endpoint-url", moto_endpoint])
    assert human.exit_code == 0
    assert "0 failed" in human.stdout and "NOT CHECKABLE" in human.stdout
    strict = CliRunner().invoke(app, ["verify", "--stack", "prod", "--endpoint-url", moto_endpoint, "--strict"])
    assert strict.exit_code == 1


def test_pending_subscription_and_missing_alarm_are_named(prod):
    from moto import mock_aws
    from moto.sns.models import sns_backends

    estate, render, alarms = prod
    with mock_aws():
        clients = Clients()
        deploy(estate, render, clients)
        # One email subscriber never clicked the confirmation link (moto confirms at once).
        backend = sns_backends[ACCOUNT][estate.region]
        pending = next(s for s in backend.subscriptions.values()
                       if s.endpoint == "backend-lead@rt-technologie.com" and s.topic.arn.endswith(":rt-estate-prod-critical"))
        pending.attributes["PendingConfirmation"] = "true"
        # One alarm deleted by hand.
        gone = alarms[0]
        clients("cloudwatch", gone.region).delete_alarms(AlarmNames=[gone.name])

        report = verify(estate, render, clients)

    failed = report.failed
    assert [(c.family, c.resource) for c in failed] == sorted(
        [("alarm", gone.name),
         ("subscription", "rt-estate-prod-critical -> backend-lead-email (email backend-lead@rt-technologie.com)")]
    )
    by_family = {c.family: c for c in failed}
    assert "missing" in by_family["alarm"].detail and "pulumi up" in by_family["alarm"].action
    assert "PendingConfirmation" in by_family["subscription"].detail
    assert "Confirm subscription" in by_family["subscription"].action
    text = report.to_text()
    assert gone.name in text and "backend-lead@rt-technologie.com" in text and "2 failed" in text


def test_drift_and_alarm_state_are_failures(prod):
    from moto import mock_aws

    estate, render, alarms = prod
    target = next(a for a in alarms if a.metric_name and not a.metric_queries)
    with mock_aws():
        clients = Clients()
        deploy(estate, render, clients)
        cloudwatch = clients("cloudwatch", target.region)
        live = cloudwatch.describe_alarms(AlarmNames=[target.name])["MetricAlarms"][0]
        keep = {k: live[k] for k in ("AlarmName", "ComparisonOperator", "EvaluationPeriods", "Namespace", "MetricName",
                                     "Period", "AlarmActions", "Dimensions") if k in live}
        cloudwatch.put_metric_alarm(**keep, Statistic=live.get("Statistic", "Average"), Threshold=target.threshold * 3 + 1)
        other = next(a for a in alarms if a.name != target.name)
        clients("cloudwatch", other.region).set_alarm_state(AlarmName=other.name, StateValue="ALARM", StateReason="test breach")
        clients("s3", estate.region).delete_public_access_block(Bucket=estate.buckets[0].name)
        report = verify(estate, render, clients)
    failed = {(c.family, c.resource): c for c in report.failed}
    assert "threshold" in failed[("alarm", target.name)].detail
    assert "in ALARM" in failed[("alarm", other.name)].detail and "runbook" in failed[("alarm", other.name)].action
    assert ("bucket", f"{estate.buckets[0].name} public access block") in failed
    assert len(failed) == 3


def test_bad_input_exits_2_and_unrendered_alarms_are_not_checkable(tmp_path, prod):
    from typer.testing import CliRunner

    from tools.cli import app

    result = CliRunner().invoke(app, ["verify", "--stack-file", str(tmp_path / "Pulumi.nope.yaml")])
    assert result.exit_code == 2
    estate, render, _ = prod
    from moto import mock_aws

    with mock_aws():
        unrendered = verify(estate, None, Clients(), unavailable="RenderError: boom")
        report = verify(estate, render, Clients())
    # Without a render nothing can be expected: every family is one not-checkable line saying why.
    alarm_checks = [c for c in unrendered.checks if c.family == "alarm"]
    assert [c.status for c in alarm_checks] == [NOT_CHECKABLE]
    assert "boom" in alarm_checks[0].detail
    assert {c.status for c in unrendered.checks} == {NOT_CHECKABLE} and all("boom" in c.detail for c in unrendered.checks)
    # Nothing deployed: every topic, bucket and environment is a failure, never a pass.
    assert not [c for c in report.checks if c.status == PASS]
    assert {"topic", "bucket", "environment"} <= {c.family for c in report.failed}


def _reset(endpoint: str) -> None:
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()


@pytest.mark.parametrize("days, fails", [(10.5, True), (200.5, False)])
def test_certificate_expiry_is_reported_by_name(prod, moto_endpoint, monkeypatch, days, fails):
    """Issue 10 #15: 10 days left is under the level of the certificate's DaysToExpiry alarm (runbook
    000's 30 days): exit 1, the certificate named with its date and what to do; 200 days passes."""
    from typer.testing import CliRunner

    from tools.cli import app

    estate, render, _ = prod
    _reset(moto_endpoint)
    deploy(estate, render, Clients(moto_endpoint), certificate_days=days)
    monkeypatch.setattr("tools.verify.rendered", lambda *args: render.to_dict())
    result = CliRunner().invoke(app, ["verify", "--stack", "prod", "--endpoint-url", moto_endpoint, "--format", "json"])
    _reset(moto_endpoint)
    assert result.exit_code == (1 if fails else 0), result.output
    checks = {(c["family"], c["resource"]): c for c in json.loads(result.stdout)["checks"]}
    cert_id = estate.network.certificate_arn.rsplit("/", 1)[1]
    found = checks[("certificate", f"{cert_id} expiry")]
    level = estate.network.certificate_expiry_days.warning
    failed = [key for key, c in checks.items() if c["status"] == FAIL]
    if fails:
        assert failed == [("certificate", f"{cert_id} expiry")]
        assert ", in 10 days: under " f"{level:g} days, the level of its DaysToExpiry alarm" in found["detail"]
        assert "import the renewed certificate into the same ARN" in found["action"]
    else:
        assert failed == [] and found["status"] == PASS and ", in 200 days: above " in found["detail"]
