"""What a Fargate service's tasks would cost on EC2 instead, hour by hour, in exact arithmetic.

The same tasks as on Fargate each hour (the service's target tracking, its N+1 margin over its
AZs and its min..max: the demand side does not change with the launch type) are spread over the
service's AZs as ECS spreads them (the first zones take the remainders) and packed per AZ onto
instances of one type: a service's tasks are all one size, so an instance holds
`fits(instance, task)` of them (CPU, memory and, for awsvpc tasks, ECS's per-type task limit)
and an AZ needs ceil(tasks there / that) instances, which is the fewest possible. The hour's
instances are the AZs' sum, priced On-Demand; a Spot or committed fleet is cheaper, as a
Fargate Spot share is.

Which instance type: every type whose capacity the file declares (`instance_types:`, the CPU and
memory an instance offers tasks, less what the OS and agent keep) and whose On-Demand price the
price book knows (`--prices`, the file's `prices:`, or archplan's shipped EC2 table), of the
service's processor architecture (read from the type's name, as rule AP519 does); the cheapest
over the whole profile is shown, ties going to fewer instance-hours, then to the name. A type
without a declared capacity is never guessed at: then the comparison says what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from archplan.capacity.arith import ceil_div
from archplan.capacity.containers import instance_size, spread, task_item
from archplan.capacity.packing import Size, fits
from archplan.model import Architecture
from archplan.model_containers import Service
from archplan.prices import PriceBook


class Ec2Option(NamedTuple):
    """The service's tasks on instances of one type over the profile."""

    instance_type: str
    capacity: Size  # what one instance offers the tasks
    per_instance: int  # tasks one instance holds
    limited_by: str  # "CPU", "memory" or "network interfaces": what bounds per_instance
    on_demand: Decimal  # USD per instance-hour
    price_source: str
    instance_hours: int
    peak_instances: int

    @property
    def total(self) -> Fraction:
        return Fraction(self.on_demand) * self.instance_hours


class Ec2Comparison(NamedTuple):
    """The cheapest EC2 option for a Fargate service's tasks, or why there is none."""

    chosen: Ec2Option | None
    candidates: tuple[str, ...]  # the types compared, in name order
    reason: str | None  # set when `chosen` is None


def instances_per_hour(tasks: Sequence[int], zones: int, per_instance: int) -> list[int]:
    """Instances holding `tasks` each hour, spread over `zones` AZs, `per_instance` a piece."""
    zones = max(zones, 1)
    known: dict[int, int] = {}  # hourly task counts repeat: each count worked out once
    result = []
    for count in tasks:
        found = known.get(count)
        if found is None:
            found = known[count] = sum(
                ceil_div(share, per_instance) for share in spread(count, zones)
            )
        result.append(found)
    return result


def _limited_by(capacity: Size, item: Size, per_instance: int) -> str:
    """The first dimension (CPU, memory, interfaces) that allows no more than `per_instance`."""
    for name, offered, needed in (
        ("CPU", capacity.cpu, item.cpu),
        ("memory", capacity.memory, item.memory),
        ("network interfaces", capacity.enis, item.enis),
    ):
        if needed and offered // needed == per_instance:
            return name
    raise AssertionError("per_instance is fits() of these sizes")  # pragma: no cover


def _architecture_of(instance_type: str) -> str | None:
    from archplan.rules.instance_types import architecture_of  # a name rule, loaded on use

    return architecture_of(instance_type)


def compare(
    architecture: Architecture,
    service: Service,
    tasks: Sequence[int],
    zones: int,
    book: PriceBook,
) -> Ec2Comparison:
    """The cheapest On-Demand EC2 fleet for the service's hourly `tasks` (see the module)."""
    item = task_item(service)
    if item is None:
        return Ec2Comparison(None, (), "the task's cpu and memory are needed")
    declared = sorted(architecture.instance_specs)
    if not declared:
        return Ec2Comparison(
            None,
            (),
            "no instance_types: declared (the CPU and memory an instance offers tasks); "
            "declare the types to compare",
        )
    options: list[Ec2Option] = []
    candidates: list[str] = []
    same = [name for name in declared if _architecture_of(name) == service.architecture]
    if not same:
        return Ec2Comparison(
            None,
            (),
            f"none of the declared instance types ({', '.join(declared)}) is "
            f"{service.architecture}; declare one to compare",
        )
    for instance_type in same:
        price = book.price(instance_type)
        capacity = instance_size(architecture, instance_type, [service])
        if price is None or capacity is None:
            continue
        candidates.append(instance_type)
        per_instance = fits(capacity, item)
        if per_instance == 0:
            continue
        hourly = instances_per_hour(tasks, zones, per_instance)
        options.append(
            Ec2Option(
                instance_type,
                capacity,
                per_instance,
                _limited_by(capacity, item, per_instance),
                price.on_demand,
                price.source,
                sum(hourly),
                max(hourly, default=0),
            )
        )
    if not options:
        reason = (
            f"no declared {service.architecture} instance type ({', '.join(same)}) has both an "
            "On-Demand price (give it under prices:) and, for awsvpc tasks, a known task limit"
            if not candidates
            else f"the task does not fit on any of {', '.join(candidates)}"
        )
        return Ec2Comparison(None, tuple(candidates), reason)
    chosen = min(options, key=lambda one: (one.total, one.instance_hours, one.instance_type))
    return Ec2Comparison(chosen, tuple(candidates), None)
