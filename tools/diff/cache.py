"""Base renders kept on disk, so a second ``estate diff`` against the same base skips its render.

A base render depends only on what the key holds: the commit (its code and, for a stack file inside
the repository, its stack file), where the project sits in the repository, which stack file and its
exact bytes (a stack file outside the repository has no history), and the interpreter and packages
that run the base's code (Python version, the installed distributions and their versions: a new
``pulumi_aws`` changes the inputs a resource renders). Nothing else is read: the program takes no
environment variables, and a render holds no secret in plaintext (``secure:`` values render as
``"[secret]"``), so an entry is safe to keep.

Where: ``$ESTATE_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/monitored-estate`` (``~/.cache/...``);
entries under ``base-renders/``, one JSON file each, the most recent 32 kept. ``ESTATE_CACHE=off``
(or ``0``, ``no``, ``false``) turns the cache off. An unreadable, corrupt or mismatched entry is
ignored, and the fresh render overwrites it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CACHE_ENV = "ESTATE_CACHE"
CACHE_DIR_ENV = "ESTATE_CACHE_DIR"
FORMAT = 1  # bump when an entry's layout or the key's meaning changes
KEEP = 32  # entries (about 0.7 MB each for prod)
_OFF = ("0", "off", "no", "false")


def cache_enabled() -> bool:
    return os.environ.get(CACHE_ENV, "").strip().lower() not in _OFF


def cache_root() -> Path:
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "monitored-estate"


def installed_packages() -> str:
    """A digest of the distributions installed in this interpreter's site-packages, by name and
    version (their ``*.dist-info`` directory names): a listing, not an import, so it costs a few ms."""
    names: set[str] = set()
    for key in ("purelib", "platlib"):
        directory = Path(sysconfig.get_paths()[key])
        if directory.is_dir():
            names.update(entry.name for entry in directory.iterdir() if entry.name.endswith((".dist-info", ".egg-info")))
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


def render_key(*, commit: str, project: str, stack: str, stack_bytes: bytes) -> dict[str, Any]:
    """What a base render depends on (see the module docstring); ``stack`` names the stack file
    (``Pulumi.prod.yaml``, a path in the repository, or an absolute path outside it)."""
    return {
        "format": FORMAT,
        "commit": commit,
        "project": project,
        "stack": stack,
        "stack_sha256": hashlib.sha256(stack_bytes).hexdigest(),
        "python": sys.version,
        "packages": installed_packages(),
    }


class RenderCache:
    """Base renders by key, one JSON file each under ``<root>/base-renders/``."""

    def __init__(self, root: Path):
        self.directory = root / "base-renders"

    @classmethod
    def from_environment(cls) -> RenderCache | None:
        return cls(cache_root()) if cache_enabled() else None

    def path(self, key: Mapping[str, Any]) -> Path:
        digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
        return self.directory / f"{digest[:40]}.json"

    def load(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        """The entry stored under ``key`` ({"render", "stack_text"}), or None: missing, unreadable,
        not JSON, another key, or not a render."""
        path = self.path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not (isinstance(entry, dict) and entry.get("key") == dict(key) and isinstance(entry.get("render"), dict)
                and isinstance(entry["render"].get("resources"), list)):
            return None
        try:
            os.utime(path)  # the least recently used go first
        except OSError:
            pass
        return entry

    def store(self, key: Mapping[str, Any], render: Mapping[str, Any], stack_text: str | None) -> None:
        """Write the entry atomically (a reader never sees half of it), then keep the newest ``KEEP``.
        A cache that cannot be written is no error: the next diff renders again."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".entry-", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"key": dict(key), "render": render, "stack_text": stack_text}, out)
            os.replace(temporary, self.path(key))
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            return
        self._prune()

    def _prune(self) -> None:
        try:
            entries = sorted(self.directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in entries[KEEP:]:
                stale.unlink()
        except OSError:
            pass
