"""The `scale-plan` text report: a Rich terminal report per group (status, demand chart, capacity
mix, cost, findings), the pooled commitments and the footer with price sources and assumptions.

The JSON report and the renderers' table are archplan.reports.scale_plan; Rich is imported here
only, so the JSON path never loads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from archplan.capacity.arith import ceil_div
from archplan.capacity.cost import HOURS_PER_MONTH, per_month, percent
from archplan.capacity.plan import GroupPlan, ScalePlan
from archplan.capacity.pool import Pool
from archplan.capacity.tracking import Choice, choose
from archplan.money import dollars
from archplan.money import rate as rate_text
from archplan.prices import PriceBook
from archplan.regions import describe
from archplan.reports.scale_findings import (
    ASSUMPTIONS,
    ERROR,
    WARNING,
    Finding,
    group_findings,
    pool_findings,
)
from archplan.reports.scale_plan import number
from archplan.reports.terminal import DEFAULT_WIDTH, print_simple_table, printable, wrap

if TYPE_CHECKING:
    from rich.console import Console


def quantity(value: Decimal) -> str:
    """An exact decimal for a sentence: no exponent, no trailing zeros (34.00 -> 34)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


BLOCKS = " ▁▂▃▄▅▆▇█"
CHART_COLUMNS = 96  # a longer profile is drawn one column per several hours (their largest)


NOTHING_TO_PLAN = (
    "nothing to plan (no scaling_groups, services, functions or kubernetes node_groups: "
    "the sections scale-plan plans)"
)


def render_text(
    plan: ScalePlan, file_name: str, color: bool = False, width: int = DEFAULT_WIDTH
) -> str:
    """The report laid out for `width` columns: prose wrapped with a hanging indent, tables
    shrunk, the demand chart folded into as many columns as fit."""
    import io

    from archplan.reports.terminal import report_console

    buffer = io.StringIO()
    console = report_console(buffer, color, width)
    containers = plan.containers if plan.containers and not plan.containers.empty else None
    if not plan.groups and containers is None:
        # Nothing was planned, so no price, assumption or source applies: one line says so.
        _say(console, f"{file_name}: {NOTHING_TO_PLAN}")
        return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
    for position, group in enumerate(plan.groups):
        if position:
            console.print()
        _print_group(console, file_name, group, plan.book)
    for pool in plan.pools:
        console.print()
        _print_pool(console, pool)
    if containers is not None:
        from archplan.reports.scale_plan_containers import print_containers, print_sources

        print_containers(console, file_name, containers)
    console.print()
    _print_footer(console, plan.book)
    if containers is not None:
        print_sources(console, containers)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _say(console: Console, text: str, style: str | None = None) -> None:
    """Print one line; names come from the user's file, so control characters are escaped."""
    from rich.text import Text

    for line in wrap(printable(text), console.width):
        console.print(Text(line, style=style or ""))


def _print_group(console: Console, file_name: str, plan: GroupPlan, book: PriceBook) -> None:
    group = plan.group
    _say(console, f'{file_name}: scaling group "{group.name}"', "bold underline")
    if not plan.planned:
        style = "red" if plan.input_error else None
        _say(console, f"  Not planned: {plan.reason}", style)
        return
    assert plan.profile is not None
    profile = plan.profile
    unit = f" {group.demand_unit}" if group.demand_unit else ""
    zones = f"{len(plan.zones)} AZ" + ("" if len(plan.zones) == 1 else "s")
    if plan.zones_mixed:  # every zone written; the count is the fewest they can be
        zones = f"at least {zones}: {describe(plan.zones_written)}"
    elif plan.zones:
        zones += f" ({', '.join(plan.zones)})"
    types = ", ".join(
        name if weight == 1 else f"{name} (weight {weight})"
        for name, weight in group.instance_types.items()
    )
    vpc = f"VPC {group.vpc}" if group.vpc is not None else "no VPC"
    _say(console, f"  {vpc} in {plan.region or 'an unknown Region'}, {zones}; {types}")
    if group.per_unit is None:  # a capacity provider sized by its ECS tasks alone
        _say(
            console,
            f"  Capacity: sized by the ECS tasks packed onto it, {plan.hours} hours; "
            f"min {plan.minimum}, max {plan.maximum}",
        )
        _print_tail(console, plan, book)
        return
    peak = max(profile.values)
    if profile.origin == "file":
        start = profile.hour_start(0)
        origin = (
            f"{profile.file} ({profile.format}"
            + (f", {profile.statistic}" if profile.statistic else "")
            + f", {profile.points} points"
            + (f", from {start:%Y-%m-%d %H:00} UTC" if start is not None else "")
            + ")"
        )
    else:
        origin = "demand.hourly"
    _say(
        console,
        f"  Demand: {plan.hours} hour{'s' if plan.hours != 1 else ''} from {origin}; peak {number(peak)}{unit} "
        f"at hour {profile.values.index(peak)}",
    )
    at_target = group.per_unit * group.target_utilization / 100
    _say(
        console,
        f"  Capacity: a unit serves {number(group.per_unit)}{unit} at 100 %, "
        f"{number(at_target)} at the {group.target_utilization} % target; "
        f"min {plan.minimum}, max {plan.maximum}",
    )
    if group.survive_az_loss:
        if plan.az_loss_possible:
            count = len(plan.zones)
            fewest = (
                " (at least: AZ names and IDs may be the same zone)" if plan.zones_mixed else ""
            )
            _say(
                console,
                f"  N+1: enough with any one of {count} AZs lost{fewest}: "
                f"ceil(needed x {count} / {count - 1}) units",
            )
        else:
            fewer = (
                "one certain AZ (AZ names and IDs may be the same zone)"
                if plan.zones_mixed
                else "fewer than two AZs"
            )
            if plan.zones_known:
                _say(console, f"  N+1: asked, but impossible with {fewer}", "red")
            else:
                _say(console, "  N+1: asked, but not planned: a subnet's AZ is not known")
    _say(console, _policy_line(plan))
    _print_tail(console, plan, book)


def _print_tail(console: Console, plan: GroupPlan, book: PriceBook) -> None:
    _print_status(console, plan)
    _print_chart(console, plan)
    _print_mix(console, plan)
    _print_cost(console, plan)
    _print_findings(console, group_findings(plan, book))


def _print_status(console: Console, plan: GroupPlan) -> None:
    from rich.text import Text

    low, high = min(plan.capacity), max(plan.capacity)
    short = plan.under_provisioned_hours
    if plan.ok:
        state, style = "OK", "green"
        detail = f": capacity {low}..{high} units, no hour short of capacity"
    elif short:
        state, style = "UNDER-PROVISIONED", "bold red"
        detail = f" in {short} of {plan.hours} hours (capacity {low}..{high} units)"
    else:
        state, style = "CANNOT SURVIVE AN AZ LOSS", "bold red"
        detail = f" (capacity {low}..{high} units)"
    for line in wrap(f"  Result: {state}{printable(detail)}", console.width):
        styled = Text(line)
        styled.highlight_words([state], style)
        console.print(styled)


def _columns(values: Sequence[int], width: int) -> list[int]:
    return [max(values[start : start + width]) for start in range(0, len(values), width)]


def _spark(values: Sequence[int], top: int) -> str:
    steps = len(BLOCKS) - 1
    return "".join(
        BLOCKS[min(steps, ceil_div(value * steps, top))] if top > 0 else BLOCKS[0]
        for value in values
    )


def _print_chart(console: Console, plan: GroupPlan) -> None:
    """Bars of the units needed, needed with N+1, capacity and, when some hour is short, the
    shortfall, one column per hour or, when the hours do not fit the width, per several hours
    (the largest of them), with an hour axis under them."""
    from rich.text import Text

    hours = plan.hours
    room = max(8, min(CHART_COLUMNS, console.width - len(_GUTTER)))
    per_column = ceil_div(hours, room)
    top = max(plan.maximum, max(plan.required))
    scale = "1 column = 1 hour" if per_column == 1 else f"1 column = {per_column} hours (largest)"
    _say(console, f"  Units by hour ({scale}; full height = {top} units):")
    rows = [("needed", plan.needed, "cyan")]
    if plan.required is not plan.needed:
        rows.append(("N+1", plan.required, "blue"))
    rows.append(("capacity", plan.capacity, "green"))
    shortfall = [
        max(0, need - have) for need, have in zip(plan.required, plan.capacity, strict=True)
    ]
    if any(shortfall):  # the missing units as bars of their own, not only a marker
        rows.append(("short", shortfall, "red"))
    for label, values, style in rows:
        console.print(
            Text.assemble(f"    {label:<9}", (_spark(_columns(values, per_column), top), style))
        )
    marks = []
    required, maximum, minimum = plan.required, plan.maximum, plan.minimum
    for start in range(0, hours, per_column):
        # max and min of the window (C loops) decide the same as looking at each hour.
        window = required[start : start + per_column]
        if max(window) > maximum:
            marks.append("!")
        elif min(window) < minimum:
            marks.append(".")
        else:
            marks.append(" ")
    if any(mark != " " for mark in marks):
        console.print(
            Text.assemble(
                "    hours    ", Text("".join(marks), style="red" if "!" in marks else "dim")
            )
        )
        _say(console, "    (! short of capacity within max, . idle: min above what is needed)")
    columns = ceil_div(hours, per_column)
    if columns > 1:
        _say(console, "    hour     " + _axis(columns, per_column))


_GUTTER = "             "  # "    capacity " : the bars start after it


def _axis(columns: int, per_column: int) -> str:
    """Hour numbers under the bars: the first hour of every column that starts a label, at
    least two blanks apart, on round hours (multiples of 6 columns when one column is one hour)."""
    axis = [" "] * columns
    step = 6
    hour_label = [str(column * per_column) for column in range(columns)]
    column = 0
    while column < columns:
        label = hour_label[column]
        if column + len(label) <= columns:
            axis[column : column + len(label)] = label
        column += max(step, len(label) + 2)
    return "".join(axis)


MIX_LISTED = 40  # capacity levels listed; the JSON report has them all


def _print_mix(console: Console, plan: GroupPlan) -> None:

    group = plan.group
    purchase = group.purchase
    percentage = f"{plan.percentage} %" + (
        "" if purchase.on_demand_percentage_above_base is not None else " (AWS default)"
    )
    strategy = purchase.spot_allocation_strategy or "not set (AWS default lowest-price)"
    pricing = plan.pricing
    off = f" at {quantity(pricing.discount.value * 100)} % off" if pricing is not None else ""
    setting = "auto, chose" if purchase.commitment == "auto" else "given:"
    chosen = f"{setting} {plan.commitment} units of {purchase.commitment_type}{off}"
    if plan.pooled:
        chosen = f"auto, shared with other groups (one {purchase.commitment_type}, below)"
    _say(
        console,
        f"  Purchase mix: On-Demand base {purchase.on_demand_base}, {percentage} On-Demand above "
        f"it, Spot strategy {strategy}; commitment {chosen}",
    )
    titles = ("capacity", "hours", "committed", "On-Demand", "Spot", "per hour")
    levels: dict[int, int] = {}
    for level in plan.capacity:
        levels[level] = levels.get(level, 0) + 1
    costs = pricing.hour_costs if pricing is not None else {}
    rows = []
    for level in sorted(levels)[:MIX_LISTED]:
        mix = plan.splits[level]
        cost = costs.get(level)
        rows.append(
            (
                str(level),
                str(levels[level]),
                str(mix.committed),
                str(mix.on_demand),
                str(mix.spot),
                dollars(cost) if cost is not None else "-",
            )
        )
    print_simple_table(console, [(title, True) for title in titles], rows)
    if len(levels) > MIX_LISTED:
        _say(console, f"    ... and {len(levels) - MIX_LISTED} more levels (--format json)")


def _print_cost(console: Console, plan: GroupPlan) -> None:

    pricing = plan.pricing
    if pricing is None or pricing.costs is None or pricing.cheapest_costs is None:
        _say(console, "  Cost: not computed (no instance type has a price)", "yellow")
        return
    assert pricing.dearest is not None and pricing.cheapest is not None
    dearest, cheapest = pricing.dearest, pricing.cheapest
    _say(
        console,
        f"  Cost (totals at the dearest unit rates: On-Demand {dearest.on_demand_type} "
        f"{rate_text(dearest.on_demand)}, Spot {dearest.spot_type} {rate_text(dearest.spot)}, committed "
        f"{rate_text(dearest.committed)} per unit-hour):",
    )
    hours = plan.hours
    costs = pricing.costs
    columns = [
        ("", False),
        (f"{hours}-hour profile", True),
        (f"per month ({HOURS_PER_MONTH} h)", True),
    ]
    rows = [
        (label, dollars(value), dollars(per_month(value, hours)))
        for label, value in (
            ("commitment", costs.committed),
            ("On-Demand", costs.on_demand),
            ("Spot", costs.spot),
            ("total", costs.total),
            ("all On-Demand", costs.all_on_demand),
        )
    ]
    saving = f" ({percent(costs.saving, costs.all_on_demand)} %)"
    rows.append(("saving", dollars(costs.saving) + saving, dollars(per_month(costs.saving, hours))))
    print_simple_table(console, columns, rows)
    low = per_month(pricing.cheapest_costs.total, hours)
    high = per_month(costs.total, hours)
    if low != high:
        _say(
            console,
            f"    range per month: {dollars(low)} (cheapest per unit: On-Demand "
            f"{cheapest.on_demand_type}, Spot {cheapest.spot_type}) to {dollars(high)} (dearest)",
        )
    if plan.commitment:
        _say(
            console,
            f"    commitment: {plan.commitment} units = "
            f"{rate_text(plan.commitment * dearest.committed)} per hour of {plan.group.purchase.commitment_type}; discount "
            f"{quantity(pricing.discount.value * 100)} % from {pricing.discount.source}",
        )
    for rate in pricing.types:
        spot = (
            f"Spot {rate_text(rate.price.spot)}"
            if rate.price.spot is not None
            else "Spot at the On-Demand price"
        )
        dated = f", {rate.price.date}" if rate.price.date else ""
        weight = f" / weight {rate.weight}" if rate.weight != 1 else ""
        _say(
            console,
            f"    {rate.instance_type}: On-Demand {rate_text(rate.price.on_demand)}, {spot} per "
            f"hour{weight}; from {rate.price.source}{dated}",
        )


def _print_findings(console: Console, findings: tuple[Finding, ...]) -> None:
    if not findings:
        return
    _say(console, "  Findings:")
    for finding in findings:
        style = (
            "red"
            if finding.severity == ERROR
            else "yellow"
            if finding.severity == WARNING
            else None
        )
        _say(console, f"    {finding.severity:<7} {finding.code}: {finding.message}", style)


def _print_pool(console: Console, pool: Pool) -> None:
    where = (
        "any family, any Region"
        if not pool.key.families
        else f"family {'+'.join(pool.key.families)} in {pool.key.region or 'an unknown Region'}"
    )
    _say(
        console,
        f"Shared commitment ({pool.key.commitment_type}, {where}): " + ", ".join(pool.groups),
    )
    _say(
        console,
        f"  buy {rate_text(pool.per_hour)} per hour, covering {rate_text(pool.covered)} of "
        f"On-Demand spend per hour (peak {rate_text(pool.peak)}); discount "
        f"{quantity(pool.discount * 100)} %",
    )
    _say(
        console,
        f"  On-Demand part per month: {dollars(per_month(pool.cost, pool.hours))} shared, "
        f"{dollars(per_month(pool.separate_cost, pool.hours))} with one commitment per group, "
        f"{dollars(per_month(pool.all_on_demand, pool.hours))} with none",
    )
    _print_findings(console, pool_findings(pool))


def _print_footer(console: Console, book: PriceBook) -> None:
    sources = []
    if book.option is not None:
        sources.append(f"--prices {book.option_name} ({book.option.source or 'no source given'})")
    if book.file is not None:
        sources.append(f"the file's prices ({book.file.source or 'no source given'})")
    sources.append(book.shipped.label)
    _say(console, "Prices, first that has the type: " + "; then ".join(sources))
    _say(console, "Assumptions:")
    for assumption in ASSUMPTIONS:  # wrapped under the text, after the dash
        _say(console, f"  - {assumption}")


def _policy_line(plan: GroupPlan) -> str:
    policy = choose(plan)
    if policy.choice is Choice.NONE or policy.target_value is None:
        return f"  Scaling policy: none written: {policy.reason}"
    unit = " %" if policy.metric.percent else ""
    text = (
        f"  Scaling policy ({policy.choice}): {policy.metric.aws} at "
        f"{policy.target_value}{unit}, min {policy.min}: {policy.reason}"
    )
    if policy.excess_unit_hours:
        text += (
            f"; AWS then runs {policy.excess_unit_hours} unit-hours above the plan "
            "(not in the cost below)"
        )
    return text
