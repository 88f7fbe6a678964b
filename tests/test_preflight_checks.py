"""Each preflight check, where it fires and where it passes.

In-process ``mock_aws`` holds the account; ids moto chooses are read back into the estate (built from
prod's stack file data with ``parse_estate``). Where moto has no API for a state (SMS sandbox status,
SESv2 ``GetAccount``, CloudFront monitoring subscriptions, an identity still ``Pending``, HeadBucket's
403), the check is first shown to be not-checkable under moto, then its decision is tested with a
botocore ``Stubber`` answering in AWS's own response shape. The Atlas Admin API is a local HTTP server
(127.0.0.1) speaking digest authentication.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
import yaml
from botocore.stub import Stubber
from moto import mock_aws

from tests.preflight_helpers import JsonApiHandler, local_server, self_signed_certificate
from data.catalogue.regions import GLOBAL_METRICS_REGION, regions_of
from data.config import ESTATE_KEY, REGION_KEY, EstateConfigError, parse_estate
from tools.preflight import CHECKS, FAIL, NOT_CHECKABLE, PASS, Clients, run_preflight
from tools.preflight.certificate import covers
from tools.preflight.platform import Branch, branch_of
from tools.preflight.secrets import secret_refs
from tools.preflight.sms import sms_regions

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
PRIMARY = DOCUMENT["config"][REGION_KEY]


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    for key, value in dict(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing",
        AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_DEFAULT_REGION=PRIMARY,
        AWS_EC2_METADATA_DISABLED="true",
    ).items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def aws():
    with mock_aws():
        yield


def raw() -> dict:
    return copy.deepcopy(DOCUMENT["config"][ESTATE_KEY])


def estate_of(data: dict):
    return parse_estate(data, PRIMARY)


def results(check: str, estate, clients: Clients | None = None, only_env: dict | None = None, **kwargs):
    report = run_preflight(estate, clients or Clients(), stack="prod", only=[check],
                           env=only_env if only_env is not None else {}, **kwargs)
    return report.results


def statuses(found) -> list[tuple[str, str, str]]:
    return [(r.status, r.subject, r.region) for r in found]


def stubbed(service: str, region: str, *answers: tuple[str, dict] | tuple[str, str, int]):
    """A client answering ``answers`` in order: (operation, response) or (operation, error code, HTTP status)."""
    client = boto3.client(service, region_name=region)
    stubber = Stubber(client)
    for answer in answers:
        if len(answer) == 2:
            stubber.add_response(answer[0], answer[1])
        else:
            stubber.add_client_error(answer[0], service_error_code=answer[1], http_status_code=answer[2])
    stubber.activate()
    return client


def test_the_registry_holds_one_check_per_family_in_order():
    assert list(CHECKS) == ["platform", "secret", "sms", "certificate", "network", "bucket", "ses", "atlas", "cloudfront"]


# --------------------------------------------------------------------------------------------------
# platform
# --------------------------------------------------------------------------------------------------


def test_branch_is_the_part_after_running():
    platform = estate_of(raw()).services[0].platform
    assert branch_of(platform) == Branch("64bit Amazon Linux 2023", "Node.js 22")
    # The stack file will name the runtime instead of a version: the same branch.
    assert branch_of(SimpleNamespace(runtime="Node.js 22")) == Branch("64bit Amazon Linux 2023", "Node.js 22")
    branch = Branch("64bit Amazon Linux 2023", "Node.js 22")
    assert branch.matches("64bit Amazon Linux 2023 v6.9.1 running Node.js 22")
    assert not branch.matches("64bit Amazon Linux 2023 v6.9.1 running Node.js 20")
    assert not branch.matches("64bit Amazon Linux 2 v5.11.0 running Node.js 22")


def test_platform_passes_on_the_branch_even_when_the_pinned_version_is_gone(aws):
    # moto lists v6.6.0 of the branch; the stack file names only the runtime: the branch is what counts.
    found = results("platform", estate_of(raw()))
    assert statuses(found) == [(PASS, "'Node.js 22 on 64bit Amazon Linux 2023' (authz-eb, subscriptions-contracts-eb,"
                                      " tms-sync-eb, affret-ia-api-v2)", PRIMARY)]
    assert found[0].detail == "newest solution stack: 64bit Amazon Linux 2023 v6.6.0 running Node.js 22"


def test_platform_fails_when_the_region_has_no_stack_of_the_branch(aws):
    data = raw()
    data["services"][2]["platform"] = {"runtime": "Node.js 24"}
    found = results("platform", estate_of(data))
    assert [(r.status, r.subject) for r in found] == [
        (PASS, "'Node.js 22 on 64bit Amazon Linux 2023' (authz-eb, subscriptions-contracts-eb, affret-ia-api-v2)"),
        (FAIL, "'Node.js 24 on 64bit Amazon Linux 2023' (tms-sync-eb)"),
    ]
    assert "offers: Node.js 18, Node.js 20, Node.js 22" in found[1].detail
    assert found[1].action.startswith("declare a runtime the region offers for tms-sync-eb")


# --------------------------------------------------------------------------------------------------
# secret
# --------------------------------------------------------------------------------------------------


def _one_service_secrets(secrets: dict, cache_token: dict | None = None) -> dict:
    data = raw()
    data["services"][0]["secrets"] = secrets
    for service in data["services"][1:]:
        service.pop("secrets", None)
    data["atlas"].pop("pagerduty", None)  # the Atlas PagerDuty key (issue 10 #12) is another secret reference
    # Only this service's secrets: the webhooks' references (issue 10 #6) are left out.
    for subscription in data["alerting"]["subscriptions"]:
        if subscription["protocol"] == "https":
            subscription["endpoint"] = "https://status.example.com/alerts"
    if cache_token is not None:
        data["cache"]["auth_token"] = cache_token
    return data


def test_secret_refs_are_found_anywhere_in_the_model():
    data = _one_service_secrets({"A": {"secrets_manager": "x/a"}}, cache_token={"ssm": "/x/redis"})
    found = [(path, ref.kind) for path, ref in secret_refs(estate_of(data))]
    assert found == [("estate.services[0].secrets.A", "secrets_manager"), ("estate.cache.auth_token", "ssm")]


def test_secrets_fire_when_missing_empty_or_deleted_and_pass_with_a_value(aws):
    sm = boto3.client("secretsmanager", region_name=PRIMARY)
    sm.create_secret(Name="x/with-value", SecretString="do-not-print-me")
    sm.create_secret(Name="x/empty")
    sm.create_secret(Name="x/deleted", SecretString="do-not-print-me")
    sm.delete_secret(SecretId="x/deleted", RecoveryWindowInDays=7)
    data = _one_service_secrets({
        "OK": {"secrets_manager": "x/with-value"}, "EMPTY": {"secrets_manager": "x/empty"},
        "GONE": {"secrets_manager": "x/deleted"}, "NONE": {"secrets_manager": "x/missing"},
        "AGAIN": {"secrets_manager": "x/with-value"}, "GEN": {"generated": 48},
    })
    found = results("secret", estate_of(data))
    assert [(r.status, r.subject, r.detail.split(" (")[0]) for r in found] == [
        (PASS, "secretsmanager:x/with-value", "exists with a current value"),
        (FAIL, "secretsmanager:x/empty", "exists but has no value"),
        (FAIL, "secretsmanager:x/deleted", "is scheduled for deletion"),
        (FAIL, "secretsmanager:x/missing", "does not exist"),
    ]  # one line per secret however many keys read it; generated ones are the program's
    assert "put-secret-value" in found[1].action and "restore-secret" in found[2].action
    assert "create-secret" in found[3].action
    assert all("do-not-print-me" not in (r.detail + r.action) for r in found)


def test_a_name_that_reads_as_a_partial_arn_is_found_by_its_exact_name(aws):
    """Review B-14: `.../jwt-secret` ends in a hyphen and six characters, like an ARN's random suffix."""
    sm = boto3.client("secretsmanager", region_name=PRIMARY)
    sm.create_secret(Name="x/jwt-secret-longer", SecretString="v")  # a prefix match that is not the secret
    data = _one_service_secrets({"JWT": {"secrets_manager": "x/jwt-secret"}})
    assert [(r.status, r.detail.split(" (")[0]) for r in results("secret", estate_of(data))] == [(FAIL, "does not exist")]
    sm.create_secret(Name="x/jwt-secret", SecretString="v")
    assert [r.status for r in results("secret", estate_of(data))] == [PASS]


def test_ssm_and_config_secrets(aws):
    boto3.client("ssm", region_name=PRIMARY).put_parameter(Name="/x/redis", Value="do-not-print-me", Type="SecureString")
    data = _one_service_secrets({"P": {"ssm": "/x/absent"}, "C": {"config": "chatToken"}, "D": {"config": "setKey"}},
                                cache_token={"ssm": "/x/redis"})
    found = results("secret", estate_of(data), config={"monitored-estate:setKey": {"secure": "v1:abc"}})
    assert [(r.status, r.subject, r.region) for r in found] == [
        (FAIL, "ssm:/x/absent", PRIMARY),
        (FAIL, "config:monitored-estate:chatToken", "stack file"),
        (PASS, "config:monitored-estate:setKey", "stack file"),
        (PASS, "ssm:/x/redis", PRIMARY),
    ]
    assert found[1].action == "set it: pulumi config set --secret --stack prod monitored-estate:chatToken <value>"
    assert found[3].detail == "exists (SecureString, version 1)"
    assert all("do-not-print-me" not in (r.detail + r.action) for r in found)


# --------------------------------------------------------------------------------------------------
# sms
# --------------------------------------------------------------------------------------------------


def test_sms_regions_follow_the_sms_subscribers():
    assert sms_regions(estate_of(raw())) == regions_of(PRIMARY)  # the alert topics exist in both
    data = raw()
    data["alerting"]["subscriptions"] = [s for s in data["alerting"]["subscriptions"] if s["protocol"] != "sms"]
    assert sms_regions(estate_of(data)) == []
    data["mail"]["feedback_subscribers"].append({"name": "mail-sms", "protocol": "sms", "endpoint": "+33612345678",
                                                 "severities": ["warning"]})
    assert sms_regions(estate_of(data)) == [PRIMARY]  # the feedback topic is the primary region's


def test_sms_regions_include_a_teams_sms_subscribers():
    """Issue 12 #6: a team's topics exist in every region with alarms too, and SMS preferences follow its SMS
    subscribers (components/alerting.py), so preflight checks the spend quota there."""
    data = raw()
    data["alerting"]["subscriptions"] = [s for s in data["alerting"]["subscriptions"] if s["protocol"] != "sms"]
    data["alerting"]["teams"] = [{"name": "auth", "services": [data["services"][0]["name"]], "subscriptions": [
        {"name": "auth-sms", "protocol": "sms", "endpoint": "+33612345678", "severities": ["critical"]}]}]
    assert sms_regions(estate_of(data)) == regions_of(PRIMARY)


def test_sms_spend_limit_fires_below_the_estate_figure_and_passes_at_it(aws):
    estate = estate_of(raw())
    boto3.client("sns", region_name=PRIMARY).set_sms_attributes(attributes={"MonthlySpendLimit": "50"})
    boto3.client("sns", region_name=GLOBAL_METRICS_REGION).set_sms_attributes(attributes={"MonthlySpendLimit": "10"})
    found = [r for r in results("sms", estate) if r.subject == "monthly spend limit"]
    assert statuses(found) == [(PASS, "monthly spend limit", PRIMARY), (FAIL, "monthly spend limit", GLOBAL_METRICS_REGION)]
    assert found[1].detail.startswith("10 USD, below the estate's 50 USD")
    assert "support case" in found[1].action and "AWS's default is 1 USD" in found[1].action


def test_sms_spend_limit_unset_is_the_default_quota(aws):
    found = [r for r in results("sms", estate_of(raw())) if r.subject == "monthly spend limit"]
    assert [r.status for r in found] == [FAIL, FAIL]
    assert found[0].detail.startswith("not set (AWS's default quota, 1 USD)")


def test_sms_sandbox_is_not_checkable_under_moto(aws):
    found = [r for r in results("sms", estate_of(raw())) if r.subject == "SMS sandbox"]
    assert [r.status for r in found] == [NOT_CHECKABLE, NOT_CHECKABLE]
    assert "GetSMSSandboxAccountStatus" in found[0].detail


def test_sms_sandbox_fires_in_the_sandbox_and_passes_out_of_it():
    limit = {"attributes": {"MonthlySpendLimit": "50"}}
    clients = Clients(overrides={
        ("sns", PRIMARY): stubbed("sns", PRIMARY, ("get_sms_sandbox_account_status", {"IsInSandbox": True}),
                                  ("get_sms_attributes", limit)),
        ("sns", GLOBAL_METRICS_REGION): stubbed("sns", GLOBAL_METRICS_REGION,
                                                ("get_sms_sandbox_account_status", {"IsInSandbox": False}),
                                                ("get_sms_attributes", limit)),
    })
    found = results("sms", estate_of(raw()), clients)
    assert statuses(found) == [
        (FAIL, "SMS sandbox", PRIMARY), (PASS, "monthly spend limit", PRIMARY),
        (PASS, "SMS sandbox", GLOBAL_METRICS_REGION), (PASS, "monthly spend limit", GLOBAL_METRICS_REGION),
    ]
    assert "only verified phone numbers" in found[0].detail


# --------------------------------------------------------------------------------------------------
# certificate
# --------------------------------------------------------------------------------------------------


def test_covers_follows_wildcard_rules():
    names = ["*.symphonia.fr", "api.example.com"]
    assert covers(names, "authz.symphonia.fr") and covers(names, "API.example.com")
    assert not covers(names, "symphonia.fr")  # a wildcard needs a label
    assert not covers(names, "a.b.symphonia.fr")  # and covers exactly one




def _import_certificate(region: str, common_name: str, sans: list[str]) -> str:
    cert, key = self_signed_certificate(common_name, sans)
    return boto3.client("acm", region_name=region).import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]


def _with_certificate(arn: str) -> dict:
    data = raw()
    data["network"]["certificate_arn"] = arn
    return data


def test_certificate_passes_issued_in_region_covering_the_hosts(aws):
    arn = _import_certificate(PRIMARY, "*.symphonia.fr", ["*.symphonia.fr"])
    found = results("certificate", estate_of(_with_certificate(arn)))
    cert_id = arn.rsplit("/", 1)[1]
    assert statuses(found) == [(PASS, cert_id, PRIMARY), (PASS, f"{cert_id} expiry", PRIMARY), (PASS, f"{cert_id} names", PRIMARY)]


def test_certificate_fires_when_missing(aws):
    found = results("certificate", estate_of(raw()))
    assert [r.status for r in found] == [FAIL]
    assert found[0].detail == f"{raw()['network']['certificate_arn']} does not exist in this account"


def test_certificate_fires_when_it_does_not_cover_a_host(aws):
    arn = _import_certificate(PRIMARY, "authz.symphonia.fr", ["authz.symphonia.fr", "tms-sync.symphonia.fr"])
    found = results("certificate", estate_of(_with_certificate(arn)))
    assert [r.status for r in found] == [PASS, PASS, FAIL]
    assert found[2].detail.startswith("does not cover affretia.symphonia.fr")


def test_certificate_fires_when_not_issued(aws):
    arn = boto3.client("acm", region_name=PRIMARY).request_certificate(
        DomainName="*.symphonia.fr", ValidationMethod="DNS")["CertificateArn"]
    found = results("certificate", estate_of(_with_certificate(arn)))
    assert found[0].status == FAIL and found[0].detail == "status is PENDING_VALIDATION, not ISSUED"


def test_certificate_fires_in_another_region(aws):
    """The stack file's loader refuses such an ARN (issue 12 #11, exit 2); preflight still says so of an
    estate built past it (the model copied with the ARN swapped)."""
    arn = _import_certificate(GLOBAL_METRICS_REGION, "*.symphonia.fr", ["*.symphonia.fr"])
    with pytest.raises(EstateConfigError):
        estate_of(_with_certificate(arn))
    estate = estate_of(raw())
    estate = estate.model_copy(update={"network": estate.network.model_copy(update={"certificate_arn": arn})})
    found = results("certificate", estate)
    assert found[0].status == FAIL and found[0].region == GLOBAL_METRICS_REGION
    assert found[0].detail.startswith(f"is in {GLOBAL_METRICS_REGION}; the environments' load balancers are in {PRIMARY}")


def test_certificate_expiry_uses_the_level_of_the_alarms(aws):
    """The level is the estate's network.certificate_expiry_days (what the alarms are built from), not a
    second figure: 40 days left passes at the default level and fails once the alarms watch at 45."""
    cert, key = self_signed_certificate("*.symphonia.fr", ["*.symphonia.fr"], valid_days=40.5)
    arn = boto3.client("acm", region_name=PRIMARY).import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
    data = _with_certificate(arn)
    expiry = f"{arn.rsplit('/', 1)[1]} expiry"
    found = {r.subject: r for r in results("certificate", estate_of(data))}
    assert found[expiry].status == PASS and found[expiry].detail.endswith("in 40 days: above 30 days")
    data["network"]["certificate_expiry_days"] = {"warning": 45, "critical": 7, "direction": "below"}
    found = {r.subject: r for r in results("certificate", estate_of(data))}
    assert found[expiry].status == FAIL and "in 40 days: under 45 days, the level of its DaysToExpiry alarm" in found[expiry].detail


def _distribution_with(name: str, viewer_certificate: dict) -> str:
    cloudfront = boto3.client("cloudfront", region_name=GLOBAL_METRICS_REGION)
    for attempt in range(400):  # the model wants an id starting with E; moto draws the first letter
        distribution_id = cloudfront.create_distribution(DistributionConfig={
            "CallerReference": f"{name}-{attempt}", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "authz.symphonia.fr", "CustomOriginConfig": {
                "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
            "ViewerCertificate": viewer_certificate,
        })["Distribution"]["Id"]
        if distribution_id.startswith("E"):
            return distribution_id
    raise AssertionError("moto never drew a distribution id starting with E")


def test_the_cloudfront_certificate_is_checked_in_us_east_1(aws):
    """Runbook 000 asks for the CloudFront certificates: the distribution's ACM certificate, in us-east-1."""
    cert, key = self_signed_certificate("*.symphonia.fr", ["*.symphonia.fr"], valid_days=10.5)
    arn = boto3.client("acm", region_name=GLOBAL_METRICS_REGION).import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
    with_acm = _distribution_with("acm", {"ACMCertificateArn": arn, "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"})
    default = _distribution_with("default", {"CloudFrontDefaultCertificate": True})
    data = raw()
    data["network"]["certificate_expiry_days"] = None  # alarms off: the level is the model's default, still 30
    data["cdn"] = [{**data["cdn"][0], "name": "with-acm", "distribution_id": with_acm},
                   {**data["cdn"][0], "name": "default", "distribution_id": default}]
    found = [r for r in results("certificate", estate_of(data)) if r.region == GLOBAL_METRICS_REGION]
    assert statuses(found) == [(PASS, f"{with_acm} certificate", GLOBAL_METRICS_REGION),
                               (FAIL, f"{with_acm} certificate expiry", GLOBAL_METRICS_REGION),
                               (PASS, f"{default} certificate", GLOBAL_METRICS_REGION)]
    assert "in 10 days: under 30 days" in found[1].detail and "import-certificate" in found[1].action
    assert found[2].detail == "CloudFront's default certificate (*.cloudfront.net), renewed by AWS"


# --------------------------------------------------------------------------------------------------
# network (and the NAT addresses the atlas check reads)
# --------------------------------------------------------------------------------------------------


def _network(private_via: str = "nat") -> tuple[dict, list[str]]:
    """A VPC like prod's; private subnets route 0.0.0.0/0 via ``nat``, ``igw`` or nothing (``none``)."""
    ec2 = boto3.client("ec2", region_name=PRIMARY)
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24")["Subnet"]["SubnetId"] for i in (1, 2)]
    private = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24")["Subnet"]["SubnetId"] for i in (101, 102)]
    public_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ips = []
    for subnet in public:
        ec2.associate_route_table(RouteTableId=public_table, SubnetId=subnet)
    eip = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=eip["AllocationId"])["NatGateway"]["NatGatewayId"]
    ips.append(eip["PublicIp"])
    private_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    if private_via == "nat":
        ec2.create_route(RouteTableId=private_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    elif private_via == "igw":
        ec2.create_route(RouteTableId=private_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet in private:
        ec2.associate_route_table(RouteTableId=private_table, SubnetId=subnet)
    data = raw()
    data["network"].update(vpc_id=vpc, public_subnet_ids=public, private_subnet_ids=private)
    return data, ips


def test_network_passes_with_nat_routes(aws):
    data, _ = _network("nat")
    found = results("network", estate_of(data))
    assert [r.status for r in found] == [PASS] * 5
    assert found[-1].detail.startswith("private, 0.0.0.0/0 via nat-")


@pytest.mark.parametrize("via, why", [("igw", "(0.0.0.0/0 goes to igw-"), ("none", "NAT gateway")])
def test_network_fires_when_a_private_subnet_bypasses_the_nat(aws, via, why):
    data, _ = _network(via)
    found = results("network", estate_of(data))
    assert [r.status for r in found] == [PASS, PASS, PASS, FAIL, FAIL]
    assert found[3].detail.startswith("the private subnet does not route 0.0.0.0/0 through a NAT gateway")
    assert why in found[3].detail


def test_network_fires_for_a_subnet_of_another_vpc_and_a_missing_vpc(aws):
    data, _ = _network("nat")
    other_vpc = boto3.client("ec2", region_name=PRIMARY).create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    stray = boto3.client("ec2", region_name=PRIMARY).create_subnet(VpcId=other_vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    data["network"]["private_subnet_ids"][1] = stray
    found = results("network", estate_of(data))
    assert (FAIL, stray) in [(r.status, r.subject) for r in found]
    assert found[-1].detail == f"the private subnet is in {other_vpc}, not in {data['network']['vpc_id']}"
    found = results("network", estate_of(raw()))  # prod's ids: nothing exists
    assert [r.status for r in found] == [FAIL] * 5


# --------------------------------------------------------------------------------------------------
# bucket
# --------------------------------------------------------------------------------------------------


def test_buckets_free_ours_and_someone_elses(aws, monkeypatch):
    data = raw()
    names = [b["name"] for b in data["buckets"]]
    s3 = boto3.client("s3", region_name=PRIMARY)
    s3.create_bucket(Bucket=names[0], CreateBucketConfiguration={"LocationConstraint": PRIMARY})
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111111111111")  # another account creates the second name
    boto3.client("s3", region_name=PRIMARY).create_bucket(Bucket=names[1], CreateBucketConfiguration={"LocationConstraint": PRIMARY})
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    boto3.client("s3", region_name="eu-west-1").create_bucket(
        Bucket=names[2], CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    found = results("bucket", estate_of(data))
    standbys = [*(r["standby"] for r in data["disaster_recovery"]["buckets"]), data["disaster_recovery"]["standby_logs"]]
    assert [(r.status, r.subject, r.region) for r in found] == [
        (PASS, names[0], PRIMARY), (FAIL, names[1], PRIMARY), (FAIL, names[2], PRIMARY), (PASS, names[3], PRIMARY),
        *[(PASS, name, "eu-west-1") for name in standbys]]  # the standbys prod creates in the DR region: free
    assert found[0].detail.startswith("already ours")
    assert found[1].detail.endswith("exists and is not in this account's ListBuckets: another account owns it")
    assert found[2].detail == f"is ours but in eu-west-1; the estate's buckets are in {PRIMARY}"
    assert found[3].detail.startswith("the name is free")


def test_a_bucket_answering_403_belongs_to_another_account():
    data = raw()
    data.pop("disaster_recovery")  # its standbys are probed in eu-west-1: not stubbed here
    clients = Clients(overrides={("s3", PRIMARY): stubbed(
        "s3", PRIMARY, ("head_bucket", "403", 403), *[("head_bucket", "404", 404)] * 3)})
    found = results("bucket", estate_of(data), clients)
    assert [r.status for r in found] == [FAIL, PASS, PASS, PASS]
    assert found[0].detail == "the name is taken: the bucket belongs to another account (HeadBucket: 403)"
    assert found[0].action == "choose another name under buckets[].name (S3 names are global)"


def test_the_dr_stack_fails_while_a_standby_it_reads_does_not_exist(aws):
    """The DR stack reads its standbys (``standby: true``) with ``Bucket.get``: a missing one is not "free",
    it is a failed precondition (prod's replication creates it), and an existing one passes."""
    from data.config import load_stack_file, estate_from_stack_file

    dr = estate_from_stack_file(load_stack_file(ROOT / "Pulumi.dr.yaml"))
    standby = [b.name for b in dr.buckets if b.standby]
    assert standby
    boto3.client("s3", region_name="eu-west-1").create_bucket(
        Bucket=standby[0], CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    found = {r.subject: r for r in run_preflight(dr, Clients(), stack="dr", only=["bucket"], env={}).results}
    assert found[standby[0]].status == PASS and "the standby exists" in found[standby[0]].detail
    for name in standby[1:]:
        assert found[name].status == FAIL and "the standby bucket does not exist" in found[name].detail
        assert "`pulumi up` on the primary stack" in found[name].action


# --------------------------------------------------------------------------------------------------
# ses
# --------------------------------------------------------------------------------------------------


def test_ses_identity_absent_or_verified_passes_and_production_access_is_not_checkable_under_moto(aws):
    found = results("ses", estate_of(raw()))
    assert statuses(found) == [(PASS, "symphonia.fr", PRIMARY), (NOT_CHECKABLE, "production access", PRIMARY)]
    assert found[0].detail.startswith("no identity yet: `pulumi up` creates it")
    boto3.client("ses", region_name=PRIMARY).verify_domain_identity(Domain="symphonia.fr")
    assert results("ses", estate_of(raw()))[0].detail == "identity verified"


@pytest.mark.parametrize("identity, production, expected", [
    ("Pending", False, [FAIL, FAIL]),
    ("Success", True, [PASS, PASS]),
])
def test_ses_fires_on_a_pending_identity_and_the_sandbox(identity, production, expected):
    clients = Clients(overrides={
        ("ses", PRIMARY): stubbed("ses", PRIMARY, ("get_identity_verification_attributes", {
            "VerificationAttributes": {"symphonia.fr": {"VerificationStatus": identity, "VerificationToken": "t"}}})),
        ("sesv2", PRIMARY): stubbed("sesv2", PRIMARY, ("get_account", {"ProductionAccessEnabled": production})),
    })
    found = results("ses", estate_of(raw()), clients)
    assert [r.status for r in found] == expected
    if identity == "Pending":
        assert found[0].detail == "the identity is not verified (Pending)"
        assert found[1].detail.startswith("the account is in the SES sandbox")


# --------------------------------------------------------------------------------------------------
# atlas
# --------------------------------------------------------------------------------------------------


def test_atlas_declared_list_fires_without_the_nat_address_and_passes_with_it(aws):
    data, ips = _network("nat")
    found = results("atlas", estate_of(data), only_env={})
    assert [(r.status, r.subject) for r in found] == [(FAIL, "atlas.access_list"), (NOT_CHECKABLE, "project symphonia-prod")]
    assert found[0].action.startswith(f"add {{cidr: {ips[0]}/32, comment: NAT gateway nat-")
    assert found[1].detail == "not checkable: the Atlas Admin API keys are not given"
    data["atlas"]["access_list"].append({"cidr": f"{ips[0]}/32", "comment": "NAT gateway a"})
    found = results("atlas", estate_of(data), only_env={})
    assert found[0].status == PASS and found[0].detail == f"contains {ips[0]}"


def test_atlas_without_a_nat_route_is_not_checkable(aws):
    data, _ = _network("none")
    found = results("atlas", estate_of(data), only_env={})
    assert found[0].status == NOT_CHECKABLE and "NAT gateways' addresses are unknown" in found[0].detail


class FakeAtlas(JsonApiHandler):
    """The two Admin API v2 routes preflight reads, behind HTTP digest authentication."""

    public, private, realm, nonce = "pubkey", "privkey", "MMS Public API", "abc123"
    projects: dict[str, dict] = {}

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Digest "):
            return False
        fields = dict(part.strip().split("=", 1) for part in header[7:].split(","))
        fields = {k: v.strip('"') for k, v in fields.items()}
        ha1 = hashlib.md5(f"{self.public}:{self.realm}:{self.private}".encode()).hexdigest()
        ha2 = hashlib.md5(f"GET:{fields['uri']}".encode()).hexdigest()
        expected = hashlib.md5(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:{fields['qop']}:{ha2}".encode()).hexdigest()
        return fields.get("username") == self.public and fields.get("response") == expected

    def do_GET(self):  # noqa: N802
        if not self._authorised():
            self.send_response(401)
            self.send_header("WWW-Authenticate", f'Digest realm="{self.realm}", qop="auth", nonce="{self.nonce}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path = self.path.split("?")[0]
        if path.startswith("/api/atlas/v2/groups/byName/"):
            name = path.rsplit("/", 1)[1]
            if name in self.projects:
                return self._send(200, {"id": self.projects[name]["id"], "name": name})
            return self._send(404, {"errorCode": "GROUP_NAME_NOT_FOUND"})
        for project in self.projects.values():
            if path == f"/api/atlas/v2/groups/{project['id']}/accessList":
                return self._send(200, {"results": project["entries"], "totalCount": len(project["entries"])})
        self._send(404, {"errorCode": "RESOURCE_NOT_FOUND"})


@pytest.fixture
def fake_atlas():
    FakeAtlas.projects = {}
    with local_server(FakeAtlas) as base:
        yield base


def _atlas_env(base: str, private: str = "privkey") -> dict:
    return {"MONGODB_ATLAS_PUBLIC_KEY": "pubkey", "MONGODB_ATLAS_PRIVATE_KEY": private, "MONGODB_ATLAS_BASE_URL": base}


def test_atlas_live_access_list(aws, fake_atlas):
    data, ips = _network("nat")
    data["atlas"]["access_list"].append({"cidr": f"{ips[0]}/32", "comment": "NAT gateway a"})
    estate = estate_of(data)

    def live():
        return [r for r in results("atlas", estate, only_env=_atlas_env(fake_atlas)) if r.subject == "project symphonia-prod"][0]

    assert (live().status, live().detail) == (PASS, "the project does not exist yet: `pulumi up` creates it with atlas.access_list")
    FakeAtlas.projects["symphonia-prod"] = {"id": "5f0c1a2b3c4d5e6f7a8b9c0e", "entries": [{"cidrBlock": "203.0.113.10/32"}]}
    lacking = live()
    assert lacking.status == FAIL and lacking.detail.startswith(f"the live access list lacks {ips[0]} (nat-")
    FakeAtlas.projects["symphonia-prod"]["entries"].append({"ipAddress": ips[0]})
    assert (live().status, live().detail) == (PASS, f"the live access list contains {ips[0]}")
    refused = [r for r in results("atlas", estate, only_env=_atlas_env(fake_atlas, private="wrong")) if r.region == "atlas"][0]
    assert refused.status == NOT_CHECKABLE and refused.detail.startswith("the Atlas Admin API answered 401")


# --------------------------------------------------------------------------------------------------
# cloudfront
# --------------------------------------------------------------------------------------------------


def test_cloudfront_fires_for_a_missing_distribution(aws):
    found = results("cloudfront", estate_of(raw()))
    assert statuses(found) == [(FAIL, "E8GKHGYOIP84", GLOBAL_METRICS_REGION)]


def test_cloudfront_subscription(tmp_path):
    (tmp_path / "Pulumi.dr.yaml").write_text("distribution_id: E8GKHGYOIP84\n", encoding="utf-8")
    (tmp_path / "Pulumi.prod.yaml").write_text("distribution_id: E8GKHGYOIP84\n", encoding="utf-8")

    def run_with(*answers):
        clients = Clients(overrides={("cloudfront", GLOBAL_METRICS_REGION): stubbed("cloudfront", GLOBAL_METRICS_REGION, *answers)})
        return results("cloudfront", estate_of(raw()), clients, project_dir=tmp_path)

    distribution = ("get_distribution", {"Distribution": {"Id": "E8GKHGYOIP84", "ARN": "arn", "Status": "Deployed",
        "LastModifiedTime": "2026-01-01T00:00:00Z", "InProgressInvalidationBatches": 0, "DomainName": "d.cloudfront.net",
        "ActiveTrustedSigners": {"Enabled": False, "Quantity": 0}, "DistributionConfig": {
            "CallerReference": "x", "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "authz.symphonia.fr"}]}, "DefaultCacheBehavior": {
                "TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all"}, "Comment": "", "Enabled": True}}})
    found = run_with(distribution, ("get_monitoring_subscription", "NoSuchMonitoringSubscription", 404))
    assert [(r.status, r.subject) for r in found] == [(PASS, "E8GKHGYOIP84"), (PASS, "E8GKHGYOIP84 monitoring subscription")]
    found = run_with(distribution, ("get_monitoring_subscription", {"MonitoringSubscription": {
        "RealtimeMetricsSubscriptionConfig": {"RealtimeMetricsSubscriptionStatus": "Enabled"}}}))
    assert found[1].status == NOT_CHECKABLE
    assert found[1].detail == ("a monitoring subscription exists; also declared by stack dr (Pulumi.dr.yaml):"
                               " only one stack can hold it (review B-3)")


# --------------------------------------------------------------------------------------------------
# Answers no check expects
# --------------------------------------------------------------------------------------------------


def test_a_refused_permission_is_not_checkable_never_a_pass():
    data = _one_service_secrets({"A": {"secrets_manager": "x/a"}})
    clients = Clients(overrides={("secretsmanager", PRIMARY): stubbed(
        "secretsmanager", PRIMARY, ("describe_secret", "AccessDeniedException", 400))})
    found = results("secret", estate_of(data), clients)
    assert statuses(found) == [(NOT_CHECKABLE, "secretsmanager:x/a", PRIMARY)]
    assert found[0].detail == "DescribeSecret/ListSecrets: the API cannot answer here (AccessDeniedException 400)"


def test_an_unexpected_aws_error_makes_the_whole_check_not_checkable():
    clients = Clients(overrides={("elasticbeanstalk", PRIMARY): stubbed(
        "elasticbeanstalk", PRIMARY, ("list_available_solution_stacks", "Throttling", 400))})
    found = results("platform", estate_of(raw()), clients)
    assert statuses(found) == [(NOT_CHECKABLE, "(whole check)", PRIMARY)]
    assert found[0].detail.startswith("AWS answered Throttling")
