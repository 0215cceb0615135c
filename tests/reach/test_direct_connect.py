"""Direct Connect allowed prefixes, both ways a flow uses them: on-premises reaches a VPC
address only when the Direct Connect gateway advertises it (a transit gateway association
advertises its allowed prefixes; a virtual private gateway association the VPC's whole block
when an allowed prefix is that block or wider), and a flow the VPC starts is answered only
then. Checked against ipaddress on random prefixes."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from archplan.engine import load_architecture
from archplan.network import TCP
from archplan.reach.places import Place, resolve
from archplan.reach.query import ask
from archplan.source import Source
from tests.properties.test_reach_brute_force import EXAMPLES

PREFIXES = [
    "10.0.0.0/8",
    "10.0.0.0/15",
    "10.0.0.0/16",
    "10.0.0.0/24",
    "10.0.1.0/24",
    "10.1.0.0/16",
    "10.0.0.0/17",
]
HOST = "10.0.0.10"
VPC = "10.0.0.0/16"


def _file(kind: str, allowed: list[str] | None) -> str:
    association = "{}" if allowed is None else "{allowed_prefixes: [" + ", ".join(allowed) + "]}"
    if kind == "tgw":
        routes = '{192.168.0.0/16: "tgw:hub"}'
        gateways = f"""\
transit_gateways:
  hub:
    attachments: {{app: {{subnets: [app-a]}}}}
    route_tables:
      all: {{associations: [app, corp-dx], propagations: [app, corp-dx]}}
direct_connect_gateways:
  corp-dx:
    transit_gateways:
      hub: {association}
"""
        propagation = ""
    else:
        routes = "{}"
        gateways = f"""\
direct_connect_gateways:
  corp-dx:
    vpcs:
      app: {association}
"""
        propagation = ", vgw_propagation: true"
    return f"""\
archplan: 1
defaults: {{region: us-east-1}}
vpcs:
  app:
    cidr: {VPC}
    subnets: {{app-a: {{cidr: 10.0.0.0/24, az: us-east-1a}}}}
    route_tables: {{main: {{main: true, routes: {routes}{propagation}}}}}
    security_groups:
      app:
        ingress: [{{protocol: all, from: 0.0.0.0/0}}]
hosts:
  server: {{vpc: app, subnet: app-a, address: {HOST}, security_groups: [app]}}
on_premises:
  dc:
    prefixes: [192.168.0.0/16]
    connections: [{{direct_connect_gateway: corp-dx}}]
{gateways}"""


def _advertised(kind: str, allowed: list[str] | None) -> bool:
    if allowed is None:
        return True
    networks = [ipaddress.ip_network(p) for p in allowed]
    if kind == "tgw":
        return any(ipaddress.ip_address(HOST) in n for n in networks)
    return any(ipaddress.ip_network(VPC).subnet_of(n) for n in networks)  # type: ignore[arg-type]


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.sampled_from(["tgw", "vpc"]),
    st.one_of(st.none(), st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=3, unique=True)),
)
def test_on_premises_reaches_only_what_the_gateway_advertises(
    kind: str, allowed: list[str] | None
) -> None:
    architecture = load_architecture(Source("dx.yaml", _file(kind, allowed))).architecture
    server, dc = resolve(architecture, "server"), resolve(architecture, "dc")
    assert isinstance(server, Place) and isinstance(dc, Place)
    expected = _advertised(kind, allowed)
    inbound = ask(architecture, dc, server, TCP, 22)
    outbound = ask(architecture, server, dc, TCP, 22)
    assert not isinstance(inbound, str) and not isinstance(outbound, str)
    assert (inbound.verdict == "reachable") == expected, inbound
    assert (outbound.verdict == "reachable") == expected, outbound
    if not expected:
        # The VPC's request leaves; the answer has no way back, and the drop says why.
        assert outbound.forward.delivered is True
        assert outbound.reply is not None
        assert outbound.reply.reason.startswith("Direct Connect gateway corp-dx does not advertise")


def test_a_narrow_prefix_on_a_vgw_association_says_what_to_write() -> None:
    architecture = load_architecture(Source("dx.yaml", _file("vpc", ["10.0.0.0/24"]))).architecture
    server, dc = resolve(architecture, "server"), resolve(architecture, "dc")
    assert isinstance(server, Place) and isinstance(dc, Place)
    answer = ask(architecture, dc, server, TCP, 22)
    assert not isinstance(answer, str)
    assert answer.forward.reason == (
        "Direct Connect gateway corp-dx does not advertise VPC app to on-premises network dc: "
        "an allowed prefix of a virtual private gateway association must be the VPC's block "
        "(10.0.0.0/16) or wider, and 10.0.0.0/24 is not"
    )
    assert answer.forward.fix == (
        "set direct_connect_gateways.corp-dx.vpcs.app.allowed_prefixes to 10.0.0.0/16 or a "
        "wider block"
    )
