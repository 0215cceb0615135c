"""Facts of AWS's documentation that issue 13 (item 7) found wrong or missing in the rules:
each test failed before the change that made it pass."""

from __future__ import annotations

from archplan.findings import Severity
from archplan.rules import RULES
from tests.conftest import validate_text

API = """archplan: 1
api_gateways:
  public:
    region: us-east-1
    type: http
    throttle: {rate: 12000, burst: 6000}
"""


def test_a_throttle_above_the_account_is_a_warning_and_the_burst_cannot_be_requested() -> None:
    # AWS accepts the setting; it has no effect (API Gateway Developer Guide, throttling).
    assert RULES["AP601"].severity is Severity.WARNING
    findings = [f for f in validate_text(API).findings if f.rule_id == "AP601"]
    assert [f.severity for f in findings] == [Severity.WARNING, Severity.WARNING]
    rate, burst = sorted(findings, key=lambda finding: "burst" in finding.message)
    assert "record a raised quota" in rate.message and "no effect" in rate.message
    assert "record a raised quota" not in burst.message
    assert "AWS sets the account's burst" in burst.message


def test_a_pending_request_in_one_account_expires_too() -> None:
    text = """archplan: 1
defaults: {region: us-east-1, account: "111111111111"}
vpcs:
  a: {cidr: 10.0.0.0/16}
  b: {cidr: 10.1.0.0/16}
peerings:
  a-b: {requester: a, accepter: b, status: pending-acceptance}
"""
    (finding,) = [f for f in validate_text(text).findings if f.rule_id == "AP306"]
    assert "7 days" in finding.message and 'owner of VPC "b"' in finding.message


def test_a_vpc_ipv6_block_other_than_56_says_it_needs_ipam_or_byoip() -> None:
    text = """archplan: 1
vpcs:
  shared: {region: us-east-1, cidr: 10.0.0.0/16, ipv6_cidrs: ["2600:1f18:1a00::/48"]}
"""
    (finding,) = validate_text(text).findings
    assert finding.rule_id == "AP518" and "IPAM" in finding.message and "BYOIP" in finding.message


def test_arm_and_x86_types_in_one_group_are_an_error() -> None:
    text = """archplan: 1
defaults: {region: us-east-1}
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      a: {cidr: 10.0.0.0/24, az: us-east-1a}
      b: {cidr: 10.0.1.0/24, az: us-east-1b}
scaling_groups:
  web:
    vpc: app
    subnets: [a, b]
    instance_types: [m7g.large, m7i.large]
    min: 1
    max: 4
    purchase: {on_demand_percentage_above_base: 100}
"""
    (finding,) = validate_text(text).findings
    assert (finding.rule_id, finding.severity) == ("AP519", Severity.ERROR)


def test_transitive_route_advice_never_suggests_a_peering_aws_would_refuse() -> None:
    # a and c overlap (10.2.128.0/17 inside 10.2.0.0/16): peering them, or a transit gateway
    # between them, cannot work; the advice is to readdress, as peering-plan says (issue 13).
    text = """archplan: 1
defaults: {region: us-east-1}
vpcs:
  a:
    cidr: 10.0.0.0/16
    secondary_cidrs: [10.2.128.0/17]
    route_tables: {main: {main: true, routes: {10.2.0.0/24: "peering:a-b", 10.1.0.0/16: "peering:a-b"}}}
  b:
    cidr: 10.1.0.0/16
    route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b", 10.2.0.0/24: "peering:b-c"}}}
  c:
    cidr: 10.2.0.0/16
    route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:b-c"}}}
peerings:
  a-b: {requester: a, accepter: b}
  b-c: {requester: b, accepter: c}
"""
    (finding,) = [f for f in validate_text(text).findings if f.rule_id == "AP308"]
    assert "readdress" in finding.message
    assert "directly" not in finding.message
    assert "transit gateway could not" in finding.message


def test_the_shipped_xen_table_is_the_reference_tables_xen_rows() -> None:
    import csv
    import json

    from tests.conftest import ROOT, reference_file

    reference = reference_file("data", "eni-limits.csv")
    with reference.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    shipped = json.loads((ROOT / "archplan" / "data" / "xen-instance-types.json").read_text())
    assert shipped["xen"] == sorted(
        row["instance_type"] for row in rows if row["hypervisor"] == "xen"
    )
    assert shipped["types_in_source"] == len(rows) and shipped["source"] and shipped["date"]
