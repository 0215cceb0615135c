"""Fuzz cases for every input channel (issue 14), each run as a real archplan process.

A case is a small project folder (an architecture file and what it names) in which one file,
the channel's, is mutated: a baseline, a configuration, a prices file, a demand file, a
Terraform plan, AWS CLI output, a CloudFormation template, or an architecture file of a
generated expansion shape (a large scalar aliased many times, intrinsics repeated). The
command runs under a 512 MB address-space limit and 5 s of CPU; it must exit 0, 1 or 2 (never
3, a signal or a hang), print no traceback, and write no raw control character and no GitHub
Actions workflow command to standard error.

Shared by tests/properties/test_channel_fuzz.py (a few seconds per CI run) and
scripts/fuzz.py --channels (minutes or hours).
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
MEMORY = 512 * 1024 * 1024
CPU_SECONDS = 5
WALL_SECONDS = 30  # only a hang gets near it: CPU time is the limit that measures work
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
WORKFLOW_COMMAND = re.compile(r"(?m)^\s*::|##\[")

ARCHITECTURE = """archplan: 1
defaults: {region: us-east-1, account: "111122223333"}
vpcs:
  shared:
    cidr: 10.0.0.0/16
    subnets:
      a: {cidr: 10.0.0.0/20, az: us-east-1a}
      b: {cidr: 10.0.16.0/20, az: us-east-1b}
  dev:
    cidr: 172.17.0.0/16
scaling_groups:
  web:
    vpc: shared
    subnets: [a, b]
    instance_types: [m5.large, c5.large]
    min: 1
    max: 8
    capacity: {per_unit: 200, target_utilization: 60}
    demand: {unit: requests/s, file: demand.csv}
    purchase: {on_demand_percentage_above_base: 50}
"""
CONFIG = """[tool.archplan]
files = ["*.yaml"]
select = ["AP1", "peering-overlap"]
ignore = ["AP104"]
severity = {AP104 = "error"}
fail-on = "warning"
quotas = {routes_per_route_table = 100}
prices = "prices.yaml"
"""
PRICES = """source: a quote of 2026
region: us-east-1
instance_types:
  m5.large: {on_demand: 0.096, spot: 0.035}
  c5.large: {on_demand: 0.085}
discounts: {compute-savings-plan: 0.3}
"""
DEMAND_CSV = "timestamp,value\n" + "".join(
    f"2024-05-01T{hour:02d}:00:00Z,{100 + 37 * hour % 400}\n" for hour in range(24)
)
DEMAND_JSON = json.dumps(
    {
        "Label": "RequestCount",
        "Datapoints": [
            {"Timestamp": f"2024-05-01T{hour:02d}:00:00Z", "Maximum": 100 + hour, "Unit": "Count"}
            for hour in range(6)
        ],
    },
    indent=1,
)
BASELINE = json.dumps(
    {
        "archplan-baseline": 1,
        "files": {
            "arch.yaml": {
                "0123456789abcdef": {
                    "rule": "AP104",
                    "path": "vpcs.dev",
                    "message": "m",
                    "count": 1,
                }
            }
        },
    },
    indent=2,
)
TERRAFORM = json.dumps(
    {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_vpc.main",
                        "type": "aws_vpc",
                        "name": "main",
                        "values": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "main"}},
                    },
                    {
                        "address": "aws_subnet.a",
                        "type": "aws_subnet",
                        "name": "a",
                        "values": {
                            "cidr_block": "10.0.1.0/24",
                            "availability_zone": "us-east-1a",
                            "vpc_id": "vpc-1",
                        },
                    },
                ]
            }
        },
        "configuration": {
            "provider_config": {"aws": {"expressions": {"region": {"constant_value": "us-east-1"}}}}
        },
    },
    indent=1,
)
AWS_CLI = json.dumps(
    {
        "Vpcs": [
            {
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/16",
                "Tags": [{"Key": "Name", "Value": "main"}],
            }
        ],
        "Subnets": [
            {
                "SubnetId": "subnet-1",
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.1.0/24",
                "AvailabilityZone": "us-east-1a",
            }
        ],
    },
    indent=1,
)
TEMPLATE = """Parameters:
  Cidr: {Type: String, Default: 10.0.0.0/16}
Conditions:
  Yes: !Equals [a, a]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref Cidr
      Tags: [{Key: Name, Value: !Join ['-', [a, !Ref 'AWS::Region']]}]
  Subnet:
    Type: AWS::EC2::Subnet
    Condition: Yes
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [0, !GetAZs '']
"""

# Values a mutation writes: edge numbers, escapes JSON and YAML read into odd strings, control
# characters, workflow commands, deep nesting.
ODD = [
    "", "null", "-1", "0", "1e999", "NaN", "Infinity", "9" * 5000, '"\\ud800"', '"\\udc00x"',
    '"\\u001b]0;x\\u0007"', '"\\u202e"', "\x1b[31m", "\x07", "::error::forged", "##[error]x",
    "%0A", "[" * 300 + "]" * 300, "{" * 50, "true", "[]", "{}", "&a [*a]", "!!python/none",
    "'", '"', "\\", "..", "/dev/zero", "/etc/passwd", "../../x", "/**/*.yaml", "*.yaml",
    "10.0.0.0/33", "2024-13-45T99:00:00Z", "-5", "1" + "0" * 30, ".inf", "~",
]  # fmt: skip
# What issue 14 found, drawn half the time: each once made archplan hang, exit 3 or write a
# control character or a workflow command to standard error.
HOSTILE = [
    "9" * 5000, '"\\ud800"', '"a\\u001b]0;x\\u0007\\n::error::forged"', "[" * 5000 + "]" * 5000,
    '"\\u202e::warning::x"', "1e999", "-Infinity", '"/dev/zero"', '"/etc/passwd"', "'/**/*'",
]  # fmt: skip


class Case(NamedTuple):
    """One run: the files of the project (path -> text or bytes) and the arguments."""

    channel: str
    files: dict[str, str | bytes]
    args: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.channel}: archplan {' '.join(self.args)}"


def mutate(text: str, chance: random.Random) -> str:
    """1-4 edits of a text: lines deleted, repeated, cut, or given odd values or bytes."""
    lines = text.split("\n")
    for _ in range(chance.randint(1, 4)):
        if not lines:
            break
        index = chance.randrange(len(lines))
        line = lines[index]
        kind = chance.choice(["delete", "duplicate", "value", "insert", "truncate", "odd-line"])
        if kind == "delete":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, line)
        elif kind == "value" and (":" in line or "=" in line):
            separator = ":" if ":" in line else "="
            head, _, _ = line.partition(separator)
            tail = chance.choice(HOSTILE if chance.random() < 0.5 else ODD)
            lines[index] = f"{head}{separator} {tail}" + (
                "," if line.rstrip().endswith(",") else ""
            )
        elif kind == "insert":
            at = chance.randint(0, len(line))
            lines[index] = line[:at] + chance.choice(HOSTILE + ODD) + line[at:]
        elif kind == "truncate":
            lines = [*lines[:index], line[: chance.randint(0, len(line))]]
        else:
            lines.insert(index, chance.choice(ODD))
    return "\n".join(lines)


def _project(mutated: str | bytes, channel_file: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "arch.yaml": ARCHITECTURE,
        "demand.csv": DEMAND_CSV,
        "prices.yaml": PRICES,
    }
    files[channel_file] = mutated
    return files


def _expansion(chance: random.Random) -> tuple[str, str]:
    """A generated architecture or template that expands: aliases or repeated intrinsics."""
    shape = chance.choice(["alias", "nested-alias", "join", "sub", "findings"])
    size = chance.choice([10, 1000, 100_000, 1_000_000])
    count = chance.choice([10, 100, 2000, 20_000])
    if shape == "alias":
        lines = ["archplan: 1", f'x-big: &b "{"a" * size}"', "vpcs:"]
        lines += [f"  v{n}: {{region: us-east-1, cidr: *b}}" for n in range(min(count, 5000))]
        return "arch.yaml", "\n".join(lines) + "\n"
    if shape == "nested-alias":
        lines = ["archplan: 1", "x0: &l0 [" + ", ".join(["x" * (size // 1000 + 1)] * 20) + "]"]
        lines += [f"x{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 20) + "]" for n in range(1, 6)]
        return "arch.yaml", "\n".join(lines) + "\n"
    if shape == "findings":
        vpcs = "".join(
            f"  v{n}: {{region: us-east-1, cidr: 172.17.{n % 256}.0/24}}\n"
            for n in range(min(count, 3000))
        )
        return "arch.yaml", "archplan: 1\nvpcs:\n" + vpcs
    parameter = f"Parameters:\n  Big: {{Type: String, Default: {'a' * size}}}\n"
    if shape == "join":
        value = "!Join ['', [" + ", ".join(["!Ref Big"] * count) + "]]"
    else:
        value = "!Sub '" + "${Big}" * count + "'"
    return "template.yaml", (
        parameter + "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties:\n"
        f"      CidrBlock: {value}\n"
    )


def _corpus_json(folder: str) -> list[str]:
    from tests.conftest import corpus_dir

    root = corpus_dir(folder)
    if not root.is_dir():
        return []
    return [path.read_text(encoding="utf-8") for path in sorted(root.glob("*.json"))[:20]]


def make_case(chance: random.Random) -> Case:
    """A random case of a random channel."""
    channel = chance.choice(CHANNELS)
    return BUILDERS[channel](chance)


def _baseline(chance: random.Random) -> Case:
    files = _project(mutate(BASELINE, chance), "baseline.json")
    return Case("baseline", files, ("validate", "arch.yaml", "--baseline", "baseline.json"))


def _config(chance: random.Random) -> Case:
    files = _project(mutate(CONFIG, chance), ".archplan.toml")
    args = chance.choice(
        [("validate", "arch.yaml"), ("validate-config",), ("scale-plan", "arch.yaml")]
    )
    return Case("config", files, args)


def _prices(chance: random.Random) -> Case:
    files = _project(mutate(PRICES, chance), "prices.yaml")
    command = chance.choice(["validate", "scale-plan"])
    return Case("prices", files, (command, "arch.yaml", "--prices", "prices.yaml"))


def _demand(chance: random.Random) -> Case:
    seed = chance.choice([DEMAND_CSV, DEMAND_JSON])
    files = _project(mutate(seed, chance), "demand.csv")
    command = chance.choice(["validate", "scale-plan"])
    return Case("demand", files, (command, "arch.yaml"))


def _terraform(chance: random.Random) -> Case:
    seed = chance.choice([TERRAFORM, *_corpus_json("terraform")])
    files = _project(mutate(seed, chance), "plan.json")
    args = chance.choice([("import", "terraform"), ("validate", "--from", "terraform")])
    return Case("terraform", files, (*args, "plan.json"))


def _aws_cli(chance: random.Random) -> Case:
    seed = chance.choice([AWS_CLI, *_corpus_json("aws-cli")])
    files = _project(mutate(seed, chance), "output.json")
    args = chance.choice([("import", "aws-cli"), ("validate", "--from", "aws-cli")])
    return Case("aws-cli", files, (*args, "output.json"))


def _cloudformation(chance: random.Random) -> Case:
    files = _project(mutate(TEMPLATE, chance), "template.yaml")
    args = chance.choice([("import", "cloudformation"), ("validate", "--from", "cloudformation")])
    return Case("cloudformation", files, (*args, "template.yaml"))


def _expansion_case(chance: random.Random) -> Case:
    name, text = _expansion(chance)
    files = _project(text, name)
    if name == "template.yaml":
        return Case("expansion", files, ("validate", "--from", "cloudformation", name))
    command = chance.choice([("validate", "--format", "sarif"), ("peering-plan",), ("graph",)])
    return Case("expansion", files, (*command, name))


BUILDERS: dict[str, Callable[[random.Random], Case]] = {
    "baseline": _baseline,
    "config": _config,
    "prices": _prices,
    "demand": _demand,
    "terraform": _terraform,
    "aws-cli": _aws_cli,
    "cloudformation": _cloudformation,
    "expansion": _expansion_case,
}
CHANNELS = sorted(BUILDERS)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))


def run_case(case: Case) -> None:
    """Run `case` in a fresh folder; AssertionError says what went wrong."""
    with tempfile.TemporaryDirectory() as folder:
        for name, content in case.files.items():
            path = Path(folder) / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            result = subprocess.run(
                [sys.executable, "-m", "archplan", *case.args],
                cwd=folder,
                capture_output=True,
                preexec_fn=_limits,
                timeout=WALL_SECONDS,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{case.describe()}: hung for {WALL_SECONDS} s") from None
    stderr = result.stderr.decode("utf-8", "replace")
    where = f"{case.describe()}: exit {result.returncode}"
    if result.returncode == -signal.SIGXCPU:
        raise AssertionError(f"{where}: over {CPU_SECONDS} s of CPU")
    assert result.returncode in (0, 1, 2), f"{where}\n{stderr[-2000:]}"
    assert "Traceback" not in stderr, f"{where}\n{stderr[-2000:]}"
    assert not RAW_CONTROL.search(stderr), f"{where}: raw control character\n{stderr[:2000]!r}"
    assert not WORKFLOW_COMMAND.search(stderr), f"{where}: workflow command\n{stderr[:2000]}"
