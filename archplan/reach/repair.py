"""Checking a suggested connection before `reach` suggests it: the route it adds must be the
one the table then chooses for the address (AWS keeps one route per destination and picks the
longest prefix, so a route for a block the table already routes, or one a more specific route
outranks, would not carry the packet), and a transit gateway must route the address on to the
right attachment from the zone the packet comes from. Each check runs the same route choice
the walk does (routing.choose, routing.choose_tgw) on the table with the route added."""

from __future__ import annotations

from typing import NamedTuple

from archplan.cidr import Block
from archplan.model import Architecture, Route, RouteTable, Target, TransitGateway, Vpc
from archplan.network import TgwRouteTable
from archplan.reach.routing import (
    TgwChoice,
    associated_table,
    choose,
    choose_tgw,
    tgw_table_name,
)


class RouteEdit(NamedTuple):
    """A route to add (`block` None: the table already routes the address to the target)."""

    block: Block | None


def _containing(vpc: Vpc, version: int, address: int) -> list[Block]:
    """Blocks a route for `address` may name, widest first: the VPC block holding it, then
    the subnet's (a narrower route outranks a wider one the table has)."""
    found: list[Block] = []
    blocks = vpc.ipv4_blocks if version == 4 else vpc.ipv6_cidrs
    found += [b for b in blocks if b.first <= address <= b.last]
    for subnet in vpc.subnets.values():
        block = subnet.cidr if version == 4 else subnet.ipv6_cidr
        if block is not None and block.first <= address <= block.last and block not in found:
            found.append(block)
    return found


def route_to(
    architecture: Architecture,
    vpc: Vpc,
    table: RouteTable | None,
    owner: Vpc,
    version: int,
    address: int,
    target: Target,
) -> RouteEdit | str:
    """The route to add to `table` (of `vpc`) so that `address`, in VPC `owner`, goes to
    `target`; or why no route of the owner's blocks would (text for the fix)."""
    current = choose(architecture, vpc, table, version, address)
    if current is not None and current.target == target:
        return RouteEdit(None)
    routes = table.routes if table is not None else ()
    taken: list[str] = []
    for block in _containing(owner, version, address):
        existing = next((r for r in routes if r.block == block), None)
        if existing is not None:
            taken.append(f"{block} -> {existing.target_text}")
            continue  # one route per destination: this block already goes elsewhere
        added = Route(str(block), block, None, target, f"{target.kind}:{target.name}", ())
        trial = (
            table._replace(routes=(*routes, added))
            if table is not None
            else RouteTable("main", vpc.name, True, (added,), vpc.path)
        )
        chosen = choose(architecture, vpc, trial, version, address)
        if chosen is not None and chosen.target == target:
            return RouteEdit(block)
        if chosen is not None:
            shown = chosen.target.kind + (f":{chosen.target.name}" if chosen.target.name else "")
            taken.append(f"{chosen.destination} -> {shown}")
    return " and ".join(dict.fromkeys(taken))


class TgwCheck(NamedTuple):
    ok: bool
    why: str = ""
    propagate: tuple[tuple[str, str], ...] = ()  # (table, attachment) propagations to add


def _attachment_zone(gateway: TransitGateway, vpc: Vpc, zone: str | None) -> str | None:
    """Why the VPC's attachment cannot take a packet from `zone`, or None when it can."""
    attachment = gateway.attachments.get(vpc.name)
    if attachment is None:
        return f"VPC {vpc.name} is not attached to transit gateway {gateway.name}"
    if zone is None:
        return None
    if any(s in vpc.subnets and vpc.subnets[s].az == zone for s in attachment.subnets):
        return None
    return f"the attachment of VPC {vpc.name} to {gateway.name} has no subnet in {zone}"


def through_gateway(
    architecture: Architecture,
    gateway: TransitGateway,
    source: Vpc,
    source_zone: str | None,
    destination: Vpc,
    back_zone: str | None,
    version: int,
    address: int,
    back_address: int,
) -> TgwCheck:
    """Whether the gateway carries the request from `source` to `destination` and the reply
    back, once both VPCs route to it; a table without a route for a VPC learns it by
    propagation (added to the fix)."""
    for vpc, zone in ((source, source_zone), (destination, back_zone)):
        why = _attachment_zone(gateway, vpc, zone)
        if why is not None:
            return TgwCheck(False, why)
    if version == 6 and any(
        gateway.attachments[v.name].ipv6_support is False for v in (source, destination)
    ):
        return TgwCheck(False, f"an attachment to {gateway.name} has IPv6 support off")
    if not gateway.route_tables:
        return TgwCheck(True)  # not described: the walk says what it assumes
    propagate: list[tuple[str, str]] = []
    for start, end, where in ((source, destination, address), (destination, source, back_address)):
        table = associated_table(gateway, start.name)
        if table is None:
            return TgwCheck(
                False,
                f"attachment {start.name} of {gateway.name} is associated with no route table",
            )
        choice = choose_tgw(architecture, gateway, table, version, where)
        if choice is None:
            propagate.append((table.name, end.name))
            choice = _with_propagation(architecture, gateway, table, end.name, version, where)
        if choice is None or choice.attachment != end.name:
            named = tgw_table_name(architecture, gateway, table)
            if choice is None:
                goes = f"has no route for VPC {end.name}"
            elif choice.attachment is None:
                goes = f"drops VPC {end.name}'s address by the blackhole {choice.destination}"
            else:
                goes = (
                    f"sends VPC {end.name}'s address to {choice.attachment} ({choice.destination})"
                )
            return TgwCheck(False, f"transit gateway route table {named} {goes}")
    return TgwCheck(True, "", tuple(propagate))


def _with_propagation(
    architecture: Architecture,
    gateway: TransitGateway,
    table: TgwRouteTable,
    attachment: str,
    version: int,
    address: int,
) -> TgwChoice | None:
    """The table's choice once it learns `attachment`'s routes by propagation."""
    trial = table._replace(propagations=(*table.propagations, attachment))
    changed = gateway._replace(route_tables={**gateway.route_tables, table.name: trial})
    fresh = architecture._replace(memo={})
    return choose_tgw(fresh, changed, trial, version, address)


def table_name(architecture: Architecture, gateway: TransitGateway, table: str) -> str:
    return tgw_table_name(architecture, gateway, gateway.route_tables[table])
