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
from archplan.model import Architecture, Peering, RouteTable, Target, Vpc
from archplan.reach import repair
from archplan.reach.hops import Dropped
from archplan.reach.routing import Choice, choose, table_label, table_of

GONE = frozenset({"rejected", "expired", "failed", "deleting", "deleted"})


def holds(other: Vpc, vpc: Vpc, version: int, address: int) -> bool:
    """Whether `address` is another VPC's (`other`), not one of `vpc`'s own."""
    blocks = other.ipv4_blocks if version == 4 else other.ipv6_cidrs
    return other.name != vpc.name and any(b.first <= address <= b.last for b in blocks)


def sent_from(vpc: Vpc, version: int, address: int) -> bool:
    """Whether the packet's sender is in `vpc` (or its NAT gateway is): only then is a
    connection of this VPC and the destination's the fix. A packet that came through the VPC
    from elsewhere (a transit gateway, a peering) went wrong before it got here."""
    return _block_of(vpc, version, address) is not None


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
    source: int,
) -> Dropped:
    """The drop to report when `table` sends a packet for VPC `other` nowhere or to the
    internet (`choice`: the route it takes, None when none; `source`: the address the
    reply must come back to)."""
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
    gone = [p for p in peerings if p.status in GONE]
    if len(gone) == len(peerings) and not gateways:
        reason += f"; VPCs {vpc.name} and {other.name} are not peered"
        if gone:
            reason += f" (peering {gone[0].name} is {gone[0].status})"
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
        _fix(
            architecture,
            vpc,
            subnet,
            table,
            other,
            version,
            address,
            source,
            peerings,
            gateways,
            back_subnet,
        ),
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
    subnet: str,
    table: RouteTable | None,
    other: Vpc,
    version: int,
    address: int,
    source: int,
    peerings: list[Peering],
    gateways: list[str],
    back_subnet: str | None,
) -> str:
    """The fix (the sender, `source`, is in `vpc`), checked: each route it adds is the one
    its table then chooses for the address (repair.route_to), a transit gateway routes on
    both ways; a way that would not carry the packet is not suggested, and when none would,
    the fix says why."""
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
    back_table = table_of(other, back_subnet) if back_subnet in other.subnets else None
    ends = (
        (vpc, table, other, address, table_label(architecture, vpc, table)),
        (other, back_table, vpc, source, table_label(architecture, other, back_table)),
    )
    refused: list[str] = []

    def routes(target: Target) -> list[str] | None:
        """The routes to add for `target` ("BLOCK -> TARGET to TABLE"), or None (why is
        appended to `refused`)."""
        added = []
        for owner, at, toward, where, label in ends:
            edit = repair.route_to(architecture, owner, at, toward, version, where, target)
            shown = f"{target.kind}:{target.name}"
            if isinstance(edit, str):
                refused.append(
                    f"{label} already routes {edit}, which a route to {shown} would not outrank"
                )
                return None
            if edit.block is not None:
                added.append(f"{edit.block.canonical} -> {shown} to {label}")
        return added

    # A peering that is gone (rejected, expired, failed, deleted) carries nothing: a new one
    # is the fix, as when there is none.
    live = [p for p in peerings if p.status not in GONE]
    for peering in live:
        added = routes(Target("peering", peering.name))
        if added is None:
            continue
        if peering.status == "pending-acceptance":
            first = f"accept peering {peering.name}, "
        elif peering.status != "active":
            first = f"once peering {peering.name} is active (it is {peering.status}), "
        else:
            first = ""
        return f"{first}{_add(added)}".removesuffix(", ")
    zone = vpc.subnets[subnet].az if subnet in vpc.subnets else None
    back_zone = other.subnets[back_subnet].az if back_subnet in other.subnets else None
    for name in gateways:
        gateway = architecture.transit_gateways[name]
        check = repair.through_gateway(
            architecture, gateway, vpc, zone, other, back_zone, version, address, source
        )
        if not check.ok:
            refused.append(check.why)
            continue
        added = routes(Target("tgw", name))
        if added is None:
            continue
        learn = [
            f"propagate attachment {attachment} into transit gateway route table "
            f"{repair.table_name(architecture, gateway, table_name)}"
            for table_name, attachment in check.propagate
        ]
        return "; ".join(part for part in (_add(added), *learn) if part)
    if not live:
        added = routes(Target("peering", "NAME"))
        if added is not None:
            peer = (
                f"peer VPCs {vpc.name} and {other.name} (peerings: {{requester: {vpc.name}, "
                f"accepter: {other.name}}}) and {_add(added)}"
            )
            if gateways:  # the shared transit gateway would not carry it: say why
                return f"{peer} ({'; '.join(dict.fromkeys(refused))})"
            return f"{peer}; or attach both to a transit gateway and route each block to it"
    return "none by routes alone: " + "; ".join(dict.fromkeys(refused))


def _add(routes: list[str]) -> str:
    if not routes:
        return ""
    return "add a route " + ", and ".join(routes)
