"""Why a link's routes cannot be added safely: quotas, transitive routes, misdirected replies."""

from __future__ import annotations

from archplan.model import Vpc
from archplan.plan.mesh.index import Index, strays_of
from archplan.plan.tables import RouteNeed
from archplan.routes import vpc_blocks


def ambiguous_replies(index: Index, first: str, second: str) -> list[str]:
    """Why routing a link would send replies to the wrong VPC: one side is peered with a third
    VPC overlapping the other side, so its route to the other side's blocks would also catch
    replies meant for the third VPC (AWS does no reverse-path forwarding, §4.6)."""
    problems = []
    for vpc, peer in ((first, second), (second, first)):
        for third in sorted(index.peers.get(vpc, ())):
            if third != peer and frozenset((third, peer)) in index.overlapping:
                problems.append(
                    f'VPC "{vpc}" is also peered with "{third}", which overlaps "{peer}": its '
                    f'replies to one of them would go to the other; route "{vpc}"\'s subnets '
                    "to each by hand"
                )
    return problems


def reroutes_strays(index: Index, adds: list[tuple[str, str, RouteNeed]]) -> list[str]:
    """Why a link's routes would change where a broken route of the file leads: a route in
    VPC X through a peering to Y, for addresses outside Y, is judged by where Y sends them
    (its VPN, its internet gateway...); a new route in Y for those addresses changes that."""
    problems = []
    for vpc, table, need in adds:
        for source, block, peering in strays_of(index, vpc):
            if block.overlaps(need.destination):
                problems.append(
                    f'VPC "{source}" routes {block} through peering "{peering}" to "{vpc}", '
                    f'which is not in "{vpc}"; a route to {need.destination} in route table '
                    f'"{table}" of "{vpc}" would change where it leads: fix it first'
                )
    return list(dict.fromkeys(problems))


def made_transitive(index: Index, first: Vpc, second: Vpc) -> list[str]:
    """Why a new peering of `first` and `second` would turn a route of the file transitive."""
    problems = []
    for peer, other in ((first, second), (second, first)):
        for vpc, block, peering in strays_of(index, peer.name):
            if vpc != other.name and any(block.overlaps(own) for own, _ in vpc_blocks(other)):
                problems.append(
                    f'VPC "{vpc}" routes {block} through peering "{peering}" to "{peer.name}", '
                    f'which is not in "{peer.name}"; peering "{peer.name}" with "{other.name}" '
                    "would make that route transitive: fix it first"
                )
    return problems


def quota_problems(
    index: Index,
    adds: list[tuple[str, str, RouteNeed]],
    new_peering: tuple[str, ...],
    peering_quota: int,
    route_quota: int,
) -> tuple[str, ...]:
    """The quotas adding one link would exceed (the snippet must not trip peering-quota or
    route-quota)."""
    problems = []
    for name in new_peering:
        after = index.live_count.get(name, 0) + index.added_peerings.get(name, 0) + 1
        if after > peering_quota:
            problems.append(
                f'VPC "{name}" would have {after} peerings; the active_peerings_per_vpc quota '
                f"is {peering_quota}"
            )
    growth: dict[tuple[str, str, int], int] = {}
    for vpc, table, need in adds:
        if index.tables[(vpc, table)].lookup(need.destination) is None:
            key = (vpc, table, need.destination.version)
            growth[key] = growth.get(key, 0) + 1
    for (vpc, table, version), count in growth.items():
        after = index.tables[(vpc, table)].counts[version] + count
        if after > route_quota:
            problems.append(
                f'route table "{table}" of VPC "{vpc}" would have {after} IPv{version} routes; '
                f"the routes_per_route_table quota is {route_quota}"
            )
    return tuple(problems)
