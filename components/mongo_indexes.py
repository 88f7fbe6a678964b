"""Collections and their indexes, declared as data and applied by a Pulumi dynamic provider (pymongo).

The Atlas provider cannot declare collections or ordinary indexes (only Atlas Search indexes), and
runbook 001 creates them by hand in ``mongosh`` (including two TTL indexes). ``CollectionIndexes``
is one collection's declared index set; its provider:

- create: creates the collection when missing, then every declared index;
- diff: a different database or collection replaces the resource; a different index set (keys,
  ``unique``, ``sparse``, ``expireAfterSeconds``) or connection string updates it;
- update: reconciles with what the server really has (so it also repairs drift): drops the indexes
  it managed that are no longer declared, rebuilds a declared index whose options changed, creates
  the missing ones. Indexes it never declared (created by hand, ``_id_``) are left alone;
- read (``pulumi refresh``): the declared indexes as the server has them, so drift shows as a diff;
- delete: drops nothing, neither indexes nor the collection. A delete also runs when the resource
  is only renamed or replaced (create the new one, then delete the old one): dropping "its" indexes
  then would drop the unique and TTL indexes the new resource has just applied (same names, same
  collection). An index on a production collection is removed deliberately by an operator
  (``db.<collection>.dropIndex("<name>")``, docs/runbooks.md), or by removing it from the declaration
  while the resource lives (update). The resources are also protected and retained (``stateful``).

Index names are deterministic: MongoDB's own default (``field_1_other_-1``), so an index created by
hand from the runbook is recognised as the declared one. Numbers cross Pulumi's wire as floats; they
are normalised back to integers. The connection string is a secret input (and a secret output).

The provider holds no connection or client (only an optional client factory, importable by name)
so it pickles; every operation opens a client and closes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

from data.model import AtlasCollection, AtlasIndex

PROTECTED_INDEXES = ("_id_",)
CONNECT_TIMEOUT_MS = 20000


# -- the declared index set as plain data ------------------------------------------------------------


def index_name(keys: Sequence[Sequence[Any]]) -> str:
    """MongoDB's default index name: ``field_direction`` joined by underscores."""
    return "_".join(f"{field}_{int(direction)}" for field, direction in keys)


def index_spec(index: AtlasIndex) -> dict[str, Any]:
    """An ``AtlasIndex`` as provider input. Keys are an ordered list of pairs (a compound index's
    order matters, and Pulumi's wire format does not keep a mapping's key order)."""
    keys = [[field, int(direction)] for field, direction in index.keys.items()]
    spec: dict[str, Any] = {"name": index_name(keys), "keys": keys, "unique": index.unique, "sparse": index.sparse}
    if index.expire_after_seconds is not None:
        spec["expireAfterSeconds"] = index.expire_after_seconds
    return spec


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


# -- the provider --------------------------------------------------------------------------------------


class MongoIndexProvider(ResourceProvider):
    """create / diff / update / delete of one collection's declared index set."""

    def __init__(self, client_factory: Callable[[str], Any] | None = None):
        super().__init__()
        # A module-level function (pickled by reference); None means pymongo.MongoClient.
        self.client_factory = client_factory

    def _client(self, uri: str) -> Any:
        return (self.client_factory or default_client)(uri)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        for key in ("uri", "database", "collection"):
            if not news.get(key):
                failures.append(CheckFailure(key, f"{key} is required"))
        names = [normalise(spec)["name"] for spec in news.get("indexes") or []]
        if len(names) != len(set(names)):
            failures.append(CheckFailure("indexes", "two indexes have the same keys"))
        if any(name in PROTECTED_INDEXES for name in names):
            failures.append(CheckFailure("indexes", "the _id index is MongoDB's own"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [key for key in ("database", "collection") if olds.get(key) != news.get(key)]
        changed = bool(replaces) or normalise_all(olds.get("indexes")) != normalise_all(news.get("indexes"))
        changed = changed or olds.get("uri") != news.get("uri")
        return DiffResult(changes=changed, replaces=replaces, stables=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._apply(props, managed=[])
        return CreateResult(id_=f"{props['database']}.{props['collection']}", outs=self._outs(props))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        managed = [normalise(spec)["name"] for spec in olds.get("indexes") or []]
        self._apply(news, managed=managed)
        return UpdateResult(outs=self._outs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """``pulumi refresh``: the declared indexes as the server has them (a missing or altered one
        shows up as a difference, which the next update repairs)."""
        client = self._client(props["uri"])
        try:
            live = live_indexes(client, props["database"], props["collection"])
        finally:
            client.close()
        managed = {normalise(spec)["name"] for spec in props.get("indexes") or []}
        return ReadResult(id_=id_, outs=self._outs({**props, "indexes": [live[n] for n in sorted(managed) if n in live]}))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Forget the resource, touch nothing on the server (see the module docstring: a rename or a
        replacement deletes the old resource after the new one applied the same indexes). It does
        not even connect, so a deleted cluster or a rotated password cannot block it."""
        return None

    def _apply(self, props: Mapping[str, Any], managed: Sequence[str]) -> list[str]:
        client = self._client(props["uri"])
        try:
            return reconcile(client, props["database"], props["collection"], props.get("indexes") or [], managed)
        finally:
            client.close()

    @staticmethod
    def _outs(props: Mapping[str, Any]) -> dict[str, Any]:
        indexes = normalise_all(props.get("indexes"))
        return {
            "uri": props["uri"],
            "database": props["database"],
            "collection": props["collection"],
            "indexes": indexes,
            "index_names": [spec["name"] for spec in indexes],
        }


class CollectionIndexes(pulumi.dynamic.Resource):
    """One collection and its declared indexes (type ``pulumi-python:dynamic:Resource``)."""

    index_names: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        uri: pulumi.Input[str],
        collection: AtlasCollection,
        opts: pulumi.ResourceOptions | None = None,
        provider: MongoIndexProvider | None = None,
    ):
        props = {
            "uri": pulumi.Output.secret(uri),
            "database": collection.database,
            "collection": collection.name,
            "indexes": [index_spec(index) for index in collection.indexes],
            "index_names": None,
        }
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["uri"])
        super().__init__(
            provider or MongoIndexProvider(),
            name,
            props,
            pulumi.ResourceOptions.merge(secret_opts, opts) if opts else secret_opts,
        )
