"""The offline engine: run the real program under Pulumi's mock runtime and record what it declares.

No Pulumi CLI, no credentials, no state. ``render_stack`` validates a stack file (so a bad
configuration stops before anything is registered), then executes ``infra/__main__.py`` exactly
as the CLI does (``runpy``, cwd at the project root) with the stack's config, under
``pulumi.runtime.set_mocks``. A recording monitor captures every ``RegisterResource`` request -
components and explicit providers included - with the engine's camelCase property names, the way
a policy pack sees them. Fake outputs are deterministic (fixed account, region from config,
identifiers derived from type and name), so identical inputs give a byte-identical ``Render``.

The JSON contract (``Render.to_json``) is documented in docs/offline-engine.md and the README.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import hashlib
import json
import os
import runpy
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from data.config import PROJECT, EstateConfigError, StackFile, estate_from_stack_file, load_stack_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENTRY_POINT = PROJECT_ROOT / "infra" / "__main__.py"

ACCOUNT_ID = "123456789012"
SECRET = "[secret]"
UNKNOWN = "[unknown]"
# What a ``secure:`` config value reads as offline; it is a Pulumi secret, so it renders as "[secret]".
SECURE_PLACEHOLDER = "offline-placeholder-secret"

# Signatures of Pulumi's wire format (pulumi.runtime.rpc), kept here so decoding needs no SDK call.
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
_OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


class RenderError(Exception):
    """The program failed while running under the mock runtime (not a configuration mistake)."""


# --------------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredResource:
    """One resource as the engine received it. ``inputs`` are plain JSON values, camelCase keys."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    protect: bool
    dependencies: list[str]
    inputs: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Render:
    project: str
    stack: str
    resources: list[RegisteredResource]
    # Region of the default provider (``aws:region``), used to report non-default providers.
    region: str | None = None
    # The estate's service names, in declaration order (for the summary; not part of the contract).
    services: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"project": self.project, "stack": self.stack, "resources": [r.to_dict() for r in self.resources]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    # Helpers for tests, policies and the summary.
    def of_type(self, type_token: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.type == type_token]

    def by_urn(self) -> dict[str, RegisteredResource]:
        """URN -> resource (computed once; do not mutate)."""
        return self._index

    @functools.cached_property
    def _index(self) -> dict[str, RegisteredResource]:
        return {r.urn: r for r in self.resources}

    def named(self, name: str, type_token: str | None = None) -> RegisteredResource:
        """The one resource with that logical name (and type); KeyError if none or several."""
        found = [r for r in self.resources if r.name == name and (type_token is None or r.type == type_token)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}" + (f" of type {type_token}" if type_token else ""))
        return found[0]

    def children(self, parent_urn: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.parent == parent_urn]

    def descendants(self, ancestor_urn: str) -> list[RegisteredResource]:
        by_urn = self.by_urn()
        out = []
        for resource in self.resources:
            parent = resource.parent
            while parent is not None and parent in by_urn:
                if parent == ancestor_urn:
                    out.append(resource)
                    break
                parent = by_urn[parent].parent
        return out

    def top_level_component(self, resource: RegisteredResource) -> RegisteredResource | None:
        """The outermost component (child of the stack) containing ``resource``, or None at top level."""
        by_urn = self.by_urn()
        top, current = None, resource
        while current.parent is not None and current.parent in by_urn:
            current = by_urn[current.parent]
            top = current
        return top

    def region_of(self, resource: RegisteredResource) -> str | None:
        """The region a resource is created in: its explicit provider's ``region``, else the default."""
        if resource.provider is not None:
            provider = self.by_urn().get(resource.provider)
            if provider is not None and isinstance(provider.inputs.get("region"), str):
                return provider.inputs["region"]
        return self.region


# --------------------------------------------------------------------------------------------------
# Decoding the wire format into plain JSON values
# --------------------------------------------------------------------------------------------------


def _plain_number(value: float) -> int | float:
    """Protobuf carries every number as a double; integral ones go back to int ("integers stay integers")."""
    if value == value and value not in (float("inf"), float("-inf")) and float(value).is_integer():
        return int(value)
    return value


def _decode_value(value: Any) -> tuple[Any, bool]:
    """A ``struct_pb2.Value`` -> (plain value, is_null)."""
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        s = value.string_value
        return (UNKNOWN if s == _UNKNOWN_VALUE else s), False
    if kind == "number_value":
        return _plain_number(value.number_value), False
    if kind == "bool_value":
        return value.bool_value, False
    if kind == "struct_value":
        return _decode_struct(value.struct_value), False
    if kind == "list_value":
        return [_decode_value(item)[0] for item in value.list_value.values], False
    return None, True


def _decode_struct(struct: Any) -> Any:
    fields = struct.fields
    if _SIG in fields:
        sig = fields[_SIG].string_value
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            return fields["urn"].string_value
        if sig == _OUTPUT_SIG:
            if fields.get("secret") is not None and fields["secret"].bool_value:
                return SECRET
            return _decode_value(fields["value"])[0] if "value" in fields else UNKNOWN
        if sig == _ASSET_SIG:
            return {"asset": {k: _decode_value(v)[0] for k, v in sorted(fields.items()) if k != _SIG}}
        if sig == _ARCHIVE_SIG:
            return {"archive": {k: _decode_value(v)[0] for k, v in sorted(fields.items()) if k != _SIG}}
    out = {}
    for key in sorted(fields):
        if key.startswith("__"):
            continue  # engine-internal (e.g. __defaults); a policy never sees them
        decoded, is_null = _decode_value(fields[key])
        if not is_null:  # the SDK treats null inputs as absent
            out[key] = decoded
    return out


def decode_properties(struct: Any) -> dict[str, Any]:
    """RegisterResource ``object`` -> plain inputs: secrets "[secret]", references as URNs, ints as ints."""
    decoded = _decode_struct(struct)
    return decoded if isinstance(decoded, dict) else {}


def _provider_urn(reference: str) -> str | None:
    """A provider reference is ``<urn>::<id>``; the contract keeps the URN."""
    if not reference:
        return None
    return reference.rsplit("::", 1)[0]


# --------------------------------------------------------------------------------------------------
# Deterministic fake outputs
# --------------------------------------------------------------------------------------------------


def _hex(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:length]


def _service_of(type_token: str) -> str:
    """``aws:cloudwatch/metricAlarm:MetricAlarm`` -> ``cloudwatch``."""
    return type_token.split(":")[1].split("/")[0] if type_token.count(":") >= 2 else "unknown"


@dataclass(frozen=True)
class FakeContext:
    """What an output recipe may use: the resource and where it lives."""

    type: str
    name: str  # logical name
    inputs: Mapping[str, Any]
    region: str

    @property
    def physical(self) -> str:
        """The physical name: the declared name input when there is one, else the logical name."""
        for key in ("name", "bucket", "environmentName", "replicationGroupId", "clusterId", "clusterName",
                    "functionName", "roleName", "topicName", "alarmName", "dashboardName", "domain"):
            value = self.inputs.get(key)
            if isinstance(value, str) and value not in (SECRET, UNKNOWN):
                return value
        return self.name

    def arn(self, resource: str, *, regional: bool = True, account: bool = True, service: str | None = None) -> str:
        return f"arn:aws:{service or _service_of(self.type)}:{self.region if regional else ''}:{ACCOUNT_ID if account else ''}:{resource}"

    def hex(self, length: int = 17) -> str:
        return _hex(self.type, self.name, length=length)


Recipe = Callable[[FakeContext], dict[str, Any]]


def _beanstalk_environment(c: FakeContext) -> dict[str, Any]:
    env = c.physical
    prefix = f"{env}.{c.hex(6)}"
    return {
        "id": f"e-{c.hex(10)}",
        "arn": c.arn(f"environment/{c.inputs.get('application', env)}/{env}"),
        "cname": f"{prefix}.{c.region}.elasticbeanstalk.com",
        "endpointUrl": f"awseb-{c.hex(8)}-{c.hex(10)}.{c.region}.elb.amazonaws.com",
        "autoscalingGroups": [f"awseb-{c.hex(12)}-AWSEBAutoScalingGroup-{c.hex(12).upper()}"],
        "instances": [f"i-{c.hex(17)}"],
        "loadBalancers": [f"app/awseb-{c.hex(10)}/{c.hex(16)}"],
        "launchConfigurations": [],
        "queues": [],
        "triggers": [],
        "allSettings": c.inputs.get("settings", []),
    }


_DIRECTIONS = {"central": "c", "east": "e", "west": "w", "north": "n", "south": "s",
               "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}


def _short_region(region: str) -> str:
    """ElastiCache endpoints carry a short region code: eu-central-1 -> euc1, us-east-1 -> use1."""
    area, direction, number = region.split("-")[0], region.split("-")[1], region.split("-")[-1]
    return f"{area}{_DIRECTIONS.get(direction, direction[:1])}{number}"


def _replication_group(c: FakeContext) -> dict[str, Any]:
    group = c.physical
    return {
        "id": group,
        "arn": c.arn(f"replicationgroup:{group}"),
        "primaryEndpointAddress": f"master.{group}.{c.hex(6)}.{_short_region(c.region)}.cache.amazonaws.com",
        "readerEndpointAddress": f"replica.{group}.{c.hex(6)}.{_short_region(c.region)}.cache.amazonaws.com",
        "memberClusters": [f"{group}-00{i + 1}" for i in range(int(c.inputs.get("numCacheClusters", 1) or 1))],
        "engineVersionActual": f"{c.inputs.get('engineVersion', '7.1')}.0",
    }


def _bucket(c: FakeContext) -> dict[str, Any]:
    bucket = c.physical
    return {
        "id": bucket,
        "bucket": bucket,
        "arn": f"arn:aws:s3:::{bucket}",
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{bucket}.s3.{c.region}.amazonaws.com",
        "hostedZoneId": "Z21DNDUVLTQW6Q",
        "region": c.region,
    }


def _atlas_cluster(c: FakeContext) -> dict[str, Any]:
    host = f"{c.physical.lower()}.{c.hex(5)}.mongodb.net"
    return {
        "id": c.hex(24),
        "clusterId": c.hex(24),
        "stateName": "IDLE",
        "mongoDbVersion": "8.0.4",
        "connectionStrings": [
            {
                "standard": f"mongodb://{c.physical.lower()}-shard-00-00.{c.hex(5)}.mongodb.net:27017",
                "standardSrv": f"mongodb+srv://{host}",
                "private": "",
                "privateSrv": "",
                "privateEndpoints": [],
            }
        ],
        "srvAddress": f"mongodb+srv://{host}",
        "mongoUriWithOptions": f"mongodb+srv://{host}/?retryWrites=true",
    }


def _iam(kind: str) -> Recipe:
    return lambda c: {"id": c.physical, "arn": f"arn:aws:iam::{ACCOUNT_ID}:{kind}/{c.physical}", "uniqueId": "AROA" + c.hex(17).upper()}


# By type token; anything else gets the generic recipe (id, arn, name from type and name).
OUTPUTS: dict[str, Recipe] = {
    "aws:elasticbeanstalk/environment:Environment": _beanstalk_environment,
    "aws:elasticbeanstalk/application:Application": lambda c: {"id": c.physical, "arn": c.arn(f"application/{c.physical}")},
    "aws:elasticbeanstalk/applicationVersion:ApplicationVersion": lambda c: {"id": c.physical, "arn": c.arn(f"applicationversion/{c.inputs.get('application', '')}/{c.physical}")},
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:elasticache/subnetGroup:SubnetGroup": lambda c: {"id": c.physical, "arn": c.arn(f"subnetgroup:{c.physical}")},
    "aws:elasticache/parameterGroup:ParameterGroup": lambda c: {"id": c.physical, "arn": c.arn(f"parametergroup:{c.physical}")},
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:ses/domainIdentity:DomainIdentity": lambda c: {"id": c.physical, "arn": c.arn(f"identity/{c.physical}"), "verificationToken": c.hex(44)},
    "aws:ses/emailIdentity:EmailIdentity": lambda c: {"id": c.inputs.get("email", c.name), "arn": c.arn(f"identity/{c.inputs.get('email', c.name)}")},
    "aws:ses/domainDkim:DomainDkim": lambda c: {"id": c.physical, "dkimTokens": [_hex(c.physical, str(i), length=32) for i in range(3)]},
    "aws:ses/configurationSet:ConfigurationSet": lambda c: {"id": c.physical, "arn": c.arn(f"configuration-set/{c.physical}")},
    "aws:ses/template:Template": lambda c: {"id": c.physical, "arn": c.arn(f"template/{c.physical}")},
    "aws:sesv2/emailIdentity:EmailIdentity": lambda c: {
        "id": c.inputs.get("emailIdentity", c.name),
        "arn": c.arn(f"identity/{c.inputs.get('emailIdentity', c.name)}", service="ses"),
        "identityType": "DOMAIN",
        "verifiedForSendingStatus": True,
        "dkimSigningAttributes": {"tokens": [_hex(c.name, str(i), length=32) for i in range(3)], "status": "SUCCESS"},
    },
    "aws:sesv2/configurationSet:ConfigurationSet": lambda c: {"id": c.inputs.get("configurationSetName", c.name), "arn": c.arn(f"configuration-set/{c.inputs.get('configurationSetName', c.name)}", service="ses")},
    "aws:sns/topic:Topic": lambda c: {"id": c.arn(c.physical), "arn": c.arn(c.physical), "name": c.physical},
    "aws:sns/topicSubscription:TopicSubscription": lambda c: {"id": f"{c.inputs.get('topic', c.arn(c.name))}:{c.hex(8)}-{c.hex(4)}", "arn": f"{c.inputs.get('topic', c.arn(c.name))}:{c.hex(8)}-{c.hex(4)}", "pendingConfirmation": False},
    "aws:cloudwatch/metricAlarm:MetricAlarm": lambda c: {"id": c.physical, "arn": c.arn(f"alarm:{c.physical}")},
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": lambda c: {"id": c.physical, "arn": c.arn(f"alarm:{c.physical}")},
    "aws:cloudwatch/dashboard:Dashboard": lambda c: {"id": c.physical, "dashboardArn": f"arn:aws:cloudwatch::{ACCOUNT_ID}:dashboard/{c.physical}"},
    "aws:cloudwatch/logGroup:LogGroup": lambda c: {"id": c.physical, "arn": c.arn(f"log-group:{c.physical}", service="logs")},
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": lambda c: {"id": c.physical},
    "aws:cloudwatch/eventRule:EventRule": lambda c: {"id": c.physical, "arn": c.arn(f"rule/{c.physical}", service="events")},
    "aws:secretsmanager/secret:Secret": lambda c: {"id": c.arn(f"secret:{c.physical}-{c.hex(6)}"), "arn": c.arn(f"secret:{c.physical}-{c.hex(6)}")},
    "aws:secretsmanager/secretVersion:SecretVersion": lambda c: {"id": f"{c.inputs.get('secretId', c.name)}|{c.hex(8)}", "versionId": c.hex(32), "arn": c.inputs.get("secretId", c.arn(c.name))},
    "aws:ssm/parameter:Parameter": lambda c: {"id": c.physical, "arn": c.arn(f"parameter/{c.physical.lstrip('/')}"), "version": 1},
    "aws:iam/role:Role": _iam("role"),
    "aws:iam/instanceProfile:InstanceProfile": _iam("instance-profile"),
    "aws:iam/policy:Policy": lambda c: {"id": f"arn:aws:iam::{ACCOUNT_ID}:policy/{c.physical}", "arn": f"arn:aws:iam::{ACCOUNT_ID}:policy/{c.physical}", "policyId": "ANPA" + c.hex(17).upper()},
    "aws:iam/user:User": _iam("user"),
    "aws:ec2/securityGroup:SecurityGroup": lambda c: {"id": f"sg-{c.hex(17)}", "arn": c.arn(f"security-group/sg-{c.hex(17)}", service="ec2"), "ownerId": ACCOUNT_ID},
    "aws:kms/key:Key": lambda c: {"id": _uuid(c), "keyId": _uuid(c), "arn": c.arn(f"key/{_uuid(c)}")},
    "aws:kms/alias:Alias": lambda c: {"id": c.physical, "arn": c.arn(c.physical), "targetKeyArn": c.arn(f"key/{_hex(c.name)}", service="kms")},
    "aws:route53/healthCheck:HealthCheck": lambda c: {"id": _uuid(c), "arn": f"arn:aws:route53:::healthcheck/{_uuid(c)}"},
    "aws:budgets/budget:Budget": lambda c: {"id": f"{ACCOUNT_ID}:{c.physical}", "arn": f"arn:aws:budgets::{ACCOUNT_ID}:budget/{c.physical}"},
    "aws:backup/vault:Vault": lambda c: {"id": c.physical, "arn": c.arn(f"backup-vault:{c.physical}")},
    "aws:backup/plan:Plan": lambda c: {"id": _uuid(c), "arn": c.arn(f"backup-plan:{_uuid(c)}"), "version": c.hex(32)},
    "aws:lambda/function:Function": lambda c: {"id": c.physical, "arn": c.arn(f"function:{c.physical}"), "invokeArn": f"arn:aws:apigateway:{c.region}:lambda:path/2015-03-31/functions/{c.arn(f'function:{c.physical}')}/invocations"},
    "mongodbatlas:index/project:Project": lambda c: {"id": c.hex(24), "clusterCount": 1, "created": "2026-01-01T00:00:00Z"},
    "mongodbatlas:index/cluster:Cluster": _atlas_cluster,
    # AdvancedCluster's v2 schema (provider 2.x+) has one connection_strings object, not a list.
    "mongodbatlas:index/advancedCluster:AdvancedCluster": lambda c: {**_atlas_cluster(c), "connectionStrings": _atlas_cluster(c)["connectionStrings"][0]},
    "mongodbatlas:index/cloudProviderAccessSetup:CloudProviderAccessSetup": lambda c: {
        "id": c.hex(24), "roleId": c.hex(24),
        "awsConfigs": [{"atlasAwsAccountArn": "arn:aws:iam::536727724300:root", "atlasAssumedRoleExternalId": _uuid(c)}],
    },
    "mongodbatlas:index/cloudProviderAccessAuthorization:CloudProviderAccessAuthorization": lambda c: {"id": c.hex(24), "roleId": c.inputs.get("roleId", c.hex(24))},
    "mongodbatlas:index/cloudBackupSnapshotExportBucket:CloudBackupSnapshotExportBucket": lambda c: {"id": c.hex(24), "exportBucketId": c.hex(24)},
    "mongodbatlas:index/databaseUser:DatabaseUser": lambda c: {"id": c.hex(24)},
    "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList": lambda c: {"id": c.hex(24)},
    "random:index/randomPassword:RandomPassword": lambda c: {"id": "none", "result": "offline-" + c.hex(int(c.inputs.get("length", 32) or 32) - 8 if int(c.inputs.get("length", 32) or 32) > 8 else 8), "bcryptHash": "$2a$10$" + c.hex(53)},
    "random:index/randomString:RandomString": lambda c: {"id": c.hex(int(c.inputs.get("length", 16) or 16)), "result": c.hex(int(c.inputs.get("length", 16) or 16))},
    "random:index/randomId:RandomId": lambda c: {"id": c.hex(16), "hex": c.hex(16), "b64Url": c.hex(16), "b64Std": c.hex(16), "dec": str(int(c.hex(12), 16))},
    "random:index/randomUuid:RandomUuid": lambda c: {"id": _uuid(c), "result": _uuid(c)},
}


def _uuid(c: FakeContext) -> str:
    h = c.hex(32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _generic(c: FakeContext) -> dict[str, Any]:
    if c.type.startswith("aws:"):
        return {"id": c.physical, "arn": c.arn(f"{c.type.rsplit(':', 1)[-1].lower()}/{c.physical}")}
    return {"id": c.hex(24)}


def fake_outputs(type_token: str, name: str, inputs: Mapping[str, Any], region: str) -> tuple[str, dict[str, Any]]:
    """(id, state) for a new resource: its inputs echoed back plus the computed outputs of its type."""
    if type_token.startswith("pulumi:providers:"):
        return f"{name}-provider-id", dict(inputs)
    context = FakeContext(type_token, name, inputs, region)
    computed = OUTPUTS.get(type_token, _generic)(context)
    state = {**inputs, **computed}
    if "name" not in state and type_token.startswith("aws:"):
        state["name"] = context.physical
    if type_token.startswith("aws:") and "tags" in inputs:
        state.setdefault("tagsAll", inputs["tags"])
    return str(computed.get("id", context.hex())), state


# Invokes (data sources), by token.
def _policy_document(args: Mapping[str, Any]) -> dict[str, Any]:
    statements = []
    for s in args.get("statements") or []:
        statement: dict[str, Any] = {}
        if s.get("sid"):
            statement["Sid"] = s["sid"]
        statement["Effect"] = s.get("effect", "Allow")
        for key, out in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"), ("notResources", "NotResource")):
            if s.get(key):
                statement[out] = s[key][0] if len(s[key]) == 1 else s[key]
        for principal in s.get("principals") or []:
            ids = principal.get("identifiers", [])
            statement.setdefault("Principal", {})[principal.get("type")] = ids[0] if len(ids) == 1 else ids
        for condition in s.get("conditions") or []:
            statement.setdefault("Condition", {}).setdefault(condition.get("test"), {})[condition.get("variable")] = condition.get("values")
        statements.append(statement)
    document = json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
    return {"id": _hex(document, length=10), "json": document, "minifiedJson": document}


INVOKES: dict[str, Callable[[Mapping[str, Any], str], dict[str, Any]]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": lambda a, r: {
        "accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/offline", "userId": "AIDAOFFLINE", "id": ACCOUNT_ID,
    },
    "aws:index/getRegion:getRegion": lambda a, r: {"name": r, "region": r, "id": r, "endpoint": f"ec2.{r}.amazonaws.com", "description": r},
    "aws:index/getPartition:getPartition": lambda a, r: {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"},
    "aws:index/getAvailabilityZones:getAvailabilityZones": lambda a, r: {"names": [f"{r}a", f"{r}b", f"{r}c"], "zoneIds": [f"{r[:2]}c1-az1", f"{r[:2]}c1-az2", f"{r[:2]}c1-az3"], "id": r},
    "aws:iam/getPolicyDocument:getPolicyDocument": lambda a, r: _policy_document(a),
    "aws:secretsmanager/getSecretVersion:getSecretVersion": lambda a, r: {
        "id": f"{a.get('secretId')}|AWSCURRENT", "arn": a.get("secretId"), "secretString": SECURE_PLACEHOLDER, "versionId": _hex(str(a.get("secretId")), length=32), "versionStages": ["AWSCURRENT"],
    },
    "aws:secretsmanager/getSecret:getSecret": lambda a, r: {"id": str(a.get("name")), "arn": f"arn:aws:secretsmanager:{r}:{ACCOUNT_ID}:secret:{a.get('name')}-{_hex(str(a.get('name')), length=6)}", "name": a.get("name")},
    "aws:ssm/getParameter:getParameter": lambda a, r: {
        "id": a.get("name"), "name": a.get("name"), "value": SECURE_PLACEHOLDER, "insecureValue": SECURE_PLACEHOLDER, "type": "SecureString", "version": 1,
        "arn": f"arn:aws:ssm:{r}:{ACCOUNT_ID}:parameter/{str(a.get('name', '')).lstrip('/')}",
    },
    "aws:elasticbeanstalk/getHostedZone:getHostedZone": lambda a, r: {"id": "Z1U9ULNL0V5AJ3", "region": r},
    "aws:elasticbeanstalk/getSolutionStack:getSolutionStack": lambda a, r: {"id": "stack", "name": "64bit Amazon Linux 2023 v6.6.7 running Node.js 22"},
    "aws:elb/getServiceAccount:getServiceAccount": lambda a, r: {"id": "054676820928", "arn": "arn:aws:iam::054676820928:root"},
    "aws:kms/getKey:getKey": lambda a, r: {"id": str(a.get("keyId")), "arn": f"arn:aws:kms:{r}:{ACCOUNT_ID}:key/{_hex(str(a.get('keyId')), length=32)}", "keyId": str(a.get("keyId"))},
}


def fake_invoke(token: str, args: Mapping[str, Any], region: str) -> dict[str, Any]:
    recipe = INVOKES.get(token)
    if recipe is not None:
        return recipe(args, region)
    # Unknown data source: echo the arguments and give a deterministic id.
    return {**args, "id": _hex(token, json.dumps(args, sort_keys=True, default=str), length=16)}


# --------------------------------------------------------------------------------------------------
# The recording monitor
# --------------------------------------------------------------------------------------------------


@functools.cache
def _mock_classes():
    """Imported lazily so ``infra.engine`` stays cheap until something is rendered."""
    import pulumi.runtime.mocks as mocks
    from google.protobuf import struct_pb2
    from pulumi.runtime.proto import resource_pb2

    class EstateMocks(mocks.Mocks):
        def __init__(self, recorder: RecordingMonitor):
            self.recorder = recorder

        def new_resource(self, args):  # used for ReadResource (``X.get``) only
            region = self.recorder.region_for(args.provider or "")
            plain = json.loads(json.dumps(args.inputs, default=str))
            return fake_outputs(args.typ, args.name, plain, region)

        def call(self, args):
            region = self.recorder.region_for(args.provider or "")
            plain = _plain(args.args)
            return fake_invoke(args.token, plain, region), []

    class RecordingMonitor(mocks.MockMonitor):
        """Records every RegisterResource request and answers it with deterministic outputs."""

        def __init__(self, default_region: str, project: str, stack: str):
            super().__init__(EstateMocks(self))
            self.default_region = default_region
            self.project, self.stack = project, stack
            self.lock = threading.Lock()
            self.records: dict[str, RegisteredResource] = {}
            self.duplicates: list[str] = []
            self.provider_regions: dict[str, str] = {}

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            """As the engine builds URNs: the parent's qualified type chain, the root stack excluded.
            (Pulumi's MockMonitor keeps only the parent's last type and includes the stack's.)"""
            if parent:
                parent_type = parent.split("::")[2]
                if parent_type != "pulumi:pulumi:Stack":
                    type_ = f"{parent_type}${type_}"
            return f"urn:pulumi:{self.stack}::{self.project}::{type_}::{name}"

        def region_for(self, provider_reference: str) -> str:
            urn = _provider_urn(provider_reference)
            with self.lock:
                return self.provider_regions.get(urn, self.default_region) if urn else self.default_region

        def RegisterResource(self, request):
            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == "pulumi:pulumi:Stack":
                return resource_pb2.RegisterResourceResponse(urn=urn)
            inputs = decode_properties(request.object)
            provider = _provider_urn(request.provider)
            record = RegisteredResource(
                urn=urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent or None,
                provider=provider,
                protect=bool(request.protect),
                dependencies=sorted(set(request.dependencies)),
                inputs=inputs,
            )
            if request.type == "pulumi:providers:aws" and isinstance(inputs.get("region"), str):
                with self.lock:
                    self.provider_regions[urn] = inputs["region"]
            region = self.region_for(request.provider)
            with self.lock:
                if urn in self.records:
                    self.duplicates.append(urn)
                self.records[urn] = record
            if not request.custom:
                return resource_pb2.RegisterResourceResponse(urn=urn)
            id_, state = fake_outputs(request.type, request.name, inputs, region)
            state_struct = struct_pb2.Struct()
            state_struct.update(_without_markers(state))
            # Only the id is kept for ``getResource``/``ExistsResource``: the state would double memory.
            self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, id_, {})
            return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=state_struct)

    return EstateMocks, RecordingMonitor


def _without_markers(value: Any) -> Any:
    """Outputs echo inputs; "[secret]"/"[unknown]" markers must not flow back as real values."""
    if isinstance(value, dict):
        return {k: _without_markers(v) for k, v in value.items() if v not in (SECRET, UNKNOWN)}
    if isinstance(value, list):
        return [_without_markers(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Invoke arguments as plain JSON-like values (secrets unwrapped: they are only used to derive fakes)."""
    from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

    if is_rpc_secret(value):
        return _plain(unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --------------------------------------------------------------------------------------------------
# Running a program
# --------------------------------------------------------------------------------------------------

_RUN_LOCK = threading.Lock()  # Pulumi's runtime settings are process-global: one render at a time.


@contextlib.contextmanager
def _quiet_gc() -> Iterator[None]:
    """The SDK allocates dozens of Outputs per resource; full collections rescanning them all made
    large renders superlinear. Freeze what exists and pause the collector during the render.
    Measured at 400 services (14.5k resources): 50 s CPU / 1.52 GB with the collector paused,
    56 s / 1.40 GB with young collections only, slower still with it running normally."""
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.unfreeze()


@contextlib.contextmanager
def _no_stack_traces() -> Iterator[None]:
    """The SDK captures a Python stack trace (with source lines) for every registration, for the
    engine's source positions; the mock monitor discards it, and it cost ~15% of a render. Skip it."""
    import pulumi.runtime.resource as sdk_resource

    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:  # another SDK version: nothing to skip
        yield
        return
    from pulumi.runtime.proto import source_pb2

    empty = source_pb2.StackTrace()
    sdk_resource._get_stack_trace = lambda: empty
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def config_for_runtime(stack_file: StackFile, project: str = PROJECT) -> tuple[dict[str, str], list[str]]:
    """Stack-file config as ``set_all_config`` wants it: ``<namespace>:<key>`` -> string (objects as
    JSON), ``secure:`` values replaced by a placeholder and listed as secret keys."""
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in stack_file.config.items():
        full = key if ":" in key else f"{project}:{key}"
        if key in stack_file.secret_keys:
            config[full] = SECURE_PLACEHOLDER
            secret_keys.append(full)
        elif isinstance(value, str):
            config[full] = value
        else:
            config[full] = json.dumps(value)
    return config, sorted(secret_keys)


def render_program(
    program: Callable[[], None],
    *,
    project: str = PROJECT,
    stack: str = "prod",
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | tuple[str, ...] = (),
    quiet_gc: bool = True,
) -> Render:
    """Run ``program`` under the mock runtime and return what it registered.

    ``config`` maps full keys (``aws:region``, ``monitored-estate:estate``) to strings.
    Raises ``EstateConfigError`` for a program that stops on its configuration
    (``pulumi.RunError("invalid stack configuration: ...")``) and ``RenderError`` for any other failure.
    """
    import pulumi
    import pulumi.runtime.settings as settings
    from pulumi.runtime.config import set_all_config

    config = dict(config or {})
    region = config.get("aws:region")
    _, RecordingMonitor = _mock_classes()

    with _RUN_LOCK, _no_stack_traces(), (_quiet_gc() if quiet_gc else contextlib.nullcontext()):
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        monitor = RecordingMonitor(region or "us-east-1", project, stack)
        try:
            settings.ROOT.set(None)  # or the previous run's stack (and exports) would be reused
            set_all_config(config, list(secret_keys))
            pulumi.runtime.set_mocks(monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor)

            @pulumi.runtime.test
            def run() -> None:
                program()

            try:
                run()
            except pulumi.RunError as error:
                raise _registered(_run_error(error), monitor) from None
            except EstateConfigError as error:
                raise _registered(error, monitor)
            except Exception as error:  # the program's own bug: one clear line, the cause chained
                failure = RenderError(f"the program failed under the mock runtime: {type(error).__name__}: {error}")
                raise _registered(failure, monitor) from error
        finally:
            settings.ROOT.set(None)
            set_all_config({}, [])
            asyncio.set_event_loop(None)
            loop.close()

    if monitor.duplicates:
        raise RenderError("duplicate resource URNs (the real engine refuses them): " + ", ".join(sorted(set(monitor.duplicates))))
    resources = [monitor.records[urn] for urn in sorted(monitor.records)]
    return Render(project=project, stack=stack, resources=resources, region=region)


def _registered(error: Exception, monitor: Any) -> Exception:
    """Attach the URNs registered before the failure (``error.registered``): tests prove it is empty
    for configuration mistakes, and it helps to see how far a broken program got."""
    error.registered = sorted(monitor.records)  # type: ignore[attr-defined]
    return error


def _run_error(error: Exception) -> Exception:
    message = str(error)
    head = "invalid stack configuration:"
    if message.startswith(head):
        return EstateConfigError([line for line in message[len(head):].strip().splitlines() if line.strip()])
    return RenderError(message)


def run_entry_point() -> None:
    """What the Pulumi CLI does: execute ``infra/__main__.py`` as ``__main__``."""
    runpy.run_path(str(ENTRY_POINT), run_name="__main__")


def render_stack(stack_file: StackFile | Path | str, *, stack: str | None = None, quiet_gc: bool = True) -> Render:
    """Validate a stack file, then render the real entry point with its config.

    Raises ``EstateConfigError`` (one line per problem) before the mock runtime starts when the
    configuration is invalid: nothing is registered.
    """
    if not isinstance(stack_file, StackFile):
        stack_file = load_stack_file(Path(stack_file), stack)
    estate = estate_from_stack_file(stack_file)  # cheap validation first: nothing registered on a mistake
    config, secret_keys = config_for_runtime(stack_file)
    with _working_directory(PROJECT_ROOT):
        render = render_program(
            run_entry_point, project=PROJECT, stack=stack or stack_file.stack, config=config, secret_keys=secret_keys, quiet_gc=quiet_gc
        )
    return dataclasses.replace(render, services=tuple(service.name for service in estate.services))


def render_estate(raw_estate: Any, *, region: str = "eu-central-1", stack: str = "test", quiet_gc: bool = True) -> Render:
    """Render an estate given as plain data (what ``monitored-estate:estate`` holds), as if it were
    the stack file ``Pulumi.<stack>.yaml`` with ``aws:region: <region>``. For tests and benchmarks."""
    stack_file = StackFile(
        path=PROJECT_ROOT / f"Pulumi.{stack}.yaml",
        stack=stack,
        config={"aws:region": region, f"{PROJECT}:estate": raw_estate},
    )
    return render_stack(stack_file, quiet_gc=quiet_gc)
