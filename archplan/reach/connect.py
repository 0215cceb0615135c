"""Why a packet for another VPC of the file finds no way there, and the fix that would work.

When a VPC's table has no route for another VPC's block, the packet follows the default route
to a NAT or internet gateway (or no route at all), and the internet gateway is only where it
is finally dropped. The real cause is the missing connection: the VPCs are not peered (peering
is not transitive: two spokes of one hub are not peered with each other), or they are peered
or share a transit gateway but the table has no route through it. The fix is checked against
the file: VPCs whose blocks overlap can be connected by neither a peering nor a transit gateway
(AWS: "You cannot create a VPC peering connection between VPCs that have matching or
overlapping IPv4 or IPv6 CIDR blocks"; a transit gateway routes to one attachment per block).
"""

from __future__ import annotations

from archplan.cidr import Block
from archplan.model import Architecture, Peering, RouteTable, Vpc
from archplan.reach.hops import Dropped
from archplan.reach.routing import Choice, choose, table_label, table_of


def holds(other: Vpc, vpc: Vpc, version: int, address: int) -> bool:
    """Whether `address` is another VPC's (`other`), not one of `vpc`'s own."""
    blocks = other.ipv4_blocks if version == 4 else other.ipv6_cidrs
    return other.name != vpc.name and any(b.first <= address <= b.last for b in blocks)


def only_internet(
    architecture: Architecture, vpc: Vpc, choice: Choice | None, version: int, address: int
) -> bool:
    """Whether the route leads nowhere but the internet: none, an internet gateway, or a NAT
    gateway whose own subnet's table sends the packet on to one (a NAT gateway's table may
    route another VPC's block to a peering or transit gateway: that path is walked)."""
    if choice is None or choice.target.kind != "nat":
        return True
    nat_subnet = choice.target.name or ""
    if nat_subnet not in vpc.subnets:
        return False  # the walk says what is wrong with the NAT gateway
    onward = choose(architecture, vpc, table_of(vpc, nat_subnet), version, address)
    return onward is None or onward.target.kind in ("igw", "egress-only-igw")


def _block_of(vpc: Vpc, version: int, address: int) -> Block | None:
    blocks = vpc.ipv4_blocks if version == 4 else vpc.ipv6_cidrs
    return next((b for b in blocks if b.first <= address <= b.last), None)


def not_connected(
    architecture: Architecture,
    vpc: Vpc,
    subnet: str,
    table: RouteTable | None,
    choice: Choice | None,
    other: Vpc,
    version: int,
    address: int,
    back_subnet: str | None,
) -> Dropped:
    """The drop to report when `table` sends a packet for VPC `other` nowhere or to the
    internet (`choice`: the route it takes, None when none)."""
    where = table_label(architecture, vpc, table)
    block = _block_of(other, version, address)
    shown = block.canonical if block is not None else "its blocks"
    if choice is None:
        reason = f"{where} (subnet {subnet}) has no route to VPC {other.name}'s block {shown}"
    else:
        reason = (
            f"{where} (subnet {subnet}) has no route to VPC {other.name}'s block {shown} "
            f"except {_route(choice.destination)}, which leads to the internet"
        )
    peerings = [
        p for p in architecture.peerings.values() if p.involves(vpc.name) and p.involves(other.name)
    ]
    gateways = [
        g.name
        for g in architecture.transit_gateways.values()
        if {a.vpc for a in g.attachments.values()} >= {vpc.name, other.name}
    ]
    if not peerings and not gateways:
        reason += f"; VPCs {vpc.name} and {other.name} are not peered"
        hubs = sorted(
            name
            for name in _peers(architecture, vpc.name) & _peers(architecture, other.name)
            if name not in (vpc.name, other.name)
        )
        if hubs:
            reason += (
                f" (peering is not transitive: both peer with {', '.join(hubs)} only)"
                if not (_peers(architecture, vpc.name) - set(hubs))
                and not (_peers(architecture, other.name) - set(hubs))
                else f" (peering is not transitive: both peer with {', '.join(hubs)})"
            )
    return Dropped(
        reason,
        _fix(architecture, vpc, table, other, version, shown, peerings, gateways, back_subnet),
        choice.path if choice is not None else (table.path if table else vpc.path),
    )


def _route(destination: str) -> str:
    if destination in ("0.0.0.0/0", "::/0"):
        return f"the default route {destination}"
    return f"the route {destination}"


def _peers(architecture: Architecture, vpc: str) -> set[str]:
    found = set()
    for peering in architecture.peerings.values():
        if peering.involves(vpc) and peering.status == "active":
            found.add(peering.accepter if peering.requester == vpc else peering.requester)
    return {name for name in found if name is not None}


def _fix(
    architecture: Architecture,
    vpc: Vpc,
    table: RouteTable | None,
    other: Vpc,
    version: int,
    shown: str,
    peerings: list[Peering],
    gateways: list[str],
    back_subnet: str | None,
) -> str:
    where = table_label(architecture, vpc, table)
    back_table = table_of(other, back_subnet) if back_subnet in other.subnets else None
    back_where = table_label(architecture, other, back_table)
    mine = vpc.ipv4_blocks if version == 4 else vpc.ipv6_cidrs
    back_shown = mine[0].canonical if mine else f"VPC {vpc.name}'s block"
    overlaps = [
        f"{a.canonical} with {b.canonical}"
        for a in (*vpc.ipv4_blocks, *vpc.ipv6_cidrs)
        for b in (*other.ipv4_blocks, *other.ipv6_cidrs)
        if a.overlaps(b)
    ]
    if overlaps:
        return (
            f"none that keeps the addresses: VPCs {vpc.name} and {other.name} overlap "
            f"({', '.join(overlaps)}), so neither a peering nor a transit gateway can connect "
            "them; renumber one of them"
        )
    if peerings:
        peering = peerings[0]
        accept = "" if peering.status == "active" else f"accept peering {peering.name}, "
        return (
            f"{accept}add a route {shown} -> peering:{peering.name} to {where}, and "
            f"{back_shown} -> peering:{peering.name} to {back_where}"
        )
    if gateways:
        return (
            f"add a route {shown} -> tgw:{gateways[0]} to {where}, and {back_shown} -> "
            f"tgw:{gateways[0]} to {back_where}"
        )
    return (
        f"peer VPCs {vpc.name} and {other.name} (peerings: {{requester: {vpc.name}, "
        f"accepter: {other.name}}}) and add a route {shown} -> peering:NAME to {where}, and "
        f"{back_shown} -> peering:NAME to {back_where}; or attach both to a transit gateway "
        "and route each block to it"
    )
