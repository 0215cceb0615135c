"""What several peering rules read: a peering's VPCs, routes through peerings, states."""

from __future__ import annotations

from archplan.cidr import Block, covered
from archplan.model import Architecture, Peering, Route, RouteTable, Vpc
from archplan.routes import vpc_blocks
from archplan.rules.registry import shared

WAITING = ("pending-acceptance", "provisioning", "initiating-request")
DEAD = ("failed", "rejected", "expired", "deleted", "deleting")


def vpcs_of(architecture: Architecture, peering: Peering) -> tuple[Vpc, Vpc] | None:
    """Both VPCs of a peering, when both exist and differ, and its status was not rejected (a
    `status: bogus` stands for a status not known: not AWS's default, active)."""
    if architecture.is_rejected(*peering.path, "status"):
        return None
    requester = architecture.vpcs.get(peering.requester or "")
    accepter = architecture.vpcs.get(peering.accepter or "")
    if requester is None or accepter is None or requester.name == accepter.name:
        return None
    return requester, accepter


def other_vpc(peering: Peering, vpc: str) -> str | None:
    return peering.accepter if peering.requester == vpc else peering.requester


def peering_routes(architecture: Architecture) -> list[tuple[Vpc, RouteTable, Route, Peering]]:
    """Every route through a peering that involves the route's own VPC."""
    found = []
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                target = route.target
                if target is None or target.kind != "peering":
                    continue
                peering = architecture.peerings.get(target.name or "")
                if peering is None or architecture.is_rejected(*peering.path, "status"):
                    continue  # a status rejected is not known: neither live nor dead
                if peering.involves(vpc.name):
                    found.append((vpc, table, route, peering))
    return found


def peer_vpc(architecture: Architecture, vpc: Vpc, peering: Peering) -> Vpc | None:
    other = architecture.vpcs.get(other_vpc(peering, vpc.name) or "")
    return other if other is not None and other.name != vpc.name else None


def within_vpc(vpc: Vpc, block: Block) -> bool:
    """Every address of `block` is the VPC's, even when it spans two adjacent blocks."""
    if vpc.cidr is not None and vpc.cidr.contains(block):
        return True  # the usual case, decided without listing the VPC's blocks
    own = [mine for mine, _ in vpc_blocks(vpc) if mine.version == block.version]
    return any(mine.contains(block) for mine in own) or covered(block, own)


def routed_sides(architecture: Architecture) -> dict[Peering, dict[str, Route]]:
    """For each live peering between two existing VPCs: which side routes through it (first route)."""
    sides: dict[Peering, dict[str, Route]] = {
        peering: {}
        for peering in architecture.peerings.values()
        if peering.status not in DEAD and vpcs_of(architecture, peering) is not None
    }
    for vpc, _table, route, peering in shared(architecture, "peering-routes-list", peering_routes):
        if peering in sides:
            sides[peering].setdefault(vpc.name, route)
    return sides
