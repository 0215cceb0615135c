"""The `scale-plan` reports: a Rich terminal report per group and a JSON document with hourly rows.

Quantities are integers (capacity units) or exact decimal strings (demand); money is a string of
USD (archplan.capacity.cost.usd), never a float.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from archplan import __version__
from archplan.capacity.arith import ceil_div
from archplan.capacity.choices import ScaleFormat
from archplan.capacity.cost import HOURS_PER_MONTH, Costs, Rates, per_month, percent, usd
from archplan.capacity.plan import GroupPlan, HourRow, ScalePlan
from archplan.capacity.pool import Pool
from archplan.capacity.tracking import Choice, choose
from archplan.messages import json_safe
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
from archplan.reports.terminal import DEFAULT_WIDTH, print_simple_table, printable, wrap

if TYPE_CHECKING:  # Rich is imported inside the text renderer only: the JSON path skips it.
    from rich.console import Console


def number(value: Decimal) -> str:
    """An exact decimal as written (no exponent)."""
    return format(value, "f")


def quantity(value: Decimal) -> str:
    """An exact decimal for a sentence: no exponent, no trailing zeros (34.00 -> 34)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _money(value: Fraction | None) -> str | None:
    return usd(value) if value is not None else None


# -- JSON -----------------------------------------------------------------------------------


def _costs(costs: Costs, scale: Callable[[Fraction], Fraction]) -> dict[str, str]:
    return {
        "committed": usd(scale(costs.committed)),
        "on_demand": usd(scale(costs.on_demand)),
        "spot": usd(scale(costs.spot)),
        "total": usd(scale(costs.total)),
        "all_on_demand": usd(scale(costs.all_on_demand)),
        "saving": usd(scale(costs.saving)),
    }


def _rates(rates: Rates) -> dict[str, Any]:
    return {
        "on_demand": {"type": rates.on_demand_type, "per_unit_hour": usd(rates.on_demand)},
        "spot": {"type": rates.spot_type, "per_unit_hour": usd(rates.spot)},
        "committed": {"per_unit_hour": usd(rates.committed)},
    }


def _row(row: HourRow, cost: str | None) -> dict[str, Any]:
    return {
        "hour": row.hour,
        "start": row.start,
        "demand": number(row.demand),
        "needed": row.needed,
        "required": row.required,
        "capacity": row.capacity,
        "committed": row.committed,
        "on_demand": row.on_demand,
        "spot": row.spot,
        "cost": cost,
        "shortfall": row.shortfall,
        "unserved": number(row.unserved),
        "unserved_after_az_loss": (
            number(row.unserved_after_az_loss) if row.unserved_after_az_loss is not None else None
        ),
        "idle": row.idle,
    }


def _unit_hours(plan: GroupPlan) -> dict[str, int]:
    committed = on_demand = spot = 0
    for level in plan.capacity:
        mix = plan.splits[level]
        committed += mix.committed
        on_demand += mix.on_demand
        spot += mix.spot
    return {
        "capacity": sum(plan.capacity),
        "committed": committed,
        "commitment_unused": plan.commitment * plan.hours - committed,
        "on_demand": on_demand,
        "spot": spot,
    }


def _summary(plan: GroupPlan) -> dict[str, Any]:
    top = plan.maximum
    shortfalls = [units - top for units in plan.required if units > top]
    idle = [plan.minimum - units for units in plan.required if units < plan.minimum]
    return {
        "hours": plan.hours,
        "peak_needed": max(plan.needed),
        "peak_required": max(plan.required),
        "lowest_capacity": min(plan.capacity),
        "peak_capacity": max(plan.capacity),
        "under_provisioned_hours": len(shortfalls),
        "unserved_hours": plan.unserved_hours,
        "largest_shortfall": max(shortfalls, default=0),
        "idle_hours": len(idle),
        "idle_unit_hours": sum(idle),
        "unit_hours": _unit_hours(plan),
    }


def _mix(plan: GroupPlan) -> list[dict[str, Any]]:
    counts: dict[int, int] = {}
    for level in plan.capacity:
        counts[level] = counts.get(level, 0) + 1
    hour_costs = plan.pricing.hour_costs if plan.pricing is not None else {}
    return [
        {
            "capacity": level,
            "hours": counts[level],
            "committed": plan.splits[level].committed,
            "on_demand": plan.splits[level].on_demand,
            "spot": plan.splits[level].spot,
            "cost_per_hour": _money(hour_costs.get(level)),
        }
        for level in sorted(counts)
    ]


def _prices(plan: GroupPlan) -> dict[str, Any] | None:
    pricing = plan.pricing
    if pricing is None:
        return None
    return {
        "totals_use": "dearest",
        "instance_types": [
            {
                "type": rate.instance_type,
                "weight": rate.weight,
                "on_demand": number(rate.price.on_demand),
                "on_demand_per_unit_hour": usd(rate.on_demand),
                "spot": number(rate.price.spot) if rate.price.spot is not None else None,
                "spot_per_unit_hour": usd(rate.spot),
                "spot_given": rate.spot_given,
                "origin": rate.price.origin,
                "source": rate.price.source,
                "date": rate.price.date,
            }
            for rate in pricing.types
        ],
        "missing": list(pricing.missing),
    }


def _cost(plan: GroupPlan) -> dict[str, Any] | None:
    pricing = plan.pricing
    if pricing is None or pricing.costs is None or pricing.cheapest_costs is None:
        return None
    assert pricing.dearest is not None and pricing.cheapest is not None
    hours = plan.hours
    costs = pricing.costs
    return {
        "currency": "USD",
        "profile_hours": hours,
        "hours_per_month": HOURS_PER_MONTH,
        "profile": _costs(costs, lambda value: value),
        "per_month": _costs(costs, lambda value: per_month(value, hours)),
        "saving_percent": percent(costs.saving, costs.all_on_demand),
        "rates": {"dearest": _rates(pricing.dearest), "cheapest": _rates(pricing.cheapest)},
        "range_per_month": {
            "cheapest": usd(per_month(pricing.cheapest_costs.total, hours)),
            "dearest": usd(per_month(costs.total, hours)),
        },
    }


def group_to_dict(plan: GroupPlan, book: PriceBook) -> dict[str, Any]:
    group = plan.group
    purchase = group.purchase
    document: dict[str, Any] = {
        "name": group.name,
        "planned": plan.planned,
        "reason": plan.reason,
        "ok": plan.ok if plan.planned else None,
        "vpc": group.vpc,
        "region": plan.region,
        "zones": list(plan.zones_written),
        "capacity": {
            "min": group.min,
            "max": group.max,
            "desired": group.desired if group.desired is not None else group.min,
            "per_unit": number(group.per_unit) if group.per_unit is not None else None,
            "target_utilization": group.target_utilization,
            "per_unit_at_target": (
                number(group.per_unit * group.target_utilization / 100)
                if group.per_unit is not None
                else None
            ),
        },
        "availability": {
            "survive_az_loss": group.survive_az_loss,
            "zones": len(plan.zones),
            "possible": plan.az_loss_possible,
        },
        "scaling_policy": None,
        "purchase": {
            "on_demand_base": purchase.on_demand_base,
            "on_demand_percentage_above_base": plan.percentage,
            "percentage_given": purchase.on_demand_percentage_above_base is not None,
            "spot_allocation_strategy": purchase.spot_allocation_strategy,
            "commitment": None,
        },
        "demand": None,
        "summary": None,
        "mix": [],
        "prices": None,
        "cost": None,
        "findings": [],
        "hours": [],
    }
    if not plan.planned or plan.profile is None:
        return document
    profile = plan.profile
    pricing = plan.pricing
    peak = max(profile.values)
    start = profile.hour_start(0)
    document["demand"] = {
        "origin": profile.origin,
        "file": profile.file,
        "format": profile.format,
        "statistic": profile.statistic,
        "unit": group.demand_unit,
        "hours": plan.hours,
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ") if start is not None else None,
        "points": profile.points if profile.origin == "file" else None,
        "empty_hours": profile.empty_hours,
        "peak": number(peak),
        "peak_hour": profile.values.index(peak),
    }
    discount = pricing.discount if pricing is not None else None
    dearest = pricing.dearest if pricing is not None else None
    document["purchase"]["commitment"] = {
        "setting": purchase.commitment,
        "pooled": plan.pooled,  # True: the file's `pools` entry naming this group holds it
        "units": plan.commitment,
        "type": purchase.commitment_type,
        "discount": number(discount.value) if discount is not None else None,
        "discount_origin": discount.origin if discount is not None else None,
        "discount_source": discount.source if discount is not None else None,
        "per_hour": usd(plan.commitment * dearest.committed) if dearest is not None else None,
    }
    document["scaling_policy"] = _scaling_policy(plan)
    document["summary"] = _summary(plan)
    document["mix"] = _mix(plan)
    document["prices"] = _prices(plan)
    document["cost"] = _cost(plan)
    document["findings"] = [
        {"severity": finding.severity, "code": finding.code, "message": finding.message}
        for finding in group_findings(plan, book)
    ]
    document["hours"] = _rows(plan)
    return document


def _scaling_policy(plan: GroupPlan) -> dict[str, Any]:
    """The target-tracking policy --emit writes, and why (archplan.capacity.tracking)."""
    policy = choose(plan)
    return {
        "choice": policy.choice.value,
        "metric": policy.metric.key,
        "predefined_metric_type": policy.metric.aws,
        "target_value": str(policy.target_value) if policy.target_value is not None else None,
        "nominal_target_value": str(policy.nominal) if policy.nominal is not None else None,
        "min": policy.min,
        "short_hours_at_nominal": policy.short_hours_at_nominal,
        "excess_unit_hours": policy.excess_unit_hours,
        "reason": policy.reason,
    }


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


def _rows(plan: GroupPlan) -> list[dict[str, Any]]:
    costs = plan.pricing.hour_costs if plan.pricing is not None else {}
    money = {level: usd(cost) for level, cost in costs.items()}  # one conversion per level
    return [_row(row, money.get(row.capacity)) for row in plan.rows()]


def _price_sources(book: PriceBook) -> dict[str, Any]:
    oldest, newest = book.shipped.dates
    return {
        "precedence": ["--prices", "file", "shipped"],
        "prices_file": book.option_name,
        "prices_file_source": book.option.source if book.option is not None else None,
        "file_source": book.file.source if book.file is not None else None,
        "shipped": {
            "description": book.shipped.label,
            "region": book.shipped.region,
            "oldest": oldest,
            "newest": newest,
        },
    }


def pool_to_dict(pool: Pool) -> dict[str, Any]:
    """A shared commitment: who shares it, what it covers and costs, and the money over the
    profile and per month against one commitment per group and against none."""
    hours = pool.hours

    def month(value: Fraction) -> str:
        return usd(per_month(value, hours))

    return {
        "type": pool.key.commitment_type,
        "region": pool.key.region,
        "families": list(pool.key.families),
        "groups": list(pool.groups),
        "discount": str(pool.discount),
        "hours": hours,
        "covered_on_demand_per_hour": usd(pool.covered),
        "per_hour": usd(pool.per_hour),
        "peak_on_demand_per_hour": usd(pool.peak),
        "unused_hours": pool.unused_hours,
        "per_month": {
            "pooled": month(pool.cost),
            "separate": month(pool.separate_cost),
            "all_on_demand": month(pool.all_on_demand),
            "unused": month(pool.unused),
            "saving_against_separate": month(pool.separate_cost - pool.cost),
        },
        "findings": [
            {"severity": finding.severity, "code": finding.code, "message": finding.message}
            for finding in pool_findings(pool)
        ],
    }


def render_json(
    plan: ScalePlan, file_name: str, color: bool = False, width: int = DEFAULT_WIDTH
) -> str:
    """The document, indented, with each hourly row on one line.

    A year of hours is 8,760 rows per group: indented row by row it would be 16 lines each and,
    through json's pure-Python indenting encoder, seconds per group. Each row is encoded on one
    line by the C encoder and spliced in where a unique placeholder stands.
    """
    import secrets

    token = secrets.token_hex(16)
    groups = []
    hours: dict[str, list[dict[str, Any]] | list[str]] = {}
    for index, group in enumerate(plan.groups):
        described = group_to_dict(group, plan.book)
        placeholder = f"{token}-{index}"
        hours[placeholder] = described["hours"]
        described["hours"] = placeholder
        groups.append(described)
    document = {
        "version": __version__,
        "file": file_name,
        "ok": plan.ok and not plan.input_error,
        "prices": _price_sources(plan.book),
        "assumptions": list(ASSUMPTIONS),
        "groups": groups,
        "pools": [pool_to_dict(pool) for pool in plan.pools],
    }
    if plan.containers is not None:
        from archplan.reports.scale_plan_containers import containers_to_dict

        containers = containers_to_dict(plan.containers)
        for kind in ("services", "functions", "node_groups"):
            for index, described in enumerate(containers[kind]):
                placeholder = f"{token}-{kind}-{index}"
                hours[placeholder] = described["hours"]
                described["hours"] = placeholder
        document["containers"] = containers
    text = json.dumps(document, indent=2, ensure_ascii=False)
    parts: list[str] = []
    done = 0
    for placeholder, rows in hours.items():  # in document order
        marker = f'"hours": "{placeholder}"'
        at = text.index(marker, done)
        indent = text[text.rindex("\n", 0, at) + 1 : at]
        parts += [text[done:at], '"hours": ', _row_lines(rows, indent)]
        done = at + len(marker)
    parts += [text[done:], "\n"]
    return json_safe("".join(parts))


def _row_lines(rows: list[dict[str, Any]] | list[str], indent: str) -> str:
    """Rows one per line; a row given as text is JSON already (the containers')."""
    if not rows:
        return "[]"
    inner = indent + "  "
    lines = ",\n".join(inner + row for row in _encoded(rows))
    return "[\n" + lines + "\n" + indent + "]"


_NEXT_ROW = '}, {"hour": '


def _encoded(rows: list[dict[str, Any]] | list[str]) -> list[str]:
    """Each row as json.dumps writes it. Rows given as dicts are encoded in one call and cut
    where one ends and the next begins: every row starts with its "hour" key, and inside a
    string the quotes of that separator would be escaped, so a cut can only fall between rows
    (the count is checked all the same; a year of 50 groups is 438,000 rows)."""
    if rows and isinstance(rows[0], str):
        return [row for row in rows if isinstance(row, str)]
    text = json.dumps(rows, ensure_ascii=False)
    pieces = text[1:-1].split(_NEXT_ROW)
    if len(pieces) != len(rows) or not text.startswith('[{"hour": '):
        return [json.dumps(row, ensure_ascii=False) for row in rows]
    last = len(pieces) - 1
    return [
        ("" if index == 0 else '{"hour": ') + piece + ("" if index == last else "}")
        for index, piece in enumerate(pieces)
    ]


# -- text -----------------------------------------------------------------------------------

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


Renderer = Callable[[ScalePlan, str, bool, int], str]

# Each format's renderer; a test checks every ScaleFormat has one.
RENDERERS: dict[ScaleFormat, Renderer] = {
    ScaleFormat.TEXT: render_text,
    ScaleFormat.JSON: render_json,
}
