"""Benchmark `archplan scale-plan` on containers: 50 ECS services + 50 Lambda functions + 50
scaling groups, each with 8,760 hourly demand values (a year), against libyaml composing the
same file.

The target (issue 17): the whole `archplan scale-plan FILE` process stays within 2x the whole
process that only composes the file with libyaml (`yaml.compose(text, Loader=CSafeLoader)`),
measured side by side here (the runs interleaved), not in a timed test. The steps are also
timed in one process (compose, archplan's load, plan, text, JSON) to show where time goes.

    .venv/bin/python scripts/benchmark_containers.py                # 50/50/50 x 8,760, 3 runs
    .venv/bin/python scripts/benchmark_containers.py --count 10 --hours 168 --repeat 1
    .venv/bin/python scripts/benchmark_containers.py --markdown     # the docs/benchmarks.md table

Half the services run on Fargate (a share on Fargate Spot), half on EC2 capacity providers
(ten of the groups), so packing and the groups' task-fed plans are timed too. Demand is
deterministic (seeded), in tenths, as in scripts/benchmark_scale.py.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from benchmark_scale import ZONES, demand  # noqa: E402 - the sibling script's generator

RATIO = 2.0
SIZES = ((256, 512), (512, 1024), (1024, 2048), (2048, 4096))


def generate(count: int, hours: int, seed: int = 17) -> str:
    rng = random.Random(seed)
    lines = [
        "archplan: 1",
        "name: containers-benchmark",
        "defaults: {region: us-east-1}",
        "quotas: {lambda_concurrent_executions: 100000}",
        "vpcs:",
        "  app:",
        "    cidr: 10.0.0.0/16",
        "    internet_gateway: true",
        "    subnets:",
    ]
    lines += [
        f"      app-{zone[-1]}: {{cidr: 10.0.{index * 16}.0/20, az: {zone}, route_table: out}}"
        for index, zone in enumerate(ZONES)
    ]
    lines += [
        "    route_tables:",
        "      out: {routes: {0.0.0.0/0: igw}}",
        "instance_types:",
        "  m5.large: {vcpu: 2, memory: 7680}",
        "  c5.large: {vcpu: 2, memory: 3584}",
        "  c5.2xlarge: {vcpu: 8, memory: 15360}",
        "scaling_groups:",
    ]
    providers = max(1, count // 5)
    for number in range(count):
        hosts = number < providers
        lines += [
            f"  group-{number:02d}:",
            "    vpc: app",
            "    subnets: [app-a, app-b, app-c]",
            "    instance_types: {c5.large: 1, c5.2xlarge: 4}"
            if not hosts
            else "    instance_types: [m5.large]",
            "    min: 2",
            "    max: 4000",
            "    capacity: {per_unit: 150, target_utilization: 70}",
            "    demand:",
            "      unit: requests/s",
            f"      hourly: [{', '.join(demand(rng, hours, rng.randint(500, 12000)))}]",
            f"    availability: {{survive_az_loss: {'true' if number % 3 else 'false'}}}",
            "    purchase:",
            f"      on_demand_base: {number % 4}",
            f"      on_demand_percentage_above_base: {(number * 7) % 101}",
            "      spot_allocation_strategy: price-capacity-optimized",
            "      commitment: auto",
        ]
    lines.append("services:")
    for number in range(count):
        cpu, memory = SIZES[number % len(SIZES)]
        ec2 = number % 2 == 1
        lines += [
            f"  service-{number:02d}:",
            "    vpc: app",
            "    subnets: [app-a, app-b, app-c]",
            f"    launch_type: {'ec2' if ec2 else 'fargate'}",
            f"    capacity_provider: group-{number % providers:02d}"
            if ec2
            else f"    fargate_spot_percent: {(number * 13) % 101}",
            f"    cpu: {cpu}",
            f"    memory: {memory}",
            "    min: 2",
            "    max: 3000",
            "    capacity: {per_task: 200, target_utilization: 70}",
            "    demand:",
            "      unit: requests/s",
            f"      hourly: [{', '.join(demand(rng, hours, rng.randint(500, 12000)))}]",
            f"    availability: {{survive_az_loss: {'true' if number % 3 else 'false'}}}",
        ]
    lines.append("functions:")
    for number in range(count):
        lines += [
            f"  function-{number:02d}:",
            f"    memory: {128 * (1 + number % 8)}",
            f"    architecture: {'arm64' if number % 2 else 'x86_64'}",
            f"    duration_ms: {{average: {20 + number}, p95: {60 + 2 * number}}}",
            "    demand:",
            "      unit: requests/s",
            f"      hourly: [{', '.join(demand(rng, hours, rng.randint(50, 1200)))}]",
        ]
    return "\n".join(lines) + "\n"


COMPOSE = (
    "import sys, yaml\n"
    "text = open(sys.argv[1], encoding='utf-8').read()\n"
    "yaml.compose(text, Loader=yaml.CSafeLoader)\n"
)


def run(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, env=env, cwd=REPO, check=False)
    return time.perf_counter() - start, completed.returncode


def in_process(text: str) -> dict[str, float]:
    """Compose with libyaml, then archplan's steps, in this process (cyclic GC off while
    loading and the loaded objects frozen after, as the command does: without the freeze every
    later collection walks the million loaded objects and the plan looks twice as slow as it
    is): where the whole command's time goes."""
    import gc

    import yaml

    sys.path.insert(0, str(REPO))
    from archplan.capacity.plan import plan
    from archplan.engine import load_architecture
    from archplan.prices import price_book
    from archplan.reports.scale_plan import render_json, render_text
    from archplan.source import Source

    times: dict[str, float] = {}
    gc.disable()
    start = time.perf_counter()
    yaml.compose(text, Loader=yaml.CSafeLoader)
    times["compose"] = time.perf_counter() - start
    start = time.perf_counter()
    loaded = load_architecture(Source("containers.yaml", text))
    times["load"] = time.perf_counter() - start
    gc.freeze()
    gc.enable()
    architecture = loaded.architecture
    start = time.perf_counter()
    result = plan(architecture, price_book(architecture.prices))
    times["plan"] = time.perf_counter() - start
    start = time.perf_counter()
    render_text(result, "containers.yaml")
    times["text"] = time.perf_counter() - start
    start = time.perf_counter()
    render_json(result, "containers.yaml")
    times["json"] = time.perf_counter() - start
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=50, help="of each: groups, services, functions"
    )
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    text = generate(args.count, args.hours)
    compose: list[float] = []
    text_times: list[float] = []
    json_times: list[float] = []
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "containers.yaml"
        path.write_text(text, encoding="utf-8")
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(directory) / "pycache")}
        command = [sys.executable, "-m", "archplan", "scale-plan", str(path)]
        # Interleaved, so a machine whose load changes affects every step alike.
        for _ in range(args.repeat):
            compose.append(run([sys.executable, "-c", COMPOSE, str(path)], env)[0])
            elapsed, code = run(command, env)
            text_times.append(elapsed)
            if code not in (0, 1):
                print(f"archplan scale-plan exited {code}", file=sys.stderr)
                return 1
            json_times.append(run([*command, "--format", "json"], env)[0])
    steps = in_process(text)
    base = min(compose)
    rows = [
        ("libyaml compose of the file (whole process)", compose, ""),
        ("`archplan scale-plan FILE` (whole process, text)", text_times, f"<= {RATIO:g}x compose"),
        (
            "`archplan scale-plan FILE -f json` (whole process)",
            json_times,
            f"<= {RATIO:g}x compose",
        ),
    ]
    met = min(text_times) <= RATIO * base
    machine = (
        f"CPython {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d')}"
    )
    size = len(text.encode("utf-8")) / 2**20
    title = (
        f"{args.count} groups + {args.count} services + {args.count} functions x "
        f"{args.hours:,} hours; file {size:.1f} MiB"
    )
    split = ", ".join(
        f"{name} {seconds:.2f} s ({seconds / steps['compose']:.2f}x)"
        for name, seconds in steps.items()
    )
    if args.markdown:
        print(f"Measured: {machine}. {title}.")
        print()
        print("| Step | Runs | Best (s) | Median (s) | x compose | Target |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        for label, times, target in rows:
            print(
                f"| {label} | {len(times)} | {min(times):.3f} | {statistics.median(times):.3f} "
                f"| {min(times) / base:.2f} | {target} |"
            )
        print()
        print(f"In one process: {split}.")
    else:
        print(machine)
        print(title)
        for label, times, target in rows:
            print(
                f"{label:<52} best {min(times):7.3f} s  median {statistics.median(times):7.3f} s"
                f"  {min(times) / base:5.2f}x" + (f"  target {target}" if target else "")
            )
        print(f"in one process: {split}")
        print("target (text) met" if met else "target (text) NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
