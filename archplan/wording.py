"""Small English helpers shared by every report: counted nouns."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """`1 VPC`, `2 VPCs`: the count and the noun, with an `s` unless the count is one."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
