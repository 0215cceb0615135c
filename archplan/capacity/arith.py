"""Exact integer rounding shared by the capacity rules, plans and charts."""

from __future__ import annotations


def ceil_div(numerator: int, denominator: int) -> int:
    """⌈numerator / denominator⌉ for integers, without floats (denominator > 0)."""
    return -(-numerator // denominator)
