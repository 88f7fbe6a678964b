"""Every class of bad configuration (issue 2 item 3) stops `estate preview` with one exact line per
problem on stderr, exit code 2, no traceback, and nothing registered.

"Nothing registered" is proved twice: the CLI never starts the mock runtime (``render_program`` is
replaced by a tripwire), and the real entry point fed the same config under the mock runtime stops
on its own validation with an empty list of registered URNs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from infra import engine
from tools.cli import app
from data.catalogue.beanstalk import SUPPORTED_RUNTIMES
from data.config import ESTATE_KEY, EstateConfigError

SECRET_HINT = "looks like a secret and must not be plaintext; declare it under secrets with secrets_manager, ssm, config or generated"


def _append_service_copy(estate: dict) -> None:
    clone = json.loads(json.dumps(estate["services"][0]))
    clone["environment"] = "authz-eb-prod-2"
    clone["database"] = "rt-auth-2"
    estate["services"].append(clone)


# (id, mutation of the estate data, the exact stderr lines)
CASES: list[tuple[str, Callable[[dict], Any], list[str]]] = [
    (
        "unknown-key-typo",
        lambda e: e["services"][0].__setitem__("helth_check", {"path": "/health"}),
        ["estate.services[0].helth_check: unknown key (did you mean 'health_check'?)"],
    ),
    (
        "unknown-top-level-key",
        lambda e: e.__setitem__("bugdet", e.pop("budget")),
        ["estate.bugdet: unknown key (did you mean 'budget'?)"],
    ),
    (
        "missing-required-key",
        lambda e: e["alerting"].pop("topic_prefix"),
        ["estate.alerting.topic_prefix: required key is missing"],
    ),
    (
        "wrong-type-number",
        lambda e: e["services"][1]["scaling"].__setitem__("min", "two"),
        ["estate.services[1].scaling.min: Input should be a valid integer, unable to parse string as an integer, got a string 'two'"],
    ),
    (
        "wrong-type-list",
        lambda e: e.__setitem__("buckets", "symphonia-documents-prod"),
        ["estate.buckets: Input should be a valid list, got a string 'symphonia-documents-prod'"],
    ),
    (
        "duplicate-service-name",
        _append_service_copy,
        ["estate.services[4].name: duplicate service name 'authz-eb' (first at services[0])"],
    ),
    (
        "threshold-critical-below-warning",
        lambda e: e["services"][2].__setitem__("thresholds", {"cpu": {"warning": 70, "critical": 60}}),
        ["estate.services[2].thresholds.cpu: critical (60) must be above warning (70)"],
    ),
    (
        "threshold-out-of-range",
        lambda e: e["services"][0].__setitem__("thresholds", {"cpu": {"warning": 70, "critical": 150}}),
        ["estate.services[0].thresholds.cpu: 150 is out of range: expected 0 to 100"],
    ),
    (
        "maintenance-window-syntax",
        lambda e: e["maintenance"]["preferred"].__setitem__("window", "sunday 02:00-05:00"),
        ["estate.maintenance.preferred.window: 'sunday 02:00-05:00' is not a weekly window like 'sun:02:00-sun:05:00' (lower-case day, 24 h UTC)"],
    ),
    (
        "invalid-bucket-name",
        lambda e: e["buckets"][0].__setitem__("name", "Symphonia_Documents"),
        ["estate.buckets[0].name: 'Symphonia_Documents' is not a valid S3 bucket name: 3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit"],
    ),
    (
        "lifecycle-expiration-before-transition",
        lambda e: e["buckets"][1]["lifecycle"][0].__setitem__("expiration_days", 20),
        ["estate.buckets[1].lifecycle[0].expiration_days: 20 must come after the last transition (30 days)"],
    ),
    (
        "atlas-open-to-the-world",
        lambda e: e["atlas"]["access_list"].append({"cidr": "0.0.0.0/0", "comment": "anywhere"}),
        ["estate.atlas.access_list[2].cidr: '0.0.0.0/0' opens the database to the whole internet; list the NAT egress addresses"],
    ),
    (
        "plaintext-secret-suffix",
        lambda e: e["services"][0]["env"].__setitem__("STRIPE_SECRET", "sk_live_abc"),
        [f"estate.services[0].env.STRIPE_SECRET: {SECRET_HINT}"],
    ),
    (
        "plaintext-key-suffix",
        lambda e: e["services"][1]["env"].__setitem__("SENDGRID_API_KEY", "SG.abc"),
        [f"estate.services[1].env.SENDGRID_API_KEY: {SECRET_HINT}"],
    ),
    (
        "plaintext-password",
        lambda e: e["services"][1]["env"].__setitem__("DB_PASSWORD_PRIMARY", "hunter2"),
        [f"estate.services[1].env.DB_PASSWORD_PRIMARY: {SECRET_HINT}"],
    ),
    (
        "plaintext-mongodb-uri",
        lambda e: e["services"][1]["env"].__setitem__("MONGODB_URI", "mongodb+srv://app:pw@cluster0.mongodb.net/db"),
        [f"estate.services[1].env.MONGODB_URI: {SECRET_HINT}"],
    ),
    (
        # Redis AUTH without an ACL user: the credential URI has an empty user part.
        "plaintext-redis-uri-empty-user",
        lambda e: e["services"][2]["env"].__setitem__("REDIS_URL", "redis://:s3cretpw@cache.internal:6379"),
        [f"estate.services[2].env.REDIS_URL: {SECRET_HINT.replace('a secret', 'a secret (a credential URI)', 1)}"],
    ),
    (
        # Issue 10 #3: the stack file names the runtime; the version is looked up at deploy time.
        "platform-unknown-runtime",
        lambda e: e["services"][0].__setitem__("platform", {"runtime": "Node.js 18"}),
        ["estate.services[0].platform.runtime: 'Node.js 18' is not a supported runtime (did you mean 'Node.js 24'?): expected one of"
         f" {', '.join(SUPPORTED_RUNTIMES)} (Amazon Linux 2023 platform branches: what follows 'running' in the solution stack name)"],
    ),
    (
        "platform-pinned-solution-stack",
        lambda e: e["services"][1].__setitem__("platform", {"solution_stack": "64bit Amazon Linux 2023 v6.6.7 running Node.js 22"}),
        ["estate.services[1].platform.solution_stack: a pinned platform version is no longer accepted (AWS retires versions,"
         " managed updates move past them); declare the runtime instead: runtime: Node.js 22"],
    ),
    (
        # B-13: EB's HealthCheckTimeout option range is 1-60 s (the ELB API's 2-120 is not EB's).
        "health-check-timeout-above-eb-range",
        lambda e: e["services"][0].__setitem__("health_check", {"interval": 120, "timeout": 90}),
        ["estate.services[0].health_check.timeout: Input should be less than or equal to 60"],
    ),
    (
        "root-volume-below-10-gib",
        lambda e: e["services"][0]["platform"].__setitem__("root_volume_size", 8),
        ["estate.services[0].platform.root_volume_size: 8 GiB is below 10, the least Elastic Beanstalk accepts for gp3"],
    ),
    (
        "io1-root-volume-needs-its-iops",  # review: io1 without RootVolumeIOPS fails at launch (EC2 requires Iops for io1)
        lambda e: e["services"][0]["platform"].__setitem__("root_volume_type", "io1"),
        ["estate.services[0].platform.root_volume_iops: required for io1 (the IOPS to provision; EC2 refuses io1 without)"],
    ),
    (
        "io1-iops-above-50-per-gib",
        lambda e: e["services"][0]["platform"].update(root_volume_type="io1", root_volume_size=20, root_volume_iops=1001),
        ["estate.services[0].platform.root_volume_iops: 1001 is more than 50 per GiB of the 20 GiB volume (io1's ratio):"
         " raise root_volume_size or lower the IOPS"],
    ),
    (
        "gp2-takes-no-iops",
        lambda e: e["services"][0]["platform"].update(root_volume_type="gp2", root_volume_iops=3000),
        ["estate.services[0].platform.root_volume_iops: gp2 takes no IOPS (only gp3, io1 do)"],
    ),
    (
        "gp3-iops-out-of-range",
        lambda e: e["services"][0]["platform"].update(root_volume_iops=2000),
        ["estate.services[0].platform.root_volume_iops: 2000 is outside 3000-16000, the range of gp3"],
    ),
    (
        "log-retention-not-a-cloudwatch-value",  # PutRetentionPolicy accepts a fixed list of days
        lambda e: e["services"][0].__setitem__("log_retention_days", 31),
        ["estate.services[0].log_retention_days: Input should be 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,"
         " 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653"],
    ),
    (
        "env-value-above-256",
        lambda e: e["services"][1].setdefault("env", {}).__setitem__("BANNER", "x" * 257),
        ["estate.services[1].env.BANNER: the value is 257 characters; Elastic Beanstalk allows 256"],
    ),
    (
        "env-key-above-128",
        lambda e: e["services"][1].setdefault("env", {}).__setitem__("K" * 129, "v"),
        [f"estate.services[1].env.{'K' * 129}: the name is 129 characters; Elastic Beanstalk allows 128"],
    ),
    (
        "env-total-above-4096",
        lambda e: e["services"][1].setdefault("env", {}).update({f"PADDING_{i}": "y" * 250 for i in range(17)}),
        ["estate.services[1].env: the environment properties take 4"],  # prefix: the exact total follows
    ),
    (
        "several-problems-one-line-each",
        lambda e: (e["alerting"].pop("topic_prefix"), e["buckets"][0].__setitem__("versioning", "sometimes")),
        [
            "estate.alerting.topic_prefix: required key is missing",
            "estate.buckets[0].versioning: Input should be a valid boolean, unable to interpret input, got a string 'sometimes'",
        ],
    ),
]


@pytest.fixture
def no_mock_runtime(monkeypatch):
    """A tripwire: the CLI must reject the config before the mock runtime exists."""
    started = []

    def tripwire(*args, **kwargs):
        started.append(args)
        raise AssertionError("the mock runtime started on an invalid configuration")

    monkeypatch.setattr(engine, "render_program", tripwire)
    return started


def _write_stack(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "Pulumi.broken.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _prod_document() -> dict:
    from conftest import PROD_STACK_FILE

    return yaml.safe_load(PROD_STACK_FILE.read_text(encoding="utf-8"))


def _preview(path: Path):
    return CliRunner().invoke(app, ["preview", "--stack-file", str(path), "--format", "json"])


@pytest.mark.parametrize("mutate, expected", [pytest.param(m, e, id=i) for i, m, e in CASES])
def test_cli_reports_each_problem_on_one_line_and_exits_2(tmp_path, no_mock_runtime, mutate, expected):
    document = _prod_document()
    mutate(document["config"][ESTATE_KEY])
    result = _preview(_write_stack(tmp_path, document))
    assert result.exit_code == 2, result.output
    if expected[-1].endswith("take 4"):  # a total whose exact figure the line states
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(expected[0]), result.stderr
    else:
        assert result.stderr.splitlines() == expected
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert no_mock_runtime == []


@pytest.mark.parametrize(
    "mutate, expected",
    [pytest.param(m, e, id=i) for i, m, e in CASES if i in ("threshold-critical-below-warning", "plaintext-mongodb-uri", "atlas-open-to-the-world")],
)
def test_real_entry_point_stops_before_registering_anything(mutate, expected):
    """Bypassing the CLI's validation, the deployed program itself refuses the config (as it would
    under `pulumi preview`) and registers no resource."""
    document = _prod_document()
    mutate(document["config"][ESTATE_KEY])
    config = {key: value if isinstance(value, str) else json.dumps(value) for key, value in document["config"].items()}
    with engine._working_directory(engine.PROJECT_ROOT):
        with pytest.raises(EstateConfigError) as caught:
            engine.render_program(engine.run_entry_point, stack="broken", config=config)
    assert caught.value.problems == expected
    assert caught.value.registered == []


def test_missing_region_and_estate(tmp_path, no_mock_runtime):
    result = _preview(_write_stack(tmp_path, {"config": {"other:key": 1}}))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "aws:region: required (the estate's primary region, e.g. eu-central-1)",
        "monitored-estate:estate: required (the estate; see Pulumi.prod.yaml for an example)",
    ]


def test_region_is_not_an_estate_key(tmp_path, no_mock_runtime):
    document = _prod_document()
    document["config"][ESTATE_KEY]["region"] = "eu-west-1"
    result = _preview(_write_stack(tmp_path, document))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["estate.region: unknown key; the region is aws:region"]


def test_invalid_yaml_and_missing_file(tmp_path, no_mock_runtime):
    broken = tmp_path / "Pulumi.bad.yaml"
    broken.write_text("config:\n  aws:region: [eu-central-1\n", encoding="utf-8")
    result = _preview(broken)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"{broken}: line ") and "not valid YAML" in result.stderr

    missing = tmp_path / "Pulumi.nowhere.yaml"
    result = _preview(missing)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{missing}: no such stack file"]


def test_unknown_stack_name(no_mock_runtime, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no Pulumi.yaml here: the checkout's project root is used
    result = CliRunner().invoke(app, ["preview", "--stack", "does-not-exist"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{engine.PROJECT_ROOT / 'Pulumi.does-not-exist.yaml'}: no such stack file"]


def test_an_io1_root_volume_sends_its_iops_to_elastic_beanstalk(prod_estate):
    """RootVolumeIOPS reaches the environment when declared (io1 needs it), and is absent otherwise."""
    from infra.engine import render_estate

    prod_estate["services"][0]["platform"].update(root_volume_type="io1", root_volume_size=20, root_volume_iops=1000)
    render = render_estate(prod_estate)
    settings = {s["name"]: s["value"] for env in render.of_type("aws:elasticbeanstalk/environment:Environment")
                for s in env.inputs["settings"] if s["namespace"] == "aws:autoscaling:launchconfiguration"
                and env.name == prod_estate["services"][0]["environment"]}
    assert settings["RootVolumeType"] == "io1" and settings["RootVolumeIOPS"] == "1000"
    others = [s for env in render.of_type("aws:elasticbeanstalk/environment:Environment")
              if env.name != prod_estate["services"][0]["environment"] for s in env.inputs["settings"]]
    assert not any(s["name"] == "RootVolumeIOPS" for s in others)
