"""`archplan peering-plan`: mesh arithmetic against enumeration, examples, exit codes, reports, emit."""

from __future__ import annotations

import functools
import ipaddress
import itertools
import json
import os
import random
import subprocess
import sys
import textwrap
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from archplan.cli import app
from archplan.engine import load_architecture, validate_source
from archplan.plan import PlanFormat
from archplan.plan.emit import emit_yaml
from archplan.plan.mesh import (
    DEFAULT_ATTACHMENT_HOUR,
    DEFAULT_PER_GB,
    PAIR_BY_PAIR_UP_TO,
    Choice,
    MeshPlan,
    Plan,
    UnknownMesh,
    iter_missing,
    largest_mesh,
    links_needed,
    plan,
)
from archplan.plan.mesh import planner as mesh_module
from archplan.reports.peering_plan import RENDERERS, money
from archplan.source import Source
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
ESTATE = "tests/golden/peering-plan-estate.yaml"
STATUSES = [
    "active", "pending-acceptance", "provisioning", "rejected", "expired", "failed", "deleted",
]  # fmt: skip
DEAD = {"rejected", "expired", "failed", "deleted"}


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return CliRunner()


def _plan_text(text: str, mesh: str | None = None, traffic: Decimal | None = None) -> Plan:
    return plan(load_architecture(Source("test.yaml", text)).architecture, mesh, traffic)


def _as_mesh(text: str) -> str:
    """`text` with every VPC declared as one mesh, "all": without `meshes:` a file whose VPCs
    already connect (peerings other than a full mesh, a transit gateway) gets no mesh planned."""
    names = list(load_architecture(Source("t", text)).architecture.vpcs)
    return text + "meshes:\n  all: [" + ", ".join(names) + "]\n"


def _write(tmp_path: Path, text: str, name: str = "plan.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- arithmetic against enumeration ---------------------------------------------------------


def test_links_needed_is_the_number_of_unordered_pairs() -> None:
    for n in range(61):
        assert links_needed(n) == len(list(itertools.combinations(range(n), 2)))


def test_largest_mesh_matches_enumerated_degrees() -> None:
    # The degree of every member of a full mesh of k VPCs, counted pair by pair.
    degree = {}
    for k in range(1, 131):
        counts: Counter[int] = Counter()
        for first, second in itertools.combinations(range(k), 2):
            counts[first] += 1
            counts[second] += 1
        degree[k] = max(counts.values(), default=0)
    for quota in range(0, 126):
        enumerated = max(k for k in degree if degree[k] <= quota)
        assert largest_mesh(quota) == enumerated
    assert largest_mesh(50) == 51 and largest_mesh(125) == 126  # the reference's numbers


def _random_estate(n: int, choice: random.Random) -> tuple[str, dict[str, Any]]:
    """A file with a mesh of n VPCs among a few outsiders, and the facts to enumerate."""
    total = n + 3
    names = [f"vpc{index:02d}" for index in range(total)]
    choice.shuffle(names)
    members = names[:n]
    blocks: dict[str, list[str]] = {}
    vpcs: dict[str, Any] = {}
    for index, name in enumerate(names):
        # In every third estate some VPCs reuse an earlier VPC's block, so some pairs overlap.
        if index and n % 3 == 0 and choice.random() < 0.12:
            cidr = blocks[choice.choice(names[:index])][0]
        else:
            cidr = f"10.{index}.0.0/16"
        own = [cidr]
        body: dict[str, Any] = {"cidr": cidr}
        if choice.random() < 0.3:
            body["secondary_cidrs"] = [f"100.64.{index}.0/24"]
            own.append(f"100.64.{index}.0/24")
        if choice.random() < 0.4:
            body["ipv6_cidrs"] = [f"2600:1f18:{index:x}00::/56"]
            own.append(f"2600:1f18:{index:x}00::/56")
        if choice.random() < 0.5:
            body["route_tables"] = {"rt": {"routes": {"0.0.0.0/0": "vgw", "::/0": "vgw"}}}
        blocks[name] = own
        vpcs[name] = body
    peerings: dict[str, Any] = {}
    for first, second in itertools.combinations(names, 2):
        if choice.random() < 0.45:
            ends = [first, second]
            choice.shuffle(ends)
            status = choice.choice(STATUSES)
            peerings[f"p-{first}-{second}"] = {
                "requester": ends[0],
                "accepter": ends[1],
                "status": status,
            }
    quotas = {
        "active_peerings_per_vpc": choice.randint(1, 70),
        "routes_per_route_table": choice.randint(1, 120),
    }
    document = {
        "archplan": 1,
        "defaults": {"region": "us-east-1"},
        "quotas": quotas,
        "vpcs": vpcs,
        "peerings": peerings,
        "meshes": {"m": members},
    }
    facts = {
        "members": members,
        "blocks": blocks,
        "peerings": peerings,
        "quotas": quotas,
        "tables": {name: "rt" in vpcs[name].get("route_tables", {}) for name in names},
    }
    return yaml.safe_dump(document, sort_keys=False), facts


@functools.cache
def _blocks_overlap(one: str, other: str) -> bool:
    first, second = ipaddress.ip_network(one), ipaddress.ip_network(other)
    return first.version == second.version and first.overlaps(second)  # type: ignore[arg-type]


def _overlap(first: list[str], second: list[str]) -> bool:
    return any(_blocks_overlap(one, other) for one in first for other in second)


@pytest.mark.parametrize("n", range(1, 61))
@pytest.mark.parametrize("pair_by_pair_up_to", [PAIR_BY_PAIR_UP_TO, 0])
def test_mesh_arithmetic_against_enumeration(
    n: int, pair_by_pair_up_to: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the threshold at 0, every mesh beyond the quotas is planned per VPC.
    monkeypatch.setattr(mesh_module, "PAIR_BY_PAIR_UP_TO", pair_by_pair_up_to)
    text, facts = _random_estate(n, random.Random(n))
    mesh = _plan_text(text).meshes[0]
    members, blocks, peerings = facts["members"], facts["blocks"], facts["peerings"]
    pairs = [frozenset(pair) for pair in itertools.combinations(members, 2)]
    live = [p for p in peerings.values() if p["status"] not in DEAD]
    present = {
        pair
        for pair in pairs
        if not _overlap(*(blocks[name] for name in pair))
        and any({p["requester"], p["accepter"]} == pair for p in live)
    }
    missing = set(pairs) - present
    impossible = {pair for pair in missing if _overlap(*(blocks[name] for name in pair))}

    assert mesh.n == n
    assert mesh.needed == len(pairs) == n * (n - 1) // 2
    assert {frozenset((link.first, link.second)) for link in mesh.present} == present
    assert {frozenset((link.first, link.second)) for link in mesh.impossible} == impossible
    assert mesh.missing_count == len(missing)
    assert mesh.to_create_count == len(missing - impossible)
    # Beyond what the quotas allow, the plan is per VPC: no pair listed but the impossible.
    assert mesh.per_vpc_only == (n > mesh.largest_mesh.vpcs and n > pair_by_pair_up_to)
    if mesh.per_vpc_only:
        listed = impossible
        architecture = load_architecture(Source("test.yaml", text)).architecture
        streamed = list(iter_missing(architecture, mesh))
        assert {frozenset((link.first, link.second)) for link in streamed} == missing
        assert len(streamed) == len(missing)
    else:
        listed = missing
    assert {frozenset((link.first, link.second)) for link in mesh.missing} == listed

    peering_quota = facts["quotas"]["active_peerings_per_vpc"]
    route_quota = facts["quotas"]["routes_per_route_table"]
    over = bool(impossible)
    for vpc in mesh.per_vpc:
        name = vpc.name
        now = sum(1 for p in live if name in (p["requester"], p["accepter"]))
        created = sum(1 for pair in missing - impossible if name in pair)
        assert (vpc.peerings_now, vpc.peerings_added) == (now, created)
        assert vpc.peerings_after == now + created
        assert vpc.over_quota == (now + created > peering_quota)
        over |= vpc.over_quota
        if mesh.per_vpc_only:
            assert vpc.tables == ()  # no route table is planned for a mesh that cannot be
            continue
        # Every peer reachable after completion, each block routed once per table.
        peers = [other for pair in present | (missing - impossible) if name in pair
                 for other in pair if other != name]  # fmt: skip
        has_ipv6 = any(":" in block for block in blocks[name])
        # After completion: one route per distinct peer block (identical peers share one).
        routed = {block for peer in peers for block in blocks[peer] if ":" not in block or has_ipv6}
        want4 = sum(1 for block in routed if ":" not in block)
        want6 = sum(1 for block in routed if ":" in block)
        existing = 1 if facts["tables"][name] else 0
        if not facts["tables"][name] and not peers:
            assert vpc.tables == ()
            continue
        (table,) = vpc.tables
        assert table.new == (not facts["tables"][name])
        assert (table.ipv4.now, table.ipv4.after) == (existing, existing + want4)
        assert (table.ipv6.now, table.ipv6.after) == (existing, existing + want6)
        assert table.over_quota == (max(existing + want4, existing + want6) > route_quota)
        over |= table.over_quota
    assert mesh.can_complete == (not over and not mesh.per_vpc_only)
    assert mesh.largest_mesh.by_peerings == peering_quota + 1
    assert mesh.transit_gateway.attachments == n
    assert mesh.transit_gateway.route_entries == sum(len(blocks[name]) for name in members)


# -- examples and scenarios -----------------------------------------------------------------


def test_three_vpc_mesh_is_complete(runner: CliRunner) -> None:
    result = runner.invoke(app, ["peering-plan", "examples/three-vpc-mesh.yaml", "-f", "json"])
    assert result.exit_code == 0, result.output
    (mesh,) = json.loads(result.stdout)["meshes"]
    assert mesh["name"] == "core" and mesh["declared"] is True
    assert mesh["links"] == {"needed": 3, "present": 3, "missing": 0, "impossible": 0}
    assert mesh["complete"] is True and mesh["can_complete"] is True
    assert all(
        table["routes_to_add"] == [] for vpc in mesh["per_vpc"] for table in vpc["route_tables"]
    )


def test_shared_services_as_one_mesh_is_incomplete(runner: CliRunner, tmp_path: Path) -> None:
    # Declared: without `meshes:` the hub and spoke is a design, not a mesh (test_peering_safety).
    text = Path("examples/shared-services.yaml").read_text(encoding="utf-8")
    text += "\nmeshes:\n  all: [shared, finance, hr, engineering]\n"
    result = runner.invoke(app, ["peering-plan", _write(tmp_path, text), "-f", "json"])
    assert result.exit_code == 0, result.output
    (mesh,) = json.loads(result.stdout)["meshes"]
    assert mesh["declared"] is True and mesh["n"] == 4
    assert mesh["links"] == {"needed": 6, "present": 3, "missing": 3, "impossible": 0}
    assert mesh["complete"] is False and mesh["can_complete"] is True
    assert [link["vpcs"] for link in mesh["missing"]] == [
        ["finance", "hr"], ["finance", "engineering"], ["hr", "engineering"],
    ]  # fmt: skip


OVERLAPPING = """archplan: 1
defaults: {region: us-east-1}
vpcs:
  a: {cidr: 10.0.0.0/16}
  b: {cidr: 10.0.128.0/17, secondary_cidrs: [100.64.0.0/24]}
  c: {cidr: 10.2.0.0/16, secondary_cidrs: [100.64.0.0/26]}
"""


def test_overlapping_vpcs_make_an_impossible_link_and_exit_one(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["peering-plan", _write(tmp_path, OVERLAPPING), "-f", "json"])
    assert result.exit_code == 1
    mesh = json.loads(result.stdout)["meshes"][0]
    assert mesh["links"] == {"needed": 3, "present": 0, "missing": 1, "impossible": 2}
    impossible = {
        tuple(link["vpcs"]): link["overlaps"] for link in mesh["missing"] if not link["possible"]
    }
    assert impossible == {
        ("a", "b"): [{"first": "10.0.0.0/16", "second": "10.0.128.0/17"}],
        ("b", "c"): [{"first": "100.64.0.0/24", "second": "100.64.0.0/26"}],
    }
    assert mesh["recommendation"]["choice"] == "readdress"
    text = runner.invoke(app, ["peering-plan", _write(tmp_path, OVERLAPPING)])
    assert "a - b: 10.0.0.0/16 with 10.0.128.0/17" in text.stdout
    assert text.exit_code == 1


def test_an_active_peering_between_overlapping_vpcs_is_not_present() -> None:
    # AWS puts such a peering in `failed` whatever the file says.
    text = _as_mesh(OVERLAPPING + "peerings:\n  a-b: {requester: a, accepter: b}\n")
    mesh = _plan_text(text).meshes[0]
    (link,) = [link for link in mesh.impossible if link.first == "a"]
    assert link.peering == "a-b" and not mesh.present


MESH_OF_THREE = """archplan: 1
defaults: {region: us-east-1}
quotas: {QUOTAS}
vpcs:
  a: {cidr: 10.0.0.0/16, route_tables: {rt: {routes: {0.0.0.0/0: vgw}}}}
  b: {cidr: 10.1.0.0/16}
  c: {cidr: 10.2.0.0/16}
  outside: {cidr: 10.3.0.0/16}
peerings:
  a-outside: {requester: a, accepter: outside}
meshes:
  abc: [a, b, c]
"""


@pytest.mark.parametrize(
    ("quotas", "exit_code", "blocker"),
    [
        ("{}", 0, None),
        ("{active_peerings_per_vpc: 2}", 1, 'VPC "a" would have 3 active peerings'),
        ("{routes_per_route_table: 2}", 1, 'route table "rt" of VPC "a" would have 3 IPv4'),
    ],
)
def test_quota_overflow_exits_one(
    runner: CliRunner, tmp_path: Path, quotas: str, exit_code: int, blocker: str | None
) -> None:
    path = _write(tmp_path, MESH_OF_THREE.replace("{QUOTAS}", quotas))
    result = runner.invoke(app, ["peering-plan", path, "-f", "json"])
    assert result.exit_code == exit_code, result.output
    mesh = json.loads(result.stdout)["meshes"][0]
    a = mesh["per_vpc"][0]
    # a's peering outside the mesh counts against its quota too.
    assert a["peerings"] == {
        "now": 1, "added": 2, "after": 3, "quota": a["peerings"]["quota"],
        "over_quota": blocker is not None and "peerings" in blocker,
    }  # fmt: skip
    assert a["route_tables"][0]["ipv4"] == {"now": 1, "added": 2, "after": 3}
    if blocker is None:
        assert mesh["blockers"] == [] and mesh["can_complete"] is True
    else:
        assert any(line.startswith(blocker) for line in mesh["blockers"]), mesh["blockers"]
        assert mesh["recommendation"]["choice"] == "transit-gateway"


def test_mesh_selection(runner: CliRunner) -> None:
    every = json.loads(runner.invoke(app, ["peering-plan", ESTATE, "-f", "json"]).stdout)
    assert [mesh["name"] for mesh in every["meshes"]] == ["core", "old"]
    result = runner.invoke(app, ["peering-plan", ESTATE, "--mesh", "core", "-f", "json"])
    assert result.exit_code == 0  # "old" cannot be completed, but it is not planned
    assert [mesh["name"] for mesh in json.loads(result.stdout)["meshes"]] == ["core"]
    assert runner.invoke(app, ["peering-plan", ESTATE, "--mesh", "old"]).exit_code == 1


def test_unknown_mesh_is_a_usage_error_naming_the_meshes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["peering-plan", ESTATE, "--mesh", "cor"])
    assert result.exit_code == 2
    assert 'no mesh "cor"; the file declares "core", "old"' in result.stderr
    result = runner.invoke(app, ["peering-plan", "examples/shared-services.yaml", "--mesh", "x"])
    assert result.exit_code == 2
    assert "declares no meshes" in result.stderr
    with pytest.raises(UnknownMesh):
        _plan_text("archplan: 1\n", "x")


def test_unknown_mesh_member_is_reported_and_blocks() -> None:
    mesh = _plan_text(MESH_OF_THREE.replace("{QUOTAS}", "{}").replace("[a, b, c]", "[a, b, zz]"))
    (only,) = mesh.meshes
    assert only.vpcs == ("a", "b") and only.unknown == ("zz",)
    assert only.blockers == ('VPC "zz" is listed in the mesh but does not exist',)


def test_input_errors_exit_two_like_validate(runner: CliRunner, tmp_path: Path) -> None:
    bad = _write(tmp_path, "archplan: 1\nvpcs: {a: [1, 2\n")
    result = runner.invoke(app, ["peering-plan", bad])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:2:11: error: YAML syntax error")
    missing = str(tmp_path / "nope.yaml")
    result = runner.invoke(app, ["peering-plan", missing])
    assert result.exit_code == 2 and result.stderr == f"{missing}: error: no such file\n"
    result = runner.invoke(app, ["peering-plan", "-"], input="- a list\n")
    assert result.exit_code == 2 and result.stderr.startswith("<stdin>:1:1: error:")
    assert runner.invoke(app, ["peering-plan", ESTATE, "--format", "xml"]).exit_code == 2


def test_findings_of_validate_do_not_stop_the_plan(runner: CliRunner, tmp_path: Path) -> None:
    # Warnings and a Region left out are findings the plan does not rest on.
    text = "archplan: 1\nvpcs:\n  a: {cidr: 10.0.0.1/16}\n  b: {cidr: 10.1.0.0/16}\n"
    assert validate_source(Source("x", text)).findings  # no region, host bits
    result = runner.invoke(app, ["peering-plan", _write(tmp_path, text), "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["meshes"][0]["links"]["missing"] == 1
    # A value the model rejected is: an unknown key may be a misspelt `cidr` (review5 F15b).
    text = text.replace("10.0.0.1/16}", "10.0.0.1/16, colour: blue}")
    result = runner.invoke(app, ["peering-plan", _write(tmp_path, text), "-f", "json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert ':3:26: error: unknown key "colour"' in result.stderr


# -- transit gateway cost and recommendation ------------------------------------------------


def test_transit_gateway_cost_uses_file_prices_exactly() -> None:
    (core, _) = _plan_text(Path(ROOT / ESTATE).read_text(), traffic=Decimal("250.5")).meshes
    option = core.transit_gateway
    assert option.prices.attachment_hour_from_file and option.prices.per_gb_from_file
    assert option.attachment_cost == Decimal("4") * Decimal("0.06") * 730 == Decimal("175.2")
    assert option.data_cost == Decimal("6.2625")
    assert option.monthly_cost == Decimal("181.4625")
    assert option.prices.description == "file prices (test prices of 2026-01-01)"


def test_transit_gateway_cost_without_prices_uses_the_labelled_default() -> None:
    (mesh,) = _plan_text(OVERLAPPING).meshes
    prices = mesh.transit_gateway.prices
    assert (prices.attachment_hour, prices.per_gb) == (DEFAULT_ATTACHMENT_HOUR, DEFAULT_PER_GB)
    assert not prices.attachment_hour_from_file and not prices.per_gb_from_file
    assert "archplan default" in prices.description and "not confirmed" in prices.description
    assert mesh.transit_gateway.data_cost is None
    assert mesh.transit_gateway.attachment_cost == Decimal("109.50")
    partial = _plan_text(OVERLAPPING + "prices: {transit_gateway: {attachment_hour: 0.1}}\n")
    described = partial.meshes[0].transit_gateway.prices.description
    assert described.startswith("file prices, except per_gb: archplan default")


def test_traffic_option_is_parsed_exactly_and_checked(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["peering-plan", ESTATE, "--mesh", "core", "-f", "json", "--traffic-gb-month", "1e3"]
    )
    cost = json.loads(result.stdout)["meshes"][0]["transit_gateway"]
    assert cost["traffic_gb_month"] == "1000"
    assert cost["monthly_cost"] == {"attachments": "175.20", "data": "25.00", "total": "200.20"}
    for bad in ("-1", "lots", "nan", "inf"):
        result = runner.invoke(app, ["peering-plan", ESTATE, "--traffic-gb-month", bad])
        assert result.exit_code == 2, bad
        assert "--traffic-gb-month" in result.stderr


def test_money_is_exact_with_at_least_cents() -> None:
    assert money(Decimal("109.5")) == "109.50"
    assert money(Decimal("2E+1")) == "20.00"
    assert money(Decimal("6.2625")) == "6.2625"
    assert money(Decimal("0")) == "0.00"
    assert money(Decimal("109.500")) == "109.50"


def test_huge_and_tiny_traffic_never_crash_the_money(runner: CliRunner) -> None:
    # Regression: quantize raised InvalidOperation from 1e26 (28-digit context), and 1e-100000
    # GB would have printed 100,000 digits; money is now the one formatter archplan.money.usd.
    assert money(Decimal("1e26")) == "1" + "0" * 26 + ".00"
    assert money(Decimal("1e-100000")) == "0.00"
    assert money(Decimal("1234.5678949")) == "1234.567895"  # capped at a millionth
    # The option itself is bounded: 1e999999999 overflowed Decimal (exit 3), 1e400 printed a
    # 400-digit cost. A trillion GB and a millionth of a GB are the limits.
    mesh = "examples/three-vpc-mesh.yaml"
    for bad in ("1e999999999", "1e30", "1000000000001", "1e-100000", "0.0000001"):
        result = runner.invoke(app, ["peering-plan", mesh, "--traffic-gb-month", bad])
        assert result.exit_code == 2, (bad, result.output)
        assert "--traffic-gb-month" in result.stderr
    for good, data in (("1e12", "20000000000.00"), ("0.000001", "0.00")):
        result = runner.invoke(
            app, ["peering-plan", mesh, "-f", "json", "--traffic-gb-month", good]
        )
        assert result.exit_code == 0, result.output
        cost = json.loads(result.stdout)["meshes"][0]["transit_gateway"]
        assert cost["monthly_cost"]["data"] == data


def _mesh_of(n: int, extra: str = "") -> MeshPlan:
    vpcs = "".join(f"  v{index}: {{cidr: 10.{index}.0.0/16}}\n" for index in range(n))
    text = f"archplan: 1\ndefaults: {{region: us-east-1}}\n{extra}vpcs:\n{vpcs}"
    return _plan_text(_as_mesh(text)).meshes[0]


@pytest.mark.parametrize(
    ("n", "choice"),
    [
        (1, Choice.NONE),
        (2, Choice.PEERING),
        (3, Choice.PEERING),
        (9, Choice.PEERING),
        (10, Choice.TRANSIT_GATEWAY),
        (40, Choice.TRANSIT_GATEWAY),
    ],
)
def test_recommendation_follows_the_whitepaper_threshold(n: int, choice: Choice) -> None:
    recommendation = _mesh_of(n).recommendation
    assert recommendation.choice is choice
    if choice is Choice.PEERING and n > 2:
        assert "fewer than 10" in recommendation.reason and "REL02-BP04" in recommendation.reason


def test_recommendation_when_quotas_decide() -> None:
    mesh = _mesh_of(5, "quotas: {active_peerings_per_vpc: 3}\n")
    assert mesh.largest_mesh.vpcs == 4
    assert mesh.recommendation.choice is Choice.TRANSIT_GATEWAY
    assert "active_peerings_per_vpc" in mesh.recommendation.reason
    assert not mesh.can_complete


# -- reports --------------------------------------------------------------------------------


def test_every_plan_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(PlanFormat)


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        (["-f", "json", "--traffic-gb-month", "250.5"], "peering-plan-estate.json"),
        (["--traffic-gb-month", "250.5"], "peering-plan-estate.txt"),
        (["--emit", "yaml"], "peering-plan-estate.emit.yaml"),
    ],
)
def test_golden_reports(
    runner: CliRunner, args: list[str], golden: str, update_golden: bool
) -> None:
    """Whole-report snapshots; refresh with `pytest tests/test_peering_plan.py --update-golden`."""
    first = runner.invoke(app, ["peering-plan", ESTATE, *args])
    second = runner.invoke(app, ["peering-plan", ESTATE, *args])
    assert first.exit_code == 1  # mesh "old" has overlapping VPCs
    assert first.stdout == second.stdout, "output must be byte-identical across runs"
    path = GOLDEN / golden
    if update_golden:
        path.write_text(first.stdout, encoding="utf-8")
    assert first.stdout == path.read_text(encoding="utf-8")


def test_text_report_lists_at_most_a_hundred_links() -> None:
    text = RENDERERS[PlanFormat.TEXT](Plan((_mesh_of(16),)), "x.yaml", False)
    assert "v0 - v1  (v0-v1)" in text
    assert "    ... and 20 more (--format json lists them all)\n" in text
    assert text.count("  (v") == 100


def test_json_shape_is_stable(runner: CliRunner) -> None:
    report = json.loads(runner.invoke(app, ["peering-plan", ESTATE, "-f", "json"]).stdout)
    assert set(report) == {"version", "file", "can_complete", "unplanned", "meshes"}
    assert report["unplanned"] is None  # the file declares its meshes
    mesh = report["meshes"][0]
    assert set(mesh) == {
        "name", "declared", "per_vpc_only", "listed", "vpcs", "unknown_vpcs", "n", "links", "complete", "can_complete",
        "blockers", "present", "missing", "per_vpc", "left_out", "largest_mesh",
        "largest_mesh_limits", "transit_gateway", "existing_transit_gateways", "data_transfer",
        "recommendation",
    }  # fmt: skip
    assert set(mesh["missing"][0]) == {
        "vpcs", "peering", "status", "possible", "recreate", "overlaps",
    }  # fmt: skip
    recreated = [link for link in mesh["missing"] if link["recreate"]]
    assert recreated == [
        {"vpcs": ["app", "tools"], "peering": "app-tools", "status": "rejected",
         "possible": True, "recreate": True, "overlaps": []},
    ]  # fmt: skip
    vpc = mesh["per_vpc"][0]
    assert set(vpc) == {"vpc", "peerings", "route_tables"}
    assert set(vpc["route_tables"][0]) == {
        "name", "new", "ipv4", "ipv6", "quota", "over_quota", "routes_to_add", "conflicts",
    }  # fmt: skip
    assert set(mesh["transit_gateway"]) == {
        "regions", "transit_gateways", "attachments", "attachments_quota", "peering_attachments",
        "peering_attachments_per_gateway", "peering_attachments_quota", "billed_attachments",
        "route_entries", "hours_per_month", "prices", "traffic_gb_month", "monthly_cost",
    }  # fmt: skip
    assert set(mesh["largest_mesh_limits"]) == {
        "vpcs", "binding", "active_peerings_per_vpc", "routes_per_route_table", "route_table",
        "blocks_per_peer",
    }  # fmt: skip
    assert set(mesh["left_out"][0]) == {
        "vpcs", "peering", "present", "conflicts", "problems", "reasons",
    }  # fmt: skip
    assert set(mesh["recommendation"]) == {"choice", "reason"}


def test_text_report_colour_only_when_asked() -> None:
    result = _plan_text(OVERLAPPING)
    assert "\x1b[" in RENDERERS[PlanFormat.TEXT](result, "x.yaml", True)
    assert "\x1b[" not in RENDERERS[PlanFormat.TEXT](result, "x.yaml", False)


def test_no_colour_from_the_cli_off_a_terminal_or_with_no_color(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _write(tmp_path, OVERLAPPING)
    assert "\x1b[" not in runner.invoke(app, ["peering-plan", path]).stdout
    result = subprocess.run(
        [sys.executable, "-m", "archplan", "peering-plan", path],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
    )
    assert "\x1b[" not in result.stdout and result.returncode == 1


def test_json_path_does_not_import_rich(tmp_path: Path) -> None:
    path = _write(tmp_path, OVERLAPPING)
    code = (
        "import sys\nfrom archplan.cli import main\n"
        f"sys.argv = ['archplan', 'peering-plan', {path!r}, '-f', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')),"
        " file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stderr.strip() == "[]"
    assert json.loads(result.stdout)["can_complete"] is False


# -- --emit yaml ----------------------------------------------------------------------------


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return extra


def _findings(text: str) -> set[tuple[str, tuple[str | int, ...]]]:
    """Every finding of the file, any rule and severity, by rule and path in the document."""
    result = validate_source(Source("merged.yaml", text))
    assert result.error is None
    return {(finding.rule_id, finding.path) for finding in result.findings}


def _merged(text: str, mesh: str | None = None) -> tuple[Plan, str, str]:
    """The plan of `text`, its --emit yaml snippet, and the file with the snippet merged."""
    before = _plan_text(text, mesh)
    snippet = emit_yaml(before, "x.yaml")
    added = yaml.safe_load(snippet) or {}
    merged = yaml.safe_dump(_merge(yaml.safe_load(text), added), sort_keys=False)
    return before, snippet, merged


def _assert_safe_to_merge(text: str, mesh: str | None = None) -> tuple[Plan, str]:
    """Merging the snippet adds no finding, and re-planning finds nothing left to add safely."""
    before, snippet, merged = _merged(text, mesh)
    # The merge goes through YAML, which drops comments: compare with the file read the same
    # way, so a suppression comment in the file is lost on both sides.
    plain = yaml.safe_dump(yaml.safe_load(text), sort_keys=False)
    new = _findings(merged) - _findings(plain)
    assert new == set(), snippet
    after = _plan_text(merged, mesh)
    for planned, earlier in zip(after.meshes, before.meshes, strict=True):
        left_out = {item.peering for item in earlier.left_out}
        assert {link.peering for link in planned.to_create} <= left_out, snippet
        # Routes through a peering still waiting for acceptance are left for later (blackholes).
        waiting = {link.peering for link in planned.present if link.status != "active"}
        for vpc in planned.per_vpc:
            for table in vpc.tables:
                assert {route.peering for route in table.routes} <= waiting | left_out, snippet
    return before, snippet


EMPTY_VPCS = """archplan: 1
defaults: {region: us-east-1}
vpcs:
  bare: {cidr: 10.0.0.0/16, ipv6_cidrs: [2600:1f18:1a2b:3c00::/56]}
  routed:
    cidr: 10.1.0.0/16
    ipv6_cidrs: [2600:1f18:1a2b:4c00::/56]
    subnets:
      routed-a: {cidr: 10.1.0.0/24, az: us-east-1a}
  "odd name: #1":
    cidr: 10.2.0.0/16
    route_tables:
      "yes": {routes: {192.168.0.0/16: vgw}}
"""

# A hub peered with two spokes of identical blocks, each reached from its own hub subnet; a
# third VPC joins the mesh. Widening the spokes' routes to the whole hub, or routing the hub's
# /16 to the second spoke, would send replies to the wrong spoke.
IDENTICAL_SPOKES = """archplan: 1
defaults: {region: us-east-1}
vpcs:
  hub:
    cidr: 10.9.0.0/16
    subnets:
      h1: {cidr: 10.9.1.0/24, az: us-east-1a, route_table: to-a}
      h2: {cidr: 10.9.2.0/24, az: us-east-1a, route_table: to-b}
    route_tables:
      to-a: {routes: {10.0.0.0/16: "peering:hub-a"}}
      to-b: {routes: {10.0.0.0/16: "peering:hub-b"}}
  a:
    cidr: 10.0.0.0/16
    subnets: {a5: {cidr: 10.0.5.0/24, az: us-east-1a}}
    route_tables: {main: {main: true, routes: {10.9.1.0/24: "peering:hub-a"}}}
  b:
    cidr: 10.0.0.0/16
    subnets: {b5: {cidr: 10.0.5.0/24, az: us-east-1a}}
    route_tables: {main: {main: true, routes: {10.9.2.0/24: "peering:hub-b"}}}
  c:
    cidr: 10.20.0.0/16
    subnets: {c1: {cidr: 10.20.1.0/24, az: us-east-1a}}
peerings:
  hub-a: {requester: hub, accepter: a}
  hub-b: {requester: hub, accepter: b}
"""

# The peer's block already goes to a transit gateway in one of the tables.
ROUTED_ELSEWHERE = """archplan: 1
defaults: {region: us-east-1}
transit_gateways:
  tgw:
    attachments: {a: {subnets: [a1]}, b: {subnets: [b1]}}
vpcs:
  a:
    cidr: 10.0.0.0/16
    subnets: {a1: {cidr: 10.0.1.0/24, az: us-east-1a}}
    route_tables: {main: {main: true, routes: {10.1.0.0/16: "tgw:tgw"}}}
  b:
    cidr: 10.1.0.0/16
    subnets: {b1: {cidr: 10.1.1.0/24, az: us-east-1a}}
    route_tables: {main: {main: true, routes: {10.0.0.0/8: "tgw:tgw"}}}
  c:
    cidr: 172.16.0.0/16
"""


@pytest.mark.parametrize(
    ("source", "mesh"),
    [
        *(
            (str(path.relative_to(ROOT)), None)
            for path in sorted((ROOT / "examples").glob("*.yaml"))
        ),
        (ESTATE, None),
        (ESTATE, "core"),
        ("EMPTY_VPCS", None),
        ("IDENTICAL_SPOKES", None),
        ("ROUTED_ELSEWHERE", None),
        ("IDENTICAL_SPOKES", "all"),
        ("ROUTED_ELSEWHERE", "all"),
    ],
)
def test_emitted_yaml_adds_no_finding(source: str, mesh: str | None) -> None:
    text = globals()[source] if source.isupper() else (ROOT / source).read_text(encoding="utf-8")
    if mesh == "all":
        text = _as_mesh(text)
    before, snippet = _assert_safe_to_merge(text, mesh)
    left_out = sum(len(planned.left_out) for planned in before.meshes)
    assert snippet.count("# Note: not added: ") - snippet.count("which is pending") == left_out


def test_identical_spokes_keep_their_specific_routes() -> None:
    before, snippet = _assert_safe_to_merge(_as_mesh(IDENTICAL_SPOKES))
    (mesh,) = before.meshes
    assert {(item.peering, item.present) for item in mesh.left_out} == {
        ("hub-a", True), ("hub-b", True), ("b-c", False),
    }  # fmt: skip
    (spoke_b,) = [item for item in mesh.left_out if item.peering == "b-c"]
    assert spoke_b.reasons == (
        'in route table "main" of VPC "c", 10.0.0.0/16 already goes to peering:a-c',
        'VPC "c" is also peered with "a", which overlaps "b": its replies to one of them would '
        'go to the other; route "c"\'s subnets to each by hand',
    )
    added = yaml.safe_load(snippet)
    assert set(added["peerings"]) == {"hub-c", "a-c"}
    assert added["vpcs"]["a"]["route_tables"]["main"]["routes"] == {"10.20.0.0/16": "peering:a-c"}
    assert "b" not in added["vpcs"]
    assert 'not added: peering "b-c" (b - c) and its routes, because in route table' in snippet


def test_a_route_to_a_transit_gateway_keeps_the_link_out(runner: CliRunner, tmp_path: Path) -> None:
    before, snippet = _assert_safe_to_merge(_as_mesh(ROUTED_ELSEWHERE))
    (mesh,) = before.meshes
    reasons = {item.peering: item.reasons for item in mesh.left_out}
    assert reasons == {
        "a-b": (
            'in route table "main" of VPC "a", 10.1.0.0/16 already goes to tgw:tgw',
            'in route table "main" of VPC "b", 10.0.0.0/16 overlaps 10.0.0.0/8, which goes to '
            "tgw:tgw",
        ),
    }
    assert set(yaml.safe_load(snippet)["peerings"]) == {"a-c", "b-c"}
    path = _write(tmp_path, _as_mesh(ROUTED_ELSEWHERE))
    report = json.loads(runner.invoke(app, ["peering-plan", path, "-f", "json"]).stdout)
    (item,) = report["meshes"][0]["left_out"]
    assert item["vpcs"] == ["a", "b"] and item["present"] is False and item["problems"] == []
    assert item["conflicts"][1] == {
        "vpc": "b", "route_table": "main", "destination": "10.0.0.0/16",
        "existing": "10.0.0.0/8", "current": "tgw:tgw",
    }  # fmt: skip
    text = runner.invoke(app, ["peering-plan", path]).stdout
    assert (
        "  Left out of --emit yaml (routes in the way, a quota, or the file's design):\n    peering a-b (a - b):\n"
        in text
    )


def test_a_link_over_a_quota_is_left_out() -> None:
    text = MESH_OF_THREE.replace("{QUOTAS}", "{routes_per_route_table: 2}")
    before, _ = _assert_safe_to_merge(text)
    assert any("routes_per_route_table quota is 2" in reason for m in before.meshes
               for left in m.left_out for reason in left.reasons)  # fmt: skip


_NAMES = ("p", "q", "r", "s")
_BLOCKS = ("10.0.0.0/16", "10.1.0.0/16", "10.0.0.0/16", "10.0.128.0/17", "10.2.0.0/16")
_DESTINATIONS = ("10.0.0.0/16", "10.0.5.0/24", "10.1.0.0/16", "10.0.0.0/8", "10.2.0.0/24",
                 "0.0.0.0/0")  # fmt: skip


@st.composite
def _estates(draw: st.DrawFn) -> str:
    """Small estates: few VPCs from a few blocks (some identical), one or two subnets each with
    one of two tables, routes to blocks near the peers' through peerings, a gateway or a VPN."""
    count = draw(st.integers(2, 4))
    names = _NAMES[:count]
    vpcs: dict[str, Any] = {}
    for position, name in enumerate(names):
        cidr = draw(st.sampled_from(_BLOCKS))
        first = cidr.split(".")
        subnets = {
            f"{name}{index}": {
                "cidr": f"{first[0]}.{first[1]}.{index + (128 if cidr.endswith('/17') else 0)}.0/24",
                "az": "us-east-1a",
                "route_table": draw(st.sampled_from(["t1", "t2"])),
            }
            for index in range(draw(st.integers(1, 2)))
        }
        vpcs[name] = {"cidr": cidr, "subnets": subnets, "route_tables": {"t1": {}, "t2": {}}}
        del position
    pairs = list(itertools.combinations(names, 2))
    peered = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    peerings = {
        f"x-{a}-{b}": {
            "requester": a,
            "accepter": b,
            "status": draw(st.sampled_from(["active", "active", "pending-acceptance", "rejected"])),
        }
        for a, b in peered
    }
    targets = [f"peering:{name}" for name in peerings] + ["vgw", "tgw:hub"]
    for name in names:
        for table in ("t1", "t2"):
            routes = draw(
                st.dictionaries(
                    st.sampled_from(_DESTINATIONS), st.sampled_from(targets), max_size=3
                )
            )
            vpcs[name]["route_tables"][table] = {"routes": routes}
    document = {
        "archplan": 1,
        "defaults": {"region": "us-east-1"},
        "transit_gateways": {
            "hub": {"attachments": {name: {"subnets": [f"{name}0"]} for name in names}}
        },
        "vpcs": vpcs,
        "peerings": peerings,
    }
    return yaml.safe_dump(document, sort_keys=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_estates())
def test_emitted_yaml_adds_no_finding_on_generated_estates(text: str) -> None:
    _assert_safe_to_merge(text)


def test_emitted_yaml_quotes_what_yaml_would_misread() -> None:
    snippet = emit_yaml(_plan_text(EMPTY_VPCS), "x.yaml")
    assert '"odd name: #1":' in snippet  # `: ` and `#` end a plain scalar
    assert '"yes":' in snippet  # a YAML 1.1 boolean
    assert "      main:\n        main: true\n" in snippet  # bare and routed get a main table
    assert "2600:1f18:1a2b:4c00::/56: peering:bare-routed" in snippet


def test_emit_when_nothing_is_missing(runner: CliRunner) -> None:
    result = runner.invoke(app, ["peering-plan", "examples/three-vpc-mesh.yaml", "--emit", "yaml"])
    assert result.exit_code == 0
    assert result.stdout.endswith("# Nothing to add.\n")
    assert yaml.safe_load(result.stdout) is None


def test_control_characters_in_names_are_escaped_everywhere() -> None:
    text = """archplan: 1
defaults: {region: us-east-1}
vpcs:
  "evil\\e[31m\\nname": {cidr: 10.0.0.0/16}
  plain: {cidr: 10.1.0.0/16}
"""
    result = _plan_text(text)
    report = RENDERERS[PlanFormat.TEXT](result, "x.yaml", False)
    assert "\x1b" not in report and "evil\\x1b[31m\\nname" in report
    snippet = emit_yaml(result, "x\x1b.yaml")
    assert "\x1b" not in snippet
    added = yaml.safe_load(snippet)
    assert added["peerings"] == {
        "evil\x1b[31m\nname-plain": {"requester": "evil\x1b[31m\nname", "accepter": "plain"}
    }


# -- transit gateways across Regions, and the largest mesh by each quota --------------------

REGIONS = """archplan: 1
prices: {transit_gateway: {attachment_hour: 0.05, per_gb: 0.02}}
vpcs:
  a: {region: us-east-1, cidr: 10.0.0.0/16, ipv6_cidrs: [2600:1f18:1a2b:3c00::/56]}
  b: {region: eu-west-1, cidr: 10.1.0.0/16}
  c: {region: us-east-1, cidr: 10.2.0.0/16}
  d: {region: ap-south-1, cidr: 10.3.0.0/16}
"""


@pytest.mark.parametrize("regions", range(1, 8))
def test_one_transit_gateway_per_region_peered_in_a_full_mesh(regions: int) -> None:
    names = ["us-east-1", "eu-west-1", "ap-south-1", "us-west-2", "sa-east-1", "ca-central-1",
             "eu-north-1"][:regions]  # fmt: skip
    vpcs = "".join(
        f"  v{index}: {{region: {names[index % regions]}, cidr: 10.{index}.0.0/16}}\n"
        for index in range(9)
    )
    option = _plan_text(f"archplan: 1\nvpcs:\n{vpcs}").meshes[0].transit_gateway
    pairs = list(itertools.combinations(names, 2))  # one peering attachment per pair of gateways
    assert option.regions == tuple(names)
    assert option.transit_gateways == regions
    assert option.peering_attachments == len(pairs)
    assert option.peering_attachments_per_gateway == regions - 1
    assert option.attachments == 9 and option.billed_attachments == 9 + len(pairs)
    assert option.route_entries == regions * 9  # every VPC block in every gateway's table
    assert option.attachment_cost == (9 + len(pairs)) * DEFAULT_ATTACHMENT_HOUR * 730


def test_transit_gateways_across_regions_in_the_reports(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, REGIONS)
    report = json.loads(runner.invoke(app, ["peering-plan", path, "-f", "json"]).stdout)
    option = report["meshes"][0]["transit_gateway"]
    assert option["regions"] == ["us-east-1", "eu-west-1", "ap-south-1"]
    assert (option["transit_gateways"], option["peering_attachments"]) == (3, 3)
    assert (option["billed_attachments"], option["route_entries"]) == (7, 15)
    assert option["monthly_cost"]["attachments"] == "255.50"  # 7 x 0.05 x 730
    text = runner.invoke(app, ["peering-plan", path, "--width", "1000"]).stdout
    assert "Transit gateway instead: 3 transit gateways (one per Region), 4 VPC attachments" in text
    assert "3 peering attachments between the gateways (k(k-1)/2; 2 per gateway, quota 50)" in text
    assert "per month: 7 x $0.05 x 730 h = $255.50" in text


def test_largest_mesh_by_routes_matches_enumeration() -> None:
    from archplan.plan.mesh import largest_mesh_by_routes

    for quota in range(0, 60):
        for now in range(0, 62):
            for blocks in range(1, 6):
                fits = [n for n in range(1, 200) if now + (n - 1) * blocks <= quota]
                assert largest_mesh_by_routes(quota, now, blocks) == max(fits, default=1)


@pytest.mark.parametrize(
    ("quotas", "vpcs", "binding", "table"),
    [
        ("{}", 51, "active_peerings_per_vpc", ("a", "main")),
        # a's table has 1 IPv4 route besides the mesh; peers have up to 2 IPv4 blocks: 1 + 2(n-1) <= 9
        ("{routes_per_route_table: 9}", 5, "routes_per_route_table", ("a", "main")),
        ("{routes_per_route_table: 9, active_peerings_per_vpc: 4}", 5, "both", ("a", "main")),
    ],
)
def test_largest_mesh_reports_both_quotas(
    quotas: str, vpcs: int, binding: str, table: tuple[str, str]
) -> None:
    text = f"""archplan: 1
defaults: {{region: us-east-1}}
quotas: {quotas}
vpcs:
  a:
    cidr: 10.0.0.0/16
    route_tables: {{main: {{main: true, routes: {{0.0.0.0/0: vgw, 10.1.0.0/16: "peering:a-b"}}}}}}
  b: {{cidr: 10.1.0.0/16, secondary_cidrs: [100.64.0.0/24]}}
peerings:
  a-b: {{requester: a, accepter: b}}
"""
    limit = _plan_text(text).meshes[0].largest_mesh
    assert limit.vpcs == vpcs and limit.binding == binding
    assert limit.route_table == table and limit.blocks_per_peer == (2, 0)
    if binding != "active_peerings_per_vpc":
        assert limit.by_routes == 5


def test_largest_mesh_in_the_reports(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, MESH_OF_THREE.replace("{QUOTAS}", "{routes_per_route_table: 3}"))
    mesh = json.loads(runner.invoke(app, ["peering-plan", path, "-f", "json"]).stdout)["meshes"][0]
    assert mesh["largest_mesh"] == 3
    assert mesh["largest_mesh_limits"] == {
        "vpcs": 3, "binding": "routes_per_route_table", "active_peerings_per_vpc": 51,
        "routes_per_route_table": 3, "route_table": {"vpc": "a", "name": "rt"},
        "blocks_per_peer": {"ipv4": 1, "ipv6": 0},
    }  # fmt: skip
    text = runner.invoke(app, ["peering-plan", path]).stdout
    assert "  Largest full mesh the quotas allow: 3 VPCs (the route quota binds)\n" in text
    assert "    by active_peerings_per_vpc: 51 (n - 1 <= quota)\n" in text


def test_counts_in_the_text_report_agree_with_their_nouns(
    runner: CliRunner, tmp_path: Path
) -> None:
    two_regions = textwrap.dedent(
        """\
        archplan: 1
        vpcs:
          east: {region: us-east-1, cidr: 10.0.0.0/16}
          west: {region: us-west-2, cidr: 10.1.0.0/16}
        """
    )
    text = runner.invoke(app, ["peering-plan", _write(tmp_path, two_regions)]).stdout
    assert "2 transit gateways" in text and "1 peering attachment between" in text
    assert "2 VPC attachments" in text


def _many_vpcs(count: int) -> str:
    """`count` VPCs as one mesh "all", each peered with the next; the last two overlap."""
    lines = ["archplan: 1", "defaults: {region: us-east-1}", "vpcs:"]
    for index in range(count):
        cidr = f"10.{index // 256}.{index % 256}.0/24" if index < count - 1 else "10.0.0.0/16"
        lines.append(f"  v{index}: {{cidr: {cidr}}}")
    lines.append("peerings:")
    for index in range(count - 2):
        lines.append(f"  p{index}: {{requester: v{index}, accepter: v{index + 1}}}")
    return _as_mesh("\n".join(lines) + "\n")


def test_a_mesh_beyond_the_quotas_is_planned_per_vpc_with_bounded_lists(
    runner: CliRunner, tmp_path: Path
) -> None:
    count = PAIR_BY_PAIR_UP_TO + 4
    path = _write(tmp_path, _many_vpcs(count))
    text = runner.invoke(app, ["peering-plan", path])
    assert text.exit_code == 1
    lines = text.stdout.splitlines()
    # Wrapped to the report's 100 columns, where the break falls depends on the file's path.
    assert (
        f"{count} VPCs are more than the 51 a full mesh can have under the quotas: planned "
        "per VPC, without listing the pairs"
    ) in " ".join(line.strip() for line in lines)
    assert "    v1: 2 + 126 = 128 of 50" in lines  # v0 and v2 peered; v129 overlaps it
    assert "    ... and 30 more (--format json lists them all)" in lines
    report = json.loads(runner.invoke(app, ["peering-plan", path, "-f", "json"]).stdout)
    (mesh,) = report["meshes"]
    assert mesh["per_vpc_only"] is True and mesh["n"] == count
    # v129 (10.0.0.0/16) overlaps the 129 others, all in 10.0.x.0/24.
    assert mesh["links"] == {
        "needed": count * (count - 1) // 2,
        "present": count - 2,
        "missing": count * (count - 1) // 2 - (count - 2) - 129,
        "impossible": 129,
    }
    assert mesh["listed"] == {"present": 100, "missing": 100}
    assert len(mesh["per_vpc"]) == count
    assert all(item["route_tables"] == [] for item in mesh["per_vpc"])
    emitted = runner.invoke(app, ["peering-plan", path, "--emit", "yaml"])
    assert emitted.exit_code == 1
    assert "# Nothing to add." in emitted.stdout
    assert f"needs {count * (count - 1) // 2:,} peerings" in emitted.stdout


@pytest.mark.parametrize("count", [4, PAIR_BY_PAIR_UP_TO + 4])
def test_all_lists_every_link_and_json_stays_one_document(
    runner: CliRunner, tmp_path: Path, count: int
) -> None:
    path = _write(tmp_path, _many_vpcs(count))
    result = runner.invoke(app, ["peering-plan", path, "-f", "json", "--all"])
    (mesh,) = json.loads(result.stdout)["meshes"]
    pairs = {frozenset(link["vpcs"]) for link in mesh["present"] + mesh["missing"]}
    assert len(pairs) == count * (count - 1) // 2 == mesh["links"]["needed"]
    links = mesh["links"]
    assert mesh["listed"] == {
        "present": count - 2,
        "missing": links["missing"] + links["impossible"],
    }
    impossible = [link for link in mesh["missing"] if not link["possible"]]
    assert len(impossible) == mesh["links"]["impossible"] == count - 1
    if count == 4:  # planned pair by pair: --all changes nothing in JSON
        plain = runner.invoke(app, ["peering-plan", path, "-f", "json"]).stdout
        assert result.stdout == plain
    text = runner.invoke(app, ["peering-plan", path, "--all"]).stdout
    assert text.count("\n  v") >= links["missing"] + links["impossible"]
    heading = f'every link not present in mesh "all" ({links["missing"]:,} missing, '
    assert heading + f"{links['impossible']:,} impossible):" in text


# -- counting links: needed = present + missing + impossible --------------------------------

BLOCKS = ["10.0.0.0/16", "10.0.128.0/17", "10.1.0.0/16", "10.2.0.0/24", "10.2.0.0/16"]


@st.composite
def _small_meshes(draw: st.DrawFn) -> tuple[str, list[str], set[frozenset[str]]]:
    """2 to 5 VPCs on blocks that often overlap, some pairs peered (declared, active)."""
    count = draw(st.integers(2, 5))
    blocks = [draw(st.sampled_from(BLOCKS)) for _ in range(count)]
    pairs = list(itertools.combinations(range(count), 2))
    peered = draw(st.sets(st.sampled_from(pairs)))
    lines = ["archplan: 1", "defaults: {region: us-east-1}", "vpcs:"]
    lines += [f"  v{index}: {{cidr: {block}}}" for index, block in enumerate(blocks)]
    if peered:
        lines.append("peerings:")
        lines += [f"  p{a}-{b}: {{requester: v{a}, accepter: v{b}}}" for a, b in sorted(peered)]
    return (
        _as_mesh("\n".join(lines) + "\n"),
        blocks,
        {frozenset((f"v{a}", f"v{b}")) for a, b in peered},
    )


def _counts_in_text(text: str) -> tuple[int, ...]:
    line = next(line for line in text.splitlines() if line.startswith("  Links: "))
    words = line.replace("(n(n-1)/2)", "").replace(":", " ").split()
    return tuple(int(words[words.index(name) - 1]) for name in LINK_NAMES)


LINK_NAMES = ("needed", "present", "missing", "impossible")


def _check_link_counts(text: str, blocks: list[str], peered: set[frozenset[str]]) -> None:
    result = _plan_text(text)
    (mesh,) = json.loads(RENDERERS[PlanFormat.JSON](result, "x.yaml", False))["meshes"]
    links = mesh["links"]
    names = [f"v{index}" for index in range(len(blocks))]
    nets = {name: ipaddress.ip_network(block) for name, block in zip(names, blocks, strict=True)}
    overlapping = {
        frozenset(pair)
        for pair in itertools.combinations(names, 2)
        if nets[pair[0]].overlaps(nets[pair[1]])
    }
    assert links["needed"] == len(names) * (len(names) - 1) // 2
    assert links["needed"] == links["present"] + links["missing"] + links["impossible"]
    assert links["impossible"] == len(overlapping)  # declared or not
    assert links["present"] == len(peered - overlapping)
    assert len(mesh["missing"]) == links["missing"] + links["impossible"]
    report = RENDERERS[PlanFormat.TEXT](result, "x.yaml", False)
    assert _counts_in_text(report) == tuple(links[name] for name in LINK_NAMES)
    markdown = RENDERERS[PlanFormat.MARKDOWN](result, "x.yaml", False)
    summary = f"{links['present']:,} present, {links['missing']:,} missing"
    if links["impossible"]:
        summary += f", {links['impossible']:,} impossible"
    assert summary in markdown


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_small_meshes())
def test_link_counts_add_up_on_random_small_meshes(
    mesh: tuple[str, list[str], set[frozenset[str]]],
) -> None:
    _check_link_counts(*mesh)


def test_a_declared_peering_aws_refuses_is_impossible_not_missing(runner: CliRunner) -> None:
    path = "examples/broken/AP303-peering-overlap.yaml"
    text = runner.invoke(app, ["peering-plan", path]).stdout
    assert "1 needed (n(n-1)/2) = 0 present + 0 missing + 1 impossible" in text
    assert "declared peering blue-green cannot work" in text
    (mesh,) = json.loads(runner.invoke(app, ["peering-plan", path, "-f", "json"]).stdout)["meshes"]
    assert mesh["links"] == {"needed": 1, "present": 0, "missing": 0, "impossible": 1}
    markdown = runner.invoke(app, ["peering-plan", path, "-f", "markdown"]).stdout
    assert "1 peering needed, 0 present, 0 missing, 1 impossible" in markdown


@pytest.mark.parametrize(
    "example", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("**/*.yaml"))
)
def test_link_counts_add_up_on_every_example(runner: CliRunner, example: str) -> None:
    result = runner.invoke(app, ["peering-plan", example, "-f", "json"])
    if result.exit_code == 2:
        return  # a broken example the loader refuses: no plan
    for mesh in json.loads(result.stdout)["meshes"]:
        links = mesh["links"]
        assert links["needed"] == links["present"] + links["missing"] + links["impossible"]
