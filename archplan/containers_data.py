"""The shipped tables containers are planned and checked with: valid Fargate sizes, network
interfaces and addresses per instance type, ECS tasks per instance with and without trunking.

Each is read once, lazily, from archplan/data/ (copies of AWS-derived tables; their sources and
dates are in archplan/data/containers-sources.json, and tests compare them with the reference
data they were copied from).
"""

from __future__ import annotations

import functools
import pkgutil
from typing import Any, NamedTuple

SOURCES = "containers-sources.json"
FARGATE_SIZES = "fargate-task-sizes.csv"
ENI_LIMITS = "eni-limits.csv"
TRUNKING_LIMITS = "ecs-eni-trunking-task-limits.csv"


def _read(name: str) -> str:
    data = pkgutil.get_data("archplan", f"data/{name}")
    if data is None:  # pragma: no cover - only a loader without get_data returns None
        raise RuntimeError(f"archplan's {name} is missing from the installation")
    return data.decode("utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    import csv  # only when a table is first read (validate of a file without containers: never)
    import io

    return list(csv.DictReader(io.StringIO(_read(name))))


class FargateSize(NamedTuple):
    cpu: int  # CPU units
    memory: int  # MiB
    windows: bool  # also valid for Windows tasks
    min_linux_platform: str | None  # e.g. "1.4.0"


class EniLimit(NamedTuple):
    """One instance type's network interfaces (default network card) and addresses on each."""

    enis: int
    ipv4_per_eni: int
    nitro: bool  # prefix delegation needs the Nitro System
    eks_max_pods: int  # ENIs × (IPv4 per ENI − 1) + 2, the EKS AMI's value


class TrunkingLimit(NamedTuple):
    """ECS awsvpc tasks one instance can run, from AWS's table."""

    without_trunking: int
    with_trunking: int


@functools.cache
def fargate_sizes() -> dict[tuple[int, int], FargateSize]:
    """Every valid Fargate (cpu units, memory MiB) pair."""
    sizes: dict[tuple[int, int], FargateSize] = {}
    for row in _rows(FARGATE_SIZES):
        cpu, memory = int(row["cpu_units"]), int(row["memory_mib"])
        sizes[(cpu, memory)] = FargateSize(
            cpu,
            memory,
            "windows" in row["os_supported"].split(";"),
            row["min_linux_platform_version"] or None,
        )
    return sizes


@functools.cache
def eni_limits() -> dict[str, EniLimit]:
    return {
        row["instance_type"]: EniLimit(
            int(row["enis"]),
            int(row["ipv4_per_eni"]),
            row["hypervisor"] == "nitro",
            int(row["max_pods_secondary_ip"]),
        )
        for row in _rows(ENI_LIMITS)
    }


@functools.cache
def trunking_limits() -> dict[str, TrunkingLimit]:
    return {
        row["instance_type"]: TrunkingLimit(
            int(row["tasks_without_trunking"]), int(row["tasks_with_trunking"])
        )
        for row in _rows(TRUNKING_LIMITS)
    }


def awsvpc_tasks_per_instance(instance_type: str, trunking: bool) -> int | None:
    """How many awsvpc tasks one instance runs by its network interfaces; None when unknown.

    AWS's table first; without trunking, types it does not list fall back to ENIs − 1 (the
    primary interface is the instance's own), which matches the table for 424 of its 434 types.
    With trunking the count is a per-type table and not a formula: unknown types give None.
    """
    listed = trunking_limits().get(instance_type)
    if listed is not None:
        return listed.with_trunking if trunking else listed.without_trunking
    if trunking:
        return None
    limit = eni_limits().get(instance_type)
    return limit.enis - 1 if limit is not None else None


@functools.cache
def sources() -> dict[str, Any]:
    """Where each table comes from, with its date (containers-sources.json)."""
    import json

    data: dict[str, Any] = json.loads(_read(SOURCES))
    return data
