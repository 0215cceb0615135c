"""peering-plan's data transfer comparison: --traffic-gb-month per link class, the shipped
price table (sourced, dated, unconfirmed amounts said), exact totals in text, JSON and
Markdown, and a brute-force check of the totals against the table on random traffic."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from archplan.engine import load_architecture
from archplan.plan import PlanFormat
from archplan.plan.mesh import DEFAULT_PER_GB, plan
from archplan.plan.mesh.transfer import (
    LinkClass,
    Traffic,
    TrafficError,
    parse_traffic,
    shipped,
)
from archplan.reports.peering_plan import RENDERERS
from archplan.source import Source
from tests.conftest import ROOT

MESH = "examples/three-vpc-mesh.yaml"
INTER_REGION = "examples/inter-region-peering.yaml"
CLASSES = "intra-az=100,cross-az=500,inter-region=40"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    return CliRunner()


def _plan(path: str, traffic: Traffic | None):  # type: ignore[no-untyped-def]
    text = (ROOT / path).read_text("utf-8")
    return plan(load_architecture(Source(path, text)).architecture, None, traffic)


def test_the_option_takes_classes_or_a_bare_cross_az_number() -> None:
    assert parse_traffic("250.5") == Traffic(((LinkClass.CROSS_AZ, Decimal("250.5")),))
    assert parse_traffic(" Inter-Region = 4 , intra-az=1e3") == Traffic(
        ((LinkClass.INTER_REGION, Decimal(4)), (LinkClass.INTRA_AZ, Decimal("1e3")))
    )
    for bad, said in (
        ("cross-az=1,cross-az=2", "given twice"),
        ("cross=1", "not a link class"),
        ("cross-az", "not a number"),
        ("cross-az=1,500", "not CLASS=GB"),
        ("cross-az=-1", "not a number"),
        ("inter-region=nan", "not a number"),
        ("intra-az=1e13", "not a number"),
        ("intra-az=0.0000001", "not a number"),
    ):
        with pytest.raises(TrafficError, match=said):
            parse_traffic(bad)


def test_bad_classes_are_usage_errors(runner: CliRunner) -> None:
    for bad in ("cross=1", "cross-az=1,cross-az=1", "intra-az=x"):
        result = runner.invoke(app, ["peering-plan", MESH, "--traffic-gb-month", bad])
        assert result.exit_code == 2, bad
        assert "--traffic-gb-month" in result.stderr and "Traceback" not in result.output


def test_the_price_table_is_sourced_dated_and_says_what_is_unconfirmed() -> None:
    table = shipped()
    assert table.region == "us-east-1" and len(table.read) == 10
    raw = json.loads((ROOT / "archplan/data/data-transfer-us-east-1.json").read_text("utf-8"))
    assert set(raw["prices"]) == {name for name, _ in table.sources()}
    for _, price in table.sources():
        assert price.title and price.url.startswith("https://")
        assert "amazon" in price.url or "aws" in price.url  # AWS's own pages
        if not price.confirmed:
            assert "not confirmed" in price.note
    assert table.peering_same_az.confirmed and table.peering_same_az.usd == 0
    # One fact, one value: the table's processing price is archplan's default per_gb.
    assert table.transit_gateway_processing.usd == DEFAULT_PER_GB


def test_the_three_vpc_example_totals_exactly(runner: CliRunner) -> None:
    (mesh,) = _plan(MESH, parse_traffic(CLASSES)).meshes
    option = mesh.transit_gateway
    transfer = option.transfer
    assert transfer is not None
    # Peering: same AZ free; cross-AZ $0.01 out + $0.01 in; inter-Region $0.02 out.
    assert transfer.peering_total == Decimal("500") * Decimal("0.02") + 40 * Decimal("0.02")
    assert transfer.peering_total == Decimal("10.80")
    # Transit gateway: $0.02 processing on all 640 GB, + $0.02 inter-Region on 40 GB.
    assert transfer.transit_gateway_total == Decimal("13.60") == option.data_cost
    assert option.attachment_cost == Decimal("109.50")
    assert option.monthly_cost == Decimal("123.10")
    result = runner.invoke(app, ["peering-plan", MESH, "-f", "json", "--traffic-gb-month", CLASSES])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["meshes"][0]["data_transfer"]
    assert data["traffic_gb_month"] == {"intra-az": "100", "cross-az": "500", "inter-region": "40"}
    assert data["per_month"] == {
        "peering": "10.80",
        "transit_gateway_data": "13.60",
        "transit_gateway_attachments": "109.50",
        "transit_gateway": "123.10",
    }
    assert data["cheaper"] == "peering"
    assert [line["peering"]["per_gb"] for line in data["classes"]] == ["0.00", "0.02", "0.02"]
    assert [line["transit_gateway"]["per_gb"] for line in data["classes"]] == [
        "0.02", "0.02", "0.04",
    ]  # fmt: skip
    text = runner.invoke(app, ["peering-plan", MESH, "--traffic-gb-month", CLASSES]).stdout
    joined = " ".join(text.split())
    assert "totals per month: peering $10.80" in joined
    assert (
        "transit gateway $123.10 (attachments $109.50 + data $13.60): peering costs less" in joined
    )
    assert "not confirmed on an AWS page" in joined
    markdown = runner.invoke(
        app, ["peering-plan", MESH, "-f", "markdown", "--traffic-gb-month", CLASSES]
    ).stdout
    assert "| **total** | **$10.80** | **$123.10** |" in markdown
    assert "(https://aws.amazon.com/transit-gateway/pricing/)" in markdown


def test_without_traffic_nothing_is_priced_and_the_json_says_null(runner: CliRunner) -> None:
    result = runner.invoke(app, ["peering-plan", INTER_REGION, "-f", "json"])
    assert json.loads(result.stdout)["meshes"][0]["data_transfer"] is None
    text = runner.invoke(app, ["peering-plan", INTER_REGION]).stdout
    assert "give --traffic-gb-month" in " ".join(text.split())


def test_a_bare_number_keeps_its_old_meaning(runner: CliRunner) -> None:
    """A bare number was GB processed by the transit gateway; it is now cross-AZ traffic,
    whose transit gateway cost is the same processing charge."""
    (bare,) = _plan(MESH, parse_traffic("250.5")).meshes
    assert bare.transit_gateway.data_cost == Decimal("250.5") * DEFAULT_PER_GB
    assert bare.transit_gateway.traffic_gb_month == Decimal("250.5")
    (old,) = _plan(MESH, None).meshes
    assert old.transit_gateway.transfer is None


def test_random_traffic_totals_match_the_table() -> None:
    """Brute force: each class's cost from the table's prices, written out separately."""
    table = shipped()
    rng = random.Random(8)
    architecture = load_architecture(Source(MESH, (ROOT / MESH).read_text("utf-8"))).architecture
    for _ in range(200):
        classes = rng.sample(list(LinkClass), rng.randint(1, 3))
        traffic = Traffic(
            tuple(
                (link_class, Decimal(rng.randint(0, 10**9)).scaleb(-rng.randint(0, 6)))
                for link_class in classes
            )
        )
        (mesh,) = plan(architecture, None, traffic).meshes
        transfer = mesh.transit_gateway.transfer
        assert transfer is not None
        peering = tgw = Decimal(0)
        for link_class, gb in traffic.gb:
            if link_class is LinkClass.INTRA_AZ:
                tgw += gb * table.transit_gateway_processing.usd
            elif link_class is LinkClass.CROSS_AZ:
                peering += gb * table.peering_cross_az_each_direction.usd * 2
                tgw += gb * table.transit_gateway_processing.usd
            else:
                peering += gb * table.inter_region_out.usd
                tgw += gb * (table.transit_gateway_processing.usd + table.inter_region_out.usd)
        assert transfer.peering_total == peering
        assert transfer.transit_gateway_total == tgw
        assert mesh.transit_gateway.monthly_cost == mesh.transit_gateway.attachment_cost + tgw


def test_every_format_is_byte_identical_run_to_run(runner: CliRunner) -> None:
    assert set(RENDERERS) == set(PlanFormat)
    for form in PlanFormat:
        args = ["peering-plan", INTER_REGION, "-f", form.value, "--traffic-gb-month", CLASSES]
        first, second = runner.invoke(app, args), runner.invoke(app, args)
        assert first.exit_code == 0 and first.stdout == second.stdout, form


def test_markdown_is_not_for_every_link(runner: CliRunner) -> None:
    result = runner.invoke(app, ["peering-plan", MESH, "-f", "markdown", "--all"])
    assert result.exit_code == 2 and "--all" in result.stderr


def test_names_are_escaped_in_markdown(runner: CliRunner, tmp_path: Path) -> None:
    text = (
        "archplan: 1\ndefaults: {region: us-east-1}\n"
        "vpcs:\n  a: {cidr: 10.0.0.0/16}\n  b: {cidr: 10.1.0.0/16}\n"
        'meshes:\n  "x|`y\\u001b": [a, b]\n'
    )
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["peering-plan", str(path), "-f", "markdown"])
    assert "\x1b" not in result.stdout
    assert "## Mesh `x\\|'y\\x1b`" in result.stdout
