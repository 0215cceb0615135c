"""What a plan costs: per-unit rates from instance prices and weights, and exact money.

A weighted instance type is priced per capacity unit (its price ÷ its weight, as AWS's
instance-weighting guide prices "per unit hour"). A group may launch any of its types, so each
purchase option has a range of unit rates, from the cheapest type to the dearest; the plan's
totals use the dearest (an upper bound: the plan never understates the cost) and also report the
total at the cheapest. A type with no Spot price is priced for Spot at its On-Demand price, the
default maximum Spot price AWS lets it cost.

Money is kept as exact fractions; `usd` (archplan.money) writes it exactly when the decimal ends
within six places, else rounded to a millionth of a dollar (a price ÷ a weight of 3, or a month of
730/24 profile days).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from archplan.capacity.purchase import Split
from archplan.money import HOURS_PER_MONTH as HOURS_PER_MONTH  # re-exported for the plan
from archplan.money import usd as usd  # re-exported: the reports format money with it
from archplan.prices import PriceBook, TypePrice


class TypeRate(NamedTuple):
    """One instance type of a group, its prices and its rates per capacity unit-hour."""

    instance_type: str
    weight: int
    price: TypePrice
    on_demand: Fraction  # per unit-hour
    spot: Fraction  # per unit-hour; the On-Demand rate when no Spot price is known

    @property
    def spot_given(self) -> bool:
        return self.price.spot is not None


class Rates(NamedTuple):
    """Per unit-hour rates of each purchase option, and the types they come from."""

    on_demand: Fraction
    on_demand_type: str
    spot: Fraction
    spot_type: str
    committed: Fraction  # the On-Demand rate less the commitment discount


class Costs(NamedTuple):
    """Money over the whole profile."""

    committed: Fraction  # the commitment, paid every hour whether used or not
    on_demand: Fraction
    spot: Fraction
    all_on_demand: Fraction  # the same capacity, every unit at the On-Demand rate

    @property
    def total(self) -> Fraction:
        return self.committed + self.on_demand + self.spot

    @property
    def saving(self) -> Fraction:
        return self.all_on_demand - self.total


def type_rates(
    instance_types: dict[str, int], book: PriceBook
) -> tuple[tuple[TypeRate, ...], tuple[str, ...]]:
    """Rates of the group's priced types, and the types no source has a price for."""
    rates: list[TypeRate] = []
    missing: list[str] = []
    for name, weight in instance_types.items():
        if weight < 1:  # an invalid weight (validate reports it): the type cannot be priced
            continue
        price = book.price(name)
        if price is None:
            missing.append(name)
            continue
        on_demand = Fraction(price.on_demand) / weight
        spot = Fraction(price.spot) / weight if price.spot is not None else on_demand
        rates.append(TypeRate(name, weight, price, on_demand, spot))
    return tuple(rates), tuple(missing)


def rate_bounds(types: Sequence[TypeRate], discount: Decimal) -> tuple[Rates, Rates] | None:
    """The cheapest and the dearest rates per option (ties: the first listed type)."""
    if not types:
        return None
    keep = 1 - Fraction(discount)
    cheap_od = min(types, key=lambda rate: rate.on_demand)
    dear_od = max(types, key=lambda rate: rate.on_demand)
    cheap_spot = min(types, key=lambda rate: rate.spot)
    dear_spot = max(types, key=lambda rate: rate.spot)
    cheapest = Rates(
        cheap_od.on_demand,
        cheap_od.instance_type,
        cheap_spot.spot,
        cheap_spot.instance_type,
        cheap_od.on_demand * keep,
    )
    dearest = Rates(
        dear_od.on_demand,
        dear_od.instance_type,
        dear_spot.spot,
        dear_spot.instance_type,
        dear_od.on_demand * keep,
    )
    return cheapest, dearest


def hour_cost(rates: Rates, commitment: int, split: Split) -> Fraction:
    """One hour: the whole commitment, the uncovered On-Demand units and the Spot units."""
    return (
        commitment * rates.committed + split.on_demand * rates.on_demand + split.spot * rates.spot
    )


def profile_costs(
    rates: Rates, commitment: int, hours: int, on_demand: int, spot: int, capacity: int
) -> Costs:
    """Costs over `hours` hours from unit-hour totals (On-Demand above the commitment, Spot,
    and all capacity)."""
    return Costs(
        committed=hours * commitment * rates.committed,
        on_demand=on_demand * rates.on_demand,
        spot=spot * rates.spot,
        all_on_demand=capacity * rates.on_demand,
    )


def per_month(amount: Fraction, hours: int) -> Fraction:
    """A profile's amount scaled to a 730-hour month."""
    return amount * HOURS_PER_MONTH / hours


def percent(part: Fraction, whole: Fraction) -> str:
    """part / whole as a percentage with one decimal (half-even), for display."""
    if whole == 0:
        return "0.0"
    tenths = round(part * 1000 / whole)
    sign = "-" if tenths < 0 else ""
    tenths = abs(tenths)
    return f"{sign}{tenths // 10}.{tenths % 10}"
