"""AP751/AP752 against a brute-force network ACL: every address of a small space, every port
at which some rule's behaviour can change.

For each request rule the analysis says whether some peer it admits gets no reply on a whole
client ephemeral range. The brute force evaluates the ACL packet by packet (first matching
rule, lowest number first, else deny) at every address of 10.0.0.0/28 and at every port where
a rule or a client range starts or ends: between two such ports every packet is treated alike,
so these points decide exactly.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan.cidr import parse_block
from archplan.network import ALL, TCP, UDP, AclRule, NetworkAcl, Ports
from archplan.rules.network_acls import CLIENT_RANGES, REPLY_PORTS, _replies_refused, _request_rules

BASE = parse_block("10.0.0.0/28")
EDGES = (0, 443, 1024, 5432, 32767, 32768, 40000, 49151, 49152, 61000, 61001, 65535)


@st.composite
def _rule(draw: st.DrawFn, number: int) -> AclRule:
    prefix = draw(st.sampled_from([0, 8, 28, 29, 30, 31, 32]))
    if prefix in (0, 8):
        block = parse_block("0.0.0.0/0" if prefix == 0 else "10.0.0.0/8")
    else:
        offset = draw(st.integers(0, 15)) >> (32 - prefix) << (32 - prefix)
        block = parse_block(f"10.0.0.{offset}/{prefix}")
    protocol = draw(st.sampled_from([TCP, TCP, UDP, ALL]))
    low, high = sorted(draw(st.lists(st.sampled_from(EDGES), min_size=2, max_size=2)))
    ports = Ports(low, high) if protocol != ALL else Ports(0, 65535)
    return AclRule(number, draw(st.booleans()), protocol, ports, ALL, ALL, block, ())


@st.composite
def _acl(draw: st.DrawFn) -> NetworkAcl:
    sides = []
    for _ in range(2):
        numbers = sorted(draw(st.sets(st.integers(1, 200), min_size=1, max_size=5)))
        sides.append(tuple(draw(_rule(number)) for number in numbers))
    return NetworkAcl("acl", "vpc", False, ("subnet",), sides[0], sides[1], ())


def _first(rules: tuple[AclRule, ...], protocol: int, address: int, port: int) -> AclRule | None:
    for rule in rules:
        if not rule.block.first <= address <= rule.block.last:
            continue
        if rule.protocol not in (ALL, protocol):
            continue
        if rule.protocol != ALL and not rule.ports.first <= port <= rule.ports.last:
            continue
        return rule
    return None


def _critical(low: int, high: int) -> list[int]:
    points = {low, high}
    for edge in EDGES:
        for point in (edge - 1, edge, edge + 1):
            if low <= point <= high:
                points.add(point)
    for client in CLIENT_RANGES:
        for point in (client.first, client.last):
            if low <= point <= high:
                points.add(point)
    return sorted(points)


def _brute(acl: NetworkAcl, direction: str, request: AclRule) -> bool:
    """Whether some address the request rule decides gets no reply on a whole client range."""
    rules = acl.ingress if direction == "ingress" else acl.egress
    replies = acl.egress if direction == "ingress" else acl.ingress
    for address in range(BASE.first, BASE.last + 1):
        if not request.block.first <= address <= request.block.last:
            continue
        decided = any(
            _first(rules, request.protocol, address, port) is request
            for port in _critical(request.ports.first, request.ports.last)
        )
        if not decided:
            continue
        for client in CLIENT_RANGES:
            points = _critical(client.first, client.last)
            if all(
                (found := _first(replies, request.protocol, address, port)) is None
                or not found.allow
                for port in points
            ):
                return True
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_acl())
def test_reply_analysis_matches_packet_by_packet(acl: NetworkAcl) -> None:
    for direction in ("ingress", "egress"):
        analysed = {
            request.number: _replies_refused(acl, direction, request, cells) is not None
            for request, cells in _request_rules(acl, direction)
        }
        rules = acl.ingress if direction == "ingress" else acl.egress
        for request in rules:
            if not request.allow or request.protocol not in (TCP, UDP):
                continue
            if request.ports.first <= REPLY_PORTS.first and REPLY_PORTS.last <= request.ports.last:
                continue  # a reply rule, not a request rule
            # The analysis looks at the whole block; the brute force at 10.0.0.0/28 only, so
            # compare where the request's block lies inside that space.
            if not BASE.contains(request.block):
                continue
            assert analysed.get(request.number, False) == _brute(acl, direction, request), (
                direction,
                request,
            )
