"""`scale-plan` for containers and functions: ECS services, EKS workloads and Lambda functions,
hour by hour, in exact integers, beside the scaling groups they run on.

Per hour:
- tasks (pods) needed = ⌈demand / (per task × target utilization / 100)⌉, the groups' target
  tracking model; with `survive_az_loss` over N AZs ⌈needed × N / (N − 1)⌉; clamped to min..max
  (above max is a short hour). A workload with `replicas` runs that many every hour.
- EC2 services: their tasks are spread evenly over the capacity provider group's AZs (the first
  zones take the remainders, for every service alike: the fullest case) and packed per zone
  onto each of the group's instance types by CPU, memory and awsvpc interfaces
  (archplan.capacity.packing); the type needing the most capacity units is assumed, and those
  units are what the group must add for the hour (they feed the group's own plan).
- Fargate: tasks × (vCPU × vCPU-hour + GB × GB-hour); the `fargate_spot_percent` share, rounded
  down, at the Spot discount. The same tasks on the cheapest Fargate size that holds them are
  priced for EC2 services too, to compare.
- Lambda: concurrency = ⌈requests/s × duration⌉ (AWS's formula; p95 when given), GB-seconds =
  requests × average duration × memory, requests priced per million.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from archplan.capacity.arith import ceil_div
from archplan.capacity.az import survivable_total, zones_of
from archplan.capacity.packing import Size, decreasing, instances_for
from archplan.containers_data import awsvpc_tasks_per_instance, fargate_sizes
from archplan.model import Architecture, ScalingGroup
from archplan.model_containers import Function, Service

QUOTA = "lambda_concurrent_executions"
# "You can reserve up to the Unreserved account concurrency value that is shown, minus 100 for
# functions that don't have reserved concurrency" (AWS Lambda Developer Guide).
UNRESERVED_MINIMUM = 100
MIB_PER_GIB = 1024  # Fargate prices memory per GB-hour of the task's GiB


def tasks_per_hour(
    needed: Sequence[int], low: int, high: int, zones: int, survive_az_loss: bool
) -> tuple[list[int], list[int]]:
    """(required, running) per hour: the N+1 margin when asked over two AZs or more, then
    clamped to low..high."""
    if survive_az_loss and zones >= 2:
        required = [survivable_total(units, zones) for units in needed]
    else:
        required = list(needed)
    running = [low if units < low else high if units > high else units for units in required]
    return required, running


def spread(total: int, zones: int) -> list[int]:
    """`total` balanced over `zones` zones, the first ones taking the remainder."""
    base, extra = divmod(total, zones)
    return [base + (1 if zone < extra else 0) for zone in range(zones)]


def task_item(service: Service) -> Size | None:
    if service.cpu is None or service.memory is None:
        return None
    return Size(service.cpu, service.memory, 1 if service.awsvpc else 0)


def group_services(architecture: Architecture, group: ScalingGroup) -> list[Service]:
    """The EC2 services whose capacity provider is `group`, in file order."""
    return [
        service
        for service in architecture.services.values()
        if service.launch_type == "ec2" and service.capacity_provider == group.name
    ]


def instance_size(
    architecture: Architecture, instance_type: str, services: Sequence[Service]
) -> Size | None:
    """What one instance offers the services' tasks; None when its CPU and memory are not in
    `instance_types:`, or its awsvpc task limit is unknown while awsvpc tasks need it."""
    spec = architecture.instance_specs.get(instance_type)
    if spec is None:
        return None
    awsvpc = [service for service in services if service.awsvpc]
    enis = 0
    if awsvpc:
        # Trunking is a setting of the container instances: counted only when every awsvpc
        # service on the group says so.
        trunking = all(service.trunking for service in awsvpc)
        limit = awsvpc_tasks_per_instance(instance_type, trunking)
        if limit is None:
            return None
        enis = limit
    return Size(spec.vcpu * 1024, spec.memory, enis)


class Units(NamedTuple):
    units: int  # capacity units of the group
    instances: int
    instance_type: str


class ProviderPacker:
    """Packs the tasks of a capacity provider group's services, hour after hour: what does not
    change between hours (task sizes, what each type offers) is worked out once, and each
    distinct share of tasks in a zone is packed once."""

    def __init__(
        self,
        architecture: Architecture,
        group: ScalingGroup,
        services: Sequence[Service],
        zones: int,
    ) -> None:
        self.zones = max(zones, 1)
        found = [task_item(service) for service in services]
        self.items: list[Size] | None = (
            [item for item in found if item is not None]
            if all(item is not None for item in found)
            else None
        )
        self.types: list[tuple[str, int, Size, list[int]]] | None = []
        for instance_type, weight in group.instance_types.items():
            capacity = instance_size(architecture, instance_type, services)
            if capacity is None or self.items is None:
                self.types = None
                break
            order = decreasing(self.items, capacity)  # the same sizes every hour
            self.types.append((instance_type, weight, capacity, order))
        if not group.instance_types:
            self.types = None
        self.memo: dict[tuple[int, tuple[int, ...]], int | None] = {}

    def units(self, counts: Sequence[int]) -> Units | None:
        """Units the services' tasks (`counts`, one per service) need, packed per zone, on the
        instance type that needs most; None when something is unknown or a task never fits."""
        if self.items is None or self.types is None:
            return None
        zones = self.zones
        # spread() for every service: the first zones take the remainders.
        per_zone = [
            tuple(count // zones + (1 if zone < count % zones else 0) for count in counts)
            for zone in range(zones)
        ]
        worst: Units | None = None
        for position, (instance_type, weight, capacity, order) in enumerate(self.types):
            instances = 0
            for shares in per_zone:
                key = (position, shares)
                needed = self.memo.get(key, -1)
                if needed == -1:
                    needed = self.memo[key] = instances_for(
                        list(zip(self.items, shares, strict=True)), capacity, order
                    )
                if needed is None:
                    return None
                instances += needed
            if worst is None or instances * weight > worst.units:
                worst = Units(instances * weight, instances, instance_type)
        return worst


def provider_units(
    architecture: Architecture,
    group: ScalingGroup,
    services: Sequence[Service],
    counts: Sequence[int],
    zones: int,
) -> Units | None:
    """Capacity units of `group` the services' tasks (`counts`, one per service) need, packed
    per zone, on the instance type that needs most; None when something is unknown."""
    return ProviderPacker(architecture, group, services, zones).units(counts)


def provider_shortfall(
    architecture: Architecture, group: ScalingGroup
) -> tuple[list[Service], int, str] | None:
    """The services on `group` and the units they need at max, when that is above the
    group's max (AP811); None when they fit or something is unknown."""
    services = group_services(architecture, group)
    if not services or group.max is None or any(service.max is None for service in services):
        return None
    if any(service.invalid for service in services):
        return None
    zones = len(zones_of(architecture, group))
    needed = provider_units(
        architecture, group, services, [service.max or 0 for service in services], zones
    )
    if needed is None or needed.units <= group.max:
        return None
    return services, needed.units, needed.instance_type


def fargate_size_for(cpu: int, memory: int) -> tuple[int, int] | None:
    """The cheapest-looking Fargate size that holds a task: the fewest CPU units, then the least
    memory, with both at least the task's."""
    fitting = [size for size in fargate_sizes() if size[0] >= cpu and size[1] >= memory]
    return min(fitting) if fitting else None


def fargate_task_hour(cpu: int, memory: int, vcpu_hour: Decimal, gb_hour: Decimal) -> Fraction:
    """What one task of `cpu` units and `memory` MiB costs per hour on Fargate."""
    return Fraction(cpu, 1024) * Fraction(vcpu_hour) + Fraction(memory, MIB_PER_GIB) * Fraction(
        gb_hour
    )


def spot_tasks(tasks: int, percent: int) -> int:
    """Tasks on Fargate Spot for a percentage share: rounded down, so the plan never counts on
    more Spot than asked (ECS splits by weights; it publishes no rounding)."""
    return tasks * percent // 100


def concurrency(rate: Decimal, duration_ms: Decimal) -> int:
    """⌈requests/s × duration in seconds⌉: the concurrent executions a rate keeps busy."""
    value = Fraction(rate) * Fraction(duration_ms) / 1000
    return ceil_div(value.numerator, value.denominator)


def gb_seconds(
    rate: Decimal, duration_ms: Decimal, memory_mb: int, seconds: int = 3600
) -> Fraction:
    """GB-seconds of `seconds` at `rate` requests/s of `duration_ms` each, with `memory_mb` MB
    (Lambda bills memory in GB of 1,024 MB)."""
    return Fraction(rate) * seconds * Fraction(duration_ms) / 1000 * Fraction(memory_mb, 1024)


def peak(values: Iterable[int]) -> int:
    return max(values, default=0)


def available_concurrency(architecture: Architecture, function: Function) -> int:
    """The concurrency a function can get: its reservation, else the Region's quota less what
    the other functions reserve (at least the 100 AWS keeps unreserved)."""
    if function.reserved_concurrency is not None:
        return function.reserved_concurrency
    reserved = sum(
        other.reserved_concurrency or 0
        for other in architecture.functions.values()
        if other.region == function.region
    )
    quota = architecture.quotas[QUOTA]
    return max(quota - reserved, min(UNRESERVED_MINIMUM, quota))
