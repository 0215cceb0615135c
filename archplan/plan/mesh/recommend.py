"""Peering, a transit gateway or readdressing: the recommendation for a mesh, and what blocks it."""

from __future__ import annotations

from archplan.plan.mesh.arithmetic import links_needed
from archplan.plan.mesh.model import Choice, Link, MeshLimit, Overlap, Recommendation, VpcPlan
from archplan.plan.mesh.transit import TransitGatewayOption

# Overlapping pairs a recommendation names before it counts the rest.
LISTED_PAIRS = 10


# AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure": peering
# "is best used when ... the number of VPCs to be connected is less than 10" (§5.1).
PEERING_SUITS_FEWER_THAN = 10


def completion_blockers(
    unknown: tuple[str, ...], missing: list[Link], per_vpc: tuple[VpcPlan, ...]
) -> tuple[str, ...]:
    reasons = [f'VPC "{name}" is listed in the mesh but does not exist' for name in unknown]
    reasons += [
        f'VPCs "{link.first}" and "{link.second}" overlap ({_overlap_text(link.overlaps)}): '
        "AWS refuses to peer them"
        for link in missing
        if not link.possible
    ]
    for vpc in per_vpc:
        if vpc.over_quota:
            reasons.append(
                f'VPC "{vpc.name}" would have {vpc.peerings_after} active peerings; the '
                f"active_peerings_per_vpc quota is {vpc.peering_quota}"
            )
        for table in vpc.tables:
            for family, count in (("IPv4", table.ipv4), ("IPv6", table.ipv6)):
                if count.after > table.quota:
                    reasons.append(
                        f'route table "{table.name}" of VPC "{vpc.name}" would have {count.after} '
                        f"{family} routes; the routes_per_route_table quota is {table.quota}"
                    )
    return tuple(reasons)


def _overlap_text(overlaps: tuple[Overlap, ...]) -> str:
    return ", ".join(f"{overlap.first} with {overlap.second}" for overlap in overlaps)


def recommend_beyond(
    n: int,
    impossible: list[Link],
    per_vpc: tuple[VpcPlan, ...],
    option: TransitGatewayOption,
    limit: MeshLimit,
) -> Recommendation:
    """The recommendation for a mesh larger than the quotas allow."""
    if impossible:
        return recommend(n, impossible, per_vpc, option)
    binding = "both quotas" if limit.binding == "both" else limit.binding
    return Recommendation(
        Choice.TRANSIT_GATEWAY,
        f"a full mesh of {n} VPCs exceeds the quotas ({binding} allows at most {limit.vpcs}); "
        f"a transit gateway needs one attachment per VPC ({option.attachments}) instead of "
        f"{n - 1} peerings each",
    )


def recommend(
    n: int, missing: list[Link], per_vpc: tuple[VpcPlan, ...], option: TransitGatewayOption
) -> Recommendation:
    """Peering or a transit gateway, and why (AWS whitepaper and Well-Architected, §5.1)."""
    if n < 2:
        return Recommendation(Choice.NONE, f"a mesh of {n} VPC needs no connection")
    impossible = [link for link in missing if not link.possible]
    if impossible:
        pairs = ", ".join(f"{link.first}/{link.second}" for link in impossible[:LISTED_PAIRS])
        if len(impossible) > LISTED_PAIRS:
            pairs += f" and {len(impossible) - LISTED_PAIRS:,} more"
        return Recommendation(
            Choice.READDRESS,
            f"overlapping VPCs ({pairs}) can be connected neither by peering nor through a "
            "transit gateway, which does not route between overlapping VPCs; change their "
            "address ranges first",
        )
    quotas = sorted(
        {"active_peerings_per_vpc" for vpc in per_vpc if vpc.over_quota}
        | {"routes_per_route_table" for vpc in per_vpc for table in vpc.tables if table.over_quota}
    )
    if quotas:
        return Recommendation(
            Choice.TRANSIT_GATEWAY,
            f"completing the mesh exceeds {' and '.join(quotas)}; a transit gateway needs one "
            f"attachment per VPC ({option.attachments}) instead of {n - 1} peerings each",
        )
    links = links_needed(n)
    if n >= PEERING_SUITS_FEWER_THAN:
        return Recommendation(
            Choice.TRANSIT_GATEWAY,
            f"{n} VPCs need {links} peerings; AWS's multi-VPC whitepaper suggests peering for "
            f"fewer than {PEERING_SUITS_FEWER_THAN} VPCs and a transit gateway beyond, and "
            "Well-Architected REL02-BP04 prefers hub-and-spoke over a mesh",
        )
    if n == 2:
        return Recommendation(
            Choice.PEERING,
            "two VPCs need one peering: the lowest cost and highest aggregate performance "
            "(AWS multi-VPC whitepaper)",
        )
    return Recommendation(
        Choice.PEERING,
        f"{n} VPCs need {links} peerings, within the quotas; AWS's multi-VPC whitepaper "
        f"suggests peering for fewer than {PEERING_SUITS_FEWER_THAN} VPCs (lowest cost, highest "
        "aggregate performance); Well-Architected REL02-BP04 prefers hub-and-spoke (a transit "
        "gateway) once more than two networks connect, so plan the move as the mesh grows",
    )
