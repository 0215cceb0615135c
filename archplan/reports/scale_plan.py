"""The `scale-plan` reports: a JSON document with hourly rows (here) and a Rich terminal report per
group (archplan.reports.scale_plan_text), and the table of renderers.

Quantities are integers (capacity units) or exact decimal strings (demand); money is a string of
USD (archplan.capacity.cost.usd), never a float.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from archplan import __version__
from archplan.capacity.choices import ScaleFormat
from archplan.capacity.cost import HOURS_PER_MONTH, Costs, Rates, per_month, percent, usd
from archplan.capacity.plan import GroupPlan, HourRow, ScalePlan
from archplan.capacity.pool import Pool
from archplan.capacity.tracking import choose
from archplan.messages import json_safe
from archplan.prices import PriceBook
from archplan.reports.scale_findings import (
    ASSUMPTIONS,
    group_findings,
    pool_findings,
)
from archplan.reports.terminal import DEFAULT_WIDTH


def number(value: Decimal) -> str:
    """An exact decimal as written (no exponent)."""
    return format(value, "f")


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


# -- text: archplan.reports.scale_plan_text, imported when asked for (it loads Rich) -----------


def render_text(
    plan: ScalePlan, file_name: str, color: bool = False, width: int = DEFAULT_WIDTH
) -> str:
    """The text report (archplan.reports.scale_plan_text.render_text)."""
    from archplan.reports import scale_plan_text

    return scale_plan_text.render_text(plan, file_name, color, width)


Renderer = Callable[[ScalePlan, str, bool, int], str]

# Each format's renderer; a test checks every ScaleFormat has one.
RENDERERS: dict[ScaleFormat, Renderer] = {
    ScaleFormat.TEXT: render_text,
    ScaleFormat.JSON: render_json,
}
