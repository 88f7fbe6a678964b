"""Applying a collection's index set against mongomock (components/atlas/index_handler.py, the index
job's logic): create, update, TTL/unique/sparse options, drift repair, idempotence, never dropping a
collection, authentication retried for a bounded time (#2); and the retired dynamic provider
(components/mongo_indexes.py, #1): it still unpickles and diffs, never connects, never drops."""

from __future__ import annotations

import base64

import dill
import mongomock
import pytest
from pulumi.dynamic.dynamic import serialize_provider

from types import SimpleNamespace

from components.mongo_indexes import (
    RETIRED,
    MongoIndexProvider,
    apply_with_retry,
    index_name,
    index_spec,
    normalise_all,
)
from data.model import AtlasCollection

URI = "mongodb+srv://svc:pw@cluster.example.mongodb.net/symphonia?retryWrites=true&w=majority"

# One shared in-memory server per test; the provider opens/closes clients through this factory.
_SERVERS: dict[str, mongomock.MongoClient] = {}


class _Unclosable:
    """mongomock's close() would not lose data, but keep the same client across provider calls."""

    def __init__(self, client):
        self._client = client

    def __getitem__(self, name):
        return self._client[name]

    def close(self):
        pass


def mock_client(uri: str):
    return _Unclosable(_SERVERS["current"])


@pytest.fixture
def server():
    _SERVERS["current"] = mongomock.MongoClient()
    yield _SERVERS["current"]
    _SERVERS.pop("current", None)


def _create(p: dict):
    """What creating the index set does (the job's create; formerly the provider's)."""
    apply_with_retry(mock_client, p["uri"], p["database"], p["collection"], p["indexes"], [])
    return SimpleNamespace(id=f"{p['database']}.{p['collection']}", outs=MongoIndexProvider._outs(p))


def _update(olds: dict, news: dict):
    managed = [spec["name"] for spec in normalise_all(olds.get("indexes"))]
    apply_with_retry(mock_client, news["uri"], news["database"], news["collection"], news["indexes"], managed)
    return SimpleNamespace(outs=MongoIndexProvider._outs(news))


def monitoring_logs(ttl: int = 2592000) -> dict:
    collection = AtlasCollection(
        database="symphonia",
        name="monitoring_logs",
        indexes=[
            {"keys": {"level": 1}},
            {"keys": {"alertTriggered": 1}, "sparse": True},
            {"keys": {"timestamp": 1}, "expire_after_seconds": ttl},
        ],
    )
    return props(collection)


def props(collection: AtlasCollection) -> dict:
    return {
        "uri": URI,
        "database": collection.database,
        "collection": collection.name,
        "indexes": [index_spec(index) for index in collection.indexes],
    }


def live(server, database="symphonia", collection="monitoring_logs") -> dict:
    out = {}
    for name, info in server[database][collection].index_information().items():
        out[name] = {k: v for k, v in info.items() if k in ("unique", "sparse", "expireAfterSeconds")}
        out[name]["key"] = list(info["key"])
    return out


def test_index_names_are_mongodb_defaults_and_keep_key_order():
    assert index_name([["carrierId", 1], ["calculatedAt", -1]]) == "carrierId_1_calculatedAt_-1"
    spec = index_spec(AtlasCollection(database="d", name="c", indexes=[{"keys": {"b": 1, "a": -1}}]).indexes[0])
    assert spec["keys"] == [["b", 1], ["a", -1]]
    assert spec["name"] == "b_1_a_-1"


def test_create_makes_the_collection_and_every_index_with_its_options(server):
    result = _create(monitoring_logs())
    assert result.id == "symphonia.monitoring_logs"
    indexes = live(server)
    assert set(indexes) == {"_id_", "level_1", "alertTriggered_1", "timestamp_1"}
    assert indexes["timestamp_1"]["expireAfterSeconds"] == 2592000  # runbook 001's 30-day TTL
    assert indexes["alertTriggered_1"].get("sparse") is True
    assert result.outs["index_names"] == ["alertTriggered_1", "level_1", "timestamp_1"]
    assert result.outs["uri"] == URI  # kept (as a secret output) so delete can connect


def test_unique_and_zero_second_ttl(server):
    cache_entries = AtlasCollection(
        database="symphonia", name="cache_entries",
        indexes=[{"keys": {"key": 1}, "unique": True}, {"keys": {"expiresAt": 1}, "expire_after_seconds": 0}],
    )
    _create(props(cache_entries))
    indexes = live(server, collection="cache_entries")
    assert indexes["key_1"].get("unique") is True
    assert indexes["expiresAt_1"]["expireAfterSeconds"] == 0


def test_diff_ignores_wire_floats_and_order_but_sees_option_changes():
    provider = MongoIndexProvider()
    olds = monitoring_logs()
    same = monitoring_logs()
    same["indexes"] = [dict(spec, keys=[[f, float(d)] for f, d in spec["keys"]]) for spec in reversed(same["indexes"])]
    assert provider.diff("id", olds, same).changes is False

    ttl_changed = monitoring_logs(ttl=86400)
    result = provider.diff("id", olds, ttl_changed)
    assert result.changes is True and not result.replaces

    moved = dict(monitoring_logs(), collection="monitoring_logs_v2")
    assert provider.diff("id", olds, moved).replaces == ["collection"]
    rotated = dict(monitoring_logs(), uri=URI.replace("pw", "new"))
    assert provider.diff("id", olds, rotated).changes is True


def test_update_rebuilds_changed_drops_undeclared_creates_new_and_keeps_foreign(server):
    olds = _create(monitoring_logs()).outs
    server["symphonia"]["monitoring_logs"].insert_one({"level": "error"})
    server["symphonia"]["monitoring_logs"].create_index([("manual", 1)], name="manual_1")  # not ours

    news = monitoring_logs(ttl=86400)
    news["indexes"] = [spec for spec in news["indexes"] if spec["name"] != "alertTriggered_1"]
    news["indexes"].append({"name": "service_1", "keys": [["service", 1]], "unique": False, "sparse": False})
    result = _update(olds, news)

    indexes = live(server)
    assert set(indexes) == {"_id_", "level_1", "timestamp_1", "service_1", "manual_1"}
    assert indexes["timestamp_1"]["expireAfterSeconds"] == 86400
    assert server["symphonia"]["monitoring_logs"].count_documents({}) == 1, "documents are never touched"
    assert result.outs["index_names"] == ["level_1", "service_1", "timestamp_1"]


def test_update_repairs_drift_and_is_idempotent(server):
    outs = _create(monitoring_logs()).outs
    server["symphonia"]["monitoring_logs"].drop_index("level_1")  # someone dropped it by hand
    _update(outs, monitoring_logs())
    assert "level_1" in live(server)
    before = live(server)
    _update(outs, monitoring_logs())
    assert live(server) == before


def test_delete_drops_no_index_and_never_the_collection(server):
    provider = MongoIndexProvider(client_factory=mock_client)
    outs = _create(monitoring_logs()).outs
    server["symphonia"]["monitoring_logs"].insert_one({"level": "info"})
    before = live(server)
    provider.delete("symphonia.monitoring_logs", outs)
    assert live(server) == before, "indexes on a production collection are dropped by an operator, not by a delete"
    assert server["symphonia"]["monitoring_logs"].count_documents({}) == 1


def test_rename_creates_new_then_deletes_old_and_keeps_unique_and_ttl_indexes(server):
    # A resource renamed (e.g. the cluster it is named from): Pulumi creates the new resource, then
    # deletes the old one, both on the same collection and the same index names.
    provider = MongoIndexProvider(client_factory=mock_client)
    cache_entries = props(AtlasCollection(
        database="symphonia", name="cache_entries",
        indexes=[{"keys": {"key": 1}, "unique": True}, {"keys": {"expiresAt": 1}, "expire_after_seconds": 0}],
    ))
    old_outs = _create(cache_entries).outs
    _create(cache_entries)  # the renamed resource
    provider.delete("symphonia.cache_entries", old_outs)  # the old name leaves the program
    indexes = live(server, collection="cache_entries")
    assert indexes["key_1"].get("unique") is True
    assert indexes["expiresAt_1"]["expireAfterSeconds"] == 0


def test_delete_does_not_even_connect():
    def unreachable(uri):
        raise AssertionError("delete must not open a client")

    MongoIndexProvider(client_factory=unreachable).delete("symphonia.monitoring_logs", monitoring_logs())


def test_check_rejects_duplicates_and_missing_connection():
    provider = MongoIndexProvider()
    news = monitoring_logs()
    news["indexes"].append(dict(news["indexes"][0]))
    news["uri"] = ""
    failures = {f.property for f in provider.check({}, news).failures}
    assert failures == {"uri", "indexes"}
    assert provider.check({}, monitoring_logs()).failures == []


def test_provider_pickles_without_state_and_deterministically(server):
    provider = MongoIndexProvider(client_factory=mock_client)
    first, second = serialize_provider(provider), serialize_provider(MongoIndexProvider(client_factory=mock_client))
    assert first == second
    restored = dill.loads(base64.b64decode(first))  # what Pulumi does with an old state's provider
    assert restored.diff("id", monitoring_logs(), monitoring_logs()).changes is False
    restored.delete("symphonia.monitoring_logs", monitoring_logs())
    assert vars(MongoIndexProvider()) == {"client_factory": None}


def test_normalise_all_sorts_by_name():
    specs = normalise_all([{"keys": [["b", 1.0]]}, {"keys": [["a", -1.0]], "expireAfterSeconds": 5.0}])
    assert specs == [
        {"name": "a_-1", "keys": [["a", -1]], "unique": False, "sparse": False, "expireAfterSeconds": 5},
        {"name": "b_1", "keys": [["b", 1]], "unique": False, "sparse": False},
    ]


def test_retired_provider_never_connects_read_returns_the_stored_state():
    """#1: the old resources' refresh (before the migration removes them) must not connect from the runner."""
    def unreachable(uri):
        raise AssertionError("the retired provider must not open a client")

    provider = MongoIndexProvider(client_factory=unreachable)
    stored = MongoIndexProvider._outs(monitoring_logs())
    read = provider.read("symphonia.monitoring_logs", stored)
    assert read.id == "symphonia.monitoring_logs" and read.outs == stored
    with pytest.raises(RuntimeError, match="retired"):
        provider.create(monitoring_logs())
    with pytest.raises(RuntimeError, match="docs/operations.md"):
        provider.update("symphonia.monitoring_logs", stored, monitoring_logs())
    provider.delete("symphonia.monitoring_logs", stored)
    assert "index job" in RETIRED


# -- #2: the database user is applied some time after Atlas creates it ---------------------------------


class _AuthFailsFirst:
    """A client whose first ``failures`` operations fail authentication the way Atlas answers before
    the new user reaches the cluster (OperationFailure, AtlasError 8000 "bad auth"), then mongomock."""

    calls = 0

    def __init__(self, failures: int):
        self.failures = failures

    def __call__(self, uri: str):
        import pymongo.errors

        outer = self

        class Client(_Unclosable):
            def __getitem__(self, name):
                _AuthFailsFirst.calls += 1
                if _AuthFailsFirst.calls <= outer.failures:
                    raise pymongo.errors.OperationFailure(
                        "bad auth : Authentication failed.", code=8000,
                        details={"ok": 0, "errmsg": "bad auth : Authentication failed.", "code": 8000, "codeName": "AtlasError"},
                    )
                return super().__getitem__(name)

        return Client(_SERVERS["current"])


class _Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_authentication_is_retried_until_the_user_reaches_the_cluster(server):
    from components import mongo_indexes

    clock = _Clock()
    _AuthFailsFirst.calls = 0
    actions = mongo_indexes.apply_with_retry(_AuthFailsFirst(3), URI, "symphonia", "monitoring_logs",
                                             monitoring_logs()["indexes"], [], clock=clock)
    assert "create timestamp_1" in actions and "timestamp_1" in live(server)
    assert len(clock.sleeps) == 3 and clock.now <= mongo_indexes.AUTH_RETRY_SECONDS


def test_authentication_retry_is_bounded(server):
    import pymongo.errors

    from components import mongo_indexes

    clock = _Clock()
    _AuthFailsFirst.calls = 0
    with pytest.raises(pymongo.errors.OperationFailure, match="bad auth"):
        mongo_indexes.apply_with_retry(_AuthFailsFirst(10_000), URI, "symphonia", "monitoring_logs",
                                       monitoring_logs()["indexes"], [], clock=clock)
    assert mongo_indexes.AUTH_RETRY_SECONDS <= clock.now <= mongo_indexes.AUTH_RETRY_SECONDS + max(clock.sleeps)


def test_other_failures_are_not_retried(server):
    import pymongo.errors

    from components import mongo_indexes

    def denied(uri):
        class Client(_Unclosable):
            def __getitem__(self, name):
                raise pymongo.errors.OperationFailure("not authorized on symphonia to execute command", code=13)
        return Client(_SERVERS["current"])

    clock = _Clock()
    with pytest.raises(pymongo.errors.OperationFailure, match="not authorized"):
        mongo_indexes.apply_with_retry(denied, URI, "symphonia", "monitoring_logs", monitoring_logs()["indexes"], [], clock=clock)
    assert clock.sleeps == []


def test_index_resources_wait_for_their_database_user(prod_render):
    """#2: the index job depends on the DatabaseUser whose credentials it uses (not only on the
    cluster and the password): Atlas applies a user to the cluster some time after creating it."""
    users = {u.urn: u.inputs["roles"][0]["databaseName"] for u in prod_render.of_type("mongodbatlas:index/databaseUser:DatabaseUser")}
    indexes = [r for r in prod_render.resources if r.name.endswith("-indexes")]
    assert indexes
    for resource in indexes:
        waited = {users[d] for d in resource.dependencies if d in users}
        assert any(resource.name.startswith(f"symphonia-prod-{db}-") for db in waited), (resource.name, resource.dependencies)
