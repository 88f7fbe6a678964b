"""Reading a stack's estate and turning every mistake into one clear line.

Two callers: the offline engine reads ``Pulumi.<stack>.yaml`` itself (``load_stack_file``), the real
program reads Pulumi's config (``estate_from_pulumi_config``). Both end in ``parse_estate``, which
either returns a valid ``Estate`` or raises ``EstateConfigError`` listing every problem as
``estate.<key path>: <what is expected>``. Nothing is registered before this succeeds.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from data.catalogue.regions import aws_regions
from data.model import Estate

PROJECT = "monitored-estate"
ESTATE_KEY = f"{PROJECT}:estate"
REGION_KEY = "aws:region"


class EstateConfigError(Exception):
    """A stack configuration that cannot be rendered; ``problems`` holds one line per mistake."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class StackFile:
    """A parsed ``Pulumi.<stack>.yaml``: plain config values and the names of ``secure:`` keys."""

    path: Path
    stack: str
    config: dict[str, Any]
    secret_keys: frozenset[str] = field(default_factory=frozenset)


def stack_file_path(stack: str, project_dir: Path) -> Path:
    return project_dir / f"Pulumi.{stack}.yaml"


def load_stack_file(path: Path, stack: str | None = None) -> StackFile:
    """Read a stack file. ``stack`` defaults to the ``<stack>`` of ``Pulumi.<stack>.yaml``."""
    if stack is None:
        name = path.name
        stack = name[len("Pulumi.") : -len(".yaml")] if name.startswith("Pulumi.") and name.endswith(".yaml") else path.stem
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EstateConfigError([f"{path}: no such stack file"]) from None
    except UnicodeDecodeError as error:
        raise EstateConfigError(
            [f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset {error.start})"]
        ) from None
    except OSError as error:
        raise EstateConfigError([f"{path}: cannot be read ({error.strerror})"]) from None
    try:
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except DuplicateKeyError as error:
        raise EstateConfigError([f"{path}: {error}"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise EstateConfigError([f"{path}:{where}: not valid YAML ({reason})"]) from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise EstateConfigError([f"{path}: expected a mapping with a 'config' key, got {_kind(document)}"])
    config = document.get("config", {})
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise EstateConfigError([f"{path}: config: expected a mapping of '<namespace>:<key>' to values, got {_kind(config)}"])
    secret_keys = frozenset(key for key, value in config.items() if _is_secure(value))
    return StackFile(path=path, stack=stack, config=config, secret_keys=secret_keys)


class DuplicateKeyError(yaml.YAMLError):
    """A mapping that names the same key twice (YAML would silently keep the last one)."""


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """``yaml.safe_load`` that refuses duplicate keys instead of dropping the first value. LibYAML's
    parser when PyYAML was built with it (the constructor stays Python, so the check is the same):
    the pure-Python parser took 0.12 s of every command on the prod stack file."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise DuplicateKeyError(f"line {line}: duplicate key '{key}' (first at line {seen[key]})")
            if isinstance(key, (str, int, float, bool)):
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def estate_from_stack_file(stack_file: StackFile) -> Estate:
    return parse_estate(stack_file.config.get(ESTATE_KEY), stack_file.config.get(REGION_KEY))


def estate_from_pulumi_config() -> Estate:
    """The real program's path: the same validation, fed from Pulumi's config."""
    import pulumi

    raw = pulumi.Config(PROJECT).get_object("estate")
    region = pulumi.Config("aws").get("region")
    return parse_estate(raw, region)


def parse_estate(raw: Any, region: Any) -> Estate:
    problems: list[str] = []
    if region is None:
        problems.append(f"{REGION_KEY}: required (the estate's primary region, e.g. eu-central-1)")
    elif not isinstance(region, str):
        problems.append(f"{REGION_KEY}: expected a region name such as eu-central-1, got {_kind(region)}")
    elif region not in aws_regions():
        hint = difflib.get_close_matches(region, sorted(aws_regions()), n=1)
        problems.append(
            f"{REGION_KEY}: '{region}' is not an AWS region" + (f" (did you mean '{hint[0]}'?)" if hint else "")
        )
    if raw is None:
        problems.append(f"{ESTATE_KEY}: required (the estate; see Pulumi.prod.yaml for an example)")
    elif not isinstance(raw, dict):
        problems.append(f"{ESTATE_KEY}: expected a mapping, got {_kind(raw)}")
    if problems:
        raise EstateConfigError(problems)
    if "region" in raw:
        raise EstateConfigError([f"estate.region: unknown key; the region is {REGION_KEY}"])
    try:
        estate = Estate.model_validate({**raw, "region": region})
    except ValidationError as error:
        raise EstateConfigError(_describe(error, Estate)) from None
    cross = [f"estate.{path}: {message}" for path, message in estate.reference_problems()]
    if cross:
        raise EstateConfigError(cross)
    return estate


def _describe(error: ValidationError, root: type[BaseModel]) -> list[str]:
    lines = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        if loc[:1] == ("region",):
            lines.append(f"{REGION_KEY}: {_message(item, root, loc)}")
            continue
        path, message = _path(loc), _message(item, root, loc)
        # A model validator names the offending field first ("env.DB_PASSWORD: ..."): fold it
        # into the key path so every line starts with the exact key.
        head, sep, rest = message.partition(": ")
        if sep and re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_]+|\[\d+\])*", head):
            field = re.split(r"[.\[]", head, maxsplit=1)[0]
            if field in _fields_at(root, loc):
                path, message = f"{path}.{head}", rest
        lines.append(f"{path}: {message}")
    # One line per problem, in a stable order.
    return sorted(dict.fromkeys(lines))


def _path(loc: tuple) -> str:
    out = "estate"
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _is_type_tag(part):
            continue  # pydantic's union branch names ("int", "str") are not key paths
        else:
            out += f".{part}"
    return out


def _is_type_tag(part: str) -> bool:
    return part in {"int", "float", "str", "bool", "list", "dict", "none"} or part.startswith(("list[", "dict[", "function-"))


def _message(item: dict, root: type[BaseModel], loc: tuple) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        known = _fields_at(root, loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else (f" (known keys: {', '.join(sorted(known))})" if known else "")
        return f"unknown key{suggestion}"
    if kind == "missing":
        return "required key is missing"
    message = item["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        message += f", got {_kind(item.get('input'))}"
    return message


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the model found at ``loc`` (for 'did you mean' hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and _is_type_tag(part)):
            current = _unwrap(current, list_item=True)
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = _unwrap(current.model_fields[part].annotation)
        else:
            current = _unwrap(current, dict_value=True)
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any, *, list_item: bool = False, dict_value: bool = False) -> Any:
    import types
    import typing

    for _ in range(5):
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin in (typing.Union, types.UnionType):
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else next((a for a in args if a is not type(None)), annotation)
        elif origin is typing.Annotated:
            annotation = args[0]
        elif origin is list and list_item:
            annotation, list_item = args[0], False
        elif origin is dict and dict_value:
            annotation, dict_value = args[1], False
        else:
            break
    return annotation


def _kind(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    if value is None:
        return "nothing (null)"
    kind = names.get(type(value), type(value).__name__)
    if isinstance(value, (str, int, float, bool)):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        return f"{kind} {shown}"
    return kind
