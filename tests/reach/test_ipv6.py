"""IPv6 paths to and from the internet: an egress-only internet gateway carries a VPC's
request out and lets its reply in, and lets no connection start from the internet; an
internet gateway carries both; a NAT gateway's NAT64 is not modelled (the answer says so)."""

from __future__ import annotations

import pytest

from archplan.engine import load_architecture
from archplan.network import TCP
from archplan.reach.places import Place, resolve
from archplan.reach.query import Answer, ask
from archplan.source import Source

FILE = """\
archplan: 1
defaults: {region: us-east-1}
vpcs:
  app:
    cidr: 10.0.0.0/16
    ipv6_cidrs: ["2600:1f18:1:2300::/56"]
    internet_gateway: IGW
    subnets:
      app-a: {cidr: 10.0.0.0/24, ipv6_cidr: "2600:1f18:1:2300::/64", az: us-east-1a}
      nat-a: {cidr: 10.0.1.0/24, ipv6_cidr: "2600:1f18:1:2301::/64", az: us-east-1a}
    route_tables:
      main:
        main: true
        routes: {"::/0": TARGET}
    security_groups:
      app:
        ingress: [{protocol: tcp, ports: 443, from: "::/0"}]
hosts:
  server: {vpc: app, subnet: app-a, address: "2600:1f18:1:2300::10", security_groups: [app]}
"""


def _ask(target: str, igw: bool, source: str, destination: str) -> Answer:
    text = FILE.replace("TARGET", target).replace("IGW", str(igw).lower())
    architecture = load_architecture(Source("v6.yaml", text)).architecture
    start, end = resolve(architecture, source), resolve(architecture, destination)
    assert isinstance(start, Place) and isinstance(end, Place)
    answer = ask(architecture, start, end, TCP, 443)
    assert not isinstance(answer, str)
    return answer


def test_an_egress_only_gateway_carries_the_request_out_and_the_reply_in() -> None:
    answer = _ask("egress-only-igw", False, "server", "internet")
    assert answer.verdict == "reachable"
    assert answer.reply is not None
    assert answer.reply.hops[0].text == (
        "egress-only internet gateway of VPC app lets the reply in"
    )


def test_an_egress_only_gateway_lets_no_connection_in() -> None:
    answer = _ask("egress-only-igw", False, "internet", "server")
    assert answer.verdict == "unreachable"
    assert answer.forward.reason == (
        "VPC app reaches the internet only through an egress-only internet gateway, which "
        "lets no connection start from the internet"
    )


@pytest.mark.parametrize(
    ("source", "destination"), [("server", "internet"), ("internet", "server")]
)
def test_an_internet_gateway_carries_ipv6_both_ways(source: str, destination: str) -> None:
    assert _ask("igw", True, source, destination).verdict == "reachable"


def test_nat64_is_not_guessed() -> None:
    answer = _ask("nat:nat-a", True, "server", "internet")
    assert answer.verdict == "unknown"
    assert answer.forward.reason.startswith("a NAT gateway translates IPv6 only by NAT64")


TGW = """\
archplan: 1
defaults: {region: us-east-1}
vpcs:
  web:
    cidr: 10.0.0.0/16
    ipv6_cidrs: ["2600:1f18:1:2300::/56"]
    subnets: {web-a: {cidr: 10.0.0.0/24, ipv6_cidr: "2600:1f18:1:2300::/64", az: us-east-1a}}
    route_tables: {main: {main: true, routes: {"2600:1f18:1:2400::/56": "tgw:hub"}}}
    security_groups: {web: {ingress: [{protocol: all, from: "::/0"}]}}
  db:
    cidr: 10.1.0.0/16
    ipv6_cidrs: ["2600:1f18:1:2400::/56"]
    subnets: {db-a: {cidr: 10.1.0.0/24, ipv6_cidr: "2600:1f18:1:2400::/64", az: us-east-1a}}
    route_tables: {main: {main: true, routes: {"2600:1f18:1:2300::/56": "tgw:hub"}}}
    security_groups: {db: {ingress: [{protocol: all, from: "::/0"}]}}
transit_gateways:
  hub:
    attachments:
      web: {subnets: [web-a]SUPPORT}
      db: {subnets: [db-a]SUPPORT}
    route_tables:
      all: {associations: [web, db], propagations: [web, db]}
hosts:
  web-1: {vpc: web, subnet: web-a, address: "2600:1f18:1:2300::10", security_groups: [web]}
  db-1: {vpc: db, subnet: db-a, address: "2600:1f18:1:2400::10", security_groups: [db]}
"""


@pytest.mark.parametrize(
    ("support", "verdict"),
    [
        (", ipv6_support: true", "reachable"),
        (", ipv6_support: false", "unreachable"),
        ("", "unknown"),
    ],
)
def test_ipv6_crosses_a_transit_gateway_attachment_only_with_ipv6_support(
    support: str, verdict: str
) -> None:
    architecture = load_architecture(
        Source("tgw.yaml", TGW.replace("SUPPORT", support))
    ).architecture
    start, end = resolve(architecture, "web-1"), resolve(architecture, "db-1")
    assert isinstance(start, Place) and isinstance(end, Place)
    answer = ask(architecture, start, end, TCP, 443)
    assert not isinstance(answer, str)
    assert answer.verdict == verdict
    if verdict == "unreachable":
        assert answer.forward.reason == "the attachment of VPC web to hub has IPv6 support off"
    if verdict == "unknown":
        assert answer.forward.assumptions[0].startswith(
            "IPv6 support on the attachment of VPC web to hub is not in the file"
        )


def test_a_vpn_on_a_virtual_private_gateway_carries_no_ipv6() -> None:
    text = """\
archplan: 1
defaults: {region: us-east-1}
vpcs:
  app:
    cidr: 10.0.0.0/16
    ipv6_cidrs: ["2600:1f18:1:2300::/56"]
    subnets: {app-a: {cidr: 10.0.0.0/24, ipv6_cidr: "2600:1f18:1:2300::/64", az: us-east-1a}}
    route_tables: {main: {main: true, vgw_propagation: true}}
    security_groups: {app: {ingress: [{protocol: all, from: "::/0"}]}}
hosts:
  server: {vpc: app, subnet: app-a, address: "2600:1f18:1:2300::10", security_groups: [app]}
on_premises:
  dc:
    prefixes: [10.99.0.0/16, "fd00:99::/48"]
    connections: [{vgw: app}]
"""
    architecture = load_architecture(Source("vpn.yaml", text)).architecture
    server, dc = resolve(architecture, "server"), resolve(architecture, "dc")
    assert isinstance(server, Place) and isinstance(dc, Place)
    out = ask(architecture, server, dc, TCP, 443)
    assert not isinstance(out, str) and out.verdict == "unreachable"
    assert out.forward.reason == (
        "a Site-to-Site VPN on the virtual private gateway of VPC app carries no IPv6"
    )
    inbound = ask(architecture, dc, server, TCP, 443)
    assert not isinstance(inbound, str) and inbound.verdict == "unreachable"
    assert "VPN to the VGW of app (no IPv6)" in inbound.forward.reason
