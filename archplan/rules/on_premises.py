"""On-premises networks and Direct Connect gateways: address overlaps that AWS refuses or
that make part of a network unreachable."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import Block, Tagged, overlapping_pairs
from archplan.findings import Path, Severity
from archplan.model import Architecture, Vpc
from archplan.network import OnPremises
from archplan.routes import tables_in_use, vpc_blocks
from archplan.rules.registry import Problem, Related, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def _routes_to(vpc: Vpc, kind: str, name: str | None, prefix: Block) -> bool:
    """Whether some route of the VPC sends part of `prefix` to the gateway (vgw or tgw:NAME);
    never for a VPC whose routing was rejected in part (it is not judged)."""
    if not vpc.routes_known:
        return False
    for table in tables_in_use(vpc):
        if kind == "vgw" and table.vgw_propagation:
            return True
        for route in table.routes:
            target, block = route.target, route.block
            if target is None or block is None or not block.overlaps(prefix):
                continue
            if target.kind == kind and (kind == "vgw" or target.name == name):
                return True
    return False


def _connected_vpcs(
    architecture: Architecture, network: OnPremises, prefix: Block
) -> list[tuple[Vpc, str]]:
    """The VPCs the network attaches to and that route to it: through their own virtual
    private gateway, or a transit gateway (VPN or Direct Connect) they route the prefix to."""
    found: dict[str, tuple[Vpc, str]] = {}

    def through_gateway(gateway_name: str, how: str) -> None:
        gateway = architecture.transit_gateways.get(gateway_name)
        for name in gateway.attachments if gateway is not None else ():
            vpc = architecture.vpcs.get(name)
            if vpc is not None and _routes_to(vpc, "tgw", gateway_name, prefix):
                found.setdefault(name, (vpc, how))

    for link in network.links:
        if link.kind == "vgw" and link.name in architecture.vpcs:
            vpc = architecture.vpcs[link.name]
            if _routes_to(vpc, "vgw", None, prefix):
                found.setdefault(vpc.name, (vpc, "its virtual private gateway"))
        elif link.kind == "tgw" and link.name is not None:
            through_gateway(link.name, f'a VPN on transit gateway "{link.name}"')
        elif link.kind == "dx" and link.name in architecture.direct_connect_gateways:
            dx = architecture.direct_connect_gateways[link.name]
            for association in dx.associations:
                how = f'Direct Connect gateway "{dx.name}"'
                if association.kind == "vpc" and association.name in architecture.vpcs:
                    vpc = architecture.vpcs[association.name]
                    if _routes_to(vpc, "vgw", None, prefix):
                        found.setdefault(vpc.name, (vpc, how))
                elif association.kind == "tgw":
                    through_gateway(association.name, how)
    return list(found.values())


@rule(
    "AP440",
    "on-premises-overlaps-vpc",
    WARNING,
    "An on-premises prefix overlaps a VPC that routes to it.",
)
def on_premises_overlaps_vpc(architecture: Architecture) -> Iterator[Problem]:
    """A VPC always prefers its own `local` route, even over a more specific propagated or
    static route: on-premises addresses inside the VPC's own block can never be reached from
    it, and traffic from them is answered inside the VPC. The connection works only for the
    part of the on-premises network outside the VPC.

    Renumber the on-premises range or the VPC (NAT between them is the last resort).
    Reported for each on-premises prefix that overlaps a VPC the network is connected to
    (its virtual private gateway, or a transit gateway or Direct Connect gateway) and that
    routes to that connection.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/8: vgw}}}
        on_premises:
          datacenter:
            prefixes: [10.0.128.0/20]
            connections:
              - {vgw: app, static_routes: [10.0.128.0/20]}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/8: vgw}}}
        on_premises:
          datacenter:
            prefixes: [10.200.0.0/20]
            connections:
              - {vgw: app, static_routes: [10.200.0.0/20]}

    References:
        AWS Site-to-Site VPN User Guide, "Site-to-Site VPN routing options" <https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html>
        Amazon VPC User Guide, "Configure route tables" <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>
    """
    for network in architecture.on_premises.values():
        for index, prefix in enumerate(network.prefixes):
            for vpc, how in _connected_vpcs(architecture, network, prefix):
                if not vpc.blocks_known:
                    continue
                overlaps = [
                    (block, path) for block, path in vpc_blocks(vpc) if block.overlaps(prefix)
                ]
                if not overlaps:
                    continue
                block, path = overlaps[0]
                yield Problem(
                    f'on-premises network "{network.name}" prefix {prefix} overlaps VPC '
                    f'"{vpc.name}" ({block}), which reaches it through {how}: the VPC\'s local '
                    "route wins, so those on-premises addresses are unreachable from it; "
                    "renumber one of them",
                    (*network.path, "prefixes", index),
                    (Related(f'"{vpc.name}" block {block} is here', path),),
                )


@rule(
    "AP441",
    "dx-gateway-overlap",
    ERROR,
    "VPCs (or allowed prefixes) that overlap behind one Direct Connect gateway.",
)
def dx_gateway_overlap(architecture: Architecture) -> Iterator[Problem]:
    """A Direct Connect gateway connects one on-premises network to many VPCs; it cannot tell
    two VPCs with the same addresses apart. AWS refuses to associate a VPC (its virtual private
    gateway) whose blocks overlap another VPC associated with the same Direct Connect gateway,
    and refuses overlapping allowed prefixes across the transit gateways associated with it.

    Renumber one VPC, or connect it through another Direct Connect gateway.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          prod: {cidr: 10.0.0.0/16}
          dr: {cidr: 10.0.0.0/16, region: us-west-2}
        direct_connect_gateways:
          corp:
            vpcs:
              prod: {}
              dr: {}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          prod: {cidr: 10.0.0.0/16}
          dr: {cidr: 10.1.0.0/16, region: us-west-2}
        direct_connect_gateways:
          corp:
            vpcs:
              prod: {}
              dr: {}

    References:
        AWS Direct Connect User Guide, "Direct Connect gateways" <https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-gateways-intro.html>
        AWS Direct Connect User Guide, "Allowed prefixes interactions" <https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html>
    """
    for dx in architecture.direct_connect_gateways.values():
        vpcs = [
            (association, architecture.vpcs[association.name])
            for association in dx.associations
            if association.kind == "vpc" and association.name in architecture.vpcs
        ]
        tagged = [
            Tagged(block, (position, block, path))
            for position, (_, vpc) in enumerate(vpcs)
            for block, path in vpc_blocks(vpc)
        ]
        seen: set[tuple[int, int]] = set()
        for one, other in overlapping_pairs(tagged):
            first, second = sorted((one.owner, other.owner), key=lambda item: item[0])
            if first[0] == second[0] or (first[0], second[0]) in seen:
                continue
            seen.add((first[0], second[0]))
            association, vpc = vpcs[second[0]]
            earlier = vpcs[first[0]][1]
            yield Problem(
                f'VPCs "{earlier.name}" ({first[1]}) and "{vpc.name}" ({second[1]}) overlap and '
                f'are both associated with Direct Connect gateway "{dx.name}": AWS refuses the '
                "association; renumber one of them",
                association.path,
                (
                    Related(f'"{earlier.name}" block {first[1]} is here', first[2]),
                    Related(f'"{vpc.name}" block {second[1]} is here', second[2]),
                ),
                on_key=True,
            )
        prefixes: list[Tagged[tuple[int, Block, Path, str]]] = []
        for position, association in enumerate(dx.associations):
            if association.kind != "tgw" or association.allowed_prefixes is None:
                continue
            for index, block in enumerate(association.allowed_prefixes):
                prefixes.append(
                    Tagged(
                        block,
                        (
                            position,
                            block,
                            (*association.path, "allowed_prefixes", index),
                            association.name,
                        ),
                    )
                )
        seen_prefixes: set[tuple[int, int]] = set()
        for left, right in overlapping_pairs(prefixes):
            low, high = sorted((left.owner, right.owner), key=lambda item: (item[0], str(item[2])))
            if low[3] == high[3] or (low[0], high[0]) in seen_prefixes:
                continue
            seen_prefixes.add((low[0], high[0]))
            yield Problem(
                f'allowed prefixes {low[1]} (transit gateway "{low[3]}") and {high[1]} '
                f'(transit gateway "{high[3]}") overlap on Direct Connect gateway "{dx.name}": '
                "AWS refuses overlapping allowed prefixes across its transit gateway "
                "associations; make them disjoint",
                high[2],
                (Related(f"{low[1]} is here", low[2]),),
            )


@rule(
    "AP442",
    "dx-allowed-prefixes-narrower-than-vpc",
    WARNING,
    "A Direct Connect gateway does not advertise a VPC block: its allowed prefixes are narrower.",
)
def dx_allowed_prefixes_narrower_than_vpc(architecture: Architecture) -> Iterator[Problem]:
    """For a virtual private gateway association, a Direct Connect gateway's allowed prefixes
    are only a filter: AWS advertises the associated VPC's whole CIDR blocks to on-premises,
    and only those an allowed prefix covers, the same block or a wider one. A prefix narrower
    than the VPC's block (10.0.0.0/24 for a /16 VPC) lets nothing through: on-premises gets no
    route to that block and cannot reach it, nor answer what the VPC sends.

    Write the VPC's block or a wider one (10.0.0.0/16 or 10.0.0.0/15 for 10.0.0.0/16).
    Transit gateway associations are not judged: there the allowed prefixes themselves are
    advertised.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
        direct_connect_gateways:
          corp-dx:
            vpcs:
              app: {allowed_prefixes: [10.0.0.0/24]}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
        direct_connect_gateways:
          corp-dx:
            vpcs:
              app: {allowed_prefixes: [10.0.0.0/15]}

    References:
        AWS Direct Connect User Guide, "Allowed prefixes interactions for AWS Direct Connect gateways" <https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html>
        AWS Direct Connect User Guide, "Associate an AWS Direct Connect virtual private gateway across accounts" <https://docs.aws.amazon.com/directconnect/latest/UserGuide/multi-account-associate-vgw.html>
    """
    for dx in architecture.direct_connect_gateways.values():
        for association in dx.associations:
            allowed = association.allowed_prefixes
            vpc = architecture.vpcs.get(association.name)
            if association.kind != "vpc" or allowed is None or vpc is None:
                continue
            if architecture.rejected_within(*association.path, "allowed_prefixes"):
                continue  # a prefix written but rejected may be the one that covers it
            for block in vpc.ipv4_blocks:
                if any(prefix.contains(block) for prefix in allowed):
                    continue
                narrower = [str(p) for p in allowed if p.overlaps(block)]
                why = (
                    f"{', '.join(narrower)} {'is' if len(narrower) == 1 else 'are'} narrower"
                    if narrower
                    else "none covers it"
                )
                yield Problem(
                    f'Direct Connect gateway "{dx.name}" does not advertise block {block} of VPC '
                    f'"{vpc.name}" to on-premises: an allowed prefix must be {block} or wider, '
                    f"and {why}; on-premises gets no route to it",
                    (*association.path, "allowed_prefixes"),
                    (Related(f'VPC "{vpc.name}" is here', vpc.path),),
                )
