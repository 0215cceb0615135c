"""The command line as users and CI see it: streams, exit codes, formats, golden reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan import __version__
from archplan.cli import app
from tests.conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden"
ESTATE = "tests/golden/estate.yaml"
CLEAN = """archplan: 1
vpcs:
  shared: {region: us-east-1, cidr: 10.0.0.0/16}
"""
WARNING_ONLY = """archplan: 1
vpcs:
  shared: {region: us-east-1, cidr: 10.0.0.1/16}
"""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    # The tests must not depend on where they run: CI sets GITHUB_ACTIONS, some set FORCE_COLOR.
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(variable, raising=False)
    return CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"archplan {__version__}\n"


def test_clean_file_exits_zero(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", _write(tmp_path, "a.yaml", CLEAN)])
    assert result.exit_code == 0
    assert result.stdout == "0 errors, 0 warnings, 0 info in 1 file\n"
    assert result.stderr == ""


def test_findings_exit_one(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", ESTATE, "--format", "concise"])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{ESTATE}:")


def test_warnings_pass_unless_fail_on_warning(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "w.yaml", WARNING_ONLY)
    assert runner.invoke(app, ["validate", path]).exit_code == 0
    assert runner.invoke(app, ["validate", path, "--fail-on", "warning"]).exit_code == 1
    assert runner.invoke(app, ["validate", path, "--fail-on", "info"]).exit_code == 1


def test_unreadable_input_exits_two_with_location_on_stderr(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _write(tmp_path, "bad.yaml", "archplan: 1\nvpcs: {a: [1, 2\n")
    result = runner.invoke(app, ["validate", path])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2:11: error: YAML syntax error")  # the open [


def test_missing_file_and_directory(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml"), str(tmp_path)])
    assert result.exit_code == 2
    assert "nope.yaml: error: no such file" in result.stderr
    assert "is a directory" in result.stderr


def test_input_error_wins_over_findings_and_every_file_is_reported(
    runner: CliRunner, tmp_path: Path
) -> None:
    bad = _write(tmp_path, "bad.yaml", "- not a mapping\n")
    result = runner.invoke(app, ["validate", ESTATE, bad, "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [entry["file"] for entry in report["files"]] == [ESTATE, bad]
    assert report["files"][0]["findings"]
    assert report["files"][1]["error"]["line"] == 1


def test_standard_input(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "-", "--format", "concise"], input=WARNING_ONLY)
    assert result.exit_code == 0
    assert result.stdout.startswith("<stdin>:3:37: warning AP008")


def test_file_size_limit(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "big.yaml", CLEAN)
    result = runner.invoke(app, ["validate", path, "--max-file-size", "10"])
    assert result.exit_code == 2
    assert "larger than the 10-byte limit" in result.stderr


def test_usage_errors_exit_two(runner: CliRunner) -> None:
    assert runner.invoke(app, ["validate"]).exit_code == 2
    assert runner.invoke(app, ["validate", ESTATE, "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["nonsense"]).exit_code == 2


def test_no_color_when_not_a_terminal(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", ESTATE])
    assert "\x1b[" not in result.stdout


def test_rules_lists_every_rule(runner: CliRunner) -> None:
    from archplan.rules import RULES

    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    # One rule a line starting with its id; a long summary continues on indented lines.
    lines = result.stdout.splitlines()
    listed = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert listed == sorted(RULES)
    assert all(line.startswith("   ") for line in lines if not line.startswith("AP"))
    as_json = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert [rule["id"] for rule in as_json] == sorted(RULES)


@pytest.mark.parametrize(
    ("output_format", "golden"),
    [("text", "estate.text.txt"), ("concise", "estate.concise.txt"), ("json", "estate.json")],
)
def test_golden_reports(
    runner: CliRunner, output_format: str, golden: str, update_golden: bool
) -> None:
    """Whole-report snapshots; refresh with `pytest tests/test_cli.py --update-golden`."""
    first = runner.invoke(app, ["validate", ESTATE, "--format", output_format])
    second = runner.invoke(app, ["validate", ESTATE, "--format", output_format])
    assert first.stdout == second.stdout, "output must be byte-identical across runs"
    path = GOLDEN / golden
    if update_golden:
        path.write_text(first.stdout, encoding="utf-8")
    assert first.stdout == path.read_text(encoding="utf-8")


def test_json_report_shape(runner: CliRunner) -> None:
    report = json.loads(runner.invoke(app, ["validate", ESTATE, "--format", "json"]).stdout)
    assert set(report) == {"version", "files", "summary"}
    assert set(report["summary"]) == {"error", "warning", "info"}
    finding = report["files"][0]["findings"][0]
    assert set(finding) == {
        "rule", "name", "severity", "message", "line", "column",
        "end_line", "end_column", "path", "related",
    }  # fmt: skip
    assert finding["severity"] in {"error", "warning", "info"}
    counted = sum(report["summary"].values())
    assert counted == len(report["files"][0]["findings"])


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archplan", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **{
                key: value
                for key, value in os.environ.items()
                if key not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")
            },
            **env,
        },
        timeout=60,
    )


def test_python_dash_m_and_examples_validate_clean() -> None:
    examples = sorted(str(path) for path in EXAMPLES.glob("*.yaml"))
    assert examples, "examples/ must ship architectures"
    result = _run("validate", *examples)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings, 0 info" in result.stdout


def test_no_traceback_for_hostile_input(tmp_path: Path) -> None:
    hostile = {
        "binary.yaml": bytes(range(256)) * 10,
        "python.yaml": b"archplan: 1\nx: !!python/object/apply:os.system ['touch pwned']\n",
        "laughs.yaml": b"archplan: 1\na: &a [x, x]\n"
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n".encode()
            for i in range(20)
        ),
    }
    for name, data in hostile.items():
        (tmp_path / name).write_bytes(data)
    result = _run("validate", *sorted(str(tmp_path / name) for name in hostile))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert not (ROOT / "pwned").exists() and not (tmp_path / "pwned").exists()


def test_colour_follows_the_terminal_and_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from archplan.cli import io as cli

    for variable in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli.use_color() is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli.use_color() is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert cli.use_color() is False


def test_coloured_text_report_marks_severity() -> None:
    from archplan.reports.text import render
    from tests.conftest import validate_text

    result = validate_text(WARNING_ONLY)
    assert "\x1b[" in render([result], True)
    assert "\x1b[" not in render([result], False)


def test_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    estate = ROOT / ESTATE
    command = f'"{sys.executable}" -m archplan validate "{estate}" | head -c 10 >/dev/null'
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, cwd=ROOT
    )
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("command", ["validate", "graph", "peering-plan"])
def test_a_large_file_run_outside_main_is_freed_and_never_ends_the_process(
    runner: CliRunner, tmp_path: Path, command: str
) -> None:
    """Only main() (the console script) keeps a large model and ends the process with
    os._exit; a command run any other way frees it, or it would end a test run silently."""
    from archplan.cli import io as memory

    path = tmp_path / "large.yaml"
    padding = "# " + "x" * memory.KEEP_FROM_CHARS + "\n"
    path.write_text(padding + "archplan: 1\nvpcs:\n  a: {region: us-east-1, cidr: 10.0.0.0/16}\n")
    result = runner.invoke(app, [command, str(path)])
    assert result.exit_code == 0, result.output
    assert memory.kept == []


def test_help_names_only_options_the_command_has(runner: CliRunner) -> None:
    """reach has no --output: its --width help must not send users to one (review5 F21)."""
    result = runner.invoke(app, ["reach", "--help"], env={"COLUMNS": "200"})
    assert "--width" in result.stdout
    assert "--output" not in result.stdout
