"""The repository keeps its promises: README commands, CI script, docs in sync, code quality."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from archplan.ruledocs import rules_table
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, flags=re.S)
    assert len(commands) == 2
    install_and_run, install_and_test = commands
    assert "archplan validate examples/" in install_and_run
    assert "pytest" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines()


def test_readme_rules_table_is_in_sync() -> None:
    block = README.split("<!-- rules:start -->\n", 1)[1].split("\n<!-- rules:end -->", 1)[0]
    assert block == rules_table(anchors=True, link="docs/rules.md")


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "archplan", "tests", "scripts"],
        ["ruff", "format", "--check", "archplan", "tests", "scripts"],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_code_quality(command: list[str]) -> None:
    tool = shutil.which(command[0], path=str(ROOT / ".venv" / "bin")) or shutil.which(command[0])
    if tool is None:
        pytest.skip(f"{command[0]} is not installed")
    result = subprocess.run(
        [sys.executable, "-m", command[0], *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_shipped_format_doc_keeps_the_contract() -> None:
    """docs/format.md carries the format contract verbatim, then archplan's additions."""
    from tests.conftest import shared_file

    contract = shared_file("design", "architecture-format.md")
    shipped = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    body = contract.read_text(encoding="utf-8").split("\n", 1)[1]
    assert body.strip() in shipped


def test_readme_yaml_examples_validate_clean() -> None:
    from tests.conftest import validate_text

    examples = re.findall(r"```yaml\n(archplan: 1\n.*?)```", README, flags=re.S)
    assert examples
    for example in examples:
        result = validate_text(example)
        assert result.error is None and result.findings == (), example
