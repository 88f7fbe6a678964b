"""Stack files that YAML or pydantic would accept silently, refused with one clear line (exit 2):
duplicate keys, bytes that are not UTF-8, a boolean for a number, a misspelt region."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra import engine
from tools.cli import app

ROOT = Path(__file__).resolve().parent.parent
PROD = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8")


@pytest.fixture
def no_mock_runtime(monkeypatch):
    def tripwire(*args, **kwargs):
        raise AssertionError("the mock runtime started on an invalid configuration")

    monkeypatch.setattr(engine, "render_program", tripwire)


def _preview(tmp_path: Path, content: bytes):
    path = tmp_path / "Pulumi.broken.yaml"
    path.write_bytes(content)
    return path, CliRunner().invoke(app, ["preview", "--stack-file", str(path), "--format", "json"])


def _prod_with(old: str, new: str) -> bytes:
    assert old in PROD
    return PROD.replace(old, new, 1).encode("utf-8")


CASES = [
    (
        "duplicate-key",
        _prod_with("      - name: authz-eb\n", "      - name: authz-eb\n        name: authz-eb-v2\n"),
        "{path}: line 34: duplicate key 'name' (first at line 33)",
    ),
    (
        "not-utf8",
        b"config:\n  aws:region: eu-central-1\n  note: \"caf\xe9\"\n",
        "{path}: not UTF-8 text (byte 0xe9 at offset 47)",
    ),
    (
        "boolean-for-number",
        _prod_with("        port: 3001\n", "        port: true\n"),
        "estate.services[0].port: expected a number, got a boolean true",
    ),
    (
        "two-services-one-database",
        _prod_with("        database: rt-tms-sync\n", "        database: rt-auth\n"),
        "estate.services[2].database: 'rt-auth' is already the database of services[0];"
        " each service owns its database (one Atlas user with readWrite on it alone)",
    ),
    (
        "misspelt-region",
        _prod_with("  aws:region: eu-central-1\n", "  aws:region: eu-centrl-1\n"),
        "aws:region: 'eu-centrl-1' is not an AWS region (did you mean 'eu-central-1'?)",
    ),
]


@pytest.mark.parametrize("content, expected", [pytest.param(c, e, id=i) for i, c, e in CASES])
def test_refused_with_one_line_and_exit_2(tmp_path, no_mock_runtime, content, expected):
    path, result = _preview(tmp_path, content)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [expected.format(path=path)]
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_a_boolean_stays_valid_where_a_boolean_is_expected(tmp_path, monkeypatch):
    from data.config import load_stack_file, estate_from_stack_file

    path = tmp_path / "Pulumi.ok.yaml"
    path.write_bytes(_prod_with("        uses_mail: true\n", "        uses_mail: false\n"))
    estate = estate_from_stack_file(load_stack_file(path))
    assert estate.services[0].uses_mail is False


# Property: the raw file mutated byte by byte (what the structured mutations of test_config_property
# cannot produce: broken YAML, bad encodings, duplicate keys, booleans where numbers go) still gives
# either a valid estate or a clean EstateConfigError, never another exception.
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from data.config import EstateConfigError, estate_from_stack_file, load_stack_file  # noqa: E402

PROD_BYTES = PROD.encode("utf-8")
SNIPPETS = [b"true", b"\xff", b"\xc3", b"- ", b": ", b"\n", b"  ", b"{", b"]", b"&a", b"*a", b"!!python/object:os.system", b"name: x\n"]

byte_edit = st.tuples(
    st.integers(min_value=0, max_value=len(PROD_BYTES) - 1),
    st.sampled_from(["insert", "delete", "replace"]),
    st.sampled_from(SNIPPETS),
    st.integers(min_value=1, max_value=12),
)


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(byte_edit, min_size=1, max_size=3))
def test_byte_level_mutations_never_raise_anything_but_a_clean_error(tmp_path, edits):
    content = bytearray(PROD_BYTES)
    for offset, kind, snippet, length in edits:
        offset = min(offset, len(content))
        if kind == "insert":
            content[offset:offset] = snippet
        elif kind == "delete":
            del content[offset:offset + length]
        else:
            content[offset:offset + len(snippet)] = snippet
    path = tmp_path / "Pulumi.mutant.yaml"
    path.write_bytes(bytes(content))
    try:
        estate_from_stack_file(load_stack_file(path))
    except EstateConfigError as error:
        assert error.problems and all(line and "\n" not in line for line in error.problems), error.problems
