"""Containers and functions as immutable records: ECS services, Lambda functions, EKS clusters
with their node groups and workloads, and the instance resources they are packed onto.

Like archplan.model, values that failed to decode are None (their problem is already reported)
and `invalid` lists what was written but rejected, so planners and rules skip what is unknown
instead of planning from a default the file never meant.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from archplan.findings import Path
from archplan.model import Rejection


class Demand(NamedTuple):
    """The `demand:` block shared with scaling groups: hourly values or a metrics file."""

    unit: str | None = None
    hourly: tuple[Decimal, ...] | None = None
    file: str | None = None

    @property
    def given(self) -> bool:
        return self.hourly is not None or self.file is not None


class InstanceSpec(NamedTuple):
    """What one EC2 instance type offers tasks and pods: vCPUs and memory (MiB)."""

    vcpu: int
    memory: int
    path: Path


class Service(NamedTuple):
    """An ECS service: its tasks' size and network, where they run, and how many."""

    name: str
    cluster: str | None
    vpc: str | None
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    launch_type: str | None  # "fargate" or "ec2"
    fargate_spot_percent: int  # share of tasks on Fargate Spot (0 when not written)
    capacity_provider: str | None  # the scaling group of an ec2 service
    trunking: bool
    architecture: str
    cpu: int | None  # CPU units
    memory: int | None  # MiB
    network_mode: str
    image_registry: str
    aws_services: tuple[str, ...]
    min: int | None
    max: int | None
    desired: int | None
    per_task: Decimal | None
    target_utilization: int
    demand: Demand
    survive_az_loss: bool
    path: Path
    invalid: dict[Path, Rejection] = {}  # noqa: RUF012 - a NamedTuple default, never mutated

    def is_invalid(self, *field: str | int) -> bool:
        return any(field[:length] in self.invalid for length in range(1, len(field) + 1))

    @property
    def awsvpc(self) -> bool:
        return self.network_mode == "awsvpc"


class Function(NamedTuple):
    """A Lambda function: its size, durations, concurrency settings and optional VPC."""

    name: str
    region: str | None
    memory: int | None  # MB
    architecture: str
    duration_average: Decimal | None  # milliseconds
    duration_p95: Decimal | None
    reserved_concurrency: int | None
    provisioned_concurrency: int | None
    vpc: str | None
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    aws_services: tuple[str, ...]
    demand: Demand
    path: Path
    invalid: dict[Path, Rejection] = {}  # noqa: RUF012 - a NamedTuple default, never mutated

    def is_invalid(self, *field: str | int) -> bool:
        return any(field[:length] in self.invalid for length in range(1, len(field) + 1))

    @property
    def sizing_duration(self) -> Decimal | None:
        """The duration concurrency is sized with: p95 when given (a busy hour runs slow
        invocations too), else the average."""
        return self.duration_p95 if self.duration_p95 is not None else self.duration_average


class PodNetworking(NamedTuple):
    """The Amazon VPC CNI settings of a cluster (its defaults when not written)."""

    prefix_delegation: bool = False
    custom_subnets: tuple[str, ...] = ()  # custom networking: pod subnets, one per AZ
    warm_eni_target: int = 1
    warm_ip_target: int | None = None
    minimum_ip_target: int | None = None
    warm_prefix_target: int = 1


class NodeGroup(NamedTuple):
    name: str
    cluster: str
    instance_types: tuple[str, ...]
    subnets: tuple[str, ...]
    min: int | None
    max: int | None
    desired: int | None
    max_pods: int | None
    path: Path


class Workload(NamedTuple):
    """Pods of one kind: their requests, and a fixed replica count or min/max with demand."""

    name: str
    cluster: str
    node_group: str | None
    cpu: int | None  # millicores
    memory: int | None  # MiB
    replicas: int | None
    min: int | None
    max: int | None
    per_pod: Decimal | None
    target_utilization: int
    demand: Demand
    survive_az_loss: bool
    path: Path
    invalid: dict[Path, Rejection] = {}  # noqa: RUF012 - a NamedTuple default, never mutated

    def is_invalid(self, *field: str | int) -> bool:
        return any(field[:length] in self.invalid for length in range(1, len(field) + 1))

    @property
    def most(self) -> int | None:
        """The most pods the workload runs: its replicas, or its max."""
        return self.replicas if self.replicas is not None else self.max


class Cluster(NamedTuple):
    """An EKS cluster: where it is, how pods get addresses, its node groups and workloads."""

    name: str
    vpc: str | None
    subnets: tuple[str, ...]
    aws_services: tuple[str, ...]
    networking: PodNetworking
    node_groups: dict[str, NodeGroup]
    workloads: dict[str, Workload]
    path: Path


class FargatePrices(NamedTuple):
    vcpu_hour: Decimal | None = None
    gb_hour: Decimal | None = None
    arm_vcpu_hour: Decimal | None = None
    arm_gb_hour: Decimal | None = None
    spot_discount: Decimal | None = None


class LambdaPrices(NamedTuple):
    gb_second: Decimal | None = None
    arm_gb_second: Decimal | None = None
    requests_per_million: Decimal | None = None
