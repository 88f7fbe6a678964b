"""Deterministic fake outputs: what the mock monitor answers for each resource and data source.

Which outputs a type has is a fact of the catalogue (``data.catalogue.resources``, ``outputs``);
the values are inventions of the engine: a fixed account, the region of the resource's provider,
identifiers derived from the type and the logical name, so identical inputs give identical bytes.
Each recipe below returns exactly the outputs the catalogue lists for its token (a test checks).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from infra.engine.wire import SECRET, UNKNOWN

ACCOUNT_ID = "123456789012"
# What a ``secure:`` config value reads as offline; it is a Pulumi secret, so it renders as "[secret]".
SECURE_PLACEHOLDER = "offline-placeholder-secret"


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
    read_id: str | None = None  # the id of an existing resource the program reads (``X.get``)

    @property
    def physical(self) -> str:
        """The physical name: the id read, else the declared name input when there is one, else the logical name."""
        if self.read_id:
            return self.read_id
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
        # An application load balancer is named by its ARN (the CloudWatch dimension is its final portion).
        "loadBalancers": [f"arn:aws:elasticloadbalancing:{c.region}:{ACCOUNT_ID}:loadbalancer/app/awseb-{c.hex(10)}/{c.hex(16)}"],
        "launchConfigurations": [],
        "queues": [],
        "triggers": [],
        "allSettings": c.inputs.get("settings", []),
    }


_DIRECTIONS = {"central": "c", "east": "e", "west": "w", "north": "n", "south": "s",
               "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}


def _short_region(region: str) -> str:
    """ElastiCache endpoints carry a short region code: eu-central-1 -> euc1, eu-west-1 -> euw1."""
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
                "standard": f"mongodb://{c.physical.lower()}-shard-00-00.{c.hex(5)}.mongodb.net:27017/?ssl=true&authSource=admin&replicaSet=atlas-{c.hex(6)}-shard-0",
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
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": lambda c: {"id": str(c.inputs.get("bucket", c.name))},
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
    "aws:sqs/queue:Queue": lambda c: {
        "id": f"https://sqs.{c.region}.amazonaws.com/{ACCOUNT_ID}/{c.physical}",
        "url": f"https://sqs.{c.region}.amazonaws.com/{ACCOUNT_ID}/{c.physical}", "arn": c.arn(c.physical), "name": c.physical},
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": lambda c: {
        "id": f"sgr-{c.hex(17)}", "securityGroupRuleId": f"sgr-{c.hex(17)}", "arn": c.arn(f"security-group-rule/sgr-{c.hex(17)}", service="ec2")},
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
    # AdvancedCluster's v2 schema (provider 2.x+) has one connection_strings object, not a list; each replication
    # spec gets its zone id (snapshot copies name it).
    "mongodbatlas:index/advancedCluster:AdvancedCluster": lambda c: {
        **_atlas_cluster(c), "connectionStrings": _atlas_cluster(c)["connectionStrings"][0],
        "replicationSpecs": [{**spec, "zoneId": _hex(c.name, "zone", str(i), length=24), "id": _hex(c.name, "spec", str(i), length=24)}
                             for i, spec in enumerate(c.inputs.get("replicationSpecs") or [{}])],
    },
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


def fake_outputs(
    type_token: str, name: str, inputs: Mapping[str, Any], region: str, read_id: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """(id, state) for a new resource (its inputs echoed back plus the computed outputs of its type), or
    for an existing one the program reads (``read_id``: the outputs of the resource of that id)."""
    if type_token.startswith("pulumi:providers:"):
        return f"{name}-provider-id", dict(inputs)
    context = FakeContext(type_token, name, inputs, region, read_id)
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


# The newest Node.js stacks on Amazon Linux 2023 when this was written (2026-03-31, the platform history
# page, data.catalogue.beanstalk.PLATFORM_HISTORY_SOURCE): what the lookup would answer for each branch.
CURRENT_PLATFORM_VERSION = "6.10.0"


def _solution_stack(args: Mapping[str, Any]) -> dict[str, Any]:
    """The newest stack matching ``nameRegex`` among the current AL2023 stacks (every catalogued branch); none matching is
    the provider's error ("no matching Elastic Beanstalk solution stack found")."""
    import re

    from data.catalogue.beanstalk import PLATFORM_BRANCHES, PLATFORM_OS

    # Node.js branches are at v6.x, the others at v4.x (a fake: only the shape of the name matters).
    stacks = [f"{PLATFORM_OS} v{CURRENT_PLATFORM_VERSION if b.platform == 'Node.js' else '4.7.1'} running {b.runtime}"
              for b in PLATFORM_BRANCHES.values()]
    pattern = str(args.get("nameRegex") or "")
    found = [stack for stack in stacks if re.search(pattern, stack)]
    if not found:
        raise ValueError(f"no matching Elastic Beanstalk solution stack found for {pattern!r}")
    if len(found) > 1 and not args.get("mostRecent"):
        raise ValueError("several solution stacks match; set most_recent")
    return {"id": found[0], "name": found[0], "nameRegex": pattern, "mostRecent": bool(args.get("mostRecent"))}


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
    "aws:elasticbeanstalk/getSolutionStack:getSolutionStack": lambda a, r: _solution_stack(a),
    "aws:elb/getServiceAccount:getServiceAccount": lambda a, r: {"id": "054676820928", "arn": "arn:aws:iam::054676820928:root"},
    "aws:kms/getKey:getKey": lambda a, r: {"id": str(a.get("keyId")), "arn": f"arn:aws:kms:{r}:{ACCOUNT_ID}:key/{_hex(str(a.get('keyId')), length=32)}", "keyId": str(a.get("keyId"))},
}


def fake_invoke(token: str, args: Mapping[str, Any], region: str) -> dict[str, Any]:
    recipe = INVOKES.get(token)
    if recipe is not None:
        return recipe(args, region)
    # Unknown data source: echo the arguments and give a deterministic id.
    return {**args, "id": _hex(token, json.dumps(args, sort_keys=True, default=str), length=16)}
