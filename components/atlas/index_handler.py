"""Applying a collection's declared indexes with pymongo: the logic of the index job.

Pure Python (the standard library, pymongo imported when used, boto3 only in the Lambda handler):
no Pulumi and no estate model, because this file is also packaged alone, as ``index_handler.py``,
into the index job that runs inside the VPC (``components/atlas/index_job.py``).

- ``reconcile``: makes the collection's indexes match the declared ones; drops only indexes it
  declared before (``managed``) and no longer declares; never an index it never declared (created by
  hand, ``_id_``), never a collection, never a document;
- ``apply_with_retry``: connects and reconciles, retrying authentication failures for a bounded time
  (``AUTH_RETRY_SECONDS``): Atlas applies a new database user to the cluster some time after
  creating it, so the first connections of a new user fail with "bad auth" (issue 10 #2).

Index names are deterministic: MongoDB's own default (``field_1_other_-1``), so an index created by
hand from the runbook is recognised as the declared one. Numbers may arrive as floats (Pulumi's
wire, JSON); they are normalised back to integers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

PROTECTED_INDEXES = ("_id_",)
CONNECT_TIMEOUT_MS = 20000
# How long authentication failures are retried, and how often: Atlas documents no bound for a new
# user to reach the cluster ("may take some time"); a few minutes covers what is observed, and the
# index job's own timeout (components/atlas/index_job.py) is longer.
AUTH_RETRY_SECONDS = 300
AUTH_RETRY_INTERVAL_SECONDS = 10
# Authentication failed: 18 from mongod (AuthenticationFailed); Atlas's proxy answers 8000
# (AtlasError) with "bad auth : Authentication failed.".
AUTH_FAILURE_CODES = (18, 8000)


def index_name(keys: Sequence[Sequence[Any]]) -> str:
    """MongoDB's default index name: ``field_direction`` joined by underscores."""
    return "_".join(f"{field}_{int(direction)}" for field, direction in keys)


def normalise(spec: Mapping[str, Any]) -> dict[str, Any]:
    """One index spec in a canonical form (ints for directions and TTL, booleans, a name)."""
    keys = [[str(field), int(direction)] for field, direction in spec["keys"]]
    out: dict[str, Any] = {
        "name": str(spec.get("name") or index_name(keys)),
        "keys": keys,
        "unique": bool(spec.get("unique", False)),
        "sparse": bool(spec.get("sparse", False)),
    }
    ttl = spec.get("expireAfterSeconds")
    if ttl is not None:
        out["expireAfterSeconds"] = int(ttl)
    return out


def normalise_all(specs: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    return sorted((normalise(spec) for spec in specs or []), key=lambda spec: spec["name"])


def live_spec(name: str, info: Mapping[str, Any]) -> dict[str, Any]:
    """``index_information()``'s entry in the same canonical form."""
    return normalise(
        {
            "name": name,
            "keys": [list(pair) for pair in list(info["key"])],
            "unique": info.get("unique", False),
            "sparse": info.get("sparse", False),
            "expireAfterSeconds": info.get("expireAfterSeconds"),
        }
    )


# -- reconciliation (pure pymongo calls, testable against mongomock) ----------------------------------


def reconcile(client: Any, database: str, collection: str, desired: Sequence[Mapping[str, Any]], managed: Sequence[str]) -> list[str]:
    """Make the collection's indexes match ``desired``; ``managed`` are the names previously declared.
    Returns the actions taken (``create <name>``, ``drop <name>``), for logs and tests."""
    import pymongo

    db = client[database]
    if collection not in db.list_collection_names():
        db.create_collection(collection)
    target = db[collection]
    live = {name: live_spec(name, info) for name, info in target.index_information().items()}
    wanted = {spec["name"]: spec for spec in normalise_all(desired)}
    actions: list[str] = []

    for name in sorted(set(managed) - set(wanted)):
        if name in live and name not in PROTECTED_INDEXES:
            target.drop_index(name)
            actions.append(f"drop {name}")
    to_create = []
    for name, spec in wanted.items():
        current = live.get(name)
        if current == spec:
            continue
        if current is not None:  # same name, other options: MongoDB cannot alter them in place
            target.drop_index(name)
            actions.append(f"drop {name}")
        to_create.append(spec)
    if to_create:
        target.create_indexes([_index_model(pymongo, spec) for spec in to_create])
        actions += [f"create {spec['name']}" for spec in to_create]
    return actions


def live_indexes(client: Any, database: str, collection: str) -> dict[str, dict[str, Any]]:
    """The collection's indexes in canonical form ({} when the collection does not exist)."""
    db = client[database]
    if collection not in db.list_collection_names():
        return {}
    return {name: live_spec(name, info) for name, info in db[collection].index_information().items()}


def _index_model(pymongo: Any, spec: Mapping[str, Any]) -> Any:
    options: dict[str, Any] = {"name": spec["name"]}
    if spec["unique"]:
        options["unique"] = True
    if spec["sparse"]:
        options["sparse"] = True
    if spec.get("expireAfterSeconds") is not None:
        options["expireAfterSeconds"] = spec["expireAfterSeconds"]
    return pymongo.IndexModel([(field, direction) for field, direction in spec["keys"]], **options)


def default_client(uri: str) -> Any:
    import pymongo

    return pymongo.MongoClient(uri, serverSelectionTimeoutMS=CONNECT_TIMEOUT_MS, appname="monitored-estate-indexes")


def is_auth_failure(error: BaseException) -> bool:
    """An authentication failure (the user not yet on the cluster), not any other refusal."""
    code = getattr(error, "code", None)
    if code == 18:
        return True
    return code == 8000 and "auth" in str(error).lower()


def apply_with_retry(
    client_factory: Callable[[str], Any], uri: str, database: str, collection: str,
    desired: Sequence[Mapping[str, Any]], managed: Sequence[str], *, clock: Any = time,
) -> list[str]:
    """Connect and ``reconcile``; retry authentication failures every ``AUTH_RETRY_INTERVAL_SECONDS``
    until ``AUTH_RETRY_SECONDS`` have passed, then let the last failure through. Other failures
    (a missing role, a network timeout) are raised at once. ``clock``: ``time`` or a test's fake."""
    import pymongo.errors

    deadline = clock.time() + AUTH_RETRY_SECONDS
    while True:
        client = client_factory(uri)
        try:
            return reconcile(client, database, collection, desired, managed)
        except pymongo.errors.OperationFailure as error:
            if not is_auth_failure(error) or clock.time() >= deadline:
                raise
        finally:
            client.close()
        clock.sleep(AUTH_RETRY_INTERVAL_SECONDS)


# -- the index job: the Lambda function's entry point ---------------------------------------------------


def managed_before(event: Mapping[str, Any]) -> list[str]:
    """The index names the previous invocation declared on the same collection (pulumi-aws's
    ``lifecycle_scope: CRUD`` adds ``tf: {action, prev_input}`` to the input): what an update may drop."""
    previous = (event.get("tf") or {}).get("prev_input") or {}
    if previous.get("database") != event.get("database") or previous.get("collection") != event.get("collection"):
        return []
    return [normalise(spec)["name"] for spec in previous.get("indexes") or []]


def handle(event: Mapping[str, Any], *, read_secret: Callable[[str], str], client_factory: Callable[[str], Any],
           clock: Any = time) -> dict[str, Any]:
    """One invocation: ``create``/``update`` reconcile the collection with ``indexes`` (an update drops
    what the previous input declared and this one does not); ``delete`` touches nothing, not even the
    network: an index on a production collection is dropped by an operator (docs/runbooks.md) or by
    removing it from the declaration while the collection stays declared, never by a delete (a rename
    or a replacement deletes the old invocation after the new one applied the same indexes)."""
    action = (event.get("tf") or {}).get("action", "create")
    declared = normalise_all(event.get("indexes"))
    names = [spec["name"] for spec in declared]
    if action == "delete":
        return {"action": action, "actions": [], "indexNames": names}
    for key in ("uriSecretArn", "database", "collection"):
        if not event.get(key):
            raise ValueError(f"the index job's input has no {key}")
    uri = read_secret(event["uriSecretArn"])
    actions = apply_with_retry(
        client_factory, uri, event["database"], event["collection"], declared, managed_before(event), clock=clock,
    )
    return {"action": action, "actions": actions, "indexNames": names}


def read_secret_string(arn: str, *, clock: Any = time) -> str:
    """The connection string from Secrets Manager (boto3 is in the Lambda runtime). Its value is
    written by the same deployment: a secret without a current value yet is retried for the same
    bounded time as authentication."""
    import boto3

    client = boto3.client("secretsmanager")
    deadline = clock.time() + AUTH_RETRY_SECONDS
    while True:
        try:
            return client.get_secret_value(SecretId=arn)["SecretString"]
        except client.exceptions.ResourceNotFoundException:
            if clock.time() >= deadline:
                raise
        clock.sleep(AUTH_RETRY_INTERVAL_SECONDS)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:  # pragma: no cover - AWS's entry point
    """The Lambda entry point (``index_handler.handler``); logs the actions, never the URI."""
    result = handle(event, read_secret=read_secret_string, client_factory=default_client)
    print({"database": event.get("database"), "collection": event.get("collection"), **result})
    return result
