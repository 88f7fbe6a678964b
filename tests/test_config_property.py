"""Property: no mutation of the prod stack file ever produces a traceback. Each one either renders
or fails with a clean ``EstateConfigError`` (one single-line problem per entry, naming a key path).

Mutations are drawn at random from every path of the prod stack file: delete a key or list item,
change a value's type, rename a key with a typo, push a number out of range. Validation is the cheap
path; a mutation that validates is also rendered through the real entry point (a few per run, plus
the explicit examples, so real renders always happen).
"""

from __future__ import annotations

import copy
import string
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from data.config import EstateConfigError, StackFile, estate_from_stack_file
from infra.engine import Render, render_stack

from conftest import PROD_STACK_FILE

PROD = yaml.safe_load(PROD_STACK_FILE.read_text(encoding="utf-8"))
RENDER_BUDGET = 5  # valid mutations rendered per run (each ~1 s), the explicit examples first
_rendered: list[int] = []


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for key in value:
            out += _paths(value[key], (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*prefix, i))
    return out


PATHS = _paths(PROD)
ODD_VALUES = [None, True, 0, -1, 1.5, 10**9, "", "x", "sun:99:00-sun:05:00", [], {}, ["a"], {"k": "v"}, "0.0.0.0/0"]


def _get(document: Any, path: tuple) -> Any:
    for part in path:
        document = document[part]
    return document


def _mutate(document: dict, path: tuple, kind: str, pick: int, char: str) -> None:
    if not path:
        if kind == "retype":
            document.clear()
            document["config"] = ODD_VALUES[pick % len(ODD_VALUES)]
        return
    container, last = _get(document, path[:-1]), path[-1]
    value = container[last]
    if kind == "delete":
        del container[last]
    elif kind == "retype":
        container[last] = ODD_VALUES[pick % len(ODD_VALUES)]
    elif kind == "typo" and isinstance(last, str):
        position = pick % (len(last) + 1)
        container[last[:position] + char + last[position:]] = container.pop(last)
    elif kind == "range" and isinstance(value, (int, float)) and not isinstance(value, bool):
        container[last] = [-value, value * 1000, 0, -1, value + 0.5][pick % 5]
    elif kind == "duplicate" and isinstance(container, list):
        container.append(copy.deepcopy(value))
    else:  # the kind does not apply here: replace the value with an odd one instead
        container[last] = ODD_VALUES[pick % len(ODD_VALUES)]


mutation = st.tuples(
    st.sampled_from(PATHS),
    st.sampled_from(["delete", "retype", "typo", "range", "duplicate"]),
    st.integers(min_value=0, max_value=1000),
    st.sampled_from(string.ascii_lowercase + "_-"),
)


def _apply(mutations: list) -> dict:
    document = copy.deepcopy(PROD)
    for path, kind, pick, char in mutations:
        try:
            _get(document, path)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
        _mutate(document, path, kind, pick, char)
    return document


def _stack_file(document: Any) -> StackFile:
    """What ``load_stack_file`` makes of the document (same checks, without touching the disk)."""
    from data.config import load_stack_file

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "Pulumi.mutant.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return load_stack_file(path, "mutant")


def _assert_clean(error: EstateConfigError) -> None:
    assert error.problems, "an EstateConfigError must list at least one problem"
    for line in error.problems:
        assert isinstance(line, str) and line and "\n" not in line
        assert "Traceback" not in line
        head = line.split(": ", 1)[0]
        assert head.startswith(("estate", "aws:region", "monitored-estate:estate", tempfile.gettempdir())), line


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None, derandomize=True)
@given(st.lists(mutation, min_size=1, max_size=3))
@example([(("config", "monitored-estate:estate", "budget"), "delete", 0, "a")])  # optional section: renders
@example([(("config", "monitored-estate:estate", "services", 1, "description"), "delete", 0, "a")])  # renders
@example([(("config", "monitored-estate:estate", "services", 0, "scaling", "max"), "range", 1, "a")])  # 4000: error
def test_no_mutation_produces_a_traceback(mutations):
    document = _apply(mutations)
    try:
        stack_file = _stack_file(document)
        estate_from_stack_file(stack_file)
    except EstateConfigError as error:
        _assert_clean(error)
        return
    # Valid: render it for real, within the budget (the explicit examples run first).
    if len(_rendered) < RENDER_BUDGET:
        _rendered.append(1)
        try:
            render = render_stack(stack_file)
        except EstateConfigError as error:  # the program's own checks: still clean
            _assert_clean(error)
            return
        assert isinstance(render, Render) and render.resources
