"""The offline engine: run the real program under Pulumi's mock runtime and record what it declares.

No Pulumi CLI, no credentials, no state. ``render_stack`` validates a stack file (so a bad
configuration stops before anything is registered), then executes ``infra/__main__.py`` exactly
as the CLI does (``runpy``, cwd at the project root) with the stack's config, under
``pulumi.runtime.set_mocks``. A recording monitor captures every ``RegisterResource`` request -
components and explicit providers included - with the engine's camelCase property names, the way
a policy pack sees them. Fake outputs are deterministic (fixed account, region from config,
identifiers derived from type and name), so identical inputs give a byte-identical ``Render``.

The JSON contract (``Render.to_json``) is documented in docs/offline-engine.md and the README.

The package, by job: ``result`` (the ``Render`` and its JSON contract), ``wire`` (decoding Pulumi's
wire format), ``fakes`` (deterministic outputs, for the catalogue's output names) and ``runtime``
(the recording monitor and running a program). This module validates a stack file and runs the real
entry point.
"""

from __future__ import annotations

import dataclasses
import json
import runpy
from pathlib import Path
from typing import Any

from data.config import PROJECT, EstateConfigError, StackFile, estate_from_stack_file, load_stack_file
from infra.engine.fakes import ACCOUNT_ID, SECURE_PLACEHOLDER, FakeContext, fake_invoke, fake_outputs
from infra.engine.result import RegisteredResource, Render, RenderError
from infra.engine.runtime import _working_directory, render_program
from infra.engine.wire import SECRET, UNKNOWN, decode_properties

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
ENTRY_POINT = PROJECT_ROOT / "infra" / "__main__.py"

__all__ = [
    "ACCOUNT_ID", "ENTRY_POINT", "PROJECT_ROOT", "SECRET", "SECURE_PLACEHOLDER", "UNKNOWN", "EstateConfigError", "FakeContext",
    "RegisteredResource", "Render", "RenderError", "config_for_runtime", "decode_properties", "fake_invoke", "fake_outputs",
    "render_estate", "render_program", "render_stack", "run_entry_point",
]


def config_for_runtime(stack_file: StackFile, project: str = PROJECT) -> tuple[dict[str, str], list[str]]:
    """Stack-file config as ``set_all_config`` wants it: ``<namespace>:<key>`` -> string (objects as
    JSON), ``secure:`` values replaced by a placeholder and listed as secret keys."""
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in stack_file.config.items():
        full = key if ":" in key else f"{project}:{key}"
        if key in stack_file.secret_keys:
            config[full] = SECURE_PLACEHOLDER
            secret_keys.append(full)
        elif isinstance(value, str):
            config[full] = value
        else:
            config[full] = json.dumps(value)
    return config, sorted(secret_keys)


def run_entry_point() -> None:
    """What the Pulumi CLI does: execute ``infra/__main__.py`` as ``__main__``."""
    runpy.run_path(str(ENTRY_POINT), run_name="__main__")


def render_stack(stack_file: StackFile | Path | str, *, stack: str | None = None, quiet_gc: bool = True) -> Render:
    """Validate a stack file, then render the real entry point with its config.

    Raises ``EstateConfigError`` (one line per problem) before the mock runtime starts when the
    configuration is invalid: nothing is registered.
    """
    if not isinstance(stack_file, StackFile):
        stack_file = load_stack_file(Path(stack_file), stack)
    estate = estate_from_stack_file(stack_file)  # cheap validation first: nothing registered on a mistake
    config, secret_keys = config_for_runtime(stack_file)
    with _working_directory(PROJECT_ROOT):
        render = render_program(
            run_entry_point, project=PROJECT, stack=stack or stack_file.stack, config=config, secret_keys=secret_keys, quiet_gc=quiet_gc
        )
    return dataclasses.replace(render, services=tuple(service.name for service in estate.services))


def render_estate(raw_estate: Any, *, region: str = "eu-central-1", stack: str = "test", quiet_gc: bool = True) -> Render:
    """Render an estate given as plain data (what ``monitored-estate:estate`` holds), as if it were
    the stack file ``Pulumi.<stack>.yaml`` with ``aws:region: <region>``. For tests and benchmarks."""
    stack_file = StackFile(
        path=PROJECT_ROOT / f"Pulumi.{stack}.yaml",
        stack=stack,
        config={"aws:region": region, f"{PROJECT}:estate": raw_estate},
    )
    return render_stack(stack_file, quiet_gc=quiet_gc)
