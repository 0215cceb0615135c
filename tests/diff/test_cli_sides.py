"""`archplan diff` sides as a new user gives them: imported templates under other names, a
file new since --base, options that apply to no side."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import corpus_dir
from tests.diff.helpers import EXAMPLES
from tests.diff.test_pairs import CFN_TEMPLATE

CORPUS = corpus_dir()


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


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_a_file_new_since_base_is_compared_with_an_empty_older_version(tmp_path: Path) -> None:
    """The pull request that adds the estate file: everything added, gates still judged."""
    _git(tmp_path, "init", "-q")
    (tmp_path / "README").write_text("x\n", encoding="utf-8")
    _git(tmp_path, "add", "README")
    _git(tmp_path, "commit", "-qm", "start")
    estate = tmp_path / "estate.yaml"
    estate.write_text((EXAMPLES / "three-tier.yaml").read_text("utf-8"), encoding="utf-8")
    code, out, err = run(str(estate), "--base", "HEAD", "-f", "json", "--fail-on", "new-error")
    assert code == 0, err
    assert f"{estate} is not in HEAD: compared with an empty older version" in err
    report = json.loads(out)
    assert report["old"] == f"HEAD:{estate}"
    added = [c for c in report["changes"] if c["action"] == "added"]
    assert added and all(c["action"] in ("added", "modified") for c in report["changes"])
    assert report["cost"]["total_per_month"]["old"] in ("0", "0.00")


def test_a_template_new_since_base_is_all_added(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    old = tmp_path / "net-a.yaml"
    old.write_text(CFN_TEMPLATE.format(n=1), encoding="utf-8")
    _git(tmp_path, "add", "net-a.yaml")
    _git(tmp_path, "commit", "-qm", "start")
    new = tmp_path / "net-b.yaml"
    new.write_text(CFN_TEMPLATE.format(n=2), encoding="utf-8")
    code, out, err = run(
        str(old), str(new), "--base", "HEAD", "--new-from", "cloudformation", "-f", "json"
    )
    assert code == 0, err
    assert f"{new} is not in HEAD" in err
    actions = {(c["action"], c["new_path"]) for c in json.loads(out)["changes"]}
    assert ("added", "vpcs.VPC-2") in actions
    assert not any(action == "removed" for action, _ in actions)


@pytest.mark.parametrize("option", [["--param", "A=B"], ["--region", "eu-west-1"]])
def test_import_options_without_an_imported_side_are_a_usage_error(option: list[str]) -> None:
    forum = str(EXAMPLES / "forum.yaml")
    code, _, err = run(forum, forum, *option)
    assert code == 2 and option[0] in err and "only with --old-from" in err


def test_help_says_base_takes_one_file() -> None:
    result = CliRunner().invoke(app, ["diff", "--help"])
    said = " ".join(result.output.split())
    assert "REV:path` of each file" not in said and "file(s)" not in said
    assert "a file not in REV is an empty older version" in said


def test_the_readme_ci_recipe_installs_from_a_checkout_and_passes_the_pr_adding_the_estate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's GitHub Actions job, its diff step run on the pull request that adds
    network/estate.yaml: the comment is written and the gates are judged (exit 0 here: the
    example has no error and nothing is replaced), where it used to exit 2."""
    import shlex

    import yaml

    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- diff-ci:start -->\n```yaml\n", 1)[1].split("```\n", 1)[0]
    steps = yaml.safe_load(block)["jobs"]["diff"]["steps"]
    installs = [step["run"] for step in steps if "pip install" in str(step.get("run", ""))]
    assert installs and all("pip install ./" in run for run in installs)  # not from PyPI
    (command,) = [step["run"] for step in steps if step.get("id") == "diff"]
    _git(tmp_path, "init", "-q")
    (tmp_path / "README").write_text("x\n", encoding="utf-8")
    _git(tmp_path, "add", "README")
    _git(tmp_path, "commit", "-qm", "start")
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / "estate.yaml").write_text(
        (EXAMPLES / "three-tier.yaml").read_text("utf-8"), encoding="utf-8"
    )
    args = shlex.split(command.replace("origin/${{ github.base_ref }}", base))
    assert args[:2] == ["archplan", "diff"]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args[1:])
    assert result.exit_code == 0, result.output
    comment = (tmp_path / "diff.md").read_text(encoding="utf-8")
    assert comment.startswith("### archplan diff") and "#### Other changes" in comment
