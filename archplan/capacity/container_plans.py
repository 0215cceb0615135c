"""The records of `scale-plan`'s containers part: a plan per ECS service, Lambda function, EKS
workload and node group, the subnets' address rows, and the whole (archplan.capacity.
plan_containers fills them; archplan.reports.scale_plan_containers shows them)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

from archplan.capacity.demand import Profile
from archplan.capacity.ec2_compare import Ec2Comparison
from archplan.findings import Path
from archplan.model import Subnet
from archplan.model_containers import Cluster, Function, NodeGroup, Service, Workload
from archplan.prices_containers import ContainerPrices


class Unplanned(NamedTuple):
    """Why something is not planned, whether that is the file's mistake, and where."""

    reason: str
    input_error: bool
    at: Path


class FargateCost(NamedTuple):
    """The tasks' Fargate cost over the profile (the same tasks on Fargate, for EC2 services)."""

    cpu: int  # the Fargate size billed
    memory: int
    task_hour: Fraction  # one On-Demand task for an hour
    spot_discount: Fraction
    on_demand_task_hours: int
    spot_task_hours: int

    @property
    def total(self) -> Fraction:
        spot_rate = self.task_hour * (1 - self.spot_discount)
        return self.task_hour * self.on_demand_task_hours + spot_rate * self.spot_task_hours

    @property
    def all_on_demand(self) -> Fraction:
        return self.task_hour * (self.on_demand_task_hours + self.spot_task_hours)


class ServicePlan(NamedTuple):
    service: Service
    unplanned: Unplanned | None
    zones: tuple[str, ...]
    profile: Profile | None
    needed: list[int]
    required: list[int]
    tasks: list[int]
    fargate: FargateCost | None
    provider_units: list[int] | None  # ec2: units of the capacity provider group per hour
    provider_type: str | None  # the instance type those units are counted in
    # fargate: the same tasks on the cheapest declared, priced EC2 type (None: not compared)
    ec2: Ec2Comparison | None = None

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def short_hours(self) -> int:
        top = self.service.max or 0
        return sum(1 for units in self.required if units > top)

    @property
    def peak(self) -> int:
        return max(self.tasks, default=0)

    @property
    def ok(self) -> bool:
        if self.unplanned is not None:
            return True
        if self.service.survive_az_loss and len(self.zones) < 2:
            return False
        return self.short_hours == 0


class FunctionPlan(NamedTuple):
    function: Function
    unplanned: Unplanned | None
    profile: Profile | None
    concurrency: list[int]
    available: int
    requests: Fraction  # over the profile
    gb_seconds: Fraction
    duration_cost: Fraction | None
    request_cost: Fraction | None

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def peak(self) -> int:
        return max(self.concurrency, default=0)

    @property
    def throttled_hours(self) -> int:
        return sum(1 for value in self.concurrency if value > self.available)

    @property
    def ok(self) -> bool:
        return self.throttled_hours == 0

    @property
    def cost(self) -> Fraction | None:
        if self.duration_cost is None or self.request_cost is None:
            return None
        return self.duration_cost + self.request_cost


class WorkloadPlan(NamedTuple):
    workload: Workload
    unplanned: Unplanned | None
    profile: Profile | None
    required: list[int]
    pods: list[int]

    @property
    def short_hours(self) -> int:
        top = self.workload.most or 0
        return sum(1 for units in self.required if units > top)


class NodeGroupPlan(NamedTuple):
    cluster: Cluster
    group: NodeGroup
    unplanned: Unplanned | None
    instance_type: str | None
    pods: list[int]  # pods on the group per hour
    needed: list[int]  # nodes the pods need
    nodes: list[int]  # clamped to min..max

    @property
    def name(self) -> str:
        return f"{self.cluster.name}/{self.group.name}"

    @property
    def short_hours(self) -> int:
        top = self.group.max or 0
        return sum(1 for units in self.needed if units > top)

    @property
    def peak_hour(self) -> int:
        return max(range(len(self.nodes)), key=lambda hour: (self.nodes[hour], -hour), default=0)

    @property
    def ok(self) -> bool:
        return self.unplanned is not None or self.short_hours == 0


class AddressRow(NamedTuple):
    """One subnet's addresses at the plan's peak, and after its worst AZ loss."""

    subnet: Subnet
    usable: int
    peak: int
    after_loss: int
    lost_zone: str | None  # the zone whose loss is worst for this subnet

    @property
    def ok(self) -> bool:
        return self.peak <= self.usable and self.after_loss <= self.usable


class ContainerPlan(NamedTuple):
    services: tuple[ServicePlan, ...]
    functions: tuple[FunctionPlan, ...]
    workloads: tuple[WorkloadPlan, ...]
    node_groups: tuple[NodeGroupPlan, ...]
    addresses: tuple[AddressRow, ...]
    prices: ContainerPrices

    @property
    def empty(self) -> bool:
        return not (self.services or self.functions or self.node_groups)

    @property
    def ok(self) -> bool:
        return (
            all(plan.ok for plan in self.services)
            and all(plan.ok for plan in self.functions)
            and all(plan.ok for plan in self.node_groups)
            and all(row.ok for row in self.addresses)
        )

    @property
    def input_error(self) -> bool:
        plans: Sequence[ServicePlan | FunctionPlan | WorkloadPlan | NodeGroupPlan] = (
            *self.services,
            *self.functions,
            *self.workloads,
            *self.node_groups,
        )
        return any(plan.unplanned is not None and plan.unplanned.input_error for plan in plans)
