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

from components.atlas.index_handler import (  # noqa: F401  (re-exported: the provider's and tests' names)
    AUTH_RETRY_SECONDS,
    PROTECTED_INDEXES,
    apply_with_retry,
    default_client,
    index_name,
    live_indexes,
    live_spec,
    normalise,
    normalise_all,
    reconcile,
)
from data.model import AtlasCollection, AtlasIndex


# -- the declared index set as plain data ------------------------------------------------------------


def index_spec(index: AtlasIndex) -> dict[str, Any]:
    """An ``AtlasIndex`` as provider input. Keys are an ordered list of pairs (a compound index's
    order matters, and Pulumi's wire format does not keep a mapping's key order)."""
    keys = [[field, int(direction)] for field, direction in index.keys.items()]
    spec: dict[str, Any] = {"name": index_name(keys), "keys": keys, "unique": index.unique, "sparse": index.sparse}
    if index.expire_after_seconds is not None:
        spec["expireAfterSeconds"] = index.expire_after_seconds
    return spec



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
        # A new user reaches the cluster some time after Atlas creates it: retry "bad auth" a while.
        return apply_with_retry(
            self._client, props["uri"], props["database"], props["collection"], props.get("indexes") or [], managed,
        )

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
