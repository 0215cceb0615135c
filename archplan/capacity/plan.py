"""`scale-plan`: each scaling group hour by hour — demand to capacity units, N+1 over its AZs,
clamped to min..max, split into committed, On-Demand and Spot as AWS rounds it, and priced.

Per hour, in exact integers:
- needed = ⌈demand / (per_unit × target_utilization / 100)⌉ (the target-tracking model; AWS
  publishes no formula for it, see reports.scale_findings.ASSUMPTIONS);
- required = needed, or with `survive_az_loss` over N AZs the smallest total that still holds
  needed after losing the fullest AZ, ⌈needed × N / (N − 1)⌉ (`az.survivable_total`);
- capacity = required clamped to min..max; required above max is a shortfall (under-provisioned
  hour), min above required is idle capacity;
- the split of `capacity` by AWS's rounding rule, the commitment carved out of the On-Demand part.

The hour loop is the hot path (50 groups × 8,760 hours in well under a second): demand is turned
into integers once per group, every hour is a few integer operations, and everything that depends
only on the capacity level (the split, the hour's cost) is computed once per level.

Planning only: pure functions from the model and the prices to numbers, no I/O but the demand
file a group names. What the report says about them is archplan.reports.scale_findings.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from archplan.capacity.arith import ceil_div
from archplan.capacity.az import (
    after_zone_loss,
    survivable_total,
    zones_known,
    zones_of,
    zones_written,
)
from archplan.capacity.commitment import optimal_level
from archplan.capacity.cost import (
    Costs,
    Rates,
    TypeRate,
    hour_cost,
    profile_costs,
    rate_bounds,
    type_rates,
)
from archplan.capacity.demand import (
    DemandFileUnreadable,
    Profile,
    demand_path,
    from_hourly,
    load_demand_file,
)
from archplan.capacity.pool import Pool, PoolMember, member, pools
from archplan.capacity.purchase import AWS_DEFAULT_PERCENTAGE, Split, split

if TYPE_CHECKING:
    from archplan.capacity.container_plans import ContainerPlan
from archplan.capacity.serving import served_by
from archplan.findings import Path, format_path
from archplan.limits import BudgetExceeded, DemandBudget
from archplan.model import MAX_WEIGHT, MIN_WEIGHT, Architecture, ScalingGroup
from archplan.prices import Discount, PriceBook
from archplan.regions import notation
from archplan.source import DEFAULT_MAX_BYTES


class UnknownGroup(ValueError):
    """`--group NAME` names no scaling group of the file."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(known)
        if self.known:
            listed = ", ".join(f'"{group}"' for group in self.known)
            message = f'no scaling group "{name}"; the file declares {listed}'
        else:
            message = f'no scaling group "{name}"; the file declares no scaling groups'
        super().__init__(message)


class HourRow(NamedTuple):
    """One hour of a group's plan (built on demand for reports; the plan keeps columns)."""

    hour: int
    start: str | None  # ISO UTC start of the hour, for profiles read from a metrics file
    demand: Decimal
    needed: int  # units for the demand at the target utilization
    required: int  # with the N+1 margin when asked
    capacity: int  # required clamped to min..max
    committed: int
    on_demand: int  # On-Demand units above the commitment
    spot: int
    cost: Fraction | None  # USD for the hour at the totals' (dearest) rates
    shortfall: int  # required - capacity when required is above max
    unserved: Decimal  # demand the capacity cannot serve with every AZ up
    unserved_after_az_loss: Decimal | None  # ... with the fullest AZ lost (survive_az_loss)
    idle: int  # capacity - required when min is above required


class Shortfall(NamedTuple):
    """A capacity verdict: the group cannot do what its file asks (scale-plan exits 1, and
    validate reports it as AP515-AP517). Computed only here, by `GroupPlan.shortfalls`.

    `kind` is "unserved-demand" (needed > max even with every AZ up), "az-loss-shortfall"
    (needed fits max, the N+1 total does not) or "az-loss-impossible" (survive_az_loss with
    fewer than two certain AZs); `hours` are the hours short and `worst` the worst of them.
    """

    kind: str
    hours: tuple[int, ...] = ()
    worst: int | None = None


UNSERVED_DEMAND, AZ_LOSS_SHORTFALL, AZ_LOSS_IMPOSSIBLE = (
    "unserved-demand",
    "az-loss-shortfall",
    "az-loss-impossible",
)


class Pricing(NamedTuple):
    """How a group is priced: its types' rates, and the bounds and totals at each."""

    types: tuple[TypeRate, ...]
    missing: tuple[str, ...]  # types no source has a price for
    discount: Discount
    cheapest: Rates | None
    dearest: Rates | None  # the rates of the totals
    cheapest_costs: Costs | None
    costs: Costs | None
    hour_costs: dict[int, Fraction]  # capacity level -> cost of such an hour (dearest)


class GroupPlan(NamedTuple):
    """One scaling group's plan; when `planned` is False, `reason` says why not."""

    group: ScalingGroup
    planned: bool
    reason: str | None
    input_error: bool  # not planned because the group's own fields are missing or invalid
    reason_at: Path | None  # where in the architecture file the reason is written
    region: str | None
    zones: tuple[str, ...]
    profile: Profile | None
    needed: list[int]
    required: list[int]
    capacity: list[int]
    splits: dict[int, Split]  # capacity level -> the hour's split (with the commitment)
    commitment: int  # committed units (the level chosen for "auto")
    pricing: Pricing | None
    on_demand_hours: Counter[int]  # On-Demand part (AWS's count, before the commitment) -> hours
    reason_on_key: bool = False  # the key at `reason_at` is blamed (as validate blames it)
    # Every AZ written for the group's subnets; `zones` are those surely distinct (N). They
    # differ when AZ names and AZ IDs are mixed, which may be the same zone.
    zones_written: tuple[str, ...] = ()
    # False when a subnet of the group has no known AZ: N is then unknown, and the AZ loss is
    # neither planned nor judged (a subnet may be in any zone).
    zones_known: bool = True
    # `commitment: auto` shared with other groups of the file (ScalePlan.pools): the group's own
    # commitment is then 0, and the pool's commitment covers its On-Demand spend.
    pooled: bool = False
    # A capacity provider: its ECS tasks' units are added to its own demand's each hour.
    hosts_tasks: bool = False

    @property
    def name(self) -> str:
        return self.group.name

    @property
    def hours(self) -> int:
        return len(self.capacity)

    @property
    def minimum(self) -> int:
        return self.group.min or 0

    @property
    def maximum(self) -> int:
        return self.group.max or 0

    @property
    def percentage(self) -> int:
        """The On-Demand percentage above base AWS applies (100 when omitted)."""
        return _percentage(self.group)

    @property
    def az_loss_asked(self) -> bool:
        return self.group.survive_az_loss

    @property
    def az_loss_possible(self) -> bool:
        """Two or more certain AZs, every subnet's AZ known: N+1 can be planned."""
        return len(self.zones) >= 2 and self.zones_known

    @property
    def zones_mixed(self) -> bool:
        """Whether the subnets' AZs mix names and AZ IDs: N is then the fewest zones they can
        be, and a report lists every zone written, saying they may coincide."""
        return len({notation(zone) for zone in self.zones_written}) > 1

    @property
    def under_provisioned_hours(self) -> int:
        """Hours whose required capacity (with the N+1 margin) is above max."""
        top = self.maximum
        return sum(1 for units in self.required if units > top)

    @property
    def unserved_hours(self) -> int:
        """Hours whose demand needs more than max even with every AZ up."""
        top = self.maximum
        return sum(1 for units in self.needed if units > top)

    @property
    def shortfalls(self) -> tuple[Shortfall, ...]:
        """What the group cannot do that its file asks, in the order reports give it: an AZ
        loss that cannot be survived, hours whose demand needs more than max, hours whose
        N+1 total needs more than max; () when the group was not planned."""
        if not self.planned:
            return ()
        found: list[Shortfall] = []
        if self.az_loss_asked and self.zones_known and not self.az_loss_possible:
            found.append(Shortfall(AZ_LOSS_IMPOSSIBLE))
        top, needed, required = self.maximum, self.needed, self.required
        short = tuple(hour for hour, units in enumerate(needed) if units > top)
        if short:
            worst = max(short, key=lambda hour: (needed[hour], -hour))
            found.append(Shortfall(UNSERVED_DEMAND, short, worst))
        az_short = tuple(hour for hour, units in enumerate(required) if needed[hour] <= top < units)
        if az_short:
            worst = max(az_short, key=lambda hour: (required[hour], -hour))
            found.append(Shortfall(AZ_LOSS_SHORTFALL, az_short, worst))
        return tuple(found)

    @property
    def ok(self) -> bool:
        """No hour short of capacity, and an AZ loss survivable when asked."""
        return not self.shortfalls

    def split_of(self, hour: int) -> Split:
        return self.splits[self.capacity[hour]]

    def rows(self) -> Iterator[HourRow]:
        """Every hour of the plan, in order."""
        if self.profile is None:
            return
        # A capacity provider sized by its tasks alone serves no demand of its own.
        per_unit = self.group.per_unit if self.group.per_unit is not None else Decimal(1)
        target = self.group.target_utilization
        zones = len(self.zones)
        after_loss = self.az_loss_asked and zones >= 2 and self.zones_known
        costs = self.pricing.hour_costs if self.pricing is not None else {}
        zero = Decimal(0)
        for hour, demand in enumerate(self.profile.values):
            required, capacity = self.required[hour], self.capacity[hour]
            mix = self.splits[capacity]
            unserved = zero
            lost: Decimal | None = zero if after_loss else None
            if required > capacity:  # clamped by max: part of the demand may go unserved
                unserved = max(zero, demand - served_by(capacity, per_unit, target))
                if after_loss:
                    left = after_zone_loss(capacity, zones)
                    lost = max(zero, demand - served_by(left, per_unit, target))
            start = self.profile.hour_start(hour)
            yield HourRow(
                hour=hour,
                start=start.strftime("%Y-%m-%dT%H:%M:%SZ") if start is not None else None,
                demand=demand,
                needed=self.needed[hour],
                required=required,
                capacity=capacity,
                committed=mix.committed,
                on_demand=mix.on_demand,
                spot=mix.spot,
                cost=costs.get(capacity),
                shortfall=max(0, required - capacity),
                unserved=unserved,
                unserved_after_az_loss=lost,
                idle=max(0, capacity - required),
            )


class ScalePlan(NamedTuple):
    groups: tuple[GroupPlan, ...]
    book: PriceBook
    pools: tuple[Pool, ...] = ()  # account-wide commitments of groups with `commitment: auto`
    # Services, functions and EKS node groups (None with --group: only that group is planned).
    containers: ContainerPlan | None = None

    @property
    def ok(self) -> bool:
        return all(group.ok for group in self.groups) and (
            self.containers is None or self.containers.ok
        )

    @property
    def input_error(self) -> bool:
        return any(group.input_error for group in self.groups) or (
            self.containers is not None and self.containers.input_error
        )


def plan(
    architecture: Architecture,
    book: PriceBook,
    group: str | None = None,
    base_dir: str = ".",
    max_file_size: int = DEFAULT_MAX_BYTES,
    demand_budget: DemandBudget | None = None,
    only: Collection[str] | None = None,
    pooled: Collection[str] | None = None,
) -> ScalePlan:
    """Plan every scaling group (or only `group`); demand files are read relative to `base_dir`.

    `only` plans the groups it names (in file order; names the file lacks are skipped) and
    shares commitments among them alone: each group's plan and each pool are scale-plan's of
    the whole file when `only` holds every group that may share a commitment with one of them
    (archplan.capacity.part.sharing). Neither `group` nor `only` plans the containers.
    `pooled` names the groups the caller knows to share a commitment (a group of it that can
    share is planned as such) and no pools are computed: the plan then has none.

    Raises UnknownGroup for an unknown `group`, and DemandFileError for a metrics file that
    cannot be read.
    """
    groups = architecture.scaling_groups
    if group is not None and group not in groups:
        raise UnknownGroup(group, groups)
    if group is not None:
        chosen = [groups[group]]
    elif only is not None:
        chosen = [one for name, one in groups.items() if name in only]
    else:
        chosen = list(groups.values())
    budget = demand_budget if demand_budget is not None else DemandBudget()
    containers = None
    hosted: dict[str, tuple[list[int], str] | Unplannable] = {}
    if (architecture.services or architecture.functions or architecture.clusters) and (
        only is None or _hosts_tasks(architecture, chosen)
    ):
        from archplan.capacity.container_plans import Unplanned
        from archplan.capacity.plan_containers import plan_containers
        from archplan.prices_containers import ContainerPrices

        prices = ContainerPrices(book.option, book.option_name, book.file)
        containers, found = plan_containers(
            architecture, prices, base_dir, max_file_size, budget, book
        )
        for name, units in found.items():
            if isinstance(units, Unplanned):  # a NamedTuple too: tested first
                hosted[name] = Unplannable(units.reason, units.input_error, units.at)
            else:
                hosted[name] = units
    plans = []
    for scaling_group in chosen:
        tasks = hosted.get(scaling_group.name)
        if isinstance(tasks, Unplannable):
            plans.append(_not_planned(architecture, scaling_group, tasks))
            continue
        task_units = tasks[0] if tasks is not None else None
        provider = any(
            service.launch_type == "ec2" and service.capacity_provider == scaling_group.name
            for service in architecture.services.values()
        )
        problem = _unplannable(scaling_group, hosts_tasks=provider)
        if problem is not None:
            plans.append(_not_planned(architecture, scaling_group, problem))
            continue
        if (
            task_units is not None
            and scaling_group.demand_hourly is None
            and scaling_group.demand_file is None
        ):
            plans.append(plan_group(architecture, scaling_group, book, None, task_units))
            continue
        if scaling_group.demand_file is None and scaling_group.demand_hourly is None:
            # Skipped among all groups; an error when asked for by name.
            reason = "no demand profile (demand.hourly or demand.file) to plan from"
            no_demand = Unplannable(reason, group is not None, scaling_group.path)
            plans.append(_not_planned(architecture, scaling_group, no_demand))
            continue
        profile = None
        if scaling_group.demand_file is not None and scaling_group.demand_hourly is None:
            written = scaling_group.demand_file
            try:
                profile = load_demand_file(
                    demand_path(base_dir, written), written, max_file_size, budget=budget
                )
            except BudgetExceeded as error:
                crossed = Unplannable(
                    f'demand.file "{written}": {error.message}',
                    True,
                    (*scaling_group.path, "demand", "file"),
                )
                plans.append(_not_planned(architecture, scaling_group, crossed))
                continue
            except DemandFileUnreadable as error:
                unreadable = Unplannable(
                    f'demand.file "{written}" cannot be read: {error.message} ({error.path})',
                    True,
                    (*scaling_group.path, "demand", "file"),
                )
                plans.append(_not_planned(architecture, scaling_group, unreadable))
                continue
        plans.append(plan_group(architecture, scaling_group, book, profile, task_units))
    units_of = {
        name: units[0] for name, units in hosted.items() if not isinstance(units, Unplannable)
    }
    if pooled is None:
        shared = pools(_member(one, book) for one in plans if _poolable(one))
        sharing = {name for pool in shared for name in pool.groups}
    else:
        shared = ()
        sharing = {one.name for one in plans if one.name in pooled and _poolable(one)}
    final = tuple(
        plan_group(architecture, one.group, book, one.profile, units_of.get(one.name), pooled=True)
        if one.name in sharing
        else one
        for one in plans
    )
    if group is not None or only is not None:
        containers = None
    if containers is not None:
        from archplan.capacity.plan_containers import with_addresses

        peaks = {
            found.name: ceil_div(max(found.capacity), min(found.group.instance_types.values()))
            for found in final
            if found.planned and found.capacity and found.group.instance_types
        }
        containers = with_addresses(architecture, containers, peaks)
    return ScalePlan(final, book, shared, containers)


def _hosts_tasks(architecture: Architecture, chosen: Iterable[ScalingGroup]) -> bool:
    """Whether an EC2 service names one of the groups its capacity provider (then the
    containers are planned for the units its tasks add)."""
    names = {one.name for one in chosen}
    return any(
        service.launch_type == "ec2" and service.capacity_provider in names
        for service in architecture.services.values()
    )


def _poolable(plan: GroupPlan) -> bool:
    """A planned, priced group whose commitment is `auto` (a commitment is money: a group
    without a price cannot share one)."""
    return (
        plan.planned
        and plan.group.purchase.commitment == "auto"
        and plan.pricing is not None
        and plan.pricing.dearest is not None
        and plan.profile is not None
    )


def member_of(plan: GroupPlan, book: PriceBook) -> PoolMember | None:
    """What a pool takes of the group's plan (the same whether it is planned pooled or
    alone); None when the group cannot share a commitment."""
    return _member(plan, book) if _poolable(plan) else None


def _member(plan: GroupPlan, book: PriceBook) -> PoolMember:
    assert plan.pricing is not None and plan.pricing.dearest is not None
    assert plan.profile is not None
    purchase = plan.group.purchase
    start = plan.profile.hour_start(0) if plan.hours else None
    return member(
        name=plan.name,
        commitment_type=purchase.commitment_type,
        discount=plan.pricing.discount.value,
        region=plan.region,
        instance_types=plan.group.instance_types,
        profile_key=(plan.hours, start.isoformat() if start is not None else None),
        capacity=plan.capacity,
        base=purchase.on_demand_base,
        percentage=purchase.on_demand_percentage_above_base,
        on_demand_rate=plan.pricing.dearest.on_demand,
    )


class Unplannable(NamedTuple):
    """Why a group cannot be planned, whether that is an input error, and where it is written."""

    reason: str
    input_error: bool
    at: Path
    on_key: bool = False  # the key at `at` is blamed (one ignored), not its value


def _not_planned(
    architecture: Architecture, group: ScalingGroup, problem: Unplannable
) -> GroupPlan:
    return GroupPlan(
        group=group,
        planned=False,
        reason=problem.reason,
        input_error=problem.input_error,
        reason_at=problem.at,
        reason_on_key=problem.on_key,
        region=_region(architecture, group),
        zones=zones_of(architecture, group),
        zones_written=zones_written(architecture, group),
        profile=None,
        needed=[],
        required=[],
        capacity=[],
        splits={},
        commitment=0,
        pricing=None,
        on_demand_hours=Counter(),
    )


def _region(architecture: Architecture, group: ScalingGroup) -> str | None:
    vpc = architecture.vpcs.get(group.vpc) if group.vpc is not None else None
    return vpc.region if vpc is not None else architecture.default_region


def _unplannable(
    group: ScalingGroup, profile: Profile | None = None, *, hosts_tasks: bool = False
) -> Unplannable | None:
    """Why the group's own fields cannot be planned from, or None.

    A value written but invalid is never planned with a default in its place: the plan would
    look right and be wrong (an invalid percentage is not AWS's default of 100).
    """
    if group.invalid:
        where, rejection = next(iter(group.invalid.items()))  # the first found
        more = len(group.invalid) - 1
        values = "value" if more == 1 else "values"
        also = f" (and {more} more invalid {values}: archplan validate lists them)"
        reason = f"{format_path(where)} is invalid: {rejection.message}{also if more else ''}"
        return Unplannable(reason, True, (*group.path, *where), rejection.on_key)
    missing = [
        field
        for field, value in (
            ("min", group.min),
            ("max", group.max),
            ("capacity.per_unit", group.per_unit),
        )
        if value is None
        # A capacity provider without a demand of its own is sized by its tasks alone.
        and not (
            field == "capacity.per_unit"
            and hosts_tasks
            and group.demand_hourly is None
            and group.demand_file is None
        )
    ]
    if missing:
        fields = " and ".join(missing)
        verb = "is" if len(missing) == 1 else "are"
        return Unplannable(f"{fields} {verb} missing", True, group.path)
    assert group.min is not None and group.max is not None
    if group.min > group.max:
        return Unplannable(f"min {group.min} is above max {group.max}", True, (*group.path, "min"))
    for instance_type, weight in group.instance_types.items():
        # AP506 in validate; a weight of 0 would leave the type out of the cost and be emitted.
        if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            return Unplannable(
                f"the weight of {instance_type} is {weight}; AWS accepts weights from "
                f"{MIN_WEIGHT} to {MAX_WEIGHT}",
                True,
                (*group.path, "instance_types", instance_type),
            )
    if profile is not None and not profile.values:
        return Unplannable(
            "demand.hourly is empty: give one value per hour",
            True,
            (*group.path, "demand", "hourly"),
        )
    return None


def plan_group(
    architecture: Architecture,
    group: ScalingGroup,
    book: PriceBook,
    profile: Profile | None = None,
    task_units: list[int] | None = None,
    pooled: bool = False,
) -> GroupPlan:
    """One group's plan; `profile` is its metrics file's profile when it has one; `task_units`
    the units its ECS tasks need each hour when it is a capacity provider (added to its own
    demand's, hour by hour). A `pooled` group's `auto` commitment is the pool's
    (ScalePlan.pools), so its own is 0."""
    if profile is None and group.demand_hourly is not None:
        profile = from_hourly(group.demand_hourly)
    if profile is None and task_units is not None:
        profile = from_hourly([Decimal(0)] * len(task_units))
    problem = _unplannable(group, profile, hosts_tasks=task_units is not None)
    mismatched = task_units is not None and profile is not None
    if (
        problem is None
        and mismatched
        and len(task_units or ()) != len(profile.values if profile else ())
    ):
        problem = Unplannable(
            f"its demand has {len(profile.values) if profile else 0} hours and its services' "
            f"tasks {len(task_units or ())}: give them the same hours",
            True,
            group.path,
        )
    if problem is None and profile is None:
        problem = Unplannable(
            "no demand profile (demand.hourly or demand.file) to plan from", False, group.path
        )
    if problem is not None:
        return _not_planned(architecture, group, problem)
    assert profile is not None
    assert group.min is not None and group.max is not None
    low, high = group.min, group.max
    zones = zones_of(architecture, group)
    known = zones_known(architecture, group)
    if group.per_unit is not None:
        needed = needed_units(profile.values, group.per_unit, group.target_utilization)
    else:  # a capacity provider sized by its tasks alone
        needed = [0] * len(profile.values)
    if task_units is not None:
        needed = [own + tasks for own, tasks in zip(needed, task_units, strict=True)]
    if group.survive_az_loss and len(zones) >= 2 and known:
        required = [survivable_total(units, len(zones)) for units in needed]
    else:
        required = needed
    capacity = [low if units < low else high if units > high else units for units in required]

    purchase = group.purchase
    base, percentage = purchase.on_demand_base, purchase.on_demand_percentage_above_base
    levels = Counter(capacity)
    on_demand_hours: Counter[int] = Counter()
    for level, hours in levels.items():
        on_demand_hours[split(level, base, percentage).on_demand_part] += hours
    discount = book.discount(purchase.commitment_type)
    if pooled:
        commitment = 0
    elif purchase.commitment == "auto":
        commitment = optimal_level(on_demand_hours, discount.value)
    elif isinstance(purchase.commitment, int):
        commitment = purchase.commitment
    else:
        commitment = 0
    splits = {level: split(level, base, percentage, commitment) for level in levels}
    pricing = _pricing(group, book, discount, commitment, levels, splits)
    return GroupPlan(
        group=group,
        planned=True,
        reason=None,
        input_error=False,
        reason_at=None,
        region=_region(architecture, group),
        zones=zones,
        zones_written=zones_written(architecture, group),
        profile=profile,
        needed=needed,
        required=required,
        capacity=capacity,
        splits=splits,
        commitment=commitment,
        pricing=pricing,
        on_demand_hours=on_demand_hours,
        zones_known=known,
        pooled=pooled,
        hosts_tasks=task_units is not None,
    )


def needed_units(
    values: Iterable[Decimal], per_unit: Decimal, target_utilization: int
) -> list[int]:
    """serving.units_for for every hour at once, in integers: the demands are brought to one
    denominator, so each hour is one multiplication and one floor division (a test checks it
    against units_for)."""
    ratios = [value.as_integer_ratio() for value in values]
    denominator = math.lcm(*{below for _, below in ratios}) if ratios else 1
    if denominator == 1:
        scaled = [above for above, _ in ratios]
    else:
        scaled = [above * (denominator // below) for above, below in ratios]
    unit_above, unit_below = per_unit.as_integer_ratio()
    numerator = 100 * unit_below
    divisor = denominator * unit_above * target_utilization
    # ceil_div inlined: a year of 150 profiles is 1.3 million hours.
    return [-(-(amount * numerator) // divisor) for amount in scaled]


def _pricing(
    group: ScalingGroup,
    book: PriceBook,
    discount: Discount,
    commitment: int,
    levels: Counter[int],
    splits: dict[int, Split],
) -> Pricing:
    types, missing = type_rates(group.instance_types, book)
    bounds = rate_bounds(types, discount.value)
    if bounds is None:
        return Pricing(types, missing, discount, None, None, None, None, {})
    cheapest, dearest = bounds
    hours = sum(levels.values())
    on_demand = sum(splits[level].on_demand * count for level, count in levels.items())
    spot = sum(splits[level].spot * count for level, count in levels.items())
    capacity = sum(level * count for level, count in levels.items())
    return Pricing(
        types=types,
        missing=missing,
        discount=discount,
        cheapest=cheapest,
        dearest=dearest,
        cheapest_costs=profile_costs(cheapest, commitment, hours, on_demand, spot, capacity),
        costs=profile_costs(dearest, commitment, hours, on_demand, spot, capacity),
        hour_costs={level: hour_cost(dearest, commitment, splits[level]) for level in levels},
    )


def _percentage(group: ScalingGroup) -> int:
    """The On-Demand percentage above base AWS applies (100 when omitted)."""
    value = group.purchase.on_demand_percentage_above_base
    return AWS_DEFAULT_PERCENTAGE if value is None else value
