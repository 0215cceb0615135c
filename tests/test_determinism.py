"""Same input, same bytes: every report is identical across runs and PYTHONHASHSEED values,
archplan never touches the network and writes no file but the ones it is asked to."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import EXAMPLES, ROOT

RICH = [
    "examples/shared-services.yaml",
    "examples/forum.yaml",
    "examples/broken/AP303-peering-overlap.yaml",
    "examples/broken/AP314-reply-to-other-peer.yaml",
    "tests/golden/estate.yaml",
]
SCALING = ["examples/forum.yaml", "examples/broken/AP605-api-backend-capacity.yaml"]
FORMATS = ["text", "concise", "json", "sarif", "github", "junit", "markdown"]
SEEDS = ["0", "12345", "random"]

# Every command and output format that prints something computed from an architecture (or
# from the rule registry): each runs once per seed in one process that prints them all.
RUNS: list[list[str]] = [
    ["validate", "--format", output_format, *RICH] for output_format in FORMATS
]
for path in RICH:
    RUNS += [
        ["peering-plan", path],
        ["peering-plan", path, "--format", "json", "--traffic-gb-month", "1234.5"],
        ["peering-plan", path, "--emit", "yaml"],
        ["graph", path, "--format", "mermaid"],
        ["graph", path, "--format", "dot"],
    ]
for path in SCALING:
    RUNS += [
        ["scale-plan", path],
        ["scale-plan", path, "--format", "json"],
        ["scale-plan", path, "--emit", "cloudformation"],
        ["scale-plan", path, "--emit", "terraform"],
    ]
RUNS += [
    ["scale-plan", "examples/forum-ec2.yaml", "--group", "users", "--emit", "aws-cli"],
    *(["rules", "--format", output_format] for output_format in ("text", "markdown", "json")),
    *(
        ["explain", "AP303", "--format", output_format]
        for output_format in ("text", "markdown", "json")
    ),
    ["explain", "reply-to-other-peer"],
    ["schema"],
]

# One interpreter per seed runs every command and prints each one's exit code and output.
DRIVER = """
import json, sys
from typer.testing import CliRunner
from archplan.cli import app
for arguments in json.loads(sys.argv[1]):
    result = CliRunner().invoke(app, arguments)
    sys.stdout.write(f"== {arguments} -> {result.exit_code}\\n{result.stdout}{result.stderr}")
"""


def _outputs(seed: str) -> str:
    import json

    result = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(RUNS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_format_is_byte_identical_across_hash_seeds() -> None:
    first, *others = (_outputs(seed) for seed in SEEDS)
    assert "-> 3" not in first and "Traceback" not in first
    assert first.count("\n== ") + 1 == len(RUNS)
    for other in others:
        assert other == first


def test_the_console_script_prints_what_the_library_does_byte_for_byte() -> None:
    """The driver above uses CliRunner; the real entry point adds only UTF-8 bytes."""
    arguments = ["validate", "--format", "text", *RICH]
    outputs = {
        seed: subprocess.run(
            [sys.executable, "-m", "archplan", *arguments],
            cwd=ROOT,
            capture_output=True,
            timeout=60,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
        ).stdout
        for seed in ("0", "12345")
    }
    assert outputs["0"] == outputs["12345"]
    assert outputs["0"].decode("utf-8") == CliRunner().invoke(app, arguments).stdout


# -- no network, no stray files ------------------------------------------------------------


def _refuse(*_arguments: Any, **_keywords: Any) -> NoReturn:
    raise AssertionError("archplan tried to use the network")


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_no_network_and_no_file_but_the_asked_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    (work / "examples").mkdir(parents=True)
    for example in [*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("broken/*.yaml")]:
        target = work / "examples" / example.relative_to(EXAMPLES)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(example.read_bytes())
    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.chdir(work)
    before = _tree(work)
    files = sorted(str(path.relative_to(work)) for path in (work / "examples").rglob("*.yaml"))
    runner = CliRunner()
    runs = [
        ["validate", *files],
        ["validate", "--format", "sarif", *files],
        ["validate", "--format", "junit", "--output", "report.xml", *files],
        ["validate", "--write-baseline", "baseline.json", *files],
        ["validate", "--baseline", "baseline.json", *files],
        ["rules"],
        ["explain", "AP303"],
        ["schema"],
    ]
    # Validate reads every example above; the planners and graph read the main examples and
    # every sixth broken one (each run takes a while, and they share one loader).
    planned = [path for path in files if "broken" not in path]
    planned += [path for path in files if "broken" in path][::6]
    for path in planned:
        runs += [
            ["peering-plan", path, "--format", "json"],
            ["peering-plan", path, "--emit", "yaml"],
            ["scale-plan", path, "--format", "json"],
            ["scale-plan", path, "--emit", "terraform"],
            ["graph", path, "--format", "dot"],
        ]
    for arguments in runs:
        result = runner.invoke(app, arguments)
        assert result.exit_code in (0, 1, 2), (arguments, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            arguments,
            repr(result.exception),
        )
    after = _tree(work)
    assert set(after) - set(before) == {"report.xml", "baseline.json"}
    assert {name: after[name] for name in before} == before, "an input file was changed"
