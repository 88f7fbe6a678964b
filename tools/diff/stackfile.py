"""The stack file's change as key paths, the reviewer's terms: ``estate.services[tms-sync-eb].thresholds.cpu.warning:
70 → 60``.

Both ``Pulumi.<stack>.yaml`` texts are read as YAML; ``config:`` keys lose the project's prefix
(``monitored-estate:estate`` → ``estate``; ``aws:region`` stays). The estate is compared as the model reads
it (``parse_estate``: defaults filled in, so a new ``thresholds.cpu.warning: 60`` reads ``70 → 60``, the
default it replaces); a side the model refuses (an older schema at the base) is compared as written.
List items are addressed by their identity (``name``, else the first key unique on both sides), an item
added or removed is one line, and ``secure:`` values are never shown.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from data.config import ESTATE_KEY, PROJECT
from tools.diff.result import KeyChange

SECRET_SHOWN = "[secret]"
_ABSENT = object()


@functools.lru_cache(maxsize=4)
def _document(text: str) -> Any:
    """A stack file's text parsed once (the C loader when PyYAML has it); None when it is not YAML.
    Shared: callers must not mutate it."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return None


def stack_config(text: str | None) -> dict[str, Any]:
    """The ``config:`` mapping of a stack file's text ({} for no text or one that is not a mapping)."""
    document = _document(text) if text else None
    config = document.get("config") if isinstance(document, dict) else None
    return config if isinstance(config, dict) else {}


def _short_key(key: str) -> str:
    return key[len(PROJECT) + 1:] if key.startswith(f"{PROJECT}:") else key


def _hide_secure(value: Any) -> Any:
    """``{secure: <ciphertext>}`` anywhere becomes a marker that still changes with the ciphertext."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return (SECRET_SHOWN, str(value["secure"]))  # compared, never shown
        return {k: _hide_secure(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hide_secure(v) for v in value]
    return value


def _effective(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both configs with their keys shortened and ``secure:`` values hidden; the estates as the model
    reads them (defaults filled in) when both validate, else both as written (a base of an older schema
    read by this model would show every default as a change)."""
    sides = [{_short_key(str(k)): _hide_secure(v) for k, v in config.items()} for config in (base, head)]
    estate_key = _short_key(ESTATE_KEY)
    views = [_model_view(config.get(ESTATE_KEY), config.get("aws:region")) for config in (base, head)]
    if all(view is not None for view in views):
        for side, view in zip(sides, views):
            side[estate_key] = _hide_secure(view)
    return sides[0], sides[1]


def _model_view(raw: Any, region: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    try:
        from data.config import parse_estate

        dumped = parse_estate(raw, region).model_dump(mode="json")
    except Exception:  # noqa: BLE001  (an estate this code cannot read: compared as written)
        return None
    dumped.pop("region", None)  # the model's copy of aws:region, said once as aws:region
    return dumped


def _identity(before: list[Any], after: list[Any]) -> Callable[[Mapping[str, Any]], str] | None:
    """How to address the items of a list of mappings: ``name``, else the first key (then pair of keys)
    whose scalar value every item has, unique on each side; None when nothing identifies them."""
    items = before + after
    if not items or not all(isinstance(i, dict) for i in items):
        return None

    def unique(keys: tuple[str, ...]) -> bool:
        for side in (before, after):
            values = [tuple(item.get(k, _ABSENT) for k in keys) for item in side]
            if any(v is _ABSENT or isinstance(v, (dict, list)) for value in values for v in value):
                return False
            if len(set(values)) != len(values):
                return False
        return True

    keys = list(dict.fromkeys(k for item in items for k in item))
    keys.sort(key=lambda k: (k != "name", k != "id"))
    for key in keys:
        if unique((key,)):
            return lambda item, key=key: str(item[key])
    for i, first in enumerate(keys):
        for second in keys[i + 1:]:
            if unique((first, second)):
                return lambda item, pair=(first, second): "/".join(str(item[k]) for k in pair)
    return None


def _walk(before: Any, after: Any, path: str, out: list[KeyChange]) -> None:
    if before == after:
        return
    if before is _ABSENT:
        out.append(KeyChange(path, None, _shown(after), "added"))
        return
    if after is _ABSENT:
        out.append(KeyChange(path, _shown(before), None, "removed"))
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in dict.fromkeys([*before, *after]):
            _walk(before.get(key, _ABSENT), after.get(key, _ABSENT), f"{path}.{key}" if path else str(key), out)
        return
    if isinstance(before, list) and isinstance(after, list):
        identity = _identity(before, after)
        if identity is not None:
            old = {identity(item): item for item in before}
            new = {identity(item): item for item in after}
            for label in dict.fromkeys([*old, *new]):
                _walk(old.get(label, _ABSENT), new.get(label, _ABSENT), f"{path}[{label}]", out)
            return
    out.append(KeyChange(path, _shown(before), _shown(after)))


def _shown(value: Any) -> Any:
    """A value as reported: secure markers (anywhere in it) as ``[secret]``, their ciphertext dropped."""
    if isinstance(value, tuple) and value[:1] == (SECRET_SHOWN,):
        return SECRET_SHOWN
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    return value


def stack_file_changes(base_text: str | None, head_text: str) -> list[KeyChange]:
    """The key paths that differ between two stack files' texts, in the file's order: ``changed`` with
    before and after, ``added`` (after only) or ``removed`` (before only); a list item added or removed
    is one change at its address (``estate.services[notify-svc]``). No base text: the whole config is added."""
    out: list[KeyChange] = []
    _walk(*_effective(stack_config(base_text), stack_config(head_text)), "", out)
    return out


def owner_of_key(path: str) -> tuple[str, str | None]:
    """(section, item) a key path names: ``estate.services[tms-sync-eb].scaling`` → (``services``,
    ``tms-sync-eb``); ``estate.cache.node_type`` → (``cache``, None); ``aws:region`` → (``aws:region``, None)."""
    if not path.startswith("estate."):
        return path.split(".")[0].split("[")[0], None
    rest = path[len("estate."):]
    item = re.match(r"^(\w+)\[([^\]]*)\]", rest)
    if item:
        return item.group(1), item.group(2)
    return re.split(r"[.\[]", rest, maxsplit=1)[0], None


def stack_text_at_ref(commit: str, stack_file: Path) -> str | None:
    """A stack file's text as the revision ``commit`` has it (``git show``), None when the revision has no
    such file or the file is outside the repository: what ``diff_renders(base_stack_text=...)`` takes."""
    directory = stack_file.resolve().parent
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=directory, capture_output=True, text=True)
    if top.returncode != 0:
        return None
    try:
        relative = stack_file.resolve().relative_to(Path(top.stdout.strip()).resolve())
    except ValueError:
        return None
    shown = subprocess.run(["git", "show", f"{commit}:{relative.as_posix()}"], cwd=directory, capture_output=True, text=True)
    return shown.stdout if shown.returncode == 0 else None
