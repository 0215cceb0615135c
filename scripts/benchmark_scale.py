"""Benchmark `archplan scale-plan`: plan 50 scaling groups × 8,760 hourly demand points (a year).

The target (issue 4) is the planning itself, in-process: ≤ 1 s on a 2-core machine for 50 groups
of 8,760 hours each. The script also times, for information, loading the architecture file that
holds those 438,000 numbers, rendering the text and JSON reports, and the whole command.

    .venv/bin/python scripts/benchmark_scale.py                 # 50 groups x 8,760 hours, 5 runs
    .venv/bin/python scripts/benchmark_scale.py --groups 10 --hours 168 --repeat 3
    .venv/bin/python scripts/benchmark_scale.py --markdown      # print the docs/benchmarks.md table
    .venv/bin/python scripts/benchmark_scale.py --demand-files  # demand in CSV files, not YAML

Only the standard library and archplan are used; the generated file goes to a temporary
directory. Demand is deterministic (seeded): a daily and weekly cycle with noise, in tenths.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 1.0
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
# Types with a price in archplan's shipped table, so every group is priced.
TYPES = ({"m5.large": 1, "c5.large": 1}, {"c5.large": 1, "c5.2xlarge": 4}, {"t3.medium": 1})

T = TypeVar("T")


def demand(rng: random.Random, hours: int, peak: int) -> list[str]:
    """Hourly demand in tenths: a daily and a weekly cycle, noise, and a few spikes."""
    values = []
    for hour in range(hours):
        daily = 0.55 + 0.45 * math.sin((hour % 24 - 8) / 24 * 2 * math.pi)
        weekly = 0.85 if (hour // 24) % 7 in (5, 6) else 1.0
        spike = 1.6 if rng.random() < 0.002 else 1.0
        value = peak * daily * weekly * spike * rng.uniform(0.9, 1.1)
        values.append(f"{max(0.0, value):.1f}")
    return values


def generate(groups: int, hours: int, seed: int = 4, files: dict[str, str] | None = None) -> str:
    """An architecture file with `groups` scaling groups of `hours` hourly demand values; with
    `files`, each group's demand goes into a `timestamp,value` CSV added to it (name -> text)
    and the group names it in `demand.file`."""
    rng = random.Random(seed)
    lines = [
        "archplan: 1",
        "name: scale-benchmark",
        "defaults: {region: us-east-1}",
        "vpcs:",
        "  app:",
        "    cidr: 10.0.0.0/16",
        "    subnets:",
    ]
    lines += [
        f"      app-{zone[-1]}: {{cidr: 10.0.{index * 16}.0/20, az: {zone}}}"
        for index, zone in enumerate(ZONES)
    ]
    lines.append("scaling_groups:")
    for number in range(groups):
        types = TYPES[number % len(TYPES)]
        zones = 2 + number % 2
        subnets = ", ".join(f"app-{zone[-1]}" for zone in ZONES[:zones])
        listed = ", ".join(f"{name}: {weight}" for name, weight in types.items())
        lines += [
            f"  group-{number:02d}:",
            "    vpc: app",
            f"    subnets: [{subnets}]",
            f"    instance_types: {{{listed}}}",
            "    min: 2",
            "    max: 400",
            "    capacity: {per_unit: 150, target_utilization: 70}",
            "    demand:",
            "      unit: requests/s",
            _demand_line(demand(rng, hours, rng.randint(500, 12000)), number, files),
            f"    availability: {{survive_az_loss: {'true' if number % 3 else 'false'}}}",
            "    purchase:",
            f"      on_demand_base: {number % 4}",
            f"      on_demand_percentage_above_base: {(number * 7) % 101}",
            "      spot_allocation_strategy: price-capacity-optimized",
            f"      commitment: {'auto' if number % 5 else '{units: 3}'}",
        ]
    return "\n".join(lines) + "\n"


def _demand_line(values: list[str], number: int, files: dict[str, str] | None) -> str:
    if files is None:
        return f"      hourly: [{', '.join(values)}]"
    name = f"demand/group-{number:02d}.csv"
    start = 1_714_521_600  # 2024-05-01T00:00:00Z
    files[name] = "timestamp,value\n" + "".join(
        f"{start + hour * 3600},{value}\n" for hour, value in enumerate(values)
    )
    return f"      file: {name}"


def timed(function: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    """Wall times of `repeat` calls (garbage collected before each), and the last result."""
    times = []
    result: T | None = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    assert result is not None
    return times, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--no-cli", action="store_true", help="skip timing the whole command")
    parser.add_argument(
        "--demand-files",
        action="store_true",
        help="give each group's demand as a CSV demand.file instead of demand.hourly",
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from archplan.capacity.plan import plan
    from archplan.engine import Loaded, load_architecture
    from archplan.prices import price_book
    from archplan.reports.scale_plan import render_json, render_text
    from archplan.source import Source

    files: dict[str, str] | None = {} if args.demand_files else None
    text = generate(args.groups, args.hours, files=files)
    workspace = tempfile.TemporaryDirectory()
    folder = Path(workspace.name)
    for name, content in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    source = Source(str(folder / "benchmark.yaml"), text)

    def load() -> Loaded:
        # As the command does: the cyclic collector is off while the file is loaded.
        gc.disable()
        try:
            return load_architecture(source)
        finally:
            gc.enable()

    load_times, loaded = timed(load, min(args.repeat, 3))
    architecture = loaded.architecture
    book = price_book(architecture.prices)
    plan_times, result = timed(lambda: plan(architecture, book, None, str(folder)), args.repeat)
    assert len(result.groups) == args.groups and all(g.planned for g in result.groups)
    assert all(g.hours == args.hours for g in result.groups)
    text_times, report = timed(lambda: render_text(result, "benchmark.yaml"), 1)
    json_times, document = timed(lambda: render_json(result, "benchmark.yaml"), 1)

    rows: list[tuple[str, list[float], str]] = [
        (
            f"plan {args.groups} groups x {args.hours:,} hours (in-process"
            + (", reading the CSV demand files)" if files is not None else ")"),
            plan_times,
            f"<= {TARGET_S:g} s",
        ),
        ("load the architecture file (in-process, cyclic GC off)", load_times, ""),
        (f"text report ({len(report):,} characters)", text_times, ""),
        (f"JSON report ({len(document) / 2**20:.0f} MiB)", json_times, ""),
    ]
    if not args.no_cli:
        with workspace as directory:
            path = Path(directory) / "benchmark.yaml"
            path.write_text(text, encoding="utf-8")
            env = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(directory) / "pycache")}
            command = [sys.executable, "-m", "archplan", "scale-plan", str(path)]

            def run() -> int:
                completed = subprocess.run(
                    command, capture_output=True, env=env, cwd=REPO, check=False
                )
                return completed.returncode + 1  # never None, never falsy

            cli_times, code = timed(run, min(args.repeat, 3))
            rows.append(("`archplan scale-plan FILE` (whole command, text)", cli_times, ""))
            if code - 1 not in (0, 1):
                print(f"archplan scale-plan exited {code - 1}", file=sys.stderr)
                return 1

    best_plan = min(plan_times)
    met = best_plan <= TARGET_S
    machine = (
        f"CPython {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d')}"
    )
    size = len(text.encode("utf-8"))
    if args.markdown:
        print(
            f"Measured: {machine}. File: {size / 2**20:.1f} MiB, {len(text.splitlines()):,} lines."
        )
        print()
        print("| Step | Runs | Best (s) | Median (s) | Target | Met |")
        print("| --- | ---: | ---: | ---: | --- | --- |")
        for label, times, target in rows:
            verdict = ("yes" if met else "**no**") if target else ""
            print(
                f"| {label} | {len(times)} | {min(times):.3f} | "
                f"{statistics.median(times):.3f} | {target} | {verdict} |"
            )
    else:
        print(machine)
        print(f"file: {size / 2**20:.1f} MiB")
        for label, times, target in rows:
            print(
                f"{label:<60} best {min(times):7.3f} s  median {statistics.median(times):7.3f} s"
                + (f"  target {target}: {'met' if met else 'NOT MET'}" if target else "")
            )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
