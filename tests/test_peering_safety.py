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
