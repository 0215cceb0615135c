"""Route resolution and CIDR containment against brute force over every address.

archplan.routes resolves whole blocks at once with interval arithmetic; here each address of the
block is looked up on its own (longest prefix match, the local route winning a tie, as AWS
does), with ipaddress doing the containment checks.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from archplan.cidr import covered, parse_block
from archplan.engine import load_architecture
from archplan.routes import longest_match, next_hops, table_of
from archplan.source import Source

REGION = ipaddress.ip_network("10.0.0.0/22")  # 1,024 addresses: small enough to walk
TARGETS = ["blackhole", "vgw", "peering:p1", "peering:p2"]


def blocks_in(network: ipaddress.IPv4Network, shortest: int) -> Any:
    """Canonical blocks inside `network` with a prefix of at least `shortest`."""
    return st.integers(shortest, 32).flatmap(
        lambda prefix: st.integers(0, 2 ** (prefix - network.prefixlen) - 1).map(
            lambda index: ipaddress.ip_network(
                (int(network.network_address) + (index << (32 - prefix)), prefix)
            )
        )
    )


@st.composite
def tables(draw: Any) -> dict[str, Any]:
    """One VPC (a /24 or /23 of the region, maybe a secondary block) and its one route table."""
    primary = draw(st.sampled_from(["10.0.0.0/24", "10.0.1.0/24", "10.0.0.0/23"]))
    secondary = draw(st.sampled_from([[], ["10.0.3.0/25"]]))
    routes = {
        str(block): draw(st.sampled_from(TARGETS))
        for block in draw(st.lists(blocks_in(ipaddress.ip_network("10.0.0.0/20"), 20), max_size=8))
    }
    if draw(st.booleans()):
        routes["0.0.0.0/0"] = draw(st.sampled_from(TARGETS))
    return {
        "archplan": 1,
        "vpcs": {
            "v": {
                "region": "us-east-1",
                "cidr": primary,
                "secondary_cidrs": secondary,
                "subnets": {"s": {"cidr": primary, "az": "us-east-1a"}},
                "route_tables": {"rt": {"main": True, "routes": routes}},
            }
        },
    }


def _brute(vpc: Any, table: Any, address: ipaddress.IPv4Address) -> tuple[Any, Any]:
    """(target, destination) of the longest prefix match for one address; (None, None) if none."""
    best: tuple[int, Any, Any] | None = None
    candidates = [(block, ("local", None)) for block in vpc.ipv4_blocks]
    candidates += [(route.block, tuple(route.target)) for route in table.routes]
    for block, target in candidates:  # local first: it wins a tie
        inside = address in ipaddress.ip_network(block.canonical)
        if inside and (best is None or block.prefix > best[0]):
            best = (block.prefix, target, block)
    return (best[1], best[2]) if best else (None, None)


@given(tables(), st.lists(blocks_in(REGION, 22), min_size=1, max_size=4))
def test_next_hops_and_longest_match_agree_with_every_address(
    estate: dict[str, Any], queries: list[ipaddress.IPv4Network]
) -> None:
    architecture = load_architecture(Source("t.yaml", yaml.safe_dump(estate))).architecture
    vpc = architecture.vpcs["v"]
    table = table_of(vpc, vpc.subnets["s"])
    assert table is not None
    for query in queries:
        block = parse_block(str(query))
        walked = {_brute(vpc, table, address) for address in query}
        hops = {
            (tuple(hop.target) if hop.target else None, hop.destination)
            for hop in next_hops(vpc, table, block)
        }
        assert hops == walked, query
        match = longest_match(vpc, table, block)
        whole = [
            (route_block, target)
            for route_block, target in [(b, ("local", None)) for b in vpc.ipv4_blocks]
            + [(route.block, tuple(route.target)) for route in table.routes]
            if ipaddress.ip_network(route_block.canonical).supernet_of(query)
        ]
        if not whole:
            assert match.target is None
        else:
            # The most specific route holding all of the block; the local route wins a tie.
            longest = max(route_block.prefix for route_block, _ in whole)
            expected = next(item for item in whole if item[0].prefix == longest)
            assert (match.destination, tuple(match.target or ())) == expected


ipv4 = blocks_in(ipaddress.ip_network("10.0.0.0/20"), 20)
ipv6 = st.builds(
    lambda index, prefix: ipaddress.ip_network(
        ((0x2600 << 112) + (index << (128 - prefix)) % (1 << 112), prefix), strict=False
    ),
    st.integers(0, 2**12),
    st.integers(100, 128),
)


@given(st.lists(ipv4 | ipv6, min_size=1, max_size=12), ipv4 | ipv6)
def test_contains_overlaps_and_covered_agree_with_ipaddress(
    networks: list[Any], region: Any
) -> None:
    blocks = [parse_block(str(network)) for network in networks]
    target = parse_block(str(region))
    for network, block in zip(networks, blocks, strict=True):
        same = network.version == region.version
        assert block.contains(target) == (same and region.subnet_of(network))
        assert target.contains(block) == (same and network.subnet_of(region))
        assert block.overlaps(target) == (same and network.overlaps(region))
    if region.num_addresses <= 4096:
        union = [network for network in networks if network.version == region.version]
        expected = all(any(address in network for network in union) for address in region)
        assert covered(target, [b for b in blocks if b.version == target.version]) == expected
