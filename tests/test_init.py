"""`archplan init` (issue 12): a commented starter file for each shape, clean from the start."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from archplan.cli import app
from archplan.cli.options import Shape
from archplan.editor_schema import render
from archplan.starters import SCHEMA_FILE, SHAPES, starter
from tests.conftest import validate_text


@pytest.mark.parametrize("shape", list(Shape))
def test_every_starter_validates_clean(shape: Shape, tmp_path: Path) -> None:
    path = tmp_path / "archplan.yaml"
    result = CliRunner().invoke(app, ["init", str(path), "--shape", shape.value])
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text == starter(shape.value)
    assert text.startswith(f"# yaml-language-server: $schema={SCHEMA_FILE}\n")
    assert validate_text(text, str(path)).findings == ()
    schema = json.loads((tmp_path / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert schema == json.loads(render())
    jsonschema.validate(yaml.safe_load(text), schema)  # what the editor will check
    for command in (["validate", str(path)], ["peering-plan", str(path)]):
        assert CliRunner().invoke(app, command).exit_code == 0


def test_the_shapes_are_what_they_say() -> None:
    assert [shape.value for shape in Shape] == list(SHAPES)
    hub = yaml.safe_load(starter(Shape.HUB_AND_SPOKE.value))
    assert sorted(hub["peerings"]) == ["shared-dev", "shared-prod"]
    mesh = yaml.safe_load(starter(Shape.MESH.value))
    assert len(mesh["peerings"]) == 3 and mesh["meshes"] == {"core": ["web", "data", "ops"]}
    single = yaml.safe_load(starter(Shape.SINGLE_VPC.value))
    assert list(single["vpcs"]) == ["app"] and "peerings" not in single


def test_an_existing_file_is_never_replaced_without_force(tmp_path: Path) -> None:
    path = tmp_path / "archplan.yaml"
    path.write_text("mine\n", encoding="utf-8")
    refused = CliRunner().invoke(app, ["init", str(path)])
    assert refused.exit_code == 2 and "already exists" in refused.stderr
    assert path.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / SCHEMA_FILE).exists()
    forced = CliRunner().invoke(app, ["init", str(path), "--force", "--shape", "mesh"])
    assert forced.exit_code == 0 and path.read_text(encoding="utf-8") == starter(Shape.MESH.value)


def test_the_default_is_archplan_yaml_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0
    assert (tmp_path / "archplan.yaml").read_text(encoding="utf-8") == starter(
        Shape.SINGLE_VPC.value
    )
    assert "next: archplan validate archplan.yaml" in result.stderr


@pytest.mark.parametrize("shape", list(Shape))
def test_peering_plan_adds_nothing_to_any_starter(shape: Shape, tmp_path: Path) -> None:
    """A starter says what must reach what (hub-and-spoke: hub with each spoke, in `meshes:`),
    so peering-plan never proposes the spoke-to-spoke peering the design leaves out."""
    path = tmp_path / "archplan.yaml"
    path.write_text(starter(shape.value), encoding="utf-8")
    result = CliRunner().invoke(app, ["peering-plan", str(path), "--emit", "yaml"])
    assert result.exit_code == 0, result.stderr
    assert "# Adds 0 peerings and 0 routes." in result.stdout
    assert "peering:" not in result.stdout.replace("# ", "")


def test_hub_and_spoke_declares_the_pairs_it_connects() -> None:
    hub = yaml.safe_load(starter(Shape.HUB_AND_SPOKE.value))
    assert hub["meshes"] == {"shared-dev": ["shared", "dev"], "shared-prod": ["shared", "prod"]}


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("newdir/", "names a directory; give the file to create, e.g. newdir/archplan.yaml"),
        ("newdir/a.yaml", "directory newdir does not exist; create it first"),
        ("a/b/c.yaml", "directory a/b does not exist; create it first"),
    ],
)
def test_a_missing_directory_is_refused_before_writing(
    name: str, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init", name])
    assert result.exit_code == 2
    assert result.stderr == f"{name}: error: {says}\n"
    assert list(tmp_path.iterdir()) == []


def test_a_failed_second_write_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / SCHEMA_FILE).mkdir()  # the schema cannot be written; the starter could
    path = tmp_path / "archplan.yaml"
    result = CliRunner().invoke(app, ["init", str(path), "--force"])
    assert result.exit_code == 2 and "cannot write" in result.stderr
    assert not path.exists()
