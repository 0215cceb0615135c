"""Random small estates for the diff's property tests: names from small pools, so two draws
share most names and differ in values, and blocks from a small range, so VPCs overlap."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
TARGETS = ("igw", "nat:s0", "nat:s1", "peering:p0", "peering:p1", "tgw:t0", "blackhole")
TYPES = ("m5.large", "c6i.large", "m6i.large")


@st.composite
def estates(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {"archplan": 1}
    if draw(st.booleans()):
        document["defaults"] = {
            "region": "us-east-1",
            "account": draw(st.sampled_from(["111111111111", "222222222222"])),
        }
    else:
        document["defaults"] = {"region": "us-east-1"}
    vpcs: dict[str, Any] = {}
    for index in range(draw(st.integers(0, 3))):
        second = draw(st.integers(0, 4))
        vpc: dict[str, Any] = {"cidr": f"10.{second}.0.0/16"}
        if draw(st.booleans()):
            vpc["secondary_cidrs"] = draw(
                st.lists(
                    st.sampled_from(["100.64.0.0/16", "100.65.0.0/16", "100.64.0.0/15"]),
                    max_size=2,
                    unique=True,
                )
            )
        if draw(st.booleans()):
            vpc["dns"] = {"hostnames": draw(st.booleans())}
        if draw(st.booleans()):
            vpc["internet_gateway"] = True
        subnets = {}
        for number in range(draw(st.integers(0, 3))):
            subnet: dict[str, Any] = {
                "cidr": f"10.{second}.{draw(st.integers(0, 3))}.0/24",
                "az": draw(st.sampled_from(ZONES)),
            }
            if draw(st.booleans()):
                subnet["route_table"] = "rt0"
            subnets[f"s{number}" if index == 0 else f"v{index}-s{number}"] = subnet
        if subnets:
            vpc["subnets"] = subnets
        if draw(st.booleans()):
            routes = draw(
                st.dictionaries(
                    st.sampled_from(["0.0.0.0/0", "10.1.0.0/16", "10.2.0.0/16", "10.0.0.0/12"]),
                    st.sampled_from(TARGETS),
                    max_size=3,
                )
            )
            vpc["route_tables"] = {"rt0": {"main": draw(st.booleans()), "routes": routes}}
        vpcs[f"v{index}"] = vpc
    document["vpcs"] = vpcs
    names = list(vpcs)
    if len(names) >= 2:
        peerings = {}
        for number in range(draw(st.integers(0, 2))):
            first, second_name = draw(st.permutations(names))[:2]
            peering: dict[str, Any] = {"requester": first, "accepter": second_name}
            if draw(st.booleans()):
                peering["status"] = draw(
                    st.sampled_from(["active", "pending-acceptance", "failed"])
                )
            peerings[f"p{number}"] = peering
        document["peerings"] = peerings
        if draw(st.booleans()):
            document["meshes"] = {
                "m0": draw(st.lists(st.sampled_from(names), min_size=2, max_size=3, unique=True))
            }
        if draw(st.booleans()):
            document["transit_gateways"] = {
                "t0": {
                    "attachments": {
                        name: {}
                        for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
                    }
                }
            }
    subnet_names = list(vpcs.get("v0", {}).get("subnets", {}))
    if subnet_names and draw(st.booleans()):
        group: dict[str, Any] = {
            "vpc": "v0",
            "subnets": draw(st.lists(st.sampled_from(subnet_names), min_size=1, unique=True)),
            "instance_types": draw(
                st.one_of(
                    st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True),
                    st.dictionaries(
                        st.sampled_from(TYPES), st.integers(1, 4), min_size=1, max_size=2
                    ),
                )
            ),
            "min": draw(st.integers(0, 2)),
            "max": draw(st.integers(2, 8)),
            "capacity": {"per_unit": draw(st.sampled_from([100, 150])), "target_utilization": 60},
            "demand": {"hourly": draw(st.lists(st.integers(0, 900), min_size=1, max_size=4))},
            "purchase": {
                "on_demand_base": draw(st.integers(0, 2)),
                "on_demand_percentage_above_base": draw(st.sampled_from([0, 50, 100])),
            },
        }
        document["scaling_groups"] = {"g0": group}
    return document


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False)
