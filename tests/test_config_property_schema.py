"""Property (issue 12 #1): no value at any key of the stack file's schema ever produces a traceback.

The corpus is generated from the estate model, through the JSON Schema ``tools.reference.schema``
derives from it: every key of every model, optional sections absent from Pulumi.prod.yaml included
(exemptions, platform alarms, a second bucket...), so a key added to the model is covered without
touching this file. Each example starts from a stack file of the project, sets one to three keys to a
value drawn from the key's own schema (its enum, pattern, range; YAML dates unquoted; whole sections
built from their required keys) or to an odd value, writes the YAML, and runs ``estate preview`` on
it: exit 0, or exit 2 with one key-path line per problem; never a crash (70) or a traceback. Valid
estates are rendered within a budget (a render costs about a second), the explicit examples first.
"""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from data.config import ESTATE_KEY, EstateConfigError, estate_from_stack_file, load_stack_file
from tools.cli import app
from tools.reference.schema import stack_file_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = stack_file_schema()
DEFS = SCHEMA["$defs"]
BASES = {path.name: load_stack_file(path).config for path in sorted([*ROOT.glob("Pulumi.*.yaml"), *ROOT.glob("examples/*.yaml")])}
NAME = "<name>"  # a key path's step into a mapping of names (env, tags, secrets)
RENDER_BUDGET = 6
_rendered: list[int] = []
ODD_VALUES = [None, True, 0, -1, 1.5, 10**12, "", "x", [], {}, ["a"], {"k": "v"}, "0.0.0.0/0", datetime.date(2027, 6, 30)]


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DEFS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


_REACHED: set[tuple[str, str]] = set()  # (model, key) pairs the walk below went through


def _key_paths(schema: dict, path: tuple = ()) -> list[tuple[tuple, dict]]:
    """Every key below ``schema``: (path, its schema), list items at index 0, names as ``<name>``."""
    schema = _resolve(schema)
    found = [(path, schema)]
    for branch in schema.get("anyOf", []):
        found += [item for item in _key_paths(branch, path) if item[0] != path]
    for key, sub in schema.get("properties", {}).items():
        _REACHED.add((schema.get("title", ""), key))
        found += _key_paths(sub, (*path, key))
    if isinstance(schema.get("additionalProperties"), dict):
        found += _key_paths(schema["additionalProperties"], (*path, NAME))
    if schema.get("type") == "array" and "items" in schema:
        found += _key_paths(schema["items"], (*path, 0))
    return found


KEY_PATHS = sorted({path: schema for path, schema in _key_paths(SCHEMA) if path}.items(), key=lambda item: str(item[0]))


def _value(schema: dict, depth: int = 0) -> st.SearchStrategy:
    """Values a key's schema describes (valid ones, and near misses its bounds allow)."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        return st.one_of([_value(branch, depth) for branch in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", -10))
        high = schema.get("maximum", schema.get("exclusiveMaximum", 10**6))
        return st.integers(min_value=int(low) - 1, max_value=int(high) + 1)
    if kind == "number":
        low = schema.get("minimum", schema.get("exclusiveMinimum", -10))
        high = schema.get("maximum", schema.get("exclusiveMaximum", 10**6))
        return st.one_of(st.integers(int(low), int(high)), st.floats(low, high, allow_nan=False, allow_infinity=False))
    if kind == "string":
        if schema.get("format") == "date":
            days = st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))
            return st.one_of(days, days.map(datetime.date.isoformat), st.just("2027-02-30"))  # YAML date, text, no such day
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda text: "\x00" not in text)
        return st.one_of(st.sampled_from(["x", "", "production", "https://example.com/a"]), st.text(max_size=12))
    if kind == "array":
        items = _value(schema.get("items", {}), depth + 1)
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=min(schema.get("maxItems", 3), 3))
    if kind == "object" and "properties" in schema:
        required = set(schema.get("required", []))
        fields = {k: _value(v, depth + 1) for k, v in schema["properties"].items() if k in required}
        optional = {k: _value(v, depth + 1) for k, v in schema["properties"].items() if k not in required and depth < 3}
        return st.fixed_dictionaries(fields, optional=optional)
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        names = st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True)
        return st.dictionaries(names, _value(schema["additionalProperties"], depth + 1), max_size=2)
    return st.sampled_from(ODD_VALUES)


_STRATEGIES: dict[tuple, st.SearchStrategy] = {}


def _for(path: tuple, schema: dict) -> st.SearchStrategy:
    if path not in _STRATEGIES:
        _STRATEGIES[path] = st.one_of(_value(schema), st.sampled_from(ODD_VALUES))
    return _STRATEGIES[path]


@st.composite
def _change(draw) -> tuple[tuple, Any]:
    path, schema = draw(st.sampled_from(KEY_PATHS))
    return path, draw(_for(path, schema))


def _set(document: dict, path: tuple, value: Any) -> None:
    """Set ``value`` at ``path``, creating what is missing (a section absent from the base included)."""
    container: Any = document
    for step, following in zip(path, (*path[1:], None)):
        fresh = [] if isinstance(following, int) else {}
        if isinstance(container, dict):
            key = next(iter(container), "EXTRA_KEY") if step == NAME else step
            if following is None:
                container[key] = value
                return
            if not isinstance(container.get(key), (dict, list)):
                container[key] = fresh
            container = container[key]
        else:  # a list: its first item
            if following is None:
                container[:1] = [value]
                return
            if not container or not isinstance(container[0], (dict, list)):
                container[:1] = [fresh]
            container = container[0]


def _lines_ok(stderr: str, path: Path) -> bool:
    lines = stderr.splitlines()
    heads = ("estate.", "aws:region", ESTATE_KEY, str(path))
    return bool(lines) and all(line and line.startswith(heads) for line in lines)


def _run(base: str, changes: list[tuple[tuple, Any]], directory: Path) -> None:
    document = {"config": copy.deepcopy(BASES[base])}
    for path, value in changes:
        _set(document, path, value)
    path = directory / "Pulumi.corpus.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        estate_from_stack_file(load_stack_file(path))
        valid = True
    except EstateConfigError:
        valid = False
    if valid and len(_rendered) >= RENDER_BUDGET:
        return  # valid, and renders are spent: validation is what this property is about
    if valid:
        _rendered.append(1)
    result = CliRunner().invoke(app, ["preview", "--stack-file", str(path), "--format", "json"])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.output}"
    if result.exit_code == 2:
        assert _lines_ok(result.stderr, path), result.stderr
        assert not valid or all(line.startswith("estate.exemptions[") for line in result.stderr.splitlines()), result.stderr
    else:
        assert valid and result.stdout.startswith("{")


EXEMPTION = {"policy": "storage-bucket-access-logging", "resource": "symphonia-logs-prod",
             "reason": "the log bucket does not log into itself", "expires": datetime.date(2099, 6, 30)}


@settings(max_examples=150, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
@given(base=st.sampled_from(sorted(BASES)), changes=st.lists(_change(), min_size=1, max_size=3))
@example(base="Pulumi.prod.yaml", changes=[((ESTATE_KEY, "exemptions"), [EXEMPTION])])  # the README's unquoted date
@example(base="Pulumi.prod.yaml", changes=[((ESTATE_KEY, "exemptions"), [{**EXEMPTION, "expires": datetime.date(2001, 1, 1)}])])
@example(base="Pulumi.prod.yaml", changes=[((ESTATE_KEY, "exemptions", 0, "resource"), "nothing-of-the-sort")])
@example(base="zenbilling.yaml", changes=[((ESTATE_KEY, "budget"), {"name": "zen-monthly", "monthly_limit_usd": 300})])
def test_no_value_at_any_schema_key_produces_a_traceback(tmp_path, base, changes):
    _run(base, [((("config",) + path) if path[0] != "config" else path, value) for path, value in changes], tmp_path)


def test_the_corpus_reaches_every_key_of_the_model():
    """Every property of every model of the schema is on a key path the corpus draws from."""
    declared = {(definition.get("title", ""), key) for definition in DEFS.values() for key in definition.get("properties", {})}
    assert declared and declared <= _REACHED, sorted(declared - _REACHED)
    paths = {path for path, _ in KEY_PATHS}
    assert ("config", ESTATE_KEY, "exemptions", 0, "expires") in paths
    assert ESTATE_KEY in BASES["Pulumi.prod.yaml"]
    assert len(paths) > 300
