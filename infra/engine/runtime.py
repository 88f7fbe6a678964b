"""The mock runtime: a recording monitor under ``pulumi.runtime.set_mocks``, and running a program.

The monitor captures every ``RegisterResource`` request (components and explicit providers included)
with the engine's camelCase property names, the way a policy pack sees them, and answers with the
fakes of ``infra.engine.fakes``. ``new_resource`` is called from worker threads in no fixed order:
the recorder is locked and its records sorted by URN.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from data.catalogue.regions import GLOBAL_METRICS_REGION
from data.config import PROJECT, EstateConfigError
from infra.engine.fakes import fake_invoke, fake_outputs
from infra.engine.result import RegisteredResource, Render, RenderError
from infra.engine.wire import SECRET, UNKNOWN, decode_properties, plain, provider_urn, without_markers


@functools.cache
def _mock_classes():
    """Imported lazily so ``infra.engine`` stays cheap until something is rendered."""
    import pulumi.runtime.mocks as mocks
    from google.protobuf import struct_pb2
    from pulumi.runtime.proto import resource_pb2

    class EstateMocks(mocks.Mocks):
        def __init__(self, recorder: RecordingMonitor):
            self.recorder = recorder

        def new_resource(self, args):  # used for ReadResource (``X.get``) only
            region = self.recorder.region_for(args.provider or "")
            plain_inputs = json.loads(json.dumps(args.inputs, default=str))
            return fake_outputs(args.typ, args.name, plain_inputs, region, read_id=args.resource_id)

        def call(self, args):
            region = self.recorder.region_for(args.provider or "")
            invoke_args = plain(args.args)
            return fake_invoke(args.token, invoke_args, region), []

    class RecordingMonitor(mocks.MockMonitor):
        """Records every RegisterResource request and answers it with deterministic outputs."""

        def __init__(self, default_region: str, project: str, stack: str):
            super().__init__(EstateMocks(self))
            self.default_region = default_region
            self.project, self.stack = project, stack
            self.lock = threading.Lock()
            self.records: dict[str, RegisteredResource] = {}
            self.reads: dict[str, RegisteredResource] = {}  # existing resources the program reads (``X.get``)
            self.duplicates: list[str] = []
            self.provider_regions: dict[str, str] = {}

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            """As the engine builds URNs: the parent's qualified type chain, the root stack excluded.
            (Pulumi's MockMonitor keeps only the parent's last type and includes the stack's.)"""
            if parent:
                parent_type = parent.split("::")[2]
                if parent_type != "pulumi:pulumi:Stack":
                    type_ = f"{parent_type}${type_}"
            return f"urn:pulumi:{self.stack}::{self.project}::{type_}::{name}"

        def region_for(self, provider_reference: str) -> str:
            urn = provider_urn(provider_reference)
            with self.lock:
                return self.provider_regions.get(urn, self.default_region) if urn else self.default_region

        def ReadResource(self, request):
            """A read of an existing resource (``X.get``): answered like Pulumi's mock monitor, and kept apart
            from the registered resources, as the engine does (a read is not the stack's; policy packs never
            see it, pulumi/pulumi#3950): its inputs are the id it reads."""
            response = super().ReadResource(request)
            urn = self.make_urn(request.parent, request.type, request.name)
            record = RegisteredResource(
                urn=urn, type=request.type, name=request.name, custom=True, parent=request.parent or None,
                provider=provider_urn(request.provider), protect=False, dependencies=sorted(set(request.dependencies)),
                inputs={"id": request.id},
            )
            with self.lock:
                if urn in self.records or urn in self.reads:
                    self.duplicates.append(urn)
                self.reads[urn] = record
            return response

        def RegisterResource(self, request):
            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == "pulumi:pulumi:Stack":
                return resource_pb2.RegisterResourceResponse(urn=urn)
            inputs = decode_properties(request.object)
            provider = provider_urn(request.provider)
            record = RegisteredResource(
                urn=urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent or None,
                provider=provider,
                protect=bool(request.protect),
                dependencies=sorted(set(request.dependencies)),
                inputs=inputs,
            )
            if request.type == "pulumi:providers:aws" and isinstance(inputs.get("region"), str):
                with self.lock:
                    self.provider_regions[urn] = inputs["region"]
            region = self.region_for(request.provider)
            with self.lock:
                if urn in self.records:
                    self.duplicates.append(urn)
                self.records[urn] = record
            if not request.custom:
                return resource_pb2.RegisterResourceResponse(urn=urn)
            id_, state = fake_outputs(request.type, request.name, inputs, region)
            state_struct = struct_pb2.Struct()
            state_struct.update(without_markers(state))
            # Only the id is kept for ``getResource``/``ExistsResource``: the state would double memory.
            self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, id_, {})
            return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=state_struct)

    return EstateMocks, RecordingMonitor

# --------------------------------------------------------------------------------------------------
# Running a program
# --------------------------------------------------------------------------------------------------

_RUN_LOCK = threading.Lock()  # Pulumi's runtime settings are process-global: one render at a time.


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The SDK allocates dozens of Outputs per resource; full collections rescanning them all made
    large renders superlinear. Freeze what exists and pause the collector during the render.
    Measured at 400 services (14.5k resources): 50 s CPU / 1.52 GB with the collector paused,
    56 s / 1.40 GB with young collections only, slower still with it running normally."""
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.unfreeze()


@contextlib.contextmanager
def _no_stack_traces() -> Iterator[None]:
    """The SDK captures a Python stack trace (with source lines) for every registration, for the
    engine's source positions; the mock monitor discards it, and it cost ~15% of a render. Skip it."""
    import pulumi.runtime.resource as sdk_resource

    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:  # another SDK version: nothing to skip
        yield
        return
    from pulumi.runtime.proto import source_pb2

    empty = source_pb2.StackTrace()
    sdk_resource._get_stack_trace = lambda: empty
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def render_program(
    program: Callable[[], None],
    *,
    project: str = PROJECT,
    stack: str = "prod",
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | tuple[str, ...] = (),
    quiet_gc: bool = True,
) -> Render:
    """Run ``program`` under the mock runtime and return what it registered.

    ``config`` maps full keys (``aws:region``, ``monitored-estate:estate``) to strings.
    Raises ``EstateConfigError`` for a program that stops on its configuration
    (``pulumi.RunError("invalid stack configuration: ...")``) and ``RenderError`` for any other failure.
    """
    import pulumi
    import pulumi.runtime.settings as settings
    from pulumi.runtime.config import set_all_config

    config = dict(config or {})
    region = config.get("aws:region")
    _, RecordingMonitor = _mock_classes()

    with _RUN_LOCK, _no_stack_traces(), (paused_gc() if quiet_gc else contextlib.nullcontext()):
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        monitor = RecordingMonitor(region or GLOBAL_METRICS_REGION, project, stack)  # no aws:region: a region every estate uses
        try:
            settings.ROOT.set(None)  # or the previous run's stack (and exports) would be reused
            set_all_config(config, list(secret_keys))
            pulumi.runtime.set_mocks(monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor)

            exported: dict[str, Any] = {}

            @pulumi.runtime.test
            def run() -> Any:
                program()
                return _resolve_stack_outputs(exported)

            try:
                run()
            except pulumi.RunError as error:
                raise _registered(_run_error(error), monitor) from None
            except EstateConfigError as error:
                raise _registered(error, monitor)
            except Exception as error:  # the program's own bug: one clear line, the cause chained
                failure = RenderError(f"the program failed under the mock runtime: {type(error).__name__}: {error}")
                raise _registered(failure, monitor) from error
        finally:
            settings.ROOT.set(None)
            set_all_config({}, [])
            asyncio.set_event_loop(None)
            loop.close()

    if monitor.duplicates:
        raise RenderError("duplicate resource URNs (the real engine refuses them): " + ", ".join(sorted(set(monitor.duplicates))))
    resources = [monitor.records[urn] for urn in sorted(monitor.records)]
    reads = tuple(monitor.reads[urn] for urn in sorted(monitor.reads))
    return Render(project=project, stack=stack, resources=resources, region=region, reads=reads,
                  outputs=tuple(sorted(exported.items())))


def _resolve_stack_outputs(into: dict[str, Any]) -> Any:
    """The root stack's exports (under mocks the stack registers its outputs before the program runs, so
    they are read from it afterwards), resolved into ``into`` as plain JSON; a secret one as ``[secret]``."""
    from pulumi import Output
    from pulumi.runtime.settings import get_root_resource

    exports = dict(getattr(get_root_resource(), "outputs", None) or {})

    async def resolve() -> None:
        for name, value in exports.items():
            output = Output.from_input(value)
            plain_value = await output.future(with_unknowns=True)
            secret = await output.is_secret()
            into[name] = SECRET if secret else json.loads(json.dumps(plain_value, default=lambda _: UNKNOWN))

    return asyncio.ensure_future(resolve())


def _registered(error: Exception, monitor: Any) -> Exception:
    """Attach the URNs registered before the failure (``error.registered``): tests prove it is empty
    for configuration mistakes, and it helps to see how far a broken program got."""
    error.registered = sorted(monitor.records)  # type: ignore[attr-defined]
    return error


def _run_error(error: Exception) -> Exception:
    message = str(error)
    head = "invalid stack configuration:"
    if message.startswith(head):
        return EstateConfigError([line for line in message[len(head):].strip().splitlines() if line.strip()])
    return RenderError(message)
