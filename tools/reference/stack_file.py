"""Every key of the stack file, walked from the pydantic models of ``data.model``: type, default,
constraints and the ``Field(description=...)`` of each."""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from data.config import ESTATE_KEY, REGION_KEY
from data.model import Estate
from tools.reference.markdown import number, table


# Estate fields the loader fills from another config key of the stack file (data/config.py): they are
# no keys of the estate (the loader refuses `estate.region`), so the estate's table leaves them out and
# the table of config keys lists them (issue 12 #14: the reference and the loader agree).
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
        if len(kinds) == 2 and kinds[0] is bool:
            # A switch or a name (`uses_documents: true | <bucket name>`).
            inner = shape(kinds[1], metadata)
            inner.type, inner.nullable = f"boolean or {inner.type}", len(kinds) < len(args)
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
        if not prefix and model is Estate and name in OTHER_CONFIG_KEYS:
            continue  # another config key of the stack file: config_keys() lists it
        path = name if not prefix else f"{prefix}.{name}"
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


def config_keys() -> Iterator[Key]:
    """The keys of the stack file's ``config`` the program reads: the estate, and the Estate fields filled
    from other config keys."""
    for name, key in OTHER_CONFIG_KEYS.items():
        info = Estate.model_fields[name]
        yield Key(key, shape(info.annotation, info.metadata), "required", info.description or "", Estate)
    yield Key(ESTATE_KEY, Shape("mapping", [], Estate), "required", "The estate: every key of the table below.", Estate)


def stack_file_table() -> str:
    config = [(f"`{key.path}`", key.shape.type, key.default, "; ".join(key.shape.constraints), key.description)
              for key in config_keys()]
    rows = []
    for key in keys():
        kind = key.shape.type + (" or null" if key.shape.nullable else "")
        rows.append((f"`{key.path}`", kind, key.default, "; ".join(key.shape.constraints), key.description))
    header = ("Key", "Type", "Default", "Constraints", "Description")
    return (
        "Keys of `config` in the stack file:\n\n" + table(header, config)
        + f"\n\nKeys of the estate (below `{ESTATE_KEY}`):\n\n" + table(header, rows)
    )


def model_paths(model: type[BaseModel]) -> list[str]:
    """The stack-file paths where ``model`` sits (``ServiceThresholds`` -> ``services[].thresholds``)."""
    return [key.path for key in keys() if key.shape.model is model and key.shape.suffix == ""]
