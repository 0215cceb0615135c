"""Benchmark `archplan validate` on generated clean estates of growing size, or profile one size."""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import ipaddress
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (3, 100, 500, 1000)
# --large: the scale issue's estates, each VPC in a fully peered mesh of 10 with a scaling group
# every 10 VPCs (4.5 peerings and 9 routes per VPC, against 2 and 4 in the default ring).
LARGE_SIZES = (1000, 5000, 10000)
MARK_START = "<!-- benchmark:start -->"
MARK_END = "<!-- benchmark:end -->"
NEWLINE = b"\n"

REGION = "us-east-1"
ZONES = "abcd"
# Address pools carved in order. Ranges AWS or archplan warn about are skipped: 172.17.0.0/16
# (Docker bridge, AP104) and 172.31.0.0/16 (the default VPC's range).
POOLS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
AVOID = tuple(ipaddress.IPv4Network(text) for text in ("172.17.0.0/16", "172.31.0.0/16"))
INSTANCE_TYPES = ("m5.large", "c6i.large")  # both in the shipped price table (AP512)

# Targets from the performance issue; the 500-VPC one assumes 4 subnets and 2 peerings per VPC.
SMALL_TARGET_S = 0.10
MEDIUM_TARGET_S = 0.5
LARGE_TARGET_S = 5.0
LARGE_TARGET_MIB = 1024
RATIO_TARGET = 12.0
# `archplan diff` of two estates that differ in 1 % of their objects: at most twice one validate.
DIFF_TARGET = 2.0

T = TypeVar("T")


# -- generating estates ----------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What to generate: the number of VPCs and how they are laid out and connected."""

    vpcs: int
    subnets_per_vpc: int = 4
    vpc_prefix: int = 22
    subnet_prefix: int = 24
    topology: str = "ring"  # ring: each VPC peers with its next `neighbours`; mesh: groups
    neighbours: int = 2
    mesh_size: int = 10
    scaling_groups: bool = False
    nat: bool = False  # an internet gateway, a public first subnet and a NAT route per VPC


@dataclass
class Estate:
    """A generated architecture file's text and what it contains."""

    text: str
    vpcs: int = 0
    subnets: int = 0
    peerings: int = 0
    routes: int = 0
    meshes: int = 0
    groups: int = 0


def vpc_blocks(count: int, prefix: int) -> list[ipaddress.IPv4Network]:
    """`count` disjoint blocks of length `prefix`, carved in order from the private pools."""
    blocks: list[ipaddress.IPv4Network] = []
    for pool in POOLS:
        network = ipaddress.IPv4Network(pool)
        if prefix < network.prefixlen:
            continue
        for block in network.subnets(new_prefix=prefix):
            if any(block.overlaps(avoid) for avoid in AVOID):
                continue
            blocks.append(block)
            if len(blocks) == count:
                return blocks
    raise SystemExit(f"cannot carve {count} /{prefix} VPC blocks from {', '.join(POOLS)}")


def peering_pairs(shape: Shape) -> tuple[list[tuple[int, int]], list[list[int]]]:
    """Peered VPC index pairs (lower index first) and the mesh groups, by topology."""
    n = shape.vpcs
    if shape.topology == "mesh":
        groups = [
            list(range(start, min(start + shape.mesh_size, n)))
            for start in range(0, n, shape.mesh_size)
        ]
        groups = [group for group in groups if len(group) > 1]
        pairs = [(a, b) for group in groups for i, a in enumerate(group) for b in group[i + 1 :]]
        return pairs, groups
    seen: dict[tuple[int, int], None] = {}
    for i in range(n):
        for step in range(1, shape.neighbours + 1):
            j = (i + step) % n
            if i != j:
                seen.setdefault((min(i, j), max(i, j)))
    return list(seen), []


def hourly_demand(seed: int) -> list[int]:
    """A day of demand (requests/s): a night trough and a daytime peak, varied by seed."""
    base = 200 + 10 * (seed % 7)
    shape = (1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 2, 1, 1)
    return [base * level for level in shape]


def generate(shape: Shape) -> Estate:
    """A valid, clean architecture file (format 1) for `shape`."""
    n = shape.vpcs
    subnet_slots = 2 ** (shape.subnet_prefix - shape.vpc_prefix)
    if not 16 <= shape.vpc_prefix <= 28 or not shape.vpc_prefix <= shape.subnet_prefix <= 28:
        raise SystemExit("VPC and subnet prefixes must be /16../28, subnets no larger than VPCs")
    if shape.subnets_per_vpc > subnet_slots:
        raise SystemExit(
            f"a /{shape.vpc_prefix} VPC holds only {subnet_slots} /{shape.subnet_prefix} subnets"
        )
    width = len(str(n))
    names = [f"vpc-{i + 1:0{width}d}" for i in range(n)]
    blocks = vpc_blocks(n, shape.vpc_prefix)
    pairs, groups = peering_pairs(shape)
    peering_names = [f"peer-{names[a][4:]}-{names[b][4:]}" for a, b in pairs]
    routes: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    for (a, b), name in zip(pairs, peering_names, strict=True):
        routes[a].append((str(blocks[b]), name))
        routes[b].append((str(blocks[a]), name))

    estate = Estate("", vpcs=n, peerings=len(pairs), meshes=len(groups))
    lines = [
        "archplan: 1",
        f"name: benchmark-{n}-vpcs",
        "defaults:",
        f"  region: {REGION}",
        '  account: "111111111111"',
        # One account holds the whole estate: its VPCs-per-Region quota is raised to match
        # (AP118), as an estate this size would have it.
        "quotas:",
        f"  vpcs_per_region: {max(n, 5)}",
        "vpcs:",
    ]
    subnet_names: list[list[str]] = []
    for i, (name, block) in enumerate(zip(names, blocks, strict=True)):
        zones = 2 + i % 3  # 2, 3 or 4 Availability Zones
        lines += [f"  {name}:", f"    cidr: {block}"]
        if shape.nat:
            lines.append("    internet_gateway: true")
        lines.append("    subnets:")
        own: list[str] = []
        subnets = block.subnets(new_prefix=shape.subnet_prefix)
        for j in range(shape.subnets_per_vpc):
            subnet = f"{name}-s{j + 1}"
            zone = f"{REGION}{ZONES[j % zones]}"
            table = "public" if shape.nat and j == 0 else "private"
            lines.append(
                f"      {subnet}: {{cidr: {next(subnets)}, az: {zone}, route_table: {table}}}"
            )
            own.append(subnet)
        subnet_names.append(own)
        private = [(dest, f"peering:{peering}") for dest, peering in routes[i]]
        if shape.nat:
            private.append(("0.0.0.0/0", f"nat:{own[0]}"))
        lines += ["    route_tables:", "      private:", "        main: true"]
        if private:
            lines.append("        routes:")
            lines += [f"          {dest}: {target}" for dest, target in private]
        if shape.nat:
            lines += ["      public:", "        routes:", "          0.0.0.0/0: igw"]
        estate.subnets += len(own)
        estate.routes += len(private) + (1 if shape.nat else 0)
    if pairs:
        lines.append("peerings:")
        lines += [
            f"  {peering}: {{requester: {names[a]}, accepter: {names[b]}}}"
            for (a, b), peering in zip(pairs, peering_names, strict=True)
        ]
    if groups:
        lines.append("meshes:")
        lines += [
            f"  mesh-{k + 1:0{width}d}: [{', '.join(names[i] for i in group)}]"
            for k, group in enumerate(groups)
        ]
    if shape.scaling_groups:
        lines.append("scaling_groups:")
        for k, i in enumerate(range(0, n, 10)):
            lines += scaling_group_lines(f"asg-{k + 1:0{width}d}", names[i], subnet_names[i], k)
            estate.groups += 1
    estate.text = "\n".join(lines) + "\n"
    return estate


def scaling_group_lines(name: str, vpc: str, subnets: list[str], seed: int) -> list[str]:
    """One scaling group in `vpc` whose capacity at max comfortably covers its demand."""
    return [
        f"  {name}:",
        f"    vpc: {vpc}",
        f"    subnets: [{', '.join(subnets)}]",
        f"    instance_types: [{', '.join(INSTANCE_TYPES)}]",
        "    min: 2",
        "    max: 12",
        "    desired: 4",
        "    capacity: {per_unit: 400, target_utilization: 60}",
        "    demand:",
        "      unit: requests/s",
        f"      hourly: [{', '.join(str(value) for value in hourly_demand(seed))}]",
        "    purchase:",
        "      on_demand_base: 1",
        "      on_demand_percentage_above_base: 30",
        "      spot_allocation_strategy: price-capacity-optimized",
    ]


# -- running and timing ----------------------------------------------------------------------


@dataclass
class Run:
    """One child process: exit code, wall time, CPU time, peak memory, output."""

    code: int
    wall: float
    cpu: float
    max_rss_kib: int
    stdout: str
    stderr: str


@dataclass
class Row:
    """One line of the results table."""

    label: str
    runs: list[Run]
    estate: Estate | None = None
    shape: Shape | None = None
    path: Path | None = None
    target: str = ""
    met: str = ""  # "yes", "**no**", or a verdict per part of the target
    notes: list[str] = field(default_factory=list)

    @property
    def file_stats(self) -> tuple[int, int] | None:
        """Lines and bytes of the input file, when there is one."""
        if self.path is None:
            return None
        data = self.path.read_bytes()
        return data.count(NEWLINE), len(data)

    @property
    def best(self) -> float:
        return min(run.wall for run in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(run.max_rss_kib for run in self.runs) / 1024


def archplan_command(explicit: str | None) -> list[str]:
    """The console script next to this interpreter, else `python -m archplan`."""
    if explicit:
        return explicit.split()
    script = Path(sys.executable).with_name("archplan")
    if script.exists():
        return [str(script)]
    found = shutil.which("archplan")
    return [found] if found else [sys.executable, "-m", "archplan"]


def child_environment(workdir: Path, bytecode_cache: bool) -> dict[str, str]:
    """The children's environment: with a bytecode cache in `workdir`, as an installed tool has.

    PYTHONDONTWRITEBYTECODE (set in some sandboxes) would make every run recompile archplan.
    """
    env = dict(os.environ)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    return env


def run_once(command: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run `command` once; wait4 gives this child's own rusage (RUSAGE_CHILDREN is cumulative)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        # close_fds=False lets subprocess use posix_spawn (vfork), cheaper than fork from a
        # large parent. A child's peak memory still starts at this process's (Linux records
        # the memory the child shared before exec), which only small commands ever show.
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, close_fds=False
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            code=process.returncode,
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            max_rss_kib=usage.ru_maxrss,  # KiB on Linux
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def check_clean(run: Run, label: str) -> None:
    """Stop unless `archplan validate --format json` exited 0 with no findings."""
    try:
        findings = [f for entry in json.loads(run.stdout)["files"] for f in entry["findings"]]
    except (ValueError, KeyError, TypeError):
        findings = []
    if run.code != 0 or findings:
        shown = "\n".join(
            f"  {f['rule']} {f['line']}:{f['column']} {f['message']}" for f in findings[:10]
        )
        raise SystemExit(
            f"{label}: expected a clean file (exit 0, no findings), got exit {run.code} and "
            f"{len(findings)} findings\n{shown}\n{run.stderr[-2000:]}"
        )


def measure(command: Sequence[str], repeat: int, env: dict[str, str]) -> list[Run]:
    return [run_once(command, env) for _ in range(repeat)]


def size_target(row: Row, shape: Shape) -> None:
    """Attach the issue's target that applies to this size, and whether it was met."""
    n = shape.vpcs
    if n <= 3:
        row.target, row.met = f"≤ {SMALL_TARGET_S:.2f} s", verdict(row.best <= SMALL_TARGET_S)
    elif n == 500:
        row.target, row.met = f"≤ {MEDIUM_TARGET_S} s", verdict(row.best <= MEDIUM_TARGET_S)
        if shape.topology != "ring" or shape.neighbours != 2 or shape.subnets_per_vpc != 4:
            row.notes.append("target is for 4 subnets and 2 peerings per VPC")
    elif n == 10000:
        row.target = f"≤ {LARGE_TARGET_S:.0f} s, ≤ 1 GiB"
        row.met = (
            f"time {verdict(row.best <= LARGE_TARGET_S)}, "
            f"memory {verdict(row.peak_mib <= LARGE_TARGET_MIB)}"
        )


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def benchmark(args: argparse.Namespace, workdir: Path) -> tuple[list[Row], str]:
    """Time every input; return the rows and the ratio line."""
    command = archplan_command(args.archplan)
    env = child_environment(workdir, not args.no_bytecode_cache)
    rows: list[Row] = []
    run_once([*command, "--version"], env)  # fills the bytecode cache
    version = Row("`archplan --version`", measure([*command, "--version"], args.runs, env))
    rows.append(version)
    report(version)
    small = small_file(args.small)
    if small is not None:
        validate = [*command, "validate", str(small), "--format", "json"]
        first = run_once(validate, env)  # an example may have findings; still a small file
        row = Row(f"`{display(small)}`", measure(validate, args.runs, env), path=small)
        row.target, row.met = f"≤ {SMALL_TARGET_S:.2f} s", verdict(row.best <= SMALL_TARGET_S)
        if first.code != 0:
            row.notes.append(f"exit {first.code}")
        rows.append(row)
        report(row)
    inputs = [(f"{n:,} VPCs", shape_from(args, n)) for n in args.sizes]
    if args.large:
        inputs += [(f"{n:,} VPCs, meshes + ASGs", shape_from(args, n, True)) for n in LARGE_SIZES]
    sized: list[Row] = []
    for index, (label, shape) in enumerate(inputs):
        estate = generate(shape)
        path = workdir / f"estate-{index}-{shape.vpcs}.yaml"
        path.write_text(estate.text, encoding="utf-8")
        validate = [*command, "validate", str(path), "--format", "json"]
        check_clean(run_once(validate, env), label)  # also warms the page cache
        row = Row(label, measure(validate, args.runs, env), estate=estate, path=path, shape=shape)
        size_target(row, shape)
        sized.append(row)
        report(row)
    return rows + sized, ratio_line(sized, args.large)


def ratio_line(rows: list[Row], large: bool) -> str:
    """The 10,000 / 1,000 VPC time ratio, on the issue's shape when it was run."""
    best: dict[int, Row] = {}
    for row in rows:
        if row.shape is not None and (not large or row.label.endswith("ASGs")):
            best[row.shape.vpcs] = row
    if 1000 not in best or 10000 not in best:
        return ""
    value = best[10000].best / best[1000].best
    median = best[10000].median / best[1000].median
    met = "met" if value <= RATIO_TARGET else "NOT met"
    shape = " (meshes of 10 and scaling groups)" if large else ""
    return (
        f"Time ratio 10,000 / 1,000 VPCs{shape}, best of {len(best[1000].runs)}: "
        f"**{value:.2f}** (median {median:.2f}; target ≤ {RATIO_TARGET:.0f}: {met})."
    )


def changed_estate(text: str, fraction: float = 0.01) -> tuple[str, int]:
    """The estate with `fraction` of its subnets moved to another zone (each a replacement),
    of its peerings removed (with their routes) and of its scaling groups' max raised, spread
    evenly; and how many objects that changed."""
    lines = text.split("\n")
    subnets = [i for i, line in enumerate(lines) if ", az: " in line]
    peerings = [i for i, line in enumerate(lines) if line.startswith("  peer-")]
    groups = [i for i, line in enumerate(lines) if line == "    max: 12"]
    changed = 0
    removed: set[int] = set()
    for kind in (subnets, peerings, groups):
        step = max(1, round(1 / fraction))
        for i in kind[::step]:
            changed += 1
            if kind is subnets:
                line = lines[i]
                zone = line.split(", az: ", 1)[1][:10]
                other = zone[:-1] + ("b" if zone.endswith("a") else "a")
                lines[i] = line.replace(f"az: {zone}", f"az: {other}")
            elif kind is peerings:
                removed.add(i)
            else:
                lines[i] = "    max: 14"
    # A removed peering takes its routes along (left behind, each would be an unknown reference).
    gone = {f"peering:{lines[i].split(':', 1)[0].strip()}" for i in removed}
    kept = [
        line
        for i, line in enumerate(lines)
        if i not in removed and not (": peering:" in line and line.split(": ", 1)[1] in gone)
    ]
    return "\n".join(kept), changed


def diff_estates(args: argparse.Namespace, n: int, workdir: Path) -> tuple[Path, Path, int]:
    """The --large estate of `n` VPCs and the same with 1 % of its objects changed."""
    estate = generate(shape_from(args, n, True))
    old, new = workdir / f"diff-old-{n}.yaml", workdir / f"diff-new-{n}.yaml"
    old.write_text(estate.text, encoding="utf-8")
    text, changed = changed_estate(estate.text)
    new.write_text(text, encoding="utf-8")
    return old, new, changed


def diff_benchmark(args: argparse.Namespace, workdir: Path) -> str:
    """Time `archplan diff OLD NEW` against one `archplan validate OLD` per size.

    Each round runs validate then diff, one right after the other, so load from other jobs
    hits both alike; each figure is the best of the rounds. The wall ratio is the target's;
    the CPU ratio (all the diff's processes counted) says what the diff costs in work, which
    a second CPU can hide in wall time but not in CPU time."""
    command = archplan_command(args.archplan)
    env = child_environment(workdir, not args.no_bytecode_cache)
    run_once([*command, "--version"], env)
    lines = [
        "| estate | objects changed | validate wall (best) | diff wall (best) | wall ratio | "
        f"target ≤ {DIFF_TARGET:.0f} | validate CPU | diff CPU | CPU ratio | load average |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    sizes = args.sizes if args.sizes != list(DEFAULT_SIZES) else [10000]
    for n in sizes:
        old, new, changed = diff_estates(args, n, workdir)
        validate = [*command, "validate", str(old), "--format", "json"]
        check_clean(run_once(validate, env), f"{n} VPCs")
        diff = [*command, "diff", str(old), str(new), "--format", "json"]
        first = run_once(diff, env)
        if first.code != 0:
            raise SystemExit(f"archplan diff exited {first.code}: {first.stderr[-2000:]}")
        validated: list[Run] = []
        diffed: list[Run] = []
        loads = []
        for _ in range(args.runs):
            validated.append(run_once(validate, env))
            diffed.append(run_once(diff, env))
            loads.append(os.getloadavg()[0])
        wall = min(run.wall for run in diffed) / min(run.wall for run in validated)
        cpu_v, cpu_d = min(run.cpu for run in validated), min(run.cpu for run in diffed)
        lines.append(
            f"| {n:,} VPCs, meshes + ASGs | {changed:,} | "
            f"{min(run.wall for run in validated):.2f} s | {min(run.wall for run in diffed):.2f} s | "
            f"{wall:.2f} | {verdict(wall <= DIFF_TARGET)} | {cpu_v:.2f} s | {cpu_d:.2f} s | "
            f"{cpu_d / cpu_v:.2f} | {min(loads):.1f}–{max(loads):.1f} |"
        )
        print(lines[-1], file=sys.stderr)
    return "\n".join(lines) + "\n"


def diff_profile(args: argparse.Namespace, n: int, workdir: Path) -> None:
    """The diff's phases in-process (CPU seconds, collector off as the command runs), each
    version's work in line; then cProfile's top functions of the comparison proper."""
    from archplan.diff import effects, impact
    from archplan.diff.changes import object_changes
    from archplan.diff.match import objects
    from archplan.diff.sides import from_text
    from archplan.engine import validate_source
    from archplan.limits import DemandBudget
    from archplan.source import read_source

    old_path, new_path, changed = diff_estates(args, n, workdir)
    print(f"\n## Diff profile: {n:,} VPCs, {changed:,} objects changed\n")
    gc.disable()
    clock = time.process_time

    def phase(name: str, work: Callable[[], T]) -> T:
        start = clock()
        result = work()
        print(f"  {clock() - start:8.3f}  {name}")
        return result

    phase(
        "one validate of the older version (read, load, rules)",
        lambda: validate_source(read_source(str(old_path))),
    )
    old = phase("load the older version", lambda: from_text("old", old_path.read_text("utf-8")))
    new = phase("load the newer version", lambda: from_text("new", new_path.read_text("utf-8")))
    settings = effects.Settings(demand_budget=DemandBudget())
    old_objects = phase("objects of the older version", lambda: objects(old.data))
    new_objects = phase("objects of the newer version", lambda: objects(new.data))
    changes = phase("pair and compare", lambda: object_changes(old, new, old_objects, new_objects))
    before, after = old.loaded.architecture, new.loaded.architecture
    touched = phase("meshes touched", lambda: effects.affected_meshes(before, after, changes))
    phase("what replacements take", lambda: impact.consequences(old, changes, old_objects))
    phase("edits that fail", lambda: list(impact.failures(old, new, changes)))
    phase("peering links", lambda: effects.link_changes(before, after, changes))
    phase(
        f"mesh plans, older ({len(touched)} meshes)", lambda: effects.mesh_figures(before, touched)
    )
    phase(
        f"mesh plans, newer ({len(touched)} meshes)", lambda: effects.mesh_figures(after, touched)
    )
    phase("capacity and cost", lambda: effects.costs(old, new, changes, settings))
    part = phase(
        "the part the change touches (links of both versions)",
        lambda: effects.findings_part(old, new, old_objects, new_objects, changes),
    )
    units = (
        f"{len(part.units):,} units, {len(part.connected):,} connected"
        if part is not None
        else "every unit"
    )
    phase(
        f"findings of the older version ({units} units)",
        lambda: effects.findings(old, settings, part),
    )
    phase(
        f"findings of the newer version ({units} units)",
        lambda: effects.findings(new, settings, part),
    )
    profiler = cProfile.Profile()
    profiler.enable()
    found = object_changes(old, new, old_objects, new_objects)
    effects.link_changes(before, after, found)
    effects.mesh_figures(before, touched)
    impact.consequences(old, found, old_objects)
    profiler.disable()
    gc.enable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats("tottime").print_stats(args.top)
    print(f"\nTop {args.top} by own time, comparison, links, older meshes, consequences:\n")
    print(trim_pstats(stream.getvalue()))


def small_file(explicit: str | None) -> Path | None:
    """The small-file input: --small, else the largest examples/*.yaml, else none."""
    if explicit:
        return Path(explicit).resolve()
    examples = sorted((REPO / "examples").glob("*.yaml"), key=lambda path: path.stat().st_size)
    return examples[-1] if examples else None


def display(path: Path) -> str:
    return str(path.relative_to(REPO)) if REPO in path.parents else path.name


def report(row: Row) -> None:
    print(
        f"  {row.label}: best {row.best:.3f} s, median {row.median:.3f} s, "
        f"peak {row.peak_mib:.0f} MiB",
        file=sys.stderr,
    )


def shape_from(args: argparse.Namespace, n: int, issue: bool = False) -> Shape:
    """The shape the options describe; with `issue` (or --issue-shape) the scale issue's:
    meshes of 10 and a scaling group every 10 VPCs."""
    shape = Shape(
        vpcs=n,
        subnets_per_vpc=args.subnets_per_vpc,
        vpc_prefix=args.vpc_prefix,
        subnet_prefix=args.subnet_prefix,
        topology=args.topology,
        neighbours=args.neighbours,
        mesh_size=args.mesh_size,
        scaling_groups=args.scaling_groups,
        nat=args.nat,
    )
    if issue or args.issue_shape:
        shape = replace(shape, topology="mesh", mesh_size=10, scaling_groups=True)
    return shape


# -- the table ---------------------------------------------------------------------------------


def machine_line() -> str:
    try:
        import yaml

        libyaml = "yes" if yaml.__with_libyaml__ else "no"
    except ImportError:
        libyaml = "PyYAML missing"
    from archplan import __version__

    return (
        f"archplan {__version__}; {platform.python_implementation()} {platform.python_version()} "
        f"on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; "
        f"PyYAML with libyaml: {libyaml}; {time.strftime('%Y-%m-%d')}"
    )


def markdown_table(rows: list[Row], ratio: str, args: argparse.Namespace) -> str:
    """The results as Markdown: a header line, the table, the ratio."""
    shape = shape_from(args, 1)
    topology = (
        f"ring, each VPC peered with its next {shape.neighbours}"
        if shape.topology == "ring"
        else f"meshes of {shape.mesh_size}"
    )
    lines = [
        f"Measured: {machine_line()}.",
        f"Estates: {args.subnets_per_vpc} subnets per /{args.vpc_prefix} VPC, peerings in a "
        f"{topology}, routes on both sides"
        + (", a scaling group every 10 VPCs" if shape.scaling_groups else "")
        + (", a NAT gateway route per VPC" if args.nat else "")
        + (
            "; the rows marked *meshes + ASGs* are the scale issue's shape: fully peered meshes "
            "of 10 VPCs (45 peerings and 90 routes per mesh) and a scaling group every 10 VPCs"
            if args.large
            else ""
        )
        + f". Wall time of `archplan validate FILE --format json`, {args.runs} "
        + ("run each" if args.runs == 1 else "runs each")
        + (", environment as is" if args.no_bytecode_cache else ", with a bytecode cache")
        + "; targets are judged on the best run.",
        "",
        "| Input | VPCs | Subnets | Peerings | Routes | Groups | Lines | Size | Best (s) "
        "| Median (s) | CPU (s) | Peak RSS (MiB) | Target | Met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- | --- |",
    ]
    for row in rows:
        estate = row.estate
        counts = (
            [
                f"{estate.vpcs:,}",
                f"{estate.subnets:,}",
                f"{estate.peerings:,}",
                f"{estate.routes:,}",
                f"{estate.groups:,}",
            ]
            if estate
            else ["", "", "", "", ""]
        )
        stats = row.file_stats
        counts += [f"{stats[0]:,}", human_size(stats[1])] if stats else ["", ""]
        target = row.target + (f" ({'; '.join(row.notes)})" if row.notes else "")
        cpu = statistics.median(run.cpu for run in row.runs)
        lines.append(
            f"| {row.label} | {' | '.join(counts)} | {row.best:.3f} | {row.median:.3f} "
            f"| {cpu:.3f} | {row.peak_mib:.0f} | {target} | {row.met} |"
        )
    if ratio:
        lines += ["", ratio]
    return "\n".join(lines) + "\n"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 / 1024:.1f} MiB"


def write_between_markers(path: Path, table: str) -> None:
    """Replace what lies between the markers (or append them), keeping the rest of the file."""
    block = f"{MARK_START}\n{table}{MARK_END}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARK_START in text and MARK_END in text:
        before = text[: text.index(MARK_START)]
        after = text[text.index(MARK_END) + len(MARK_END) :]
        text = before + block + after
    else:
        text = (text.rstrip("\n") + "\n\n" if text else "") + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- profiling in-process ----------------------------------------------------------------------


def timed(call: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = call()
    return value, time.perf_counter() - start


def with_and_without_gc(call: Callable[[], T]) -> tuple[T, float, float]:
    """Time `call` from a freshly collected heap, once as usual and once with the GC off."""
    gc.collect()
    value, with_gc = timed(call)
    del value
    gc.collect()
    gc.disable()
    try:
        value, without_gc = timed(call)
    finally:
        gc.enable()
    return value, with_gc, without_gc


Phase = tuple[str, float, float]  # name, seconds with the cyclic GC, seconds without


def phase_times(path: Path) -> list[Phase]:
    """Each stage of `validate_source` timed on its own, without the profiler's overhead."""
    from archplan import engine
    from archplan.reports import json_report
    from archplan.source import read_source

    source, read, read_no_gc = with_and_without_gc(lambda: read_source(str(path)))
    stages = stage_times(source.text)
    result, total, total_no_gc = with_and_without_gc(lambda: engine.validate_source(source))
    _, render, render_no_gc = with_and_without_gc(lambda: json_report.render([result]))
    return [
        ("read file (source.read_source)", read, read_no_gc),
        *stages,
        ("engine.validate_source, whole", total, total_no_gc),
        ("JSON report (reports.json_report.render)", render, render_no_gc),
    ]


def stage_times(text: str) -> list[Phase]:
    """The stages of `engine.load_architecture` and the rules, in order.

    Each stage's input stays alive while it runs, as it does in `validate_source`.
    """
    import yaml

    from archplan import loader, schema
    from archplan.build import Builder
    from archplan.decode import Decoder
    from archplan.rules import RULES

    yaml_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # The parser alone (events, no nodes) shows what composing archplan's nodes adds on top.
    _, parse, parse_no_gc = with_and_without_gc(
        lambda: sum(1 for _ in yaml.parse(text, Loader=yaml_loader))
    )
    document, load, load_no_gc = with_and_without_gc(lambda: loader.load(text))
    rejected: dict[Any, str] = {}

    def decode() -> Any:
        decoder = Decoder()
        data = decoder.decode(document.root, schema.ARCHITECTURE, ())
        rejected.update(decoder.rejected)
        return data

    data, decoding, decoding_no_gc = with_and_without_gc(decode)
    architecture, build, build_no_gc = with_and_without_gc(lambda: Builder(rejected).build(data))
    rules: list[Phase] = []
    for rule in RULES.values():
        if rule.check is not None:
            check = rule.check
            _, seconds, seconds_no_gc = with_and_without_gc(
                lambda check=check: list(check(architecture))  # type: ignore[misc]
            )
            rules.append((f"  rule {rule.id} {rule.name}", seconds, seconds_no_gc))
    rules.sort(key=lambda phase: -phase[1])
    return [
        ("load: events to located nodes (loader.load)", load, load_no_gc),
        ("  of which libyaml's events alone (yaml.parse)", parse, parse_no_gc),
        ("decode (decode.Decoder)", decoding, decoding_no_gc),
        ("model build (build.Builder)", build, build_no_gc),
        ("rules, all", sum(p[1] for p in rules), sum(p[2] for p in rules)),
        *rules[:5],
    ]


def profile(args: argparse.Namespace, n: int, workdir: Path) -> None:
    """Print the phase split and cProfile's top functions for an estate of `n` VPCs."""
    from archplan.engine import validate_source
    from archplan.reports import json_report
    from archplan.source import read_source

    estate = generate(shape_from(args, n))
    path = workdir / f"estate-{n}.yaml"
    path.write_text(estate.text, encoding="utf-8")
    print(
        f"\n## Profile: {n:,} VPCs, {estate.subnets:,} subnets, {estate.peerings:,} peerings, "
        f"{estate.routes:,} routes ({estate.text.count(NEWLINE.decode()):,} lines, "
        f"{human_size(len(estate.text.encode()))})\n"
    )
    print("Phases (wall seconds in-process, no profiler; with the cyclic GC / with it off):\n")
    for name, seconds, seconds_no_gc in phase_times(path):
        print(f"  {seconds:8.3f} {seconds_no_gc:8.3f}  {name}")

    gc.collect()
    if args.no_gc:
        gc.disable()
    profiler = cProfile.Profile()
    profiler.enable()
    result = validate_source(read_source(str(path)))
    json_report.render([result])
    profiler.disable()
    gc.enable()
    if result.findings or result.error:
        print(f"\nwarning: the estate is not clean ({len(result.findings)} findings)")
    if args.profile_out:
        profiler.dump_stats(f"{args.profile_out}-{n}.prof")
    gc_note = "GC off" if args.no_gc else "GC on: collections are charged to whatever allocates"
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(order)
        stats.print_stats(args.top)
        print(f"\nTop {args.top} by {order} time (under cProfile, {gc_note}):\n")
        print(trim_pstats(stream.getvalue()))


def trim_pstats(text: str) -> str:
    """pstats output without its preamble of blank lines and the 'Ordered by' chatter."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    header = next((line.strip() for line in lines if "function calls" in line), "")
    return "\n".join([header, "", *lines[start:]]).rstrip()


# -- command line ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "sizes",
        nargs="*",
        type=int,
        help=f"numbers of VPCs to generate (default: {', '.join(map(str, DEFAULT_SIZES))})",
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help="also run the scale issue's estates: 1,000, 5,000 and 10,000 VPCs in meshes of 10 "
        "with a scaling group every 10 VPCs",
    )
    parser.add_argument("--runs", "-k", type=int, default=5, help="timed runs per input (5)")
    parser.add_argument(
        "--small", metavar="FILE", help="small-file input (default: the largest example)"
    )
    parser.add_argument(
        "--write",
        metavar="FILE",
        help="write the table between the markers in FILE (relative to the repo root)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        action="append",
        metavar="N",
        help="profile validation of N VPCs in-process instead of timing sizes (repeatable)",
    )
    parser.add_argument(
        "--ratios",
        action="store_true",
        help="measure every figure of the linearity issue as a ratio to its floor, side by "
        "side (see scripts/benchmark_ratios.py); with --write, into its own markers",
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="time `archplan diff` of two estates differing in 1 %% of their objects against "
        "one validate, interleaved (sizes default to 10,000 VPCs, the --large shape); with "
        "--profile N, the diff's phases and top functions in-process",
    )
    parser.add_argument("--top", type=int, default=20, help="functions shown per profile (20)")
    parser.add_argument(
        "--no-gc", action="store_true", help="profile with the cyclic garbage collector off"
    )
    parser.add_argument("--profile-out", metavar="PREFIX", help="also dump PREFIX-N.prof")
    parser.add_argument("--keep", metavar="DIR", help="write the generated files to DIR")
    parser.add_argument("--archplan", metavar="CMD", help="command to run (default: the venv's)")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run archplan with the environment as is (default: a .pyc cache in the temp dir)",
    )
    shape = parser.add_argument_group("estate shape")
    shape.add_argument(
        "--issue-shape",
        action="store_true",
        help="the --large shape for the sizes and --profile: meshes of 10, scaling groups",
    )
    shape.add_argument("--topology", choices=("ring", "mesh"), default="ring")
    shape.add_argument("--neighbours", type=int, default=2, help="ring: peers per VPC onward (2)")
    shape.add_argument("--mesh-size", type=int, default=10, help="mesh: VPCs per mesh (10)")
    shape.add_argument("--subnets-per-vpc", type=int, default=4)
    shape.add_argument("--vpc-prefix", type=int, default=22, help="VPC block length (/22)")
    shape.add_argument("--subnet-prefix", type=int, default=24, help="subnet length (/24)")
    shape.add_argument(
        "--scaling-groups", action="store_true", help="add a scaling group every 10 VPCs"
    )
    shape.add_argument(
        "--nat", action="store_true", help="give each VPC an igw, a public subnet and a NAT route"
    )
    args = parser.parse_args(argv)
    args.sizes = list(args.sizes or DEFAULT_SIZES)
    if args.runs < 1 or any(n < 1 for n in args.sizes):
        parser.error("sizes and --runs must be positive")
    return args


RATIOS_START = "<!-- ratios:start -->"
RATIOS_END = "<!-- ratios:end -->"


def ratios(args: argparse.Namespace, workdir: Path) -> int:
    """--ratios: generate the issue's inputs, run every command in rounds, print the table."""
    sys.path.insert(0, str(REPO / "scripts"))
    import benchmark_ratios as measured
    import benchmark_scale

    inputs = {
        "1k": generate(shape_from(args, 1000, issue=True)).text,
        "10k": generate(shape_from(args, 10000, issue=True)).text,
        "ring": generate(Shape(vpcs=10000)).text,  # no meshes: one mesh of all 10,000 VPCs
        "scale": benchmark_scale.generate(50, 8760),
    }
    paths = {}
    for name, text in inputs.items():
        paths[name] = workdir / f"{name}.yaml"
        paths[name].write_text(text, encoding="utf-8")
    small = small_file(args.small)
    if small is None:
        raise SystemExit("no small file: give --small FILE")
    env = child_environment(workdir, not args.no_bytecode_cache)
    archplan = archplan_command(args.archplan)
    python = [sys.executable]
    commands = {
        "bare": [*python, "-c", "pass"],
        "version": [*archplan, "--version"],
        "validate small": [*archplan, "validate", str(small), "--format", "json"],
        "validate 1k": [*archplan, "validate", str(paths["1k"]), "--format", "json"],
        "validate 10k": [*archplan, "validate", str(paths["10k"]), "--format", "json"],
        "graph 10k": [*archplan, "graph", str(paths["10k"])],
        "peering-plan 10k": [*archplan, "peering-plan", str(paths["ring"])],
        "scale-plan": [*archplan, "scale-plan", str(paths["scale"])],
        "compose 10k": [*python, "-c", measured.COMPOSE, str(paths["10k"])],
        "compose ring": [*python, "-c", measured.COMPOSE, str(paths["ring"])],
        "compose scale": [*python, "-c", measured.COMPOSE, str(paths["scale"])],
        "load 10k in a child": [*python, "-c", measured.LOAD_IN_CHILD, str(paths["10k"])],
    }
    del inputs  # a child's peak memory starts at what this process holds (see run_once)
    # Warm the bytecode cache (every module each command imports) and the page cache.
    for command in ("validate", "graph", "peering-plan", "scale-plan"):
        run_once([*archplan, command, str(small)], env)
    run_once(commands["version"], env)
    print(f"measuring in {workdir}, {args.runs} rounds ...", file=sys.stderr)
    fresh: list[tuple[float, float]] = []

    def one(command: list[str]) -> tuple[int, float, float, int, str]:
        run = run_once(command, env)
        if command is commands["load 10k in a child"]:
            load, compose = (float(word) for word in run.stdout.split())
            fresh.append((load, compose))
        return run.code, run.wall, run.cpu, run.max_rss_kib, run.stdout

    timings = measured.rounds(commands, args.runs, one)
    for label, timing in timings.items():
        allowed = {0, 1} if label in ("peering-plan 10k", "scale-plan") else {0}
        if set(timing.codes) - allowed:
            raise SystemExit(f"{label} exited {timing.codes}: {timing.stdout[-500:]}")
    in_process = measured.in_process(paths["10k"], min(args.runs, 3))
    # The floor of a whole command is the whole compose process (interpreter, PyYAML, read).
    composes = {name: timings[f"compose {name}"].cpu for name in ("10k", "ring", "scale")}
    rows = measured.figures(timings, fresh, in_process, composes)
    text = measured.table(rows, timings, args.runs, machine_line())
    print(text)
    if args.write:
        target = Path(args.write)
        target = target if target.is_absolute() else REPO / target
        content = target.read_text(encoding="utf-8")
        start, end = content.index(RATIOS_START), content.index(RATIOS_END)
        target.write_text(
            content[: start + len(RATIOS_START)] + "\n" + text + "\n" + content[end:],
            encoding="utf-8",
        )
        print(f"wrote the table into {target}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def workspace(keep: str | None) -> Iterator[Path]:
    """A directory for the generated files: a temporary one unless --keep names one."""
    if keep:
        path = Path(keep).resolve()
        if path == REPO or REPO in path.parents:
            raise SystemExit("--keep must be outside the repository")
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="archplan-bench-") as name:
        yield Path(name)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with workspace(args.keep) as workdir:
        if args.profile:
            for n in args.profile:
                (diff_profile if args.diff else profile)(args, n, workdir)
            return 0
        if args.ratios:
            return ratios(args, workdir)
        print(f"benchmarking in {workdir} ...", file=sys.stderr)
        if args.diff:
            print(diff_benchmark(args, workdir))
            return 0
        rows, ratio = benchmark(args, workdir)
        table = markdown_table(rows, ratio, args)
        print(table)
        if args.write:
            target = Path(args.write)
            target = target if target.is_absolute() else REPO / target
            write_between_markers(target, table)
            print(f"wrote the table into {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
