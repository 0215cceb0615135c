"""The links of a mesh: which pairs are peered, which overlap, and the names of new peerings."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.model import Architecture, Peering, Vpc
from archplan.plan.mesh.arithmetic import is_live
from archplan.plan.mesh.index import Index
from archplan.plan.mesh.model import Link, MeshPlan, Overlap
from archplan.routes import vpc_overlaps


def find_present_links(vpcs: list[Vpc], index: Index) -> list[Link]:
    """The members' live peerings with each other that can work (the blocks do not overlap),
    in the order of the file's peerings: linear in the peerings, whatever the mesh's size."""
    position = {vpc.name: place for place, vpc in enumerate(vpcs)}
    links = []
    for pair, peering in index.live_by_pair.items():
        if all(name in position for name in pair) and pair not in index.overlapping:
            first, second = sorted(pair, key=position.__getitem__)
            links.append(Link(first, second, peering.name, peering.status, ()))
    return links


def link_between(first: Vpc, second: Vpc, overlapping: bool, index: Index) -> tuple[Link, bool]:
    """The link between two members, and whether it is present."""
    pair = frozenset((first.name, second.name))
    # vpc_overlaps says which blocks collide (and stays the one definition of a collision).
    pairs = vpc_overlaps(first, second) if overlapping else []
    overlaps = tuple(Overlap(mine, theirs) for (mine, _), (theirs, _) in pairs)
    existing = index.live_by_pair.get(pair)
    if overlaps:
        # AWS puts a peering of overlapping VPCs in `failed`, whatever the file says.
        name, status = (existing.name, existing.status) if existing else (None, None)
        return Link(first.name, second.name, name, status, overlaps), False
    if existing is not None:
        return Link(first.name, second.name, existing.name, existing.status, ()), True
    dead = index.dead_by_pair.get(pair)
    if dead is not None:
        # Re-created under its own name: a second peering record for the pair would read as a
        # duplicate, and the routes that name it start working again.
        return Link(first.name, second.name, dead.name, dead.status, ()), False
    return Link(
        first.name, second.name, _planned_name(first.name, second.name, index), None, ()
    ), False


def _planned_name(first: str, second: str, index: Index) -> str:
    """A new peering's name: `first-second`, numbered when taken; one name per pair of VPCs."""
    pair = frozenset((first, second))
    if pair in index.planned:
        return index.planned[pair]
    base = name = f"{first}-{second}"
    number = 2
    while name in index.taken:
        name = f"{base}-{number}"
        number += 1
    index.planned[pair] = name
    index.taken.add(name)
    return name


def iter_missing(architecture: Architecture, plan: MeshPlan) -> Iterator[Link]:
    """Every missing link of a mesh planned per VPC, in mesh order, one at a time (n² of them:
    for `--all`, which writes each as it comes). A link to create carries the dead peering
    it would bring back, else no name: none is planned for a mesh that cannot be built."""
    present = {frozenset((link.first, link.second)) for link in plan.present}
    impossible = {frozenset((link.first, link.second)): link for link in plan.impossible}
    dead: dict[frozenset[str], Peering] = {}
    members = set(plan.vpcs)
    for peering in architecture.peerings.values():
        pair = frozenset((peering.requester or "", peering.accepter or ""))
        if not is_live(peering) and len(pair) == 2 and pair <= members:
            dead.setdefault(pair, peering)
    names = plan.vpcs
    for position, first in enumerate(names):
        for second in names[position + 1 :]:
            pair = frozenset((first, second))
            if pair in present:
                continue
            link = impossible.get(pair)
            if link is None:
                gone = dead.get(pair)
                link = Link(
                    first, second, gone.name if gone else None, gone.status if gone else None, ()
                )
            yield link
