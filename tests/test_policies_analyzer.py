"""Differential test: `estate check`'s runner and pulumi_policy's own analyzer agree.

The analyzer servicer is the code `pulumi preview --policy-pack policies` talks to over gRPC
(``pulumi_policy.policy._PolicyAnalyzerServicer``). Here it is called directly, as the engine
calls it: ``Configure`` with the reconciled policy-pack config, ``Analyze`` for every resource,
``AnalyzeStack`` once, with properties encoded as protobuf Structs (numbers become doubles, unknowns
the engine's sentinel). Both must report the same violations, levels, downgrades and exemptions.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from tools.check import estate_policy_config
from data.config import estate_from_stack_file
from policies.rules import ALL_POLICIES, PACK_NAME, PACK_VERSION
from policies.rules.runner import RENDER_UNKNOWN, reconcile_config, run_policies

LEVELS = {
    EnforcementLevel.ADVISORY: proto.ADVISORY, EnforcementLevel.MANDATORY: proto.MANDATORY,
    EnforcementLevel.REMEDIATE: proto.REMEDIATE, EnforcementLevel.DISABLED: proto.DISABLED,
}
LEVEL_NAMES = {proto.ADVISORY: "advisory", proto.MANDATORY: "mandatory", proto.REMEDIATE: "remediate", proto.DISABLED: "disabled"}


def _wire(value):
    if value == RENDER_UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def _struct(value: dict) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(_wire(value))
    return struct


def _options(resource) -> proto.AnalyzerResourceOptions:
    return proto.AnalyzerResourceOptions(protect=resource["protect"], parent=resource["parent"] or "")


def _provider(resource, by_urn, render):
    urn = resource["provider"]
    if urn:
        provider = by_urn[urn]
        return proto.AnalyzerProviderResource(type=provider["type"], properties=_struct(provider["inputs"]), urn=urn, name=provider["name"])
    if resource["type"].startswith("aws:"):  # the engine's default provider for the stack's region
        return proto.AnalyzerProviderResource(
            type="pulumi:providers:aws", properties=_struct({"region": render["region"]}),
            urn=f"urn:pulumi:{render['stack']}::{render['project']}::pulumi:providers:aws::default", name="default",
        )
    return None


def analyze_like_the_engine(render: dict, config: dict) -> tuple[set, set]:
    servicer = _PolicyAnalyzerServicer(PACK_NAME, PACK_VERSION, list(ALL_POLICIES), EnforcementLevel.ADVISORY)
    request = proto.ConfigureAnalyzerRequest()
    for name, (level, props) in reconcile_config(ALL_POLICIES, config).items():
        request.policyConfig[name].CopyFrom(proto.PolicyConfig(enforcementLevel=LEVELS[level], properties=_struct(props)))
    servicer.Configure(request, None)

    by_urn = {r["urn"]: r for r in render["resources"]}
    found, not_applicable = set(), set()

    def collect(response, default_urn):
        for d in response.diagnostics:
            found.add((d.policyName, d.urn or default_urn, d.message, LEVEL_NAMES[d.enforcementLevel]))
        for n in response.not_applicable:
            not_applicable.add((n.policy_name, default_urn, n.reason))

    for resource in render["resources"]:
        analyze = proto.AnalyzeRequest(
            type=resource["type"], properties=_struct(resource["inputs"]), urn=resource["urn"], name=resource["name"],
            options=_options(resource),
        )
        provider = _provider(resource, by_urn, render)
        if provider is not None:
            analyze.provider.CopyFrom(provider)
        collect(servicer.Analyze(analyze, None), resource["urn"])

    stack = proto.AnalyzeStackRequest()
    for resource in render["resources"]:
        item = proto.AnalyzerResource(
            type=resource["type"], properties=_struct(resource["inputs"]), urn=resource["urn"], name=resource["name"],
            options=_options(resource), parent=resource["parent"] or "", dependencies=resource["dependencies"],
        )
        provider = _provider(resource, by_urn, render)
        if provider is not None:
            item.provider.CopyFrom(provider)
        stack.resources.append(item)
    collect(servicer.AnalyzeStack(stack, None), "")
    return found, not_applicable


def run_in_process(render: dict, config: dict) -> tuple[set, set]:
    result = run_policies(render, config=config)
    return (
        {(v.policy, v.urn, v.message, v.enforcement_level) for v in result.violations},
        {(n["policy"], n["urn"], n["reason"]) for n in result.not_applicable},
    )


@pytest.fixture(scope="module")
def prod(prod_render, prod_stack_file):
    render = json.loads(prod_render.to_json())
    render["region"] = prod_render.region
    return render, estate_from_stack_file(prod_stack_file)


def _named(render, type_, part=""):
    return next(r for r in render["resources"] if r["type"] == type_ and part in r["name"])


def test_runner_and_analyzer_agree_on_prod_with_violations_unknowns_and_exemptions(prod):
    render, estate = prod
    render = copy.deepcopy(render)
    entry = _named(render, "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList")
    entry["inputs"]["cidrBlock"] = "0.0.0.0/0"  # exempted below
    second = [r for r in render["resources"] if r["type"] == entry["type"]][1]
    second["inputs"]["cidrBlock"] = "10.0.0.0/8"  # violation (number in the message: /16)
    versioning = _named(render, "aws:s3/bucketVersioning:BucketVersioning", "documents")
    versioning["inputs"]["versioningConfiguration"]["status"] = RENDER_UNKNOWN  # downgrade
    alarm = _named(render, "aws:cloudwatch/metricAlarm:MetricAlarm", "authz-eb-cpu-critical")
    del alarm["inputs"]["okActions"]
    _named(render, "aws:s3/bucket:Bucket", "backups")["protect"] = False
    render["resources"] = [r for r in render["resources"] if r["name"] != _named(render, "aws:ses/domainDkim:DomainDkim")["name"]]

    config = estate_policy_config(estate)
    future = (date.today() + timedelta(days=30)).isoformat()
    config["atlas-access-list-no-world"] = {"exemptions": [{"resource": entry["name"], "reason": "vendor session", "expires": future}]}
    config["estate-exemption-unexpired"] = {"declared": [
        {"policy": "cache-redis-snapshots", "resource": "symphonia-redis-prod", "reason": "old", "expires": "2001-01-01"}]}
    config["storage-bucket-lifecycle"] = "disabled"
    config["all"] = "mandatory"

    engine_violations, engine_not_applicable = analyze_like_the_engine(render, config)
    ours, our_not_applicable = run_in_process(render, config)
    assert ours == engine_violations
    assert our_not_applicable == engine_not_applicable
    assert {v[0] for v in ours} == {
        "atlas-access-list-no-world", "storage-versioning-enabled", "alerting-alarm-actions-notify",
        "estate-stateful-protected", "mail-identity-dkim", "estate-exemption-unexpired",
    }
    assert any(v[0] == "storage-versioning-enabled" and v[3] == "advisory" and "can't run policy" in v[2] for v in ours)
    assert ("atlas-access-list-no-world", entry["urn"], f"exempted until {future}: vendor session") in our_not_applicable


def test_runner_and_analyzer_agree_on_the_unmodified_prod_render(prod):
    render, estate = prod
    config = estate_policy_config(estate)
    assert run_in_process(render, config) == analyze_like_the_engine(render, config) == (set(), set())
