"""The containers' part of the `scale-plan` report: ECS services, Lambda functions, EKS node
groups and subnet addresses, as JSON data and as terminal text beside the scaling groups."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from archplan.capacity.arith import ceil_div
from archplan.capacity.container_plans import (
    AddressRow,
    ContainerPlan,
    FunctionPlan,
    NodeGroupPlan,
    ServicePlan,
    Unplanned,
)
from archplan.capacity.containers import spot_tasks
from archplan.capacity.cost import HOURS_PER_MONTH, usd
from archplan.capacity.demand import Profile
from archplan.money import dollars, rate
from archplan.reports.terminal import print_simple_table, printable, table_fits, wrap

if TYPE_CHECKING:
    from rich.console import Console

ASSUMPTIONS = (
    "Services and workloads: tasks (pods) = ceil(demand / (per_task x target_utilization / "
    "100)) per hour, N+1 over the AZs of their subnets as for groups, clamped to min..max.",
    "EC2 services: tasks spread evenly over the capacity provider group's AZs and packed per AZ "
    "by CPU, memory and awsvpc interfaces (first fit decreasing) onto the group's type needing "
    "the most capacity units; those units are added to the group's own each hour.",
    "Fargate: tasks x (vCPU x vCPU-hour + GB x GB-hour) per hour; fargate_spot_percent of the "
    "tasks, rounded down, at the Spot discount (shipped: AWS's advertised maximum, 70 %, so a "
    "lower bound on Spot cost). EC2 services are priced on the smallest Fargate size that "
    "holds their task, to compare.",
    "Fargate services on EC2, to compare: the same tasks spread over the service's AZs and "
    "packed per AZ onto the cheapest type over the profile among those with a declared "
    "capacity (instance_types:) and an On-Demand price, of the service's architecture; "
    "On-Demand only, no Spot or commitment.",
    "Lambda: concurrency = ceil(requests/s x duration) with the p95 duration when given (AWS's "
    "sizing formula); GB-seconds = requests x average duration x memory / 1024; the free tier "
    "and provisioned concurrency charges are not counted.",
    "EKS: pods packed per AZ by CPU and memory requests and max pods less the 2 host-network "
    "pods; addresses per node by the VPC CNI's warm pool settings.",
    "Addresses: each subnet's share of everything at its peak hour (the fullest subnet holds "
    "ceil(units / subnets)), and with the AZ lost that is worst for it; deployments that surge "
    "above the desired count need more.",
)


def _money(value: Fraction | None) -> str | None:
    return usd(value) if value is not None else None


def _month(value: Fraction, hours: int) -> Fraction:
    return value * HOURS_PER_MONTH / hours if hours else Fraction(0)


def _unplanned(unplanned: Unplanned | None) -> dict[str, Any] | None:
    if unplanned is None:
        return None
    return {"reason": unplanned.reason, "input_error": unplanned.input_error}


def _start(profile: Profile | None, hour: int) -> str | None:
    start = profile.hour_start(hour) if profile is not None else None
    return start.strftime("%Y-%m-%dT%H:%M:%SZ") if start is not None else None


def _exact(value: Fraction) -> str:
    """A count that may be fractional (requests/s × seconds): whole when it is."""
    return str(value.numerator) if value.denominator == 1 else usd(value)


def _grouped(value: Fraction) -> str:
    """A count for people to read, exact as the JSON writes it, with thousands separators as
    money has: 24,516,000; 551,610; 1,234.5."""
    whole, _, fraction = _exact(value).partition(".")
    fraction = fraction.rstrip("0")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}" + (f".{fraction}" if fraction else "")


def _starts(profile: Profile, hours: int) -> list[str]:
    """Each hour's start as JSON: null for hourly demand, else the quoted ISO time."""
    if profile.start is None:
        return ["null"] * hours
    return [f'"{_start(profile, hour)}"' for hour in range(hours)]


def _numbers(values: Sequence[Decimal]) -> list[str]:
    """_number of each value, each distinct value formatted once."""
    shown: dict[Decimal, str] = {}
    return [shown.get(value) or shown.setdefault(value, _number(value)) for value in values]


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def _ec2_to_dict(plan: ServicePlan) -> dict[str, Any] | None:
    """A Fargate service's tasks on EC2 instead: the cheapest declared, priced type."""
    compared = plan.ec2
    if compared is None:
        return None
    described: dict[str, Any] = {
        "candidates": list(compared.candidates),
        "not_compared": compared.reason,
        "instance_type": None,
    }
    chosen = compared.chosen
    if chosen is not None:
        hours = len(plan.tasks)
        described |= {
            "instance_type": chosen.instance_type,
            "instance_cpu": chosen.capacity.cpu,
            "instance_memory": chosen.capacity.memory,
            "tasks_per_instance": chosen.per_instance,
            "limited_by": chosen.limited_by,
            "on_demand": str(chosen.on_demand),
            "price_source": chosen.price_source,
            "instance_hours": chosen.instance_hours,
            "peak_instances": chosen.peak_instances,
            "total": usd(chosen.total),
            "per_month": usd(_month(chosen.total, hours)),
        }
    return described


def service_to_dict(plan: ServicePlan) -> dict[str, Any]:
    service = plan.service
    described: dict[str, Any] = {
        "name": service.name,
        "launch_type": service.launch_type,
        "capacity_provider": service.capacity_provider,
        "cpu": service.cpu,
        "memory": service.memory,
        "network_mode": service.network_mode,
        "zones": list(plan.zones),
        "min": service.min,
        "max": service.max,
        "planned": plan.unplanned is None,
        "not_planned": _unplanned(plan.unplanned),
        "ok": plan.ok,
        "peak_tasks": plan.peak,
        "short_hours": plan.short_hours,
        "provider_type": plan.provider_type,
        "peak_provider_units": max(plan.provider_units) if plan.provider_units else None,
        "fargate": None,
        "ec2": _ec2_to_dict(plan),
        "hours": [],
    }
    hours = len(plan.tasks)
    if plan.fargate is not None:
        fargate = plan.fargate
        described["fargate"] = {
            "billed_cpu": fargate.cpu,
            "billed_memory": fargate.memory,
            "task_hour": usd(fargate.task_hour),
            "spot_discount": str(fargate.spot_discount),
            "on_demand_task_hours": fargate.on_demand_task_hours,
            "spot_task_hours": fargate.spot_task_hours,
            "total": usd(fargate.total),
            "per_month": usd(_month(fargate.total, hours)),
            "all_on_demand": usd(fargate.all_on_demand),
            "comparison_only": service.launch_type != "fargate",
        }
    if plan.profile is not None:
        percent = service.fargate_spot_percent if service.launch_type == "fargate" else 0
        starts = _starts(plan.profile, hours)
        demand = _numbers(plan.profile.values)
        units = plan.provider_units
        # Each row written as json.dumps writes it (a test compares the two), without
        # building a dict per hour: a year of 50 services is 438,000 rows.
        described["hours"] = [
            f'{{"hour": {hour}, "start": {starts[hour]}, "demand": "{demand[hour]}", '
            f'"needed": {plan.needed[hour]}, "required": {plan.required[hour]}, '
            f'"tasks": {plan.tasks[hour]}, "spot_tasks": {spot_tasks(plan.tasks[hour], percent)}, '
            f'"provider_units": {units[hour] if units else "null"}}}'
            for hour in range(hours)
        ]
    return described


def function_to_dict(plan: FunctionPlan) -> dict[str, Any]:
    function = plan.function
    hours = len(plan.concurrency)
    cost = plan.cost
    described: dict[str, Any] = {
        "name": function.name,
        "region": function.region,
        "memory": function.memory,
        "architecture": function.architecture,
        "planned": plan.unplanned is None,
        "not_planned": _unplanned(plan.unplanned),
        "ok": plan.ok,
        "peak_concurrency": plan.peak,
        "available_concurrency": plan.available,
        "throttled_hours": plan.throttled_hours,
        "requests": _exact(plan.requests),
        "gb_seconds": usd(plan.gb_seconds),
        "duration_cost": _money(plan.duration_cost),
        "request_cost": _money(plan.request_cost),
        "total": _money(cost),
        "per_month": _money(_month(cost, hours)) if cost is not None else None,
        "hours": [],
    }
    if plan.profile is not None:
        starts = _starts(plan.profile, hours)
        rates = _numbers(plan.profile.values)
        described["hours"] = [
            f'{{"hour": {hour}, "start": {starts[hour]}, "requests_per_second": "{rates[hour]}", '
            f'"concurrency": {plan.concurrency[hour]}}}'
            for hour in range(hours)
        ]
    return described


def node_group_to_dict(plan: NodeGroupPlan) -> dict[str, Any]:
    return {
        "cluster": plan.cluster.name,
        "name": plan.group.name,
        "instance_type": plan.instance_type,
        "min": plan.group.min,
        "max": plan.group.max,
        "planned": plan.unplanned is None,
        "not_planned": _unplanned(plan.unplanned),
        "ok": plan.ok,
        "peak_nodes": max(plan.nodes, default=0),
        "short_hours": plan.short_hours,
        "hours": [
            f'{{"hour": {hour}, "pods": {plan.pods[hour]}, "needed": {plan.needed[hour]}, '
            f'"nodes": {nodes}}}'
            for hour, nodes in enumerate(plan.nodes)
        ],
    }


def address_to_dict(row: AddressRow) -> dict[str, Any]:
    return {
        "vpc": row.subnet.vpc,
        "subnet": row.subnet.name,
        "az": row.subnet.az,
        "usable": row.usable,
        "peak": row.peak,
        "after_az_loss": row.after_loss,
        "lost_zone": row.lost_zone,
        "ok": row.ok,
    }


def containers_to_dict(plan: ContainerPlan) -> dict[str, Any]:
    """The JSON document's `containers`; each `hours` entry is a row already encoded as JSON
    text (render_json splices them in, one per line)."""
    return {
        "ok": plan.ok,
        "services": [service_to_dict(found) for found in plan.services],
        "functions": [function_to_dict(found) for found in plan.functions],
        "node_groups": [node_group_to_dict(found) for found in plan.node_groups],
        "addresses": [address_to_dict(row) for row in plan.addresses],
        "prices": {
            key: {"price": str(priced.value), "source": priced.source, "date": priced.date}
            for key, priced in plan.prices.sources().items()
        },
        "assumptions": list(ASSUMPTIONS),
    }


# -- text -------------------------------------------------------------------------------------


def _say(console: Console, text: str, style: str | None = None) -> None:
    """One line of prose wrapped to the report's width with the groups' hanging indent; names
    come from the user's file, so control characters are escaped."""
    from rich.text import Text

    for line in wrap(printable(text), console.width):
        console.print(Text(line, style=style or ""))


def _chart(console: Console, rows: Sequence[tuple[str, Sequence[int], str]], top: int) -> None:
    from rich.text import Text

    from archplan.reports.scale_plan_text import CHART_COLUMNS, _columns, _spark

    hours = len(rows[0][1]) if rows else 0
    if not hours:
        return
    per_column = ceil_div(hours, CHART_COLUMNS)
    scale = "1 column = 1 hour" if per_column == 1 else f"1 column = {per_column} hours (largest)"
    _say(console, f"  By hour ({scale}; full height = {top}):")
    for label, values, style in rows:
        console.print(
            Text.assemble(f"    {label:<13}", (_spark(_columns(values, per_column), top), style))
        )


def _result(console: Console, ok: bool, detail: str, bad: str) -> None:
    from rich.text import Text

    state, style = ("OK", "green") if ok else (bad, "bold red")
    for line in wrap(f"  Result: {state}{printable(detail)}", console.width):
        styled = Text(line)
        styled.highlight_words([state], style)
        console.print(styled)


def _print_service(console: Console, file_name: str, plan: ServicePlan) -> None:
    service = plan.service
    _say(console, f'{file_name}: service "{service.name}"', "bold underline")
    if plan.unplanned is not None:
        style = "red" if plan.unplanned.input_error else None
        _say(console, f"  Not planned: {plan.unplanned.reason}", style)
        return
    where = (
        f"Fargate ({service.fargate_spot_percent} % on Fargate Spot)"
        if service.launch_type == "fargate"
        else f'EC2 on scaling group "{service.capacity_provider}"'
    )
    _say(
        console,
        f"  {where}; task {service.cpu} CPU units, {service.memory} MiB, {service.network_mode}; "
        f"{len(plan.zones)} AZs; min {service.min}, max {service.max}",
    )
    if plan.profile is not None and plan.profile.values:
        peak = max(plan.profile.values)
        unit = f" {service.demand.unit}" if service.demand.unit else ""
        _say(
            console,
            f"  Demand: {len(plan.tasks)} hours, peak {_number(peak)}{unit} at hour "
            f"{plan.profile.values.index(peak)}; a task serves {service.per_task} at 100 %, "
            f"target {service.target_utilization} %",
        )
    if service.survive_az_loss:
        _say(console, f"  N+1: enough tasks with any one of {len(plan.zones)} AZs lost")
    short = plan.short_hours
    _result(
        console,
        plan.ok,
        f": tasks {min(plan.tasks, default=0)}..{plan.peak}"
        + (f", short of max in {short} hours" if short else ", no hour short"),
        "UNDER-PROVISIONED" if short else "CANNOT SURVIVE AN AZ LOSS",
    )
    top = max((service.max or 0), max(plan.required, default=0))
    rows = [("needed", plan.needed, "cyan")]
    if plan.required != plan.needed:
        rows.append(("N+1", plan.required, "blue"))
    rows.append(("tasks", plan.tasks, "green"))
    _chart(console, rows, top)
    if plan.provider_units is not None:
        _say(
            console,
            f"  Capacity provider: up to {max(plan.provider_units)} units of {plan.provider_type} "
            f'for the tasks on "{service.capacity_provider}" (packed by CPU, memory and '
            "interfaces; counted in its plan)",
        )
    if plan.fargate is not None:
        fargate = plan.fargate
        hours = len(plan.tasks)
        label = "Fargate" if service.launch_type == "fargate" else "On Fargate instead"
        spot = (
            f", {fargate.spot_task_hours} on Spot at {_exact(fargate.spot_discount * 100)} % off"
            if fargate.spot_task_hours
            else ""
        )
        _say(
            console,
            f"  {label}: {fargate.cpu} CPU units / {fargate.memory} MiB at "
            f"{rate(fargate.task_hour)} per task-hour; {fargate.on_demand_task_hours} On-Demand "
            f"task-hours{spot}: {dollars(fargate.total)} for the profile, "
            f"{dollars(_month(fargate.total, hours))} per month (all On-Demand "
            f"{dollars(_month(fargate.all_on_demand, hours))})",
        )
    _print_ec2(console, plan)


def _print_ec2(console: Console, plan: ServicePlan) -> None:
    compared = plan.ec2
    if compared is None:
        return
    chosen = compared.chosen
    if chosen is None:
        _say(console, f"  On EC2 instead: not compared: {compared.reason}")
        return
    hours = len(plan.tasks)
    others = len(compared.candidates) - 1
    why = (
        f"the cheapest of {len(compared.candidates)} declared, priced types"
        if others
        else ("the only declared, priced type")
    )
    _say(
        console,
        f"  On EC2 instead: {chosen.instance_type} ({why}), {chosen.per_instance} tasks each (by "
        f"{chosen.limited_by}), "
        f"{rate(Fraction(chosen.on_demand))} per instance-hour On-Demand; "
        f"{chosen.instance_hours} instance-hours, up to {chosen.peak_instances} at once: "
        f"{dollars(chosen.total)} for the profile, {dollars(_month(chosen.total, hours))} per "
        "month",
    )


def _print_function(console: Console, file_name: str, plan: FunctionPlan) -> None:
    function = plan.function
    _say(console, f'{file_name}: function "{function.name}"', "bold underline")
    if plan.unplanned is not None:
        style = "red" if plan.unplanned.input_error else None
        _say(console, f"  Not planned: {plan.unplanned.reason}", style)
        return
    sizing = (
        f"; concurrency sized on p95 duration {function.duration_p95} ms"
        if function.duration_p95 is not None
        else "; concurrency sized on it (no p95 given)"
    )
    _say(
        console,
        f"  Lambda {function.architecture}, {function.memory} MB; average duration "
        f"{function.duration_average} ms{sizing}; can get {plan.available} "
        + ("(reserved)" if function.reserved_concurrency is not None else "(unreserved pool)"),
    )
    throttled = plan.throttled_hours
    _result(
        console,
        plan.ok,
        f": peak concurrency {plan.peak} of {plan.available}"
        + (f", throttled in {throttled} hours" if throttled else ""),
        "THROTTLED",
    )
    _chart(
        console,
        [("concurrency", plan.concurrency, "green")],
        max(plan.available, plan.peak),
    )
    cost = plan.cost
    hours = len(plan.concurrency)
    if cost is not None and plan.duration_cost is not None and plan.request_cost is not None:
        _say(
            console,
            f"  Cost: {_grouped(plan.gb_seconds)} GB-seconds {dollars(plan.duration_cost)} + "
            f"{_grouped(plan.requests)} requests "
            f"{dollars(plan.request_cost)} = {dollars(cost)} for the profile, "
            f"{dollars(_month(cost, hours))} per month",
        )


def _print_node_group(console: Console, file_name: str, plan: NodeGroupPlan) -> None:
    _say(
        console,
        f'{file_name}: node group "{plan.group.name}" of cluster "{plan.cluster.name}"',
        "bold underline",
    )
    if plan.unplanned is not None:
        style = "red" if plan.unplanned.input_error else None
        _say(console, f"  Not planned: {plan.unplanned.reason}", style)
        return
    short = plan.short_hours
    _result(
        console,
        plan.ok,
        f": nodes {min(plan.nodes, default=0)}..{max(plan.nodes, default=0)} of "
        f"{plan.instance_type}, pods up to {max(plan.pods, default=0)}"
        + (f", short of max in {short} hours" if short else ""),
        "UNDER-PROVISIONED",
    )
    _chart(
        console,
        [("nodes needed", plan.needed, "cyan"), ("nodes", plan.nodes, "green")],
        max(plan.group.max or 0, max(plan.needed, default=0)),
    )


def _print_addresses(console: Console, file_name: str, rows_in: Sequence[AddressRow]) -> None:
    _say(console, f"{file_name}: subnet addresses at the peak hour", "bold underline")
    rows = []
    prose: list[tuple[str, bool]] = []
    for row in rows_in:
        lost = f"{row.after_loss} ({row.lost_zone} lost)" if row.lost_zone else str(row.after_loss)
        mark = (
            ": OUT OF ADDRESSES"
            if row.peak > row.usable
            else ": out of addresses after the AZ loss"
            if not row.ok
            else ""
        )
        cells = (row.subnet.name, row.subnet.az or "", str(row.usable), str(row.peak), lost + mark)
        rows.append(tuple(printable(cell) for cell in cells))
        after = (
            f"; {row.after_loss} after losing {row.lost_zone}"
            if row.lost_zone
            else f"; {row.after_loss} after an AZ loss"
        )
        zone = f" ({row.subnet.az})" if row.subnet.az else ""
        line = f"    {row.subnet.name}{zone}: {row.usable} usable, {row.peak} used at the peak"
        prose.append((line + after + mark, row.ok))
    columns = [("subnet", False), ("AZ", False), ("usable", True), ("peak", True)]
    columns.append(("after AZ loss", False))
    if table_fits(console, columns, rows):
        print_simple_table(console, columns, rows)
        return
    for line, ok in prose:  # narrower than the table: one wrapped line a subnet, none folded
        _say(console, line, None if ok else "red")


def print_containers(console: Console, file_name: str, plan: ContainerPlan) -> None:
    """The containers' sections of the text report (after the groups')."""
    for service in plan.services:
        console.print()
        _print_service(console, file_name, service)
    for function in plan.functions:
        console.print()
        _print_function(console, file_name, function)
    for group in plan.node_groups:
        console.print()
        _print_node_group(console, file_name, group)
    if plan.addresses:
        console.print()
        _print_addresses(console, file_name, plan.addresses)


def print_sources(console: Console, plan: ContainerPlan) -> None:
    # The values as the sources give them: Lambda's per-GB-second prices have more digits than
    # `rate` keeps, and the Spot discount is a fraction, not money.
    _say(console, "Fargate and Lambda prices in dollars as shipped (spot_discount a fraction):")
    for key, priced in plan.prices.sources().items():
        dated = f", {priced.date}" if priced.date else ""
        _say(console, f"  {key} {priced.value}: {priced.source}{dated}")
    _say(console, "Assumptions for services, functions and node groups:")
    for assumption in ASSUMPTIONS:
        _say(console, f"  - {assumption}")
