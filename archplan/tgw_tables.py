"""Transit gateway route tables as AWS applies them: which table an attachment is associated
with, what propagates into a table, and which routes of a table cover a block.

Only for gateways whose file writes route tables (or default tables): without them, archplan
models AWS's default route table, with which every attachment is associated and to which
every attachment propagates, and these questions have no surprising answer.
"""

from __future__ import annotations

from typing import NamedTuple

from archplan.cidr import Block, Tagged, overlapping_pairs
from archplan.findings import Path
from archplan.model import Architecture, TransitGateway, Vpc
from archplan.network import TgwRouteTable
from archplan.routes import vpc_blocks


def explicit(gateway: TransitGateway) -> bool:
    """Whether the file describes the gateway's route tables (else: one default table)."""
    return bool(gateway.route_tables)


def associated_table(gateway: TransitGateway, attachment: str) -> TgwRouteTable | None:
    """The table an attachment is associated with: the one listing it, else the default
    association table (AWS associates new attachments with it), else None."""
    for table in gateway.route_tables.values():
        if attachment in table.associations:
            return table
    if gateway.default_association is not None:
        return gateway.route_tables.get(gateway.default_association)
    return None


def propagating(gateway: TransitGateway, table: TgwRouteTable) -> list[tuple[str, Path]]:
    """The VPC attachments propagating into `table`, with where that is written: listed under
    its propagations, or every VPC attachment when it is the default propagation table."""
    found = [
        (name, (*table.path, "propagations", index))
        for index, name in enumerate(table.propagations)
        if name in gateway.attachments
    ]
    if gateway.default_propagation == table.name:
        listed = {name for name, _ in found}
        found += [
            (name, attachment.path)
            for name, attachment in gateway.attachments.items()
            if name not in listed
        ]
    return found


class TgwCandidate(NamedTuple):
    """A route a table holds: static (written) or propagated from a VPC attachment."""

    block: Block
    attachment: str | None  # None: blackhole
    static: bool
    path: Path


def candidates(
    architecture: Architecture, gateway: TransitGateway, table: TgwRouteTable
) -> list[TgwCandidate]:
    """The table's static routes and the VPC blocks propagated into it. A propagated route
    with the same destination as a static one is not used (AWS prefers the static route)."""
    statics = [
        TgwCandidate(route.block, route.attachment, True, route.path)
        for route in table.routes
        if route.block is not None
    ]
    taken = {(c.block.version, c.block.first, c.block.prefix) for c in statics}
    found = list(statics)
    for name, path in propagating(gateway, table):
        vpc = architecture.vpcs.get(name)
        if vpc is None:
            continue
        for block in (*vpc.ipv4_blocks, *vpc.ipv6_cidrs):
            if (block.version, block.first, block.prefix) not in taken:
                found.append(TgwCandidate(block, name, False, path))
    return found


def sharing_pairs(
    architecture: Architecture, gateway: TransitGateway
) -> dict[tuple[str, str], str]:
    """Pairs of overlapping VPCs propagating into one table of the gateway -> that table."""
    shared: dict[tuple[str, str], str] = {}
    for table in gateway.route_tables.values():
        names = [name for name, _ in propagating(gateway, table)]
        for first, second in overlapping_vpcs(architecture, names):
            shared.setdefault((first, second), table.name)
            shared.setdefault((second, first), table.name)
    return shared


def overlapping_vpcs(architecture: Architecture, names: list[str]) -> list[tuple[str, str]]:
    """Pairs (earlier, later) of the named VPCs whose blocks overlap, in the order given."""
    vpcs: list[Vpc] = [architecture.vpcs[n] for n in names if n in architecture.vpcs]
    tagged = [
        Tagged(block, index) for index, vpc in enumerate(vpcs) for block, _ in vpc_blocks(vpc)
    ]
    pairs = sorted(
        {
            (min(a.owner, b.owner), max(a.owner, b.owner))
            for a, b in overlapping_pairs(tagged)
            if a.owner != b.owner
        }
    )
    return [(vpcs[a].name, vpcs[b].name) for a, b in pairs]
