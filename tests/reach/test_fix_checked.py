"""A connection fix is checked against the whole route tables and transit gateway before it
is suggested: the reply's route names the block that holds the sender, a block the table
already routes elsewhere is not routed twice (a narrower block is used when it wins), a route
a more specific one would outrank is not suggested, and a shared transit gateway is suggested
only when its tables carry the packet both ways (with the propagation it lacks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

SHARED = "examples/shared-services.yaml"
HUB = """
transit_gateways:
  hub:
    attachments:
      finance: {subnets: [finance-private-a]}
      hr: {subnets: [hr-private-a]}
      engineering: {subnets: [engineering-private-a]}
    route_tables:
      spokes:
        associations: [finance, hr, engineering]
        propagations: [finance]
"""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)
    return CliRunner()


def _fix(runner: CliRunner, tmp_path: Path, text: str, source: str = "finance-private-a") -> str:
    path = tmp_path / "shared.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(
        app, ["reach", str(path), source, "hr-private-a", "--port", "443", "--width", "500"]
    )
    assert result.exit_code == 1, result.stdout
    return next(line for line in result.stdout.splitlines() if line.startswith("  fix: "))[7:]


def _shared() -> str:
    return (ROOT / SHARED).read_text(encoding="utf-8").split("\nreachability:")[0] + "\n"


def test_the_reply_route_names_the_block_that_holds_the_sender(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = (
        _shared()
        .replace("  finance:\n", "  finance:\n    secondary_cidrs: [10.11.0.0/16]\n", 1)
        .replace(
            "      finance-private-a:",
            "      finance-extra-a: {cidr: 10.11.0.0/24, az: us-east-1a, route_table: private}\n"
            "      finance-private-a:",
            1,
        )
    )
    fix = _fix(runner, tmp_path, text, "finance-extra-a")
    assert "10.11.0.0/16 -> peering:NAME to route table private of VPC hr" in fix
    assert "10.10.0.0/16" not in fix


def test_a_block_the_back_table_routes_elsewhere_is_not_routed_twice(
    runner: CliRunner, tmp_path: Path
) -> None:
    # hr sends finance's whole block to the shared VPC: a second route for it is refused by
    # AWS, so the fix routes the sender's subnet, which then wins by longest prefix.
    text = _shared().replace(
        "          10.0.0.0/16: peering:shared-hr\n",
        "          10.0.0.0/16: peering:shared-hr\n          10.10.0.0/16: peering:shared-hr\n",
    )
    fix = _fix(runner, tmp_path, text)
    assert "10.10.16.0/20 -> peering:NAME to route table private of VPC hr" in fix
    assert "10.10.0.0/16 -> peering" not in fix


def test_a_route_a_more_specific_one_outranks_is_not_suggested(
    runner: CliRunner, tmp_path: Path
) -> None:
    private = "          0.0.0.0/0: nat:finance-public-a"
    text = _shared().replace(private, "          10.20.16.0/20: nat:finance-public-a\n" + private)
    fix = _fix(runner, tmp_path, text)
    assert fix == (
        "none by routes alone: route table private of VPC finance already routes 10.20.16.0/20 "
        "-> nat:finance-public-a, which a route to peering:NAME would not outrank"
    )


def test_a_shared_transit_gateway_fix_adds_the_propagation_it_lacks(
    runner: CliRunner, tmp_path: Path
) -> None:
    fix = _fix(runner, tmp_path, _shared() + HUB)
    assert fix == (
        "add a route 10.20.0.0/16 -> tgw:hub to route table private of VPC finance, and "
        "10.10.0.0/16 -> tgw:hub to route table private of VPC hr; propagate attachment hr "
        "into transit gateway route table spokes"
    )


def test_a_transit_gateway_routing_the_block_to_a_third_vpc_is_not_suggested(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = _shared() + HUB + "        routes: {10.20.0.0/16: engineering}\n"
    fix = _fix(runner, tmp_path, text)
    assert fix.startswith("peer VPCs finance and hr (peerings: {requester: finance, accepter: hr})")
    assert fix.endswith(
        "(transit gateway route table spokes sends VPC hr's address to engineering (10.20.0.0/16))"
    )
    assert "tgw:hub" not in fix


def test_a_rejected_peering_is_not_to_be_accepted(runner: CliRunner, tmp_path: Path) -> None:
    text = _shared().replace(
        "peerings:\n",
        "peerings:\n  finance-hr: {requester: finance, accepter: hr, status: rejected}\n",
        1,
    )
    path = tmp_path / "shared.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "reach",
            str(path),
            "finance-private-a",
            "hr-private-a",
            "--port",
            "443",
            "--width",
            "500",
        ],
    )
    assert "VPCs finance and hr are not peered (peering finance-hr is rejected)" in result.stdout
    assert "fix: peer VPCs finance and hr" in result.stdout
    assert "accept peering" not in result.stdout
