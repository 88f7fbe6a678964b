"""Shared fixtures: the prod stack rendered once per session, and a helper to render variants.

``prod_render`` runs the real entry point (``infra/__main__.py``) on ``Pulumi.prod.yaml`` under the
mock runtime; use it for anything that asserts on what prod declares. Build variants with
``prod_estate`` (a fresh deep copy of prod's estate data) and ``render_estate_dict``.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

from data.config import ESTATE_KEY, StackFile, load_stack_file
from infra.engine import Render, render_estate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROD_STACK_FILE = PROJECT_ROOT / "Pulumi.prod.yaml"

# pulumi_aws's s3 module warns on import of deprecated resources; the noise is not ours.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pulumi_aws(\..*)?")


@pytest.fixture(scope="session", autouse=True)
def _render_cache_of_the_session(tmp_path_factory):
    """``estate diff`` caches base renders (tools/diff/cache.py): the tests' go to a scratch directory,
    never to the user's cache (their subprocesses inherit the variable)."""
    import os

    os.environ.setdefault("ESTATE_CACHE_DIR", str(tmp_path_factory.mktemp("estate-cache")))


def render_estate_dict(raw_estate: dict[str, Any], region: str = "eu-central-1", stack: str = "test") -> Render:
    """Render an estate given as plain data (the value of ``monitored-estate:estate``).

    Raises ``data.config.EstateConfigError`` when the data is invalid (nothing is registered).
    """
    return render_estate(raw_estate, region=region, stack=stack)


def _prod_document() -> dict[str, Any]:
    return yaml.safe_load(PROD_STACK_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def prod_stack_file() -> StackFile:
    return load_stack_file(PROD_STACK_FILE)


@pytest.fixture(scope="session")
def prod_render(prod_stack_file: StackFile) -> Render:
    """The prod stack rendered once per session through the real entry point."""
    from infra.engine import render_stack

    return render_stack(prod_stack_file)


@pytest.fixture(scope="session")
def _prod_estate_pristine() -> dict[str, Any]:
    return _prod_document()["config"][ESTATE_KEY]


@pytest.fixture
def prod_estate(_prod_estate_pristine: dict[str, Any]) -> dict[str, Any]:
    """A fresh deep copy of prod's estate data, free to mutate."""
    return copy.deepcopy(_prod_estate_pristine)


@pytest.fixture(name="render_estate_dict")
def _render_estate_dict_fixture():
    """The ``render_estate_dict(raw, region="eu-central-1", stack="test")`` helper as a fixture."""
    return render_estate_dict
