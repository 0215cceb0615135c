"""Packing tasks or pods onto instances of one type: first fit decreasing over CPU, memory and
network interfaces, in exact integers.

Items come in a few kinds (one per service or workload, all of a kind the same size), so the
packing places a whole run of one kind at a time: an instance that cannot take one more item
of a kind cannot take any later one of that kind either, so filling each open instance in turn
with as many as fit is exactly what placing the items one by one (first fit) would do. Identical
instances are kept as one entry with a count, which keeps an hour's packing to a few dozen
operations however many tasks it holds.

How far from the fewest instances this can be: first fit decreasing uses at most
⌊11/9 × OPT + 6/9⌋ instances in one dimension (Dósa, 2007), and at most (d + 0.7) × OPT + O(1)
for d dimensions (Garey, Graham, Johnson and Yao, 1976): with CPU, memory and interfaces that is
3.7 × OPT in theory; the property tests compare it with a brute-force optimum on small cases.
One kind alone is always packed optimally (⌈n / per instance⌉).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from archplan.capacity.arith import ceil_div


class Size(NamedTuple):
    """What one item needs, or what one instance offers: CPU units, MiB, network interfaces."""

    cpu: int
    memory: int
    enis: int


def fits(free: Size, item: Size) -> int:
    """How many `item`s fit in `free` (a very large number when the item needs nothing)."""
    # The hot path of packing: plain integer comparisons, no intermediate list.
    most = 1 << 62
    if item.cpu:
        most = free.cpu // item.cpu
    if item.memory:
        by_memory = free.memory // item.memory
        if by_memory < most:
            most = by_memory
    if item.enis:
        by_enis = free.enis // item.enis
        if by_enis < most:
            most = by_enis
    return most


class Packed(NamedTuple):
    instances: int
    # Each distinct fill once: (items of each kind on it, how many instances are filled so).
    fills: tuple[tuple[tuple[int, ...], int], ...]


def _key(item: Size, capacity: Size) -> tuple[int, ...]:
    """Decreasing order: the largest share of the instance any dimension takes, then the rest
    (compared as exact fractions by cross-multiplying with the other dimensions)."""
    shares = (
        item.cpu * capacity.memory * max(capacity.enis, 1),
        item.memory * capacity.cpu * max(capacity.enis, 1),
        item.enis * capacity.cpu * capacity.memory,
    )
    return tuple(sorted(shares, reverse=True))


def decreasing(sizes: Sequence[Size], capacity: Size) -> list[int]:
    """The positions of `sizes` in the order first fit decreasing places them."""
    return sorted(
        range(len(sizes)),
        key=lambda index: (_key(sizes[index], capacity), -index),
        reverse=True,
    )


def pack(
    items: Sequence[tuple[Size, int]], capacity: Size, order: Sequence[int] | None = None
) -> Packed | None:
    """Instances of size `capacity` needed for `count` items of each size; None when an item
    does not fit on an empty instance at all. `order` is decreasing() of the sizes, when the
    caller packs the same sizes many times."""
    if order is None:
        order = decreasing([item for item, _ in items], capacity)
    order = [index for index in order if items[index][1] > 0]
    kinds = len(items)
    # Open instances, in the order they were opened: [free, items per kind, how many alike].
    open_: list[tuple[Size, list[int], int]] = []
    for index in order:
        item, left = items[index]
        if fits(capacity, item) == 0:
            return None
        position = 0
        while left and position < len(open_):
            free, held, alike = open_[position]
            room = fits(free, item)
            if room == 0:
                position += 1
                continue
            # First fit fills the run's instances one after the other: `full` of them to the
            # brim, then one with what is left, and the others stay as they were.
            full = min(alike, left // room)
            left -= full * room
            partial = 1 if left and full < alike else 0
            replacement = []
            if full:
                replacement.append((_take(free, item, room), _add(held, index, room), full))
            if partial:
                replacement.append((_take(free, item, left), _add(held, index, left), 1))
                left = 0
            if alike - full - partial:
                replacement.append((free, held, alike - full - partial))
            open_[position : position + 1] = replacement
            position += len(replacement)
        if left:
            each = fits(capacity, item)
            full, rest = divmod(left, each)
            if full:
                held = [0] * kinds
                held[index] = each
                open_.append((_take(capacity, item, each), held, full))
            if rest:
                held = [0] * kinds
                held[index] = rest
                open_.append((_take(capacity, item, rest), held, 1))
    return Packed(
        sum(alike for _, _, alike in open_),
        tuple((tuple(held), alike) for _, held, alike in open_),
    )


def _add(held: list[int], index: int, count: int) -> list[int]:
    more = held.copy()
    more[index] += count
    return more


def _take(free: Size, item: Size, count: int) -> Size:
    return Size(
        free.cpu - item.cpu * count,
        free.memory - item.memory * count,
        free.enis - item.enis * count,
    )


def instances_for(
    items: Sequence[tuple[Size, int]], capacity: Size, order: Sequence[int] | None = None
) -> int | None:
    """The instances `pack` uses; one kind alone in closed form."""
    present = [(item, count) for item, count in items if count > 0]
    if not present:
        return 0
    if len(present) == 1:
        item, count = present[0]
        each = fits(capacity, item)
        return ceil_div(count, each) if each else None
    packed = pack(items, capacity, order)
    return packed.instances if packed is not None else None
