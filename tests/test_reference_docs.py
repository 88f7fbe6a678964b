"""The reference tables of the docs are generated from the code (tools/reference/): the committed
text equals the generated text, and a change on either side is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components.signal_tables import ATLAS_ALERTS, ATLAS_THRESHOLDS, SIGNAL_TABLES, thresholds_model
from data.model import Estate, Service
from tools import reference
from tools.reference import stack_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _copy_docs(tmp_path: Path) -> Path:
    for path in [block.path for block in reference.BLOCKS] + list(reference.FILES):
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / path, target)
    return tmp_path


def test_the_committed_tables_equal_the_generated_ones(capsys):
    assert reference.main(["--check"]) == 0, capsys.readouterr().out
    assert {block.path for block in reference.BLOCKS} == {
        "README.md", "docs/policies.md", "docs/stack-file.md", "docs/runbooks.md", "docs/disaster-recovery.md"}


def test_a_table_edited_by_hand_is_reported_and_make_docs_restores_it(tmp_path, capsys):
    root = _copy_docs(tmp_path)
    stack_file = root / "docs" / "stack-file.md"
    committed = stack_file.read_text(encoding="utf-8")
    row = next(line for line in committed.splitlines() if line.startswith("| `services[].port` |"))
    stack_file.write_text(committed.replace(row, row.replace(" |", " (edited by hand) |", 1)), encoding="utf-8")

    assert reference.main(["--check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "docs/stack-file.md: out of date: stack-file " in out
    assert "README.md" not in out and "docs/policies.md" not in out

    assert reference.main(["--root", str(root)]) == 0
    assert stack_file.read_text(encoding="utf-8") == committed


def test_a_description_changed_in_the_model_is_reported(tmp_path, monkeypatch, capsys):
    root = _copy_docs(tmp_path)
    monkeypatch.setattr(Service.model_fields["port"], "description", "Where the application listens.")
    assert reference.main(["--check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "docs/stack-file.md: out of date: stack-file " in out
    assert next(line for line in out.splitlines() if line.startswith("+| `services[].port` |")).endswith(
        "| Where the application listens. |")


def test_a_rule_changed_in_the_pack_is_reported_in_both_rule_tables(tmp_path, monkeypatch, capsys):
    from policies.rules import ALL_POLICIES, INFO
    from policies.rules.base import RuleInfo

    root = _copy_docs(tmp_path)
    rule = ALL_POLICIES[0]
    monkeypatch.setitem(INFO, rule.name, RuleInfo(area=INFO[rule.name].area, category=INFO[rule.name].category,
                                                   runbook="000 § a runbook item moved"))
    assert reference.main(["--check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "README.md: out of date: rules-summary " in out and "docs/policies.md: out of date: rules " in out


def test_the_dr_tables_follow_the_renders(tmp_path, monkeypatch, capsys):
    """docs/disaster-recovery.md's RPO table is computed from the prod render: a data class whose
    declaration changes (here: documents now replicated) makes the committed table out of date."""
    import dataclasses

    from tools.reference import recovery as recovery_tables

    root = _copy_docs(tmp_path)
    report = recovery_tables.project_report()
    documents = dataclasses.replace(report.points[0], status="replicated", declared="replicated to symphonia-documents-dr")
    monkeypatch.setattr(recovery_tables, "project_report", lambda: dataclasses.replace(report, points=(documents, *report.points[1:])))
    assert reference.main(["--check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "docs/disaster-recovery.md: out of date: recovery-rpo " in out
    assert "replicated to symphonia-documents-dr" in out


def test_missing_markers_are_bad_input(tmp_path, capsys):
    root = _copy_docs(tmp_path)
    (root / "docs" / "runbooks.md").write_text("# Alarm runbook\n", encoding="utf-8")
    assert reference.main(["--check", "--root", str(root)]) == 2
    assert "generated:signals" in capsys.readouterr().err


def test_every_stack_file_key_has_a_description_and_every_model_a_place():
    paths = [key.path for key in reference.keys()]
    assert len(paths) == len(set(paths))
    assert "services[].thresholds.cpu.warning" in paths and "services[].secrets.<name>.generated" in paths
    # Issue 12 #14: the loader refuses estate.region (it comes from aws:region), so the estate's keys do not list it.
    assert "region" not in paths and "aws:region" not in paths
    assert [key.path for key in stack_file.config_keys()] == ["aws:region", "monitored-estate:estate"]
    top_level = [name for name in Estate.model_fields if name not in reference.OTHER_CONFIG_KEYS]
    assert [path for path in paths if "." not in path] == top_level  # walked from the root model, in its order


def test_the_reference_lists_exactly_the_keys_the_loader_accepts(prod_estate):
    """Every top-level key of the estate table is accepted by the loader, and a key it refuses is not listed."""
    from data.config import EstateConfigError, parse_estate

    table = reference.generated()[PROJECT_ROOT / "docs" / "stack-file.md"][1]
    estate_table = table.split("Keys of the estate", 1)[1]
    listed = {line.split("`")[1] for line in estate_table.splitlines() if line.startswith("| `")}
    top_level = {path for path in listed if "." not in path and "[" not in path}
    assert top_level == set(Estate.model_fields) - set(reference.OTHER_CONFIG_KEYS)
    for name in reference.OTHER_CONFIG_KEYS:
        with pytest.raises(EstateConfigError) as caught:
            parse_estate({**prod_estate, name: "eu-west-1"}, "eu-central-1")
        assert caught.value.problems == [f"estate.{name}: unknown key; the region is aws:region"]


def test_every_signal_table_names_its_thresholds_model_and_fields():
    for table in SIGNAL_TABLES:
        model = thresholds_model(table)
        if model is not None:
            assert reference.model_paths(model), f"{model.__name__} is no key of the stack file"
        for signal in table:
            if signal.fixed is None:  # a configurable threshold is a field of the family's model
                assert model is not None and signal.threshold_key in model.model_fields, (table.family, signal.name)
    for alert in ATLAS_ALERTS:
        assert alert.threshold_key in ATLAS_THRESHOLDS.model_fields, alert.name


def test_every_family_with_a_signal_table_is_indexed():
    """A family's signal table that the index forgets would be missing from the generated docs."""
    import importlib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "components"
    tables = {
        importlib.import_module(f"components.{path.parent.name}.signals").SIGNALS.family
        for path in root.glob("*/signals.py")
    }
    assert tables == {table.family for table in SIGNAL_TABLES}


@pytest.mark.parametrize("key, default", [
    ("services[].thresholds.cpu.warning", "`70`"),
    ("services[].thresholds.latency_p95.critical", "`2`"),
    ("cdn[].thresholds.cache_hit_rate.direction", "`below`"),
    ("cache.auth_token.generated", "`64`"),
    ("maintenance.preferred.window", "`sun:02:00-sun:05:00`"),
    ("services[].metric_alarms[].threshold.warning", "`null`"),
    ("alerting.topic_prefix", "required"),
])
def test_defaults_are_read_from_the_model(key, default):
    assert next(k for k in reference.keys() if k.path == key).default == default
