"""The monthly cost of each ECS service on Fargate and each Lambda function in two versions, as
`scale-plan` of each whole version prices them (archplan.capacity.plan_containers).

scale-plan prices a Fargate service's tasks (`fargate.per_month`) and a function's requests and
duration (`per_month`); an ECS service on EC2 is paid for in its capacity provider's scaling
group (its Fargate figure is a comparison only) and EKS node groups are not priced, so neither
adds to a total. The newer version's figures come from its whole plan; the older version's
services and functions are planned again only when their plan can differ (the service or
function itself changed, a subnet or VPC changed, or the prices or defaults: then all of them),
each by scale-plan's own planner; every other one is the same in both versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from archplan.diff.model import ObjectChange
from archplan.limits import DemandBudget
from archplan.model import Architecture

if TYPE_CHECKING:
    from archplan.capacity.container_plans import ContainerPlan, FunctionPlan, ServicePlan
    from archplan.capacity.plan import ScalePlan
    from archplan.prices import PriceBook


class ItemFigures(NamedTuple):
    """One service or function in one version, as scale-plan of that whole version gives it."""

    planned: bool
    reason: str | None
    peak: int  # peak tasks (services) or peak concurrent executions (functions)
    monthly: Fraction | None  # per 730-hour month; None: not priced (or, on EC2, in its group)
    on_ec2: bool = False  # a service on EC2: its cost is its capacity provider group's


class ItemCost(NamedTuple):
    name: str
    old: ItemFigures | None  # None: not in that version
    new: ItemFigures | None


class ContainerCosts(NamedTuple):
    services: tuple[ItemCost, ...]  # those whose figures differ
    functions: tuple[ItemCost, ...]
    old_total: Fraction
    new_total: Fraction
    unpriced_services: tuple[str, ...]  # Fargate services not planned or not priced
    unpriced_functions: tuple[str, ...]


def _month(total: Fraction, hours: int) -> Fraction:
    # As scale-plan writes `per_month` (archplan.reports.scale_plan_containers._month).
    from archplan.capacity.cost import HOURS_PER_MONTH

    return total * HOURS_PER_MONTH / hours if hours else Fraction(0)


def service_figures(plan: ServicePlan) -> ItemFigures:
    if plan.unplanned is not None:
        return ItemFigures(False, plan.unplanned.reason, 0, None, plan.service.launch_type == "ec2")
    if plan.service.launch_type != "fargate":
        return ItemFigures(True, None, plan.peak, None, True)
    fargate = plan.fargate
    monthly = _month(fargate.total, len(plan.tasks)) if fargate is not None else None
    return ItemFigures(True, None, plan.peak, monthly)


def function_figures(plan: FunctionPlan) -> ItemFigures:
    if plan.unplanned is not None:
        return ItemFigures(False, plan.unplanned.reason, 0, None)
    cost = plan.cost
    monthly = _month(cost, len(plan.concurrency)) if cost is not None else None
    return ItemFigures(True, None, plan.peak, monthly)


def _affected(
    old: Architecture, new: Architecture, changes: list[ObjectChange]
) -> tuple[set[str], set[str]] | None:
    """The older version's services and functions whose plan may differ; None: all of them
    (the prices or defaults changed)."""
    services: set[str] = set()
    functions: set[str] = set()
    subnets: set[str] = set()
    vpcs: set[str] = set()
    for change in changes:
        names = {str(path[-1]) for path in (change.old_path, change.new_path) if path}
        if change.kind == ("services",):
            services |= names
        elif change.kind == ("functions",):
            functions |= names
        elif change.kind == ("vpcs", "subnets"):
            subnets |= names
        elif change.kind == ("vpcs",):
            vpcs |= names
        elif (
            change.kind == ()
            and any(f.field[:1] in (("prices",), ("defaults",)) for f in change.fields)
        ) or change.kind[:1] == ("prices",):
            return None
    for architecture in (old, new):
        for service in architecture.services.values():
            if subnets.intersection(service.subnets) or service.vpc in vpcs:
                services.add(service.name)
        for function in architecture.functions.values():
            if subnets.intersection(function.subnets) or function.vpc in vpcs:
                functions.add(function.name)
    return services, functions


def _older(
    before: Architecture,
    after: Architecture,
    after_plan: ScalePlan,
    changes: list[ObjectChange],
    book: PriceBook,
    folder: str,
    max_file_size: int,
    budget: DemandBudget | None,
) -> tuple[dict[str, ItemFigures], dict[str, ItemFigures]]:
    """The older version's figures: planned again where they may differ, else the newer's."""
    from archplan.capacity.plan_containers import plan_function, plan_service
    from archplan.prices_containers import ContainerPrices

    containers = after_plan.containers
    new_services = _by_name(containers, services=True)
    new_functions = _by_name(containers, services=False)
    affected = _affected(before, after, changes)
    prices = ContainerPrices(book.option, book.option_name, book.file)
    services: dict[str, ItemFigures] = {}
    for name, service in before.services.items():
        if affected is not None and name not in affected[0] and name in new_services:
            services[name] = new_services[name]
        else:
            planned = plan_service(before, service, prices, folder, max_file_size, budget)
            services[name] = service_figures(planned)
    functions: dict[str, ItemFigures] = {}
    for name, function in before.functions.items():
        if affected is not None and name not in affected[1] and name in new_functions:
            functions[name] = new_functions[name]
        else:
            planned_function = plan_function(
                before, function, prices, folder, max_file_size, budget
            )
            functions[name] = function_figures(planned_function)
    return services, functions


def _by_name(containers: ContainerPlan | None, services: bool) -> dict[str, ItemFigures]:
    if containers is None:
        return {}
    if services:
        return {plan.name: service_figures(plan) for plan in containers.services}
    return {plan.name: function_figures(plan) for plan in containers.functions}


def container_costs(
    before: Architecture,
    after: Architecture,
    after_plan: ScalePlan,
    changes: list[ObjectChange],
    book: PriceBook,
    folder: str,
    max_file_size: int,
    budget: DemandBudget | None = None,
) -> ContainerCosts:
    """Every Fargate service's and function's monthly cost in both versions (those that differ
    listed) and their totals, as scale-plan of each whole version prices them."""
    old_services, old_functions = _older(
        before, after, after_plan, changes, book, folder, max_file_size, budget
    )
    new_services = _by_name(after_plan.containers, services=True)
    new_functions = _by_name(after_plan.containers, services=False)
    service_costs, old_s, new_s, unpriced_s = _compare(old_services, new_services)
    function_costs, old_f, new_f, unpriced_f = _compare(old_functions, new_functions)
    return ContainerCosts(
        service_costs,
        function_costs,
        old_s + old_f,
        new_s + new_f,
        unpriced_s,
        unpriced_f,
    )


def _compare(
    old: Mapping[str, ItemFigures], new: Mapping[str, ItemFigures]
) -> tuple[tuple[ItemCost, ...], Fraction, Fraction, tuple[str, ...]]:
    """The items whose figures differ (older version's order, then the newer's new ones), each
    version's total of the priced ones, and the names left out of a total."""
    found: list[ItemCost] = []
    totals = [Fraction(0), Fraction(0)]
    unpriced: list[str] = []
    for name in [*old, *(name for name in new if name not in old)]:
        pair = (old.get(name), new.get(name))
        for index, figures in enumerate(pair):
            if figures is None or figures.on_ec2:
                continue
            if figures.monthly is None:
                if name not in unpriced:
                    unpriced.append(name)
                continue
            totals[index] += figures.monthly
        if pair[0] != pair[1]:
            found.append(ItemCost(name, pair[0], pair[1]))
    return tuple(found), totals[0], totals[1], tuple(unpriced)
