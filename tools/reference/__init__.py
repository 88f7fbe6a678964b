"""The reference tables of the docs, generated from the code (cloudposse's Inputs table, Checkov's
check lists): nobody copies a rule, a default or a signal into a document by hand.

Each table sits between two marker comments in a committed document; everything outside the markers
is prose and stays as written:

- ``rules-summary`` (README.md) and ``rules`` (docs/policies.md): the policy pack's rules, from
  ``policies.rules`` (``ALL_POLICIES`` and ``INFO``);
- ``platforms`` (README.md): the Elastic Beanstalk platform branches ``platform.runtime`` accepts, from
  the catalogue (``data.catalogue.beanstalk.PLATFORM_BRANCHES``);
- ``stack-file`` (docs/stack-file.md): every key of ``monitored-estate:estate`` with its type, default,
  constraints and description, walked from the pydantic models of ``data.model`` (``Field(description=...)``);
- ``signals`` (docs/runbooks.md): every family's signals with their default thresholds, from
  ``components.signal_tables`` (the defaults read from each table's thresholds model);
- ``slo`` (docs/runbooks.md): the burn-rate pairs and each service's thresholds with their arithmetic, from
  ``data.model.slo`` and the objectives of ``Pulumi.prod.yaml`` and ``Pulumi.dr.yaml`` (``tools.reference.slo``);
- ``recovery-rpo`` and ``recovery-rto`` (docs/disaster-recovery.md): the recovery point per data class and
  the DR stack's recovery time, computed from the prod and DR renders (``tools.recovery``).

Whole files are generated too: ``docs/stack-file.schema.json``, the JSON Schema of a stack file, from
the same models (``tools.reference.schema``).

``python -m tools.reference`` (``make docs``) rewrites the tables; ``--check`` changes nothing and exits 1
naming every table that differs from the code (``tests/test_reference_docs.py`` runs it).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tools.reference.platforms import platforms_table
from tools.reference.recovery import rpo_table, rto_table
from tools.reference.rules import rules_summary, rules_table
from tools.reference.schema import SCHEMA_PATH, stack_file_schema_text
from tools.reference.signals import signals_table
from tools.reference.slo import slo_tables
from tools.reference.stack_file import OTHER_CONFIG_KEYS, keys, model_paths, stack_file_table

__all__ = ["BLOCKS", "FILES", "OTHER_CONFIG_KEYS", "Block", "generated", "keys", "main", "model_paths", "splice"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Block:
    """A generated table: where it sits (document and marker name) and what writes it."""

    path: str
    name: str
    render: Callable[[], str]


BLOCKS = (
    Block("README.md", "rules-summary", rules_summary),
    Block("README.md", "platforms", platforms_table),
    Block("docs/policies.md", "rules", rules_table),
    Block("docs/stack-file.md", "stack-file", stack_file_table),
    Block("docs/runbooks.md", "signals", signals_table),
    Block("docs/runbooks.md", "slo", slo_tables),
    Block("docs/disaster-recovery.md", "recovery-rpo", rpo_table),
    Block("docs/disaster-recovery.md", "recovery-rto", rto_table),
)
# Generated whole: path -> what writes it.
FILES: dict[str, Callable[[], str]] = {SCHEMA_PATH: stack_file_schema_text}


class MissingMarkers(Exception):
    pass


def begin_marker(name: str) -> str:
    return f"<!-- generated:{name} (python -m tools.reference writes this table from the code: edit the code) -->"


def end_marker(name: str) -> str:
    return f"<!-- /generated:{name} -->"


def splice(text: str, name: str, content: str) -> str:
    """``text`` with the block ``name`` holding ``content`` (the marker lines themselves are rewritten)."""
    pattern = re.compile(
        rf"^<!-- generated:{re.escape(name)}(?: [^\n]*?)? -->\n.*?^<!-- /generated:{re.escape(name)} -->$", re.DOTALL | re.MULTILINE,
    )
    found = pattern.findall(text)
    if len(found) != 1:
        raise MissingMarkers(f"expected one '<!-- generated:{name} ... -->' ... '{end_marker(name)}' pair, found {len(found)}")
    return pattern.sub(lambda _: f"{begin_marker(name)}\n{content}\n{end_marker(name)}", text)


def generated(root: Path = PROJECT_ROOT) -> dict[Path, tuple[str, str, list[str]]]:
    """Per document: (committed text, generated text, names of the blocks that differ)."""
    out: dict[Path, tuple[str, str, list[str]]] = {}
    for block in BLOCKS:
        path = root / block.path
        committed, current, differing = out.get(path) or (path.read_text(encoding="utf-8"), None, [])
        current = current if current is not None else committed
        updated = splice(current, block.name, block.render())
        if updated != current:
            differing.append(block.name)
        out[path] = (committed, updated, differing)
    for name, render in FILES.items():
        path = root / name
        committed = path.read_text(encoding="utf-8") if path.is_file() else ""
        current = render()
        out[path] = (committed, current, ["the whole file"] if current != committed else [])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.reference", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 listing the tables that differ from the code")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="the project directory (default: this checkout)")
    options = parser.parse_args(argv)
    try:
        documents = generated(options.root)
    except (MissingMarkers, OSError) as error:
        print(f"tools.reference: {error}", file=sys.stderr)
        return 2
    stale = {path: entry for path, entry in documents.items() if entry[2]}
    for path, (committed, updated, differing) in stale.items():
        relative = path.relative_to(options.root)
        if options.check:
            print(f"{relative}: out of date: {', '.join(differing)} (`make docs` rewrites it from the code)")
            diff = difflib.unified_diff(committed.splitlines(), updated.splitlines(), f"{relative} (committed)",
                                        f"{relative} (generated)", n=0, lineterm="")
            print("\n".join(list(diff)[:40]))
        else:
            path.write_text(updated, encoding="utf-8")
            print(f"{relative}: rewrote {', '.join(differing)}")
    if options.check and stale:
        return 1
    if not stale:
        print("the generated tables match the code")
    return 0

