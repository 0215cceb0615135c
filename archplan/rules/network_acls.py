"""Network ACL rules: replies on the ephemeral ports, which a stateless ACL must allow.

A network ACL is evaluated on every packet that enters or leaves its subnets, lowest rule
number first; the first rule that matches decides, and what no rule matches is denied. It
keeps no state, so the reply to a request it lets in must be allowed by a rule of the other
direction, to the client's ephemeral port.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import NamedTuple

from archplan.cidr import Block
from archplan.findings import Severity
from archplan.model import Architecture
from archplan.network import ALL, PORTED, AclRule, NetworkAcl, Ports, protocol_name
from archplan.reach.filters import Packet, network_acl
from archplan.rules.registry import Problem, Related, rule

WARNING = Severity.WARNING

# The ports clients choose for replies that every ACL serving a service must allow: Amazon
# Linux (32768-61000) and Windows Server 2008 and later (49152-65535), which AWS's own example
# ACL covers with 32768-65535. AWS's advice is to open 1024-65535 to cover all clients (ELB,
# NAT gateways and Lambda use 1024-65535); the rule asks only for what no client can do without.
REPLY_PORTS = Ports(32768, 65535)


class Cell(NamedTuple):
    """A run of addresses and a run of ports that every rule treats alike."""

    first: int
    last: int
    ports: Ports


def _matches(acl_rule: AclRule, protocol: int, version: int, cell: Cell) -> bool:
    """Whether the rule matches every packet of the cell (cells are cut at rule edges)."""
    block = acl_rule.block
    if block.version != version or not (block.first <= cell.first and cell.last <= block.last):
        return False
    if acl_rule.protocol != ALL and acl_rule.protocol != protocol:
        return False
    if acl_rule.protocol in PORTED:
        return acl_rule.ports.first <= cell.ports.first and cell.ports.last <= acl_rule.ports.last
    return True


def _cells(
    rules: tuple[AclRule, ...], block: Block, ports: Ports, *, ignore_ports: bool = False
) -> list[Cell]:
    """Cut `block` x `ports` at the edges of every rule's block and ports (addresses only with
    `ignore_ports`: one cell per run of addresses, each with all of `ports`)."""
    address_edges = {block.first, block.last + 1}
    port_edges = {ports.first, ports.last + 1}
    for acl_rule in rules:
        if acl_rule.block.version == block.version:
            for edge in (acl_rule.block.first, acl_rule.block.last + 1):
                if block.first < edge <= block.last:
                    address_edges.add(edge)
        for edge in (acl_rule.ports.first, acl_rule.ports.last + 1):
            if ports.first < edge <= ports.last and not ignore_ports:
                port_edges.add(edge)
    addresses = sorted(address_edges)
    port_list = sorted(port_edges)
    return [
        Cell(low, high - 1, Ports(port_low, port_high - 1))
        for low, high in pairwise(addresses)
        for port_low, port_high in pairwise(port_list)
    ]


def _first_match(
    rules: tuple[AclRule, ...], protocol: int, version: int, cell: Cell
) -> AclRule | None:
    return next((r for r in rules if _matches(r, protocol, version, cell)), None)


class Verdict(NamedTuple):
    """Why replies to one request rule are refused: the deny rule that takes them (None: no
    rule matches, the final deny), the allow rule it hides (if any), and an example."""

    deny: AclRule | None
    hidden: AclRule | None
    example: Cell


def _request_rules(acl: NetworkAcl, direction: str) -> Iterator[tuple[AclRule, list[Cell]]]:
    """Allow rules for TCP or UDP to service ports (not themselves a reply range), with the
    cells of traffic they decide (what no lower-numbered rule took first)."""
    rules = acl.ingress if direction == "ingress" else acl.egress
    for index, acl_rule in enumerate(rules):
        if not acl_rule.allow or acl_rule.protocol not in PORTED:
            continue
        ports = acl_rule.ports
        if ports.first <= REPLY_PORTS.first and REPLY_PORTS.last <= ports.last:
            continue  # it opens the reply range itself: a rule for replies, not requests
        earlier = rules[:index]
        decided = [
            cell
            for cell in _cells(earlier, acl_rule.block, ports)
            if _first_match(earlier, acl_rule.protocol, acl_rule.block.version, cell) is None
        ]
        if decided:
            yield acl_rule, decided


# The ephemeral ranges of the clients AWS names (Amazon Linux; Windows Server 2008 and
# later): a reply is refused for a client when every port of its range is.
CLIENT_RANGES = (Ports(32768, 61000), Ports(49152, 65535))


def _replies_refused(
    acl: NetworkAcl, direction: str, request: AclRule, cells: list[Cell]
) -> Verdict | None:
    """How the other direction treats the replies to the request's cells: refused when, for
    some peer addresses, every reply port of a client range is denied. A deny of a few ports
    inside the range (AWS's advice for known bad ports) leaves the clients working. Each run of
    addresses the rules treat alike is judged by the path engine's ACL filter."""
    replies = acl.egress if direction == "ingress" else acl.ingress
    reply_direction = "egress" if direction == "ingress" else "ingress"
    version = request.block.version
    for cell in cells:
        peer = Block("", version, cell.first, cell.last, request.block.prefix, False)
        # Every port of the reply range at once (the filter takes port sets), address run by
        # address run: a run whose addresses no rule's block edge splits.
        for run in _cells(replies, peer, REPLY_PORTS, ignore_ports=True):
            packet = Packet(
                version,
                run.first,
                run.first,
                request.protocol,
                ((REPLY_PORTS.first, REPLY_PORTS.last),),
            )
            denied = network_acl(acl, packet, reply_direction).denied
            for client in CLIENT_RANGES:
                if _covered(denied, client):
                    point = Cell(run.first, run.last, Ports(client.first, client.first))
                    found = _first_match(replies, request.protocol, version, point)
                    hidden = None
                    if found is not None:
                        later = tuple(r for r in replies[replies.index(found) + 1 :] if r.allow)
                        hidden = _first_match(later, request.protocol, version, point)
                    return Verdict(found, hidden, Cell(run.first, run.last, client))
    return None


def _covered(ports: tuple[tuple[int, int], ...], wanted: Ports) -> bool:
    """Whether the intervals cover every port of `wanted`."""
    inside = sum(
        min(last, wanted.last) - max(first, wanted.first) + 1
        for first, last in ports
        if first <= wanted.last and last >= wanted.first
    )
    return inside >= wanted.last - wanted.first + 1


def _findings(architecture: Architecture, want_hidden: bool) -> Iterator[Problem]:
    for vpc in architecture.vpcs.values():
        for acl in vpc.network_acls.values():
            if not acl.subnets and not acl.default:
                continue  # serves no subnet
            if architecture.rejected_within(*acl.path):
                continue  # a rule that failed to decode would make the rest look wrong
            for direction in ("ingress", "egress"):
                for request, cells in _request_rules(acl, direction):
                    verdict = _replies_refused(acl, direction, request, cells)
                    if verdict is None or (verdict.hidden is not None) != want_hidden:
                        continue
                    yield _problem(acl, direction, request, verdict)


def _problem(acl: NetworkAcl, direction: str, request: AclRule, verdict: Verdict) -> Problem:
    other = "outbound" if direction == "ingress" else "inbound"
    proto = protocol_name(request.protocol)
    peer = "to" if direction == "ingress" else "from"
    example = verdict.example
    version = request.block.version
    if example.first == request.block.first and example.last == request.block.last:
        shown = str(request.block)
    else:
        shown = f"{_address(version, example.first)}-{_address(version, example.last)}"
    what = (
        f'network ACL "{acl.name}" allows {"inbound" if direction == "ingress" else "outbound"} '
        f"{proto} {request.ports} {'from' if direction == 'ingress' else 'to'} {request.block} "
        f"(rule {request.number}), but its {other} rules "
    )
    if verdict.deny is None:
        message = (
            what + f"allow no reply {peer} {shown} on the ephemeral ports ({example.ports} is "
            "denied by the final * rule): the connection never completes; add an "
            f"{other} rule allowing {proto} 1024-65535 {peer} {request.block}"
        )
        related: tuple[Related, ...] = ()
    else:
        message = (
            what + f"deny the reply {peer} {shown} on ephemeral ports {example.ports} by rule "
            f"{verdict.deny.number} before rule {verdict.hidden.number if verdict.hidden else '?'} "
            "allows it: give the deny rule a higher number, or narrow it"
        )
        related = (Related(f"rule {verdict.deny.number} is here", verdict.deny.path),)
        if verdict.hidden is not None:
            related += (Related(f"rule {verdict.hidden.number} is here", verdict.hidden.path),)
    return Problem(message, request.path, related)


@rule(
    "AP751",
    "nacl-reply-blocked",
    WARNING,
    "A network ACL allows requests but no reply on the ephemeral ports.",
)
def nacl_reply_blocked(architecture: Architecture) -> Iterator[Problem]:
    """Network ACLs are stateless: the reply to a request an ACL lets in must be allowed by
    one of its rules in the other direction, to the client's ephemeral port (32768-61000 for
    Amazon Linux, 49152-65535 for Windows Server 2008 and later). A custom ACL denies whatever
    no rule allows, so an ACL that opens port 443 inbound but only port 443 outbound lets
    requests in and drops every reply: no connection completes.

    Add a rule in the other direction allowing the protocol on ports 1024-65535 (AWS's advice
    to cover every client) to the same peers. Reported at the rule that admits the requests
    when some reply on ports 32768-65535 to some of its peers matches no rule.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          web:
            cidr: 10.0.0.0/16
            subnets: {web-a: {cidr: 10.0.0.0/24, az: us-east-1a}}
            network_acls:
              web:
                subnets: [web-a]
                ingress:
                  - {rule: 100, action: allow, protocol: tcp, ports: 443, from: 0.0.0.0/0}
                egress:
                  - {rule: 100, action: allow, protocol: tcp, ports: 443, to: 0.0.0.0/0}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          web:
            cidr: 10.0.0.0/16
            subnets: {web-a: {cidr: 10.0.0.0/24, az: us-east-1a}}
            network_acls:
              web:
                subnets: [web-a]
                ingress:
                  - {rule: 100, action: allow, protocol: tcp, ports: 443, from: 0.0.0.0/0}
                  - {rule: 110, action: allow, protocol: tcp, ports: 1024-65535, from: 0.0.0.0/0}
                egress:
                  - {rule: 100, action: allow, protocol: tcp, ports: 443, to: 0.0.0.0/0}
                  - {rule: 110, action: allow, protocol: tcp, ports: 1024-65535, to: 0.0.0.0/0}

    References:
        Amazon VPC User Guide, "Ephemeral ports" <https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html>
        Amazon VPC User Guide, "Control subnet traffic with network access control lists" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>
    """
    yield from _findings(architecture, want_hidden=False)


@rule(
    "AP752",
    "nacl-reply-denied",
    WARNING,
    "A network ACL denies replies on the ephemeral ports by a lower-numbered rule.",
)
def nacl_reply_denied(architecture: Architecture) -> Iterator[Problem]:
    """A network ACL applies the lowest-numbered rule that matches and ignores the rest. A
    deny rule numbered below the rule that opens the ephemeral ports takes the replies first:
    the ACL lets requests in and throws their replies away, although a rule to allow them is
    there. AWS's advice is to put deny rules for unwanted ports inside the ephemeral range at
    lower numbers only when they do not cover the replies your clients need.

    Renumber the deny rule above the allow rule, or narrow it to what must be blocked.
    Reported at the rule that admits the requests, with the deny rule and the allow rule it
    hides.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          web:
            cidr: 10.0.0.0/16
            subnets: {web-a: {cidr: 10.0.0.0/24, az: us-east-1a}}
            network_acls:
              web:
                subnets: [web-a]
                ingress:
                  - {rule: 100, action: allow, protocol: tcp, ports: 443, from: 0.0.0.0/0}
                egress:
                  - {rule: 90, action: deny, protocol: tcp, ports: 1024-65535, to: 0.0.0.0/0}
                  - {rule: 100, action: allow, protocol: tcp, ports: 1024-65535, to: 0.0.0.0/0}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          web:
            cidr: 10.0.0.0/16
            subnets: {web-a: {cidr: 10.0.0.0/24, az: us-east-1a}}
            network_acls:
              web:
                subnets: [web-a]
                ingress:
                  - {rule: 100, action: allow, protocol: tcp, ports: 443, from: 0.0.0.0/0}
                egress:
                  - {rule: 90, action: deny, protocol: tcp, ports: 4444, to: 0.0.0.0/0}
                  - {rule: 100, action: allow, protocol: tcp, ports: 1024-65535, to: 0.0.0.0/0}

    References:
        Amazon VPC User Guide, "Ephemeral ports" <https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html>
        Amazon VPC User Guide, "Network ACL rules" <https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html>
    """
    yield from _findings(architecture, want_hidden=True)


def _address(version: int, number: int) -> str:
    import ipaddress

    return str(ipaddress.IPv4Address(number) if version == 4 else ipaddress.IPv6Address(number))
