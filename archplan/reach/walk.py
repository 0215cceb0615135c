"""One direction of a flow, hop by hop: from a subnet (or the internet, or an on-premises
network) through route tables, network ACLs, NAT gateways, peering connections, transit gateway
route tables, inspection endpoints and appliances, to the destination's security groups.

The transit gateway part lives in reach.transit, the starts from outside a VPC in
reach.edges, and middle boxes in reach.inspection; what a walk produces is in reach.hops.
The walk stops at the first component that drops the packet (saying why and what would fix
it), or where the answer depends on something the file does not describe. Stateful middle
boxes a forward walk passes are recorded; the reply must pass the same ones.
"""

from __future__ import annotations

import ipaddress

from archplan.findings import Path
from archplan.model import Architecture, Target, Vpc
from archplan.network import ICMP, ICMPV6, PORTED
from archplan.reach import connect, edges, inspection, transit
from archplan.reach.filters import End, Packet, network_acl, security_groups, show_ports
from archplan.reach.hops import NAT_PORTS, Dropped, Goal, Hop, Leg, is_public, target_text
from archplan.reach.routing import choose, table_label, table_of, vgw_prefixes

MAX_HOPS = 64


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
        self.tracked: list[str] = []
        self.left_by: str | None = None
        self.assumptions: list[str] = []
        self.caveats: list[str] = []
        self.nat: tuple[int, str, str] | None = None
        self.client_ports = packet.src_ports  # the sender's own source ports (before a NAT)
        self.picks: dict[tuple[str, str], str] = {}
        if forward is not None:
            self.picks = {(g, v): s for g, v, s in forward.tgw_picks}
        self.seen: set[tuple[str, str, str]] = set()
        # Whether rules naming groups still match (no NAT, appliance or transit gateway yet):
        # inbound rules (by_private), outbound rules (egress_by_private; never over a transit
        # gateway), and why they stopped matching, for the explanation.
        self.by_private = True
        self.egress_by_private = True
        self.lost: str | None = None
        self.egress_lost: str | None = None

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
            tuple(dict.fromkeys(self.assumptions)),  # one line per fact, however often met
            tuple(self.caveats),
            tuple((g, v, s) for (g, v), s in sorted(self.picks.items())),
            tuple(self.tracked),
            self.left_by,
            self.packet.src_ports,
            self.client_ports if self.nat is not None else self.packet.src_ports,
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
                self.check_groups(vpc.name, self.source_groups, "egress")
                self.egress_vpc = vpc.name
            self.at_subnet(vpc, subnet)
        elif kind == "internet":
            edges.from_internet(self)
        else:
            edges.from_on_premises(self, start[1])

    def lose_references(self, why: str, *, inbound: bool = True) -> None:
        """Rules naming groups stop matching from here on: `why` says what the packet passed
        (inbound False: outbound rules only, as over a transit gateway with referencing on)."""
        if self.egress_by_private:
            self.egress_by_private, self.egress_lost = False, why
        if inbound and self.by_private:
            self.by_private, self.lost = False, why

    def check_groups(self, vpc: str, groups: tuple[str, ...] | None, direction: str) -> None:
        other = self.goal_end() if direction == "egress" else self.source_end
        if not self.by_private:
            other = End(other.groups, False)
        verdict = security_groups(self.a, vpc, groups, self.packet, direction, other)
        if verdict.allowed is None:
            self.hop(f"{verdict.detail}: cannot tell", verdict.path)
            self.assumptions.append(verdict.detail)
            return
        if verdict.allowed is False and not self.by_private:
            kept = security_groups(
                self.a, vpc, groups, self.packet, direction, other._replace(by_private_address=True)
            )
            if kept.allowed:
                raise Dropped(
                    f"{kept.detail} does not match: {self.lost}, so the packet no longer "
                    "carries its source's security groups",
                    self._reference_fix(self.lost or ""),
                    kept.path,
                )
        if not verdict.allowed:
            raise Dropped(
                verdict.detail, self._group_fix(vpc, groups, direction, other), verdict.path
            )
        self.hop(verdict.detail, verdict.path)

    def _group_fix(
        self, vpc: str, groups: tuple[str, ...] | None, direction: str, other: End
    ) -> str:
        """The rule to add to `groups` (of `vpc`) for the packet to pass. It names the other
        side's security group (`sg:NAME`, or `sg:VPC/NAME` in a peer VPC of the same Region)
        when the other side has groups and a reference to them can match here, as a file
        written with group references expects; otherwise the address the trace used."""
        names = ", ".join(groups or ())
        side = "to" if direction == "egress" else "from"
        peer = self.packet.dst if direction == "egress" else self.packet.src
        target = self.peer_text(peer)
        if other.groups and other.by_private_address:
            owners = {owner for owner, _ in other.groups}
            (owner,) = owners if len(owners) == 1 else (None,)
            if owner is not None and self._references_reach(vpc, owner):
                prefix = "" if owner == vpc else f"{owner}/"
                refs = [f"sg:{prefix}{name}" for _, name in sorted(other.groups)]
                target = refs[0] if len(refs) == 1 else "one of " + ", ".join(refs)
        return f"add an {direction} rule to {names} allowing {self.what()} {side} {target}"

    def _references_reach(self, vpc: str, other: str) -> bool:
        """Whether a rule in `vpc` can name a group of VPC `other`: the same VPC, or VPCs
        peered within one Region (AWS: security group references across a peering work only
        in the same Region)."""
        if vpc == other:
            return True
        vpcs = self.a.vpcs
        if vpc not in vpcs or other not in vpcs or vpcs[vpc].region is None:
            return False
        return vpcs[vpc].region == vpcs[other].region and any(
            peering.involves(vpc) and peering.involves(other)
            for peering in self.a.peerings.values()
        )

    egress_vpc: str | None = None

    def _reference_fix(self, why: str) -> str:
        if "security_group_referencing" in why:
            return "enable it, or allow the source's address or block instead of its group"
        return "allow the source's address or block instead of its group"

    def _recheck_egress(self) -> None:
        if self.reply or self.egress_vpc is None or self.egress_by_private:
            return
        other = self.goal_end()
        groups, vpc = self.source_groups, self.egress_vpc
        verdict = security_groups(
            self.a, vpc, groups, self.packet, "egress", End(other.groups, False)
        )
        if verdict.allowed is False:
            # The rule that let the packet out named the destination's group.
            kept = security_groups(self.a, vpc, groups, self.packet, "egress", other)
            raise Dropped(
                f"{kept.detail} does not match: {self.egress_lost}",
                "allow the destination's address or block instead of its group",
                kept.path,
            )

    def goal_end(self) -> End:
        goal = self.goal
        if goal.kind != "vpc" or goal.groups is None or goal.vpc is None:
            return End(None, goal.kind == "vpc")
        return End(frozenset((goal.vpc, name) for name in goal.groups), True)

    def what(self) -> str:
        from archplan.network import protocol_name

        packet = self.packet
        if packet.protocol in PORTED:
            return f"{protocol_name(packet.protocol)} {show_ports(packet.ports)}"
        return protocol_name(packet.protocol)

    # What a fix calls an address that stands for more than itself: the internet's (an
    # address the query picks) is 0.0.0.0/0, an address or block the user wrote is as written.
    labels: dict[int, str] = {}  # noqa: RUF012 - replaced per walk, never mutated

    def peer_text(self, number: int) -> str:
        return self.labels.get(number) or self.address_text(number)

    def address_text(self, number: int) -> str:
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
                f"allow {self.what()} {side} {self.peer_text(peer)} in network ACL "
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
            self.hop(f"{self.address_text(packet.dst)} is in this subnet: no route table applies")
            self.arrive(vpc, subnet)
            return
        table = table_of(vpc, subnet)
        choice = choose(self.a, vpc, table, packet.version, packet.dst)
        where = table_label(self.a, vpc, table)
        if self.goal.kind == "vpc" and (
            choice is None or choice.target.kind in ("nat", "igw", "egress-only-igw")
        ):
            other = self.a.vpcs.get(self.goal.vpc or "")
            if (
                other is not None
                and connect.holds(other, vpc, packet.version, packet.dst)
                and connect.sent_from(vpc, packet.version, packet.src)
                and connect.only_internet(self.a, vpc, choice, packet.version, packet.dst)
            ):
                # Not the internet gateway's fault: nothing connects the two VPCs.
                if choice is not None:
                    self.hop(
                        f"{where}: {choice.destination} -> {target_text(choice.target)}",
                        choice.path,
                    )
                raise connect.not_connected(
                    self.a,
                    vpc,
                    subnet,
                    table,
                    choice,
                    other,
                    packet.version,
                    packet.dst,
                    self.goal.subnet,
                    packet.src,
                )
        if choice is None:
            raise Dropped(
                f"{where} (subnet {subnet}) has no route to {self.address_text(packet.dst)}",
                f"add a route for {self.peer_text(packet.dst)} to {where}",
                table.path if table else vpc.path,
            )
        self.hop(f"{where}: {choice.destination} -> {target_text(choice.target)}", choice.path)
        self.follow(vpc, subnet, choice.target, choice.path)

    def follow(self, vpc: Vpc, subnet: str, target: Target, path: Path | None) -> None:
        kind, name = target.kind, target.name or ""
        packet = self.packet
        if kind == "local":
            destination = self.subnet_of(vpc, packet.dst)
            if destination is None:
                raise Dropped(
                    f"no subnet of VPC {vpc.name} holds {self.address_text(packet.dst)}",
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
            transit.from_vpc(self, vpc, subnet, name, path)
        elif kind in ("gwlbe", "firewall"):
            inspection.endpoint(self, vpc, subnet, kind, name, path)
        elif kind == "eni" and name in self.a.hosts:
            inspection.appliance(self, vpc, subnet, name, path)
        else:
            raise Dropped(
                f"the route goes to {target_text(target)}, which the file does not describe",
                "describe it (a host for an interface)",
                path,
                unknown=True,
            )

    def arrive(self, vpc: Vpc, subnet: str) -> None:
        packet = self.packet
        if self.reply and self.forward is not None and self.forward.nat is not None:
            address, nat_vpc, nat_subnet = self.forward.nat
            if packet.dst == address and vpc.name == nat_vpc:
                self.hop(
                    f"NAT gateway in subnet {nat_subnet} translates the reply back",
                    vpc.subnets[nat_subnet].path,
                )
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
            self.check_groups(vpc.name, goal.groups, "ingress")
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
        if self.packet.version == 6:
            # NAT64 (IPv6 to 64:ff9b::/96 out as IPv4, with DNS64) is not modelled.
            raise Dropped(
                "a NAT gateway translates IPv6 only by NAT64 (to 64:ff9b::/96), which archplan "
                "does not model",
                "",
                path,
                unknown=True,
            )
        if self.packet.protocol not in (6, 17, ICMP):
            raise Dropped("a NAT gateway passes TCP, UDP and ICMP only", "", path)
        self.cross(vpc, subnet, nat_subnet)
        if not self.reply:
            block = vpc.subnets[nat_subnet].cidr
            address = (block.first + 5) if block is not None else 0
            self.nat = (address, vpc.name, nat_subnet)
            # The NAT gateway picks the source port from 1024-65535 (the sender's survive only
            # as the ports the reply must reach once translated back).
            self.client_ports = self.packet.src_ports
            self.packet = self.packet._replace(src=address, src_ports=NAT_PORTS)
            self.lose_references(f"NAT gateway in subnet {nat_subnet} translates the source")
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
                f"{self.address_text(packet.dst)}",
                "route it to where it lives (a peering, transit gateway or VPN): the route "
                "shown sends it to the internet",
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
        gateway = (
            "egress-only internet gateway" if kind == "egress-only-igw" else "internet gateway"
        )
        self.hop(f"{gateway} of VPC {vpc.name}", vpc.path)
        self.left_by = kind
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
                if packet.version == 6 and not self._dx_to_vgw(vpc.name, network):
                    raise Dropped(
                        f"a Site-to-Site VPN on the virtual private gateway of VPC {vpc.name} "
                        "carries no IPv6",
                        "reach IPv6 on-premises through a transit gateway VPN attachment or "
                        "Direct Connect",
                        path,
                    )
                self.hop(f"virtual private gateway of VPC {vpc.name} to {network}", path)
                self.deliver_on_premises(network)
                return
        raise Dropped(
            f"the virtual private gateway of VPC {vpc.name} knows no route to "
            f"{self.address_text(packet.dst)}",
            "connect the on-premises network to this VPC's VGW (on_premises)",
            path,
        )

    def _dx_to_vgw(self, vpc: str, network: str) -> bool:
        """Whether on-premises `network` reaches the VPC's virtual private gateway over Direct
        Connect (which carries IPv6), not only over a VPN (which does not)."""
        links = self.a.on_premises[network].links
        return any(
            link.kind == "dx"
            and link.name in self.a.direct_connect_gateways
            and any(
                a.kind == "vpc" and a.name == vpc
                for a in self.a.direct_connect_gateways[link.name].associations
            )
            for link in links
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
                f"{self.address_text(self.packet.dst)} is in no subnet of peer VPC "
                f"{other.name}; a peering carries only the peer's addresses",
                "",
                path,
            )
        self.acl(vpc, subnet, "egress")
        if other.region != vpc.region:
            self.lose_references(f"peering {name} crosses Regions")
        self.hop(f"peering {name} to VPC {other.name}", peering.path)
        self.acl(other, destination, "ingress")
        self.arrive(other, destination)

    # -- inspection -----------------------------------------------------------------------


def reply_icmp(packet: Packet) -> tuple[int, int] | None:
    if packet.protocol == ICMP:
        return (0, 0)
    if packet.protocol == ICMPV6:
        return (129, 0)
    return None
