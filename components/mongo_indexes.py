"""RETIRED: the pymongo dynamic provider that applied the collections' indexes (issue 10 #1).

It ran where ``pulumi up`` runs (the GitHub-hosted runner of ``.github/workflows/deploy.yml``),
whose address is not in the Atlas access list, so every index resource timed out. The indexes are
now applied by the index job inside the VPC (``components/atlas/index_job.py``, logic in
``components/atlas/index_handler.py``). This module stays, at this path and with this class name,
because every stack that ever declared a ``CollectionIndexes`` holds the pickled
``components.mongo_indexes.MongoIndexProvider`` in its state (by reference: module and class name),
and Pulumi unpickles it for any operation on those resources until they leave the state
(docs/operations.md, "Migrating a stack off the retired index provider"). So the provider:

- never connects any more: ``read`` (``pulumi refresh``) returns the stored state as it is, and
  ``create``/``update`` refuse with the migration's pointer (nothing declares the resource now);
- ``delete`` forgets the resource and touches nothing on the server, as it always did (the resources
  were also ``retainOnDelete``): no index is ever dropped by the migration;
- ``check``/``diff`` keep their behaviour (pure), so an old state still diffs.

``index_spec`` (an ``AtlasIndex`` as the job's input) moved to ``components/atlas/index_job.py``, so the
program never imports ``pulumi.dynamic`` (and ``pulumi.automation``) just for it; it is re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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
from components.atlas.index_job import index_spec  # noqa: F401  (re-exported: old imports and tests)

RETIRED = (
    "the CollectionIndexes dynamic provider is retired (it ran outside the Atlas access list): indexes are applied"
    " by the index job (components/atlas/index_job.py); see docs/operations.md, \"Migrating a stack off the retired"
    " index provider\""
)


# -- the declared index set as plain data ------------------------------------------------------------


# -- the provider --------------------------------------------------------------------------------------


class MongoIndexProvider(ResourceProvider):
    """The retired provider, kept so that old states unpickle it: diffs, forgets, never connects."""

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
        raise RuntimeError(RETIRED)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        raise RuntimeError(RETIRED)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """``pulumi refresh`` of an old resource: the stored state, without connecting (the runner is
        outside the access list; the index job owns the live state now)."""
        return ReadResult(id_=id_, outs=dict(props))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Forget the resource, touch nothing on the server (see the module docstring: a rename or a
        replacement deletes the old resource after the new one applied the same indexes). It does
        not even connect, so a deleted cluster or a rotated password cannot block it."""
        return None

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
