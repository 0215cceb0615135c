"""One direction of a flow, hop by hop: from a subnet (or the internet, or an on-premises
network) through route tables, network ACLs, NAT gateways, peering connections, transit gateway
route tables, inspection endpoints and appliances, to the destination's security groups.

The walk stops at the first component that drops the packet (saying why and what would fix
it), or where the answer depends on something the file does not describe. Stateful middle
boxes a forward walk passes are recorded; the reply must pass the same ones.
"""

from __future__ import annotations

import ipaddress
from typing import NamedTuple

from archplan.findings import Path
from archplan.model import Architecture, Target, TransitGateway, Vpc
from archplan.network import ICMP, ICMPV6, PORTED
from archplan.reach.filters import End, Packet, network_acl, security_groups, show_ports
from archplan.reach.routing import (
    associated_table,
    choose,
    choose_tgw,
    gateway_table,
    table_of,
    vgw_prefixes,
)

MAX_HOPS = 64
PRIVATE = [
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
]


class Hop(NamedTuple):
    text: str
    path: Path | None


class Leg(NamedTuple):
    """One direction. delivered: True, False (dropped) or None (depends on what the file
    does not say); `ports` the destination ports that got through."""

    delivered: bool | None
    hops: tuple[Hop, ...]
    reason: str = ""
    fix: str = ""
    blame: Path | None = None
    inspected: tuple[str, ...] = ()
    nat: tuple[int, str, str] | None = None  # translated source: address, VPC, NAT subnet
    ports: tuple[tuple[int, int], ...] = ()
    assumptions: tuple[str, ...] = ()  # what the answer depends on (not in the file)
    caveats: tuple[str, ...] = ()  # ports dropped on the way (the rest got through)
    tgw_picks: tuple[tuple[str, str, str], ...] = ()  # (gateway, VPC, subnet) appliance mode


class Goal(NamedTuple):
    """Where the packet must end: in a VPC subnet (with the interface's groups), on the
    internet, or in an on-premises network."""

    kind: str  # vpc, internet, on-premises
    vpc: str | None = None
    subnet: str | None = None
    groups: tuple[str, ...] | None = None
    network: str | None = None
    public_ip: bool = False


def is_public(version: int, address: int) -> bool:
    if version == 6:
        return True
    ip = ipaddress.IPv4Address(address)
    return not any(ip in net for net in PRIVATE)


class Dropped(Exception):
    def __init__(self, reason: str, fix: str, blame: Path | None, *, unknown: bool = False):
        super().__init__(reason)
        self.reason, self.fix, self.blame, self.unknown = reason, fix, blame, unknown


class Walk:
    """Walks one packet; `reply` marks the return direction (security groups are stateful and
    not checked; inspection endpoints must be those of the forward walk)."""

    def __init__(
        self,
        architecture: Architecture,
        packet: Packet,
        goal: Goal,
        *,
        reply: bool = False,
        source_groups: tuple[str, ...] | None = None,
        source_public: bool = False,
        forward: Leg | None = None,
        source_end: End | None = None,
    ) -> None:
        self.a = architecture
        self.packet = packet
        self.goal = goal
        self.reply = reply
        self.source_groups = source_groups
        self.source_public = source_public
        self.forward = forward
        self.source_end = source_end or End(None, True)
        self.hops: list[Hop] = []
        self.inspected: list[str] = []
        self.assumptions: list[str] = []
        self.caveats: list[str] = []
        self.nat: tuple[int, str, str] | None = None
        self.picks: dict[tuple[str, str], str] = {}
        if forward is not None:
            self.picks = {(g, v): s for g, v, s in forward.tgw_picks}
        self.seen: set[tuple[str, str, str]] = set()
        self.by_private = True  # SG references still apply (no NAT, TGW or appliance yet)

    # -- results --------------------------------------------------------------------------

    def _leg(self, delivered: bool | None, error: Dropped | None = None) -> Leg:
        return Leg(
            delivered,
            tuple(self.hops),
            error.reason if error else "",
            error.fix if error else "",
            error.blame if error else None,
            tuple(self.inspected),
            self.nat,
            self.packet.ports,
            tuple(self.assumptions),
            tuple(self.caveats),
            tuple((g, v, s) for (g, v), s in sorted(self.picks.items())),
        )

    def run(self, start: tuple[str, ...]) -> Leg:
        try:
            self._start(start)
        except Dropped as error:
            return self._leg(None if error.unknown else False, error)
        except KeyError as missing:
            # A reference to nothing the walk did not foresee: validate reports it (AP005);
            # the answer then depends on what the file meant.
            unknown = Dropped(f"{missing} does not exist in the file", "", None, unknown=True)
            return self._leg(None, unknown)
        return self._leg(None if self.assumptions else True)

    def hop(self, text: str, path: Path | None = None) -> None:
        self.hops.append(Hop(text, path))
        if len(self.hops) > MAX_HOPS:
            raise Dropped("the packet loops between route tables", "fix the routes shown", path)

    # -- starting points ------------------------------------------------------------------

    def _start(self, start: tuple[str, ...]) -> None:
        kind = start[0]
        if kind == "subnet":
            vpc, subnet = self.a.vpcs[start[1]], start[2]
            if not self.reply:
                # Checked first, as the packet leaves; a rule naming a group is checked again
                # on arrival, when it is known whether group references survived the path.
                self._security_groups(vpc.name, self.source_groups, "egress")
                self.egress_vpc = vpc.name
            self.at_subnet(vpc, subnet)
        elif kind == "internet":
            self.from_internet()
        else:
            self.from_on_premises(start[1])

    def _security_groups(self, vpc: str, groups: tuple[str, ...] | None, direction: str) -> None:
        other = self.goal_end() if direction == "egress" else self.source_end
        if not self.by_private:
            other = End(other.groups, False)
        verdict = security_groups(self.a, vpc, groups, self.packet, direction, other)
        if verdict.allowed is None:
            self.hop(f"{verdict.detail}: cannot tell", verdict.path)
            self.assumptions.append(verdict.detail)
            return
        if not verdict.allowed:
            names = ", ".join(groups or ())
            peer = self.packet.dst if direction == "egress" else self.packet.src
            side = "to" if direction == "egress" else "from"
            raise Dropped(
                verdict.detail,
                f"add an {direction} rule to {names} allowing {self._what()} {side} "
                f"{self._address(peer)}",
                verdict.path,
            )
        self.hop(verdict.detail, verdict.path)

    egress_vpc: str | None = None

    def _recheck_egress(self) -> None:
        if self.reply or self.egress_vpc is None or self.by_private:
            return
        other = self.goal_end()
        verdict = security_groups(
            self.a,
            self.egress_vpc,
            self.source_groups,
            self.packet,
            "egress",
            End(other.groups, False),
        )
        if verdict.allowed is False:
            raise Dropped(
                f"{verdict.detail}: a rule naming a group does not match traffic that passes a "
                "transit gateway, NAT gateway or appliance",
                "allow the destination's address or block instead of its group",
                verdict.path,
            )

    def goal_end(self) -> End:
        goal = self.goal
        if goal.kind != "vpc" or goal.groups is None or goal.vpc is None:
            return End(None, goal.kind == "vpc")
        return End(frozenset((goal.vpc, name) for name in goal.groups), True)

    def _what(self) -> str:
        from archplan.network import protocol_name

        packet = self.packet
        if packet.protocol in PORTED:
            return f"{protocol_name(packet.protocol)} {show_ports(packet.ports)}"
        return protocol_name(packet.protocol)

    def _address(self, number: int) -> str:
        if self.packet.version == 4:
            return str(ipaddress.IPv4Address(number))
        return str(ipaddress.IPv6Address(number))

    # -- inside a VPC ---------------------------------------------------------------------

    def subnet_of(self, vpc: Vpc, address: int) -> str | None:
        version = self.packet.version
        for subnet in vpc.subnets.values():
            block = subnet.cidr if version == 4 else subnet.ipv6_cidr
            if block is not None and block.first <= address <= block.last:
                return subnet.name
        return None

    def acl(self, vpc: Vpc, subnet: str, direction: str) -> None:
        acl = vpc.network_acl_of(subnet)
        result = network_acl(acl, self.packet, direction)
        if not result.allowed:
            peer = self.packet.src if direction == "ingress" else self.packet.dst
            side = "from" if direction == "ingress" else "to"
            raise Dropped(
                result.detail,
                f"allow {self._what()} {side} {self._address(peer)} in network ACL "
                f"{acl.name if acl else ''} {direction} before the rule that denies it",
                result.path,
            )
        if result.denied:
            self.caveats.append(f"{result.detail}: ports {show_ports(result.denied)} are dropped")
            self.packet = self.packet._replace(ports=result.allowed)
        if acl is not None:
            self.hop(f"{result.detail} (subnet {subnet})", result.path)

    def cross(self, vpc: Vpc, source: str, target: str) -> None:
        """Leave subnet `source` for an interface in subnet `target` of the same VPC."""
        if source == target:
            return  # within a subnet, no network ACL applies
        self.acl(vpc, source, "egress")
        self.acl(vpc, target, "ingress")

    def at_subnet(self, vpc: Vpc, subnet: str) -> None:
        """The packet is at an interface in `subnet` and is routed by the subnet's table."""
        key = (vpc.name, subnet, str(len(self.inspected)))
        if key in self.seen:
            raise Dropped(
                f"the packet comes back to subnet {subnet}: a routing loop",
                "fix the route tables shown",
                None,
            )
        self.seen.add(key)
        packet = self.packet
        if self.subnet_of(vpc, packet.dst) == subnet:
            self.arrive(vpc, subnet)
            return
        table = table_of(vpc, subnet)
        choice = choose(self.a, vpc, table, packet.version, packet.dst)
        where = f"route table {table.name}" if table else f"main route table of {vpc.name}"
        if choice is None:
            raise Dropped(
                f"{where} (subnet {subnet}) has no route to {self._address(packet.dst)}",
                f"add a route for {self._address(packet.dst)} to {where}",
                table.path if table else vpc.path,
            )
        self.hop(f"{where}: {choice.destination} -> {_target_text(choice.target)}", choice.path)
        self.follow(vpc, subnet, choice.target, choice.path)

    def follow(self, vpc: Vpc, subnet: str, target: Target, path: Path | None) -> None:
        kind, name = target.kind, target.name or ""
        packet = self.packet
        if kind == "local":
            destination = self.subnet_of(vpc, packet.dst)
            if destination is None:
                raise Dropped(
                    f"no subnet of VPC {vpc.name} holds {self._address(packet.dst)}",
                    "address a subnet that exists",
                    path,
                )
            self.cross(vpc, subnet, destination)
            self.arrive(vpc, destination)
        elif kind == "blackhole":
            raise Dropped("the route is a blackhole", "point the route at a target", path)
        elif kind == "nat":
            self.nat_gateway(vpc, subnet, name, path)
        elif kind in ("igw", "egress-only-igw"):
            self.internet_gateway(vpc, subnet, kind, path)
        elif kind == "vgw":
            self.acl(vpc, subnet, "egress")
            self.to_vgw(vpc, path)
        elif kind == "peering":
            self.peering(vpc, subnet, name, path)
        elif kind == "tgw":
            self.transit_gateway_from_vpc(vpc, subnet, name, path)
        elif kind in ("gwlbe", "firewall"):
            self.inspection(vpc, subnet, kind, name, path)
        elif kind == "eni" and name in self.a.hosts:
            self.appliance(vpc, subnet, name, path)
        else:
            raise Dropped(
                f"the route goes to {_target_text(target)}, which the file does not describe",
                "describe it (a host for an interface)",
                path,
                unknown=True,
            )

    def arrive(self, vpc: Vpc, subnet: str) -> None:
        packet = self.packet
        if self.reply and self.forward is not None and self.forward.nat is not None:
            address, nat_vpc, nat_subnet = self.forward.nat
            if packet.dst == address and vpc.name == nat_vpc:
                self.hop(f"NAT gateway in {nat_subnet} translates the reply back", None)
                ports = self.goal_ports if packet.protocol in PORTED else packet.ports
                self.packet = packet._replace(dst=self.goal_address, ports=ports)
                self.at_subnet(vpc, nat_subnet)
                return
        goal = self.goal
        if goal.kind != "vpc" or goal.vpc != vpc.name:
            raise Dropped(
                f"the packet reaches subnet {subnet} of VPC {vpc.name}, not its destination",
                "fix the routes shown",
                None,
            )
        if not self.reply:
            self._recheck_egress()
            self._security_groups(vpc.name, goal.groups, "ingress")
        self.hop(f"delivered in subnet {subnet} of VPC {vpc.name}", vpc.subnets[subnet].path)

    # The reply's final destination and ports once a NAT gateway translates it back (set by
    # the caller: the client's own address and ephemeral ports).
    goal_address = 0
    goal_ports: tuple[tuple[int, int], ...] = ()

    # -- gateways -------------------------------------------------------------------------

    def nat_gateway(self, vpc: Vpc, subnet: str, nat_subnet: str, path: Path | None) -> None:
        if nat_subnet not in vpc.subnets:
            raise Dropped(
                f"NAT gateway subnet {nat_subnet} is not in VPC {vpc.name}",
                "use a NAT gateway of this VPC",
                path,
            )
        if self.packet.protocol not in (6, 17, ICMP):
            raise Dropped("a NAT gateway passes TCP, UDP and ICMP only", "", path)
        self.cross(vpc, subnet, nat_subnet)
        if not self.reply:
            block = vpc.subnets[nat_subnet].cidr
            address = (block.first + 5) if block is not None else 0
            self.nat = (address, vpc.name, nat_subnet)
            self.packet = self.packet._replace(src=address)
            self.by_private = False
            self.hop(
                f"NAT gateway in subnet {nat_subnet} translates the source",
                vpc.subnets[nat_subnet].path,
            )
        self.at_subnet(vpc, nat_subnet)

    def internet_gateway(self, vpc: Vpc, subnet: str, kind: str, path: Path | None) -> None:
        packet = self.packet
        if kind == "igw" and not vpc.internet_gateway:
            raise Dropped(
                f"VPC {vpc.name} has no internet gateway",
                f"set internet_gateway: true on VPC {vpc.name}",
                vpc.path,
            )
        if kind == "egress-only-igw" and packet.version == 4:
            raise Dropped("an egress-only internet gateway carries IPv6 only", "", path)
        if not is_public(packet.version, packet.dst):
            raise Dropped(
                f"the internet gateway drops traffic to the private address "
                f"{self._address(packet.dst)}",
                "route it elsewhere",
                path,
            )
        self.acl(vpc, subnet, "egress")
        public = self.nat is not None or self.source_public or packet.version == 6
        if not public:
            raise Dropped(
                f"the source in subnet {subnet} has no public IP address, so the internet "
                "gateway cannot carry its traffic",
                "route through a NAT gateway, or give it a public IP (public_ip: true)",
                path,
            )
        self.hop(f"internet gateway of VPC {vpc.name}", vpc.path)
        if self.goal.kind != "internet":
            raise Dropped(
                "the packet leaves for the internet, not its destination",
                "fix the routes shown",
                path,
            )
        self._recheck_egress()
        self.hop("delivered to the internet", None)

    def to_vgw(self, vpc: Vpc, path: Path | None) -> None:
        packet = self.packet
        for block, network in vgw_prefixes(self.a, vpc.name):
            if block.version == packet.version and block.first <= packet.dst <= block.last:
                self.hop(f"virtual private gateway of VPC {vpc.name} to {network}", path)
                self.deliver_on_premises(network)
                return
        raise Dropped(
            f"the virtual private gateway of VPC {vpc.name} knows no route to "
            f"{self._address(packet.dst)}",
            "connect the on-premises network to this VPC's VGW (on_premises)",
            path,
        )

    def deliver_on_premises(self, network: str) -> None:
        if self.goal.kind != "on-premises" or self.goal.network != network:
            raise Dropped(
                f"the packet goes to on-premises network {network}, not its destination",
                "fix the routes shown",
                None,
            )
        self._recheck_egress()
        self.hop(f"delivered to on-premises network {network}", self.a.on_premises[network].path)

    def peering(self, vpc: Vpc, subnet: str, name: str, path: Path | None) -> None:
        peering = self.a.peerings.get(name)
        if peering is None or not peering.involves(vpc.name):
            raise Dropped(f"peering {name} does not connect VPC {vpc.name}", "", path)
        if peering.status != "active":
            raise Dropped(
                f"peering {name} is {peering.status}, not active",
                "accept the peering",
                (*peering.path, "status"),
            )
        other_name = peering.accepter if peering.requester == vpc.name else peering.requester
        other = self.a.vpcs.get(other_name or "")
        if other is None:
            raise Dropped(f"peering {name} has no peer VPC", "", peering.path)
        destination = self.subnet_of(other, self.packet.dst)
        if destination is None:
            raise Dropped(
                f"{self._address(self.packet.dst)} is in no subnet of peer VPC "
                f"{other.name}; a peering carries only the peer's addresses",
                "",
                path,
            )
        self.acl(vpc, subnet, "egress")
        if other.region != vpc.region:
            self.by_private = False  # no group references across Regions
        self.hop(f"peering {name} to VPC {other.name}", peering.path)
        self.acl(other, destination, "ingress")
        self.arrive(other, destination)

    # -- inspection -----------------------------------------------------------------------

    def inspection(self, vpc: Vpc, subnet: str, kind: str, name: str, path: Path | None) -> None:
        endpoints = vpc.gwlb_endpoints if kind == "gwlbe" else vpc.firewalls
        endpoint = endpoints.get(name)
        if endpoint is None:
            raise Dropped(
                f"endpoint {name} does not exist in VPC {vpc.name}", "", path, unknown=True
            )
        label = f"{'Gateway Load Balancer' if kind == 'gwlbe' else 'firewall'} endpoint {name}"
        where = endpoint.subnet
        if where is None or where not in vpc.subnets:
            raise Dropped(f"{label} has no subnet", "", endpoint.path)
        self.cross(vpc, subnet, where)
        identity = f"{vpc.name}/{name}"
        if self.reply and self.forward is not None and identity not in self.forward.inspected:
            raise Dropped(
                f"the reply reaches {label}, which never saw the request (asymmetric routing); "
                "a stateful inspection drops it",
                "route both directions through the same endpoint (for a transit gateway, "
                "enable appliance_mode on the inspection VPC's attachment)",
                endpoint.path,
            )
        self.inspected.append(identity)
        self.by_private = False
        self.hop(
            f"{label} inspects (its rules are not in the file: assumed to pass)", endpoint.path
        )
        self.at_subnet(vpc, where)

    def appliance(self, vpc: Vpc, subnet: str, name: str, path: Path | None) -> None:
        host = self.a.hosts[name]
        if host.vpc != vpc.name or host.subnet is None or host.subnet not in vpc.subnets:
            raise Dropped(f"appliance {name} is not in VPC {vpc.name}", "", host.path)
        if host.source_dest_check:
            raise Dropped(
                f"appliance {name} has source/destination check on, so it drops "
                "traffic not addressed to it",
                "set source_dest_check: false",
                host.path,
            )
        self.cross(vpc, subnet, host.subnet)
        identity = f"{vpc.name}/{name}"
        if self.reply and self.forward is not None and identity not in self.forward.inspected:
            raise Dropped(
                f"the reply reaches appliance {name}, which never saw the request "
                "(asymmetric routing)",
                "route both directions through it",
                host.path,
            )
        if not self.reply:
            self._security_groups(vpc.name, host.security_groups, "ingress")
        self.inspected.append(identity)
        self.by_private = False
        self.hop(f"appliance {name} forwards", host.path)
        self.at_subnet(vpc, host.subnet)

    # -- transit gateways -----------------------------------------------------------------

    def transit_gateway_from_vpc(self, vpc: Vpc, subnet: str, name: str, path: Path | None) -> None:
        gateway = self.a.transit_gateways.get(name)
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
        self.cross(vpc, subnet, entry)
        if subnet == entry:
            self.acl(vpc, subnet, "egress")
            self.acl(vpc, subnet, "ingress")
        self.by_private = False
        self.hop(f"transit gateway {name} (attachment {vpc.name}, {zone})", attachment.path)
        self.transit(gateway, vpc.name, zone, set())

    def transit(
        self, gateway: TransitGateway, source: str, zone: str | None, visited: set[str]
    ) -> None:
        if gateway.name in visited:
            raise Dropped("the packet loops between transit gateways", "", gateway.path)
        visited.add(gateway.name)
        packet = self.packet
        if not gateway.route_tables:
            self._undescribed_transit(gateway, zone)
            return
        table = associated_table(gateway, source)
        if table is None:
            raise Dropped(
                f"attachment {source} of transit gateway {gateway.name} is associated "
                "with no route table",
                f"associate {source} with a route table",
                gateway.path,
            )
        choice = choose_tgw(self.a, gateway, table, packet.version, packet.dst)
        if choice is None:
            raise Dropped(
                f"transit gateway route table {table.name} has no route to "
                f"{self._address(packet.dst)}",
                f"add a static route or a propagation to {table.name}",
                table.path,
            )
        if choice.attachment is None:
            raise Dropped(
                f"transit gateway route table {table.name}: {choice.destination} is a blackhole",
                "remove the blackhole route",
                choice.path,
            )
        self.hop(
            f"transit gateway route table {table.name}: {choice.destination} -> "
            f"{choice.attachment}",
            choice.path,
        )
        self.leave_transit(gateway, choice.attachment, zone, visited)

    def _undescribed_transit(self, gateway: TransitGateway, zone: str | None) -> None:
        packet = self.packet
        self.assumptions.append(
            f"transit gateway {gateway.name} has no route tables in the file: assumed to route "
            "to the attachment whose VPC holds the destination"
        )
        for name in gateway.attachments:
            vpc = self.a.vpcs.get(name)
            if vpc is not None and self.subnet_of(vpc, packet.dst) is not None:
                self.hop(
                    f"transit gateway {gateway.name} -> {name} (route tables not described)",
                    gateway.path,
                )
                self.leave_transit(gateway, name, zone, {gateway.name})
                return
        raise Dropped(
            f"no attachment of transit gateway {gateway.name} holds "
            f"{self._address(packet.dst)} (route tables not described)",
            "",
            gateway.path,
            unknown=True,
        )

    def leave_transit(
        self, gateway: TransitGateway, target: str, zone: str | None, visited: set[str]
    ) -> None:
        if target in gateway.attachments:
            self.enter_vpc(gateway, target, zone)
        elif target in self.a.on_premises:
            network = self.a.on_premises[target]
            if not any(
                b.version == self.packet.version and b.first <= self.packet.dst <= b.last
                for b in network.prefixes
            ):
                raise Dropped(
                    f"{self._address(self.packet.dst)} is not a prefix of on-premises "
                    f"network {target}",
                    "",
                    network.path,
                )
            self.hop(f"VPN attachment {target}", network.path)
            self.deliver_on_premises(target)
        elif target in self.a.direct_connect_gateways:
            for network in self.a.on_premises.values():
                if any(link.kind == "dx" and link.name == target for link in network.links) and any(
                    b.version == self.packet.version and b.first <= self.packet.dst <= b.last
                    for b in network.prefixes
                ):
                    self.hop(
                        f"Direct Connect gateway {target}",
                        self.a.direct_connect_gateways[target].path,
                    )
                    self.deliver_on_premises(network.name)
                    return
            raise Dropped(
                f"no network behind Direct Connect gateway {target} holds "
                f"{self._address(self.packet.dst)}",
                "",
                self.a.direct_connect_gateways[target].path,
            )
        elif target in self.a.transit_gateways:
            peer = self.a.transit_gateways[target]
            self.hop(f"transit gateway peering to {target}", peer.path)
            self.transit(peer, gateway.name, None, visited)
        else:
            raise Dropped(f"attachment {target} is not described", "", gateway.path, unknown=True)

    def enter_vpc(self, gateway: TransitGateway, name: str, zone: str | None) -> None:
        vpc = self.a.vpcs.get(name)
        attachment = gateway.attachments[name]
        if vpc is None:
            raise Dropped(
                f"attachment {name} names no VPC of the file", "", attachment.path, unknown=True
            )
        subnets = [s for s in attachment.subnets if s in vpc.subnets]
        if not subnets:
            raise Dropped(f"the attachment of VPC {name} has no subnet", "", attachment.path)
        key = (gateway.name, name)
        if attachment.appliance_mode and key in self.picks:
            entry = self.picks[key]
        else:
            entry = next((s for s in subnets if vpc.subnets[s].az == zone), subnets[0])
            if attachment.appliance_mode:
                self.picks[key] = entry
        self.hop(
            f"into VPC {name} through attachment subnet {entry} ({vpc.subnets[entry].az})",
            attachment.path,
        )
        self.at_subnet(vpc, entry)

    # -- from outside ---------------------------------------------------------------------

    def from_internet(self) -> None:
        goal = self.goal
        packet = self.packet
        if self.reply and self.forward is not None and self.forward.nat is not None:
            target_vpc = self.a.vpcs.get(self.forward.nat[1])  # the reply comes to the NAT
        else:
            target_vpc = self.a.vpcs.get(goal.vpc or "") if goal.kind == "vpc" else None
        if target_vpc is None:
            raise Dropped("the internet reaches only VPCs", "", None)
        if not target_vpc.internet_gateway:
            raise Dropped(
                f"VPC {target_vpc.name} has no internet gateway",
                f"set internet_gateway: true on VPC {target_vpc.name}",
                target_vpc.path,
            )
        nat_reply = self.reply and self.forward is not None and self.forward.nat is not None
        if not (goal.public_ip or packet.version == 6 or nat_reply):
            raise Dropped(
                "the destination has no public IP address: the internet cannot address it",
                "give it a public IP (public_ip: true) or put a load balancer in front",
                None,
            )
        self.hop(f"internet gateway of VPC {target_vpc.name}", target_vpc.path)
        self.from_gateway(target_vpc, "igw")

    def from_gateway(self, vpc: Vpc, gateway: str) -> None:
        """A packet entering the VPC through its internet or virtual private gateway."""
        packet = self.packet
        table = gateway_table(vpc, gateway)
        destination = self.subnet_of(vpc, packet.dst)
        if destination is None:
            raise Dropped(
                f"{self._address(packet.dst)} is in no subnet of VPC {vpc.name}", "", vpc.path
            )
        if table is not None:
            choice = choose(self.a, vpc, table, packet.version, packet.dst)
            if choice is not None and choice.target.kind != "local":
                self.hop(
                    f"gateway route table {table.name}: {choice.destination} -> "
                    f"{_target_text(choice.target)}",
                    choice.path,
                )
                self.enter_through(vpc, choice.target, choice.path)
                return
        self.acl(vpc, destination, "ingress")
        self.arrive(vpc, destination)

    def enter_through(self, vpc: Vpc, target: Target, path: Path | None) -> None:
        if target.kind in ("gwlbe", "firewall"):
            endpoints = vpc.gwlb_endpoints if target.kind == "gwlbe" else vpc.firewalls
            endpoint = endpoints.get(target.name or "")
            subnet = endpoint.subnet if endpoint is not None else None
            if subnet is None or subnet not in vpc.subnets:
                raise Dropped("the endpoint has no subnet", "", path)
            self.acl(vpc, subnet, "ingress")
            self.inspection(vpc, subnet, target.kind, target.name or "", path)
        elif target.kind == "eni" and target.name in self.a.hosts:
            subnet = self.a.hosts[target.name].subnet or ""
            if subnet not in vpc.subnets:
                raise Dropped(f"appliance {target.name} is not in VPC {vpc.name}", "", path)
            self.acl(vpc, subnet, "ingress")
            self.appliance(vpc, subnet, target.name, path)
        else:
            raise Dropped(f"a gateway route table cannot send to {_target_text(target)}", "", path)

    def from_on_premises(self, name: str) -> None:
        network = self.a.on_premises[name]
        packet = self.packet
        tried: list[str] = []
        for link in network.links:
            if link.kind == "vgw":
                vpc = self.a.vpcs.get(link.name or "")
                if vpc is not None and self.subnet_of(vpc, packet.dst) is not None:
                    self.hop(f"VPN to the virtual private gateway of VPC {vpc.name}", link.path)
                    self.from_gateway(vpc, "vgw")
                    return
                tried.append(f"VGW of {link.name}")
            elif link.kind == "tgw":
                gateway = self.a.transit_gateways.get(link.name or "")
                if gateway is not None:
                    self.hop(f"VPN attachment {name} on transit gateway {gateway.name}", link.path)
                    self.transit(gateway, name, None, set())
                    return
            elif link.kind == "dx":
                dx = self.a.direct_connect_gateways.get(link.name or "")
                for association in dx.associations if dx else ():
                    if association.allowed_prefixes is not None and not any(
                        b.version == packet.version and b.first <= packet.dst <= b.last
                        for b in association.allowed_prefixes
                    ):
                        tried.append(f"{link.name} (allowed prefixes)")
                        continue
                    if association.kind == "tgw":
                        gateway = self.a.transit_gateways.get(association.name)
                        if gateway is None:
                            continue
                        self.hop(
                            f"Direct Connect gateway {link.name} to transit gateway {gateway.name}",
                            association.path,
                        )
                        self.transit(gateway, link.name or "", None, set())
                        return
                    vpc = self.a.vpcs.get(association.name)
                    if vpc is not None and self.subnet_of(vpc, packet.dst) is not None:
                        self.hop(
                            f"Direct Connect gateway {link.name} to VPC {vpc.name}",
                            association.path,
                        )
                        self.from_gateway(vpc, "vgw")
                        return
        raise Dropped(
            f"no connection of on-premises network {name} leads to "
            f"{self._address(packet.dst)}" + (f" (tried {', '.join(tried)})" if tried else ""),
            "connect it (on_premises connections) to the VPC or its transit gateway",
            network.path,
        )


def _target_text(target: Target) -> str:
    return target.kind if target.name is None else f"{target.kind}:{target.name}"


def reply_icmp(packet: Packet) -> tuple[int, int] | None:
    if packet.protocol == ICMP:
        return (0, 0)
    if packet.protocol == ICMPV6:
        return (129, 0)
    return None
