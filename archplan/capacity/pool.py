"""One account-wide commitment for the groups of a file whose `commitment` is `auto`.

AWS applies a Savings Plan or Reserved Instances to the account's usage, not to one group: two
groups busy at opposite hours are covered by one commitment sized for their sum. A Compute
Savings Plan covers any family in any Region, so every such group of one commitment type pools
together; an EC2 Instance Savings Plan or Reserved Instances cover one instance family in one
Region, so those pool per family and Region (a group whose types span several families pools
only with groups of the same families).

The commitment is money: it covers an amount of On-Demand spend each hour. The pool's curve is
the summed hourly On-Demand spend of its groups (each group's On-Demand part at its dearest
On-Demand unit rate, as the totals price it), brought to integers over one common denominator
so that the newsvendor optimiser (`commitment.optimal_level`) runs on it exactly. Only hours of
one profile line up: groups pool when their profiles have the same length and the same start.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from archplan.capacity.commitment import optimal_level, profile_cost
from archplan.capacity.purchase import on_demand_units

# The one commitment type that covers every family in every Region.
ACCOUNT_WIDE = "compute-savings-plan"


class PoolMember(NamedTuple):
    """What the pool needs of one group: its name, where its commitment may apply, and its
    hourly On-Demand spend (AWS's On-Demand part × the dearest On-Demand unit rate)."""

    name: str
    commitment_type: str
    discount: Decimal
    region: str | None
    families: tuple[str, ...]
    profile_key: tuple[int, str | None]  # (hours, ISO start or None)
    spend: tuple[Fraction, ...]


class PoolKey(NamedTuple):
    commitment_type: str
    region: str | None  # None for a Compute Savings Plan (any Region)
    families: tuple[str, ...]  # () for a Compute Savings Plan (any family)
    profile_key: tuple[int, str | None]


class Pool(NamedTuple):
    """One commitment shared by `groups`; money over the profile is exact.

    `covered` is the On-Demand spend per hour the commitment covers; `per_hour` is what it costs
    (covered × (1 − discount)), paid every hour whether used or not.
    """

    key: PoolKey
    groups: tuple[str, ...]
    discount: Decimal
    hours: int
    covered: Fraction
    per_hour: Fraction
    cost: Fraction  # commitment + On-Demand spend above it, over the profile
    separate_cost: Fraction  # the same groups, each with its own best commitment
    all_on_demand: Fraction  # the same On-Demand spend with no commitment
    unused_hours: int  # hours whose pooled spend is below the commitment
    unused: Fraction  # covered spend paid and not used, over the profile
    peak: Fraction  # the largest hourly pooled On-Demand spend


def family(instance_type: str) -> str:
    """The family of an EC2 instance type: "c5" of "c5.large"."""
    return instance_type.split(".", 1)[0]


def member(
    name: str,
    commitment_type: str,
    discount: Decimal,
    region: str | None,
    instance_types: Iterable[str],
    profile_key: tuple[int, str | None],
    capacity: Sequence[int],
    base: int,
    percentage: int | None,
    on_demand_rate: Fraction,
) -> PoolMember:
    """A group as a pool member; its spend is AWS's On-Demand part of each hour's capacity."""
    parts: dict[int, Fraction] = {}
    spend = []
    for units in capacity:
        if units not in parts:
            parts[units] = on_demand_units(units, base, percentage) * on_demand_rate
        spend.append(parts[units])
    families = tuple(sorted({family(name) for name in instance_types}))
    return PoolMember(name, commitment_type, discount, region, families, profile_key, tuple(spend))


def key_of(member: PoolMember) -> PoolKey:
    if member.commitment_type == ACCOUNT_WIDE:
        return PoolKey(member.commitment_type, None, (), member.profile_key)
    return PoolKey(member.commitment_type, member.region, member.families, member.profile_key)


def _integer_curve(spend: Sequence[Fraction]) -> tuple[Counter[int], int]:
    """The spend as integers over one common denominator: (value -> hours, denominator)."""
    denominator = math.lcm(*{value.denominator for value in spend}) if spend else 1
    return Counter(_numerators(spend, denominator)), denominator


def _numerators(spend: Sequence[Fraction], denominator: int) -> list[int]:
    """Each hour's spend × `denominator` (a multiple of every hour's denominator), as ints.

    A member's spend repeats a few Fraction objects (one per capacity level), so each object is
    converted once, keyed by identity: the values stay alive in `spend` meanwhile, and hashing a
    Fraction costs more than the conversion saves."""
    known: dict[int, int] = {}
    result = []
    for value in spend:
        number = known.get(id(value))
        if number is None:
            number = known[id(value)] = value.numerator * (denominator // value.denominator)
        result.append(number)
    return result


def best(spend: Sequence[Fraction], discount: Decimal) -> tuple[Fraction, Fraction]:
    """The cheapest covered spend per hour for an hourly spend curve, and the curve's cost with
    it (the commitment every hour plus the spend above it)."""
    curve, denominator = _integer_curve(spend)
    level, cost = _best(curve, discount)
    return Fraction(level, denominator), cost / denominator


def _best(curve: Counter[int], discount: Decimal) -> tuple[int, Fraction]:
    """`best` of an integer curve: the level, and the cost in the curve's units."""
    level = optimal_level(curve, discount)
    return level, profile_cost(level, curve, discount)


def pools(members: Iterable[PoolMember]) -> tuple[Pool, ...]:
    """The pools of two or more members (a member alone keeps its own commitment), in the order
    their first member comes.

    All in integers over one denominator common to the pool's spend (a year of 50 groups is
    438,000 hourly values: summed as Fractions they took seconds). `best` of a curve scaled by
    an integer is the same commitment scaled, so every figure equals the Fraction arithmetic's."""
    grouped: dict[PoolKey, list[PoolMember]] = {}
    for one in members:
        grouped.setdefault(key_of(one), []).append(one)
    found = []
    for key, together in grouped.items():
        if len(together) < 2:
            continue
        discount = together[0].discount
        hours = key.profile_key[0]
        distinct = {id(value): value for one in together for value in one.spend}
        denominator = math.lcm(*{value.denominator for value in distinct.values()})
        curves = [_numerators(one.spend[:hours], denominator) for one in together]
        summed = [sum(values) for values in zip(*curves, strict=True)]
        level, cost = _best(Counter(summed), discount)
        separate = sum((_best(Counter(curve), discount)[1] for curve in curves), Fraction(0))
        below = [level - value for value in summed if value < level]
        covered = Fraction(level, denominator)
        found.append(
            Pool(
                key=key,
                groups=tuple(one.name for one in together),
                discount=discount,
                hours=hours,
                covered=covered,
                per_hour=covered * (1 - Fraction(discount)),
                cost=cost / denominator,
                separate_cost=separate / denominator,
                all_on_demand=Fraction(sum(summed), denominator),
                unused_hours=len(below),
                unused=Fraction(sum(below), denominator),
                peak=Fraction(max(summed, default=0), denominator),
            )
        )
    return tuple(found)
