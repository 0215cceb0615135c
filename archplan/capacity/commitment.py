"""The commitment level (Savings Plan or Reserved Instances, in capacity units) that costs least.

A commitment of L units is paid every hour at (1 − d) of the On-Demand rate, used or not, and
covers up to L On-Demand units of each hour. One more unit costs (1 − d) every hour and saves 1
in each hour whose On-Demand part reaches it, so it pays off while more than a fraction (1 − d)
of the hours reach it: the best level is the d-quantile of the hourly On-Demand units (the
newsvendor rule). The cost is convex in L; ties go to the smaller
level (the same cost with less money locked in).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction


def optimal_level(on_demand_hours: Mapping[int, int], discount: Decimal) -> int:
    """The smallest level minimising the profile's cost.

    `on_demand_hours` maps an hour's On-Demand units to the number of hours with that many;
    `discount` is the fraction off the On-Demand rate (0..1). The level is the largest L such that
    more than hours × (1 − d) hours run at least L On-Demand units (0 when none does).
    """
    hours = sum(on_demand_hours.values())
    threshold = hours * (1 - Fraction(discount))
    reached = 0  # hours whose On-Demand part is at least `level`
    for level in sorted(on_demand_hours, reverse=True):
        reached += on_demand_hours[level]
        if reached > threshold:
            return level
    return 0


def profile_cost(
    level: int, on_demand_hours: Mapping[int, int], discount: Decimal, rate: Fraction = Fraction(1)
) -> Fraction:
    """The On-Demand part's cost over the profile with `level` units committed (at `rate` per
    unit-hour).

    The commitment is paid in every hour; On-Demand units above it are paid at `rate`.
    """
    hours = sum(on_demand_hours.values())
    committed = hours * level * rate * (1 - Fraction(discount))
    above = sum(count * max(units - level, 0) for units, count in on_demand_hours.items())
    return committed + above * rate
