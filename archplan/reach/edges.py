"""Where a walk starts outside a VPC: from the internet through an internet gateway, from an
on-premises network through a VPN or Direct Connect gateway; and the gateway route tables
(edge associations) that may send such a packet through an appliance first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.cidr import Block
from archplan.findings import Path
from archplan.model import Architecture, Target, Vpc
from archplan.network import DxAssociation
from archplan.reach import inspection, transit
from archplan.reach.filters import End, security_groups
from archplan.reach.hops import Dropped, target_text
from archplan.reach.routing import choose, gateway_table, table_label, table_of

if TYPE_CHECKING:
    from archplan.reach.walk import Walk


def from_internet(walk: Walk) -> None:
    goal = walk.goal
    packet = walk.packet
    if walk.reply and walk.forward is not None and walk.forward.nat is not None:
        target_vpc = walk.a.vpcs.get(walk.forward.nat[1])  # the reply comes to the NAT
    else:
        target_vpc = walk.a.vpcs.get(goal.vpc or "") if goal.kind == "vpc" else None
    if target_vpc is None:
        raise Dropped("the internet reaches only VPCs", "", None)
    forward = walk.forward
    if walk.reply and forward is not None and forward.left_by == "egress-only-igw":
        # Stateful: the gateway lets in the replies to what left through it, nothing else.
        walk.hop(
            f"egress-only internet gateway of VPC {target_vpc.name} lets the reply in",
            target_vpc.path,
        )
        from_gateway(walk, target_vpc, "egress-only-igw")
        return
    if not target_vpc.internet_gateway and _egress_only(target_vpc):
        raise Dropped(
            f"VPC {target_vpc.name} reaches the internet only through an egress-only internet "
            "gateway, which lets no connection start from the internet",
            f"set internet_gateway: true on VPC {target_vpc.name} and route to it",
            target_vpc.path,
        )
    nat_reply = walk.reply and walk.forward is not None and walk.forward.nat is not None
    if not target_vpc.internet_gateway:
        raise Dropped(
            f"VPC {target_vpc.name} has no internet gateway",
            "; ".join(
                [
                    f"set internet_gateway: true on VPC {target_vpc.name}",
                    *_inbound_missing(walk, target_vpc, nat_reply),
                ]
            ),
            target_vpc.path,
        )
    if not (goal.public_ip or packet.version == 6 or nat_reply):
        missing = _inbound_missing(walk, target_vpc, nat_reply)
        raise Dropped(
            "the destination has no public IP address: the internet cannot address it",
            "; ".join(missing)
            if goal.place in ("host", "group")
            else "put a load balancer in front of it",
            None,
        )
    walk.hop(f"internet gateway of VPC {target_vpc.name}", target_vpc.path)
    from_gateway(walk, target_vpc, "igw")


def _inbound_missing(walk: Walk, vpc: Vpc, nat_reply: bool) -> list[str]:
    """What else a connection from the internet needs besides the internet gateway: a public
    IP on the destination and, in its subnet's table, a route sending the reply to the
    internet gateway (a reply routed elsewhere, to a NAT or transit gateway, never returns)."""
    goal = walk.goal
    missing = []
    if not (goal.public_ip or walk.packet.version == 6 or nat_reply):
        missing.append(
            f"give {goal.place} {goal.name} a public IP (public_ip: true), or put a load "
            "balancer "
            "in a public subnet in front of it"
            if goal.place in ("host", "group")
            else "put a load balancer in a public subnet in front of it"
        )
    subnet = goal.subnet if goal.subnet in vpc.subnets else None
    if subnet is not None and not nat_reply:
        table = table_of(vpc, subnet)
        choice = choose(walk.a, vpc, table, walk.packet.version, walk.packet.src)
        if choice is None or choice.target.kind != "igw":
            default = "0.0.0.0/0" if walk.packet.version == 4 else "::/0"
            now = f", now to {target_text(choice.target)}" if choice else ""
            missing.append(
                f"route {default} -> igw for the reply in {table_label(walk.a, vpc, table)} "
                f"(subnet {subnet}{now})"
            )
    if goal.groups is not None and goal.vpc is not None:
        verdict = security_groups(
            walk.a, goal.vpc, goal.groups, walk.packet, "ingress", End(None, False)
        )
        if verdict.allowed is False:
            missing.append(
                f"add an ingress rule to {', '.join(goal.groups)} allowing {walk.what()} from "
                f"{walk.peer_text(walk.packet.src)}"
            )
    return missing


def _egress_only(vpc: Vpc) -> bool:
    return any(
        route.target is not None and route.target.kind == "egress-only-igw"
        for table in vpc.route_tables.values()
        for route in table.routes
    )


def from_gateway(walk: Walk, vpc: Vpc, gateway: str) -> None:
    """A packet entering the VPC through its internet or virtual private gateway."""
    packet = walk.packet
    table = gateway_table(vpc, gateway)
    destination = walk.subnet_of(vpc, packet.dst)
    if destination is None:
        raise Dropped(
            f"{walk.address_text(packet.dst)} is in no subnet of VPC {vpc.name}", "", vpc.path
        )
    if table is not None:
        choice = choose(walk.a, vpc, table, packet.version, packet.dst)
        if choice is not None and choice.target.kind != "local":
            walk.hop(
                f"gateway {table_label(walk.a, vpc, table)}: {choice.destination} -> "
                f"{target_text(choice.target)}",
                choice.path,
            )
            enter_through(walk, vpc, choice.target, choice.path)
            return
    walk.acl(vpc, destination, "ingress")
    walk.arrive(vpc, destination)


def enter_through(walk: Walk, vpc: Vpc, target: Target, path: Path | None) -> None:
    if target.kind in ("gwlbe", "firewall"):
        endpoints = vpc.gwlb_endpoints if target.kind == "gwlbe" else vpc.firewalls
        endpoint = endpoints.get(target.name or "")
        subnet = endpoint.subnet if endpoint is not None else None
        if subnet is None or subnet not in vpc.subnets:
            raise Dropped("the endpoint has no subnet", "", path)
        walk.acl(vpc, subnet, "ingress")
        inspection.endpoint(walk, vpc, subnet, target.kind, target.name or "", path)
    elif target.kind == "eni" and target.name in walk.a.hosts:
        subnet = walk.a.hosts[target.name].subnet or ""
        if subnet not in vpc.subnets:
            raise Dropped(f"appliance {target.name} is not in VPC {vpc.name}", "", path)
        walk.acl(vpc, subnet, "ingress")
        inspection.appliance(walk, vpc, subnet, target.name, path)
    else:
        raise Dropped(f"a gateway route table cannot send to {target_text(target)}", "", path)


def from_on_premises(walk: Walk, name: str) -> None:
    network = walk.a.on_premises[name]
    packet = walk.packet
    tried: list[str] = []
    refused: list[tuple[str, DxAssociation]] = []  # associations that do not advertise it
    for link in network.links:
        if link.kind == "vgw":
            vpc = walk.a.vpcs.get(link.name or "")
            if packet.version == 6:
                tried.append(f"VPN to the VGW of {link.name} (no IPv6)")
                continue
            if vpc is not None and walk.subnet_of(vpc, packet.dst) is not None:
                walk.hop(f"VPN to the virtual private gateway of VPC {vpc.name}", link.path)
                from_gateway(walk, vpc, "vgw")
                return
            tried.append(f"VGW of {link.name}")
        elif link.kind == "tgw":
            gateway = walk.a.transit_gateways.get(link.name or "")
            if gateway is not None:
                walk.hop(f"VPN attachment {name} on transit gateway {gateway.name}", link.path)
                transit.route(walk, gateway, name, None, set())
                return
        elif link.kind == "dx":
            dx = walk.a.direct_connect_gateways.get(link.name or "")
            for association in dx.associations if dx else ():
                advertised = advertised_prefixes(walk.a, association)
                if advertised is not None and not any(
                    b.version == packet.version and b.first <= packet.dst <= b.last
                    for b in advertised
                ):
                    refused.append((link.name or "", association))
                    continue
                if association.kind == "tgw":
                    gateway = walk.a.transit_gateways.get(association.name)
                    if gateway is None:
                        continue
                    walk.hop(
                        f"Direct Connect gateway {link.name} to transit gateway {gateway.name}",
                        association.path,
                    )
                    transit.route(walk, gateway, link.name or "", None, set())
                    return
                vpc = walk.a.vpcs.get(association.name)
                if vpc is not None and walk.subnet_of(vpc, packet.dst) is not None:
                    walk.hop(
                        f"Direct Connect gateway {link.name} to VPC {vpc.name}",
                        association.path,
                    )
                    from_gateway(walk, vpc, "vgw")
                    return
    if refused and not tried:
        # The association of the destination's own VPC explains best; else the first.
        own = [
            (dx, association)
            for dx, association in refused
            if association.kind == "vpc"
            and association.name in walk.a.vpcs
            and walk.subnet_of(walk.a.vpcs[association.name], packet.dst) is not None
        ]
        raise _not_advertised(walk, name, *(own or refused)[0])
    tried += [f"{dx} (allowed prefixes)" for dx, _ in refused]
    raise Dropped(
        f"no connection of on-premises network {name} leads to "
        f"{walk.address_text(packet.dst)}" + (f" (tried {', '.join(tried)})" if tried else ""),
        "connect it (on_premises connections) to the VPC or its transit gateway",
        network.path,
    )


def advertised_prefixes(
    architecture: Architecture, association: DxAssociation
) -> list[Block] | None:
    """What a Direct Connect gateway advertises to on-premises for one association (None: the
    file does not say). A transit gateway association advertises its allowed prefixes; a
    virtual private gateway association advertises the VPC's blocks that an allowed prefix
    covers (the same block or a wider one), and the whole VPC when none is written."""
    allowed = association.allowed_prefixes
    if association.kind == "tgw":
        return list(allowed) if allowed is not None else None
    vpc = architecture.vpcs.get(association.name)
    if vpc is None:
        return None
    blocks = [*vpc.ipv4_blocks, *vpc.ipv6_cidrs]
    if allowed is None:
        return blocks
    return [block for block in blocks if any(prefix.contains(block) for prefix in allowed)]


def _not_advertised(walk: Walk, network: str, dx: str, association: DxAssociation) -> Dropped:
    """Why on-premises has no route to the destination over a Direct Connect gateway."""
    address = walk.address_text(walk.packet.dst)
    allowed = ", ".join(str(b) for b in association.allowed_prefixes or ()) or "none"
    where = f"direct_connect_gateways.{dx}"
    if association.kind == "tgw":
        return Dropped(
            f"Direct Connect gateway {dx} does not advertise {address} to on-premises "
            f"network {network}: the allowed prefixes of its association with transit "
            f"gateway {association.name} ({allowed}) do not cover it",
            f"add a prefix covering {address} to {where}.transit_gateways."
            f"{association.name}.allowed_prefixes",
            association.path,
        )
    vpc = walk.a.vpcs.get(association.name)
    blocks = ", ".join(str(b) for b in vpc.ipv4_blocks) if vpc is not None else "its block"
    return Dropped(
        f"Direct Connect gateway {dx} does not advertise VPC {association.name} to on-premises "
        f"network {network}: an allowed prefix of a virtual private gateway association must be "
        f"the VPC's block ({blocks}) or wider, and {allowed} is not",
        f"set {where}.vpcs.{association.name}.allowed_prefixes to {blocks} or a wider block",
        association.path,
    )
