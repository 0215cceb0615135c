"""What a new user's review of `archplan reach` found (issue #16): an address takes the host
it belongs to, unpeered VPCs are said to be unpeered (with a fix checked against the file),
fixes name what the user asked rather than an address the tool picks, an intent expecting
unreachable needs no fix, unknown places get a suggestion, and each fact is said once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

THREE_TIER = "examples/three-tier.yaml"
INSPECTION = "examples/inspection.yaml"
SHARED = "examples/shared-services.yaml"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)
    return CliRunner()


def _without_intents(tmp_path: Path, example: str) -> str:
    """The example without its reachability intents, so every fix is shown."""
    text = (ROOT / example).read_text(encoding="utf-8")
    kept = text.split("\nreachability:")[0] + "\n"
    path = tmp_path / Path(example).name
    path.write_text(kept, encoding="utf-8")
    return str(path)


# -- 1. an address of a described host is that host ------------------------------------------


def test_a_hosts_address_takes_the_host_and_its_groups(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", THREE_TIER, "app", "10.0.4.10", "--port", "5432"])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("group app -> 10.0.4.10 (host orders-db) (tcp port 5432)")
    assert "security group db ingress tcp 5432 sg:app" in result.stdout
    assert "receiver's security groups are not described" not in result.stdout


def test_an_address_where_no_host_is_stays_unknown(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", THREE_TIER, "10.0.2.5", "10.0.4.10", "--port", "5432"])
    assert result.exit_code == 1
    assert "cannot tell" in result.stdout.splitlines()[0]
    assert "the sender's security groups are not described in the file" in result.stdout
    assert "the receiver's security groups are not described" not in result.stdout
    # The receiver's own group is read: it allows only sg:app, which the sender may not be.
    assert "security group db ingress tcp 5432 sg:app" in result.stdout


# -- 2. unpeered VPCs -----------------------------------------------------------------------


def test_unpeered_spokes_are_said_to_be_unpeered_with_a_working_fix(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["reach", SHARED, "finance-private-a", "hr-private-a", "--port", "443", "--width", "400"],
    )
    assert result.exit_code == 1
    out = result.stdout
    assert "internet gateway drops" not in out
    assert "NAT gateway" not in out  # stops at the table, not where the packet finally dies
    assert (
        "dropped: route table private of VPC finance (subnet finance-private-a) has no route to "
        "VPC hr's block 10.20.0.0/16 except the default route 0.0.0.0/0, which leads to the "
        "internet; VPCs finance and hr are not peered (peering is not transitive: both peer with "
        "shared only)"
    ) in out
    assert "fix: peer VPCs finance and hr" in out
    assert "10.20.0.0/16 -> peering:NAME to route table private of VPC finance" in out
    assert "10.10.0.0/16 -> peering:NAME to route table private of VPC hr" in out


def test_overlapping_vpcs_get_no_peering_fix(runner: CliRunner, tmp_path: Path) -> None:
    text = (ROOT / SHARED).read_text(encoding="utf-8")
    # finance gains a block that overlaps hr's: AWS refuses to peer them.
    text = text.replace("  finance:\n", "  finance:\n    secondary_cidrs: [10.20.128.0/17]\n", 1)
    path = tmp_path / "overlap.yaml"
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
            "400",
        ],
    )
    assert result.exit_code == 1, result.stdout
    assert "peer VPCs" not in result.stdout
    assert (
        "fix: none that keeps the addresses: VPCs finance and hr overlap (10.20.128.0/17 with "
        "10.20.0.0/16), so neither a peering nor a transit gateway can connect them"
    ) in result.stdout


def test_peered_but_unrouted_vpcs_get_the_missing_routes(runner: CliRunner, tmp_path: Path) -> None:
    text = (ROOT / SHARED).read_text(encoding="utf-8")
    text = text.replace(
        "  shared-hr:          {requester: shared, accepter: hr,          dns_resolution: true}",
        "  shared-hr:          {requester: shared, accepter: hr,          dns_resolution: true}\n"
        "  finance-hr:         {requester: finance, accepter: hr}",
    )
    path = tmp_path / "peered.yaml"
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
            "400",
        ],
    )
    assert result.exit_code == 1, result.stdout
    assert "are not peered" not in result.stdout
    assert (
        "fix: add a route 10.20.0.0/16 -> peering:finance-hr to route table private of VPC "
        "finance, and 10.10.0.0/16 -> peering:finance-hr to route table private of VPC hr"
    ) in result.stdout


# -- 3. fixes that are right ----------------------------------------------------------------


def test_a_fix_toward_the_internet_names_0_0_0_0_not_an_invented_address(
    runner: CliRunner,
) -> None:
    result = runner.invoke(app, ["reach", THREE_TIER, "web", "internet", "--port", "22"])
    assert result.exit_code == 1
    assert "fix: add an egress rule to web allowing tcp 22 to 0.0.0.0/0" in result.stdout
    assert "203.0.113" not in result.stdout
    result = runner.invoke(app, ["reach", THREE_TIER, "web", "198.51.100.0/24", "--port", "22"])
    assert "fix: add an egress rule to web allowing tcp 22 to 198.51.100.0/24" in result.stdout


def test_an_intent_expecting_unreachable_gets_no_fix(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", INSPECTION, "internet", "orders", "--port", "443"])
    assert result.exit_code == 0  # the answer the file wants
    lines = result.stdout.splitlines()
    assert lines[1].startswith("matches the file's intent (expect: unreachable): nothing to fix")
    assert f"[{INSPECTION}:150:5]" in lines[1]
    assert "fix:" not in result.stdout
    data = json.loads(
        runner.invoke(app, ["reach", INSPECTION, "internet", "orders", "-f", "json"]).stdout
    )
    assert data["intent"]["expect"] == "unreachable" and data["intent"]["holds"] is True
    assert data["forward"]["dropped"]["fix"] == ""


def test_without_the_intent_the_fix_names_every_missing_piece(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _without_intents(tmp_path, INSPECTION)
    result = runner.invoke(
        app, ["reach", path, "internet", "orders", "--port", "443", "--width", "400"]
    )
    assert result.exit_code == 1
    fix = next(line for line in result.stdout.splitlines() if "fix:" in line)
    assert "set internet_gateway: true on VPC orders" in fix
    assert "give group orders a public IP (public_ip: true)" in fix
    assert "route 0.0.0.0/0 -> igw for the reply in route table spoke of VPC orders" in fix
    # Group app allows 443 from 10.0.0.0/8 only.
    assert "add an ingress rule to app allowing tcp 443 from 0.0.0.0/0" in fix


# -- 4. unknown places, help, route tables of one name ---------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("ordersdb", '(did you mean "orders-db"?)'),
        ("internt", '(did you mean "internet"?)'),
        ("subnet:dba", '"subnet:dba" is not a subnet of the file (did you mean "db-a"?)'),
        ("subnett:db-a", '"subnett" is not a kind of place'),
        ("db", '"db" is a security group of VPC shop: name what uses it (host orders-db)'),
    ],
)
def test_an_unknown_place_gets_a_suggestion(runner: CliRunner, written: str, expected: str) -> None:
    result = runner.invoke(app, ["reach", THREE_TIER, "web", written])
    assert result.exit_code == 2
    assert "TO: " in result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_help_lists_the_kinds_of_places(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.stdout.split())
    for kind in (
        "subnet",
        "scaling group",
        "host",
        "interface endpoint",
        "ECS service",
        "Lambda function",
        "VPC",
        "on-premises network",
        "address or block",
        "'internet'",
        "service:NAME",
        "function:NAME",
        "on-premises:NAME",
    ):
        assert kind in text, kind


def test_a_route_table_name_two_vpcs_use_says_which_vpc(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", INSPECTION, "orders", "payments", "--port", "443"])
    assert "route table spoke of VPC orders:" in result.stdout
    assert "route table spoke of VPC payments:" in result.stdout
    # A name only one VPC uses stays short.
    result = runner.invoke(app, ["reach", THREE_TIER, "app", "orders-db", "--port", "5432"])
    assert "route table private-a: 10.0.0.0/16 -> local" in result.stdout


# -- 5. each fact once ------------------------------------------------------------------------


def test_depends_on_lines_do_not_repeat(runner: CliRunner) -> None:
    for arguments in (
        [THREE_TIER, "public-a", "db-a"],
        [THREE_TIER, "10.0.2.5", "10.0.4.10", "--port", "5432"],
        [SHARED, "shared-private-a", "finance-private-a"],
    ):
        result = runner.invoke(app, ["reach", *arguments])
        for leg in result.stdout.split("\nreturn:"):
            depends = [line for line in leg.splitlines() if "depends on:" in line]
            assert len(depends) == len(set(depends)), result.stdout


def test_a_nat_gateway_whose_table_routes_to_the_peer_is_followed(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A private subnet's default route to a NAT gateway whose own table sends the other VPC's
    block over a peering: the packet gets there (translated), so no "not peered" is said."""
    text = (ROOT / SHARED).read_text(encoding="utf-8")
    text = text.replace(
        "          0.0.0.0/0: igw\n          10.0.0.0/16: peering:shared-finance\n",
        "          0.0.0.0/0: igw\n          10.0.0.0/16: peering:shared-finance\n"
        "          10.20.0.0/16: peering:finance-hr\n",
        1,
    )
    text = text.replace(
        "          0.0.0.0/0: nat:hr-public-a",
        "          10.10.0.0/16: peering:finance-hr\n          0.0.0.0/0: nat:hr-public-a",
        1,
    )
    text = text.replace(
        "  shared-hr:          {requester: shared, accepter: hr,          dns_resolution: true}",
        "  shared-hr:          {requester: shared, accepter: hr,          dns_resolution: true}\n"
        "  finance-hr:         {requester: finance, accepter: hr}",
    )
    path = tmp_path / "nat-peering.yaml"
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
            "400",
        ],
    )
    assert "not peered" not in result.stdout
    assert "NAT gateway in subnet finance-public-a translates the source" in result.stdout
    assert "peering finance-hr to VPC hr" in result.stdout
