"""Security groups and network ACLs applied to one packet.

A security group is stateful and allow-only: every rule of every group on the interface is
considered, and a reply is never checked. A network ACL is stateless: rules lowest number
first, the first that matches decides, anything unmatched is denied; the reply is checked like
any packet, on the client's ephemeral ports. ACL checks therefore run over a set of
destination ports (intervals) and say which of them pass.
"""

from __future__ import annotations

from typing import NamedTuple

from archplan.findings import Path
from archplan.model import Architecture
from archplan.network import ALL, ICMP, ICMPV6, PORTED, AclRule, NetworkAcl, Peer, SgRule

PortSet = tuple[tuple[int, int], ...]  # sorted, disjoint inclusive intervals


class Packet(NamedTuple):
    """What the filters look at. `ports` are the destination ports it may carry (one port
    forward; the client's ephemeral range for a reply), `src_ports` its source ports (the
    client's ephemeral range forward; the request's port for a reply); ICMP carries (type,
    code). Only firewall rules read source ports (security groups and network ACLs match
    destination ports)."""

    version: int
    src: int
    dst: int
    protocol: int
    ports: PortSet
    icmp: tuple[int, int] | None = None
    src_ports: PortSet = ((0, 65535),)


class End(NamedTuple):
    """What a security group rule naming a group can know of the other side: its groups
    (None: not described) and whether it is seen by its own private address in a VPC where
    group references work (not NAT-translated, not through a transit gateway or appliance)."""

    groups: frozenset[tuple[str, str]] | None
    by_private_address: bool


class Verdict(NamedTuple):
    """allowed: True, False, or None when it depends on something the file does not say."""

    allowed: bool | None
    detail: str
    path: Path | None


def _protocol_matches(rule_protocol: int, packet: Packet) -> bool:
    return rule_protocol in (ALL, packet.protocol)


def _icmp_matches(rule: SgRule | AclRule, packet: Packet) -> bool:
    if rule.protocol not in (ICMP, ICMPV6) or packet.icmp is None:
        return True
    kind, code = packet.icmp
    return rule.icmp_type in (ALL, kind) and rule.icmp_code in (ALL, code)


def _ports_match(rule: SgRule | AclRule, packet: Packet) -> bool:
    if packet.protocol not in PORTED or rule.protocol not in PORTED:
        return True
    return any(low <= rule.ports.last and rule.ports.first <= high for low, high in packet.ports)


def describe_sg_rule(rule: SgRule) -> str:
    from archplan.network import protocol_name

    ports = "" if rule.protocol not in PORTED else f" {rule.ports}"
    return f"{protocol_name(rule.protocol)}{ports} {rule.peer.text}"


def _peer_matches(
    architecture: Architecture,
    vpc: str,
    group: str,
    peer: Peer,
    address: int,
    version: int,
    other: End,
) -> bool | None:
    if peer.kind == "any":
        return True
    if peer.kind == "block":
        block = peer.block
        return (
            block is not None and block.version == version and block.first <= address <= block.last
        )
    if peer.kind == "prefix_list":
        listed = architecture.prefix_lists.get((peer.name or "").removeprefix("pl:"))
        if listed is None:
            return False  # AWS-managed lists hold AWS service ranges, never our addresses
        return any(b.version == version and b.first <= address <= b.last for b in listed.entries)
    wanted = (vpc, group) if peer.kind == "self" else (peer.vpc or vpc, peer.name or "")
    if not other.by_private_address:
        return False
    if other.groups is None:
        return None
    return wanted in other.groups


def security_groups(
    architecture: Architecture,
    vpc: str,
    names: tuple[str, ...] | None,
    packet: Packet,
    direction: str,
    other: End,
) -> Verdict:
    """Whether the groups on an interface let `packet` out (egress) or in (ingress)."""
    if names is None:
        whose = "sender" if direction == "egress" else "receiver"
        return Verdict(None, f"the {whose}'s security groups are not described in the file", None)
    groups = architecture.vpcs[vpc].security_groups
    address = packet.dst if direction == "egress" else packet.src
    unknown: Verdict | None = None
    missing = [name for name in names if name not in groups]
    for name in names:
        group = groups.get(name)
        if group is None:
            continue  # not described: decided below unless a described group allows
        for rule in group.egress if direction == "egress" else group.ingress:
            if not (
                _protocol_matches(rule.protocol, packet)
                and _ports_match(rule, packet)
                and _icmp_matches(rule, packet)
            ):
                continue
            matched = _peer_matches(
                architecture, vpc, name, rule.peer, address, packet.version, other
            )
            detail = f"security group {name} {direction} {describe_sg_rule(rule)}"
            if matched:
                return Verdict(True, detail, rule.path)
            if matched is None and unknown is None:
                unknown = Verdict(
                    None, detail + " (the other side's groups are not described)", rule.path
                )
    if unknown is not None:
        return unknown
    if missing:
        # A group the VPC does not describe (validate reports a misspelt one) may allow it.
        return Verdict(
            None,
            f"security group{'s' if len(missing) > 1 else ''} {', '.join(missing)} not "
            f"described in VPC {vpc}",
            None,
        )
    shown = ", ".join(names) or "none"
    first = groups.get(names[0]) if names else None
    return Verdict(
        False,
        f"no {direction} rule of security group(s) {shown} matches",
        first.path if first else None,
    )


class AclResult(NamedTuple):
    allowed: PortSet
    denied: PortSet
    detail: str  # the rule that denies (or allows) the first port
    path: Path | None


def subtract(ports: PortSet, low: int, high: int) -> tuple[PortSet, PortSet]:
    """(inside [low, high], outside)."""
    inside: list[tuple[int, int]] = []
    outside: list[tuple[int, int]] = []
    for first, last in ports:
        if last < low or first > high:
            outside.append((first, last))
            continue
        if first < low:
            outside.append((first, low - 1))
        inside.append((max(first, low), min(last, high)))
        if last > high:
            outside.append((high + 1, last))
    return tuple(inside), tuple(outside)


def network_acl(acl: NetworkAcl | None, packet: Packet, direction: str) -> AclResult:
    """Which of the packet's ports `acl` lets cross in `direction` (ingress: address = source,
    egress: address = destination). None is AWS's default ACL: everything passes."""
    if acl is None:
        return AclResult(packet.ports, (), "default network ACL allows all", None)
    address = packet.src if direction == "ingress" else packet.dst
    remaining = packet.ports
    allowed: list[tuple[int, int]] = []
    denied: list[tuple[int, int]] = []
    allow_by: tuple[str, Path | None] | None = None
    deny_by: tuple[str, Path | None] | None = None
    for rule in acl.ingress if direction == "ingress" else acl.egress:
        if not remaining:
            break
        block = rule.block
        if block.version != packet.version or not block.first <= address <= block.last:
            continue
        if not _protocol_matches(rule.protocol, packet) or not _icmp_matches(rule, packet):
            continue
        if packet.protocol in PORTED and rule.protocol in PORTED:
            hit, remaining = subtract(remaining, rule.ports.first, rule.ports.last)
        else:
            hit, remaining = remaining, ()
        if not hit:
            continue
        action = "allow" if rule.allow else "deny"
        said = (f"network ACL {acl.name} {direction} rule {rule.number} {action}", rule.path)
        if rule.allow:
            allowed.extend(hit)
            allow_by = allow_by or said
        else:
            denied.extend(hit)
            deny_by = deny_by or said
    if remaining:
        denied.extend(remaining)
        deny_by = deny_by or (
            f"network ACL {acl.name} {direction}: no rule matches, so rule * denies",
            acl.path,
        )
    detail, path = (deny_by if denied else allow_by) or ("", None)
    return AclResult(tuple(sorted(allowed)), tuple(sorted(denied)), detail, path)


def show_ports(ports: PortSet) -> str:
    return ", ".join(str(low) if low == high else f"{low}-{high}" for low, high in ports)
