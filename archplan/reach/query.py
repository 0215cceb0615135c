"""One reachability question, FROM TO [protocol] [port], answered with both directions.

Each place stands for concrete addresses: a host's own address, else a subnet's first usable
address (AWS reserves the first four); a scaling group or endpoint is checked from each of its
subnets. The request leaves from an ephemeral port (32768-61000, "many Linux kernels" in AWS's
network ACL page, for things in a VPC; 1024-65535 for clients on the internet or on-premises,
and after a NAT gateway); the reply must reach every one of them. Without a port or protocol
the question is "does anything get through": one packet per protocol and port class.
"""

from __future__ import annotations

from typing import NamedTuple

from archplan.cidr import Block
from archplan.model import Architecture
from archplan.network import ICMP, ICMPV6, PORTED, TCP, UDP, protocol_name
from archplan.reach.filters import End, Packet
from archplan.reach.hops import Goal, Leg
from archplan.reach.places import Place
from archplan.reach.walk import Walk, reply_icmp

INSTANCE_EPHEMERAL = (32768, 61000)
ANY_CLIENT_EPHEMERAL = (1024, 65535)
INTERNET = {4: 0xCB007164, 6: 0x20010DB8000000000000000000000064}  # 203.0.113.100, 2001:db8::64


class Spot(NamedTuple):
    """One concrete end: where it starts or ends and its address."""

    start: tuple[str, ...]
    goal: Goal
    address: int
    version: int
    groups: tuple[str, ...] | None
    public: bool
    label: str


class Answer(NamedTuple):
    verdict: str  # reachable, unreachable, unknown
    protocol: int
    port: int | None
    source: str
    destination: str
    forward: Leg
    reply: Leg | None
    asymmetric: bool = False
    any_traffic: bool = False  # the question named no protocol and no port


def spots(architecture: Architecture, place: Place, version: int) -> list[Spot] | str:
    """The concrete ends a place stands for, or why it has none in this address family."""
    if place.kind == "internet":
        return [
            Spot(
                ("internet",), Goal("internet"), INTERNET[version], version, None, True, "internet"
            )
        ]
    if place.kind == "on-premises":
        if place.block is not None:
            return [
                Spot(
                    ("on-premises", place.name),
                    Goal("on-premises", network=place.name),
                    place.block.first,
                    version,
                    None,
                    False,
                    place.name,
                )
            ]
        prefix = next((b for b in place.prefixes if b.version == version), None)
        if prefix is None:
            return f"on-premises network {place.name} has no IPv{version} prefix"
        return [
            Spot(
                ("on-premises", place.name),
                Goal("on-premises", network=place.name),
                prefix.first + min(1, prefix.size - 1),
                version,
                None,
                False,
                place.name,
            )
        ]
    if place.vpc is None:
        if place.block is None:
            return f"{place.describe()} is in no VPC"
        return [
            Spot(
                ("internet",), Goal("internet"), place.block.first, version, None, True, place.name
            )
        ]
    vpc = architecture.vpcs.get(place.vpc)
    if vpc is None:
        return f"{place.describe()} is in no VPC of the file"
    found = []
    for name in place.subnets:
        subnet = vpc.subnets.get(name)
        if subnet is None:
            continue
        block: Block | None = subnet.cidr if version == 4 else subnet.ipv6_cidr
        if place.kind != "subnet" and place.block is not None and place.block.version == version:
            address = place.block.first  # a host's or an address's own
        elif block is not None:
            address = block.first + min(4, block.size - 1)
        else:
            continue
        goal = Goal(
            "vpc",
            vpc.name,
            name,
            place.security_groups,
            public_ip=place.public_ip,
            place=place.kind,
            name=place.name,
        )
        found.append(
            Spot(
                ("subnet", vpc.name, name),
                goal,
                address,
                version,
                place.security_groups,
                place.public_ip,
                f"{name}",
            )
        )
    return found or f"{place.describe()} has no IPv{version} address"


def family(architecture: Architecture, source: Place, destination: Place) -> int:
    for place in (source, destination):
        if place.block is not None:
            return place.block.version
    for place in (source, destination):
        if place.vpc is not None and place.subnets:
            vpc = architecture.vpcs.get(place.vpc)
            subnet = vpc.subnets.get(place.subnets[0]) if vpc else None
            if subnet is not None and subnet.cidr is None and subnet.ipv6_cidr is not None:
                return 6
    return 4


def ask(
    architecture: Architecture,
    source: Place,
    destination: Place,
    protocol: int | None,
    port: int | None,
) -> Answer | str:
    """The answer, or why the question cannot be asked (an input error)."""
    version = family(architecture, source, destination)
    froms = spots(architecture, source, version)
    tos = spots(architecture, destination, version)
    if isinstance(froms, str):
        return froms
    if isinstance(tos, str):
        return tos
    if protocol is None and port is not None:
        protocol = TCP
    if protocol == ICMP and version == 6:
        protocol = ICMPV6
    candidates = _candidates(architecture, source, destination, protocol, port, version)
    best: Answer | None = None
    for candidate_protocol, candidate_port in candidates:
        answer = _every_pair(
            architecture, froms, tos, candidate_protocol, candidate_port, source, destination
        )
        if best is None or _rank(answer) > _rank(best):
            best = answer
        if answer.verdict == "reachable" and len(candidates) > 1:
            break
    assert best is not None
    return best._replace(any_traffic=len(candidates) > 1)


def _rank(answer: Answer) -> int:
    return {"unreachable": 0, "unknown": 1, "reachable": 2}[answer.verdict]


def _every_pair(
    architecture: Architecture,
    froms: list[Spot],
    tos: list[Spot],
    protocol: int,
    port: int | None,
    source: Place,
    destination: Place,
) -> Answer:
    """Reachable only when every source spot reaches every destination spot; the first that
    does not is the answer shown."""
    worst: Answer | None = None
    for start in froms:
        for end in tos:
            if end.address == start.address and end.start[0] == "subnet":
                # Two places standing for the same first usable address: the destination
                # takes the next one, so the packet is not sent to itself.
                end = end._replace(address=end.address + 1)
            answer = one(architecture, start, end, protocol, port, source, destination)
            if worst is None or _rank(answer) < _rank(worst):
                worst = answer
            if worst.verdict == "unreachable":
                return worst
    assert worst is not None
    return worst


def one(
    architecture: Architecture,
    start: Spot,
    end: Spot,
    protocol: int,
    port: int | None,
    source: Place,
    destination: Place,
) -> Answer:
    version = start.version
    ported = protocol in PORTED
    icmp = (8, 0) if protocol == ICMP else (128, 0) if protocol == ICMPV6 else None
    own = INSTANCE_EPHEMERAL if start.start[0] == "subnet" else ANY_CLIENT_EPHEMERAL
    request = Packet(
        version,
        start.address,
        end.address,
        protocol,
        ((port or 0, port or 0),) if ported else ((0, 0),),
        icmp,
        (own,) if ported else ((0, 0),),
    )
    source_end = End(
        frozenset((start.goal.vpc or "", g) for g in start.groups)
        if start.groups is not None
        else None,
        start.start[0] == "subnet",
    )
    labels = {
        spot.address: ("0.0.0.0/0" if version == 4 else "::/0")
        if spot.label == "internet"
        else spot.label
        for spot in (start, end)
        if spot.start[0] == "internet"
    }
    walker = Walk(
        architecture,
        request,
        end.goal,
        source_groups=start.groups,
        source_public=start.public,
        source_end=source_end,
    )
    walker.labels = labels
    forward = walker.run(start.start)
    names = (source.describe(), destination.describe())
    if forward.delivered is False:
        return Answer("unreachable", protocol, port, *names, forward, None)
    if forward.delivered is None and forward.reason:
        # The request stopped where the file does not say what happens: no reply to trace.
        return Answer("unknown", protocol, port, *names, forward, None)
    # The reply goes to the request's source ports that got through: a NAT gateway's own
    # (1024-65535), which it translates back to the client's.
    back_to = forward.nat[0] if forward.nat is not None else start.address
    reply_packet = Packet(
        version,
        end.address,
        back_to,
        protocol,
        forward.src_ports if ported else ((0, 0),),
        reply_icmp(request),
        ((port or 0, port or 0),) if ported else ((0, 0),),
    )
    walk = Walk(
        architecture,
        reply_packet,
        start.goal,
        reply=True,
        forward=forward,
        source_public=end.public,
    )
    walk.goal_address = start.address
    walk.labels = labels
    walk.goal_ports = forward.client_ports
    reply = walk.run(end.start)
    asymmetric = reply.delivered is False and "asymmetric" in reply.reason
    if reply.delivered is False:
        return Answer("unreachable", protocol, port, *names, forward, reply, asymmetric)
    if forward.delivered is None or reply.delivered is None:
        return Answer("unknown", protocol, port, *names, forward, reply)
    return Answer("reachable", protocol, port, *names, forward, reply)


def _candidates(
    architecture: Architecture,
    source: Place,
    destination: Place,
    protocol: int | None,
    port: int | None,
    version: int,
) -> list[tuple[int, int | None]]:
    """The packets to try: the one asked about, or one per protocol and port class when the
    question leaves them open (rules decide by intervals, so their edges are enough)."""
    if protocol is not None and (port is not None or protocol not in PORTED):
        return [(protocol, port)]
    protocols = [protocol] if protocol is not None else [TCP, UDP, ICMP if version == 4 else ICMPV6]
    edges = {0, 1, 65535}
    for name in {source.vpc, destination.vpc} - {None}:
        vpc = architecture.vpcs.get(name or "")
        if vpc is None:
            continue
        for group in vpc.security_groups.values():
            for rule in group.ingress + group.egress:
                edges |= {rule.ports.first, rule.ports.last, min(rule.ports.last + 1, 65535)}
        for acl in vpc.network_acls.values():
            for acl_rule in acl.ingress + acl.egress:
                ports = acl_rule.ports
                edges |= {ports.first, ports.last, min(ports.last + 1, 65535)}
    for firewall in architecture.network_firewalls.values():
        for firewall_rule in firewall.stateless + firewall.stateful:
            ports = firewall_rule.ports
            edges |= {ports.first, ports.last, min(ports.last + 1, 65535)}
    # Ports the rules name first: when nothing gets through, the packet shown is one of them
    # rather than port 0.
    ordered = [*sorted(edges - {0, 1, 65535}), 1, 65535, 0]
    return [
        (number, edge if number in PORTED else None)
        for number in protocols
        for edge in (ordered if number in PORTED else [0])
    ]


def describe_packet(answer: Answer) -> str:
    if answer.protocol in PORTED:
        return f"{protocol_name(answer.protocol)} port {answer.port}"
    return protocol_name(answer.protocol)
