"""The engine's JSON contract and its determinism, on prod and on a small program whose every
resource is known (so the contract is checked precisely whatever the components declare today)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pulumi
import pulumi_aws as aws
import pulumi_random as random
import pytest

from data.catalogue.regions import GLOBAL_METRICS_REGION as GLOBAL
from infra import engine
from infra.engine import ACCOUNT_ID, SECRET, SECURE_PLACEHOLDER, Render, render_program

from conftest import PROJECT_ROOT

FIELDS = {"urn", "type", "name", "custom", "parent", "provider", "protect", "dependencies", "inputs"}
STACK_URN = "urn:pulumi:contract::monitored-estate::pulumi:pulumi:Stack::monitored-estate-contract"


def _walk(value):
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


class Bundle(pulumi.ComponentResource):
    """A component with a protected child, a provider passed down, a secret and numbers."""

    def __init__(self, name: str, provider: aws.Provider, opts: pulumi.ResourceOptions | None = None):
        super().__init__("monitored-estate:test:Bundle", name, None, opts)
        password = random.RandomPassword(f"{name}-password", length=40, special=False,
                                         opts=pulumi.ResourceOptions(parent=self, protect=True))
        secret = aws.secretsmanager.Secret(f"{name}-secret", name=f"org/{name}", recovery_window_in_days=30,
                                           opts=pulumi.ResourceOptions(parent=self, protect=True))
        aws.secretsmanager.SecretVersion(f"{name}-secret-value", secret_id=secret.id, secret_string=password.result,
                                         opts=pulumi.ResourceOptions(parent=self))
        topic = aws.sns.Topic(f"{name}-topic", name=f"{name}-alerts", opts=pulumi.ResourceOptions(parent=self, provider=provider))
        aws.cloudwatch.MetricAlarm(
            f"{name}-alarm",
            name=f"{name}-latency",
            namespace="AWS/ApplicationELB",
            metric_name="TargetResponseTime",
            statistic="Average",
            period=300,
            evaluation_periods=3,
            threshold=0.5,
            comparison_operator="GreaterThanThreshold",
            alarm_actions=[topic.arn],
            opts=pulumi.ResourceOptions(parent=self, provider=provider),
        )
        caller = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        aws.ssm.Parameter(f"{name}-account", name=f"/{name}/account", type="String", value="x",
                          description=caller.account_id, opts=pulumi.ResourceOptions(parent=self))
        aws.ssm.Parameter(f"{name}-token", name=f"/{name}/token", type="SecureString",
                          value=pulumi.Config().require_secret("token"), opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def _small_program() -> None:
    provider = aws.Provider(GLOBAL, region=GLOBAL)
    Bundle("bundle", provider)


@pytest.fixture(scope="module")
def small() -> Render:
    return render_program(
        _small_program,
        stack="contract",
        config={"aws:region": "eu-central-1", "monitored-estate:token": SECURE_PLACEHOLDER},
        secret_keys=["monitored-estate:token"],
    )


def test_every_resource_has_exactly_the_contract_fields(small: Render, prod_render: Render):
    for render in (small, prod_render):
        document = json.loads(render.to_json())
        # A program that exports stack outputs also has "outputs" (name -> plain value): the estate's do.
        assert set(document) == {"project", "stack", "resources"} | ({"outputs"} if render.outputs else set())
        assert document["project"] == "monitored-estate"
        for resource in document["resources"]:
            assert set(resource) == FIELDS
            assert isinstance(resource["custom"], bool) and isinstance(resource["protect"], bool)
            assert resource["urn"].startswith(f"urn:pulumi:{render.stack}::monitored-estate::")
            assert resource["urn"].endswith("::" + resource["name"])
            assert resource["dependencies"] == sorted(set(resource["dependencies"]))


def test_resources_sorted_by_urn_and_keys_sorted(prod_render: Render):
    urns = [r.urn for r in prod_render.resources]
    assert urns == sorted(urns) and len(urns) == len(set(urns))
    text = prod_render.to_json()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_small_program_is_recorded_exactly(small: Render):
    by_name = {r.name: r for r in small.resources}
    assert sorted(by_name) == [
        "bundle", "bundle-account", "bundle-alarm", "bundle-password", "bundle-secret",
        "bundle-secret-value", "bundle-token", "bundle-topic", GLOBAL,
    ]
    component = by_name["bundle"]
    assert component.custom is False and component.type == "monitored-estate:test:Bundle"
    assert component.parent == STACK_URN
    # URNs are the engine's: the parent's type chain, the root stack left out.
    assert by_name["bundle-alarm"].urn == (
        "urn:pulumi:contract::monitored-estate::monitored-estate:test:Bundle$aws:cloudwatch/metricAlarm:MetricAlarm::bundle-alarm"
    )
    assert all(r.parent == component.urn for r in small.resources if r.name.startswith("bundle-"))


def test_providers_are_resources_and_references_are_urns(small: Render):
    provider = small.named(GLOBAL)
    assert provider.type == "pulumi:providers:aws"
    assert provider.urn == f"urn:pulumi:contract::monitored-estate::pulumi:providers:aws::{GLOBAL}"
    assert provider.inputs["region"] == GLOBAL
    assert small.named("bundle-alarm").provider == provider.urn  # no "::<id>" suffix
    assert small.named("bundle-topic").provider == provider.urn
    assert small.named("bundle-secret").provider is None  # default provider
    assert small.region_of(small.named("bundle-topic")) == GLOBAL
    assert small.region_of(small.named("bundle-secret")) == "eu-central-1"


def test_protect_and_dependencies(small: Render):
    assert small.named("bundle-secret").protect is True
    assert small.named("bundle-password").protect is True
    assert small.named("bundle-alarm").protect is False
    value = small.named("bundle-secret-value")
    assert small.named("bundle-secret").urn in value.dependencies
    assert small.named("bundle-password").urn in value.dependencies
    assert small.named("bundle-topic").urn in small.named("bundle-alarm").dependencies


def test_secrets_are_masked_and_never_leak(small: Render):
    assert small.named("bundle-secret-value").inputs["secretString"] == SECRET
    assert small.named("bundle-token").inputs["value"] == SECRET
    for resource in small.resources:
        for value in _walk(resource.inputs):
            assert not (isinstance(value, str) and (SECURE_PLACEHOLDER in value or value.startswith("offline-")))


def test_integers_stay_integers_and_fractions_stay_floats(small: Render, prod_render: Render):
    alarm = small.named("bundle-alarm").inputs
    assert alarm["period"] == 300 and type(alarm["period"]) is int
    assert type(alarm["evaluationPeriods"]) is int
    assert alarm["threshold"] == 0.5 and type(alarm["threshold"]) is float
    assert '"period": 300,' in small.to_json()
    for render in (small, prod_render):
        for resource in render.resources:
            for value in _walk(resource.inputs):
                assert not (isinstance(value, float) and value.is_integer()), (resource.urn, value)


def test_outputs_are_deterministic_fakes(small: Render):
    inputs = small.named("bundle-alarm").inputs
    # The alarm's action is the topic's fake ARN, in the provider's region with the fixed account.
    assert inputs["alarmActions"] == [f"arn:aws:sns:{GLOBAL}:{ACCOUNT_ID}:bundle-alerts"]
    assert small.named("bundle-account").inputs["description"] == ACCOUNT_ID  # getCallerIdentity
    assert small.named("bundle-account").inputs["value"] == SECRET  # the provider marks SSM values secret
    secret_id = small.named("bundle-secret-value").inputs["secretId"]
    assert secret_id.startswith(f"arn:aws:secretsmanager:eu-central-1:{ACCOUNT_ID}:secret:org/bundle-")


def test_render_is_byte_identical_in_process(prod_render: Render, prod_stack_file):
    again = engine.render_stack(prod_stack_file)
    assert again.to_json() == prod_render.to_json()


def test_cli_json_is_byte_identical_across_processes(prod_render: Render, tmp_path):
    """A separate process (another hash seed) through the real CLI gives the same bytes."""
    out = tmp_path / "prod.json"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "estate"), "preview", "--stack", "prod", "--format", "json",
         "--output", str(out)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_text(encoding="utf-8") == prod_render.to_json()


def test_prod_declares_the_global_region_provider(prod_render: Render):
    providers = {p.inputs.get("region"): p for p in prod_render.of_type("pulumi:providers:aws")}
    assert sorted(providers) == ["eu-west-1", GLOBAL]  # eu-west-1: the DR standbys (issue 11)
    users = [r for r in prod_render.resources if r.provider == providers[GLOBAL].urn]
    assert users, "something must use the global-region provider (CloudFront / Route 53 metrics, alert topics)"
    assert all(prod_render.region_of(r) == GLOBAL for r in users)
    assert prod_render.region == "eu-central-1"


def test_fakes_answer_exactly_the_catalogue_outputs():
    """The catalogue says which outputs a type has (data/catalogue/resources.py); the engine invents
    their values. Every recipe returns exactly those names, and every type listing outputs has one."""
    from data.catalogue.resources import RESOURCE_TYPES
    from infra.engine.fakes import OUTPUTS, FakeContext

    for token, recipe in OUTPUTS.items():
        assert token in RESOURCE_TYPES, token
        computed = recipe(FakeContext(token, "name", {}, "eu-central-1"))
        assert set(computed) == set(RESOURCE_TYPES[token].outputs), token
    assert {t for t, entry in RESOURCE_TYPES.items() if entry.outputs} == set(OUTPUTS)


def _reading_program() -> None:
    provider = aws.Provider(GLOBAL, region=GLOBAL)
    bucket = aws.s3.Bucket.get("standby", "existing-bucket", opts=pulumi.ResourceOptions(provider=provider))
    aws.ssm.Parameter("uses", name="/uses", type="String", value="x", description=bucket.arn)


def test_reads_are_recorded_apart_answered_for_the_id_read():
    """``X.get`` (a DR standby bucket, issue 11): the engine answers with the outputs of the resource of that
    id in its provider's region, and keeps the read out of ``resources`` (policy packs never see reads)."""
    render = render_program(_reading_program, stack="reads", config={"aws:region": "eu-central-1"})
    assert [r.name for r in render.resources] == ["uses", GLOBAL]
    (read,) = render.reads
    assert (read.type, read.name, read.inputs, read.custom, read.protect) == ("aws:s3/bucket:Bucket", "standby", {"id": "existing-bucket"}, True, False)
    assert render.region_of(read) == GLOBAL
    assert render.named("uses").inputs["description"] == "arn:aws:s3:::existing-bucket"
    document = json.loads(render.to_json())
    assert set(document) == {"project", "stack", "resources", "reads"}
    assert [set(r) for r in document["reads"]] == [FIELDS]
