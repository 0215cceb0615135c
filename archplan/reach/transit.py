"""The transit gateway part of a walk: into a transit gateway from a VPC attachment, through
its route tables (association, static, propagated and blackhole routes, peerings), and out to
a VPC, a VPN attachment or a Direct Connect gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.findings import Path
from archplan.model import Attachment, TransitGateway, Vpc
from archplan.reach.hops import Dropped
from archplan.reach.routing import associated_table, choose_tgw, tgw_table_name

if TYPE_CHECKING:
    from archplan.reach.walk import Walk


def from_vpc(walk: Walk, vpc: Vpc, subnet: str, name: str, path: Path | None) -> None:
    gateway = walk.a.transit_gateways.get(name)
    attachment = gateway.attachments.get(vpc.name) if gateway else None
    if gateway is None or attachment is None:
        raise Dropped(
            f"VPC {vpc.name} is not attached to transit gateway {name}",
            f"attach it (transit_gateways.{name}.attachments)",
            path,
        )
    zone = vpc.subnets[subnet].az
    entry = next(
        (s for s in attachment.subnets if s in vpc.subnets and vpc.subnets[s].az == zone), None
    )
    if entry is None:
        raise Dropped(
            f"the attachment of VPC {vpc.name} to {name} has no subnet in {zone}, so "
            f"subnet {subnet} cannot reach the transit gateway",
            f"add a subnet in {zone} to the attachment",
            attachment.path,
        )
    _ipv6(walk, gateway, attachment)
    walk.cross(vpc, subnet, entry)
    if subnet == entry:
        walk.acl(vpc, subnet, "egress")
        walk.acl(vpc, subnet, "ingress")
    # Inbound rules keep matching groups across one transit gateway when it and both VPC
    # attachments enable security group referencing; outbound rules never do.
    walk.lose_references(
        f"outbound rules cannot reference groups over transit gateway {name}", inbound=False
    )
    if not (gateway.security_group_referencing and attachment.security_group_referencing):
        walk.lose_references(_referencing_off(gateway, vpc.name))
    walk.hop(f"transit gateway {name} (attachment {vpc.name}, {zone})", attachment.path)
    route(walk, gateway, vpc.name, zone, set())


def _ipv6(walk: Walk, gateway: TransitGateway, attachment: Attachment) -> None:
    """An IPv6 packet crosses a VPC attachment only with IPv6 support on (off by default)."""
    if walk.packet.version != 6 or attachment.ipv6_support is True:
        return
    if attachment.ipv6_support is False:
        raise Dropped(
            f"the attachment of VPC {attachment.vpc} to {gateway.name} has IPv6 support off",
            f"set ipv6_support: true on transit_gateways.{gateway.name}.attachments."
            f"{attachment.vpc}",
            attachment.path,
        )
    walk.assumptions.append(
        f"IPv6 support on the attachment of VPC {attachment.vpc} to {gateway.name} is not in "
        "the file (ipv6_support; AWS's default is off)"
    )


def _referencing_off(gateway: TransitGateway, vpc: str) -> str:
    if not gateway.security_group_referencing:
        return (
            f"transit gateway {gateway.name} does not enable security group referencing "
            "(security_group_referencing: true, off by default)"
        )
    return (
        f"the attachment of VPC {vpc} to {gateway.name} turns security group referencing "
        "off (security_group_referencing: false)"
    )


def route(
    walk: Walk, gateway: TransitGateway, source: str, zone: str | None, visited: set[str]
) -> None:
    if gateway.name in visited:
        raise Dropped("the packet loops between transit gateways", "", gateway.path)
    visited.add(gateway.name)
    packet = walk.packet
    if not gateway.route_tables:
        undescribed(walk, gateway, zone)
        return
    table = associated_table(gateway, source)
    if table is None:
        raise Dropped(
            f"attachment {source} of transit gateway {gateway.name} is associated "
            "with no route table",
            f"associate {source} with a route table",
            gateway.path,
        )
    choice = choose_tgw(walk.a, gateway, table, packet.version, packet.dst)
    named = tgw_table_name(walk.a, gateway, table)
    label = f"transit gateway route table {named}"
    if choice is None:
        raise Dropped(
            f"{label} has no route to {walk.address_text(packet.dst)}",
            f"add a static route or a propagation to {named}",
            table.path,
        )
    if choice.attachment is None:
        raise Dropped(
            f"{label}: {choice.destination} is a blackhole",
            "remove the blackhole route",
            choice.path,
        )
    walk.hop(f"{label}: {choice.destination} -> {choice.attachment}", choice.path)
    leave(walk, gateway, choice.attachment, zone, visited)


def undescribed(walk: Walk, gateway: TransitGateway, zone: str | None) -> None:
    packet = walk.packet
    walk.assumptions.append(
        f"transit gateway {gateway.name} has no route tables in the file: assumed to route "
        "to the attachment whose VPC holds the destination"
    )
    for name in gateway.attachments:
        vpc = walk.a.vpcs.get(name)
        if vpc is not None and walk.subnet_of(vpc, packet.dst) is not None:
            walk.hop(
                f"transit gateway {gateway.name} -> {name} (route tables not described)",
                gateway.path,
            )
            leave(walk, gateway, name, zone, {gateway.name})
            return
    raise Dropped(
        f"no attachment of transit gateway {gateway.name} holds "
        f"{walk.address_text(packet.dst)} (route tables not described)",
        "",
        gateway.path,
        unknown=True,
    )


def leave(
    walk: Walk, gateway: TransitGateway, target: str, zone: str | None, visited: set[str]
) -> None:
    if target in gateway.attachments:
        enter_vpc(walk, gateway, target, zone)
    elif target in walk.a.on_premises:
        network = walk.a.on_premises[target]
        if not any(
            b.version == walk.packet.version and b.first <= walk.packet.dst <= b.last
            for b in network.prefixes
        ):
            raise Dropped(
                f"{walk.address_text(walk.packet.dst)} is not a prefix of on-premises "
                f"network {target}",
                "",
                network.path,
            )
        walk.hop(f"VPN attachment {target}", network.path)
        walk.deliver_on_premises(target)
    elif target in walk.a.direct_connect_gateways:
        for network in walk.a.on_premises.values():
            if any(link.kind == "dx" and link.name == target for link in network.links) and any(
                b.version == walk.packet.version and b.first <= walk.packet.dst <= b.last
                for b in network.prefixes
            ):
                walk.hop(
                    f"Direct Connect gateway {target}",
                    walk.a.direct_connect_gateways[target].path,
                )
                walk.deliver_on_premises(network.name)
                return
        raise Dropped(
            f"no network behind Direct Connect gateway {target} holds "
            f"{walk.address_text(walk.packet.dst)}",
            "",
            walk.a.direct_connect_gateways[target].path,
        )
    elif target in walk.a.transit_gateways:
        peer = walk.a.transit_gateways[target]
        walk.lose_references(f"transit gateway peering {gateway.name}-{target} carries no groups")
        walk.hop(f"transit gateway peering to {target}", peer.path)
        route(walk, peer, gateway.name, None, visited)
    else:
        raise Dropped(f"attachment {target} is not described", "", gateway.path, unknown=True)


def enter_vpc(walk: Walk, gateway: TransitGateway, name: str, zone: str | None) -> None:
    vpc = walk.a.vpcs.get(name)
    attachment = gateway.attachments[name]
    if vpc is None:
        raise Dropped(
            f"attachment {name} names no VPC of the file", "", attachment.path, unknown=True
        )
    subnets = [s for s in attachment.subnets if s in vpc.subnets]
    if not subnets:
        raise Dropped(f"the attachment of VPC {name} has no subnet", "", attachment.path)
    _ipv6(walk, gateway, attachment)
    if not attachment.security_group_referencing:
        walk.lose_references(_referencing_off(gateway, name))
    key = (gateway.name, name)
    if attachment.appliance_mode and key in walk.picks:
        entry = walk.picks[key]
    else:
        entry = next((s for s in subnets if vpc.subnets[s].az == zone), subnets[0])
        if attachment.appliance_mode:
            walk.picks[key] = entry
    walk.hop(
        f"into VPC {name} through attachment subnet {entry} ({vpc.subnets[entry].az})",
        attachment.path,
    )
    walk.at_subnet(vpc, entry)
