"""Which mesh links `peering-plan` may route from both sides without disturbing a route already there."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from typing import NamedTuple

from archplan.cidr import Block
from archplan.model import RouteTable


class RouteNeed(NamedTuple):
    """A route a table must gain: the peer's block through the pair's peering."""

    destination: Block
    peering: str
    peer: str

    @property
    def target(self) -> str:
        return f"peering:{self.peering}"


class Conflict(NamedTuple):
    """A route the plan cannot add: the table already sends that destination, or an overlapping
    one, elsewhere (AWS keeps one route per destination; overlaps split traffic by prefix)."""

    destination: Block  # the route the mesh needs
    existing: Block  # the table's route in the way (equal to destination, or overlapping it)
    current: str  # that route's target
    peering: str  # the peering the mesh needs for destination

    @property
    def description(self) -> str:
        if self.existing == self.destination:
            return f"{self.destination} already goes to {self.current}"
        return f"{self.destination} overlaps {self.existing}, which goes to {self.current}"


class TableConflict(NamedTuple):
    """A conflict, with the VPC and route table it is in."""

    vpc: str
    table: str
    conflict: Conflict

    @property
    def description(self) -> str:
        return f'in route table "{self.table}" of VPC "{self.vpc}", {self.conflict.description}'


class LeftOut(NamedTuple):
    """A mesh link whose peering and routes the snippet leaves out, and why."""

    first: str
    second: str
    peering: str
    present: bool  # the peering exists; only its missing routes are left out
    conflicts: tuple[TableConflict, ...]
    # Other reasons: a quota the link would exceed, a stray route it would make transitive.
    problems: tuple[str, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(item.description for item in self.conflicts) + self.problems


# The key of a route's destination: (IP version, first address, prefix length).
_Key = tuple[int, int, int]


class TableState:
    """One route table as the plan fills it: the file's routes, then the routes accepted so far.

    CIDR blocks either nest or are disjoint, so the routes overlapping a block are those that
    contain it (one supernet per shorter prefix, looked up by key) and those inside it (a range
    of the routes sorted by first address): no need to compare a block with every route.
    """

    __slots__ = ("counts", "routes", "starts")

    def __init__(self, table: RouteTable | None) -> None:
        self.routes: dict[_Key, tuple[Block, str, bool]] = {}  # -> block, target, from the file
        self.starts: dict[int, list[tuple[int, int]]] = {4: [], 6: []}  # (first, prefix), sorted
        self.counts = {4: 0, 6: 0}  # routes per family, as routes_per_route_table counts them
        for route in table.routes if table else ():
            if route.block is not None:
                self.add(route.block, route.target_text, True)

    def add(self, block: Block, target: str, from_file: bool = False) -> None:
        key = (block.version, block.first, block.prefix)
        if key in self.routes:
            return  # a duplicate route in the file: duplicate-route reports it
        self.routes[key] = (block, target, from_file)
        self.counts[block.version] += 1
        insort(self.starts[block.version], (block.first, block.prefix))

    def lookup(self, block: Block) -> tuple[Block, str, bool] | None:
        """The route for exactly this destination, if any."""
        return self.routes.get((block.version, block.first, block.prefix))

    def in_the_way(self, block: Block) -> tuple[Block, str] | None:
        """A route with another destination that overlaps `block`, if any.

        Default routes (/0) are left alone: every more specific route is meant to win over
        them, and replies find the peering route first the same way.
        """
        bits = 32 if block.version == 4 else 128
        for prefix in range(1, block.prefix):
            first = block.first & ~((1 << (bits - prefix)) - 1)
            found = self.routes.get((block.version, first, prefix))
            if found is not None:
                return found[0], found[1]
        starts = self.starts[block.version]
        index = bisect_left(starts, (block.first, block.prefix + 1))
        if index < len(starts) and starts[index][0] <= block.last:
            first, prefix = starts[index]
            inner = self.routes[(block.version, first, prefix)]
            return inner[0], inner[1]
        return None


def check(
    states: dict[tuple[str, str], TableState],
    sides: Iterable[tuple[str, str, list[RouteNeed]]],
) -> tuple[list[tuple[str, str, RouteNeed]], list[TableConflict]]:
    """The routes a link adds in each (VPC, table, needs) of both sides, or why it cannot.

    A need is met when the table has exactly that route already. Any other route overlapping
    it, the file's or one accepted for another link, is a conflict: a different target for
    the same destination is refused by AWS; a narrower route (even through the same peering)
    means someone chose which addresses go where, and widening it sends replies astray; a
    wider one would be shadowed. Needs of one table that overlap each other (two peers with
    overlapping blocks) conflict the same way, the first accepted winning.
    """
    adds: list[tuple[str, str, RouteNeed]] = []
    conflicts: list[TableConflict] = []
    for vpc, table, needs in sides:
        state = states[(vpc, table)]
        for need in needs:
            exact = state.lookup(need.destination)
            if exact is not None and exact[1] != need.target:
                conflict = Conflict(need.destination, exact[0], exact[1], need.peering)
                conflicts.append(TableConflict(vpc, table, conflict))
                continue
            # Even a route that is already right can be overridden in part by a narrower one.
            other = state.in_the_way(need.destination)
            if other is not None:
                conflict = Conflict(need.destination, other[0], other[1], need.peering)
                conflicts.append(TableConflict(vpc, table, conflict))
            elif exact is None or not exact[2]:
                # New, or accepted earlier for another mesh (each mesh lists its routes).
                adds.append((vpc, table, need))
    return adds, conflicts
