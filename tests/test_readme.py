"""The README is what a new user reads first: it must stay true (issue 12)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def test_setting_up_takes_exactly_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", _section("Set up"), re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert len(commands) == 2


def test_every_shipped_example_is_used() -> None:
    examples = ROOT / "examples"
    for path in sorted(examples.iterdir()):
        if path.name == "broken":
            assert "examples/broken/" in README
            continue
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        for file in files:
            assert str(file.relative_to(ROOT)) in README, file


def test_the_first_five_minutes_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    block = re.search(r"```sh\n(.*?)```", _section("First five minutes"), re.S)
    assert block is not None
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        assert words[0] == "archplan"
        result = CliRunner().invoke(app, words[1:])
        assert result.exit_code == 0, (line, result.stderr)


def test_pre_commit_pins_a_commit_and_names_what_configuration_does() -> None:
    section = _section("pre-commit")
    assert re.search(r"rev: [0-9a-f]{40}", section)
    assert "not built yet" not in section
    for key in ("select", "ignore", "severity", "fail-on", "quotas", "prices"):
        assert f"`{key}`" in section, key


def test_usage_names_every_command() -> None:
    import typer

    root = typer.main.get_command(app)
    usage = _section("Usage")
    for name in root.commands:  # type: ignore[attr-defined]
        assert f"archplan {name}" in usage, name


def test_breaking_the_starter_gives_the_rules_the_readme_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First five minutes: one deleted peering route of `dev` is AP315, all of them AP312."""
    monkeypatch.chdir(tmp_path)
    section = _section("First five minutes")
    assert "AP315" in section and "AP312" in section
    assert CliRunner().invoke(app, ["init", "--shape", "hub-and-spoke"]).exit_code == 0
    lines = Path("archplan.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  dev:"))
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"  \w", lines[i]))
    dev_routes = [i for i in range(start, end) if "peering:shared-dev" in lines[i]]
    assert len(dev_routes) == 3

    def rules_without(deleted: list[int]) -> set[str]:
        kept = [line for i, line in enumerate(lines) if i not in deleted]
        Path("broken.yaml").write_text("".join(kept), encoding="utf-8")
        result = CliRunner().invoke(
            app, ["validate", "broken.yaml", "--format", "json", "--fail-on", "warning"]
        )
        assert result.exit_code == 1, result.stderr
        return set(re.findall(r'"rule": "(AP\d+)"', result.stdout))

    assert rules_without(dev_routes[:1]) == {"AP315"}
    assert rules_without(dev_routes) == {"AP312"}


def test_the_reachability_intent_output_is_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The AP790 transcript: examples/inspection.yaml with appliance_mode off, as printed."""
    block = re.search(r"```\n\$ archplan validate inspection\.yaml\n(.*?)```", README, re.S)
    assert block is not None
    example = (ROOT / "examples" / "inspection.yaml").read_text(encoding="utf-8")
    assert example.count("appliance_mode: true") == 1
    monkeypatch.chdir(tmp_path)
    Path("inspection.yaml").write_text(
        example.replace("appliance_mode: true", "appliance_mode: false"), encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["validate", "inspection.yaml"])
    assert result.exit_code == 1
    assert result.stdout == block.group(1), "update the AP790 transcript in README.md"


def _reach_transcripts() -> list[tuple[str, str]]:
    """Each `$ archplan reach ...` of the README with the output shown under it."""
    found = []
    for block in re.findall(r"```\n(\$ archplan reach .*?)```", README, re.S):
        for part in re.split(r"\n(?=\$ )", block):
            command, _, output = part.partition("\n")
            found.append((command.removeprefix("$ "), output.rstrip("\n") + "\n"))
    return found


@pytest.mark.parametrize("command, shown", _reach_transcripts(), ids=lambda value: value[:60])
def test_every_reach_transcript_is_what_reach_prints(
    command: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's reach examples, byte for byte (piped: 100 columns), so they cannot drift."""
    monkeypatch.chdir(ROOT)
    words = shlex.split(command)
    result = CliRunner().invoke(app, words[1:])
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout == shown, f"update README.md's transcript of: {command}"


def test_the_readme_shows_reach_transcripts() -> None:
    assert len(_reach_transcripts()) >= 3


def test_every_example_file_has_its_own_line_in_the_list_of_examples() -> None:
    """The README's list of examples explains every file a user finds under examples/."""
    listed = set(re.findall(r"^- `(examples/[^`]+)`", README, re.M))
    for path in sorted((ROOT / "examples").rglob("*")):
        relative = str(path.relative_to(ROOT))
        if path.is_file() and not relative.startswith("examples/broken/"):
            assert relative in listed, relative
