"""peering-plan never proposes, and --write never applies, what the file did not ask for
(review5 F2/F2b, F15/F15b, F3, F20, F1).

What a user depends on: a malformed `meshes:` or a rejected VPC/peering value stops the plan
(exit 2, at the place validate reports it) instead of a plan of every VPC; a file without
`meshes:` whose VPCs already connect through a transit gateway or peerings gets no peering
proposed; a link that would take traffic off a path through a firewall, or change what one
of the file's reachability intents expects, is left out with that reason, in every mode.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

MESH_AS_MAPPING = """\
archplan: 1
meshes:
  m: {vpcs: [a, b, c]}
vpcs:
  a: {region: us-east-1, cidr: 10.0.0.0/16}
  b: {region: us-east-1, cidr: 10.1.0.0/16}
  c: {region: us-east-1, cidr: 10.2.0.0/16}
"""

BAD_VPCS = """\
archplan: 1
defaults: {region: us-east-1}
vpcs:
  a:
    cidr: 10.0.0.0/33
  c:
    cidrr: 10.2.0.0/16
  b: {cidr: 10.1.0.0/16}
peerings:
  a-b: {requester: a, accepter: zz}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _file(tmp_path: Path, text: str, name: str = "estate.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("extra", [[], ["--emit", "yaml"], ["--format", "json"], ["--write"]])
def test_a_malformed_meshes_section_is_refused_where_validate_blames_it(
    runner: CliRunner, tmp_path: Path, extra: list[str]
) -> None:
    path = _file(tmp_path, MESH_AS_MAPPING)
    result = runner.invoke(app, ["peering-plan", str(path), *extra])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{path}:3:6: error: expected a list, got a mapping" in result.stderr
    assert path.read_text(encoding="utf-8") == MESH_AS_MAPPING  # --write wrote nothing


def test_rejected_vpc_and_peering_values_are_refused_each_at_its_place(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _file(tmp_path, BAD_VPCS)
    for extra in ([], ["--emit", "yaml"]):
        result = runner.invoke(app, ["peering-plan", str(path), *extra])
        assert result.exit_code == 2, result.stdout
        assert "peerings:" not in result.stdout and "can be completed" not in result.stdout
        for place in ("5:11", "7:5", "10:33"):
            assert f"{path}:{place}: error:" in result.stderr
    validate = runner.invoke(app, ["validate", str(path), "--format", "concise"])
    for place in ("5:11", "7:5", "10:33"):
        assert f"{path.name}:{place}: error" in validate.stdout or f":{place}:" in validate.stdout


def test_a_rejected_vpc_outside_the_planned_mesh_does_not_stop_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = (
        "archplan: 1\ndefaults: {region: us-east-1}\nmeshes:\n  m: [a, b]\nvpcs:\n"
        "  a: {cidr: 10.0.0.0/16}\n  b: {cidr: 10.1.0.0/16}\n  z: {cidr: 10.9.0.0/33}\n"
    )
    result = runner.invoke(app, ["peering-plan", str(_file(tmp_path, text)), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["meshes"][0]["vpcs"] == ["a", "b"]


def test_graph_says_it_draws_defaults_for_rejected_values(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _file(tmp_path, BAD_VPCS)
    result = runner.invoke(app, ["graph", str(path)])
    assert result.exit_code == 0
    assert f"{path}:5:11: note: the file has 3 value(s) validate rejects" in result.stderr


@pytest.mark.parametrize(
    ("example", "through"),
    [
        ("inspection.yaml", 'transit gateway "hub" (orders, payments, inspection)'),
        ("shared-services.yaml", "3 peerings (shared-finance, shared-hr, shared-engineering)"),
    ],
)
def test_a_deliberate_design_without_meshes_gets_no_peering_proposed(
    runner: CliRunner, tmp_path: Path, example: str, through: str
) -> None:
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    path = _file(tmp_path, text, example)
    report = runner.invoke(app, ["peering-plan", str(path)])
    assert report.exit_code == 0
    assert f"already connect through {through}" in " ".join(report.stdout.split())
    assert "Missing peerings" not in report.stdout and "Recommendation" not in report.stdout
    emitted = runner.invoke(app, ["peering-plan", str(path), "--emit", "yaml"])
    assert "peerings:" not in emitted.stdout and "route_tables:" not in emitted.stdout
    document = json.loads(runner.invoke(app, ["peering-plan", str(path), "-f", "json"]).stdout)
    assert document["meshes"] == [] and document["unplanned"]["through"][-1] == through
    written = runner.invoke(app, ["peering-plan", str(path), "--write"])
    assert written.exit_code == 0
    assert path.read_text(encoding="utf-8") == text


def test_a_single_vpc_file_says_there_is_nothing_to_peer(runner: CliRunner) -> None:
    result = runner.invoke(app, ["peering-plan", str(EXAMPLES / "three-tier.yaml")])
    assert result.exit_code == 0
    assert result.stdout == f"{EXAMPLES / 'three-tier.yaml'}: 1 VPC: nothing to peer\n"


def test_unconnected_vpcs_without_meshes_are_still_planned_as_a_full_mesh(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = (
        "archplan: 1\ndefaults: {region: us-east-1}\nvpcs:\n"
        "  a: {cidr: 10.0.0.0/16}\n  b: {cidr: 10.1.0.0/16}\n  c: {cidr: 10.2.0.0/16}\n"
    )
    result = runner.invoke(app, ["peering-plan", str(_file(tmp_path, text)), "-f", "json"])
    (mesh,) = json.loads(result.stdout)["meshes"]
    assert not mesh["declared"] and mesh["links"]["missing"] == 3


def _inspection_with_mesh(tmp_path: Path) -> Path:
    """examples/inspection.yaml with its two spokes declared as a mesh: the user asks for the
    peering the design forbids."""
    text = (EXAMPLES / "inspection.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "\nscaling_groups:", "\nmeshes:\n  spokes: [orders, payments]\n\nscaling_groups:", 1
    )
    return _file(tmp_path, text, "inspection.yaml")


def test_a_declared_mesh_link_that_would_bypass_the_firewall_is_left_out(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _inspection_with_mesh(tmp_path)
    before = path.read_text(encoding="utf-8")
    report = runner.invoke(app, ["peering-plan", str(path)])
    assert report.exit_code == 1
    prose = " ".join(report.stdout.split())
    assert (
        'traffic between "orders" and "payments" passes firewall endpoint "fw-a" of VPC '
        '"inspection" today' in prose
    )
    assert "Cannot complete: 1 link would take traffic around a firewall" in prose
    emitted = runner.invoke(app, ["peering-plan", str(path), "--emit", "yaml"]).stdout
    assert "peerings:" not in emitted and "peering:orders-payments" not in emitted
    assert '# Note: not added: peering "orders-payments"' in emitted
    written = runner.invoke(app, ["peering-plan", str(path), "--write"])
    assert written.exit_code == 1
    assert path.read_text(encoding="utf-8") == before
    # The firewall is still on the path reach shows.
    reach = runner.invoke(app, ["reach", str(path), "orders", "payments", "--port", "443"])
    assert "firewall endpoint fw-a" in reach.stdout


INTENT = """\
archplan: 1
defaults: {region: us-east-1}
meshes:
  m: [a, b]
vpcs:
  a:
    cidr: 10.0.0.0/16
    subnets:
      a1: {cidr: 10.0.0.0/24, az: us-east-1a}
    route_tables:
      main: {main: true, routes: {}}
    security_groups:
      out:
        egress:
          - {protocol: tcp, ports: 22, to: 10.1.0.0/16}
  b:
    cidr: 10.1.0.0/16
    subnets:
      b1: {cidr: 10.1.0.0/24, az: us-east-1a}
    route_tables:
      main: {main: true, routes: {}}
    security_groups:
      ssh:
        ingress:
          - {protocol: tcp, ports: 22, from: 10.0.0.0/16}
hosts:
  bastion: {vpc: a, subnet: a1, address: 10.0.0.10, security_groups: [out]}
  db: {vpc: b, subnet: b1, address: 10.1.0.10, security_groups: [ssh]}
reachability:
  - {from: bastion, to: db, port: 22, expect: EXPECT}
"""


def test_a_link_that_would_break_an_unreachable_intent_is_left_out(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _file(tmp_path, INTENT.replace("EXPECT", "unreachable"))
    result = runner.invoke(app, ["peering-plan", str(path), "--emit", "yaml"])
    assert result.exit_code == 1
    assert "peerings:" not in result.stdout
    assert (
        "the file's intent bastion -> db (port 22) expects unreachable and holds today; with "
        'peering "a-b" it would be reachable' in result.stdout
    )


def test_a_link_an_intent_expects_is_planned(runner: CliRunner, tmp_path: Path) -> None:
    # The same estate wanting the flow: the peering is what makes the intent hold.
    path = _file(tmp_path, INTENT.replace("EXPECT", "reachable"))
    result = runner.invoke(app, ["peering-plan", str(path), "--write"])
    assert result.exit_code == 0, result.stderr
    assert "peering:a-b" in path.read_text(encoding="utf-8")
    validate = runner.invoke(app, ["validate", str(path), "--format", "concise"])
    assert validate.exit_code == 0, validate.stdout


def test_notes_go_under_the_table_at_80_columns(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["peering-plan", "tests/golden/peering-plan-estate.yaml", "--width", "80"]
    )
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert '      route table "private" of VPC "shared": 10.2.0.0/16 already goes to vgw' in lines
    header = next(line for line in lines if line.lstrip().startswith("VPC "))
    assert "notes" not in header
    # Wide enough, the notes stay in their column.
    wide = runner.invoke(
        app, ["peering-plan", "tests/golden/peering-plan-estate.yaml", "--width", "200"]
    )
    assert any("   notes" in line for line in wide.stdout.splitlines())
    assert "10.2.0.0/16 already goes to vgw" in wide.stdout


def test_default_prices_of_another_region_are_said_to_be_us_east_1s(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _inspection_with_mesh(tmp_path)
    result = runner.invoke(
        app, ["peering-plan", str(path), "--traffic-gb-month", "1000", "--width", "200"]
    )
    assert (
        "note: the mesh's VPCs are in eu-west-1: archplan's transit gateway and data transfer "
        "prices are us-east-1's, not theirs" in result.stdout
    )
    # and the transit gateway the estate already has is named beside the one priced
    assert 'the file already connects members through transit gateway "hub" (orders, payments)' in (
        result.stdout
    )
    west = runner.invoke(app, ["peering-plan", str(EXAMPLES / "three-vpc-mesh.yaml")])
    assert (
        "the mesh's VPCs are in us-west-2: archplan's transit gateway prices are us-east-1's"
        in (" ".join(west.stdout.split()))
    )
    east = (EXAMPLES / "shared-services.yaml").read_text(encoding="utf-8")
    east += "\nmeshes:\n  all: [shared, finance, hr, engineering]\n"
    result = runner.invoke(app, ["peering-plan", str(_file(tmp_path, east, "east.yaml"))])
    assert "Transit gateway instead" in result.stdout
    assert "not theirs" not in " ".join(result.stdout.split())


# -- brute force: merging the plan never takes a flow off its firewall ----------------------


def _inspected_estate(attached: list[bool], peered: set[tuple[int, int]]) -> str:
    """Spokes s0.. (some on transit gateway "hub", whose spokes table sends everything through
    the firewall of VPC "insp"), some pairs already peered, all spokes declared one mesh."""
    lines = ["archplan: 1", "defaults: {region: eu-west-1}", "vpcs:"]
    for index, on_hub in enumerate(attached):
        routes = "{0.0.0.0/0: tgw:hub}" if on_hub else "{}"
        lines += [
            f"  s{index}:",
            f"    cidr: 10.{index}.0.0/16",
            "    subnets:",
            f"      s{index}-app: {{cidr: 10.{index}.0.0/20, az: eu-west-1a}}",
            f"      s{index}-tgw: {{cidr: 10.{index}.255.0/28, az: eu-west-1a}}",
            f"    route_tables: {{spoke: {{main: true, routes: {routes}}}}}",
        ]
    lines += [
        "  insp:",
        "    cidr: 100.64.0.0/16",
        "    subnets:",
        "      insp-tgw: {cidr: 100.64.0.0/28, az: eu-west-1a, route_table: to-fw}",
        "      insp-fw: {cidr: 100.64.1.0/28, az: eu-west-1a, route_table: back}",
        "    firewalls: {fw: {subnet: insp-fw, firewall: central}}",
        "    route_tables:",
        "      to-fw: {routes: {0.0.0.0/0: firewall:fw}}",
        "      back: {routes: {10.0.0.0/8: tgw:hub}}",
    ]
    hub = [f"s{index}" for index, on_hub in enumerate(attached) if on_hub]
    lines += ["transit_gateways:", "  hub:", "    attachments:"]
    lines += [f"      {name}: {{subnets: [{name}-tgw]}}" for name in hub]
    lines += [
        "      insp: {subnets: [insp-tgw], appliance_mode: true}",
        "    route_tables:",
    ]
    if hub:
        lines.append(
            f"      spokes: {{associations: [{', '.join(hub)}], routes: {{0.0.0.0/0: insp}}}}"
        )
    lines.append(
        "      inspection: {associations: [insp]"
        + (f", propagations: [{', '.join(hub)}]" if hub else "")
        + "}"
    )
    lines += [
        "network_firewalls:",
        "  central:",
        "    stateless_default: forward",
        "    stateful:",
        "      - {action: pass, protocol: tcp, ports: 443, from: 10.0.0.0/8, to: any}",
    ]
    if peered:
        lines.append("peerings:")
        lines += [f"  p{a}-{b}: {{requester: s{a}, accepter: s{b}}}" for a, b in sorted(peered)]
    lines += ["meshes:", f"  spokes: [{', '.join(f's{i}' for i in range(len(attached)))}]"]
    return "\n".join(lines) + "\n"


def _firewalled_pairs(text: str) -> set[frozenset[str]]:
    from archplan.engine import load_architecture
    from archplan.network import TCP
    from archplan.reach.places import Place, resolve
    from archplan.reach.query import ask
    from archplan.source import Source

    architecture = load_architecture(Source("x.yaml", text)).architecture
    spokes = sorted(name for name in architecture.vpcs if name.startswith("s"))
    found = set()
    for first in spokes:
        for second in spokes:
            if first == second:
                continue
            source, destination = resolve(architecture, first), resolve(architecture, second)
            assert isinstance(source, Place) and isinstance(destination, Place)
            answer = ask(architecture, source, destination, TCP, 443)
            assert not isinstance(answer, str)
            if answer.forward.inspected:
                found.add(frozenset((first, second)))
    return found


@pytest.mark.parametrize("seed", range(int(os.environ.get("ARCHPLAN_PEERSAFE_CASES", "12"))))
def test_merging_the_plan_never_takes_a_flow_off_its_firewall(seed: int) -> None:
    """Random spokes on and off an inspected transit gateway, some peered: after merging what
    the plan adds, every flow between spokes that passed the firewall still does, and each
    link the plan leaves out for the firewall's sake is one such flow."""
    import random

    from archplan.engine import load_architecture
    from archplan.plan.emit import additions
    from archplan.plan.merge import merge
    from archplan.plan.mesh import plan
    from archplan.source import Source

    chance = random.Random(seed)
    count = chance.randint(2, 4)
    attached = [chance.random() < 0.6 for _ in range(count)]
    pairs = [(a, b) for a in range(count) for b in range(a + 1, count)]
    peered = {pair for pair in pairs if chance.random() < 0.25}
    text = _inspected_estate(attached, peered)
    before = _firewalled_pairs(text)
    result = plan(load_architecture(Source("x.yaml", text)).architecture)
    merged = merge(text, additions(result))
    after = _firewalled_pairs(merged)
    assert before <= after, (text, before - after)
    refused = {
        frozenset((item.first, item.second))
        for mesh in result.meshes
        for item in mesh.left_out
        if any("around that inspection" in problem for problem in item.problems)
    }
    assert refused <= before
    # Nothing the plan adds between two spokes the firewall sees today.
    assert not any(
        frozenset((link.first, link.second)) in before
        for mesh in result.meshes
        for link in mesh.to_create
        if link.peering not in {item.peering for item in mesh.left_out}
    )
