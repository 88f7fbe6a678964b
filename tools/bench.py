"""``make bench``: what the offline engine costs, and how far it is from the bare SDK floor.

One run measures, each in its own subprocess (own interpreter, own peak RSS):

- import cost: ``import infra.engine, infra.program`` plus the lazy provider modules the program
  touches (measured as first render minus warm render);
- the prod render: the whole ``estate preview --stack prod --format json`` command (median of runs),
  and inside one process: imports, first render, warm render;
- synthetic estates of N services (default 10, 100, 400) generated from one template service
  (prod's first service cloned N times, each with its own database), with everything else of prod;
- the floor: the very same registrations (types, names, inputs, parents, providers) replayed by a
  bare program (``pulumi.CustomResource`` / ``ComponentResource`` with no-op mocks, no provider SDK);
- the engine's own overhead: the prod program rendered by the engine and under Pulumi's stock
  ``MockMonitor`` with the same fake outputs, alternately in one process;
- ``estate diff --base HEAD --stack prod`` against ``estate preview --stack prod``, in turn: cold (the
  render cache off) and warm (the base render cached), the ratio to the preview (target <= 1.3) and
  the steps of one cold diff (``--diff-only`` measures only this).

Printed: wall time, per-resource cost, peak RSS, and the ratio ours / floor, both for the whole
process (imports included) and for the render alone. ``--sizes`` and ``--repeat`` trim the run.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROD = PROJECT_ROOT / "Pulumi.prod.yaml"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --------------------------------------------------------------------------------------------------
# Synthetic estates
# --------------------------------------------------------------------------------------------------


def synthetic_estate(services: int) -> dict[str, Any]:
    """Prod's estate with ``services`` clones of its first service, each with its own database."""
    import yaml

    from data.config import ESTATE_KEY

    estate = yaml.safe_load(PROD.read_text(encoding="utf-8"))["config"][ESTATE_KEY]
    template = estate["services"][0]
    clones = []
    for i in range(services):
        clone = copy.deepcopy(template)
        clone["name"] = f"svc-{i:03d}"
        clone["environment"] = f"svc-{i:03d}-prod"
        clone.pop("application", None)
        clone["public_url"] = f"https://svc-{i:03d}.example.com"
        if template.get("database"):
            clone["database"] = f"db-{i:03d}"  # one database (and Atlas user) per service, as in prod
        clones.append(clone)
    estate["services"] = clones
    names = [c["name"] for c in clones]
    for dist in estate.get("cdn", []):
        dist["service"] = names[0]
    for board in estate.get("dashboards", []):
        board["services"] = names[: len(board.get("services", []))]
    if estate.get("atlas"):
        estate["atlas"]["collections"] = []  # prod's collections name prod's databases
    return estate


# --------------------------------------------------------------------------------------------------
# Children (each prints one JSON line)
# --------------------------------------------------------------------------------------------------


def child_ours(services: int | None, dump: str | None, quiet_gc: bool) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    from infra import engine, program  # noqa: F401  (the program's own imports count)

    t1, c1 = time.perf_counter(), time.process_time()
    if services is None:
        first = engine.render_stack(PROD, quiet_gc=quiet_gc)
    else:
        first = engine.render_estate(synthetic_estate(services), stack="bench", quiet_gc=quiet_gc)
    t2 = time.perf_counter()
    result = {
        "imports": t1 - t0,
        "imports_cpu": c1 - c0,
        "first_render": t2 - t1,
        "render_cpu": time.process_time() - c1,
        "resources": len(first.resources),
        "custom": sum(1 for r in first.resources if r.custom),
    }
    if services is None and not dump:  # warm render: the lazy provider modules are now loaded
        t3, c3 = time.perf_counter(), time.process_time()
        engine.render_stack(PROD, quiet_gc=quiet_gc)
        result["warm_render"] = time.perf_counter() - t3
        result["warm_render_cpu"] = time.process_time() - c3
    if dump:
        Path(dump).write_text(first.to_json(), encoding="utf-8")
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def child_overhead(quiet_gc: bool, repeat: int) -> dict[str, Any]:
    """The prod program rendered by the engine and under Pulumi's stock MockMonitor (no recording,
    no decoding, same fake outputs), alternately in one process (same warm state): the difference
    is the engine's own overhead."""
    import asyncio
    import contextlib

    import pulumi
    import pulumi.runtime.mocks as mocks
    import pulumi.runtime.settings as settings
    from pulumi.runtime.config import set_all_config

    from data.config import load_stack_file
    from infra import engine
    from infra.engine.runtime import _no_stack_traces, _working_directory, paused_gc
    from infra.engine.wire import plain

    stack_file = load_stack_file(PROD)
    config, secret_keys = engine.config_for_runtime(stack_file)
    region = config["aws:region"]

    class Stock(mocks.Mocks):
        def new_resource(self, args):
            return engine.fake_outputs(args.typ, args.name, plain(args.inputs), region)

        def call(self, args):
            return engine.fake_invoke(args.token, plain(args.args), region), []

    def stock() -> None:
        with _no_stack_traces(), (paused_gc() if quiet_gc else contextlib.nullcontext()):
            asyncio.set_event_loop(asyncio.new_event_loop())
            settings.ROOT.set(None)
            set_all_config(config, secret_keys)
            monitor = mocks.MockMonitor(Stock())
            pulumi.runtime.set_mocks(monitor.mocks, project="monitored-estate", stack="prod", preview=False, monitor=monitor)
            with _working_directory(engine.PROJECT_ROOT):
                pulumi.runtime.test(engine.run_entry_point)()

    def ours() -> None:
        engine.render_stack(stack_file, quiet_gc=quiet_gc)

    def cpu(fn) -> float:
        start = time.process_time()
        fn()
        return time.process_time() - start

    ours(), stock()  # load the lazy provider modules
    times: dict[str, list[float]] = {"ours": [], "stock": []}
    for _ in range(repeat):
        times["ours"].append(cpu(ours))
        times["stock"].append(cpu(stock))
    return {name: statistics.median(values) for name, values in times.items()}


def child_floor(dump: str) -> dict[str, Any]:
    """Replay recorded registrations with the bare SDK: generic resources, no-op mocks."""
    t0 = time.perf_counter()
    import asyncio

    import pulumi
    import pulumi.runtime.settings as settings

    t1 = time.perf_counter()
    document = json.loads(Path(dump).read_text(encoding="utf-8"))
    records = document["resources"]

    class NoOp(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return f"{args.name}-id", args.inputs

        def call(self, args):
            return {}, []

    def depth(record: dict) -> int:
        return record["urn"].split("::")[2].count("$")

    ordered = sorted(records, key=lambda r: (depth(r), r["urn"]))
    t2, c2 = time.perf_counter(), time.process_time()

    asyncio.set_event_loop(asyncio.new_event_loop())
    settings.ROOT.set(None)
    pulumi.runtime.set_mocks(NoOp(), project=document["project"], stack=document["stack"], preview=False)

    @pulumi.runtime.test
    def replay() -> None:
        made: dict[str, pulumi.Resource] = {}
        for record in ordered:
            opts = pulumi.ResourceOptions(
                parent=made.get(record["parent"]),
                provider=made.get(record["provider"]) if record["provider"] else None,
                protect=record["protect"],
            )
            kind, name, inputs = record["type"], record["name"], record["inputs"]
            if kind.startswith("pulumi:providers:"):
                made[record["urn"]] = pulumi.ProviderResource(kind.split(":")[2], name, inputs, opts)
            elif record["custom"]:
                made[record["urn"]] = pulumi.CustomResource(kind, name, inputs, opts)
            else:
                made[record["urn"]] = pulumi.ComponentResource(kind, name, None, opts)

    replay()
    t3 = time.perf_counter()
    return {"imports": t1 - t0, "render": t3 - t2, "render_cpu": time.process_time() - c2, "resources": len(records), "peak_rss_mb": _peak_rss_mb()}


# --------------------------------------------------------------------------------------------------
# The parent: run children, aggregate, print
# --------------------------------------------------------------------------------------------------


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str]) -> tuple[dict[str, Any], float]:
    """Run a child; its result gains ``wall`` and ``cpu`` (user + sys) of the whole process."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "tools.bench", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench child {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_cpu"] = _children_cpu() - cpu
    return result, wall


def _estate(*args: str, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,), fast_exit: bool = False) -> tuple[float, float]:
    """(wall, cpu) of one whole ``estate`` command on this checkout's code (the installed script may
    belong to another checkout: PYTHONPATH says which); ``fast_exit``: with the collector frozen at
    exit, as ``estate diff`` exits."""
    from tools.diff.base import FAST_EXIT

    estate = Path(sys.executable).parent / "estate"
    command = [str(estate)] if estate.exists() else [sys.executable, "-m", "tools.cli"]
    if fast_exit:
        command = [sys.executable, "-c", f"{FAST_EXIT}; import sys; sys.argv[0] = 'estate'; from tools.cli import app; app()"]
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([*command, *args, "--output", os.devnull], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": path, **(env or {})})
    if done.returncode not in ok:
        raise SystemExit(f"estate {' '.join(args)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - start, _children_cpu() - cpu


def _estate_command() -> tuple[float, float]:
    """(wall, cpu) of the whole ``estate preview --stack prod --format json`` command."""
    return _estate("preview", "--stack", "prod", "--format", "json")


DIFF = ("diff", "--base", "HEAD", "--stack", "prod")
DIFF_EXITS = (0, 1, 3)  # no change, changes, dangerous changes: a dirty working tree is fine here


def diff_against_preview(repeat: int) -> list[str]:
    """``estate diff --base HEAD --stack prod`` against one ``estate preview --stack prod``, in turn
    (a load that comes and goes hits all three alike): cold (the render cache off), warm (the base
    render from the cache), and the steps of one cold diff (``ESTATE_DIFF_TRACE``)."""
    from tools.diff.cache import CACHE_DIR_ENV, CACHE_ENV
    from tools.diff.parallel import TRACE_ENV

    runs: dict[str, list[tuple[float, float]]] = {"preview": [], "fast preview": [], "cold": [], "warm": []}
    with tempfile.TemporaryDirectory() as scratch:
        cold, warm = {CACHE_ENV: "off"}, {CACHE_DIR_ENV: str(Path(scratch) / "cache")}
        trace = Path(scratch) / "trace.jsonl"
        _estate(*DIFF, env={**cold, TRACE_ENV: str(trace)}, ok=DIFF_EXITS)  # also warms the OS's file cache
        _estate(*DIFF, env=warm, ok=DIFF_EXITS)  # fills the render cache
        for _ in range(repeat):
            runs["preview"].append(_estate_command())
            runs["fast preview"].append(_estate("preview", "--stack", "prod", "--format", "json", fast_exit=True))
            runs["cold"].append(_estate(*DIFF, env=cold, ok=DIFF_EXITS))
            runs["warm"].append(_estate(*DIFF, env=warm, ok=DIFF_EXITS))
        steps = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
    wall = {name: _median([w for w, _ in values]) for name, values in runs.items()}
    cpu = {name: _median([c for _, c in values]) for name, values in runs.items()}
    lines = [
        f"{'':46}{'wall s':>8}{'cpu s':>8}{'/ preview':>11}{'/ fast':>8}",
        f"{'estate preview --stack prod':<46}{wall['preview']:8.2f}{cpu['preview']:8.2f}",
        f"{'  the same, collector frozen at exit':<46}{wall['fast preview']:8.2f}{cpu['fast preview']:8.2f}",
    ]
    for name, label in (("cold", "estate diff --base HEAD, cold (no cache)"), ("warm", "estate diff --base HEAD, warm (base cached)")):
        lines.append(f"{label:<46}{wall[name]:8.2f}{cpu[name]:8.2f}{wall[name] / wall['preview']:10.2f}x"
                     f"{wall[name] / wall['fast preview']:7.2f}x")
    lines.append(f"target: diff / preview <= 1.3 (wall, cold); / fast: against a preview that exits as fast as the diff"
                 f" does; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} now")
    if steps:
        origin = min(s["start"] for s in steps)
        lines.append("one cold diff, step by step (s from the first step; pid: which process):")
        lines += [f"  {s['step']:<26}{s['start'] - origin:6.2f} - {s['end'] - origin:6.2f}  pid {s['pid']}"
                  + (f", {s['cpu']:.2f} s cpu" if s.get("cpu") is not None else "") for s in steps]
    return lines


def _median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,400", help="synthetic estate sizes (services), comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement where affordable (median)")
    parser.add_argument("--child", choices=["ours", "floor", "overhead"], help=argparse.SUPPRESS)
    parser.add_argument("--services", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    parser.add_argument("--gc", choices=["quiet", "normal"], default="quiet", help="cyclic GC during renders (default: frozen and paused)")
    parser.add_argument("--diff-only", action="store_true", help="only estate diff against estate preview")
    args = parser.parse_args(argv)

    if args.child == "ours":
        print(json.dumps(child_ours(args.services, args.dump, args.gc == "quiet")))
        return 0
    if args.child == "overhead":
        print(json.dumps(child_overhead(args.gc == "quiet", args.repeat)))
        return 0
    if args.child == "floor":
        print(json.dumps(child_floor(args.dump)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    gc_args = ["--gc", args.gc]
    print(f"offline engine benchmark: python {sys.version.split()[0]}, {os.cpu_count()} CPUs, GC {args.gc}, median of up to {args.repeat} runs")
    if args.diff_only:
        print()
        print("\n".join(diff_against_preview(args.repeat)))
        return 0

    # Import cost and the prod render, whole command and broken down.
    commands = [_estate_command() for _ in range(args.repeat)]
    prod_runs = [_run(["--child", "ours", *gc_args]) for _ in range(args.repeat)]
    prod = prod_runs[0][0]
    imports = _median([r["imports"] for r, _ in prod_runs])
    first = _median([r["first_render"] for r, _ in prod_runs])
    warm = _median([r["warm_render"] for r, _ in prod_runs])
    warm_cpu = _median([r["warm_render_cpu"] for r, _ in prod_runs])
    overhead = _run(["--child", "overhead", *gc_args, "--repeat", str(args.repeat)])[0]
    imports_cpu = _median([r["imports_cpu"] for r, _ in prod_runs])
    first_cpu = _median([r["render_cpu"] for r, _ in prod_runs])
    print()
    print(f"{'':46}{'wall s':>8}{'cpu s':>8}")
    print(f"{'import infra.engine + infra.program':<46}{imports:8.2f}{imports_cpu:8.2f}")
    print(f"{'lazy provider modules (first - warm render)':<46}{first - warm:8.2f}{first_cpu - warm_cpu:8.2f}")
    label = f"prod render, warm ({prod['resources']} resources)"
    print(f"{label:<46}{warm:8.2f}{warm_cpu:8.2f}"
          f"   {1000 * warm_cpu / prod['resources']:.1f} ms cpu/resource")
    print(f"{'  in one process: engine / stock MockMonitor':<46}{'':8}{overhead['ours']:8.2f}"
          f"   / {overhead['stock']:.2f} s cpu: engine overhead {overhead['ours'] / overhead['stock']:.2f}x")
    print(f"{'estate preview --stack prod (whole command)':<46}{_median([w for w, _ in commands]):8.2f}{_median([c for _, c in commands]):8.2f}"
          f"   target < 3 s; peak RSS {prod['peak_rss_mb']:.0f} MB")
    print()
    print("\n".join(diff_against_preview(args.repeat)))

    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for label, services in [("prod", None), *[(f"{n} services", n) for n in sizes]]:
            dump = str(Path(scratch) / f"{label.replace(' ', '-')}.json")
            repeat = args.repeat if (services or 0) <= 100 else 1
            size_args = [] if services is None else ["--services", str(services)]
            ours_runs = [_run(["--child", "ours", *size_args, *gc_args, "--dump", dump]) for _ in range(repeat)]
            floor_runs = [_run(["--child", "floor", "--dump", dump]) for _ in range(repeat)]
            ours = ours_runs[0][0]
            rows.append({
                "label": label,
                "resources": ours["resources"],
                "ours_wall": _median([w for _, w in ours_runs]),
                "ours_render": _median([r["first_render"] for r, _ in ours_runs]),
                "ours_rss": max(r["peak_rss_mb"] for r, _ in ours_runs),
                "ours_cpu": _median([r["process_cpu"] for r, _ in ours_runs]),
                "ours_render_cpu": _median([r["render_cpu"] for r, _ in ours_runs]),
                "floor_cpu": _median([r["process_cpu"] for r, _ in floor_runs]),
                "floor_render_cpu": _median([r["render_cpu"] for r, _ in floor_runs]),
                "floor_wall": _median([w for _, w in floor_runs]),
                "floor_render": _median([r["render"] for r, _ in floor_runs]),
                "floor_rss": max(r["peak_rss_mb"] for r, _ in floor_runs),
                "runs": repeat,
            })

    print()
    header = (f"{'estate':<13}{'resources':>9} | {'ours: wall':>10}{'cpu':>7}{'render':>8}{'cpu':>7}{'ms/res':>7}{'RSS MB':>7}"
              f" | {'floor: wall':>11}{'cpu':>7}{'render':>8}{'cpu':>7}{'RSS':>5} | {'ours/floor: wall':>16}{'cpu':>6}{'render cpu':>11}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['label']:<13}{row['resources']:>9} | {row['ours_wall']:>10.2f}{row['ours_cpu']:>7.2f}{row['ours_render']:>8.2f}"
            f"{row['ours_render_cpu']:>7.2f}{1000 * row['ours_render_cpu'] / row['resources']:>7.1f}{row['ours_rss']:>7.0f}"
            f" | {row['floor_wall']:>11.2f}{row['floor_cpu']:>7.2f}{row['floor_render']:>8.2f}{row['floor_render_cpu']:>7.2f}{row['floor_rss']:>5.0f}"
            f" | {row['ours_wall'] / row['floor_wall']:>15.2f}x{row['ours_cpu'] / row['floor_cpu']:>5.2f}x"
            f"{row['ours_render_cpu'] / row['floor_render_cpu']:>10.2f}x"
        )
    print()
    print("wall / cpu: the whole subprocess (interpreter, imports, render; cpu = user + sys, robust to a loaded")
    print("machine); render: the render alone (ours: first render, lazy provider modules included); ms/res: render")
    print("cpu per resource. Floor: the same registrations replayed with pulumi.CustomResource and no-op mocks,")
    print("no provider SDK. Targets: prod < 3 s whole; 400 services < 40 s and < 1 GB; ours <= 1.3x the floor.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
