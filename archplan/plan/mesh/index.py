"""Facts about the whole file that every mesh's plan reads: peerings by pair, overlaps, strays."""

from __future__ import annotations

from typing import NamedTuple

from archplan.cidr import Block, Tagged, covered, overlapping_pairs
from archplan.model import Architecture, Peering, Vpc
from archplan.plan.mesh.arithmetic import is_live
from archplan.plan.tables import TableState
from archplan.routes import vpc_blocks


class Index(NamedTuple):
    """Facts about the whole file that every mesh's plan reads, and the names given so far to
    new peerings (shared, so that a pair missing from two meshes gets one peering)."""

    live_by_pair: dict[frozenset[str], Peering]  # the first live peering of each pair of VPCs
    dead_by_pair: dict[frozenset[str], Peering]  # the first dead one, for pairs with no live one
    live_count: dict[str, int]  # live peerings per VPC
    planned: dict[frozenset[str], str]  # names given to the peerings the plan creates
    taken: set[str]  # peering names in use, the planned ones included
    # What --emit yaml adds so far, shared so that two meshes never add conflicting routes:
    # each (VPC, route table) as filled, the new peerings per VPC, and their pairs.
    tables: dict[tuple[str, str], TableState]
    added_peerings: dict[str, int]
    added_pairs: set[frozenset[str]]
    # Routes of the file through a peering to a destination outside the peer, by peer VPC:
    # (VPC routing, destination, peering). Peering that peer with a VPC owning the
    # destination would turn such a route into a transitive one (a new finding).
    # Found on first use (strays_of): a mesh planned per VPC never needs them.
    strays: list[dict[str, list[tuple[str, Block, str]]]]
    # Each VPC's peers (the file's live peerings and the ones the plan adds), and the pairs of
    # VPCs of the file whose blocks overlap.
    peers: dict[str, set[str]]
    overlapping: set[frozenset[str]]
    architecture: Architecture


def build_index(architecture: Architecture) -> Index:
    live_by_pair: dict[frozenset[str], Peering] = {}
    dead_by_pair: dict[frozenset[str], Peering] = {}
    live_count: dict[str, int] = {}
    peers: dict[str, set[str]] = {}
    for peering in architecture.peerings.values():
        if not is_live(peering) or peering.requester is None or peering.accepter is None:
            continue
        peers.setdefault(peering.requester, set()).add(peering.accepter)
        peers.setdefault(peering.accepter, set()).add(peering.requester)
        ends = {peering.requester, peering.accepter}
        for vpc in ends:
            live_count[vpc] = live_count.get(vpc, 0) + 1
        if len(ends) == 2:
            live_by_pair.setdefault(frozenset(ends), peering)
    for peering in architecture.peerings.values():
        pair = frozenset((peering.requester or "", peering.accepter or ""))
        if not is_live(peering) and len(pair) == 2 and pair not in live_by_pair:
            dead_by_pair.setdefault(pair, peering)
    return Index(
        live_by_pair,
        dead_by_pair,
        live_count,
        {},
        set(architecture.peerings),
        {},
        {},
        set(),
        [],
        peers,
        overlapping_vpc_pairs(list(architecture.vpcs.values())),
        architecture,
    )


def overlapping_vpc_pairs(vpcs: list[Vpc]) -> set[frozenset[str]]:
    """The pairs of VPCs with overlapping blocks, by one sweep instead of a look at each pair."""
    tagged = [Tagged(block, vpc.name) for vpc in vpcs for block, _ in vpc_blocks(vpc)]
    return {
        frozenset((one.owner, other.owner))
        for one, other in overlapping_pairs(tagged)
        if one.owner != other.owner
    }


def strays_of(index: Index, name: str) -> list[tuple[str, Block, str]]:
    """The routes of the file through a peering to `name` for addresses outside it."""
    if not index.strays:
        index.strays.append(_strays(index.architecture))
    return index.strays[0].get(name, [])


def _strays(architecture: Architecture) -> dict[str, list[tuple[str, Block, str]]]:
    strays: dict[str, list[tuple[str, Block, str]]] = {}
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                target, block = route.target, route.block
                if target is None or target.kind != "peering" or block is None:
                    continue
                peering = architecture.peerings.get(target.name or "")
                if peering is None or not peering.involves(vpc.name):
                    continue
                peer_name = peering.accepter if peering.requester == vpc.name else peering.requester
                peer = architecture.vpcs.get(peer_name or "")
                if peer is None or peer.name == vpc.name:
                    continue
                own = [mine for mine, _ in vpc_blocks(peer) if mine.version == block.version]
                if not covered(block, own):
                    strays.setdefault(peer.name, []).append((vpc.name, block, peering.name))
    return strays
