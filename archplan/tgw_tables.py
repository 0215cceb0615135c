"""Transit gateway route tables as AWS applies them: which table an attachment is associated
with, what propagates into a table, and which routes of a table cover a block.

Only for gateways whose file writes route tables (or default tables): without them, archplan
models AWS's default route table, with which every attachment is associated and to which
every attachment propagates, and these questions have no surprising answer.
"""

from __future__ import annotations

from archplan.cidr import Block, Tagged, overlapping_pairs
from archplan.findings import Path
from archplan.model import Architecture, TransitGateway, Vpc
from archplan.network import TgwRouteTable
from archplan.reach.routing import associated_table, propagated_routes
from archplan.routes import vpc_blocks

__all__ = [
    "associated_table",
    "explicit",
    "overlapping_vpcs",
    "propagating",
    "routes_back",
    "sharing_pairs",
]


def explicit(gateway: TransitGateway) -> bool:
    """Whether the file describes the gateway's route tables (else: one default table)."""
    return bool(gateway.route_tables)


def propagating(gateway: TransitGateway, table: TgwRouteTable) -> list[tuple[str, Path]]:
    """The VPC attachments propagating into `table`, with where that is written: listed under
    its propagations, or, when it is the default propagation table, every VPC attachment that
    no table lists (archplan.reach.routing.propagated_routes reads the file the same way)."""
    found = [
        (name, (*table.path, "propagations", index))
        for index, name in enumerate(table.propagations)
        if name in gateway.attachments
    ]
    if gateway.default_propagation == table.name:
        listed = {name for other in gateway.route_tables.values() for name in other.propagations}
        found += [
            (name, attachment.path)
            for name, attachment in gateway.attachments.items()
            if name not in listed
        ]
    return found


def routes_back(
    architecture: Architecture, gateway: TransitGateway, table: TgwRouteTable, block: Block
) -> bool:
    """Whether some route of the table, static or propagated (VPC, VPN or Direct Connect, as
    the path engine learns them), that is not a blackhole reaches part of `block`."""
    if any(
        route.block is not None and route.attachment is not None and route.block.overlaps(block)
        for route in table.routes
    ):
        return True
    return any(
        learned.overlaps(block) for learned, _, _ in propagated_routes(architecture, gateway, table)
    )


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
