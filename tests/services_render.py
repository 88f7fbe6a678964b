"""A small mock-runtime renderer for the services tests (independent of the engine helper).

``render(estate)`` runs ``declare_estate`` under ``pulumi.runtime.set_mocks`` and returns the
registered resources with their engine-facing (camelCase) inputs, sorted by name.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import rpc

ACCOUNT = "123456789012"


def _plain(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return _plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass
class Resource:
    type: str
    name: str
    inputs: dict
    provider: str | None
    parent: str | None = None


@dataclass
class Render:
    resources: list[Resource] = field(default_factory=list)

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str, type_: str | None = None) -> Resource:
        found = [r for r in self.resources if r.name == name and (type_ is None or r.type == type_)]
        assert len(found) == 1, f"{len(found)} resources named {name}"
        return found[0]

    @property
    def alarms(self) -> dict[str, Resource]:
        return {r.inputs["name"]: r for r in self.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.lock = threading.Lock()
        self.seen: list[Resource] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        inputs = _plain(args.inputs)
        region = "us-east-1" if (args.provider or "").find("us-east-1") >= 0 else "eu-central-1"
        with self.lock:
            self.seen.append(Resource(args.typ, args.name, inputs, args.provider or None))
        outputs = dict(inputs)
        arn_name = inputs.get("name", args.name)
        service = args.typ.split(":")[1].split("/")[0]
        outputs.setdefault("arn", f"arn:aws:{service}:{region}:{ACCOUNT}:{arn_name}")
        if args.typ == "aws:elasticbeanstalk/environment:Environment":
            outputs["autoscalingGroups"] = [f"awseb-{arn_name}-AutoScalingGroup"]
            outputs["cname"] = f"{arn_name}.{region}.elasticbeanstalk.com"
        if args.typ == "aws:ec2/securityGroup:SecurityGroup":
            return f"sg-{args.name}", outputs
        if args.typ == "aws:route53/healthCheck:HealthCheck":
            return f"hc-{args.name}", outputs
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "userId": "mock", "id": ACCOUNT}
        if args.token == "aws:index/getRegion:getRegion":
            return {"name": "eu-central-1", "region": "eu-central-1", "id": "eu-central-1"}
        if args.token == "aws:secretsmanager/getSecretVersion:getSecretVersion":
            return {"secretString": "mock-secret"}
        return {}


def render(estate, declare=None, config: dict | None = None) -> Render:
    """Render ``declare(estate)`` (default: the program's ``declare_estate``) under mocks."""
    from infra.program import declare_estate

    declare = declare or declare_estate
    mocks = _Mocks()
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.settings.ROOT.set(None)
    pulumi.runtime.set_all_config(config or {}, [])
    pulumi.runtime.set_mocks(mocks, project="monitored-estate", stack="test", preview=False)

    @pulumi.runtime.test
    def run():
        declare(estate)

    run()
    return Render(sorted(mocks.seen, key=lambda r: (r.type, r.name)))
