"""The VPC peering configurations AWS documents (aws-network-rules.md §4.7), each a whole file.

Supported configurations must give no finding at all; unsupported ones give exactly the rules
that say why. Every finding counts here, not only the peering rules: a supported configuration
that trips any rule is a false positive.
"""

from __future__ import annotations

import ipaddress
from itertools import combinations
from typing import Any

import pytest
import yaml

from tests.conftest import validate_text

AZ = "us-east-1a"
Routes = dict[str, str]


def estate(vpcs: dict[str, Any], peerings: dict[str, Any]) -> str:
    """A format-1 file: one Region and account unless a VPC says otherwise."""
    document = {
        "archplan": 1,
        "defaults": {"region": "us-east-1", "account": "111122223333"},
        # AWS's configurations go up to seven VPCs; the account's VPC quota is not the point.
        "quotas": {"vpcs_per_region": 10},
        "vpcs": vpcs,
        "peerings": peerings,
    }
    return yaml.safe_dump(document, sort_keys=False)


def vpc(
    cidr: str,
    routes: Routes | None = None,
    *,
    subnets: dict[str, tuple[str, str | None]] | None = None,
    tables: dict[str, Routes] | None = None,
    az: str = AZ,
    **fields: Any,
) -> dict[str, Any]:
    """A VPC. Given `routes`: one subnet `app` (the block's first /24) on a main table with those
    routes. Given `subnets` (name: (cidr, route table or None for main)) and `tables` (name:
    routes): exactly those, the first table being the main one."""
    if subnets is None:
        first = next(ipaddress.ip_network(cidr).subnets(new_prefix=24))
        subnets = {"app": (str(first), None)}
    if tables is None:
        tables = {"main": routes or {}}
    spec: dict[str, Any] = {"cidr": cidr, **fields}
    spec["subnets"] = {
        name: {"cidr": block, "az": az} | ({"route_table": table} if table else {})
        for name, (block, table) in subnets.items()
    }
    spec["route_tables"] = {
        name: ({"main": True} if index == 0 else {}) | {"routes": table_routes}
        for index, (name, table_routes) in enumerate(tables.items())
    }
    return spec


def peerings(*pairs: str, **fields: Any) -> dict[str, Any]:
    """Peerings named "requester-accepter" (VPC names without dashes)."""
    return {
        pair: {"requester": pair.split("-")[0], "accepter": pair.split("-")[1], **fields}
        for pair in pairs
    }


def via(name: str) -> str:
    return f"peering:{name}"


# --- supported ----------------------------------------------------------------------------


def two_vpcs() -> str:
    return estate(
        {
            "a": vpc("10.0.0.0/16", {"10.1.0.0/16": via("a-b")}),
            "b": vpc("10.1.0.0/16", {"10.0.0.0/16": via("a-b")}),
        },
        peerings("a-b"),
    )


def two_vpcs_every_block() -> str:
    """Several IPv4 blocks and an IPv6 block on each side, each routed through the peering."""
    return estate(
        {
            "a": vpc(
                "10.0.0.0/16",
                {
                    "10.1.0.0/16": via("a-b"),
                    "100.65.0.0/16": via("a-b"),
                    "2600:1f18:b::/56": via("a-b"),
                },
                secondary_cidrs=["100.64.0.0/16"],
                ipv6_cidrs=["2600:1f18:a::/56"],
            ),
            "b": vpc(
                "10.1.0.0/16",
                {
                    "10.0.0.0/16": via("a-b"),
                    "100.64.0.0/16": via("a-b"),
                    "2600:1f18:a::/56": via("a-b"),
                },
                secondary_cidrs=["100.65.0.0/16"],
                ipv6_cidrs=["2600:1f18:b::/56"],
            ),
        },
        peerings("a-b"),
    )


def two_vpcs_across_accounts_and_regions() -> str:
    return estate(
        {
            "a": vpc("10.0.0.0/16", {"10.1.0.0/16": via("a-b")}),
            "b": vpc(
                "10.1.0.0/16",
                {"10.0.0.0/16": via("a-b")},
                az="eu-west-1a",
                region="eu-west-1",
                account="444455556666",
            ),
        },
        peerings("a-b", dns_resolution=True),
    )


def hub_and_spokes(count: int) -> str:
    """One VPC peered with `count` spokes; the spokes are not peered with each other."""
    spokes = [f"s{index}" for index in range(1, count + 1)]
    block = {name: f"10.{index}.0.0/16" for index, name in enumerate(spokes, start=1)}
    vpcs = {"hub": vpc("10.0.0.0/16", {block[name]: via(f"hub-{name}") for name in spokes})}
    for name in spokes:
        vpcs[name] = vpc(block[name], {"10.0.0.0/16": via(f"hub-{name}")})
    return estate(vpcs, peerings(*(f"hub-{name}" for name in spokes)))


def full_mesh(count: int) -> str:
    """`count` VPCs, every pair peered, and every VPC routing every peer's block."""
    names = [f"v{index}" for index in range(1, count + 1)]
    block = {name: f"10.{index}.0.0/16" for index, name in enumerate(names, start=1)}
    pairs = [f"{first}-{second}" for first, second in combinations(names, 2)]
    assert len(pairs) == count * (count - 1) // 2

    def pair(one: str, other: str) -> str:
        return f"{one}-{other}" if f"{one}-{other}" in pairs else f"{other}-{one}"

    vpcs = {
        name: vpc(
            block[name], {block[other]: via(pair(name, other)) for other in names if other != name}
        )
        for name in names
    }
    return estate(vpcs, peerings(*pairs))


def identical_spokes_through_subnets() -> str:
    """AWS "Two VPCs that access specific subnets in one VPC": the hub's subnet 1 reaches spoke
    b and subnet 2 reaches spoke c, whose blocks are identical; each spoke routes back only to
    its own hub subnet."""
    return estate(
        {
            "hub": vpc(
                "172.16.0.0/16",
                subnets={"one": ("172.16.1.0/24", "to-b"), "two": ("172.16.2.0/24", "to-c")},
                tables={
                    "isolated": {},
                    "to-b": {"10.0.0.0/16": via("hub-b")},
                    "to-c": {"10.0.0.0/16": via("hub-c")},
                },
            ),
            "b": vpc("10.0.0.0/16", {"172.16.1.0/24": via("hub-b")}),
            "c": vpc("10.0.0.0/16", {"172.16.2.0/24": via("hub-c")}),
        },
        peerings("hub-b", "hub-c"),
    )


def identical_spokes_through_hub_blocks() -> str:
    """AWS "Two VPCs that access specific CIDR blocks in one VPC": each spoke reaches one of
    the hub's two blocks."""
    return estate(
        {
            "hub": vpc(
                "172.16.0.0/16",
                subnets={"one": ("172.16.0.0/24", "to-b"), "two": ("172.18.0.0/24", "to-c")},
                tables={
                    "isolated": {},
                    "to-b": {"10.0.0.0/16": via("hub-b")},
                    "to-c": {"10.0.0.0/16": via("hub-c")},
                },
                secondary_cidrs=["172.18.0.0/16"],
            ),
            "b": vpc("10.0.0.0/16", {"172.16.0.0/16": via("hub-b")}),
            "c": vpc("10.0.0.0/16", {"172.18.0.0/16": via("hub-c")}),
        },
        peerings("hub-b", "hub-c"),
    )


def hub_reaches_specific_spoke_subnets() -> str:
    """AWS "One VPC that accesses specific subnets in two VPCs": identical spokes, the hub
    routes one subnet of each; only that subnet's table in each spoke routes back."""

    def spoke(peering: str, peered_subnet: str, other_subnet: str) -> dict[str, Any]:
        return vpc(
            "10.0.0.0/16",
            subnets={"peered": (peered_subnet, "to-hub"), "other": (other_subnet, None)},
            tables={"isolated": {}, "to-hub": {"172.16.0.0/16": via(peering)}},
        )

    return estate(
        {
            "hub": vpc("172.16.0.0/16", {"10.0.0.0/24": via("hub-b"), "10.0.1.0/24": via("hub-c")}),
            "b": spoke("hub-b", "10.0.0.0/24", "10.0.1.0/24"),
            "c": spoke("hub-c", "10.0.1.0/24", "10.0.0.0/24"),
        },
        peerings("hub-b", "hub-c"),
    )


def identical_spokes_through_single_addresses() -> str:
    """AWS "Instances in one VPC that access specific instances in two VPCs": every route is a
    single address: the hub's 172.16.0.10 talks to b's 10.0.0.44, its 172.16.0.11 to c's
    10.0.1.77 (different subnets of the identical spokes)."""
    return estate(
        {
            "hub": vpc(
                "172.16.0.0/16", {"10.0.0.44/32": via("hub-b"), "10.0.1.77/32": via("hub-c")}
            ),
            "b": vpc(
                "10.0.0.0/16",
                subnets={"app": ("10.0.0.0/24", None)},
                tables={"main": {"172.16.0.10/32": via("hub-b")}},
            ),
            "c": vpc(
                "10.0.0.0/16",
                subnets={"app": ("10.0.1.0/24", None)},
                tables={"main": {"172.16.0.11/32": via("hub-c")}},
            ),
        },
        peerings("hub-b", "hub-c"),
    )


def identical_spokes_longest_prefix() -> str:
    """AWS "One VPC that accesses two VPCs using longest prefix matches", kept consistent: the
    hub sends 10.0.0.0/16 to c but 10.0.1.0/24 to b, and only b's 10.0.1.0/24 subnet (and
    none of c's subnets) lies in the more specific route, so every reply returns the way the
    request came."""
    return estate(
        {
            "hub": vpc("172.16.0.0/16", {"10.0.0.0/16": via("hub-c"), "10.0.1.0/24": via("hub-b")}),
            "b": vpc(
                "10.0.0.0/16",
                subnets={"peered": ("10.0.1.0/24", "to-hub"), "other": ("10.0.2.0/24", None)},
                tables={"isolated": {}, "to-hub": {"172.16.0.0/16": via("hub-b")}},
            ),
            "c": vpc(
                "10.0.0.0/16",
                subnets={"one": ("10.0.2.0/24", None), "two": ("10.0.3.0/24", None)},
                tables={"main": {"172.16.0.0/16": via("hub-c")}},
            ),
        },
        peerings("hub-b", "hub-c"),
    )


SUPPORTED = [
    pytest.param(two_vpcs(), id="two VPCs"),
    pytest.param(two_vpcs_every_block(), id="two VPCs, secondary and IPv6 blocks"),
    pytest.param(two_vpcs_across_accounts_and_regions(), id="two VPCs, other account and Region"),
    pytest.param(hub_and_spokes(2), id="one VPC peered with two"),
    pytest.param(hub_and_spokes(6), id="one VPC peered with six"),
    pytest.param(full_mesh(3), id="full mesh of 3"),
    pytest.param(full_mesh(7), id="full mesh of 7"),
    pytest.param(identical_spokes_through_subnets(), id="identical spokes, hub subnets"),
    pytest.param(identical_spokes_through_hub_blocks(), id="identical spokes, hub blocks"),
    pytest.param(hub_reaches_specific_spoke_subnets(), id="identical spokes, spoke subnets"),
    pytest.param(identical_spokes_through_single_addresses(), id="identical spokes, addresses"),
    pytest.param(identical_spokes_longest_prefix(), id="identical spokes, longest prefix"),
]


# --- unsupported --------------------------------------------------------------------------


def overlapping(kind: str) -> str:
    """Two VPCs whose blocks collide in one place, routed through their other blocks only
    (AWS: "even if you intend to use only the non-overlapping CIDR blocks")."""
    a: dict[str, Any] = {"secondary_cidrs": ["100.64.0.0/16"]}
    b: dict[str, Any] = {"secondary_cidrs": ["100.65.0.0/16"]}
    primary_a, primary_b = "10.0.0.0/16", "10.1.0.0/16"
    if kind == "primary":
        primary_b = "10.0.0.0/16"
    elif kind == "secondary":
        a["secondary_cidrs"].insert(0, "10.2.0.0/16")  # RFC 1918 before 100.64/10 (AP107)
        b["secondary_cidrs"].insert(0, "10.2.0.0/16")
    else:
        a["ipv6_cidrs"] = b["ipv6_cidrs"] = ["2600:1f18:a::/56"]
    return estate(
        {
            "a": vpc(
                primary_a,
                subnets={"app": ("100.64.0.0/24", None)},
                tables={"main": {"100.65.0.0/16": via("a-b")}},
                **a,
            ),
            "b": vpc(
                primary_b,
                subnets={"app": ("100.65.0.0/24", None)},
                tables={"main": {"100.64.0.0/16": via("a-b")}},
                **b,
            ),
        },
        peerings("a-b"),
    )


def second_peering_for_the_pair() -> str:
    """Two teams each peered the same two VPCs, both routed; AWS refuses the second."""
    return estate(
        {
            "a": vpc(
                "10.0.0.0/16",
                subnets={"one": ("10.0.1.0/24", "one"), "two": ("10.0.2.0/24", "two")},
                tables={
                    "main": {},
                    "one": {"10.1.1.0/24": via("a-b")},
                    "two": {"10.1.2.0/24": via("b-a")},
                },
            ),
            "b": vpc(
                "10.1.0.0/16",
                subnets={"one": ("10.1.1.0/24", "one"), "two": ("10.1.2.0/24", "two")},
                tables={
                    "main": {},
                    "one": {"10.0.1.0/24": via("a-b")},
                    "two": {"10.0.2.0/24": via("b-a")},
                },
            ),
        },
        peerings("a-b", "b-a"),
    )


def transitive() -> str:
    """a-b and b-c; a routes c's block through a-b."""
    return estate(
        {
            "a": vpc("10.0.0.0/16", {"10.1.0.0/16": via("a-b"), "10.2.0.0/16": via("a-b")}),
            "b": vpc("10.1.0.0/16", {"10.0.0.0/16": via("a-b"), "10.2.0.0/16": via("b-c")}),
            "c": vpc("10.2.0.0/16", {"10.1.0.0/16": via("b-c")}),
        },
        peerings("a-b", "b-c"),
    )


def transitive_between_spokes() -> str:
    """AWS's example: a hub peered with b and c; b cannot reach c through the hub."""
    return estate(
        {
            "hub": vpc("10.0.0.0/16", {"10.1.0.0/16": via("hub-b"), "10.2.0.0/16": via("hub-c")}),
            "b": vpc("10.1.0.0/16", {"10.0.0.0/16": via("hub-b"), "10.2.0.0/16": via("hub-b")}),
            "c": vpc("10.2.0.0/16", {"10.0.0.0/16": via("hub-c")}),
        },
        peerings("hub-b", "hub-c"),
    )


def borrowing(
    a_routes: Routes,
    b_routes: Routes,
    *,
    a_fields: dict[str, Any] | None = None,
    b_public: Routes | None = None,
    **b_fields: Any,
) -> str:
    """a and b peered and routed to each other; a adds `a_routes` through the peering to use
    what b has (`b_routes` in b's main table, and a public subnet on table `b_public` when
    given): edge-to-edge routing."""
    b_subnets: dict[str, tuple[str, str | None]] = {"app": ("10.1.0.0/24", None)}
    b_tables = {"main": {"10.0.0.0/16": via("a-b"), **b_routes}}
    if b_public is not None:
        b_subnets["b-public"] = ("10.1.100.0/24", "public")
        b_tables["public"] = {"10.0.0.0/16": via("a-b"), **b_public}
    return estate(
        {
            "a": vpc("10.0.0.0/16", {"10.1.0.0/16": via("a-b"), **a_routes}, **(a_fields or {})),
            "b": vpc("10.1.0.0/16", subnets=b_subnets, tables=b_tables, **b_fields),
        },
        peerings("a-b"),
    )


def gateway_endpoint(service: str) -> dict[str, Any]:
    return {service: {"service": service, "type": "gateway", "route_tables": ["main"]}}


EDGE_TO_EDGE = {
    "IGW": borrowing({"0.0.0.0/0": via("a-b")}, {"0.0.0.0/0": "igw"}, internet_gateway=True),
    "IGW, IPv6": borrowing(
        {"::/0": via("a-b"), "2600:1f18:b::/56": via("a-b")},
        {"::/0": "igw", "2600:1f18:a::/56": via("a-b")},
        a_fields={"ipv6_cidrs": ["2600:1f18:a::/56"]},
        ipv6_cidrs=["2600:1f18:b::/56"],
        internet_gateway=True,
    ),
    "NAT gateway": borrowing(
        {"0.0.0.0/0": via("a-b")},
        {"0.0.0.0/0": "nat:b-public"},
        b_public={"0.0.0.0/0": "igw"},
        internet_gateway=True,
    ),
    "NAT gateway, a public range": borrowing(
        {"8.8.8.0/24": via("a-b")},
        {"0.0.0.0/0": "nat:b-public"},
        b_public={"0.0.0.0/0": "igw"},
        internet_gateway=True,
    ),
    "VPN": borrowing({"192.168.0.0/16": via("a-b")}, {"192.168.0.0/16": "vgw"}),
    "Direct Connect": borrowing({"172.20.8.0/24": via("a-b")}, {"172.20.0.0/16": "vgw"}),
}
GATEWAY_ENDPOINT = {
    service: borrowing({f"pl:{service}": via("a-b")}, {}, endpoints=gateway_endpoint(service))
    for service in ("s3", "dynamodb")
}


UNSUPPORTED = [
    pytest.param(overlapping("primary"), {"AP303"}, id="overlapping primary blocks"),
    pytest.param(overlapping("secondary"), {"AP303"}, id="overlapping secondary blocks"),
    pytest.param(overlapping("ipv6"), {"AP303"}, id="overlapping IPv6 blocks"),
    pytest.param(second_peering_for_the_pair(), {"AP302"}, id="second peering for a pair"),
    pytest.param(transitive(), {"AP308"}, id="transitive routing"),
    pytest.param(transitive_between_spokes(), {"AP308"}, id="transitive routing via a hub"),
    *(
        pytest.param(source, {"AP309"}, id=f"edge to edge: {name}")
        for name, source in EDGE_TO_EDGE.items()
    ),
    *(
        pytest.param(source, {"AP310"}, id=f"edge to edge: {service} gateway endpoint")
        for service, source in GATEWAY_ENDPOINT.items()
    ),
]


def _rule_ids(source: str) -> tuple[set[str], list[str]]:
    result = validate_text(source)
    assert result.error is None, result.error and result.error.message
    findings = [f"{f.rule_id} {f.span.line}: {f.message}" for f in result.findings]
    return {finding.rule_id for finding in result.findings}, findings


@pytest.mark.parametrize("source", SUPPORTED)
def test_supported_configuration_gives_no_finding(source: str) -> None:
    rule_ids, findings = _rule_ids(source)
    assert rule_ids == set(), findings


@pytest.mark.parametrize(("source", "expected"), UNSUPPORTED)
def test_unsupported_configuration_gives_its_rules(source: str, expected: set[str]) -> None:
    rule_ids, findings = _rule_ids(source)
    assert rule_ids == expected, findings


def test_the_seven_mesh_has_every_link_routed_both_ways() -> None:
    document = yaml.safe_load(full_mesh(7))
    assert len(document["peerings"]) == 21
    routed_from: dict[str, set[str]] = {name: set() for name in document["peerings"]}
    for name, spec in document["vpcs"].items():
        (table,) = spec["route_tables"].values()
        assert len(table["routes"]) == 6, name
        for target in table["routes"].values():
            routed_from[target.removeprefix("peering:")].add(name)
    assert all(len(sides) == 2 for sides in routed_from.values()), routed_from
