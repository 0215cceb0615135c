"""A template, plan or AWS CLI output given to validate without --from: the exit-2 message
says what the file looks like and the command that reads it (review5 F16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app

TEMPLATE_WITH_TAG = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !FindInMap [Net, Vpc, Cidr]}
"""
JSON_TEMPLATE = '{\n  "Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {}}}\n}\n'
PLAN = '{"format_version": "1.2", "terraform_version": "1.6.0", "planned_values": {}}\n'
CLI = '{\n    "Vpcs": [\n        {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}\n    ]\n}\n'


@pytest.mark.parametrize(
    "text, where, kind, evidence",
    [
        (TEMPLATE_WITH_TAG, "5:29", "cloudformation", "AWSTemplateFormatVersion"),
        (JSON_TEMPLATE, "1:1", "cloudformation", "Resources of AWS:: types"),
        (PLAN, "1:1", "terraform", "planned_values"),
        (CLI, "1:1", "aws-cli", "Vpcs"),
    ],
)
def test_validate_names_the_from_that_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str, kind: str, evidence: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("stack $1.json").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "stack $1.json"])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"stack $1.json:{where}: error: not an archplan architecture file")
    assert evidence in line
    assert line.endswith(f": archplan validate --from {kind} 'stack $1.json'")


def test_the_suggested_command_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("plan.json").write_text(CLI, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--from", "aws-cli", "plan.json"])
    assert result.exit_code in (0, 1), result.stderr


def test_other_commands_suggest_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("t.yaml").write_text(TEMPLATE_WITH_TAG, encoding="utf-8")
    result = CliRunner().invoke(app, ["graph", "t.yaml"])
    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith("archplan import cloudformation t.yaml -o estate.yaml")


def test_a_file_like_nothing_archplan_imports_gets_no_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("x.yaml").write_text("name: demo\nResources: {a: 1}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "x.yaml"])
    assert result.stderr == (
        "x.yaml:1:1: error: not an archplan architecture file: the top-level key 'archplan: 1' "
        "is missing\n"
    )


def test_standard_input_is_suggested_as_a_dash() -> None:
    result = CliRunner().invoke(app, ["validate", "-"], input=PLAN)
    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith(": archplan validate --from terraform -")
