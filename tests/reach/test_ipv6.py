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
