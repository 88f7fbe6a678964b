"""The index job (issue 10 #1): the function that applies the declared indexes from inside the VPC,
behind the NAT whose addresses are in the Atlas access list. Its handler against mongomock (create,
update with pulumi-aws's CRUD lifecycle input, delete that never drops), its archive (deterministic,
pure Python), and its declaration on the prod render."""

from __future__ import annotations

import json
import zipfile

import mongomock

from components.atlas import index_handler
from components.mongo_indexes import index_spec
from data.model import AtlasCollection

ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rt-technologie/prod/tms-sync-eb/mongodb-uri-AbCdEf"
URI = "mongodb+srv://svc:pw@cluster.example.mongodb.net/symphonia?retryWrites=true&w=majority"


class _Server:
    def __init__(self):
        self.client = mongomock.MongoClient()
        self.opened: list[str] = []

    def factory(self, uri):
        self.opened.append(uri)
        server = self.client

        class Client:
            def __getitem__(self, name):
                return server[name]

            def close(self):
                pass

        return Client()


def event(indexes, action="create", prev=None, collection="monitoring_logs"):
    spec = [index_spec(i) for i in AtlasCollection(database="symphonia", name=collection, indexes=indexes).indexes]
    return {"uriSecretArn": ARN, "database": "symphonia", "collection": collection, "indexes": spec,
            "tf": {"action": action, "prev_input": prev}}


def run(server, payload):
    secrets = {ARN: URI}
    # The payload crosses JSON (the Invocation's input): numbers may come back as floats.
    return index_handler.handle(json.loads(json.dumps(payload)), read_secret=secrets.__getitem__, client_factory=server.factory)


def live(server, collection="monitoring_logs"):
    return {name: info for name, info in server.client["symphonia"][collection].index_information().items()}


LOGS = [{"keys": {"level": 1}}, {"keys": {"alertTriggered": 1}, "sparse": True}, {"keys": {"timestamp": 1}, "expire_after_seconds": 2592000}]


def test_create_applies_every_index_with_the_uri_read_from_the_secret():
    server = _Server()
    result = run(server, event(LOGS))
    assert server.opened == [URI]
    assert set(live(server)) == {"_id_", "level_1", "alertTriggered_1", "timestamp_1"}
    assert live(server)["timestamp_1"]["expireAfterSeconds"] == 2592000
    assert result["indexNames"] == ["alertTriggered_1", "level_1", "timestamp_1"]


def test_update_drops_what_the_previous_input_declared_only():
    server = _Server()
    first = event(LOGS)
    run(server, first)
    server.client["symphonia"]["monitoring_logs"].create_index([("manual", 1)], name="manual_1")
    changed = event([LOGS[0], {"keys": {"timestamp": 1}, "expire_after_seconds": 86400}], action="update",
                    prev={k: v for k, v in first.items() if k != "tf"})
    result = run(server, changed)
    indexes = live(server)
    assert set(indexes) == {"_id_", "level_1", "timestamp_1", "manual_1"}
    assert indexes["timestamp_1"]["expireAfterSeconds"] == 86400
    assert "drop alertTriggered_1" in result["actions"]


def test_delete_never_drops_and_never_connects():
    server = _Server()
    run(server, event(LOGS))
    before = live(server)
    opened = list(server.opened)
    result = run(server, event(LOGS, action="delete", prev=None))
    assert live(server) == before and server.opened == opened and result["actions"] == []


def test_a_new_user_is_retried_inside_the_job():
    import pymongo.errors

    server = _Server()
    failures = {"left": 2}

    def flaky(uri):
        if failures["left"]:
            failures["left"] -= 1

            class Refused:
                def __getitem__(self, name):
                    raise pymongo.errors.OperationFailure("bad auth : Authentication failed.", code=8000)

                def close(self):
                    pass

            return Refused()
        return server.factory(uri)

    class Clock:
        now = 0.0

        def time(self):
            return self.now

        def sleep(self, s):
            self.now += s

    payload = json.loads(json.dumps(event(LOGS)))
    index_handler.handle(payload, read_secret=lambda arn: URI, client_factory=flaky, clock=Clock())
    assert "level_1" in live(server)


def test_the_handler_module_is_pure():
    """Packaged alone as index_handler.py: it imports neither Pulumi nor the estate."""
    source = open(index_handler.__file__, encoding="utf-8").read()
    assert "import pulumi" not in source and "from data" not in source and "from components" not in source


def test_archive_is_deterministic_pure_python_and_carries_the_driver(tmp_path):
    from components.atlas.index_job import build_archive

    first = build_archive(tmp_path / "a.zip")
    second = build_archive(tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    names = zipfile.ZipFile(first).namelist()
    assert "index_handler.py" in names
    for package in ("pymongo/__init__.py", "bson/__init__.py", "dns/__init__.py"):
        assert package in names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".pyc")) or "__pycache__" in n]


FUNCTION = "aws:lambda/function:Function"
INVOCATION = "aws:lambda/invocation:Invocation"


def test_no_index_is_applied_from_where_pulumi_runs(prod_render):
    """#1: the runner of `pulumi up` is not in the Atlas access list; nothing connects from it."""
    assert not [r for r in prod_render.resources if r.type == "pulumi-python:dynamic:Resource"]


def test_the_job_runs_in_the_private_subnets_behind_the_nat(prod_render, prod_stack_file):
    from data.config import ESTATE_KEY

    network = prod_stack_file.config[ESTATE_KEY]["network"]
    (function,) = prod_render.of_type(FUNCTION)
    i = function.inputs
    assert sorted(i["vpcConfig"]["subnetIds"]) == sorted(network["private_subnet_ids"])
    assert i["handler"] == "index_handler.handler" and i["runtime"].startswith("python3")
    assert i["code"] == {"archive": {"path": "build/index-job.zip"}} and i["sourceCodeHash"]
    assert i["timeout"] > index_handler.AUTH_RETRY_SECONDS
    (group,) = [g for g in prod_render.of_type("aws:ec2/securityGroup:SecurityGroup") if g.urn in i["vpcConfig"]["securityGroupIds"] or g.name.endswith("index-job")]
    assert not group.inputs.get("ingress")
    (log_group,) = [g for g in prod_render.of_type("aws:cloudwatch/logGroup:LogGroup") if g.inputs["name"] == f"/aws/lambda/{i['name']}"]
    assert log_group.inputs["retentionInDays"]


def test_the_job_reads_the_uri_secrets_and_nothing_else(prod_render):
    (function,) = prod_render.of_type(FUNCTION)
    policies = [p for p in prod_render.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("index-job")]
    (policy,) = policies
    statements = json.loads(policy.inputs["policy"])["Statement"]
    reads = [s for s in statements if "secretsmanager:GetSecretValue" in s["Action"]]
    (read,) = reads
    assert read["Action"] == ["secretsmanager:GetSecretValue"]
    assert all(":secret:rt-technologie/prod/" in arn and "mongodb-uri" in arn for arn in read["Resource"])
    assert not [s for s in statements if s["Resource"] == "*" and not all(a.startswith("ec2:") for a in s["Action"])]


def test_one_invocation_per_collection_with_its_spec_as_input(prod_render, prod_stack_file):
    from data.config import ESTATE_KEY

    collections = prod_stack_file.config[ESTATE_KEY]["atlas"]["collections"]
    invocations = {r.name: r for r in prod_render.of_type(INVOCATION)}
    assert len(invocations) == len(collections)
    users = {u.urn for u in prod_render.of_type("mongodbatlas:index/databaseUser:DatabaseUser")}
    for c in collections:
        invocation = invocations[f"symphonia-prod-{c['database']}-{c['name']}-indexes"]
        assert invocation.inputs["lifecycleScope"] == "CRUD"  # updates re-apply; delete is invoked and drops nothing
        payload = json.loads(invocation.inputs["input"])
        assert (payload["database"], payload["collection"]) == (c["database"], c["name"])
        assert len(payload["indexes"]) == len(c["indexes"]) and "mongodb" not in json.dumps(payload).replace("mongodb-uri", "")
        assert set(invocation.dependencies) & users  # #2: after the user it connects as
