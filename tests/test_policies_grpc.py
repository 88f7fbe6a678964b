"""The pack as the Pulumi CLI runs it: Pulumi's Python policy host (``python -m pulumi.policy``)
runs ``policies/`` in a subprocess, ``PolicyPack`` serves the analyzer over gRPC and prints its
port; this test speaks to it as the engine does (GetAnalyzerInfo, Configure, Analyze, AnalyzeStack).
The CLI itself is not installable here; everything after it is the real thing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as proto
from pulumi.runtime.proto import analyzer_pb2_grpc

from policies.rules import ALL_POLICIES, PACK_NAME

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUCKET = "urn:pulumi:prod::monitored-estate::aws:s3/bucket:Bucket::documents"
VERSIONING = "urn:pulumi:prod::monitored-estate::aws:s3/bucketVersioning:BucketVersioning::documents-versioning"


@pytest.fixture(scope="module")
def analyzer():
    host = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:0", str(PROJECT_ROOT / "policies")],
        cwd=PROJECT_ROOT / "policies", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        port = host.stdout.readline().strip()
        assert port.isdigit(), f"no port printed; stderr: {host.stderr.read() if host.poll() is not None else ''}"
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        host.terminate()
        host.wait(timeout=10)


def _struct(value: dict) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def test_the_served_pack_describes_every_rule_with_its_level_and_schema(analyzer):
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == PACK_NAME
    served = {p.name: p for p in info.policies}
    assert list(served) == [p.name for p in ALL_POLICIES]
    levels = {"advisory": proto.ADVISORY, "mandatory": proto.MANDATORY}
    for policy in ALL_POLICIES:
        assert served[policy.name].enforcementLevel == levels[policy.enforcement_level.value]
        assert "exemptions" in served[policy.name].configSchema.properties
        assert served[policy.name].remediation_steps == policy.remediation_steps


def test_the_served_pack_judges_honours_exemptions_and_levels(analyzer):
    config = proto.ConfigureAnalyzerRequest()
    for policy in ALL_POLICIES:
        config.policyConfig[policy.name].CopyFrom(proto.PolicyConfig(
            enforcementLevel=proto.MANDATORY if policy.enforcement_level.value == "mandatory" else proto.ADVISORY))
    config.policyConfig["storage-bucket-lifecycle"].CopyFrom(proto.PolicyConfig(
        enforcementLevel=proto.ADVISORY,
        properties=_struct({"exemptions": [{"resource": "documents", "reason": "moving to the archive", "expires": "2999-12-31"}]})))
    analyzer.Configure(config)

    suspended = proto.AnalyzeRequest(
        type="aws:s3/bucketVersioning:BucketVersioning", urn=VERSIONING, name="documents-versioning",
        properties=_struct({"bucket": "documents", "versioningConfiguration": {"status": "Suspended"}}),
        options=proto.AnalyzerResourceOptions(),
    )
    [diagnostic] = analyzer.Analyze(suspended).diagnostics
    assert diagnostic.policyName == "storage-versioning-enabled"
    assert diagnostic.enforcementLevel == proto.MANDATORY
    assert diagnostic.message.startswith(next(p.description for p in ALL_POLICIES if p.name == diagnostic.policyName) + "\n")

    stack = proto.AnalyzeStackRequest(resources=[
        proto.AnalyzerResource(type="aws:s3/bucket:Bucket", urn=BUCKET, name="documents", properties=_struct({"bucket": "docs"}),
                               options=proto.AnalyzerResourceOptions(protect=True)),
        proto.AnalyzerResource(type=suspended.type, urn=VERSIONING, name=suspended.name, properties=suspended.properties,
                               options=proto.AnalyzerResourceOptions(), dependencies=[BUCKET]),
    ])
    reported = {(d.policyName, d.urn) for d in analyzer.AnalyzeStack(stack).diagnostics}
    assert ("storage-bucket-encryption", BUCKET) in reported
    assert ("storage-bucket-versioning", BUCKET) not in reported  # its versioning exists
    assert ("storage-bucket-lifecycle", BUCKET) not in reported  # exempted through the policy-pack config
    assert ("cost-budget-notifications", "") in reported
