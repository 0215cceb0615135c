"""`archplan diff` sides as a new user gives them: imported templates under other names, a
file new since --base, options that apply to no side."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.diff.test_pairs import CFN_TEMPLATE

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def _imports(old: Path, new: Path, kind: str, *more: str) -> tuple[int, str, str]:
    return run(str(old), str(new), "--old-from", kind, "--new-from", kind, *more)


def test_one_template_per_side_is_one_stack_whatever_the_files_are_called(
    tmp_path: Path,
) -> None:
    first, copy = tmp_path / "stack-v1.yaml", tmp_path / "stack-v2.yaml"
    first.write_text(CFN_TEMPLATE.format(n=1), encoding="utf-8")
    copy.write_text(CFN_TEMPLATE.format(n=1), encoding="utf-8")
    code, out, err = _imports(first, copy, "cloudformation", "--fail-on", "replacement")
    assert code == 0, out
    assert "\nno change\n" in out
    assert "stack-v1.yaml and " in err and "compared as one stack" in err
    # A real change between them is a modification of the same resources, not remove + add.
    copy.write_text(CFN_TEMPLATE.format(n=1).replace("10.1.1.0/24", "10.1.2.0/24"), "utf-8")
    code, out, _ = _imports(first, copy, "cloudformation", "-f", "json")
    changes = json.loads(out)["changes"]
    assert [(c["action"], c["new_path"]) for c in changes] == [
        ("modified", "vpcs.VPC.subnets.PrivateSubnet")
    ]


def test_several_templates_pair_by_name_and_an_unpaired_one_is_said(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "net-a.yaml").write_text(CFN_TEMPLATE.format(n=1), encoding="utf-8")
    (old / "net-b.yaml").write_text(CFN_TEMPLATE.format(n=2), encoding="utf-8")
    (new / "net-a.yaml").write_text(CFN_TEMPLATE.format(n=1), encoding="utf-8")
    (new / "net-c.yaml").write_text(CFN_TEMPLATE.format(n=2), encoding="utf-8")
    code, out, err = _imports(old, new, "cloudformation", "-f", "json")
    assert code == 0
    assert "net-b.yaml: no template of NEW is the same stack" in err and "all removed" in err
    assert "net-c.yaml: no template of OLD is the same stack" in err and "all added" in err
    actions = sorted(c["action"] for c in json.loads(out)["changes"])
    assert actions == ["added", "added", "removed", "removed"]


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        ("terraform", "terraform"),
        ("aws-cli", "aws-cli/aws-cli__ec2_describe-vpcs__ex1_output.json"),
    ],
)
def test_terraform_and_aws_cli_copies_under_other_names_are_no_change(
    tmp_path: Path, kind: str, source: str
) -> None:
    found = CORPUS / source
    if found.is_dir():
        plans = sorted(found.glob("*.json"))
        if not plans:
            pytest.skip("no Terraform plan in the corpus")
        found = plans[0]
    if not found.is_file():
        pytest.skip("the shared corpus is not here")
    first, copy = tmp_path / "one.json", tmp_path / "two.json"
    shutil.copyfile(found, first)
    shutil.copyfile(found, copy)
    code, out, _ = _imports(first, copy, kind, "--region", "us-east-1")
    assert code == 0 and "\nno change\n" in out, out
