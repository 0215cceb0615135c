"""Records for what decides whether a packet gets through: security groups, network ACLs,
inspection endpoints, hosts, prefix lists, transit gateway route tables, on-premises networks
and reachability intents. Like archplan.model, immutable NamedTuples that know their path.
"""

from __future__ import annotations

from typing import NamedTuple

from archplan.cidr import Block
from archplan.findings import Path

ALL = -1  # protocol -1 (every protocol), ICMP type or code -1 (every one)
TCP, UDP, ICMP, ICMPV6 = 6, 17, 1, 58
PROTOCOLS = {"tcp": TCP, "udp": UDP, "icmp": ICMP, "icmpv6": ICMPV6, "all": ALL}
PROTOCOL_NAMES = {number: name for name, number in PROTOCOLS.items()}
# Protocols whose rules carry a port range; for any other number AWS ignores the ports.
PORTED = (TCP, UDP)


def protocol_name(number: int) -> str:
    return PROTOCOL_NAMES.get(number, str(number))


class Ports(NamedTuple):
    """An inclusive port range."""

    first: int
    last: int

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


ALL_PORTS = Ports(0, 65535)


class Peer(NamedTuple):
    """The other side of a rule: `kind` is block, prefix_list, sg or self."""

    kind: str
    text: str
    block: Block | None = None
    name: str | None = None  # prefix list or security group
    vpc: str | None = None  # the security group's VPC


class SgRule(NamedTuple):
    protocol: int
    ports: Ports  # ALL_PORTS when the protocol carries none
    icmp_type: int
    icmp_code: int
    peer: Peer
    path: Path


class SecurityGroup(NamedTuple):
    name: str
    vpc: str
    ingress: tuple[SgRule, ...]
    egress: tuple[SgRule, ...]
    path: Path
    implicit: bool = False  # the VPC's `default` group as AWS creates it, not written


class AclRule(NamedTuple):
    number: int
    allow: bool
    protocol: int
    ports: Ports
    icmp_type: int
    icmp_code: int
    block: Block
    path: Path


class NetworkAcl(NamedTuple):
    name: str
    vpc: str
    default: bool
    subnets: tuple[str, ...]
    ingress: tuple[AclRule, ...]  # sorted by rule number
    egress: tuple[AclRule, ...]
    path: Path


class GwlbEndpoint(NamedTuple):
    name: str
    vpc: str
    subnet: str | None
    path: Path


class FirewallEndpoint(NamedTuple):
    name: str
    vpc: str
    subnet: str | None
    firewall: str | None
    path: Path


class Host(NamedTuple):
    """A fixed thing in a subnet (a database, an appliance), with an address or none."""

    name: str
    vpc: str | None
    subnet: str | None
    address: Block | None
    public_ip: bool
    security_groups: tuple[str, ...] | None  # None: the file does not say
    source_dest_check: bool
    path: Path


class PrefixList(NamedTuple):
    name: str
    entries: tuple[Block, ...]
    max_entries: int | None
    path: Path


class TgwRoute(NamedTuple):
    destination: str
    block: Block | None
    attachment: str | None  # None: blackhole
    path: Path


class TgwRouteTable(NamedTuple):
    name: str
    gateway: str
    associations: tuple[str, ...]
    propagations: tuple[str, ...]
    routes: tuple[TgwRoute, ...]
    path: Path


class OnPremisesLink(NamedTuple):
    """One way an on-premises network attaches: kind vgw (a VPC's virtual private gateway),
    tgw (a transit gateway VPN attachment) or dx (a Direct Connect gateway)."""

    kind: str
    name: str | None
    static_routes: tuple[Block, ...] | None  # None: BGP advertises every prefix
    path: Path


class OnPremises(NamedTuple):
    name: str
    prefixes: tuple[Block, ...]
    links: tuple[OnPremisesLink, ...]
    path: Path


class DxAssociation(NamedTuple):
    kind: str  # tgw or vpc (its virtual private gateway)
    name: str
    allowed_prefixes: tuple[Block, ...] | None  # None: not written
    path: Path


class DirectConnectGateway(NamedTuple):
    name: str
    associations: tuple[DxAssociation, ...]
    path: Path


class Intent(NamedTuple):
    source: str
    destination: str
    port: int | None  # None: any port
    protocol: int | None  # None: any protocol (neither port nor protocol written)
    expect: str  # reachable | unreachable
    path: Path


class FirewallRule(NamedTuple):
    """One AWS Network Firewall 5-tuple rule: `ports` the destination ports, `source_ports`
    the source ports (all unless written). `source`/`destination` None: any address."""

    action: str  # stateless: pass, drop, forward; stateful: pass, drop, reject, alert
    protocol: int
    ports: Ports
    source: Block | None
    destination: Block | None
    priority: int  # stateless rules: lowest first; stateful rules: their place in the list
    path: Path
    source_ports: Ports = ALL_PORTS


class NetworkFirewall(NamedTuple):
    """A firewall's policy: stateless rules on every packet (both directions), then for what
    they forward the stateful rules, which decide once per flow (the reply of a passed flow
    passes)."""

    name: str
    stateless_default: str  # forward (to the stateful rules), pass or drop
    stateless: tuple[FirewallRule, ...]  # sorted by priority
    strict: bool  # strict rule order; else AWS's default action order (pass, then drop)
    stateful: tuple[FirewallRule, ...]
    stateful_default: str  # strict order: pass, or drop ("drop all"); default order: pass
    path: Path
