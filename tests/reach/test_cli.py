"""`archplan reach` as a user runs it: the paths AWS's documentation says work and fail on
the shipped three-tier and inspection examples, exit codes, JSON, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

THREE_TIER = "examples/three-tier.yaml"
INSPECTION = "examples/inspection.yaml"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(variable, raising=False)
    return CliRunner()


def test_the_internet_reaches_the_web_tier_and_the_reply_returns(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", THREE_TIER, "internet", "web", "--port", "443"])
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "internet -> group web (tcp port 443): reachable"
    assert "network ACL public ingress rule 110 allow (subnet public-a)" in result.stdout
    assert "security group web ingress tcp 443 0.0.0.0/0" in result.stdout
    # The reply leaves by the public ACL's ephemeral-port rule, AWS's recommended rule 140.
    assert "network ACL public egress rule 140 allow (subnet public-a)" in result.stdout
    assert f"[{THREE_TIER}:" in result.stdout


def test_the_database_tier_is_private(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", THREE_TIER, "internet", "orders-db", "--port", "5432"])
    # The file's intent expects exactly this (internet -> orders-db: unreachable): success.
    assert result.exit_code == 0
    assert "NOT reachable" in result.stdout
    assert "the destination has no public IP address" in result.stdout


def test_a_blocking_group_is_named_with_its_place_and_the_fix(runner: CliRunner) -> None:
    # Port 5433: no intent of the file speaks for it, so the fix is shown.
    result = runner.invoke(app, ["reach", THREE_TIER, "web", "orders-db", "--port", "5433"])
    assert result.exit_code == 1
    assert "dropped: no egress rule of security group(s) web matches" in result.stdout
    assert "fix: add an egress rule to web allowing tcp 5433 to sg:db" in result.stdout


def test_egress_through_the_nat_gateway_and_back(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", THREE_TIER, "app", "internet", "--port", "443"])
    assert result.exit_code == 0
    assert "NAT gateway in subnet public-a translates the source" in result.stdout
    assert "NAT gateway in subnet public-a translates the reply back" in result.stdout


def test_json_names_every_hop_with_its_location(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["reach", INSPECTION, "orders", "payments", "--port", "443", "-f", "json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["verdict"] == "reachable"
    components = [hop["component"] for hop in data["forward"]["hops"]]
    assert any("firewall endpoint fw-a" in text for text in components)
    assert all(
        hop["location"] is None or hop["location"]["file"] == INSPECTION
        for hop in data["forward"]["hops"]
    )


def test_without_appliance_mode_the_reply_is_dropped_by_the_other_firewall(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = (ROOT / INSPECTION).read_text(encoding="utf-8")
    path = tmp_path / "asymmetric.yaml"
    path.write_text(text.replace("appliance_mode: true", "appliance_mode: false"), "utf-8")
    # orders-app-a -> payments-app-b crosses zones: the reply enters in the other zone.
    result = runner.invoke(app, ["reach", str(path), "orders", "payments", "--port", "443"])
    assert result.exit_code == 1
    assert "asymmetric routing" in result.stdout
    assert "enable appliance_mode" in result.stdout


def test_a_name_that_names_nothing_is_an_input_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", THREE_TIER, "wbe", "internet"])
    assert result.exit_code == 2
    assert 'FROM: "wbe" is not a subnet' in result.stderr
    assert 'did you mean "web"?' in result.stderr


def test_a_bad_protocol_is_an_input_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", THREE_TIER, "web", "app", "--protocol", "tcpp"])
    assert result.exit_code == 2
    assert "--protocol" in result.stderr


def test_an_unreadable_file_is_an_input_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("archplan: 1\nvpcs: [\n", encoding="utf-8")
    result = runner.invoke(app, ["reach", str(path), "a", "b"])
    assert result.exit_code == 2
    assert "bad.yaml:" in result.stderr
