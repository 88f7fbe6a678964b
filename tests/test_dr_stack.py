"""The disaster-recovery stack (``Pulumi.dr.yaml``): same program, eu-west-1, nothing of prod in it.

"Nothing of prod" means: no physical name a prod resource has (buckets and IAM roles are global,
dashboards are per account, us-east-1 alarms and topics are shared by both stacks), no ARN prod's
inputs carry, and no mention of prod's region. The exceptions are deliberate and listed in
``SHARED_WITH_PROD`` with their reason (docs/disaster-recovery.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data.config import estate_from_stack_file, load_stack_file
from infra.engine import render_stack

ROOT = Path(__file__).resolve().parent.parent
DR = ROOT / "Pulumi.dr.yaml"
PROD_REGION = "eu-central-1"
DR_REGION = "eu-west-1"

# Keys that carry a resource's physical name in the engine's (camelCase) inputs.
NAME_KEYS = ("name", "bucket", "environmentName", "application", "replicationGroupId", "clusterName",
             "dashboardName", "roleName", "domain", "projectName", "budgetName", "namePrefix")
# Regional resources whose name is the same in both stacks on purpose: the SES domain (the applications
# send as it) and its template names (the applications send with them). SES identities, templates and
# the alarms named after the domain live in each stack's own region, so they cannot collide.
SHARED_WITH_PROD = {"symphonia.fr", "affretia-invitation"}
SES_FAMILY = re.compile(r"^ses-symphonia-fr-[a-z0-9-]+$")
TOKEN = re.compile(r"[A-Za-z0-9._-]+")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _names(render) -> dict[str, list]:
    found: dict[str, list] = {}
    for resource in render.resources:
        if resource.custom:
            for key in NAME_KEYS:
                value = resource.inputs.get(key)
                if isinstance(value, str):
                    found.setdefault(value, []).append(resource)
    return found


@pytest.fixture(scope="module")
def dr_render():
    return render_stack(DR)


def test_dr_stack_file_validates_and_targets_eu_west_1():
    stack_file = load_stack_file(DR)
    estate = estate_from_stack_file(stack_file)
    assert stack_file.stack == "dr"
    assert estate.region == DR_REGION
    assert estate.environment == "dr"
    assert estate.alerting.topic_prefix != "rt-estate-prod"


def _kept_for_dr(render) -> set[str]:
    """URNs of what prod declares for DR alone (issue 11): its standby buckets and their replication, alarms included."""
    (component,) = render.of_type("monitored-estate:replication:BucketReplication")
    return {r.urn for r in render.descendants(component.urn)}


def test_dr_renders_the_same_families_as_prod(dr_render, prod_render):
    kept = _kept_for_dr(prod_render)

    def families(render):
        # The CloudFront monitoring subscription is prod's alone (review B-3: one owner per distribution). DR's
        # buckets are prod's standbys: DR reads them and declares no S3 resource (issue 11).
        return sorted({r.type for r in render.resources if r.custom and r.urn not in kept and not r.type.startswith("aws:s3/")}
                      - {"aws:cloudfront/monitoringSubscription:MonitoringSubscription"})

    assert families(dr_render) == families(prod_render)
    alarms = "aws:cloudwatch/metricAlarm:MetricAlarm"
    assert len(dr_render.of_type(alarms)) == len([a for a in prod_render.of_type(alarms) if a.urn not in kept])
    regions = {dr_render.region_of(r) for r in dr_render.resources if r.custom and r.type.startswith("aws:")}
    assert regions == {DR_REGION, "us-east-1"}


def test_dr_reads_the_standby_buckets_prod_creates_in_eu_west_1(dr_render, prod_render):
    """prod creates the standbys in the DR region (issue 11); DR reads exactly those and creates no bucket."""
    bucket = "aws:s3/bucket:Bucket"
    estate = estate_from_stack_file(load_stack_file(ROOT / "Pulumi.prod.yaml"))
    standbys = sorted(estate.disaster_recovery.standby_names)
    created = {r.inputs["bucket"]: r for r in prod_render.of_type(bucket) if r.urn in _kept_for_dr(prod_render)}
    assert sorted(created) == standbys
    assert {prod_render.region_of(r) for r in created.values()} == {DR_REGION}
    assert all(r.protect for r in created.values())
    assert dr_render.of_type(bucket) == [] and not [r for r in dr_render.resources if r.type.startswith("aws:s3/")]
    assert sorted(r.inputs["id"] for r in dr_render.reads if r.type == bucket) == standbys
    assert {dr_render.region_of(r) for r in dr_render.reads} == {DR_REGION}
    dr_estate = estate_from_stack_file(load_stack_file(DR))
    assert sorted(b.name for b in dr_estate.buckets if b.standby) == standbys


def _shared_for_dr() -> set[str]:
    """What prod keeps in eu-west-1 for DR and DR uses by name on purpose (issue 11): the standby buckets."""
    estate = estate_from_stack_file(load_stack_file(ROOT / "Pulumi.prod.yaml"))
    return set(estate.disaster_recovery.standby_names)


def _secret_refs(estate) -> list[tuple[str, object]]:
    """(where, SecretRef) of every secret reference of an estate: services, webhook endpoints, Atlas's PagerDuty key."""
    refs = [(f"services[{service.name}].secrets.{key}", ref) for service in estate.services for key, ref in service.secrets.items()]
    refs += [(f"alerting.subscriptions[{sub.name}]", sub.endpoint) for sub in estate.alerting.subscriptions
             if not isinstance(sub.endpoint, str)]
    if estate.atlas is not None and estate.atlas.pagerduty is not None:
        refs.append(("atlas.pagerduty.service_key", estate.atlas.pagerduty.service_key))
    return refs


def _replicated_by_prod(prod_render) -> set[str]:
    """The names of the secrets that exist in eu-west-1 because of prod (issue 11): those prod creates, each with
    a replica there, and those operators create for prod (replicated by operators; estate verify reports them)."""
    created = {s.inputs["name"] for s in prod_render.of_type("aws:secretsmanager/secret:Secret")
               if s.inputs.get("replicas") == [{"region": DR_REGION}]}
    prod = estate_from_stack_file(load_stack_file(ROOT / "Pulumi.prod.yaml"))
    return created | {ref.secrets_manager for _, ref in _secret_refs(prod) if ref.secrets_manager}


def test_dr_reads_prods_secrets_from_their_replicas(prod_render):
    """No manual escrow (issue 11): every secret DR references under prod's names exists in eu-west-1 because prod
    (or its operators) replicate it; DR's own are only the SES SMTP credentials (SES derives them per region)."""
    dr = estate_from_stack_file(load_stack_file(DR))
    replicated = _replicated_by_prod(prod_render)
    prods = {where: ref.secrets_manager for where, ref in _secret_refs(dr) if (ref.secrets_manager or "").startswith("rt-technologie/prod/")}
    assert prods and set(prods.values()) <= replicated
    others = sorted(where for where, ref in _secret_refs(dr) if where not in prods)
    assert others == ["services[authz-eb-dr].secrets.SMTP_PASSWORD", "services[authz-eb-dr].secrets.SMTP_USER"]
    assert {ref.kind for where, ref in _secret_refs(dr) if where in others} == {"secrets_manager"}
    # JWT and session secrets are prod's generated ones: tokens issued by prod stay valid after the switch.
    assert prods["services[authz-eb-dr].secrets.JWT_SECRET"] == "rt-technologie/prod/authz-eb/jwt-secret"


def test_no_prod_name_arn_or_region_leaks_into_dr(dr_render, prod_render):
    prod_names = {name: resources for name, resources in _names(prod_render).items() if name not in _shared_for_dr()}
    dr_names = _names(dr_render)
    # Physical names: a DR name equal to a prod name is a collision, except the deliberate shared ones,
    # which must then live in another region than prod's resource of that name.
    collisions = []
    for name, resources in sorted(dr_names.items()):
        if name not in prod_names:
            continue
        if name in SHARED_WITH_PROD or SES_FAMILY.match(name):
            assert {dr_render.region_of(r) for r in resources} == {DR_REGION}, name
            assert {prod_render.region_of(r) for r in prod_names[name]} == {PROD_REGION}, name
            continue
        collisions.append(name)
    assert collisions == []
    # Inside every input string (JSON dashboard bodies, policies, settings, descriptions): no prod
    # name as a token, no prod ARN, no prod region.
    shared = SHARED_WITH_PROD | {n for n in prod_names if SES_FAMILY.match(n)}
    leaked_names = set(prod_names) - shared
    standby_arns = {f"arn:aws:s3:::{name}" for name in _shared_for_dr()}
    prod_arns = {
        s for r in prod_render.resources for s in _strings(r.inputs)
        if s.startswith("arn:") and not s.startswith("arn:aws:iam::aws:")  # AWS managed policies are nobody's
        and s.split("/*")[0] not in standby_arns  # the standbys DR uses on purpose
    }
    assert prod_arns, "prod's inputs carry ARNs (topics, roles, buckets): the check below is not empty"
    # prod's secrets DR reads from their eu-west-1 replicas are named on purpose (issue 11): taken out of the texts.
    replicated = sorted(_replicated_by_prod(prod_render), key=len, reverse=True)
    leaks = []
    for resource in dr_render.resources:
        if PROD_REGION in resource.urn:
            leaks.append(("urn", resource.urn))
        for text in _strings(resource.inputs):
            for name in replicated:
                text = text.replace(name, "<replica>")
            # Also the short code AWS puts in ElastiCache endpoints (euc1), as REDIS_URL carries it.
            if any(form in text for form in (PROD_REGION, PROD_REGION.upper().replace("-", "_"), ".euc1.")):
                leaks.append(("region", resource.name, text[:80]))
            leaks += [("name", resource.name, token) for token in TOKEN.findall(text) if token in leaked_names]
            leaks += [("arn", resource.name, arn) for arn in prod_arns if arn in text]
    assert leaks == []


def test_leak_check_catches_a_prod_name(prod_render):
    """The check above is able to fail: prod against itself is all leaks."""
    prod_names = _names(prod_render)
    tokens = {t for r in prod_render.resources for s in _strings(r.inputs) for t in TOKEN.findall(s)}
    assert {"symphonia-documents-prod", "authz-eb-prod", "rt-estate-prod-critical"} <= tokens & set(prod_names)


def test_dr_passes_the_policy_pack(dr_render):
    """What `estate check --stack dr` runs: the pack with the DR estate's config, on the DR render."""
    from tools.check import estate_policy_config
    from policies.rules.runner import run_policies

    estate = estate_from_stack_file(load_stack_file(DR))
    result = run_policies(dr_render, config=estate_policy_config(estate), region=estate.region)
    assert result.resources > 200
    assert [v.policy for v in result.violations] == []


def test_dr_mirrors_prod_except_names():
    """Same services, thresholds, scaling, lifecycles, retention... as prod: only strings (names,
    regions, identifiers) may differ. A change to prod's estate that DR lacks fails here."""
    def shape(value):
        if isinstance(value, dict):
            if "secrets" in value:  # DR reads prod's generated secrets from their replicas (issue 11): any reference
                value = {**value, "secrets": dict.fromkeys(value["secrets"], "<secret reference>")}
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shape(item) for item in value]
        return "<text>" if isinstance(value, str) else value

    prod = load_stack_file(ROOT / "Pulumi.prod.yaml").config["monitored-estate:estate"]
    dr = load_stack_file(DR).config["monitored-estate:estate"]
    # The regions whose SMS preferences prod owns are the one list DR names and prod does not (issue 10 #5).
    for estate in (prod, dr):
        estate["alerting"]["sms"].pop("external_regions", None)
    # What prod keeps ready in eu-west-1 for DR is prod's section alone, and DR's buckets are those standbys,
    # with prod's settings by construction (issue 11; test_dr_reads_the_standby_buckets_prod_creates_in_eu_west_1).
    prod.pop("disaster_recovery")
    assert [b["purpose"] for b in dr.pop("buckets")] == [b["purpose"] for b in prod.pop("buckets")]
    assert shape(dr) == shape(prod)


def test_one_stack_owns_each_cloudfront_monitoring_subscription():
    """Review B-3: prod and DR share the account and the distribution; CloudFront allows one subscription."""
    from data.model.cdn import subscription_owners

    estates = {path.name: estate_from_stack_file(load_stack_file(path)) for path in (ROOT / "Pulumi.prod.yaml", DR)}
    assert subscription_owners(estates) == []
