"""Security group referencing over a transit gateway (AWS's SecurityGroupReferencingSupport):
inbound rules naming a group across the gateway match only when the gateway and both VPC
attachments enable it; outbound rules never do; `reach` says which switch stopped a match.
The random-estate agreement is in tests/properties/test_reach_brute_force.py."""

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
  web:
    cidr: 10.0.0.0/16
    subnets: {web-a: {cidr: 10.0.0.0/24, az: us-east-1a}}
    route_tables: {main: {main: true, routes: {10.1.0.0/16: "tgw:hub"}}}
    security_groups:
      web: {EGRESS}
  db:
    cidr: 10.1.0.0/16
    subnets: {db-a: {cidr: 10.1.0.0/24, az: us-east-1a}}
    route_tables: {main: {main: true, routes: {10.0.0.0/16: "tgw:hub"}}}
    security_groups:
      db:
        ingress:
          - {protocol: tcp, ports: 5432, from: "sg:web/web"}
transit_gateways:
  hub:
    security_group_referencing: GATEWAY
    attachments:
      web: {subnets: [web-a], security_group_referencing: ATTACHMENT}
      db: {subnets: [db-a]}
    route_tables:
      all: {associations: [web, db], propagations: [web, db]}
hosts:
  web-1: {vpc: web, subnet: web-a, security_groups: [web]}
  db-1: {vpc: db, subnet: db-a, security_groups: [db]}
"""


def _ask(gateway: bool, attachment: bool, egress: str = "") -> Answer:
    text = (
        FILE.replace("GATEWAY", str(gateway).lower())
        .replace("ATTACHMENT", str(attachment).lower())
        .replace("{EGRESS}", egress or "{}")
    )
    architecture = load_architecture(Source("tgw.yaml", text)).architecture
    source, destination = resolve(architecture, "web-1"), resolve(architecture, "db-1")
    assert isinstance(source, Place) and isinstance(destination, Place)
    answer = ask(architecture, source, destination, TCP, 5432)
    assert not isinstance(answer, str)
    return answer


def test_an_inbound_reference_matches_when_the_gateway_and_attachments_enable_it() -> None:
    answer = _ask(gateway=True, attachment=True)
    assert answer.verdict == "reachable"
    assert "security group db ingress tcp 5432 sg:web/web" in [h.text for h in answer.forward.hops]


@pytest.mark.parametrize(
    ("gateway", "attachment", "why"),
    [
        (
            False,
            True,
            "transit gateway hub does not enable security group referencing "
            "(security_group_referencing: true, off by default)",
        ),
        (
            True,
            False,
            "the attachment of VPC web to hub turns security group referencing off "
            "(security_group_referencing: false)",
        ),
    ],
)
def test_a_reference_that_does_not_survive_says_which_switch(
    gateway: bool, attachment: bool, why: str
) -> None:
    answer = _ask(gateway, attachment)
    assert answer.verdict == "unreachable"
    assert answer.forward.reason == (
        f"security group db ingress tcp 5432 sg:web/web does not match: {why}, so the packet "
        "no longer carries its source's security groups"
    )
    assert answer.forward.fix.startswith("enable it")


def test_an_outbound_reference_never_matches_over_a_transit_gateway() -> None:
    egress = '{egress: [{protocol: tcp, ports: 5432, to: "sg:db/db"}]}'
    answer = _ask(gateway=True, attachment=True, egress=egress)
    assert answer.verdict == "unreachable"
    assert answer.forward.reason == (
        "security group web egress tcp 5432 sg:db/db does not match: outbound rules cannot "
        "reference groups over transit gateway hub"
    )
