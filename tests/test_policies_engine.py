"""The in-process runner behaves like the engine, the pack's entry point builds the list it runs,
and exemptions and the policy-pack config reach the rules as they would under `pulumi preview`."""

from __future__ import annotations

import copy
import runpy
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pulumi_policy
import pytest
import yaml
from pulumi_policy import EnforcementLevel, ResourceValidationArgs, PolicyResourceOptions
from pulumi_policy.policy import PolicyCustomTimeouts
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from tools.check import BadInput, estate_policy_config, merge_configs
from data.config import parse_estate
from policies.rules import ALL_POLICIES, PACK_NAME, PACK_VERSION
from policies.rules.runner import PolicyConfigError, reconcile_config, run_policies
from tests.test_policies_rules import CONFIG, compliant_render, find, inputs

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FAR_FUTURE = (date.today() + timedelta(days=3650)).isoformat()
LONG_AGO = "2000-01-01"


@pytest.fixture(scope="module")
def baseline() -> dict:
    return compliant_render()


def policy(name: str):
    return next(p for p in ALL_POLICIES if p.name == name)


# --------------------------------------------------------------------------------------------------
# The pack
# --------------------------------------------------------------------------------------------------


def test_the_entry_point_builds_the_pack_estate_check_runs(monkeypatch):
    captured = {}

    class CapturingPack:  # constructing the real PolicyPack would start a gRPC server and block
        def __init__(self, **kwargs):
            captured.update(kwargs)

    monkeypatch.setattr(pulumi_policy, "PolicyPack", CapturingPack)
    saved = {k: v for k, v in sys.modules.items() if k == "rules" or k.startswith("rules.")}
    try:
        runpy.run_path(str(PROJECT_ROOT / "policies"), run_name="__main__")  # as pulumi's policy host does
    finally:
        for key in [k for k in sys.modules if k == "rules" or k.startswith("rules.")]:
            del sys.modules[key]
        sys.modules.update(saved)
    assert captured["name"] == PACK_NAME
    built = captured["policies"]
    assert [(type(p).__name__, p.name, p.description, p.enforcement_level, p.severity, p.remediation_steps) for p in built] == [
        (type(p).__name__, p.name, p.description, p.enforcement_level, p.severity, p.remediation_steps) for p in ALL_POLICIES
    ]
    assert [sorted(p.config_schema.properties) for p in built] == [sorted(p.config_schema.properties) for p in ALL_POLICIES]


def test_policy_project_file_declares_a_python_pack_with_the_runners_version():
    project = yaml.safe_load((PROJECT_ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert (PROJECT_ROOT / "policies" / project["runtime"]["options"]["virtualenv"] / "bin" / "python").exists()
    assert str(project["version"]) == PACK_VERSION
    assert "pulumi-policy" in (PROJECT_ROOT / "policies" / "requirements.txt").read_text()


def test_the_pack_order_does_not_depend_on_which_rule_module_is_imported_first():
    code = "import policies.rules.{first}\nfrom policies.rules import ALL_POLICIES\nprint(' '.join(p.name for p in ALL_POLICIES))"
    orders = [
        subprocess.run([sys.executable, "-c", code.format(first=first)], cwd=PROJECT_ROOT, check=True,
                       capture_output=True, text=True).stdout.split()
        for first in ("storage", "secrets")
    ]
    assert orders[0] == orders[1] == [p.name for p in ALL_POLICIES]


def test_rule_names_are_unique_and_kebab_case():
    names = [p.name for p in ALL_POLICIES]
    assert len(names) == len(set(names))
    assert all(name == name.lower() and " " not in name for name in names)


# --------------------------------------------------------------------------------------------------
# Engine semantics
# --------------------------------------------------------------------------------------------------


def test_a_rule_reading_an_unknown_value_is_downgraded_to_advisory(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "documents-versioning")["versioningConfiguration"]["status"] = "[unknown]"
    result = run_policies(render, config=CONFIG)
    [violation] = result.violations
    assert violation.policy == "storage-versioning-enabled"
    assert violation.enforcement_level == "advisory"
    assert violation.message == (
        f"can't run policy 'storage-versioning-enabled' from policy pack '{PACK_NAME}@v{PACK_VERSION}' during preview: "
        "string value at .versioningConfiguration.status can't be known during preview"
    )
    assert result.exit_code == 0


def test_rules_see_props_through_the_engines_unknown_checking_proxy():
    props = unknown_checking_proxy({"versioningConfiguration": {"status": UNKNOWN_STRING_VALUE}})
    args = ResourceValidationArgs(
        "aws:s3/bucketVersioning:BucketVersioning", props, "urn:x", "x",
        PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), []), None, {},
    )
    with pytest.raises(pulumi_policy.proxy.UnknownValueError):
        policy("storage-versioning-enabled").validate(args, lambda message, urn=None: None)


def test_config_all_and_per_policy_levels_apply_in_the_clis_order(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "redis").pop("maintenanceWindow")  # advisory by default
    inputs(render, "nat-a")["cidrBlock"] = "0.0.0.0/0"  # mandatory by default
    default = run_policies(render, config=CONFIG)
    assert {(v.policy, v.enforcement_level) for v in default.violations} == {
        ("cache-redis-maintenance-window", "advisory"), ("atlas-access-list-no-world", "mandatory")}
    assert default.exit_code == 1
    relaxed = run_policies(render, config={**CONFIG, "all": "advisory", "cache-redis-maintenance-window": {"enforcementLevel": "mandatory"}})
    assert {(v.policy, v.enforcement_level) for v in relaxed.violations} == {
        ("cache-redis-maintenance-window", "mandatory"), ("atlas-access-list-no-world", "advisory")}
    disabled = run_policies(render, config={**CONFIG, "atlas-access-list-no-world": "disabled", "cache-redis-maintenance-window": "remediate"})
    assert "atlas-access-list-no-world" in disabled.disabled and "atlas-access-list-no-world" not in disabled.evaluated
    assert [(v.policy, v.enforcement_level) for v in disabled.violations] == [("cache-redis-maintenance-window", "mandatory")]


def test_rule_parameters_come_from_the_config_schema_defaults_then_the_config(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "nat-a")["cidrBlock"] = "10.0.0.0/12"
    assert [v.policy for v in run_policies(render, config=CONFIG).violations] == ["atlas-access-list-no-world"]
    assert run_policies(render, config={**CONFIG, "atlas-access-list-no-world": {"minPrefixLength": 8}}).violations == []
    assert reconcile_config(ALL_POLICIES, {})["atlas-access-list-no-world"][1] == {"minPrefixLength": 16}


@pytest.mark.parametrize("config", [{"all": "loud"}, {"cache-redis-snapshots": {"enforcementLevel": 3}}, {"atlas-access-list-no-world": {"minPrefixLength": "16"}}, {"x": 1}])
def test_a_malformed_config_is_refused(config):
    with pytest.raises(PolicyConfigError):
        reconcile_config(ALL_POLICIES, config)


# --------------------------------------------------------------------------------------------------
# Exemptions
# --------------------------------------------------------------------------------------------------


def _open_access_list(baseline):
    render = copy.deepcopy(baseline)
    inputs(render, "nat-a")["cidrBlock"] = "0.0.0.0/0"
    return render


def test_an_unexpired_exemption_waives_the_rule_for_that_resource_only(baseline):
    render = _open_access_list(baseline)
    exemption = {"resource": "nat-a", "reason": "vendor support session, ticket 42", "expires": FAR_FUTURE}
    result = run_policies(render, config={**CONFIG, "atlas-access-list-no-world": {"exemptions": [exemption]}})
    assert result.violations == []
    assert {"policy": "atlas-access-list-no-world", "urn": find(render, "nat-a")["urn"],
            "reason": f"exempted until {FAR_FUTURE}: vendor support session, ticket 42"} in result.not_applicable
    other = run_policies(render, config={**CONFIG, "atlas-access-list-no-world": {"exemptions": [{**exemption, "resource": "nat-b"}]}})
    assert [v.policy for v in other.violations] == ["atlas-access-list-no-world"]


def test_an_exemption_by_urn_waives_stack_rule_violations_on_that_resource(baseline):
    render = copy.deepcopy(baseline)
    render["resources"] = [r for r in render["resources"] if r["name"] != "logs-lifecycle"]
    bucket = find(render, "logs-bucket")["urn"]
    config = {**CONFIG, "storage-bucket-lifecycle": {"exemptions": [{"resource": bucket, "reason": "migrating to the archive", "expires": FAR_FUTURE}]}}
    assert run_policies(render, config=config).violations == []


def test_an_expired_exemption_waives_nothing_and_is_itself_a_violation(baseline):
    render = _open_access_list(baseline)
    exemption = {"resource": "nat-a", "reason": "vendor support session, ticket 42", "expires": LONG_AGO}
    config = {
        **CONFIG,
        "atlas-access-list-no-world": {"exemptions": [exemption]},
        "estate-exemption-unexpired": {"declared": [{"policy": "atlas-access-list-no-world", **exemption}]},
    }
    result = run_policies(render, config=config)
    assert sorted(v.policy for v in result.violations) == ["atlas-access-list-no-world", "estate-exemption-unexpired"]
    expired = next(v for v in result.violations if v.policy == "estate-exemption-unexpired")
    assert expired.urn == find(render, "nat-a")["urn"] and expired.enforcement_level == "mandatory"
    assert f"expired on {LONG_AGO}" in expired.message
    assert result.exit_code == 1


def _estate_with_exemptions(prod_estate, exemptions):
    prod_estate["exemptions"] = exemptions
    return parse_estate(prod_estate, "eu-central-1")


def test_policy_config_carries_the_estates_exemptions_and_parameters(prod_estate):
    estate = _estate_with_exemptions(prod_estate, [
        {"policy": "storage-bucket-access-logging", "resource": "symphonia-logs-prod", "reason": "the log bucket itself", "expires": "2030-01-31"},
    ])
    config = estate_policy_config(estate)
    assert config["storage-bucket-access-logging"] == {
        "exemptions": [{"resource": "symphonia-logs-prod", "reason": "the log bucket itself", "expires": "2030-01-31"}]}
    assert config["estate-exemption-unexpired"]["declared"][0]["policy"] == "storage-bucket-access-logging"
    assert config["alerting-alarm-custom-namespace"] == {"namespaces": ["Symphonia/Production"]}
    assert config["services-environment-managed-updates"] == {"preferredStartTime": "Sun:02:00"}
    assert config["cache-redis-maintenance-window"] == {"window": "sun:02:00-sun:05:00"}
    reconcile_config(ALL_POLICIES, config)  # valid against every rule's schema


def test_policy_config_refuses_an_exemption_of_an_unknown_rule(prod_estate):
    estate = _estate_with_exemptions(prod_estate, [
        {"policy": "storage-bucket-teleport", "resource": "x", "reason": "no such rule anywhere", "expires": "2030-01-31"}])
    with pytest.raises(BadInput) as error:
        estate_policy_config(estate)
    assert error.value.lines == [
        "estate.exemptions[0].policy: unknown policy 'storage-bucket-teleport' (did you mean 'storage-bucket-tls-policy'?)"]


def test_merging_configs_adds_exemptions_and_lets_the_file_win_otherwise():
    base = {"x-a-b": {"exemptions": [{"resource": "r1"}], "window": "a"}}
    merged = merge_configs(base, {"x-a-b": {"exemptions": [{"resource": "r2"}], "window": "b", "enforcementLevel": "advisory"}, "all": "mandatory"})
    assert merged == {"x-a-b": {"exemptions": [{"resource": "r1"}, {"resource": "r2"}], "window": "b", "enforcementLevel": "advisory"}, "all": "mandatory"}
    assert base == {"x-a-b": {"exemptions": [{"resource": "r1"}], "window": "a"}}


def test_a_stack_wide_finding_is_exempted_by_resource_stack(baseline):
    render = copy.deepcopy(baseline)
    render["resources"] = [r for r in render["resources"] if r["name"] != "monthly"]
    assert [v.policy for v in run_policies(render, config=CONFIG).violations] == ["cost-budget-notifications"]
    exempted = {**CONFIG, "cost-budget-notifications": {"exemptions": [{"resource": "stack", "reason": "billed by the parent org", "expires": FAR_FUTURE}]}}
    assert run_policies(render, config=exempted).violations == []


def test_no_rule_writes_through_the_inputs_it_is_handed(monkeypatch, prod_render):
    """The runner hands every policy the same proxied inputs of a resource (built once: the analyzer
    rebuilds them per policy, two thirds of a run). That is the analyzer's behaviour only while no rule
    writes through a proxy: any write, on prod or on the compliant fixture, fails here."""
    import pulumi_policy.proxy as proxy

    def refuse(self, key, value):
        raise AssertionError(f"a rule wrote {key!r} through a resource's inputs")

    monkeypatch.setattr(proxy._DictProxy, "__setitem__", refuse)
    for render in (prod_render, compliant_render()):
        result = run_policies(render, config=CONFIG, region="eu-central-1")
        assert result.evaluated
