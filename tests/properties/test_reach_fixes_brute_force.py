"""Every connection fix `reach` suggests works when applied: random small estates of three
VPCs (the third sometimes overlapping the second), random peerings (active or pending),
route tables (routes to peerings, the transit gateway, an internet gateway, blackholes) and a
transit gateway with two route tables; security groups let everything through, so only the
routing decides. For each pair of hosts whose request or reply is dropped for want of a
connection, the fix shown ("add a route ... to ...", "accept peering ...", "peer VPCs ...",
"propagate attachment ... into ...") is applied to the file as a user would, and `reach` must
then answer reachable. A fix that could not work ("none by routes alone: ...") must say why.

CI runs a small budget; ARCHPLAN_REACH_EXAMPLES=2000 runs a longer search locally (a third
of it here: each estate asks 20 questions and reloads the file for every fix).
"""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan.engine import load_architecture
from archplan.model import Architecture
from archplan.network import TCP
from archplan.reach.places import Place, resolve
from archplan.reach.query import Answer, ask
from archplan.source import Source
from tests.properties.test_reach_brute_force import EXAMPLES

OPEN = {
    "ingress": [{"protocol": "all", "ports": "all", "from": "0.0.0.0/0"}],
    "egress": [{"protocol": "all", "ports": "all", "to": "0.0.0.0/0"}],
}
SUBNETS = {
    "a": {"a1": ("10.0.0.0/26", "us-east-1a"), "a2": ("10.0.0.64/26", "us-east-1b")},
    "b": {"b1": ("10.0.1.0/26", "us-east-1a"), "b2": ("10.0.1.64/26", "us-east-1b")},
    "c": {"c1": ("10.0.2.0/26", "us-east-1b")},
}
CIDRS = {"a": "10.0.0.0/24", "b": "10.0.1.0/24", "c": "10.0.2.0/24"}
OVERLAPPING_C = ("10.0.1.0/25", {"c1": ("10.0.1.0/26", "us-east-1b")})
PEERINGS = {"ab": ("a", "b"), "bc": ("b", "c"), "ac": ("a", "c")}
DESTINATIONS = [
    "0.0.0.0/0",
    "10.0.0.0/16",
    "10.0.0.0/24",
    "10.0.1.0/24",
    "10.0.1.0/26",
    "10.0.2.0/24",
    "10.0.1.0/25",
    "10.0.0.0/26",
]


@st.composite
def estates(draw: Any) -> dict[str, Any]:
    overlap = draw(st.integers(0, 3)) == 0
    peerings = {
        name: {
            "requester": x,
            "accepter": y,
            "status": draw(st.sampled_from(["active", "active", "pending-acceptance", "rejected"])),
        }
        for name, (x, y) in PEERINGS.items()
        if draw(st.booleans()) and not (overlap and name == "bc")
    }
    vpcs: dict[str, Any] = {}
    hosts: dict[str, Any] = {}
    attached = [n for n in ("a", "b", "c") if draw(st.integers(0, 2)) > 0]
    for name in ("a", "b", "c"):
        cidr, subnets = OVERLAPPING_C if overlap and name == "c" else (CIDRS[name], SUBNETS[name])
        targets = ["blackhole", "igw"]
        targets += [
            f"peering:{p}" for p, v in peerings.items() if name in (v["requester"], v["accepter"])
        ]
        if name in attached:
            targets += ["tgw:hub"] * 2
        tables: dict[str, Any] = {}
        for table in ("t1", "t2"):
            routes = {
                destination: draw(st.sampled_from(targets))
                for destination in draw(st.lists(st.sampled_from(DESTINATIONS), max_size=3))
                if not _inside(destination, cidr)
            }
            tables[table] = {"routes": routes}
        if draw(st.booleans()):
            tables["t1"]["main"] = True
        vpcs[name] = {
            "region": "us-east-1",
            "cidr": cidr,
            "internet_gateway": True,
            "subnets": {
                subnet: {
                    "cidr": block,
                    "az": zone,
                    **(
                        {"route_table": draw(st.sampled_from(["t1", "t2"]))}
                        if draw(st.booleans())
                        else {}
                    ),
                }
                for subnet, (block, zone) in subnets.items()
            },
            "route_tables": tables,
            "security_groups": {"open": copy.deepcopy(OPEN)},
        }
        for subnet in subnets:
            hosts[f"h-{subnet}"] = {"vpc": name, "subnet": subnet, "security_groups": ["open"]}
    doc: dict[str, Any] = {"archplan": 1, "vpcs": vpcs, "peerings": peerings, "hosts": hosts}
    if attached:
        subnets_of = {
            n: sorted(OVERLAPPING_C[1] if overlap and n == "c" else SUBNETS[n]) for n in attached
        }
        doc["transit_gateways"] = {
            "hub": {
                "region": "us-east-1",
                "attachments": {
                    n: {"subnets": draw(st.sampled_from([subnets_of[n], subnets_of[n][:1]]))}
                    for n in attached
                },
                "route_tables": {
                    table: {
                        "associations": [
                            n for n in attached if draw(st.booleans()) == (table == "r1")
                        ],
                        "propagations": [n for n in attached if draw(st.booleans())],
                        **(
                            {
                                "routes": {
                                    d: draw(st.sampled_from([*attached, "blackhole"]))
                                    for d in draw(
                                        st.lists(st.sampled_from(DESTINATIONS[1:]), max_size=2)
                                    )
                                }
                            }
                            if table == "r1"
                            else {}
                        ),
                    }
                    for table in ("r1", "r2")
                },
            }
        }
    return doc


def _inside(destination: str, cidr: str) -> bool:
    import ipaddress

    return ipaddress.ip_network(destination).overlaps(ipaddress.ip_network(cidr))


# -- applying a fix as a user would ------------------------------------------------------------

NAME = r"([^\s,;]+)"
ROUTE = re.compile(
    rf"{NAME} -> {NAME} to (main route table of {NAME}|route table {NAME} of VPC {NAME}"
    rf"|route table {NAME})"
)
PROPAGATE = re.compile(rf"propagate attachment {NAME} into transit gateway route table {NAME}")
PEER = re.compile(r"peer VPCs (\S+) and (\S+) ")
ACCEPT = re.compile(r"accept peering (\S+),")


def _table_vpc(doc: dict[str, Any], table: str) -> str:
    owners = [name for name, vpc in doc["vpcs"].items() if table in vpc.get("route_tables", {})]
    assert len(owners) == 1, (table, owners)  # a name shown without its VPC is unique
    return owners[0]


def apply(doc: dict[str, Any], fix: str) -> dict[str, Any]:
    fixed = copy.deepcopy(doc)
    fix = fix.split("; or attach both")[0]  # the alternative to a new peering
    peer = PEER.search(fix)
    if peer:
        fixed.setdefault("peerings", {})["fix"] = {"requester": peer[1], "accepter": peer[2]}
        fix = fix.replace("peering:NAME", "peering:fix")
    accept = ACCEPT.search(fix)
    if accept:
        fixed["peerings"][accept[1]]["status"] = "active"
    for match in ROUTE.finditer(fix):
        block, target = match[1], match[2]
        if match[4]:
            vpc = fixed["vpcs"][match[4]]
            tables = vpc.setdefault("route_tables", {})
            main = next((t for t in tables.values() if t.get("main")), None)
            if main is None:
                main = tables.setdefault("fix-main", {"main": True})
            main.setdefault("routes", {})[block] = target
        else:
            table = match[5] or match[7]
            owner = match[6] or _table_vpc(fixed, table)
            routes = fixed["vpcs"][owner]["route_tables"][table].setdefault("routes", {})
            assert block not in routes, f"{block} is already routed in {table}: {fix}"
            routes[block] = target
    for match in PROPAGATE.finditer(fix):
        table = fixed["transit_gateways"]["hub"]["route_tables"][match[2]]
        table.setdefault("propagations", []).append(match[1])
    return fixed


def _load(doc: dict[str, Any]) -> Architecture:
    text = yaml.safe_dump(doc, sort_keys=False)
    return load_architecture(Source("random.yaml", text)).architecture


def _answer(architecture: Architecture, a: str, b: str) -> Answer:
    source, destination = resolve(architecture, a), resolve(architecture, b)
    assert isinstance(source, Place) and isinstance(destination, Place)
    answer = ask(architecture, source, destination, TCP, 443)
    assert not isinstance(answer, str)
    return answer


CONNECTION = ("add a route", "accept peering", "peer VPCs")


def connection_fix(fix: str) -> bool:
    """A fix that connects two VPCs (routes with targets), not "add a route for ADDRESS"."""
    return fix.startswith(CONNECTION) and " -> " in fix


@settings(
    max_examples=max(10, EXAMPLES // 3),  # 20 pairs each, a reload per fix
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(estates())
def test_every_connection_fix_works_when_applied(doc: dict[str, Any]) -> None:
    architecture = _load(doc)
    for a, host_a in doc["hosts"].items():
        for b, host_b in doc["hosts"].items():
            if host_a["vpc"] == host_b["vpc"]:
                continue
            answer = _answer(architecture, a, b)
            if answer.verdict != "unreachable":
                continue
            leg = answer.reply if answer.forward.delivered else answer.forward
            assert leg is not None
            if (
                "is not peered" in leg.reason
                or "not peered" in leg.reason
                or "has no route to VPC" in leg.reason
            ):
                assert leg.fix, leg.reason  # a connection drop always says what to do
                if leg.fix.startswith("none by routes alone"):
                    assert len(leg.fix) > len("none by routes alone: "), leg.fix
            if not connection_fix(leg.fix):
                continue
            fixed = apply(doc, leg.fix)
            again = _answer(_load(fixed), a, b)
            shown = (
                f"{a} -> {b}: {leg.reason}\nfix: {leg.fix}\nafter: {again.verdict} "
                f"{again.forward.reason} {again.reply.reason if again.reply else ''}\n"
                + yaml.safe_dump(doc, sort_keys=False)
            )
            assert again.verdict == "reachable", shown
