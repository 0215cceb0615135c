"""A dropped packet's fix names the other side's security group when the file could write
one (review5 F26): `sg:NAME` in the same VPC, `sg:VPC/NAME` across a same-Region peering;
the address only where a reference cannot match (another Region, no groups described)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

THREE_TIER = (ROOT / "examples" / "three-tier.yaml").read_text(encoding="utf-8")

PEERED = """archplan: 1
vpcs:
  a:
    region: us-east-1
    cidr: 10.0.0.0/16
    subnets: {a1: {cidr: 10.0.1.0/24, az: us-east-1a, route_table: rt}}
    route_tables: {rt: {routes: {10.1.0.0/16: "peering:a-b"}}}
    security_groups:
      client: {egress: [{protocol: tcp, ports: 80, to: 0.0.0.0/0}]}
  b:
    region: REGION_B
    cidr: 10.1.0.0/16
    subnets: {b1: {cidr: 10.1.1.0/24, az: REGION_Ba, route_table: rt}}
    route_tables: {rt: {routes: {10.0.0.0/16: "peering:a-b"}}}
    security_groups:
      server: {ingress: [{protocol: tcp, ports: 443, from: 0.0.0.0/0}]}
peerings:
  a-b: {requester: a, accepter: b}
hosts:
  client: {vpc: a, subnet: a1, address: 10.0.1.10, security_groups: [client]}
  server: {vpc: b, subnet: b1, address: 10.1.1.10, security_groups: [server]}
"""


def _fix(tmp_path: Path, text: str, source: str, target: str, port: str) -> str:
    path = tmp_path / "estate.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["reach", str(path), source, target, "--port", port])
    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("  fix: ")]
    return line.removeprefix("  fix: ")


def test_a_missing_egress_rule_names_the_destination_group(tmp_path: Path) -> None:
    text = THREE_TIER.replace(
        "{protocol: tcp, ports: 8080, to: sg:app}", "{protocol: tcp, ports: 5432, to: 0.0.0.0/0}"
    )
    fix = _fix(tmp_path, text, "web", "app", "8080")
    assert fix == "add an egress rule to web allowing tcp 8080 to sg:app"


def test_a_missing_ingress_rule_names_the_source_group(tmp_path: Path) -> None:
    text = THREE_TIER.replace(
        "{protocol: tcp, ports: 8080, from: sg:web}", "{protocol: tcp, ports: 9999, from: sg:web}"
    )
    assert _fix(tmp_path, text, "web", "app", "8080") == (
        "add an ingress rule to app allowing tcp 8080 from sg:web"
    )
    # A subnet has no groups of its own: its address is what a rule can name.
    assert _fix(tmp_path, text, "public-a", "app", "8080") == (
        "add an ingress rule to app allowing tcp 8080 from 10.0.0.4"
    )


@pytest.mark.parametrize(
    "region, expected",
    [("us-east-1", "sg:b/server"), ("eu-west-1", "10.1.1.10")],
    ids=["same-region", "other-region"],
)
def test_across_a_peering_only_a_same_region_peer_is_named_by_group(
    tmp_path: Path, region: str, expected: str
) -> None:
    text = PEERED.replace("REGION_B", region)
    fix = _fix(tmp_path, text, "client", "server", "443")
    assert fix == f"add an egress rule to client allowing tcp 443 to {expected}"
