"""Reading a stack's estate and turning every mistake into one clear line.

Two callers: the offline engine reads ``Pulumi.<stack>.yaml`` itself (``load_stack_file``), the real
program reads Pulumi's config (``estate_from_pulumi_config``). Both end in ``parse_estate``, which
either returns a valid ``Estate`` or raises ``EstateConfigError`` listing every problem as
``estate.<key path>: <what is expected>``. Nothing is registered before this succeeds.
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from data.catalogue.regions import aws_regions
from data.model import Estate
from data.secret_patterns import secret_kind, with_article

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
    not_json = _not_json(config, "config")
    if not_json:
        raise EstateConfigError([f"{path}: {line}" for line in not_json])
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


# go-yaml, which the Pulumi CLI reads stack files with, keeps a timestamp decoded into an interface{} as
# the text written ("for backward compatibility reasons we set it as a string",
# https://github.com/go-yaml/yaml/blob/v3.0.1/decode.go): `expires: 2027-06-30` reaches the program as
# the string "2027-06-30". PyYAML would make a datetime.date, which no JSON config can hold.
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))

# YAML types with no JSON counterpart (Pulumi config values are JSON): what to write instead.
_NOT_JSON = {bytes: "a YAML binary value cannot be a configuration value; write it as a string",
             set: "a YAML set cannot be a configuration value; write a list"}


def _not_json(value: Any, path: str) -> list[str]:
    """One line per value below ``path`` that JSON cannot hold (``!!binary``, ``!!set``)."""
    for kind, message in _NOT_JSON.items():
        if isinstance(value, kind):
            return [f"{path}: {message}"]
    if isinstance(value, dict):
        return [line for key, item in value.items() for line in _not_json(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [line for i, item in enumerate(value) for line in _not_json(item, f"{path}[{i}]")]
    return []


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
    """A valid ``Estate``, or ``EstateConfigError`` with every problem of the file in one run (issue 12
    #11): the region's, every field's, then the cross-references between parts, those of an item with
    a field mistake left out (they would only echo it)."""
    problems = _region_problems(region)
    region_ok = not problems
    if raw is None:
        problems.append(f"{ESTATE_KEY}: required (the estate; see Pulumi.prod.yaml for an example)")
    elif not isinstance(raw, dict):
        problems.append(f"{ESTATE_KEY}: expected a mapping, got {_kind(raw)}")
    if not isinstance(raw, dict):
        raise EstateConfigError(problems)
    if "region" in raw:
        problems.append(f"estate.region: unknown key; the region is {REGION_KEY}")
        raw = {key: value for key, value in raw.items() if key != "region"}
    # A wrong region must not hide the estate's own mistakes: validate with a stand-in, said once above.
    data = {**raw, "region": region if region_ok else _STAND_IN_REGION}
    estate: Estate | None = None
    secrets = _plaintext_secrets(raw, "estate")
    try:
        estate = Estate.model_validate(data)
    except ValidationError as error:
        fields = _describe(error, Estate)
        reported = {line.split(": ", 1)[0] for line in fields}
        problems += sorted(fields + [line for line in secrets if line.split(": ", 1)[0] not in reported])
        # A cross-check on the remains may read a value the salvage had to invent for an invalid one
        # (``versioning: sometimes`` read as absent, then "replication needs versioning"): report only
        # the lines that hold both with the invalid values left out and with them kept as written.
        left_out, as_written = _salvaged(data, keep_invalid=False), _salvaged(data, keep_invalid=True)
        cross = [] if left_out is None else _cross_problems(left_out, region_ok)
        kept = None if as_written is None else set(_cross_problems(as_written, region_ok))
        cross = [line for line in cross if kept is None or line in kept]
        faulty = {_item_root(line.split(": ", 1)[0]) for line in fields}
        problems += [line for line in cross if _item_root(line.split(": ", 1)[0]) not in faulty]
    else:
        problems += secrets + _cross_problems(estate, region_ok)
    if problems:
        raise EstateConfigError(problems)
    assert estate is not None
    return estate


_STAND_IN_REGION = "us-east-1"


def _plaintext_secrets(value: Any, path: str) -> list[str]:
    """A line per string of the estate that holds a credential (detect-secrets' plugins), whatever its
    key; the value is never repeated. Secret references are mappings of names: never flagged."""
    if isinstance(value, str):
        kind = secret_kind(value)
        if kind is None:
            return []
        return [f"{path}: holds what looks like {with_article(kind)} (detect-secrets); a credential never goes in the"
                " stack file: keep it in Secrets Manager or SSM (and rotate it: it has been in a file)"]
    if isinstance(value, dict):
        return [line for key, item in value.items() for line in _plaintext_secrets(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [line for i, item in enumerate(value) for line in _plaintext_secrets(item, f"{path}[{i}]")]
    return []


def _region_problems(region: Any) -> list[str]:
    if region is None:
        return [f"{REGION_KEY}: required (the estate's primary region, e.g. eu-central-1)"]
    if not isinstance(region, str):
        return [f"{REGION_KEY}: expected a region name such as eu-central-1, got {_kind(region)}"]
    if region not in aws_regions():
        hint = difflib.get_close_matches(region, sorted(aws_regions()), n=1)
        return [f"{REGION_KEY}: '{region}' is not an AWS region" + (f" (did you mean '{hint[0]}'?)" if hint else "")]
    return []


def _cross_problems(estate: Estate, region_ok: bool) -> list[str]:
    """The checks across keys (and, when the region is known, those against it), as key-path lines."""
    pairs = estate.reference_problems() + (estate.region_problems() if region_ok else [])
    return [f"estate.{path}: {message}" for path, message in pairs]


def _item_root(path: str) -> str:
    """The list item or top-level section a key path belongs to: ``estate.services[2]`` for
    ``estate.services[2].thresholds.cpu``, ``estate.network`` for ``estate.network.vpc_id``."""
    match = re.match(r"^[^\[]*\[\d+\]", path)
    return match.group(0) if match else ".".join(path.split(".")[:2])


def _salvaged(data: dict, keep_invalid: bool) -> Estate | None:
    """The estate as far as it is valid, for the cross-reference checks of a file with field mistakes:
    every field validated on its own, an invalid value replaced by its default (or nothing), nested
    models and list items salvaged one by one so list indices stay those of the file. Best effort:
    the field mistakes are already reported, so a check that cannot run on the remains is skipped.
    ``keep_invalid``: an invalid scalar stays as written instead of being left out."""
    if _wrecked(data):
        return None
    try:
        partial = _lenient(Estate, data, keep_invalid)
        partial.reference_problems()
        partial.region_problems()
    except Exception:  # noqa: BLE001 (salvage is a courtesy; the run already fails with the field lines)
        return None
    return partial


def _wrecked(data: dict) -> bool:
    """A section, or an item of a top-level list, that is not even the right container (``buckets: x``,
    ``services: [3]``): what it declares is unknown, so every check across keys would be guesswork
    ("no documents bucket") and waits for the next run."""
    for name, info in Estate.model_fields.items():
        if name not in data or data[name] is None:
            continue
        inner = _unwrap(info.annotation)
        value = data[name]
        if typing.get_origin(inner) is list:
            item = _unwrap(typing.get_args(inner)[0])
            if not isinstance(value, list):
                return True
            if isinstance(item, type) and issubclass(item, BaseModel) and not all(isinstance(v, dict) for v in value):
                return True
        elif isinstance(inner, type) and issubclass(inner, BaseModel) and not isinstance(value, dict):
            return True
    return False


def _lenient(model: type[BaseModel], raw: Any, keep_invalid: bool) -> BaseModel:
    raw = raw if isinstance(raw, dict) else {}
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in raw:
            values[name] = _lenient_value(info.annotation, raw[name], keep_invalid)
        elif not info.is_required():
            values[name] = info.get_default(call_default_factory=True)
        else:
            values[name] = _empty(info.annotation)
    return model.model_construct(**values)


def _lenient_value(annotation: Any, value: Any, keep_invalid: bool) -> Any:
    try:
        return _adapter(annotation).validate_python(value)
    except ValidationError:
        pass
    inner = _unwrap(annotation)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return _lenient(inner, value, keep_invalid)  # present but wrong: still present (no "none declared" echo)
    if origin is list:
        return [_lenient_value(args[0], item, keep_invalid) for item in value] if isinstance(value, list) else []
    if origin is dict:
        return {key: _lenient_value(args[1], item, keep_invalid) for key, item in value.items()} if isinstance(value, dict) else {}
    return value if keep_invalid else _empty(annotation)


def _empty(annotation: Any) -> Any:
    origin = typing.get_origin(_unwrap(annotation))
    return [] if origin is list else {} if origin is dict else None


_ADAPTERS: dict[Any, Any] = {}


def _adapter(annotation: Any):
    from pydantic import TypeAdapter

    key = repr(annotation)
    if key not in _ADAPTERS:
        _ADAPTERS[key] = TypeAdapter(annotation)
    return _ADAPTERS[key]


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
