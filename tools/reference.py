"""The reference tables of the docs, generated from the code (cloudposse's Inputs table, Checkov's
check lists): nobody copies a rule, a default or a signal into a document by hand.

Each table sits between two marker comments in a committed document; everything outside the markers
is prose and stays as written:

- ``rules-summary`` (README.md) and ``rules`` (docs/policies.md): the policy pack's rules, from
  ``policies.rules`` (``ALL_POLICIES`` and ``INFO``);
- ``stack-file`` (docs/stack-file.md): every key of ``monitored-estate:estate`` with its type, default,
  constraints and description, walked from the pydantic models of ``data.model`` (``Field(description=...)``);
- ``signals`` (docs/runbooks.md): every family's signals with their default thresholds, from
  ``components.signal_tables`` (the defaults read from each table's thresholds model).

``python -m tools.reference`` (``make docs``) rewrites the tables; ``--check`` changes nothing and exits 1
naming every table that differs from the code (``tests/test_reference_docs.py`` runs it).
"""

from __future__ import annotations

import argparse
import difflib
import enum
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pulumi_policy import StackValidationPolicy

from components.signal_tables import ATLAS_ALERTS, ATLAS_THRESHOLDS, SIGNAL_TABLES, thresholds_model
from components.signals import Signal
from data.catalogue.atlas import OPERATORS as ATLAS_OPERATORS
from data.catalogue.cloudwatch import COMPARISON_OPERATORS, COMPARISON_SYMBOLS
from data.config import REGION_KEY
from data.model import Estate, Threshold
from policies.rules import ALL_POLICIES, INFO

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------------


def cell(text: str) -> str:
    """A table cell: a pipe would end the cell, even inside a code span."""
    return text.replace("|", "\\|")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --------------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------------


def _severity(policy: Any) -> str:
    return str(getattr(policy.severity, "value", policy.severity))


def _parameters(policy: Any) -> list[str]:
    """The rule's own config parameters (every rule also takes ``exemptions``)."""
    properties = policy.config_schema.properties if policy.config_schema else {}
    return [name for name in properties if name != "exemptions"]


def rules_summary() -> str:
    """README: one line per rule, by name."""
    rows = [
        (f"`{policy.name}`", _severity(policy), policy.enforcement_level.value, INFO[policy.name].runbook)
        for policy in sorted(ALL_POLICIES, key=lambda p: p.name)
    ]
    return table(("Rule", "Severity", "Level", "Runbook item"), rows)


def rules_table() -> str:
    """docs/policies.md: every rule in registration order, with its requirement and remediation."""
    rows = []
    for policy in ALL_POLICIES:
        info = INFO[policy.name]
        kind = "stack" if isinstance(policy, StackValidationPolicy) else "resource"
        text = f"{policy.description} *Fix:* {policy.remediation_steps}"
        parameters = _parameters(policy)
        if parameters:
            text += " Parameters: " + ", ".join(f"`{name}`" for name in parameters) + "."
        rows.append((
            f"`{policy.name}`", kind, _severity(policy), f"{policy.enforcement_level.value} ({info.category})",
            info.runbook, text,
        ))
    header = ("Rule", "Kind", "Severity", "Level (category)", "Runbook item (seed § section)", "Requirement and remediation")
    return table(header, rows)


# --------------------------------------------------------------------------------------------------
# The stack-file keys
# --------------------------------------------------------------------------------------------------

# Estate fields the loader fills from another config key of the stack file (data/config.py).
OTHER_CONFIG_KEYS = {"region": REGION_KEY}
_PLURALS = {"string": "strings", "integer": "integers", "number": "numbers", "boolean": "booleans", "mapping": "mappings"}
_NOUNS = {"character": "characters", "item": "items", "entry": "entries", "key": "keys"}
_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", date: "date (YYYY-MM-DD)"}


@dataclass
class Shape:
    """What a key holds: its type in words, its constraints, and the model its own keys come from."""

    type: str
    constraints: list[str] = field(default_factory=list)
    model: type[BaseModel] | None = None
    suffix: str = ""  # how the model's keys hang below the key: "" (a mapping), "[]" (list items), ".<name>"
    nullable: bool = False


def _bounds(metadata: Sequence[Any], noun: str) -> list[str]:
    """Constraints of pydantic's field metadata (annotated_types bounds and lengths, ``pattern``), in words."""
    limits: dict[str, Any] = {}
    for item in metadata:
        for name in ("ge", "gt", "le", "lt", "min_length", "max_length", "pattern"):
            if getattr(item, name, None) is not None:
                limits[name] = getattr(item, name)
    plural = _NOUNS[noun]
    out: list[str] = []
    shortest, longest = limits.get("min_length"), limits.get("max_length")
    if shortest is not None and longest is not None:
        out.append(f"{shortest} to {longest} {plural}")
    elif shortest is not None:
        out.append(f"at least {shortest} {noun if shortest == 1 else plural}")
    elif longest is not None:
        out.append(f"at most {longest} {plural}")
    if "ge" in limits and "le" in limits:
        out.append(f"{number(limits['ge'])} to {number(limits['le'])}")
    else:
        words = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}
        bounds = [f"{word} {number(limits[name])}" for name, word in words.items() if name in limits]
        out += [", ".join(bounds)] if bounds else []
    if "pattern" in limits:
        out.append(f"pattern `{limits['pattern']}`")
    return out


def shape(annotation: Any, metadata: Sequence[Any] = ()) -> Shape:
    """The shape of a field from its annotation and metadata (as pydantic keeps them)."""
    metadata = list(metadata)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) == 2 and kinds[0] is str and isinstance(kinds[1], type) and issubclass(kinds[1], BaseModel):
            # A plain value or a mapping (a subscription endpoint or its secret reference).
            inner = shape(kinds[1])
            inner.type, inner.nullable = "string or mapping", len(kinds) < len(args)
            return inner
        if len(kinds) != 1:
            raise TypeError(f"no words for the union {annotation!r}")
        inner = shape(kinds[0], metadata)
        inner.nullable = inner.nullable or len(kinds) < len(args)
        return inner
    if origin is typing.Annotated:
        extra = [m for info in args[1:] if isinstance(info, FieldInfo) for m in info.metadata]
        return shape(args[0], metadata + extra)
    if origin is list:
        item = shape(args[0])
        found = Shape(f"list of {_PLURALS.get(item.type, item.type)}", _bounds(metadata, "item"), item.model, "[]" + item.suffix)
        found.constraints += [f"each {text}" for text in item.constraints]
        return found
    if origin is dict:
        value = shape(args[1])
        found = Shape(f"mapping of names to {_PLURALS.get(value.type, value.type)}", _bounds(metadata, "entry"),
                      value.model, ".<name>" + value.suffix)
        found.constraints += [f"each value {text}" for text in value.constraints]
        return found
    if origin is typing.Literal:
        kinds = {type(value) for value in args}
        kind = _SCALARS[kinds.pop()] if len(kinds) == 1 else "value"
        return Shape(kind, ["one of " + ", ".join(f"`{value}`" for value in args)] + _bounds(metadata, "character"))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return Shape("string", ["one of " + ", ".join(f"`{member.value}`" for member in annotation)])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Shape("mapping", _bounds(metadata, "key"), annotation)
    if annotation in _SCALARS:
        return Shape(_SCALARS[annotation], _bounds(metadata, "character" if annotation is str else "item"))
    raise TypeError(f"no words for the type {annotation!r}")


def _flow(value: Any) -> str:
    """A value as YAML flow text, the way one would write it in the stack file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, enum.Enum):
        return _flow(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return _flow(value.model_dump(exclude_defaults=True))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    text = str(value)
    return f'"{text}"' if text == "" or re.search(r"[:{}\[\],#&*!|>'\"%@`]|^\s|\s$", text) else text


def _default(value: Any) -> str:
    if isinstance(value, BaseModel) and not value.model_dump(exclude_defaults=True):
        return "its keys' defaults"
    if isinstance(value, str) and value:
        return f"`{value}`"
    return f"`{_flow(value)}`"


@dataclass(frozen=True)
class Key:
    """One key of the stack file's estate, as the table shows it."""

    path: str
    shape: Shape
    default: str
    description: str
    model: type[BaseModel]  # the model declaring it


REQUIRED = object()


def keys(model: type[BaseModel] = Estate, prefix: str = "", defaults: BaseModel | None = None) -> Iterator[Key]:
    """Every key below ``model``, depth first in declaration order. A key's default is its value when
    it and its parents are absent (``defaults`` is the parent's default object, when it has one)."""
    for name, info in model.model_fields.items():
        path = OTHER_CONFIG_KEYS.get(name, name) if not prefix else f"{prefix}.{name}"
        if defaults is not None:
            value = getattr(defaults, name)
        elif info.is_required():
            value = REQUIRED
        else:
            value = info.get_default(call_default_factory=True)
        found = shape(info.annotation, info.metadata)
        if not info.description:
            raise ValueError(f"{model.__name__}.{name} ({path}): no Field(description=...)")
        yield Key(path, found, "required" if value is REQUIRED else _default(value), info.description, model)
        if found.model is not None:
            below = value if found.suffix == "" and isinstance(value, BaseModel) else None
            yield from keys(found.model, path + found.suffix, below)


def stack_file_table() -> str:
    rows = []
    for key in keys():
        kind = key.shape.type + (" or null" if key.shape.nullable else "")
        rows.append((f"`{key.path}`", kind, key.default, "; ".join(key.shape.constraints), key.description))
    return table(("Key", "Type", "Default", "Constraints", "Description"), rows)


def model_paths(model: type[BaseModel]) -> list[str]:
    """The stack-file paths where ``model`` sits (``ServiceThresholds`` -> ``services[].thresholds``)."""
    return [key.path for key in keys() if key.shape.model is model and key.shape.suffix == ""]


# --------------------------------------------------------------------------------------------------
# The signals
# --------------------------------------------------------------------------------------------------


def _measured(signal: Signal) -> str:
    if signal.metric is not None:
        metric = signal.metric
        by = f" by {', '.join(metric.dimensions)}" if metric.dimensions else ""
        return f"[`{metric.namespace} {metric.name}`]({metric.source}) {signal.statistic}{by}"
    if signal.math is not None:
        inputs = ", ".join(
            f"`{item.id}` = [`{item.metric.namespace} {item.metric.name}`]({item.metric.source}) {item.statistic}"
            for item in signal.math.inputs
        )
        return f"`{signal.math.expression}` where {inputs}"
    query = signal.insights.query({name: f"<{name}>" for name in signal.insights.where})
    return f"Metrics Insights `{query}` ([{signal.insights.metric.name}]({signal.insights.metric.source}))"


def _evaluation(signal: Signal) -> str:
    periods = signal.evaluation_periods
    datapoints = signal.datapoints_to_alarm or periods
    if datapoints != periods:
        return f"{datapoints} of {periods} periods of {signal.period} s"
    return f"{periods} period{'s' if periods > 1 else ''} of {signal.period} s"


def _level(signal: Signal, threshold: Threshold | None, value: float | None) -> str:
    if threshold is None or value is None:
        return "none"
    symbol = COMPARISON_SYMBOLS[COMPARISON_OPERATORS[(threshold.direction, signal.inclusive)]]
    unit = signal.unit if signal.unit == "%" else f" {signal.unit}" if signal.unit else ""
    return f"{symbol} {number(value)}{unit}"


def _threshold_default(model: type[BaseModel], key: str) -> Threshold | None:
    """The default of a thresholds field, read from the model (some models, like ``Mail``, have
    required fields and cannot be built empty)."""
    if key not in model.model_fields:
        raise ValueError(f"{model.__name__} has no field {key!r}")
    return model.model_fields[key].default


def signals_table() -> str:
    parts = []
    for signal_table in SIGNAL_TABLES:
        model = thresholds_model(signal_table)
        places = model_paths(model) if model is not None else []
        if model is not None and not places:
            raise ValueError(f"{model.__name__} (thresholds of {signal_table.family}) is no key of the stack file")
        rows = []
        for signal in signal_table:
            if signal.fixed is not None:
                threshold, key = signal.fixed, "fixed (the metric's own scale)"
            elif model is None:
                raise ValueError(f"{signal_table.family} {signal.name}: no thresholds model and no fixed threshold")
            else:
                threshold = _threshold_default(model, signal.threshold_key)
                key = ", ".join(f"`{place}.{signal.threshold_key}`" for place in places)
            rows.append((
                f"[`{signal.name}`](#{signal.name})", signal.what, _measured(signal), _evaluation(signal),
                f"`{signal.treat_missing_data}`", key,
                _level(signal, threshold, threshold.warning if threshold else None),
                _level(signal, threshold, threshold.critical if threshold else None),
            ))
        parts.append(f"**`{signal_table.family}`** (one alarm per level and {signal_table.owner}: "
                     f"`<{signal_table.owner}>-<signal>-<severity>`)\n\n" + table(
            ("Signal", "What", "Measured", "Alarm after", "Missing data", "Stack-file key", "Warning", "Critical"), rows))
    parts.append(atlas_alerts_table())
    return "\n\n".join(parts)


def atlas_alerts_table() -> str:
    """The Atlas-native alert configurations (not CloudWatch): one per declared level and alert."""
    rows = []
    places = model_paths(ATLAS_THRESHOLDS)
    for alert in ATLAS_ALERTS:
        threshold = _threshold_default(ATLAS_THRESHOLDS, alert.threshold_key)
        matchers = ", ".join(f"{field} = {value}" for field, value in alert.matchers) or "the cluster"
        rows.append((
            f"[`{alert.name}`](#{alert.name})", alert.what, f"[`{alert.metric.name}`]({alert.source}) ({alert.metric.units})",
            matchers, ", ".join(f"`{place}.{alert.threshold_key}`" for place in places),
            _atlas_level(threshold, threshold.warning), _atlas_level(threshold, threshold.critical),
        ))
    return ("**`atlas`** (Atlas alert configurations, one per level: `<cluster>-<alert>-<severity>`)\n\n"
            + table(("Alert", "What", "Atlas metric", "Hosts", "Stack-file key", "Warning", "Critical"), rows))


def _atlas_level(threshold: Threshold, value: float | None) -> str:
    return "none" if value is None else f"`{ATLAS_OPERATORS[threshold.direction]}` {number(value)}"


# --------------------------------------------------------------------------------------------------
# The documents
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A generated table: where it sits (document and marker name) and what writes it."""

    path: str
    name: str
    render: Callable[[], str]


BLOCKS = (
    Block("README.md", "rules-summary", rules_summary),
    Block("docs/policies.md", "rules", rules_table),
    Block("docs/stack-file.md", "stack-file", stack_file_table),
    Block("docs/runbooks.md", "signals", signals_table),
)


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


if __name__ == "__main__":
    sys.exit(main())
