"""The JSON Schema of a stack file (``docs/stack-file.schema.json``), generated from the estate model
for editors' YAML language servers (``# yaml-language-server: $schema=...``) and for tools.

A stack file is Pulumi's ``Pulumi.<stack>.yaml``: ``config`` maps ``<namespace>:<key>`` to values. The
schema types the two keys the program reads, ``aws:region`` and ``monitored-estate:estate`` (the
pydantic model's own JSON Schema, Draft 2020-12), and leaves every other key free (other providers'
config, ``secure:`` values, Pulumi's own top-level keys). ``region`` is a field of the model filled
from ``aws:region`` (data/config.py), not a key of the estate, so the estate's schema leaves it out.
The checks across keys (a threshold's order, references between parts) stay the loader's.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from data.config import ESTATE_KEY, REGION_KEY
from data.model import Estate

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_PATH = "docs/stack-file.schema.json"
# Estate fields the loader fills from another config key of the stack file: (config key, their schema).
OTHER_CONFIG_FIELDS = {"region": REGION_KEY}


def stack_file_schema() -> dict[str, Any]:
    estate = copy.deepcopy(Estate.model_json_schema(mode="validation"))
    definitions = estate.pop("$defs", {})
    other = {}
    for name, key in OTHER_CONFIG_FIELDS.items():
        field = estate["properties"].pop(name)
        field.pop("title", None)
        other[key] = field
        estate["required"] = [required for required in estate["required"] if required != name]
    return {
        "$schema": DRAFT,
        "title": "monitored-estate stack file (Pulumi.<stack>.yaml)",
        "description": "Generated from data/model/ by `python -m tools.reference`: do not edit. The estate under"
        f" `{ESTATE_KEY}`, its primary region under `{REGION_KEY}`; docs/stack-file.md says what every key means.",
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "properties": {**other, ESTATE_KEY: {"$ref": "#/$defs/Estate"}},
                "required": [*other, ESTATE_KEY],
            },
        },
        "required": ["config"],
        "$defs": {**definitions, "Estate": estate},
    }


def stack_file_schema_text() -> str:
    """The committed file's text: keys sorted, two-space indents, a final newline (deterministic)."""
    return json.dumps(stack_file_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
