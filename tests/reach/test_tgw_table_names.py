"""A transit gateway route table name used by two gateways is shown with its gateway, in
`reach`'s hops, drops and fixes and in the AP790 finding built from them, as a VPC route
table name used by two VPCs is shown with its VPC; a unique name is shown alone, as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app

TWO_GATEWAYS = """\
archplan: 1
vpcs:
  a:
    region: us-east-1
    cidr: 10.0.0.0/16
    subnets:
      a-1: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: rt}
    route_tables:
      rt: {routes: {10.1.0.0/16: "tgw:hub-us"}}
    security_groups:
      app:
        egress: [{protocol: all, ports: all, to: 0.0.0.0/0}]
        ingress: [{protocol: tcp, ports: 443, from: 10.0.0.0/8}]
  b:
    region: eu-west-1
    cidr: 10.1.0.0/16
    subnets:
      b-1: {cidr: 10.1.0.0/24, az: eu-west-1a, route_table: rt}
    route_tables:
      rt: {routes: {10.0.0.0/16: "tgw:hub-eu"}}
    security_groups:
      app:
        egress: [{protocol: all, ports: all, to: 0.0.0.0/0}]
        ingress: [{protocol: tcp, ports: 443, from: 10.0.0.0/8}]
transit_gateways:
  hub-us:
    region: us-east-1
    attachments:
      a: {subnets: [a-1]}
    peerings: [hub-eu]
    route_tables:
      main:
        associations: [a, hub-eu]
        propagations: [a]
        routes: {10.1.0.0/16: hub-eu}
  hub-eu:
    region: eu-west-1
    attachments:
      b: {subnets: [b-1]}
    peerings: [hub-us]
    route_tables:
      EU_TABLE:
        associations: [b, hub-us]
        propagations: [b]
        routes: {10.0.0.0/16: hub-us}
hosts:
  web: {vpc: a, subnet: a-1, security_groups: [app]}
  api: {vpc: b, subnet: b-1, security_groups: [app]}
"""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)
    return CliRunner()


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "two-gateways.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_shared_table_name_says_which_gateway(runner: CliRunner, tmp_path: Path) -> None:
    file = _write(tmp_path, TWO_GATEWAYS.replace("EU_TABLE", "main"))
    result = runner.invoke(app, ["reach", file, "web", "api", "--port", "443", "--width", "400"])
    assert result.exit_code == 0, result.stdout
    out = result.stdout
    assert "transit gateway route table main of hub-us: 10.1.0.0/16 -> hub-eu" in out
    assert "transit gateway route table main of hub-eu: 10.1.0.0/16 (propagated from b) -> b" in out
    assert "transit gateway route table main:" not in out


def test_a_unique_table_name_is_shown_alone(runner: CliRunner, tmp_path: Path) -> None:
    file = _write(tmp_path, TWO_GATEWAYS.replace("EU_TABLE", "eu"))
    result = runner.invoke(app, ["reach", file, "web", "api", "--port", "443", "--width", "400"])
    assert result.exit_code == 0, result.stdout
    assert "transit gateway route table main: 10.1.0.0/16 -> hub-eu" in result.stdout
    assert "transit gateway route table eu: 10.1.0.0/16 (propagated from b) -> b" in result.stdout
    assert " of hub-" not in result.stdout


def test_a_drop_and_its_fix_name_the_gateway(runner: CliRunner, tmp_path: Path) -> None:
    text = TWO_GATEWAYS.replace("EU_TABLE", "main").replace(
        "        propagations: [b]\n", "        propagations: []\n"
    )
    file = _write(tmp_path, text)
    result = runner.invoke(app, ["reach", file, "web", "api", "--port", "443", "--width", "400"])
    assert result.exit_code == 1, result.stdout
    assert (
        "dropped: transit gateway route table main of hub-eu has no route to 10.1.0.4"
        in result.stdout
    )
    assert "fix: add a static route or a propagation to main of hub-eu" in result.stdout


def test_the_intent_finding_names_the_gateway(runner: CliRunner, tmp_path: Path) -> None:
    text = TWO_GATEWAYS.replace("EU_TABLE", "main").replace(
        "routes: {10.0.0.0/16: hub-us}", "routes: {10.0.0.0/16: hub-us, 10.1.0.0/24: blackhole}"
    )
    text += "reachability:\n  - {from: web, to: api, port: 443, expect: reachable}\n"
    file = _write(tmp_path, text)
    result = runner.invoke(app, ["validate", file, "--format", "json"])
    assert result.exit_code == 1, result.stdout
    assert (
        "the request is dropped: transit gateway route table main of hub-eu: 10.1.0.0/24 is a "
        "blackhole" in result.stdout
    )
