"""Route lookup as AWS does it: a subnet's table, the implicit local routes, longest prefix match."""

from __future__ import annotations

from typing import NamedTuple

from archplan.cidr import Block, Tagged, covered, overlapping_pairs
from archplan.findings import Path
from archplan.model import Route, RouteTable, Subnet, Target, Vpc

LOCAL = Target("local")


class Hop(NamedTuple):
    """Where part of a block goes: the target, and the route that sends it (None for local)."""

    target: Target | None  # None: no route matches, the traffic is dropped
    route: Route | None
    destination: Block | None


def table_of(vpc: Vpc, subnet: Subnet) -> RouteTable | None:
    """The subnet's route table: its own, else the VPC's main table (None: AWS's empty main)."""
    if subnet.route_table is not None:
        return vpc.route_tables.get(subnet.route_table)
    return vpc.main_route_table()


def tables_in_use(vpc: Vpc) -> list[RouteTable]:
    """Route tables some subnet uses (every table when the VPC declares no subnets)."""
    if not vpc.subnets:
        return list(vpc.route_tables.values())
    used: dict[str, RouteTable] = {}
    for subnet in vpc.subnets.values():
        table = table_of(vpc, subnet)
        if table is not None:
            used.setdefault(table.name, table)
    return list(used.values())


Candidate = tuple[Block, Target | None, Route | None]


def candidates(vpc: Vpc, table: RouteTable | None, version: int) -> list[Candidate]:
    """The table's routes of one address family, plus the implicit local routes."""
    local_blocks = vpc.ipv4_blocks if version == 4 else vpc.ipv6_cidrs
    found: list[Candidate] = [(local, LOCAL, None) for local in local_blocks]
    if table is not None:
        found += [
            (route.block, route.target, route)
            for route in table.routes
            if route.block is not None and route.block.version == version
        ]
    return found


def longest_match(vpc: Vpc, table: RouteTable | None, block: Block) -> Hop:
    """The most specific route containing all of `block` (target None: no route does)."""
    covering = [item for item in candidates(vpc, table, block.version) if item[0].contains(block)]
    if not covering:
        return Hop(None, None, None)
    destination, target, route = max(covering, key=lambda item: item[0].prefix)
    return Hop(target, route, destination)


def next_hops(
    vpc: Vpc, table: RouteTable | None, block: Block, routes: list[Candidate] | None = None
) -> list[Hop]:
    """Every next hop that some address in `block` takes through `table`, exactly.

    Longest prefix match per address: a route is used when part of the block falls inside it
    and outside every more specific route; a final hop with target None stands for addresses
    no route matches (dropped). IPv4 and IPv6 are separate: 0.0.0.0/0 never matches IPv6.
    `routes` passes `candidates(vpc, table, block.version)` when the caller already has it.
    """
    if routes is None:
        routes = candidates(vpc, table, block.version)
    relevant = [item for item in routes if item[0].overlaps(block)]
    if all(destination.contains(block) for destination, _, _ in relevant):
        # The usual case, nothing finer than the block itself: one longest match for all of it.
        if not relevant:
            return [Hop(None, None, None)]
        destination, target, route = max(relevant, key=lambda item: item[0].prefix)
        return [Hop(target, route, destination)]
    relevant.sort(key=lambda item: -item[0].prefix)
    # One route per destination: the local route wins a tie (AWS refuses the other one).
    unique: list[Candidate] = []
    for item in relevant:
        if all(item[0] != kept[0] for kept in unique):
            unique.append(item)
    relevant = unique
    hops: list[Hop] = []
    for index, (destination, target, route) in enumerate(relevant):
        region = destination if block.contains(destination) else block
        finer = [
            other
            for other, _, _ in relevant[:index]
            if other.prefix > destination.prefix and other.overlaps(region)
        ]
        if not covered(region, finer):
            hops.append(Hop(target, route, destination))
    if not covered(block, [destination for destination, _, _ in relevant]):
        hops.append(Hop(None, None, None))
    return hops


def vpc_blocks(vpc: Vpc) -> list[tuple[Block, Path]]:
    """Every block of a VPC, IPv4 then IPv6, with where it was written."""
    return vpc.ipv4_block_paths() + vpc.ipv6_block_paths()


def vpc_overlaps(first: Vpc, second: Vpc) -> list[tuple[tuple[Block, Path], tuple[Block, Path]]]:
    """Pairs of overlapping blocks, one from each VPC (first's block first): why two VPCs
    can never be peered, nor routed to each other through one transit gateway."""
    # The usual VPC has one block: one comparison instead of a sweep (45,000 peerings).
    single = _one_block(first) and _one_block(second)
    if single and not (first.cidr and second.cidr and first.cidr.overlaps(second.cidr)):
        return []
    first_blocks, second_blocks = vpc_blocks(first), vpc_blocks(second)
    tagged = [Tagged(block, (0, block, path)) for block, path in first_blocks]
    tagged += [Tagged(block, (1, block, path)) for block, path in second_blocks]
    pairs = []
    for one, other in overlapping_pairs(tagged):
        if one.owner[0] == other.owner[0]:
            continue  # two blocks of the same VPC: another rule's business
        mine, theirs = (one, other) if one.owner[0] == 0 else (other, one)
        pairs.append(((mine.owner[1], mine.owner[2]), (theirs.owner[1], theirs.owner[2])))
    return pairs


def _one_block(vpc: Vpc) -> bool:
    return vpc.cidr is not None and not vpc.secondary_cidrs and not vpc.ipv6_cidrs
