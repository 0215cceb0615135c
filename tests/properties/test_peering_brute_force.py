"""Peering overlap and reply paths on random small estates, against a brute-force evaluation.

Every address of every sending subnet is walked through the peer's route tables by hand
(longest prefix match with ipaddress), so the rules' block arithmetic is checked exactly.
"""

from __future__ import annotations

import ipaddress
import itertools
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan.engine import load_architecture, validate_source
from archplan.model import Architecture, RouteTable, Vpc
from archplan.source import Source

VPC_BLOCKS = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.0.0/23"]


@st.composite
def estates(draw: Any) -> dict[str, Any]:
    """2–4 VPCs with /28 subnets, 1–2 route tables each, peerings and peering routes."""
    names = [f"v{index}" for index in range(draw(st.integers(2, 4)))]
    vpcs: dict[str, Any] = {}
    for name in names:
        block = ipaddress.ip_network(draw(st.sampled_from(VPC_BLOCKS)))
        slots = list(block.subnets(new_prefix=28))
        chosen = draw(st.lists(st.sampled_from(slots), min_size=1, max_size=3, unique=True))
        tables = ["main", "alt"][: draw(st.integers(1, 2))]
        subnets = {
            f"{name}-s{index}": {
                "cidr": str(subnet),
                "az": "us-east-1a",
                **({"route_table": draw(st.sampled_from(tables))} if draw(st.booleans()) else {}),
            }
            for index, subnet in enumerate(chosen)
        }
        vpcs[name] = {
            "region": "us-east-1",
            "cidr": str(block),
            "subnets": subnets,
            "route_tables": {table: {"main": table == "main", "routes": {}} for table in tables},
        }
    pairs = list(itertools.combinations(names, 2))
    peered = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True))
    peerings = {f"{a}-{b}": {"requester": a, "accepter": b} for a, b in peered}
    for peering, (a, b) in zip(peerings, peered, strict=True):
        for here, there in ((a, b), (b, a)):
            peer_block = ipaddress.ip_network(vpcs[there]["cidr"])
            options = [
                str(peer_block),
                *(subnet["cidr"] for subnet in vpcs[there]["subnets"].values()),
                str(next(peer_block.subnets(new_prefix=26))),
                f"{peer_block.network_address + draw(st.integers(0, 15))}/32",
            ]
            for table in vpcs[here]["route_tables"].values():
                for destination in draw(
                    st.lists(st.sampled_from(options), max_size=3, unique=True)
                ):
                    target = draw(st.sampled_from([f"peering:{peering}", "blackhole"]))
                    table["routes"].setdefault(destination, target)
    return {"archplan": 1, "vpcs": vpcs, "peerings": peerings}


def _findings(estate: dict[str, Any]) -> tuple[Architecture, set[tuple[str, tuple[Any, ...]]]]:
    text = yaml.safe_dump(estate, sort_keys=False)
    result = validate_source(Source("estate.yaml", text))
    architecture = load_architecture(Source("estate.yaml", text)).architecture
    return architecture, {(finding.rule_id, finding.path) for finding in result.findings}


def _table(vpc: Vpc, subnet_name: str) -> RouteTable | None:
    subnet = vpc.subnets[subnet_name]
    if subnet.route_table:
        return vpc.route_tables[subnet.route_table]
    return next((table for table in vpc.route_tables.values() if table.main), None)


def _brute_next_hop(vpc: Vpc, table: RouteTable | None, address: Any) -> tuple[Any, ...] | None:
    """(kind, name, route path) of the longest prefix match for one address, or None."""
    best: tuple[int, tuple[Any, ...]] | None = None
    for block in vpc.ipv4_blocks:
        if address in ipaddress.ip_network(str(block)):
            best = max(best or (-1, ()), (block.prefix, ("local", None, None)))
    for route in table.routes if table else ():
        if route.block is not None and address in ipaddress.ip_network(str(route.block)):
            assert route.target is not None
            candidate = (route.block.prefix, (route.target.kind, route.target.name, route.path))
            if best is None or candidate[0] > best[0]:
                best = candidate
    return best[1] if best else None


def _expected_reply_findings(architecture: Architecture) -> set[tuple[str, tuple[Any, ...]]]:
    expected: set[tuple[str, tuple[Any, ...]]] = set()
    routed: dict[str, set[str]] = {name: set() for name in architecture.peerings}
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                if route.target and route.target.kind == "peering":
                    routed[route.target.name or ""].add(vpc.name)
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                if not route.target or route.target.kind != "peering" or route.block is None:
                    continue
                peering = architecture.peerings[route.target.name or ""]
                peer = architecture.vpcs[
                    peering.accepter if peering.requester == vpc.name else peering.requester  # type: ignore[index]
                ]
                destination = ipaddress.ip_network(str(route.block))
                if not any(
                    destination.subnet_of(ipaddress.ip_network(str(own)))
                    for own in peer.ipv4_blocks
                ):
                    continue
                # A peer with no route through the peering: only replies another peering
                # captures are reported (AP314); no way back at all is AP312's (issue 13).
                one_sided = peer.name not in routed[peering.name]
                answering = []
                for name, subnet in peer.subnets.items():
                    assert subnet.cidr is not None
                    if ipaddress.ip_network(str(subnet.cidr)).overlaps(destination):
                        answering.append(_table(peer, name))
                for name, subnet in vpc.subnets.items():
                    if _table(vpc, name) is not table:
                        continue
                    for peer_table in answering:
                        hops = [
                            _brute_next_hop(peer, peer_table, address)
                            for address in ipaddress.ip_network(str(subnet.cidr))
                        ]
                        answered = any(hop and hop[:2] == ("peering", peering.name) for hop in hops)
                        for hop in hops:
                            if one_sided:
                                if hop and hop[0] == "peering" and hop[1] != peering.name:
                                    expected.add(("AP314", hop[2]))
                                continue
                            if hop is None and not answered:
                                path = peer_table.path if peer_table else peer.path
                                expected.add(("AP315", path))
                            elif hop and hop[0] == "blackhole" and not answered:
                                expected.add(("AP315", hop[2]))
                            elif hop and hop[0] == "peering" and hop[1] != peering.name:
                                expected.add(("AP314", hop[2]))
    return expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_reply_paths_match_brute_force(estate: dict[str, Any]) -> None:
    architecture, found = _findings(estate)
    reply_findings = {item for item in found if item[0] in ("AP314", "AP315")}
    assert reply_findings == _expected_reply_findings(architecture)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_peering_overlap_matches_brute_force(estate: dict[str, Any]) -> None:
    architecture, found = _findings(estate)
    for peering in architecture.peerings.values():
        first = ipaddress.ip_network(estate["vpcs"][peering.requester]["cidr"])
        second = ipaddress.ip_network(estate["vpcs"][peering.accepter]["cidr"])
        assert (("AP303", peering.path) in found) == first.overlaps(second)
