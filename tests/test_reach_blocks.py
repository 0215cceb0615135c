"""`reach` given a block that is not one place says what the block is and how to name a place
(review5 F32), instead of calling a VPC's own block "inside VPC ... but in none of its subnets"."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

FILE = "examples/three-tier.yaml"
HOW = "reach traces from or to one place; name a subnet, a host or an address inside one subnet"


@pytest.mark.parametrize(
    "block, what",
    [
        ("10.0.0.0/16", 'is the block of VPC "shop" (6 subnets)'),
        ("10.0.0.0/8", 'covers VPC "shop" (6 subnets)'),
        ("10.0.0.0/22", 'spans 4 subnets of VPC "shop" (public-a, public-b, app-a, app-b)'),
        ("10.0.4.0/23", 'spans 2 subnets of VPC "shop" (db-a, db-b)'),
    ],
)
def test_a_block_that_is_not_one_place_says_what_it_is(
    monkeypatch: pytest.MonkeyPatch, block: str, what: str
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["reach", FILE, "web", block, "--port", "443"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"{FILE}: error: TO: {block} {what}: {HOW}, or vpc:shop for the whole VPC\n"
    )


def test_a_block_in_a_gap_between_subnets_is_still_said_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["reach", FILE, "10.0.200.0/24", "web", "--port", "443"])
    assert result.exit_code == 2
    assert 'FROM: 10.0.200.0/24 is inside VPC "shop" but in none of its subnets' in result.stderr


def test_a_block_inside_one_subnet_is_traced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["reach", FILE, "web", "10.0.3.0/24", "--port", "443"])
    assert result.exit_code in (0, 1) and result.stdout.startswith("group web -> 10.0.3.0/24")
