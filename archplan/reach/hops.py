"""What a walk produces: the hops it passes, one direction's outcome (Leg), where the packet
must end (Goal), and the exception that stops a walk at the component that drops it."""

from __future__ import annotations

import ipaddress
from typing import NamedTuple

from archplan.findings import Path
from archplan.model import Target

PRIVATE = [
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
]


# The source ports a NAT gateway gives a translated connection.
NAT_PORTS = ((1024, 65535),)


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
    tracked: tuple[str, ...] = ()  # firewall endpoints whose stateful rules passed the request
    left_by: str | None = None  # igw or egress-only-igw: how the request left for the internet
    # The request's source ports that got through (after a NAT gateway, its own), and the
    # sender's (before it): the ports its reply goes to.
    src_ports: tuple[tuple[int, int], ...] = ()
    client_ports: tuple[tuple[int, int], ...] = ()


class Goal(NamedTuple):
    """Where the packet must end: in a VPC subnet (with the interface's groups), on the
    internet, or in an on-premises network."""

    kind: str  # vpc, internet, on-premises
    vpc: str | None = None
    subnet: str | None = None
    groups: tuple[str, ...] | None = None
    network: str | None = None
    public_ip: bool = False
    place: str = ""  # what the destination is (host, group, service ...), for the fix
    name: str = ""  # and its name


def is_public(version: int, address: int) -> bool:
    if version == 6:
        return True
    ip = ipaddress.IPv4Address(address)
    return not any(ip in net for net in PRIVATE)


class Dropped(Exception):
    def __init__(self, reason: str, fix: str, blame: Path | None, *, unknown: bool = False):
        super().__init__(reason)
        self.reason, self.fix, self.blame, self.unknown = reason, fix, blame, unknown


def target_text(target: Target) -> str:
    return target.kind if target.name is None else f"{target.kind}:{target.name}"
