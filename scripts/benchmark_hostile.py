"""Benchmark archplan on the hostile inputs of issue 14: the slow paths it fixed, and the ones
README's Limits section documents as measured rather than bounded.

    .venv/bin/python scripts/benchmark_hostile.py            # every case once
    .venv/bin/python scripts/benchmark_hostile.py --slow     # and the documented slow paths

Each case runs as a process; the table gives its exit code, wall and CPU seconds and peak
memory (the children's maximum resident set size).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def _plan_with_scalar(size: int) -> str:
    resource_ = {
        "address": "aws_vpc.a",
        "type": "aws_vpc",
        "name": "a",
        "values": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "n" * size}},
    }
    return json.dumps({"planned_values": {"root_module": {"resources": [resource_]}}})


def _aliases() -> str:
    lines = ["archplan: 1", f'x-big: &b "{"a" * MB}"', "vpcs:"]
    lines += [f"  v{n}: {{region: us-east-1, cidr: *b}}" for n in range(2000)]
    return "\n".join(lines) + "\n"


def _intrinsics() -> str:
    refs = ", ".join(["!Ref Big"] * 20_000)
    return (
        f"Parameters:\n  Big: {{Type: String, Default: {'a' * MB}}}\nResources:\n  V:\n"
        f"    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Join ['', [{refs}]]\n"
    )


def _findings(count: int) -> str:
    vpcs = "".join(
        f"  v{n}: {{region: us-east-1, cidr: 172.17.{n % 256}.0/24}}\n" for n in range(count)
    )
    return "archplan: 1\nvpcs:\n" + vpcs


def _mesh(count: int) -> str:
    vpcs = "".join(f"  v{n}: {{cidr: 10.0.0.0/16}}\n" for n in range(count))
    return "archplan: 1\ndefaults: {region: us-east-1}\nvpcs:\n" + vpcs


def _demand_project(folder: Path, files: int, size: int) -> str:
    groups = "".join(
        f"  g{n}:\n    vpc: v\n    subnets: [a]\n    instance_types: [m5.large]\n    min: 1\n"
        f"    max: 4\n    capacity: {{per_unit: 100, target_utilization: 60}}\n"
        f"    demand: {{unit: requests/s, file: m{n}.csv}}\n"
        for n in range(files)
    )
    line = "2024-05-01T00:00:00Z,5\n"
    for n in range(files):
        (folder / f"m{n}.csv").write_text(line * (size // len(line)), encoding="utf-8")
    return (
        "archplan: 1\nvpcs:\n  v:\n    region: us-east-1\n    cidr: 10.0.0.0/16\n"
        "    subnets: {a: {cidr: 10.0.0.0/24, az: us-east-1a}}\nscaling_groups:\n" + groups
    )


Case = tuple[str, str, Callable[[Path], str], tuple[str, ...]]
CASES: list[Case] = [
    ("import: a 20 MB scalar", "p.json", lambda _: _plan_with_scalar(20 * MB),
     ("import", "terraform", "p.json", "-o", "out.yaml")),
    ("validate: 1 MB aliased 2,000 times", "a.yaml", lambda _: _aliases(),
     ("validate", "a.yaml", "--format", "sarif")),
    ("import: 1 MB parameter joined 20,000 times", "t.yaml", lambda _: _intrinsics(),
     ("import", "cloudformation", "t.yaml")),
    ("validate --format sarif: 20,000 findings", "a.yaml", lambda _: _findings(20_000),
     ("validate", "a.yaml", "--format", "sarif")),
    ("scale-plan: 50 demand files of 2.5 MB", "a.yaml", lambda f: _demand_project(f, 50, 2_500_000),
     ("scale-plan", "a.yaml", "--format", "json")),
    ("peering-plan --emit yaml: 150 overlapping VPCs", "a.yaml", lambda _: _mesh(150),
     ("peering-plan", "a.yaml", "--emit", "yaml")),
]  # fmt: skip
SLOW: list[Case] = [
    ("peering-plan --emit yaml: 1,000 overlapping VPCs", "a.yaml", lambda _: _mesh(1000),
     ("peering-plan", "a.yaml", "--emit", "yaml")),
    ("validate --format sarif: 60,000 findings", "a.yaml", lambda _: _findings(60_000),
     ("validate", "a.yaml", "--format", "sarif")),
]  # fmt: skip


def run(case: Case) -> str:
    label, name, make, args = case
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        (folder / name).write_text(make(folder), encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "archplan", *args],
            cwd=folder,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak = after.ru_maxrss / 1024  # KiB on Linux; the largest child so far
    output = len(result.stdout)
    return f"| {label} | {result.returncode} | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {output:,} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--slow", action="store_true", help="also the documented slow paths")
    options = parser.parse_args()
    print("| case | exit | wall s | CPU s | peak MiB (max so far) | stdout bytes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for case in [*CASES, *(SLOW if options.slow else [])]:
        print(run(case), flush=True)


if __name__ == "__main__":
    main()
