"""Analyses several rules and planners share (subnet addresses, ...), and `shared`, which
computes one once per file. Below archplan.rules: an analysis never imports a rule module."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from archplan.model import Architecture

T = TypeVar("T")


def shared(architecture: Architecture, key: str, compute: Callable[[Architecture], T]) -> T:
    """An analysis several rules read (reply paths, routes leaving a peer), computed once."""
    if key not in architecture.memo:
        architecture.memo[key] = compute(architecture)
    return cast(T, architecture.memo[key])
