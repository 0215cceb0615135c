"""What capacity units serve at the target utilization, and how many a demand needs (exact)."""

from __future__ import annotations

from decimal import Decimal

from archplan.capacity.arith import ceil_div


def served_by(units: int, per_unit: Decimal, target_utilization: int) -> Decimal:
    """Demand `units` serve while running at `target_utilization` percent (exact decimal)."""
    return units * per_unit * target_utilization / 100


def units_for(demand: Decimal, per_unit: Decimal, target_utilization: int) -> int:
    """Capacity units needed so that `demand` runs at or below the target utilization.

    ⌈demand / (per_unit × target / 100)⌉, with fractions so that no float rounding can move
    the ceiling (100 × 0.07 is 7.000000000000001 in floats).
    """
    from fractions import Fraction  # only when a capacity is computed (start-up of validate)

    needed = Fraction(demand) * 100 / (Fraction(per_unit) * target_utilization)
    return ceil_div(needed.numerator, needed.denominator)
