"""docs/scale-plan.md lists every key of `scale-plan --format json`: the list is the JSON's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

DOC = ROOT / "docs" / "scale-plan.md"
# forum.yaml plans groups, services and functions; forum-ec2.yaml shares a commitment (pools);
# the EKS example has a node group.
EXAMPLES = (
    "examples/forum.yaml",
    "examples/forum-ec2.yaml",
    "examples/broken/AP802-subnet-addresses-exhausted-at-peak.yaml",
)


def _documented() -> dict[str, set[str]]:
    """The "Every JSON key" block: `path: key, key` lines, continued on indented lines."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("### Every JSON key", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    joined: list[str] = []
    for line in block.splitlines():
        if line.startswith(" ") and joined:
            joined[-1] += " " + line.strip()
        elif line:
            joined.append(line)
    documented: dict[str, set[str]] = {}
    for line in joined:
        path, _, keys = line.partition(": ")
        assert path not in documented, f"{path} listed twice"
        documented[path] = {key.strip() for key in keys.split(",")}
    return documented


def _walk(node: Any, path: str, out: dict[str, set[str]]) -> None:
    if isinstance(node, dict):
        out.setdefault(path or "(top)", set()).update(node)
        for key, value in node.items():
            child = "containers.prices.*" if path == "containers.prices" else f"{path}.{key}"
            _walk(value, child if path else key, out)
    elif isinstance(node, list):
        for item in node:
            _walk(item, path + "[]", out)


def _report_keys(runner: CliRunner, example: str) -> dict[str, set[str]]:
    result = runner.invoke(app, ["scale-plan", example, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    keys: dict[str, set[str]] = {}
    _walk(json.loads(result.stdout), "", keys)
    return keys


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_forum_json_keys_are_all_documented(runner: CliRunner) -> None:
    documented = _documented()
    keys = _report_keys(runner, "examples/forum.yaml")
    assert "containers" in keys["(top)"]
    for path, names in keys.items():
        assert documented.get(path) == names, path


def test_documented_keys_are_the_json_keys(runner: CliRunner) -> None:
    keys: dict[str, set[str]] = {}
    for example in EXAMPLES:
        for path, names in _report_keys(runner, example).items():
            keys.setdefault(path, set()).update(names)
    assert _documented() == keys
