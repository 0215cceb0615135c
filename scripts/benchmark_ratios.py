"""Every figure of the linearity issue (15) as a ratio to its floor, measured side by side.

Absolute timings on a shared 2-core machine swing by 2-4x with the load; a ratio to a floor
measured in the same rounds does not. Each round runs every command once, in turn (so load
hits them alike), and each figure is the best of the rounds, of wall time and of CPU time:

- floors: a bare interpreter (`python -c pass`, the same interpreter archplan runs on), and
  libyaml's compose of the same file in a fresh process (`yaml.compose` with CSafeLoader and
  the collector off), and in this process;
- start-up: `archplan --version` and `validate` of a small example, over the bare interpreter;
- the loader: `archplan.loader.load` over `yaml.compose` on the 10,000-VPC file, in this process
  and in a fresh one (the two must agree), and the whole `validate` over compose;
- linearity: `validate` 10,000 / 1,000 VPCs; `graph` over `validate` on 10,000 VPCs;
- `peering-plan` on 10,000 VPCs without meshes (absolute target: 3 s, 1 GB) and `scale-plan`
  on 50 groups x 8,760 hours (absolute target: 1.5 s), each also over compose of its file.

Run through `scripts/benchmark.py --ratios` (which generates the estates).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# One fresh process: compose the file with libyaml, collector off.
COMPOSE = (
    "import gc, sys, time, yaml\n"
    "text = open(sys.argv[1], encoding='utf-8').read()\n"
    "gc.disable()\n"
    "yaml.compose(text, Loader=yaml.CSafeLoader)\n"
)
# One fresh process: archplan's loader on the file, then libyaml's compose, CPU seconds of each.
LOAD_IN_CHILD = (
    "import gc, sys, time, yaml\n"
    "from archplan import loader\n"
    "text = open(sys.argv[1], encoding='utf-8').read()\n"
    "gc.disable()\n"
    "start = time.process_time()\n"
    "loader.load(text)\n"
    "middle = time.process_time()\n"
    "yaml.compose(text, Loader=yaml.CSafeLoader)\n"
    "print(middle - start, time.process_time() - middle)\n"
)


@dataclass
class Timing:
    """The runs of one command: wall and CPU seconds, peak memory, exit codes."""

    label: str
    command: list[str]
    walls: list[float]
    cpus: list[float]
    rss_kib: list[int]
    codes: list[int]
    stdout: str = ""

    @property
    def wall(self) -> float:
        return min(self.walls)

    @property
    def cpu(self) -> float:
        return min(self.cpus)

    @property
    def peak_mib(self) -> float:
        return max(self.rss_kib) / 1024


@dataclass
class Figure:
    """One row of the table: a figure, its floor, their ratio and the target."""

    what: str
    value: float
    floor_name: str
    floor: float
    target: str
    met: bool | None
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.floor if self.floor else float("inf")


def rounds(
    commands: dict[str, list[str]],
    runs: int,
    run_once: Callable[[list[str]], tuple[int, float, float, int, str]],
) -> dict[str, Timing]:
    """Run every command once per round, in turn, `runs` rounds."""
    timings = {label: Timing(label, command, [], [], [], []) for label, command in commands.items()}
    for round_number in range(runs):
        for label, command in commands.items():
            code, wall, cpu, rss, stdout = run_once(command)
            timing = timings[label]
            timing.walls.append(wall)
            timing.cpus.append(cpu)
            timing.rss_kib.append(rss)
            timing.codes.append(code)
            timing.stdout = stdout
        print(f"  round {round_number + 1} of {runs} done", file=sys.stderr)
    return timings


def in_process(path: Path, runs: int) -> tuple[float, float]:
    """Best CPU seconds of archplan's loader and of libyaml's compose on `path`, in this
    process, alternated, with the collector off (as archplan loads)."""
    import yaml

    from archplan import loader

    text = path.read_text(encoding="utf-8")
    loads, composes = [], []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            loader.load(text)
            loads.append(time.process_time() - start)
            gc.collect()
            start = time.process_time()
            yaml.compose(text, Loader=yaml.CSafeLoader)
            composes.append(time.process_time() - start)
        finally:
            gc.enable()
    return min(loads), min(composes)


def figures(
    timings: dict[str, Timing],
    fresh_loads: list[tuple[float, float]],
    in_process_load: tuple[float, float],
    composes: dict[str, float],
) -> list[Figure]:
    """The issue's figures from the measured rounds, in CPU seconds (user + system): with
    several jobs per CPU, wall time mostly measures the wait for one (both are in the second
    table)."""
    bare = timings["bare"].cpu
    best_load = min(load for load, _ in fresh_loads)
    best_compose_child = min(compose for _, compose in fresh_loads)
    loader_in, compose_in = in_process_load
    validate_10k = timings["validate 10k"]
    validate_1k = timings["validate 1k"]
    graph_10k = timings["graph 10k"]
    peering = timings["peering-plan 10k"]
    scale = timings["scale-plan"]
    return [
        Figure(
            "`archplan --version`", timings["version"].cpu, "bare interpreter", bare, "≤ 5x",
            timings["version"].cpu <= 5 * bare,
        ),
        Figure(
            "`archplan validate` small file (JSON)", timings["validate small"].cpu,
            "bare interpreter", bare, "≤ 8x", timings["validate small"].cpu <= 8 * bare,
        ),
        Figure(
            "`loader.load`, 10,000 VPCs, in-process", loader_in, "yaml.compose in-process",
            compose_in, "≤ 1.6x", loader_in <= 1.6 * compose_in,
        ),
        Figure(
            "`loader.load`, 10,000 VPCs, fresh process", best_load,
            "yaml.compose, same process", best_compose_child, "≤ 1.6x",
            best_load <= 1.6 * best_compose_child,
            f"in-process / fresh-process load: {loader_in / best_load:.2f}",
        ),
        Figure(
            "`archplan validate` 10,000 VPCs (whole process)", validate_10k.cpu,
            "compose process", composes["10k"], "", None,
            f"wall {validate_10k.wall:.2f} s, {validate_10k.peak_mib:.0f} MiB",
        ),
        Figure(
            "`archplan validate` 10,000 / 1,000 VPCs", validate_10k.cpu, "validate 1,000",
            validate_1k.cpu, "≤ 10", validate_10k.cpu <= 10 * validate_1k.cpu,
            f"wall ratio {validate_10k.wall / validate_1k.wall:.2f}",
        ),
        Figure(
            "`archplan graph` 10,000 VPCs", graph_10k.cpu, "validate 10,000",
            validate_10k.cpu, "≤ 1.2x", graph_10k.cpu <= 1.2 * validate_10k.cpu,
            f"wall ratio {graph_10k.wall / validate_10k.wall:.2f}",
        ),
        Figure(
            "`archplan peering-plan` 10,000 VPCs, no meshes", peering.cpu, "compose process",
            composes["ring"], "≤ 3 s, ≤ 1 GiB",
            peering.cpu <= 3 and peering.peak_mib <= 1024,
            f"wall {peering.wall:.2f} s, {peering.peak_mib:.0f} MiB",
        ),
        Figure(
            "`archplan scale-plan` 50 x 8,760 h (text)", scale.cpu, "compose process",
            composes["scale"], "≤ 1.5 s", scale.cpu <= 1.5,
            f"wall {scale.wall:.2f} s, {scale.peak_mib:.0f} MiB",
        ),
    ]  # fmt: skip


def table(rows: Sequence[Figure], timings: dict[str, Timing], runs: int, machine: str) -> str:
    """The Markdown table for docs/benchmarks.md."""
    lines = [
        f"Measured: {machine}; {time.strftime('%Y-%m-%d %H:%M')} UTC, best of {runs} rounds "
        "(each round runs every command once, in turn). Load average at the end: "
        f"{_load_average()}.",
        "",
        "| Figure | CPU (s) | Floor | Floor CPU (s) | Ratio | Target | Met | Notes |",
        "| --- | ---: | --- | ---: | ---: | --- | --- | --- |",
    ]
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(
            f"| {row.what} | {row.value:.3f} | {row.floor_name} | {row.floor:.3f} | "
            f"{row.ratio:.2f} | {row.target} | {met} | {row.note} |"
        )
    lines += [
        "",
        "| Command | Best wall (s) | Median wall (s) | Best CPU (s) | Peak RSS (MiB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for timing in timings.values():
        lines.append(
            f"| {timing.label} | {timing.wall:.3f} | {statistics.median(timing.walls):.3f} | "
            f"{timing.cpu:.3f} | {timing.peak_mib:.0f} |"
        )
    return "\n".join(lines)


def _load_average() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        return "unknown"
