"""Format 1's reachability objects: a file using every one of them reads without a structural
finding and into the records the path engine reads; every reference to nothing is AP005 at the
reference, every value AWS refuses outright AP006, every misspelt key AP002 with a suggestion."""

from __future__ import annotations

from pathlib import Path

from archplan.engine import load_architecture
from archplan.network import ALL, ALL_PORTS, ICMP, TCP, Ports
from archplan.source import Source
from tests.conftest import triples, validate_text

FULL = Path(__file__).with_name("full-format.yaml")
HEAD = 'archplan: 1\ndefaults: {region: us-east-1, account: "111111111111"}\n'


def _structural(text: str) -> list[list[object]]:
    return [t for t in triples(validate_text(text)) if str(t[0]) < "AP100"]


def test_every_new_object_reads_without_a_structural_finding() -> None:
    assert _structural(FULL.read_text(encoding="utf-8")) == []


def test_the_records_say_what_the_file_says() -> None:
    loaded = load_architecture(Source("full.yaml", FULL.read_text(encoding="utf-8")))
    estate = loaded.architecture
    app = estate.vpcs["app"]
    web = app.security_groups["web"]
    assert (web.ingress[0].protocol, web.ingress[0].ports, web.ingress[0].peer.block.canonical) == (
        TCP,
        Ports(443, 443),
        "0.0.0.0/0",
    )
    assert (web.ingress[1].protocol, web.ingress[1].icmp_type, web.ingress[1].icmp_code) == (
        ICMP,
        8,
        ALL,
    )
    assert web.egress[0].peer.kind == "sg" and web.egress[0].peer.name == "db"
    db = app.security_groups["db"]
    assert db.egress[0].protocol == ALL  # no egress key: AWS's allow-all outbound rule
    assert db.ingress[2].peer.vpc == "other" and db.ingress[2].protocol == 47
    assert app.security_groups["default"].implicit
    acl = app.network_acl_of("db-a")
    assert acl is not None and acl.ingress[0].number == 100 and acl.ingress[0].ports != ALL_PORTS
    assert app.network_acl_of("web-a") is None  # AWS's default ACL: allow all
    assert app.route_tables["edge"].gateway == "igw"
    assert app.route_tables["private"].vgw_propagation
    hub = estate.transit_gateways["hub"]
    assert hub.attachments["app"].appliance_mode
    assert hub.default_association == "spokes"
    spokes = hub.route_tables["spokes"]
    assert [(route.destination, route.attachment) for route in spokes.routes] == [
        ("0.0.0.0/0", "app"),
        ("10.9.0.0/16", None),
    ]
    assert estate.hosts["db1"].address is not None
    assert estate.scaling_groups["webg"].security_groups == ("web",)
    assert [link.kind for link in estate.on_premises["dc"].links] == ["tgw", "vgw", "dx"]
    assert [intent.expect for intent in estate.reachability] == [
        "reachable",
        "unreachable",
        "unreachable",
    ]
    assert estate.reachability[0].protocol == TCP and estate.reachability[1].protocol is None


BROKEN_REFERENCES = (
    HEAD
    + """\
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      a: {cidr: 10.0.0.0/24, az: us-east-1a}
    route_tables:
      rt: {routes: {10.0.0.0/16: "gwlbe:nope", 10.0.0.0/24: "firewall:nope"}}
    security_groups:
      web:
        ingress:
          - {protocol: tcp, ports: 443, from: sg:dbb}
          - {protocol: tcp, ports: 443, from: sg:nowhere/db}
          - {protocol: tcp, ports: 443, from: pl:corp}
    network_acls:
      acl: {subnets: [b]}
    endpoints:
      ssm: {service: ssm, type: interface, subnets: [a], security_groups: [webb]}
transit_gateways:
  hub:
    attachments:
      app: {subnets: [a]}
    default_association: spoke
    route_tables:
      spokes:
        associations: [apps]
        routes: {10.9.0.0/16: nowhere}
on_premises:
  dc: {prefixes: [192.168.0.0/16], connections: [{transit_gateway: hubb}]}
hosts:
  db: {vpc: app, subnet: a, security_groups: [dbb]}
reachability:
  - {from: webb, to: db, expect: reachable}
"""
)


def test_references_to_nothing_are_ap005_where_they_are_written() -> None:
    found = [t for t in triples(validate_text(BROKEN_REFERENCES)) if t[0] == "AP005"]
    assert [t[1] for t in found] == [9, 9, 13, 14, 15, 17, 19, 24, 27, 28, 30, 32, 34]


def test_a_misspelt_key_gets_a_suggestion() -> None:
    text = (
        HEAD
        + """\
vpcs:
  app:
    cidr: 10.0.0.0/16
    security_group: {}
    security_groups:
      web: {ingres: []}
    network_acls:
      acl: {subnet: []}
"""
    )
    messages = [f.message for f in validate_text(text).findings if f.rule_id == "AP002"]
    assert messages == [
        'unknown key "security_group" (did you mean "security_groups"?)',
        'unknown key "ingres" (did you mean "ingress"?)',
        'unknown key "subnet" (did you mean "subnets"?)',
    ]


def test_values_aws_refuses_are_reported_at_the_value() -> None:
    text = (
        HEAD
        + """\
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      a: {cidr: 10.0.0.0/24, az: us-east-1a}
    security_groups:
      web:
        ingress:
          - {protocol: tcp, ports: "90-80", from: 0.0.0.0/0}
          - {protocol: udp, from: 0.0.0.0/0}
          - {protocol: tcpp, ports: 1, from: 0.0.0.0/0}
          - {protocol: 300, ports: 1, from: 0.0.0.0/0}
          - {protocol: tcp, ports: "1..2", from: 0.0.0.0/0}
    network_acls:
      one:
        subnets: [a]
        ingress:
          - {rule: 100, action: allow, protocol: all, from: sg:web}
          - {rule: 100, action: allow, protocol: all, from: 0.0.0.0/0}
          - {rule: 100, action: deny, protocol: all, from: 0.0.0.0/0}
      two: {subnets: [a]}
hosts:
  h: {vpc: app, subnet: a, address: 10.0.9.9}
"""
    )
    found = triples(validate_text(text))
    assert [t[:2] for t in found] == [
        ["AP006", 11],  # 90-80
        ["AP004", 12],  # udp without ports
        ["AP006", 13],  # tcpp
        ["AP006", 14],  # protocol 300
        ["AP006", 15],  # 1..2
        ["AP006", 20],  # a security group in an ACL rule
        ["AP006", 22],  # rule 100 twice
        ["AP006", 23],  # a subnet in two ACLs
        ["AP006", 25],  # a host address outside its subnet
    ]
