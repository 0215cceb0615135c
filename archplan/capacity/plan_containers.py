"""`scale-plan` for ECS services, Lambda functions and EKS node groups, hour by hour, beside the
scaling groups: tasks, pods, nodes and concurrency in exact integers, their cost, what EC2
services add to their capacity provider group, and the addresses each subnet must hold at the
peak hour and after losing an Availability Zone.

The arithmetic is archplan.capacity.containers' (and the groups' target tracking and N+1); this
module walks the file, reads demand, and keeps the results for the reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from archplan.analysis.addresses import (
    Consumer,
    consumers,
    loads_of,
    max_pods,
    node_addresses,
)
from archplan.capacity.arith import ceil_div
from archplan.capacity.az import zones_of
from archplan.capacity.container_plans import (
    AddressRow,
    ContainerPlan,
    FargateCost,
    FunctionPlan,
    NodeGroupPlan,
    ServicePlan,
    Unplanned,
    WorkloadPlan,
)
from archplan.capacity.containers import (
    ProviderPacker,
    available_concurrency,
    fargate_size_for,
    fargate_task_hour,
    gb_seconds,
    group_services,
    spot_tasks,
    spread,
    tasks_per_hour,
)
from archplan.capacity.demand import (
    DemandFileUnreadable,
    Profile,
    demand_path,
    from_hourly,
    load_demand_file,
)
from archplan.capacity.ec2_compare import compare
from archplan.capacity.packing import Size, instances_for
from archplan.containers_data import eni_limits
from archplan.findings import Path, format_path
from archplan.limits import BudgetExceeded, DemandBudget
from archplan.model import Architecture, ScalingGroup
from archplan.model_containers import Cluster, Demand, Function, NodeGroup, Service, Workload
from archplan.prices import PriceBook
from archplan.prices_containers import ContainerPrices
from archplan.regions import known_distinct

# -- demand -----------------------------------------------------------------------------------


def _profile(
    demand: Demand,
    path: Path,
    base_dir: str,
    max_file_size: int,
    budget: DemandBudget | None = None,
) -> Profile | Unplanned | None:
    if demand.hourly is not None:
        if not demand.hourly:
            return Unplanned("demand.hourly is empty", True, (*path, "demand", "hourly"))
        return from_hourly(demand.hourly)
    if demand.file is not None:
        try:
            return load_demand_file(
                demand_path(base_dir, demand.file), demand.file, max_file_size, budget=budget
            )
        except BudgetExceeded as error:  # the run's one demand budget, shared with the groups
            return Unplanned(
                f'demand.file "{demand.file}": {error.message}', True, (*path, "demand", "file")
            )
        except DemandFileUnreadable as error:
            return Unplanned(
                f'demand.file "{demand.file}" cannot be read: {error.message} ({error.path})',
                True,
                (*path, "demand", "file"),
            )
    return None


def _invalid(record: Service | Function | Workload) -> Unplanned | None:
    if not record.invalid:
        return None
    where, rejection = next(iter(record.invalid.items()))
    return Unplanned(
        f"{format_path(where)} is invalid: {rejection.message}", True, (*record.path, *where)
    )


def _needed(values: Sequence[Decimal], per: Decimal, target: int) -> list[int]:
    from archplan.capacity.plan import needed_units  # the groups' exact target tracking

    return needed_units(values, per, target)


# -- services ---------------------------------------------------------------------------------


def _zones(architecture: Architecture, vpc: str | None, names: Sequence[str]) -> tuple[str, ...]:
    found = architecture.vpcs.get(vpc or "")
    if found is None:
        return ()
    return known_distinct([found.subnets[name].az or "" for name in names if name in found.subnets])


def plan_service(
    architecture: Architecture,
    service: Service,
    prices: ContainerPrices,
    base_dir: str,
    max_file_size: int,
    budget: DemandBudget | None = None,
) -> ServicePlan:
    zones = _zones(architecture, service.vpc, service.subnets)
    empty = ServicePlan(service, None, zones, None, [], [], [], None, None, None)
    problem = _invalid(service)
    if problem is None and (service.min is None or service.max is None):
        problem = Unplanned("min and max are needed", True, service.path)
    if problem is None and (service.cpu is None or service.memory is None):
        problem = Unplanned("cpu and memory are needed", True, service.path)
    if problem is not None:
        return empty._replace(unplanned=problem)
    assert service.min is not None and service.max is not None
    found = _profile(service.demand, service.path, base_dir, max_file_size, budget)
    if isinstance(found, Unplanned):
        return empty._replace(unplanned=found)
    if found is None:
        return empty._replace(
            unplanned=Unplanned(
                "no demand profile (demand.hourly or demand.file)", False, service.path
            )
        )
    if service.per_task is None:
        return empty._replace(
            unplanned=Unplanned("capacity.per_task is needed with a demand", True, service.path)
        )
    needed = _needed(found.values, service.per_task, service.target_utilization)
    required, tasks = tasks_per_hour(
        needed, service.min, service.max, len(zones), service.survive_az_loss
    )
    fargate = _fargate_cost(service, tasks, prices)
    return ServicePlan(service, None, zones, found, needed, required, tasks, fargate, None, None)


def _fargate_cost(
    service: Service, tasks: Sequence[int], prices: ContainerPrices
) -> FargateCost | None:
    assert service.cpu is not None and service.memory is not None
    size = (
        (service.cpu, service.memory)
        if service.launch_type == "fargate"
        else fargate_size_for(service.cpu, service.memory)
    )
    rates = prices.fargate_rates(service.architecture)
    if size is None:
        return None
    percent = service.fargate_spot_percent if service.launch_type == "fargate" else 0
    spot = sum(spot_tasks(count, percent) for count in tasks)
    return FargateCost(
        size[0],
        size[1],
        fargate_task_hour(size[0], size[1], rates[0], rates[1]),
        Fraction(prices.fargate_spot_discount.value),
        sum(tasks) - spot,
        spot,
    )


def provider_hours(
    architecture: Architecture, group: ScalingGroup, plans: Sequence[ServicePlan]
) -> tuple[list[int], str] | Unplanned | None:
    """Capacity units the group needs each hour for the tasks of its EC2 services (packed per
    zone), with the instance type they are counted in; None when no planned service runs on
    it; Unplanned when the tasks cannot be packed."""
    on_group = [
        plan
        for plan in plans
        if plan.unplanned is None
        and plan.service.launch_type == "ec2"
        and plan.service.capacity_provider == group.name
    ]
    if not on_group:
        return None
    lengths = {len(plan.tasks) for plan in on_group}
    if len(lengths) > 1:
        return Unplanned(
            f'the services on scaling group "{group.name}" have demand profiles of different '
            "lengths; give them the same hours",
            True,
            group.path,
        )
    services = [plan.service for plan in on_group]
    zones = len(zones_of(architecture, group))
    hours = lengths.pop()
    units: list[int] = []
    chosen = ""
    memo: dict[tuple[int, ...], tuple[int, str] | None] = {}
    packer = ProviderPacker(architecture, group, services, zones)
    for hour in range(hours):
        counts = tuple(plan.tasks[hour] for plan in on_group)
        if counts not in memo:
            found = packer.units(counts)
            memo[counts] = (found.units, found.instance_type) if found else None
        result = memo[counts]
        if result is None:
            missing = [t for t in group.instance_types if t not in architecture.instance_specs]
            why = (
                f"instance_types has no vcpu and memory for {', '.join(missing)}"
                if missing
                else "a task does not fit one of its instance types, or the type's awsvpc task "
                "limit is unknown"
            )
            return Unplanned(
                f'the tasks on scaling group "{group.name}" cannot be packed: {why}',
                False,
                group.path,
            )
        units.append(result[0])
        chosen = result[1]
    return units, chosen


# -- functions --------------------------------------------------------------------------------


def plan_function(
    architecture: Architecture,
    function: Function,
    prices: ContainerPrices,
    base_dir: str,
    max_file_size: int,
    budget: DemandBudget | None = None,
) -> FunctionPlan:
    available = available_concurrency(architecture, function)
    zero = Fraction(0)
    empty = FunctionPlan(function, None, None, [], available, zero, zero, None, None)
    problem = _invalid(function)
    if problem is None and (function.memory is None or function.duration_average is None):
        # A duration is a measurement, not configuration (an imported function has none).
        problem = Unplanned("no duration_ms.average to plan from", False, function.path)
    if problem is not None:
        return empty._replace(unplanned=problem)
    found = _profile(function.demand, function.path, base_dir, max_file_size, budget)
    if isinstance(found, Unplanned):
        return empty._replace(unplanned=found)
    if found is None:
        return empty._replace(
            unplanned=Unplanned(
                "no demand profile (demand.hourly or demand.file)", False, function.path
            )
        )
    assert function.memory is not None and function.duration_average is not None
    sizing = function.sizing_duration or function.duration_average
    # Every hour in integers over one denominator, as the groups' needed_units does: the
    # concurrency is ceil(rate x duration / 1000), checked hour by hour in the tests.
    ratios = [value.as_integer_ratio() for value in found.values]
    denominator = math.lcm(*{below for _, below in ratios}) if ratios else 1
    scaled = [above * (denominator // below) for above, below in ratios]
    duration_above, duration_below = sizing.as_integer_ratio()
    divisor = denominator * duration_below * 1000
    running = [ceil_div(amount * duration_above, divisor) for amount in scaled]
    total_rate = Fraction(sum(scaled), denominator)
    requests = total_rate * 3600
    seconds = gb_seconds(Decimal(1), function.duration_average, function.memory) * total_rate
    rates = prices.lambda_rates(function.architecture)
    duration_cost = seconds * Fraction(rates[0])
    request_cost = requests * Fraction(rates[1]) / 1_000_000
    return FunctionPlan(
        function, None, found, running, available, requests, seconds, duration_cost, request_cost
    )


# -- EKS --------------------------------------------------------------------------------------


def plan_workload(
    architecture: Architecture,
    cluster: Cluster,
    workload: Workload,
    base_dir: str,
    max_file_size: int,
    budget: DemandBudget | None = None,
) -> WorkloadPlan:
    empty = WorkloadPlan(workload, None, None, [], [])
    problem = _invalid(workload)
    if problem is not None:
        return empty._replace(unplanned=problem)
    if workload.replicas is not None:
        return empty  # a constant: sized to the node group's hours when planned
    found = _profile(workload.demand, workload.path, base_dir, max_file_size, budget)
    if isinstance(found, Unplanned):
        return empty._replace(unplanned=found)
    if found is None or workload.max is None:
        return empty._replace(
            unplanned=Unplanned(
                "no demand profile (demand.hourly or demand.file)", False, workload.path
            )
        )
    if workload.per_pod is None:
        return empty._replace(
            unplanned=Unplanned("capacity.per_pod is needed with a demand", True, workload.path)
        )
    group = cluster.node_groups.get(workload.node_group or "")
    zones = _zones(architecture, cluster.vpc, group.subnets) if group else ()
    needed = _needed(found.values, workload.per_pod, workload.target_utilization)
    required, pods = tasks_per_hour(
        needed, workload.min or 0, workload.max, len(zones), workload.survive_az_loss
    )
    return WorkloadPlan(workload, None, found, required, pods)


def plan_node_group(
    architecture: Architecture,
    cluster: Cluster,
    group: NodeGroup,
    workloads: Sequence[WorkloadPlan],
) -> NodeGroupPlan:
    empty = NodeGroupPlan(cluster, group, None, None, [], [], [])
    mine = [plan for plan in workloads if plan.workload.node_group == group.name]
    if any(plan.unplanned is not None for plan in mine) or not mine:
        reason = (
            "no workload with a demand or replicas" if not mine else "a workload is not planned"
        )
        return empty._replace(unplanned=Unplanned(reason, False, group.path))
    lengths = {len(plan.pods) for plan in mine if plan.workload.replicas is None}
    if len(lengths) > 1:
        return empty._replace(
            unplanned=Unplanned(
                f'the workloads on node group "{group.name}" have demand profiles of different lengths',
                True,
                group.path,
            )
        )
    hours = lengths.pop() if lengths else 1
    counts = [
        plan.pods if plan.workload.replicas is None else [plan.workload.replicas] * hours
        for plan in mine
    ]
    if group.min is None or group.max is None:
        return empty._replace(unplanned=Unplanned("min and max are needed", True, group.path))
    zones = max(len(_zones(architecture, cluster.vpc, group.subnets)), 1)
    limits = eni_limits()
    items = [Size(plan.workload.cpu or 0, plan.workload.memory or 0, 1) for plan in mine]
    capacities: list[tuple[str, Size]] = []
    for name in group.instance_types:
        spec = architecture.instance_specs.get(name)
        limit = limits.get(name)
        if spec is None or limit is None:
            why = "its vcpu and memory (instance_types)" if spec is None else "its network limits"
            return empty._replace(
                unplanned=Unplanned(
                    f"{name} cannot be packed: archplan lacks {why}", True, group.path
                )
            )
        most = max_pods(limit, cluster.networking, spec.vcpu)
        if group.max_pods is not None:
            most = min(most, group.max_pods)
        # The 2 of max pods that use the host network (aws-node, kube-proxy) are not requests.
        capacities.append((name, Size(spec.vcpu * 1000, spec.memory, max(most - 2, 1))))
    needed: list[int] = []
    chosen = capacities[0][0] if capacities else None
    memo: dict[tuple[int, ...], tuple[int, str] | None] = {}
    for hour in range(hours):
        key = tuple(pods[hour] for pods in counts)
        if key not in memo:
            memo[key] = _nodes_for(items, key, capacities, zones)
        found = memo[key]
        if found is None:
            return empty._replace(
                unplanned=Unplanned("a pod's requests do not fit a node", True, group.path)
            )
        needed.append(found[0])
        chosen = found[1]
    nodes = [group.min if n < group.min else group.max if n > group.max else n for n in needed]
    total = [sum(pods[hour] for pods in counts) for hour in range(hours)]
    return NodeGroupPlan(cluster, group, None, chosen, total, needed, nodes)


def _nodes_for(
    items: Sequence[Size], counts: Sequence[int], capacities: Sequence[tuple[str, Size]], zones: int
) -> tuple[int, str] | None:
    worst: tuple[int, str] | None = None
    shares = [spread(count, zones) for count in counts]
    for name, capacity in capacities:
        nodes = 0
        for zone in range(zones):
            found = instances_for(
                [(item, share[zone]) for item, share in zip(items, shares, strict=True)], capacity
            )
            if found is None:
                return None
            nodes += found
        if worst is None or nodes > worst[0]:
            worst = (nodes, name)
    return worst


# -- addresses --------------------------------------------------------------------------------


def _address_rows(
    architecture: Architecture,
    services: Sequence[ServicePlan],
    node_groups: Sequence[NodeGroupPlan],
    group_peaks: dict[str, int],
) -> tuple[AddressRow, ...]:
    """Each subnet's addresses with everything at its planned peak (what is not planned counts
    at its max, as validate counts it), and after the worst AZ loss for that subnet."""
    peaks = {plan.service.path: plan.peak for plan in services if plan.unplanned is None}
    node_peaks = {
        plan.group.path: plan for plan in node_groups if plan.unplanned is None and plan.nodes
    }
    planned: list[Consumer] = []
    for consumer in consumers(architecture):
        if consumer.path in peaks and consumer.each == 1 and consumer.units:
            tasks = peaks[consumer.path]
            consumer = consumer._replace(
                what=consumer.what.split(":")[0] + f": {tasks} tasks at the peak hour", units=tasks
            )
        elif consumer.path in node_peaks:
            plan = node_peaks[consumer.path]
            hour = plan.peak_hour
            nodes = plan.nodes[hour]
            on_node = ceil_div(plan.pods[hour], max(nodes, 1))
            limit = eni_limits().get(plan.instance_type or "")
            if limit is not None:
                node_ips, pod_ips = node_addresses(limit, on_node, plan.cluster.networking)
                pods_consumer = consumer.what.startswith("pods of")
                each = pod_ips if pods_consumer else node_ips
                consumer = consumer._replace(
                    what=consumer.what.split(":")[0]
                    + f": {nodes} nodes at the peak hour, {on_node} pods on each",
                    units=nodes,
                    each=each,
                )
        elif not consumer.container and consumer.path[:1] == ("scaling_groups",):
            name = str(consumer.path[1])
            if name in group_peaks:
                consumer = consumer._replace(
                    what=f'scaling group "{name}": {group_peaks[name]} instances at the peak hour',
                    units=group_peaks[name],
                )
        planned.append(consumer)
    up = {(load.subnet.vpc, load.subnet.name): load for load in loads_of(planned)}
    zones = sorted({subnet.az for c in planned for subnet in c.subnets if subnet.az})
    worst: dict[tuple[str, str], tuple[int, str]] = {}
    for zone in zones:
        for load in loads_of(planned, zone):
            key = (load.subnet.vpc, load.subnet.name)
            if key not in worst or load.needed > worst[key][0]:
                worst[key] = (load.needed, zone)
    rows = []
    for key, load in up.items():
        if not load.containers:
            continue
        lost = worst.get(key)
        after, worst_zone = (lost[0], lost[1]) if lost is not None else (load.needed, None)
        rows.append(AddressRow(load.subnet, load.usable, load.needed, after, worst_zone))
    return tuple(rows)


# -- everything -------------------------------------------------------------------------------


def plan_containers(
    architecture: Architecture,
    prices: ContainerPrices,
    base_dir: str,
    max_file_size: int,
    budget: DemandBudget | None = None,
    book: PriceBook | None = None,
) -> tuple[ContainerPlan, dict[str, tuple[list[int], str] | Unplanned]]:
    """The containers' plan, and for each scaling group that hosts EC2 services the units per
    hour its tasks need (or why they cannot be packed), for the groups' own plans. With the EC2
    price `book`, Fargate services are also priced on EC2, to compare."""
    services = tuple(
        _with_ec2(
            architecture,
            plan_service(architecture, service, prices, base_dir, max_file_size, budget),
            book,
        )
        for service in architecture.services.values()
    )
    functions = tuple(
        plan_function(architecture, function, prices, base_dir, max_file_size, budget)
        for function in architecture.functions.values()
    )
    workloads: list[WorkloadPlan] = []
    node_groups: list[NodeGroupPlan] = []
    for cluster in architecture.clusters.values():
        mine = [
            plan_workload(architecture, cluster, workload, base_dir, max_file_size, budget)
            for workload in cluster.workloads.values()
        ]
        workloads += mine
        node_groups += [
            plan_node_group(architecture, cluster, group, mine)
            for group in cluster.node_groups.values()
        ]
    hosted: dict[str, tuple[list[int], str] | Unplanned] = {}
    for group in architecture.scaling_groups.values():
        if group_services(architecture, group):
            found = provider_hours(architecture, group, services)
            if found is not None:
                hosted[group.name] = found
    services = tuple(
        _with_provider(plan, hosted.get(plan.service.capacity_provider or "")) for plan in services
    )
    plan = ContainerPlan(services, functions, tuple(workloads), tuple(node_groups), (), prices)
    return plan, hosted


def _with_ec2(architecture: Architecture, plan: ServicePlan, book: PriceBook | None) -> ServicePlan:
    if book is None or plan.service.launch_type != "fargate" or plan.unplanned is not None:
        return plan
    found = compare(architecture, plan.service, plan.tasks, len(plan.zones), book)
    return plan._replace(ec2=found)


def _with_provider(
    plan: ServicePlan, hosted: tuple[list[int], str] | Unplanned | None
) -> ServicePlan:
    if plan.service.launch_type != "ec2" or hosted is None or isinstance(hosted, Unplanned):
        return plan
    return plan._replace(provider_units=hosted[0], provider_type=hosted[1])


def with_addresses(
    architecture: Architecture, plan: ContainerPlan, group_peaks: dict[str, int]
) -> ContainerPlan:
    """The plan with its address rows, once the groups' peaks are known."""
    rows = _address_rows(architecture, plan.services, plan.node_groups, group_peaks)
    return plan._replace(addresses=rows)
