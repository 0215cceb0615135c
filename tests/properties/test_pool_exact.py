"""The pooled commitment in integers (archplan.capacity.pool.pools) against the same figures in
plain Fraction arithmetic: the hourly spend summed as Fractions, the level tried at every
distinct summed value by brute force (the cheapest, lowest on ties). ARCHPLAN_PROPERTY_EXAMPLES
raises the number of cases."""

from __future__ import annotations

import os
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from archplan.capacity.pool import PoolMember, pools

EXAMPLES = int(os.environ.get("ARCHPLAN_PROPERTY_EXAMPLES", "200"))

RATE = st.builds(Fraction, st.integers(1, 500), st.sampled_from([1, 3, 7, 1000, 10000]))


@st.composite
def _members(draw: st.DrawFn) -> list[PoolMember]:
    hours = draw(st.integers(1, 12))
    discount = draw(
        st.sampled_from([Decimal("0"), Decimal("0.3"), Decimal("0.34"), Decimal("0.72")])
    )
    found = []
    for index in range(draw(st.integers(2, 4))):
        rates = draw(st.lists(RATE, min_size=1, max_size=3))
        spend = tuple(draw(st.sampled_from(rates)) * draw(st.integers(0, 9)) for _ in range(hours))
        found.append(
            PoolMember(
                f"g{index}", "compute-savings-plan", discount, None, ("c5",), (hours, None), spend
            )
        )
    return found


def _cost(level: Fraction, spend: list[Fraction], discount: Decimal) -> Fraction:
    committed = level * (1 - Fraction(discount)) * len(spend)
    return committed + sum((max(value - level, Fraction(0)) for value in spend), Fraction(0))


def _cheapest(spend: list[Fraction], discount: Decimal) -> tuple[Fraction, Fraction]:
    """Every candidate level (0 and each hour's value), the cheapest, lowest on a tie."""
    levels = sorted({Fraction(0), *spend})
    return min((_cost(level, spend, discount), level) for level in levels)[::-1]


@settings(max_examples=EXAMPLES, deadline=None)
@given(_members())
def test_pool_figures_equal_fraction_arithmetic(members: list[PoolMember]) -> None:
    (pool,) = pools(members)
    hours = len(members[0].spend)
    discount = members[0].discount
    summed = [sum((one.spend[hour] for one in members), Fraction(0)) for hour in range(hours)]
    level, cost = _cheapest(summed, discount)
    assert pool.cost == cost
    assert pool.covered == level
    assert pool.separate_cost == sum(
        (_cheapest(list(one.spend), discount)[1] for one in members), Fraction(0)
    )
    assert pool.all_on_demand == sum(summed, Fraction(0))
    assert pool.peak == max(summed)
    below = [level - value for value in summed if value < level]
    assert (pool.unused_hours, pool.unused) == (len(below), sum(below, Fraction(0)))
