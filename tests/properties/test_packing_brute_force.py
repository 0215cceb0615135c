"""Packing tasks onto instances, against a brute-force optimum on small cases.

Every packing must hold (never more CPU, memory or interfaces on an instance than it has, every
item placed) and use no more instances than the documented bound of first fit decreasing allows
over the true optimum. ARCHPLAN_PROPERTY_EXAMPLES raises the number of cases for a longer run.
"""

from __future__ import annotations

import os
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan.capacity.packing import Size, fits, instances_for, pack

EXAMPLES = int(os.environ.get("ARCHPLAN_PROPERTY_EXAMPLES", "300"))
# (d + 0.7) × OPT + 1 for d = 3 dimensions (Garey, Graham, Johnson and Yao), as the module says.
BOUND = Fraction(37, 10)

CAPACITIES = st.builds(
    Size,
    st.sampled_from([1024, 2048, 4096]),
    st.sampled_from([2048, 4096, 8192]),
    st.integers(min_value=1, max_value=4),
)
ITEM = st.builds(
    Size,
    st.sampled_from([256, 512, 1024, 2048]),
    st.sampled_from([512, 1024, 2048, 3072, 4096]),
    st.integers(min_value=0, max_value=1),
)
ITEMS = st.lists(st.tuples(ITEM, st.integers(min_value=0, max_value=4)), min_size=1, max_size=3)


def brute_force(items: list[Size], capacity: Size) -> int:
    """The fewest instances that hold every item, by trying each count with backtracking."""
    if not items:
        return 0
    order = sorted(items, reverse=True)

    def place(free: list[Size], position: int) -> bool:
        if position == len(order):
            return True
        item = order[position]
        tried: set[Size] = set()
        for index, room in enumerate(free):
            if room in tried or fits(room, item) == 0:
                continue
            tried.add(room)
            free[index] = Size(
                room.cpu - item.cpu, room.memory - item.memory, room.enis - item.enis
            )
            if place(free, position + 1):
                return True
            free[index] = room
        return False

    for bins in range(1, len(order) + 1):
        if place([capacity] * bins, 0):
            return bins
    raise AssertionError("an item that fits an empty instance always packs")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ITEMS, CAPACITIES)
def test_packing_holds_and_stays_within_the_bound(
    items: list[tuple[Size, int]], capacity: Size
) -> None:
    packed = pack(items, capacity)
    if any(count and fits(capacity, item) == 0 for item, count in items):
        assert packed is None
        assert instances_for(items, capacity) is None
        return
    assert packed is not None
    placed = [0] * len(items)
    for held, alike in packed.fills:
        assert alike >= 1
        used = Size(
            sum(items[kind][0].cpu * count for kind, count in enumerate(held)),
            sum(items[kind][0].memory * count for kind, count in enumerate(held)),
            sum(items[kind][0].enis * count for kind, count in enumerate(held)),
        )
        assert used.cpu <= capacity.cpu
        assert used.memory <= capacity.memory
        assert used.enis <= capacity.enis
        assert any(held), "an instance with nothing on it is never opened"
        for kind, count in enumerate(held):
            placed[kind] += count * alike
    assert placed == [count for _, count in items]
    assert packed.instances == sum(alike for _, alike in packed.fills)
    assert instances_for(items, capacity) == packed.instances
    flat = [item for item, count in items for _ in range(count)]
    optimum = brute_force(flat, capacity)
    assert packed.instances <= BOUND * optimum + 1
    if len({item for item in flat}) == 1:
        assert packed.instances == optimum  # one kind is packed exactly


def test_one_kind_is_closed_form() -> None:
    # c5.large-like: 2 vCPU, 4 GiB, 2 task interfaces without trunking
    capacity = Size(2048, 4096, 2)
    assert instances_for([(Size(256, 512, 1), 7)], capacity) == 4  # interfaces bind: 2 per instance
    assert instances_for([(Size(256, 512, 0), 7)], capacity) == 1  # bridge: 8 by CPU and memory
    assert instances_for([(Size(4096, 512, 0), 1)], capacity) is None
