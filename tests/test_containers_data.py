"""The shipped container tables against the reference data they were copied from: read here
from ../shared/reference/data, never retyped, and skipped cleanly where it is absent."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from archplan.analysis.addresses import max_pods
from archplan.containers_data import (
    ENI_LIMITS,
    FARGATE_SIZES,
    TRUNKING_LIMITS,
    awsvpc_tasks_per_instance,
    eni_limits,
    fargate_sizes,
    sources,
    trunking_limits,
)
from archplan.model_containers import PodNetworking
from tests.conftest import REFERENCE as REFERENCE_ROOT
from tests.conftest import REFERENCE_ABSENT, ROOT, triples, validate_text

REFERENCE = REFERENCE_ROOT / "data"
DATA = ROOT / "archplan" / "data"

needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(), reason=REFERENCE_ABSENT)


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@needs_reference
@pytest.mark.parametrize("name", [FARGATE_SIZES, ENI_LIMITS, TRUNKING_LIMITS])
def test_shipped_copy_is_the_reference(name: str) -> None:
    assert (DATA / name).read_bytes() == (REFERENCE / name).read_bytes()


def test_every_shipped_table_has_a_source_and_a_date() -> None:
    files = sources()["files"]
    for name in (FARGATE_SIZES, ENI_LIMITS, TRUNKING_LIMITS):
        assert files[name]["source"] and files[name]["url"].startswith("https://")
        assert len(files[name]["date"]) == 10
    assert json.loads((DATA / "prices-containers-us-east-1.json").read_text())["fargate"]


@needs_reference
def test_fargate_sizes_are_the_reference_table() -> None:
    expected = {(int(row["cpu_units"]), int(row["memory_mib"])) for row in _rows(FARGATE_SIZES)}
    assert set(fargate_sizes()) == expected
    assert len(expected) == 77


def _service(cpu: int, memory: int) -> str:
    return f"""archplan: 1
defaults: {{region: us-east-1}}
vpcs:
  app:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      a: {{cidr: 10.0.0.0/20, az: us-east-1a, route_table: out}}
      b: {{cidr: 10.0.16.0/20, az: us-east-1b, route_table: out}}
    route_tables:
      out: {{routes: {{0.0.0.0/0: igw}}}}
services:
  api:
    vpc: app
    subnets: [a, b]
    launch_type: fargate
    cpu: {cpu}
    memory: {memory}
    min: 1
    max: 2
"""


@needs_reference
def test_ap801_accepts_every_reference_size_and_nothing_between() -> None:
    rows = _rows(FARGATE_SIZES)
    valid = {(int(row["cpu_units"]), int(row["memory_mib"])) for row in rows}
    for cpu, memory in sorted(valid):
        assert triples(validate_text(_service(cpu, memory)), "AP801") == []
    # Every memory 512 MiB above or below a valid one that is not itself valid is refused.
    for cpu, memory in sorted(valid):
        for other in (memory - 512, memory + 512):
            if (cpu, other) not in valid and other > 0:
                assert triples(validate_text(_service(cpu, other)), "AP801") == [["AP801", 18, 13]]


@needs_reference
def test_eni_limits_and_max_pods_are_the_reference() -> None:
    limits = eni_limits()
    rows = _rows(ENI_LIMITS)
    assert len(limits) == len(rows)
    default = PodNetworking()
    prefix = PodNetworking(prefix_delegation=True)
    for row in rows:
        limit = limits[row["instance_type"]]
        assert limit.enis == int(row["enis"])
        assert limit.ipv4_per_eni == int(row["ipv4_per_eni"])
        assert limit.nitro == (row["hypervisor"] == "nitro")
        # The EKS AMI's published value wherever it lists the type.
        assert max_pods(limit, default, None) == int(row["max_pods_secondary_ip"])
        if row["eks_ami_eni_max_pods"]:
            assert max_pods(limit, default, None) == int(row["eks_ami_eni_max_pods"])
        if row["max_pods_prefix_uncapped"]:
            uncapped = int(row["max_pods_prefix_uncapped"])
            assert max_pods(limit, prefix, 2) == min(uncapped, 110)
            assert max_pods(limit, prefix, 64) == min(uncapped, 250)


@needs_reference
def test_awsvpc_task_limits_are_the_reference() -> None:
    rows = _rows(TRUNKING_LIMITS)
    assert len(trunking_limits()) == len(rows)
    for row in rows:
        name = row["instance_type"]
        assert awsvpc_tasks_per_instance(name, False) == int(row["tasks_without_trunking"])
        assert awsvpc_tasks_per_instance(name, True) == int(row["tasks_with_trunking"])
    # A type AWS's table does not list: its interfaces less the primary, without trunking only.
    listed = {row["instance_type"] for row in rows}
    other = next(name for name in sorted(eni_limits()) if name not in listed)
    assert awsvpc_tasks_per_instance(other, False) == eni_limits()[other].enis - 1
    assert awsvpc_tasks_per_instance(other, True) is None


def test_documented_examples() -> None:
    """The reference's worked examples: m5.large holds 29 pods, 20 with custom networking, 110
    with prefixes; a c5.large runs 2 awsvpc tasks, 10 with trunking."""
    limit = eni_limits()["m5.large"]
    assert max_pods(limit, PodNetworking(), None) == 29
    assert max_pods(limit, PodNetworking(custom_subnets=("pods-a",)), None) == 20
    assert max_pods(limit, PodNetworking(prefix_delegation=True), 2) == 110
    assert awsvpc_tasks_per_instance("c5.large", False) == 2
    assert awsvpc_tasks_per_instance("c5.large", True) == 10


def test_data_files_are_package_data() -> None:
    text = Path(ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"data/*.csv"' in text
