"""Recovery time of the DR stack's `pulumi up` (tools/recovery/rto.py): the critical path of the render's
dependency graph, each resource weighted by the catalogue's creation time of its type."""

from __future__ import annotations

import pytest

from data.catalogue import recovery as facts
from tests.recovery_renders import DR, provider, render, resource, urn
from tools.recovery.rto import CyclicGraph, recovery_time

PROJECT = "mongodbatlas:index/project:Project"
CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
REDIS = "aws:elasticache/replicationGroup:ReplicationGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def dr(*resources):
    return render(*resources, stack="dr", region=DR)


def node(type_, name, *after, parent=None, custom=True, provider_urn=None):
    return resource(type_, name, stack="dr", dependencies=tuple(urn("dr", t, n) for t, n in after), parent=parent,
                    custom=custom, provider=provider_urn)


def test_the_longest_chain_of_dependencies_is_the_recovery_time():
    time = recovery_time(dr(
        node(PROJECT, "p"),
        node(CLUSTER, "db", (PROJECT, "p")),
        node(VERSION, "uri", (CLUSTER, "db")),
        node(ENVIRONMENT, "app", (VERSION, "uri")),
        node(ALARM, "cpu"),  # independent: created in parallel, not on the path
    ))
    default = facts.DEFAULT_CREATION.minutes
    assert time.graph_minutes == default + 15 + default + 5
    assert [(s.name, s.starts_at, s.basis) for s in time.critical_path] == [
        ("p", 0, "estimate"), ("db", default, "estimate"), ("uri", default + 15, "estimate"), ("app", 2 * default + 15, "documented")]
    assert time.resources == 5


def test_a_dependency_on_a_component_waits_for_everything_under_it():
    cache = node("monitored-estate:cache:RedisCache", "cache", custom=False)
    time = recovery_time(dr(
        cache,
        node(REDIS, "redis", parent=cache["urn"]),
        node(ENVIRONMENT, "app", ("monitored-estate:cache:RedisCache", "cache")),
    ))
    assert time.graph_minutes == 15 + 5
    assert [s.type for s in time.critical_path] == [REDIS, ENVIRONMENT]
    assert time.resources == 2  # the component itself takes no time


def test_providers_cost_nothing_and_unknown_types_take_the_stated_default():
    aws = provider("us-east-1", stack="dr")
    time = recovery_time(dr(aws, node("aws:sns/topic:Topic", "t", provider_urn=aws["urn"])))
    assert time.graph_minutes == facts.DEFAULT_CREATION.minutes
    assert time.critical_path[0].basis == "estimate"


def test_a_dependency_cycle_is_reported_not_looped():
    with pytest.raises(CyclicGraph):
        recovery_time(dr(node(ALARM, "a", (ALARM, "b")), node(ALARM, "b", (ALARM, "a"))))


def test_the_procedure_steps_add_their_estimates_and_list_the_rest():
    time = recovery_time(dr(node(ENVIRONMENT, "app")))
    estimated = sum(s.minutes for s in facts.PROCEDURE_STEPS if s.minutes is not None)
    assert time.estimated_minutes == 5 + estimated
    assert time.not_estimated == tuple(s.step for s in facts.PROCEDURE_STEPS if s.minutes is None)
    assert any("restore the database" in step for step in time.not_estimated)


def test_every_catalogue_figure_says_where_it_comes_from():
    for entry in [*facts.CREATION_TIMES.values(), facts.DEFAULT_CREATION]:
        assert entry.minutes > 0 and entry.note, entry.token
        assert entry.source or not entry.documented, f"{entry.token}: a documented figure needs its page"
        assert entry.documented or "estimate" in entry.note, f"{entry.token}: an estimate must say so"


def test_the_dr_stack_critical_path_is_a_connected_chain():
    from infra.engine import render_stack
    from tests.conftest import PROJECT_ROOT
    from tools.recovery import StackRender

    time = recovery_time(StackRender.of(render_stack(PROJECT_ROOT / "Pulumi.dr.yaml")))
    path = time.critical_path
    assert time.graph_minutes == path[-1].starts_at + path[-1].minutes
    for before, after in zip(path, path[1:]):
        assert after.starts_at == before.starts_at + before.minutes
    assert ENVIRONMENT in {s.type for s in path}  # the services are what the recovery waits for
    assert time.graph_minutes >= facts.creation_time(ENVIRONMENT).minutes + facts.creation_time(CLUSTER).minutes
