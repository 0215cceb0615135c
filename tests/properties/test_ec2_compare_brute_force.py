"""Fargate services priced on EC2 (archplan.capacity.ec2_compare), against brute force on small
cases: for every declared, priced type of the service's architecture, each hour's tasks dealt
to the AZs one by one and each AZ's tasks placed on the fewest instances by trying every way to
share them out; the cheapest type over the profile must be the one reported, at the same exact
cost. ARCHPLAN_PROPERTY_EXAMPLES raises the number of cases for a longer run.
"""

from __future__ import annotations

import csv
import itertools
import os
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan.capacity.ec2_compare import compare
from archplan.engine import load_architecture
from archplan.prices import price_book
from archplan.source import Source
from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("ARCHPLAN_PROPERTY_EXAMPLES", "100"))
# Real type names, so the awsvpc task limits and the architectures are AWS's.
TYPES = ("c6i.large", "c6a.large", "m5.large", "m6g.large", "t3.medium", "c5.xlarge")
ARM = {"m6g.large"}


def _reference(name: str) -> list[dict[str, str]]:
    """A table from the shared reference data (the shipped copy when the corpus is absent)."""
    from tests.conftest import REFERENCE

    shared = REFERENCE / "data" / name
    path = shared if shared.exists() else ROOT / "archplan" / "data" / name
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _task_limits() -> dict[str, int]:
    """ECS's awsvpc tasks per instance without trunking: AWS's table, else the type's network
    interfaces less the instance's own (AWS's formula for the types its table leaves out)."""
    limits = {row["instance_type"]: int(row["enis"]) - 1 for row in _reference("eni-limits.csv")}
    for row in _reference("ecs-eni-trunking-task-limits.csv"):
        limits[row["instance_type"]] = int(row["tasks_without_trunking"])
    return limits


LIMITS = _task_limits()

DECLARED = st.dictionaries(
    st.sampled_from(TYPES),
    st.tuples(
        st.sampled_from([1, 2, 4]),  # vCPUs
        st.sampled_from([1024, 2048, 3584, 7680]),  # MiB offered to tasks
        st.sampled_from(["0.05", "0.0765", "0.085", "0.096", "0.17", "0.2"]),
    ),
    max_size=4,
)
TASK = st.sampled_from([(256, 512), (512, 1024), (1024, 2048), (1024, 3072), (2048, 4096)])
HOURS = st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=5)


def _fewest(tasks: int, cpu: int, memory: int, slots: int, task: tuple[int, int]) -> int:
    """The fewest instances holding `tasks` tasks, trying every way to share them out."""
    for instances in range(tasks + 1):
        for shares in itertools.product(range(tasks + 1), repeat=instances):
            if sum(shares) != tasks:
                continue
            if all(
                share * task[0] <= cpu and share * task[1] <= memory and share <= slots
                for share in shares
            ):
                return instances
    raise AssertionError("a task that fits an instance always packs")


def _document(
    declared: dict[str, tuple[int, int, str]], task: tuple[int, int], zones: int, arm: bool
) -> str:
    lines = [
        "archplan: 1",
        "vpcs:",
        "  v:",
        "    cidr: 10.0.0.0/16",
        "    subnets:",
    ]
    lines += [f"      s{z}: {{cidr: 10.0.{z}.0/24, az: us-east-1{'abc'[z]}}}" for z in range(zones)]
    lines.append("instance_types:" if declared else "instance_types: {}")
    lines += [f"  {name}: {{vcpu: {v}, memory: {m}}}" for name, (v, m, _) in declared.items()]
    lines += ["prices:", "  instance_types:" if declared else "  instance_types: {}"]
    lines += [f"    {name}: {{on_demand: {p}}}" for name, (_, _, p) in declared.items()]
    lines += [
        "services:",
        "  svc:",
        "    vpc: v",
        f"    subnets: [{', '.join(f's{z}' for z in range(zones))}]",
        "    launch_type: fargate",
        f"    architecture: {'arm64' if arm else 'x86_64'}",
        f"    cpu: {task[0]}",
        f"    memory: {task[1]}",
        "    min: 0",
        "    max: 100",
    ]
    return "\n".join(lines) + "\n"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DECLARED, TASK, HOURS, st.integers(min_value=1, max_value=3), st.booleans())
def test_the_cheapest_type_by_brute_force(
    declared: dict[str, tuple[int, int, str]],
    task: tuple[int, int],
    hours: list[int],
    zones: int,
    arm: bool,
) -> None:
    architecture = load_architecture(
        Source("c.yaml", _document(declared, task, zones, arm))
    ).architecture
    service = architecture.services["svc"]
    found = compare(architecture, service, hours, zones, price_book(architecture.prices))
    costs: dict[str, tuple[Fraction, int, int]] = {}
    for name, (vcpu, memory, price) in declared.items():
        if (name in ARM) != arm or name not in LIMITS:  # no known task limit: never guessed
            continue
        per_hour = []
        for tasks in hours:
            dealt = [0] * zones
            for number in range(tasks):  # one by one, to the AZs in turn
                dealt[number % zones] += 1
            per_hour.append(
                sum(_fewest(share, vcpu * 1024, memory, LIMITS[name], task) for share in dealt)
                if task[0] <= vcpu * 1024 and task[1] <= memory
                else None
            )
        if any(count is None for count in per_hour):
            continue
        counted = [count for count in per_hour if count is not None]
        costs[name] = (Fraction(Decimal(price)) * sum(counted), sum(counted), max(counted))
    if not costs:
        assert found.chosen is None
        assert found.reason
        return
    assert found.chosen is not None
    cheapest = min(costs.items(), key=lambda item: (item[1][0], item[1][1], item[0]))
    assert found.chosen.instance_type == cheapest[0]
    assert (
        found.chosen.total,
        found.chosen.instance_hours,
        found.chosen.peak_instances,
    ) == cheapest[1]
