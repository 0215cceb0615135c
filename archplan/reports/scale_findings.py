"""The prose of a scale plan: the findings about each planned group and the assumptions every
report prints. The numbers come from archplan.capacity.plan; this module only words them."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from archplan.capacity.az import after_zone_loss
from archplan.capacity.plan import (
    AZ_LOSS_IMPOSSIBLE,
    UNSERVED_DEMAND,
    GroupPlan,
    Pricing,
    Shortfall,
)
from archplan.capacity.pool import Pool
from archplan.capacity.serving import served_by
from archplan.model import ScalingGroup
from archplan.prices import FROM_DEFAULT, FROM_SHIPPED, PriceBook
from archplan.regions import describe
from archplan.wording import plural

ERROR, WARNING, INFO = "error", "warning", "info"

# Every modelling choice the numbers rest on; printed with every report and in docs/scale-plan.md.
ASSUMPTIONS: tuple[str, ...] = (
    "Target tracking [UNCONFIRMED]: AWS publishes no formula for EC2 target tracking; each hour "
    "is sized as needed = ceil(demand / (per_unit x target_utilization / 100)), rounding up as "
    "AWS does on scale-out. Warm-up, cooldowns and the slower scale-in are not modelled.",
    "N+1 over N AZs: ceil(needed x N / (N - 1)) units, N = the AZs of the group's subnets; when "
    "they mix AZ names and AZ IDs, which may be the same zone, the fewest zones they can be (the "
    "count of the notation with more zones). AWS is assumed to balance capacity units evenly "
    "over them (with weights it balances instances [UNCONFIRMED]).",
    "On-Demand/Spot split [UNCONFIRMED]: AWS's rounding rule (On-Demand = min(base, total) + "
    "ceil((total - base) x pct / 100)) is applied to the group's total capacity units each hour; "
    "AWS does not document whether it splits per AZ or how weights enter.",
    "Commitment: a Savings Plan or Reserved Instances modelled as a number of capacity units paid "
    "every hour at (1 - discount) x the On-Demand unit rate, covering On-Demand units only; RI "
    "instance-type matching and size flexibility are not modelled. Groups with commitment auto "
    "share one commitment (a Compute Savings Plan across families and Regions, an EC2 Instance "
    "Savings Plan or Reserved Instances per family and Region) sized on their summed hourly "
    "On-Demand spend at each group's dearest On-Demand rate, when their profiles line up hour "
    "for hour.",
    "Prices: a weighted type costs its price / its weight per unit-hour; the totals use the "
    "dearest type per unit (an upper bound) and the range shows the cheapest. A type without a "
    "Spot price is priced for Spot at its On-Demand price (the default maximum Spot price).",
    "A month is 730 hours: a profile of H hours is scaled by 730 / H.",
    "Metrics files: points are bucketed by UTC hour and each hour takes its largest point; hours "
    "without a point count as 0 demand.",
)


class Finding(NamedTuple):
    severity: str  # ERROR (makes the exit code 1), WARNING or INFO
    code: str
    message: str


def _hours_text(count: int, total: int) -> str:
    return f"{count} of {total} hour" + ("" if total == 1 else "s")


def group_findings(plan: GroupPlan, book: PriceBook) -> tuple[Finding, ...]:
    """What the report says about a planned group: shortfalls, idle capacity, the purchase
    settings, the commitment and the prices; () for a group that was not planned."""
    if not plan.planned or plan.profile is None or plan.pricing is None:
        return ()
    group, profile, pricing = plan.group, plan.profile, plan.pricing
    required, capacity, commitment = plan.required, plan.capacity, plan.commitment
    assert group.min is not None
    low, total = group.min, len(capacity)
    findings = [
        Finding(ERROR, shortfall.kind, shortfall_text(plan, shortfall))
        for shortfall in plan.shortfalls
    ]
    if plan.az_loss_asked and not plan.zones_known:
        findings.append(
            Finding(
                WARNING,
                "az-unknown",
                "survive_az_loss is not planned: the AZ of a subnet of the group is not known "
                "(not written, or invalid), so neither N nor the N+1 total is; the plan sizes "
                "for the demand alone",
            )
        )
    idle = [(low - units) for units in required if units < low]
    if idle:
        findings.append(
            Finding(
                INFO,
                "idle-capacity",
                f"min ({low} units) is above what the demand needs in "
                f"{_hours_text(len(idle), total)}: "
                f"{plural(sum(idle), 'unit-hour')} of idle capacity",
            )
        )
    if group.purchase.on_demand_percentage_above_base is None:
        findings.append(
            Finding(
                WARNING,
                "on-demand-percentage-omitted",
                "on_demand_percentage_above_base is omitted: AWS's default is 100 %, so every "
                "unit above the base is On-Demand and none is Spot",
            )
        )
    if plan.pooled:
        findings.append(
            Finding(
                INFO,
                "commitment-auto",
                f"commitment auto: shared with the other groups of the file that can use the same "
                f"{group.purchase.commitment_type}; the pool below chooses one commitment for "
                "their summed On-Demand spend, so this group has no commitment of its own",
            )
        )
    else:
        findings += _commitment_findings(group, commitment, plan.on_demand_hours, pricing, total)
    findings += _price_findings(plan, book, pricing)
    if profile.empty_hours:
        findings.append(
            Finding(
                INFO,
                "demand-gaps",
                f"{_hours_text(profile.empty_hours, total)} of {profile.file} have no data point "
                "and count as 0 demand",
            )
        )
    return tuple(findings)


def shortfall_text(plan: GroupPlan, shortfall: Shortfall) -> str:
    """A capacity verdict in words, as scale-plan prints it and validate reports it
    (AP515-AP517): the same sentence in both, from the same numbers."""
    group, zones, needed, required = plan.group, plan.zones, plan.needed, plan.required
    total, high = plan.hours, plan.maximum
    if shortfall.kind == AZ_LOSS_IMPOSSIBLE:
        if plan.zones_mixed:  # us-east-1a and use1-az1 may be one zone: only one is certain
            where = (
                f"in {describe(plan.zones_written)}: only one AZ is certain; add a subnet in "
                "another AZ, or write every subnet's AZ in one notation"
            )
        else:
            where = f"all in {zones[0]}" if zones else "in no known AZ"
            where += ": add a subnet in another AZ"
        return (
            f"survive_az_loss asks for enough capacity with one AZ lost, but the group's "
            f"subnets are {where} (the plan sizes for the demand alone)"
        )
    assert plan.profile is not None
    assert shortfall.worst is not None
    worst, count = shortfall.worst, len(shortfall.hours)
    if group.per_unit is None:  # a capacity provider sized by its ECS tasks alone
        if shortfall.kind == UNSERVED_DEMAND:
            return (
                f"under-provisioned in {_hours_text(count, total)}: its ECS tasks need more "
                f"than max ({high} units); worst at hour {worst}, {needed[worst]} units"
            )
        return (
            f"under-provisioned for an AZ loss in {_hours_text(count, total)}: "
            f"N+1 over {len(zones)} AZs needs up to {required[worst]} units (hour {worst}), "
            f"{required[worst] - high} above max {high}"
        )
    unit = f" {group.demand_unit}" if group.demand_unit else ""
    per_unit, target = group.per_unit, group.target_utilization
    if shortfall.kind == UNSERVED_DEMAND:
        demand = plan.profile.values[worst]
        served = served_by(high, per_unit, target)
        return (
            f"under-provisioned in {_hours_text(count, total)} even with every AZ up: "
            f"the demand needs more than max ({high} units); worst at hour {worst}, "
            f"{_number(demand)}{unit} needs {needed[worst]} units, "
            f"{_number(demand - served)}{unit} left unserved (max serves {_number(served)}{unit})"
        )
    remaining = after_zone_loss(high, len(zones))
    return (
        f"under-provisioned for an AZ loss in {_hours_text(count, total)}: "
        f"N+1 over {len(zones)} AZs needs up to {required[worst]} units (hour {worst}), "
        f"{required[worst] - high} above max {high}; losing an AZ then leaves "
        f"{remaining} units, which serve "
        f"{_number(served_by(remaining, per_unit, target))}{unit}"
    )


def _commitment_findings(
    group: ScalingGroup,
    commitment: int,
    on_demand_hours: Counter[int],
    pricing: Pricing,
    total: int,
) -> list[Finding]:
    purchase = group.purchase
    findings: list[Finding] = []
    discount = pricing.discount
    off = f"{_number(discount.value * 100)} % off"
    if purchase.commitment == "auto":
        share = (1 - Fraction(discount.value)) * 100
        findings.append(
            Finding(
                INFO,
                "commitment-auto",
                f"commitment auto: {commitment} units of {purchase.commitment_type} ({off}), the "
                "level that costs least over the profile (the largest level the On-Demand part "
                f"reaches in more than {_percent(share)} % of the hours, 1 - discount)",
            )
        )
    unused = sum(
        count * (commitment - units)
        for units, count in on_demand_hours.items()
        if units < commitment
    )
    if commitment and unused:
        peak = max(on_demand_hours)
        hours = sum(count for units, count in on_demand_hours.items() if units < commitment)
        severity = WARNING if commitment > peak else INFO
        above = (
            f"; it is above the largest On-Demand part ({peak} units)" if commitment > peak else ""
        )
        findings.append(
            Finding(
                severity,
                "commitment-unused",
                f"the commitment of {commitment} units is partly unused in "
                f"{_hours_text(hours, total)}: "
                f"{plural(unused, 'unit-hour')} paid and unused{above}",
            )
        )
    if discount.origin == FROM_DEFAULT and (commitment or purchase.commitment == "auto"):
        findings.append(
            Finding(
                INFO,
                "default-discount",
                f"the {purchase.commitment_type} discount ({off}) is {discount.source}; give "
                f"prices.discounts.{purchase.commitment_type} for yours",
            )
        )
    return findings


def _price_findings(plan: GroupPlan, book: PriceBook, pricing: Pricing) -> list[Finding]:
    findings: list[Finding] = []
    if pricing.missing:
        listed = ", ".join(pricing.missing)
        if pricing.types:
            message = (
                f"no price for {listed} (in --prices, the file's prices or the shipped table): "
                "the cost uses the other types only"
            )
        else:
            message = (
                f"no price for {listed} (in --prices, the file's prices or the shipped table): "
                "the cost is not computed; add prices.instance_types"
            )
        findings.append(Finding(WARNING, "missing-price", message))
    no_spot = [rate.instance_type for rate in pricing.types if not rate.spot_given]
    if no_spot and plan.percentage != 100:
        findings.append(
            Finding(
                INFO,
                "spot-at-on-demand-price",
                f"no Spot price for {', '.join(no_spot)}: Spot is priced at the On-Demand price "
                "(the default maximum Spot price), so the plan shows no Spot saving for them; "
                "give prices.instance_types.TYPE.spot",
            )
        )
    region = plan.region
    other = sorted(
        {
            f"{rate.instance_type} ({book.region_of(rate.price.origin)})"
            for rate in pricing.types
            if region is not None and book.region_of(rate.price.origin) not in (None, region)
        }
    )
    if other:
        findings.append(
            Finding(
                WARNING,
                "price-region",
                f"the group is in {region} but these prices are for another Region: "
                f"{', '.join(other)}",
            )
        )
    shipped = [rate.instance_type for rate in pricing.types if rate.price.origin == FROM_SHIPPED]
    if shipped:
        findings.append(
            Finding(
                INFO,
                "shipped-prices",
                f"{', '.join(shipped)} priced from archplan's shipped sample table (dated, not "
                "current AWS prices); give prices.instance_types for yours",
            )
        )
    return findings


def _number(value: Decimal | int) -> str:
    """A quantity for a sentence: exact, without an exponent or trailing zeros."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _percent(value: Fraction) -> str:
    """A percentage for a sentence: exact when short, else to two decimals."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal("0.01"))
    return _number(exact if exact == rounded else rounded)


def pool_findings(pool: Pool) -> tuple[Finding, ...]:
    """What a shared commitment does: the level chosen, the saving against one commitment per
    group, and the hours the pool leaves part of it unused (judged on the summed spend, not on
    any one group)."""
    off = f"{_number(pool.discount * 100)} % off"
    share = (1 - Fraction(pool.discount)) * 100
    findings = [
        Finding(
            INFO,
            "commitment-auto",
            f"commitment auto: one {pool.key.commitment_type} ({off}) for "
            f"{len(pool.groups)} groups, the level that costs least over their summed On-Demand "
            f"spend (the largest the sum reaches in more than {_percent(share)} % of the hours)",
        )
    ]
    if pool.unused_hours:
        findings.append(
            Finding(
                INFO,
                "commitment-unused",
                f"the pooled commitment is partly unused in "
                f"{_hours_text(pool.unused_hours, pool.hours)} of the summed spend",
            )
        )
    return tuple(findings)
