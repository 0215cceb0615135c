"""`archplan reach` against a brute-force packet simulation on random small estates.

Hypothesis draws up to three VPCs (subnets in two zones, one host per subnet), route tables
with routes to peerings, a transit gateway and blackholes, a transit gateway with two route
tables (associations, propagations, static and blackhole routes), security groups (blocks,
group references, self; security group referencing on the transit gateway and its
attachments on or off) and network ACLs (numbered allow and deny rules). For every pair of
hosts and every destination port class, the simulation below walks the packet on the raw file
(ipaddress for every containment, one port at a time, every ephemeral port class for the
reply) and must agree with the engine: reachable exactly when the request and a reply on at
least one of the client's ephemeral ports get through, and "some ephemeral ports dropped"
exactly when the engine notes it.

CI runs a small budget; ARCHPLAN_REACH_EXAMPLES=2000 runs a longer search locally.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan.engine import load_architecture
from archplan.network import TCP
from archplan.reach.places import Place, resolve
from archplan.reach.query import INSTANCE_EPHEMERAL, ask
from archplan.source import Source

EXAMPLES = int(os.environ.get("ARCHPLAN_REACH_EXAMPLES", "40"))
PORTS = (22, 80, 443, 5432)
VPCS = {
    "a": (
        "10.0.0.0/24",
        {"a1": ("10.0.0.0/26", "z1"), "a2": ("10.0.0.64/26", "z2"), "a3": ("10.0.0.128/26", "z1")},
    ),
    "b": ("10.0.1.0/24", {"b1": ("10.0.1.0/26", "z1"), "b2": ("10.0.1.64/26", "z2")}),
    "c": ("10.0.2.0/24", {"c1": ("10.0.2.0/26", "z2")}),
}
PEERINGS = {"ab": ("a", "b"), "bc": ("b", "c")}
DESTINATIONS = [
    "10.0.0.0/16",
    "0.0.0.0/0",
    "10.0.0.0/24",
    "10.0.1.0/24",
    "10.0.2.0/24",
    "10.0.0.64/26",
    "10.0.1.0/26",
    "10.0.1.64/26",
    "10.0.2.0/26",
]
PORT_RANGES = [
    22,
    80,
    443,
    5432,
    "80-443",
    "all",
    "all",
    "1024-65535",
    "32768-40000",
    "50000-65535",
]
BLOCKS = [
    "0.0.0.0/0",
    "0.0.0.0/0",
    "10.0.0.0/16",
    "10.0.0.0/16",
    "10.0.0.0/24",
    "10.0.1.0/24",
    "10.0.2.0/24",
    "10.0.0.0/26",
    "10.0.0.64/26",
    "10.0.1.0/25",
    "10.0.2.0/26",
]


def address(subnet: str) -> str:
    return str(ipaddress.ip_network(subnet).network_address + 10)


@st.composite
def estates(draw: Any) -> dict[str, Any]:
    names = draw(st.sampled_from([["a", "b"], ["a", "b", "c"]]))
    vpcs: dict[str, Any] = {}
    hosts: dict[str, Any] = {}
    for name in names:
        cidr, subnets = VPCS[name]
        groups = ["g1", "g2"]
        targets = (
            ["blackhole"]
            + ["tgw:hub"] * 4
            + [
                f"peering:{p}"
                for p, ends in PEERINGS.items()
                if name in ends and set(ends) <= set(names)
            ]
        )
        tables: dict[str, Any] = {}
        for table in ("t1", "t2"):
            routes: dict[str, str] = {}
            # Mostly a route to each other VPC (the flows worth checking cross VPCs), then
            # a few random ones that may shadow or blackhole them.
            for other in names:
                if other != name and draw(st.integers(0, 4)) > 0:
                    routes[VPCS[other][0]] = draw(st.sampled_from(targets))
            for destination in draw(st.lists(st.sampled_from(DESTINATIONS), max_size=2)):
                inside = ipaddress.ip_network(destination).subnet_of(ipaddress.ip_network(cidr))
                if destination != cidr and not inside:
                    routes[destination] = draw(st.sampled_from(targets))
            tables[table] = {"routes": routes}
        if draw(st.integers(0, 3)) > 0:
            tables["t1"]["main"] = True
        vpcs[name] = {
            "region": "us-east-1",
            "cidr": cidr,
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
            "security_groups": {
                group: {
                    "ingress": draw(st.lists(rule("from", groups), min_size=1, max_size=4)),
                    **(
                        {"egress": draw(st.lists(rule("to", groups), min_size=1, max_size=2))}
                        if draw(st.integers(0, 5)) == 0
                        else {}
                    ),
                }
                for group in groups
            },
        }
        if draw(st.booleans()):
            vpcs[name]["network_acls"] = {
                "acl": {
                    "subnets": draw(st.lists(st.sampled_from(sorted(subnets)), unique=True)),
                    "ingress": draw(acl_rules("from")),
                    "egress": draw(acl_rules("to")),
                }
            }
        for subnet, (block, _zone) in subnets.items():
            hosts[f"h-{subnet}"] = {
                "vpc": name,
                "subnet": subnet,
                "address": address(block),
                "security_groups": draw(
                    st.lists(st.sampled_from(groups), unique=True, min_size=1, max_size=2)
                ),
            }
    attachments = {
        name: {
            "subnets": draw(
                st.sampled_from([[s] for s in VPCS[name][1]] + [sorted(VPCS[name][1])] * 3)
            ),
            **({"security_group_referencing": False} if draw(st.integers(0, 4)) == 0 else {}),
        }
        for name in names
    }
    associations = {name: draw(st.sampled_from(["r1", "r2"])) for name in names}
    tgw_routes = {
        destination: draw(st.sampled_from([*names, "blackhole"]))
        for destination in draw(st.lists(st.sampled_from(DESTINATIONS), max_size=3))
    }
    return {
        "archplan": 1,
        "vpcs": vpcs,
        "peerings": {
            p: {
                "requester": x,
                "accepter": y,
                "status": draw(st.sampled_from(["active"] * 4 + ["pending-acceptance"])),
            }
            for p, (x, y) in PEERINGS.items()
            if x in names and y in names
        },
        "transit_gateways": {
            "hub": {
                "region": "us-east-1",
                "security_group_referencing": draw(st.booleans()),
                "attachments": attachments,
                "route_tables": {
                    table: {
                        "associations": [n for n in names if associations[n] == table],
                        "propagations": [n for n in names if draw(st.integers(0, 3)) > 0],
                        **({"routes": tgw_routes} if table == "r1" else {}),
                    }
                    for table in ("r1", "r2")
                },
            }
        },
        "hosts": hosts,
    }


def rule(key: str, groups: list[str]) -> Any:
    return st.fixed_dictionaries(
        {
            "protocol": st.sampled_from(["tcp", "all"]),
            "ports": st.sampled_from(PORT_RANGES),
            key: st.sampled_from(
                [
                    *BLOCKS,
                    "self",
                    *(f"sg:{g}" for g in groups),
                    *(f"sg:{v}/{g}" for v in ("a", "b") for g in groups),
                ]
            ),
        }
    )


def acl_rules(key: str) -> Any:
    return st.lists(
        st.fixed_dictionaries(
            {
                "rule": st.integers(1, 9).map(lambda n: n * 10),
                "action": st.sampled_from(["allow", "allow", "deny"]),
                "protocol": st.sampled_from(["tcp", "all"]),
                "ports": st.sampled_from(PORT_RANGES),
                key: st.sampled_from(BLOCKS),
            }
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda r: r["rule"],
    )


# -- the brute force --------------------------------------------------------------------------


def _in(block: str, ip: str) -> bool:
    return ipaddress.ip_address(ip) in ipaddress.ip_network(block)


def _ports(spec: Any) -> range:
    if spec == "all":
        return range(0, 65536)
    if isinstance(spec, int):
        return range(spec, spec + 1)
    low, high = spec.split("-")
    return range(int(low), int(high) + 1)


class Sim:
    """Walks one packet at a time on the raw document."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.references_lost = False

    def subnet_of(self, vpc: str, ip: str) -> str | None:
        return next(
            (s for s, f in self.doc["vpcs"][vpc]["subnets"].items() if _in(f["cidr"], ip)), None
        )

    def acl(self, vpc: str, subnet: str, direction: str, peer: str, port: int) -> bool:
        acls = self.doc["vpcs"][vpc].get("network_acls", {})
        acl = next((a for a in acls.values() if subnet in a["subnets"]), None)
        if acl is None:
            return True
        for entry in sorted(acl[direction], key=lambda r: r["rule"]):
            peer_block = entry["from" if direction == "ingress" else "to"]
            if _in(peer_block, peer) and (
                entry["protocol"] == "all" or port in _ports(entry["ports"])
            ):
                return bool(entry["action"] == "allow")
        return False

    def sg(
        self,
        host: dict[str, Any],
        direction: str,
        peer_ip: str,
        port: int,
        peer_groups: set[tuple[str, str]] | None,
    ) -> bool:
        vpc = host["vpc"]
        for name in host["security_groups"]:
            group = self.doc["vpcs"][vpc]["security_groups"][name]
            rules = group.get(direction)
            if rules is None:  # no egress key: allow all
                return True
            for entry in rules:
                if entry["protocol"] != "all" and port not in _ports(entry["ports"]):
                    continue
                peer = entry["from" if direction == "ingress" else "to"]
                if peer == "self":
                    ok = peer_groups is not None and (vpc, name) in peer_groups
                elif peer.startswith("sg:"):
                    owner, _, group_name = peer[3:].rpartition("/")
                    ok = peer_groups is not None and (owner or vpc, group_name) in peer_groups
                else:
                    ok = _in(peer, peer_ip)
                if ok:
                    return True
        return False

    def route(self, vpc: str, subnet: str, ip: str) -> str | None:
        v = self.doc["vpcs"][vpc]
        table_name = v["subnets"][subnet].get("route_table") or next(
            (t for t, f in v["route_tables"].items() if f.get("main")), None
        )
        routes = v["route_tables"][table_name]["routes"] if table_name else {}
        best: tuple[int, str] | None = None
        if _in(v["cidr"], ip):
            best = (ipaddress.ip_network(v["cidr"]).prefixlen, "local")
        for destination, target in routes.items():
            length = ipaddress.ip_network(destination).prefixlen
            if _in(destination, ip) and (best is None or length > best[0]):
                best = (length, target)
        return best[1] if best else None

    def walk(self, src: str, dst: str, port: int, vpc: str, subnet: str) -> tuple[bool, bool]:
        """(delivered, through the transit gateway) from an interface in `subnet`; sets
        `references_lost` when a crossing does not carry inbound group references."""
        via_tgw = False
        self.references_lost = False
        for _ in range(30):
            # The transit gateway takes a packet in the zone of the subnet that sends it.
            zone = self.doc["vpcs"][vpc]["subnets"][subnet]["az"]
            if self.subnet_of(vpc, dst) == subnet:
                return True, via_tgw
            target = self.route(vpc, subnet, dst)
            if target is None or target == "blackhole":
                return False, via_tgw
            if target == "local":
                there = self.subnet_of(vpc, dst)
                ok = (
                    there is not None
                    and self.acl(vpc, subnet, "egress", dst, port)
                    and self.acl(vpc, there, "ingress", src, port)
                )
                return ok, via_tgw
            if target.startswith("peering:"):
                peering = self.doc["peerings"][target[8:]]
                other = peering["accepter"] if peering["requester"] == vpc else peering["requester"]
                there = self.subnet_of(other, dst)
                ok = (
                    peering["status"] == "active"
                    and there is not None
                    and self.acl(vpc, subnet, "egress", dst, port)
                    and self.acl(other, there, "ingress", src, port)
                )
                return ok, via_tgw
            hub = self.doc["transit_gateways"]["hub"]
            attachment = hub["attachments"][vpc]["subnets"]
            entry = next(
                (s for s in attachment if self.doc["vpcs"][vpc]["subnets"][s]["az"] == zone), None
            )
            if entry is None:
                return False, True
            if not (
                self.acl(vpc, subnet, "egress", dst, port)
                and self.acl(vpc, entry, "ingress", src, port)
            ):
                return False, True
            via_tgw = True
            table = next(f for f in hub["route_tables"].values() if vpc in f["associations"])
            best: tuple[int, int, str] | None = None
            for destination, to in table.get("routes", {}).items():
                if _in(destination, dst):
                    key = (ipaddress.ip_network(destination).prefixlen, 1, to)
                    best = key if best is None or key[:2] > best[:2] else best
            for name in table["propagations"]:
                block = self.doc["vpcs"][name]["cidr"]
                if _in(block, dst):
                    key = (ipaddress.ip_network(block).prefixlen, 0, name)
                    best = key if best is None or key[:2] > best[:2] else best
            if best is None or best[2] == "blackhole":
                return False, True
            # Inbound rules keep matching groups only when the gateway and both VPC
            # attachments enable security group referencing.
            if not (
                hub.get("security_group_referencing", False)
                and hub["attachments"][vpc].get("security_group_referencing", True)
                and hub["attachments"][best[2]].get("security_group_referencing", True)
            ):
                self.references_lost = True
            vpc = best[2]
            subnets = hub["attachments"][vpc]["subnets"]
            subnet = next(
                (s for s in subnets if self.doc["vpcs"][vpc]["subnets"][s]["az"] == zone),
                subnets[0],
            )
        return False, via_tgw

    def flow(self, a: str, b: str, port: int) -> tuple[bool, bool]:
        """(reachable with at least one ephemeral port, every ephemeral port passes)."""
        hosts = self.doc["hosts"]
        x, y = hosts[a], hosts[b]
        x_groups = {(x["vpc"], g) for g in x["security_groups"]}
        y_groups = {(y["vpc"], g) for g in y["security_groups"]}
        delivered, via_tgw = self.walk(x["address"], y["address"], port, x["vpc"], x["subnet"])
        if not delivered:
            return False, False
        if not self.sg(x, "egress", y["address"], port, None if via_tgw else y_groups):
            return False, False
        lost = self.references_lost
        if not self.sg(y, "ingress", x["address"], port, None if lost else x_groups):
            return False, False
        low, high = INSTANCE_EPHEMERAL
        edges = {low, high}
        for acl in (v.get("network_acls", {}).get("acl") for v in self.doc["vpcs"].values()):
            for entry in (acl["ingress"] + acl["egress"]) if acl else ():
                r = _ports(entry["ports"])
                edges |= {p for p in (r.start, r.stop - 1, r.stop, r.start - 1) if low <= p <= high}
        passing = [
            self.walk(y["address"], x["address"], sport, y["vpc"], y["subnet"])[0]
            for sport in sorted(edges)
        ]
        return any(passing), all(passing)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(estates())
def test_reach_agrees_with_a_packet_simulation(doc: dict[str, Any]) -> None:
    import yaml

    text = yaml.safe_dump(doc, sort_keys=False)
    architecture = load_architecture(Source("random.yaml", text)).architecture
    sim = Sim(doc)
    for a in doc["hosts"]:
        for b in doc["hosts"]:
            if a == b:
                continue
            source, destination = resolve(architecture, a), resolve(architecture, b)
            assert isinstance(source, Place) and isinstance(destination, Place)
            for port in PORTS:
                answer = ask(architecture, source, destination, TCP, port)
                assert not isinstance(answer, str)
                some, every = sim.flow(a, b, port)
                shown = (
                    f"{a} -> {b} port {port}: {answer.verdict} (simulation: {some}, {every}) "
                    f"{answer.forward.reason or ''}"
                    f"{answer.reply.reason if answer.reply else ''}\n{text}"
                )
                assert (answer.verdict == "reachable") == some, shown
                if some:
                    noted = bool(answer.reply and answer.reply.caveats)
                    assert noted == (not every), shown
