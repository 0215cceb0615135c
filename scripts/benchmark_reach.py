"""Benchmark `archplan reach` and reachability intents on scripts/benchmark.py's estates.

On the scale issue's shape (meshes of 10 peered VPCs, a scaling group every 10 VPCs) of
10,000 VPCs by default, it measures:
- one query after the file is loaded (in process, best of --runs);
- the whole `archplan reach` process against `archplan validate` of the same file;
- `archplan validate` with 100 intents against the same file without them.

    python scripts/benchmark_reach.py [--vpcs 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

from benchmark import Shape, generate  # noqa: E402

QUERY_TARGET_S = 0.2
PROCESS_RATIO_TARGET = 1.2
INTENTS_RATIO_TARGET = 1.3


def intents(count: int, vpcs: int) -> str:
    """`count` intents between subnets of peered VPCs (same mesh of 10), mixed expectations:
    in the generated estate every flow is open at the network level, so expectations are
    `reachable`; groups are not described, so each is traced but cannot be contradicted."""
    width = len(str(vpcs))
    lines = ["reachability:"]
    for k in range(count):
        a = (k * 10) % vpcs
        b = a + 1 + k % 9 if a + 1 + k % 9 < vpcs else a
        lines.append(
            f"  - {{from: vpc-{a + 1:0{width}d}-s2, to: vpc-{b + 1:0{width}d}-s3, "
            f"port: {443 + k % 7}, expect: reachable}}"
        )
    return "\n".join(lines) + "\n"


def best_process(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    shape = replace(Shape(vpcs=args.vpcs), topology="mesh", mesh_size=10, scaling_groups=True)
    estate = generate(shape)
    archplan = [sys.executable, "-m", "archplan"]
    width = len(str(args.vpcs))
    source, destination = f"vpc-{1:0{width}d}-s2", f"vpc-{2:0{width}d}-s3"
    with tempfile.TemporaryDirectory() as directory:
        plain = Path(directory) / "estate.yaml"
        plain.write_text(estate.text, encoding="utf-8")
        with_intents = Path(directory) / "estate-intents.yaml"
        with_intents.write_text(estate.text + intents(100, args.vpcs), encoding="utf-8")

        from archplan.engine import load_architecture
        from archplan.reach.places import resolve
        from archplan.reach.query import ask
        from archplan.source import read_source

        architecture = load_architecture(read_source(str(plain))).architecture
        query_times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            answer = ask(
                architecture,
                resolve(architecture, source),  # type: ignore[arg-type]
                resolve(architecture, destination),
                6,
                443,
            )  # type: ignore[arg-type]
            query_times.append(time.perf_counter() - start)
        query = min(query_times)

        validate = best_process([*archplan, "validate", "-q", str(plain)], args.runs)
        reach = best_process(
            [*archplan, "reach", str(plain), source, destination, "--port", "443"], args.runs
        )
        validate_intents = best_process([*archplan, "validate", "-q", str(with_intents)], args.runs)

    def line(label: str, value: str, ok: bool) -> None:
        print(f"{label:<52} {value:>18}  {'ok' if ok else 'OVER TARGET'}")

    print(
        f"{args.vpcs} VPCs, {estate.subnets} subnets, {estate.peerings} peerings "
        f"(verdict of the query: {answer.verdict if not isinstance(answer, str) else answer})"
    )
    line(
        "one reach query after loading (target <= 0.2 s)",
        f"{query * 1000:.1f} ms",
        query <= QUERY_TARGET_S,
    )
    line("archplan validate", f"{validate:.2f} s", True)
    line(
        "archplan reach (target <= 1.2x validate)",
        f"{reach:.2f} s ({reach / validate:.2f}x)",
        reach / validate <= PROCESS_RATIO_TARGET,
    )
    line(
        "validate with 100 intents (target <= 1.3x)",
        f"{validate_intents:.2f} s ({validate_intents / validate:.2f}x)",
        validate_intents / validate <= INTENTS_RATIO_TARGET,
    )


if __name__ == "__main__":
    main()
