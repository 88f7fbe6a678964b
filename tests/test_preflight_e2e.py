"""``estate preflight`` end to end against a ``moto_server`` started here on 127.0.0.1 (a free port).

An empty account: the real ``Pulumi.prod.yaml`` (``--stack prod``) names every missing precondition
and exits 1. A prepared account: the test creates, through boto3 against the same server, what must
exist before ``pulumi up`` (secrets with values, SMS spend limits in both SMS regions, an ISSUED
certificate, the VPC with public and private subnets, NAT gateways and routes, the SES domain, the
CloudFront distribution, one bucket of ours), then exits 0.

Ids: moto chooses the ids of what it creates (VPC, subnets, certificate ARN, distribution), so the
prepared run reads them back and writes a temporary stack file: prod's estate with ``network``,
``cdn[].distribution_id`` and ``atlas.access_list`` (the NAT gateways' Elastic IPs) replaced, the rest
unchanged. What moto's API cannot answer (SMS sandbox status, SESv2 GetAccount, CloudFront monitoring
subscriptions) is reported not-checkable; those states are tested in ``test_preflight_checks.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
import yaml
from typer.testing import CliRunner

from tests.moto_server import free_port, moto_server
from tests.preflight_helpers import self_signed_certificate
from data.catalogue.regions import GLOBAL_METRICS_REGION, regions_of
from data.config import ESTATE_KEY, estate_from_stack_file, load_stack_file
from tools.cli import app

ROOT = Path(__file__).resolve().parent.parent
PROD = ROOT / "Pulumi.prod.yaml"


def run(*args: str):
    return CliRunner().invoke(app, ["preflight", *args])


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    """Credentials moto accepts, and nothing from the machine's AWS configuration."""
    for key, value in dict(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing",
        AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_DEFAULT_REGION=yaml.safe_load(PROD.read_text(encoding="utf-8"))["config"]["aws:region"],
        AWS_EC2_METADATA_DISABLED="true",
    ).items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(ROOT)


@pytest.fixture
def moto_endpoint():
    """A fresh, empty moto account per test, listening on 127.0.0.1 only. The server keeps moto's
    in-process backends, shared by every server of this process: reset them before and after."""
    with moto_server(reset=True) as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def prod():
    return estate_from_stack_file(load_stack_file(PROD))


def _fails(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAIL ")]


# --------------------------------------------------------------------------------------------------
# An empty account
# --------------------------------------------------------------------------------------------------


def test_an_empty_account_names_every_missing_precondition(moto_endpoint, prod):
    result = run("--stack", "prod", "--endpoint-url", moto_endpoint)
    assert result.exit_code == 1, result.output
    out = result.stdout
    fails = _fails(out)
    assert "Traceback" not in result.output
    primary = prod.region
    # Every operator-set secret, by name.
    operator_secrets = sorted({ref.secrets_manager for s in prod.services for ref in s.secrets.values() if ref.secrets_manager}
                              | {s.endpoint.secrets_manager for s in prod.alerting.subscriptions if s.endpoint_is_secret})
    assert len(operator_secrets) == 9  # the services' 7 and the two webhooks (issue 10 #6)
    for name in operator_secrets:
        assert any(line.startswith(f"FAIL secret secretsmanager:{name} ({primary}): does not exist") for line in fails), name
    # The SMS spend limit, in both regions with SMS subscribers (the primary and the global-metrics region).
    for region in regions_of(primary):
        assert any(line.startswith(f"FAIL sms monthly spend limit ({region}): not set") for line in fails), region
    # The certificate, the VPC and each of its subnets.
    cert_id = prod.network.certificate_arn.rsplit("/", 1)[1]
    assert any(line.startswith(f"FAIL certificate {cert_id} ({primary}): ") and "does not exist" in line for line in fails)
    assert any(line.startswith(f"FAIL network {prod.network.vpc_id} ({primary}): the VPC does not exist") for line in fails)
    for subnet in prod.network.public_subnet_ids + prod.network.private_subnet_ids:
        assert any(line.startswith(f"FAIL network {subnet} ({primary}): ") for line in fails), subnet
    # The CloudFront distribution named in the stack file.
    assert any(line.startswith(f"FAIL cloudfront {prod.cdn[0].distribution_id} ") for line in fails)
    # Each failure says what to do.
    assert all("; " in line for line in fails)
    # The Atlas PagerDuty key (issue 10 #12), a Secrets Manager secret (issue 11: replicated to the DR region).
    assert any(line.startswith(f"FAIL secret secretsmanager:{prod.atlas.pagerduty.service_key.secrets_manager} ({primary}):"
                               " does not exist") for line in fails)
    # secrets: 7 of the services and the cache, 2 webhooks, the Atlas PagerDuty key; sms 2; certificate; network 5; cloudfront
    assert len(fails) == 7 + 2 + 1 + 2 + 1 + 5 + 1
    # Free bucket names (prod's 4 and the 4 standbys it creates in eu-west-1), the branch, an absent SES identity hold; what moto cannot answer is listed.
    assert "passed: platform 1, bucket 8, ses 1" in out
    assert f"sms SMS sandbox ({primary}): GetSMSSandboxAccountStatus: the API is not available here" in out
    assert f"ses production access ({primary}): SESv2 GetAccount: the API is not available here" in out
    assert "atlas project symphonia-prod (atlas): not checkable: the Atlas Admin API keys are not given; set the keys" in out


def test_json_lists_every_result(moto_endpoint):
    result = run("--stack", "prod", "--endpoint-url", moto_endpoint, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["stack"] == "prod"
    assert report["summary"]["fail"] == 19
    statuses = [r["status"] for r in report["results"]]
    assert statuses == sorted(statuses, key=["fail", "not-checkable", "pass"].index)
    assert {r["check"] for r in report["results"]} == {
        "platform", "secret", "sms", "certificate", "network", "bucket", "ses", "atlas", "cloudfront"}
    assert all(r["action"] for r in report["results"] if r["status"] == "fail")


# --------------------------------------------------------------------------------------------------
# A prepared account
# --------------------------------------------------------------------------------------------------


SECRET_VALUE = "s3cr3t-value-never-printed"




def prepare(endpoint: str, estate, certificate_days: float = 365) -> dict:
    """Create what must exist before `pulumi up`; return the account's ids for the stack file. The
    load balancers' certificate is valid for ``certificate_days`` more days."""
    region = estate.region

    def client(service: str, where: str = region):
        return boto3.client(service, region_name=where, endpoint_url=endpoint)

    for service in estate.services:
        for ref in service.secrets.values():
            if ref.secrets_manager:
                client("secretsmanager").create_secret(Name=ref.secrets_manager, SecretString=SECRET_VALUE)
    if estate.atlas is not None and estate.atlas.pagerduty is not None and estate.atlas.pagerduty.service_key.ssm:
        # The Atlas PagerDuty service key (issue 10 #12), an SSM SecureString.
        client("ssm").put_parameter(Name=estate.atlas.pagerduty.service_key.ssm, Value=SECRET_VALUE, Type="SecureString")
    if estate.atlas is not None and estate.atlas.pagerduty is not None and estate.atlas.pagerduty.service_key.secrets_manager:
        # ... or a Secrets Manager secret (prod's since issue 11: secrets are replicated, parameters are not).
        client("secretsmanager").create_secret(Name=estate.atlas.pagerduty.service_key.secrets_manager, SecretString=SECRET_VALUE)
    for subscription in estate.alerting.subscriptions:  # the webhooks' references (issue 10 #6)
        if subscription.endpoint_is_secret:
            client("secretsmanager").create_secret(Name=subscription.endpoint.secrets_manager, SecretString=SECRET_VALUE)
    for where in regions_of(region):
        client("sns", where).set_sms_attributes(
            attributes={"MonthlySpendLimit": str(estate.alerting.sms.monthly_spend_limit)})
    cert, key = self_signed_certificate("*.symphonia.fr", ["*.symphonia.fr", "symphonia.fr"], valid_days=certificate_days)
    certificate_arn = client("acm").import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]

    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    zones = [f"{region}a", f"{region}b"]
    public = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
              for i, z in enumerate(zones, start=1)]
    private = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{100 + i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
               for i, z in enumerate(zones, start=1)]
    public_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    access_list = []
    for public_subnet, private_subnet, zone in zip(public, private, zones):
        ec2.associate_route_table(RouteTableId=public_table, SubnetId=public_subnet)
        eip = ec2.allocate_address(Domain="vpc")
        nat = ec2.create_nat_gateway(SubnetId=public_subnet, AllocationId=eip["AllocationId"])["NatGateway"]["NatGatewayId"]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        ec2.associate_route_table(RouteTableId=table, SubnetId=private_subnet)
        access_list.append({"cidr": f"{eip['PublicIp']}/32", "comment": f"NAT gateway {zone}"})

    client("ses").verify_domain_identity(Domain=estate.mail.domain)
    ours = estate.buckets[0].name
    client("s3").create_bucket(Bucket=ours, CreateBucketConfiguration={"LocationConstraint": region})
    return {
        "network": {"vpc_id": vpc, "public_subnet_ids": public, "private_subnet_ids": private,
                    "certificate_arn": certificate_arn},
        "distribution_id": _distribution(boto3.client("cloudfront", region_name=GLOBAL_METRICS_REGION, endpoint_url=endpoint)),
        "access_list": access_list,
    }


def _distribution(cloudfront) -> str:
    """A distribution whose id has CloudFront's form (``E...``, which the model requires); moto draws
    the first letter at random, so create until one has it."""
    for attempt in range(400):
        config = {
            "CallerReference": f"preflight-{attempt}", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "authz", "DomainName": "authz.symphonia.fr", "CustomOriginConfig": {
                "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "authz", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        }
        distribution_id = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
        if distribution_id.startswith("E"):
            return distribution_id
    raise AssertionError("moto never drew a distribution id starting with E")


def write_stack_file(directory: Path, ids: dict) -> Path:
    document = yaml.safe_load(PROD.read_text(encoding="utf-8"))
    estate = document["config"][ESTATE_KEY]
    estate["network"] = ids["network"]
    estate["cdn"][0]["distribution_id"] = ids["distribution_id"]
    estate["atlas"]["access_list"] = ids["access_list"]
    path = directory / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_a_prepared_account_passes(moto_endpoint, prod, tmp_path):
    ids = prepare(moto_endpoint, prod)
    stack_file = write_stack_file(tmp_path, ids)
    result = run("--stack-file", str(stack_file), "--endpoint-url", moto_endpoint)
    assert result.exit_code == 0, result.output
    assert _fails(result.stdout) == []
    assert SECRET_VALUE not in result.output
    report = json.loads(run("--stack-file", str(stack_file), "--endpoint-url", moto_endpoint, "--format", "json").stdout)
    passed = {}
    for r in report["results"]:
        if r["status"] == "pass":
            passed[r["check"]] = passed.get(r["check"], 0) + 1
    # Every check passes at least once; the counts say what was checked.
    # certificate: the load balancers' (ISSUED, its names, its expiry) and the distribution's (CloudFront's own)
    assert passed == {"platform": 1, "secret": 10, "sms": 2, "certificate": 4, "network": 5, "bucket": 8,
                      "ses": 1, "atlas": 1, "cloudfront": 1}
    unchecked = sorted((r["check"], r["subject"], r["region"]) for r in report["results"] if r["status"] == "not-checkable")
    assert unchecked == [
        ("atlas", "project symphonia-prod", "atlas"),
        ("cloudfront", f"{ids['distribution_id']} monitoring subscription", GLOBAL_METRICS_REGION),
        ("ses", "production access", prod.region),
        ("sms", "SMS sandbox", prod.region),
        ("sms", "SMS sandbox", GLOBAL_METRICS_REGION),
    ]
    texts = {(r["check"], r["subject"]): r["detail"] for r in report["results"]}
    assert "already ours" in texts[("bucket", prod.buckets[0].name)]
    assert texts[("bucket", prod.buckets[1].name)].startswith("the name is free")
    cert_id = ids["network"]["certificate_arn"].rsplit("/", 1)[1]
    assert texts[("certificate", f"{cert_id} names")] == (
        "covers authz.symphonia.fr, tms-sync.symphonia.fr, affretia.symphonia.fr"
        " (dgze8l03lwl5h.cloudfront.net served by AWS's certificate)")


def test_a_certificate_expiring_within_the_alarm_level_fails_alone(moto_endpoint, prod, tmp_path):
    """Issue 10 #15: 10 days left, under the level of the certificate's DaysToExpiry alarm (runbook 000's
    30 days): exit 1, the certificate named with its date and what to do."""
    ids = prepare(moto_endpoint, prod, certificate_days=10.5)
    result = run("--stack-file", str(write_stack_file(tmp_path, ids)), "--endpoint-url", moto_endpoint)
    assert result.exit_code == 1, result.output
    cert_id = ids["network"]["certificate_arn"].rsplit("/", 1)[1]
    level = prod.network.certificate_expiry_days.warning
    (line,) = _fails(result.stdout)
    assert line.startswith(f"FAIL certificate {cert_id} expiry ({prod.region}): expires on ")
    assert f", in 10 days: under {level:g} days" in line
    assert "ACM never renews an imported certificate: import the renewed certificate into the same ARN" in line


def test_a_certificate_valid_for_200_days_passes(moto_endpoint, prod, tmp_path):
    ids = prepare(moto_endpoint, prod, certificate_days=200.5)
    stack_file = write_stack_file(tmp_path, ids)
    result = run("--stack-file", str(stack_file), "--endpoint-url", moto_endpoint, "--format", "json")
    assert result.exit_code == 0, result.output
    cert_id = ids["network"]["certificate_arn"].rsplit("/", 1)[1]
    texts = {(r["check"], r["subject"]): (r["status"], r["detail"]) for r in json.loads(result.stdout)["results"]}
    status, detail = texts[("certificate", f"{cert_id} expiry")]
    assert status == "pass" and ", in 200 days: above " in detail


def test_one_precondition_undone_fails_alone(moto_endpoint, prod, tmp_path):
    """The prepared account with one secret emptied of its value: exactly that line fails."""
    ids = prepare(moto_endpoint, prod)
    stack_file = write_stack_file(tmp_path, ids)
    secrets = boto3.client("secretsmanager", region_name=prod.region, endpoint_url=moto_endpoint)
    name = prod.services[0].secrets["SMTP_PASSWORD"].secrets_manager
    secrets.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    secrets.create_secret(Name=name)  # the container without a value
    result = run("--stack-file", str(stack_file), "--endpoint-url", moto_endpoint)
    assert result.exit_code == 1
    assert _fails(result.stdout) == [
        f"FAIL secret secretsmanager:{name} ({prod.region}): exists but has no value (no AWSCURRENT version;"
        f" read by estate.services[0].secrets.SMTP_PASSWORD); put its value: aws secretsmanager put-secret-value"
        f" --region {prod.region} --secret-id {name} --secret-string file://<file>"
    ]


# --------------------------------------------------------------------------------------------------
# Bad input: exit 2, no traceback
# --------------------------------------------------------------------------------------------------


def test_an_invalid_stack_file_exits_2_with_the_key_paths(tmp_path):
    document = yaml.safe_load(PROD.read_text(encoding="utf-8"))
    estate = document["config"][ESTATE_KEY]
    estate["network"]["vpc_id"] = "vpc-XXXXXXXX"
    estate["alerting"]["sms"]["monthly_spend_limit"] = 0
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = run("--stack-file", str(path), "--endpoint-url", "http://127.0.0.1:9")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == ["estate.alerting.sms.monthly_spend_limit", "estate.network.vpc_id"]
    assert result.stdout == "" and "Traceback" not in result.output


def test_an_unknown_stack_exits_2():
    result = run("--stack", "nosuchstack")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("Pulumi.nosuchstack.yaml: no such stack file")


def test_unreachable_aws_exits_2():
    result = run("--stack", "prod", "--endpoint-url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("cannot reach AWS: Could not connect to the endpoint URL")
    assert "Traceback" not in result.output


def test_no_credentials_exits_2(monkeypatch):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key)
    result = run("--stack", "prod", "--endpoint-url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("cannot reach AWS: Unable to locate credentials")


def test_a_malformed_endpoint_exits_2():
    result = run("--stack", "prod", "--endpoint-url", "not a url")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("--endpoint-url: ")
    assert "Traceback" not in result.output
