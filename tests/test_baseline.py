"""Baselines: --write-baseline records today's findings, --baseline reports only new ones, and
moving lines does not resurrect baselined findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app

OLD = """archplan: 1
vpcs:
  shared: {region: us-east-1, cidr: 172.17.0.0/16}
"""
# The same finding three lines further down, and a new one.
MOVED = """archplan: 1
# A comment
# pushes everything
# down.
vpcs:
  shared: {region: us-east-1, cidr: 172.17.0.0/16}
"""
NEW = MOVED + "  other: {region: us-east-1, cidr: 10.0.0.1/16}\n"


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "--format", "concise", *args])
    return result.exit_code, result.stdout, result.stderr


def test_write_then_report_only_new_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "net").mkdir()
    arch = tmp_path / "net" / "a.yaml"
    arch.write_text(OLD, encoding="utf-8")
    code, stdout, stderr = _run(
        tmp_path, monkeypatch, "net/a.yaml", "--fail-on", "warning", "--write-baseline", "b.json"
    )
    assert (code, stdout) == (0, "")
    assert "recorded 1 findings of 1 files in b.json" in stderr
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert data["archplan-baseline"] == 1
    (entry,) = data["files"]["net/a.yaml"].values()
    assert (entry["rule"], entry["count"], entry["path"]) == ("AP104", 1, "vpcs.shared.cidr")

    code, stdout, _ = _run(
        tmp_path, monkeypatch, "net/a.yaml", "--fail-on", "warning", "--baseline", "b.json"
    )
    assert (code, stdout) == (0, "")

    arch.write_text(MOVED, encoding="utf-8")
    code, stdout, _ = _run(
        tmp_path, monkeypatch, "net/a.yaml", "--fail-on", "warning", "--baseline", "b.json"
    )
    assert (code, stdout) == (0, ""), "a moved finding came back"

    arch.write_text(NEW, encoding="utf-8")
    code, stdout, _ = _run(
        tmp_path, monkeypatch, "net/a.yaml", "--fail-on", "warning", "--baseline", "b.json"
    )
    assert code == 1 and "AP008" in stdout and "AP104" not in stdout


def test_baseline_paths_are_relative_to_the_baseline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.yaml").write_text(OLD, encoding="utf-8")
    _run(tmp_path, monkeypatch, "a.yaml", "--write-baseline", "sub/b.json")
    data = json.loads((tmp_path / "sub" / "b.json").read_text(encoding="utf-8"))
    assert list(data["files"]) == ["../a.yaml"]
    monkeypatch.chdir(tmp_path / "sub")
    result = CliRunner().invoke(
        app, ["validate", "--fail-on", "warning", "--baseline", "b.json", "../a.yaml"]
    )
    assert result.exit_code == 0


def test_a_second_identical_finding_is_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "archplan: 1\nvpcs:\n  a: {region: us-east-1, cidr: 10.0.0.0/16}  # archplan: ignore[AP104]\n"
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    _run(tmp_path, monkeypatch, "a.yaml", "--write-baseline", "b.json")
    doubled = text + "  b: {region: us-east-1, cidr: 10.1.0.0/16}  # archplan: ignore[AP104]\n"
    (tmp_path / "a.yaml").write_text(doubled, encoding="utf-8")
    code, stdout, _ = _run(
        tmp_path, monkeypatch, "a.yaml", "--fail-on", "info", "--baseline", "b.json"
    )
    assert code == 1 and stdout.count("AP901") == 1 and ":4:" in stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "b.json:1:2: error: the baseline is not valid JSON"),
        ('{"files": {}}', "b.json: error: not an archplan baseline"),
        ('{"archplan-baseline": 1, "files": {"a.yaml": {"x": {"count": 0}}}}', "no valid count"),
    ],
)
def test_a_bad_baseline_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    (tmp_path / "a.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "b.json").write_text(text, encoding="utf-8")
    code, stdout, stderr = _run(tmp_path, monkeypatch, "a.yaml", "--baseline", "b.json")
    assert (code, stdout) == (2, "")
    assert message in stderr


def test_missing_baseline_and_unwritable_baseline_are_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text(OLD, encoding="utf-8")
    code, _, stderr = _run(tmp_path, monkeypatch, "a.yaml", "--baseline", "none.json")
    assert code == 2 and "none.json: error: cannot read the baseline" in stderr
    code, _, stderr = _run(tmp_path, monkeypatch, "a.yaml", "--write-baseline", "no/dir/b.json")
    assert code == 2 and "cannot write the baseline" in stderr


def test_write_baseline_refuses_when_a_file_is_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text(OLD, encoding="utf-8")
    code, _, stderr = _run(
        tmp_path, monkeypatch, "a.yaml", "missing.yaml", "--write-baseline", "b.json"
    )
    assert code == 2 and "not written" in stderr
    assert not (tmp_path / "b.json").exists()
