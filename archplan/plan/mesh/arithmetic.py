"""Mesh arithmetic: links a full mesh needs, the largest mesh the quotas allow, live peerings."""

from __future__ import annotations

from archplan.model import Peering

# A peering in one of these states carries nothing and never will (aws-network-rules.md §4.4);
# pending-acceptance and provisioning still count, since they become active once accepted.
DEAD_STATUSES = frozenset({"failed", "rejected", "expired", "deleted"})


def links_needed(n: int) -> int:
    """Peerings a full mesh of n VPCs needs: one per unordered pair, n(n-1)/2."""
    return n * (n - 1) // 2


def largest_mesh(active_peerings_per_vpc: int) -> int:
    """The most VPCs a full mesh can have: each member peers with the n-1 others, n-1 <= quota."""
    return active_peerings_per_vpc + 1


def largest_mesh_by_routes(quota: int, routes_now: int, blocks_per_peer: int) -> int:
    """The most VPCs a full mesh can have when a table holding `routes_now` routes gains
    `blocks_per_peer` routes for each of the n-1 peers: routes_now + (n-1) * blocks <= quota."""
    if routes_now > quota:
        return 1  # already over: not even one peer fits
    return (quota - routes_now) // blocks_per_peer + 1


def peering_attachments(regions: int) -> int:
    """Peering attachments joining one transit gateway per Region into a full mesh."""
    return links_needed(regions)


def is_live(peering: Peering) -> bool:
    """Whether a peering is, or can still become, active."""
    return peering.status not in DEAD_STATUSES
