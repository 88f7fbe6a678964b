"""Two long values shown by their changed part: a compact word-level text diff (difflib) with some
context around each change, instead of a cut at a fixed width that can hide the change."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

SHORT = 80  # values up to this long are shown whole
CONTEXT = 30  # characters of unchanged text kept either side of a change
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def as_text(value: Any) -> str:
    """A value on one line: strings as they are, the rest as compact JSON; ``(none)`` for None."""
    if value is None:
        return "(none)"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("\r", "").replace("\n", " ⏎ ")


def _elide(text: str, keep_start: bool, keep_end: bool, context: int = CONTEXT) -> str:
    if len(text) <= 2 * context + 5 or (len(text) <= context + 3 and not (keep_start and keep_end)):
        return text
    if keep_start and keep_end:
        return text[:context] + " … " + text[-context:]
    if keep_start:
        return text[:context] + "…"
    if keep_end:
        return "…" + text[-context:]
    return "…"


def compact_pair(before: Any, after: Any, mark: tuple[str, str, str, str] = ("[-", "-]", "{+", "+}"),
                 limit: int = 600) -> tuple[str, str]:
    """(before, after) as shown: whole when short; else each side's changed parts, marked (``mark``: the
    before side's open and close, then the after side's), with ``CONTEXT`` characters around them."""
    a_text, b_text = as_text(before), as_text(after)
    if before is None or after is None:
        return _cut(a_text, limit), _cut(b_text, limit)
    scalars = isinstance(before, list) and isinstance(after, list) and all(
        not isinstance(v, (dict, list)) for v in before + after)
    if scalars and (len(a_text) > SHORT or len(b_text) > SHORT):
        gone = [v for v in before if v not in after]
        new = [v for v in after if v not in before]
        if gone or new:
            return (_cut(", ".join(f"−{as_text(v)}" for v in gone) or "(nothing removed)", limit),
                    _cut(", ".join(f"+{as_text(v)}" for v in new) or "(nothing added)", limit))
    if len(a_text) <= SHORT and len(b_text) <= SHORT:
        return a_text, b_text
    a_tokens, b_tokens = _TOKEN.findall(a_text), _TOKEN.findall(b_text)
    opcodes = difflib.SequenceMatcher(None, a_tokens, b_tokens, autojunk=False).get_opcodes()
    a_parts: list[str] = []
    b_parts: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        old, new = "".join(a_tokens[i1:i2]), "".join(b_tokens[j1:j2])
        if tag == "equal":
            shown = _elide(old, keep_start=index > 0, keep_end=index < len(opcodes) - 1)
            a_parts.append(shown)
            b_parts.append(shown)
            continue
        if old:
            a_parts.append(f"{mark[0]}{_cut(old, limit // 2)}{mark[1]}")
        if new:
            b_parts.append(f"{mark[2]}{_cut(new, limit // 2)}{mark[3]}")
    return _cut("".join(a_parts), limit), _cut("".join(b_parts), limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
