"""`archplan reach` exit codes: 0 when the answer is the one wanted, 1 when not or when it
cannot tell, 2 on input errors. Without an intent for the question the wanted answer is
"reachable"; with one, what the intent expects (validate's AP790 reports nothing then)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app

FILE = """\
archplan: 1
vpcs:
  app:
    region: us-east-1
    cidr: 10.0.0.0/16
    subnets:
      web: {cidr: 10.0.0.0/24, az: us-east-1a}
      db: {cidr: 10.0.1.0/24, az: us-east-1a}
    security_groups:
      web: {egress: [{protocol: all, ports: all, to: 0.0.0.0/0}]}
      db:
        ingress:
          - {protocol: tcp, ports: 5432, from: sg:web}
hosts:
  web-1: {vpc: app, subnet: web, security_groups: [web]}
  db-1: {vpc: app, subnet: db, security_groups: [db]}
  lost: {vpc: app, subnet: db}
"""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)
    return CliRunner()


def _file(tmp_path: Path, intents: str = "") -> str:
    path = tmp_path / "app.yaml"
    path.write_text(FILE + (f"reachability:\n{intents}" if intents else ""), encoding="utf-8")
    return str(path)


def _exit(runner: CliRunner, file: str, *question: str) -> int:
    result = runner.invoke(app, ["reach", file, *question])
    validate = runner.invoke(app, ["validate", file])
    assert validate.exit_code in (0, 1), validate.stdout
    return result.exit_code


@pytest.mark.parametrize(
    ("port", "intent", "expected"),
    [
        ("5432", "", 0),  # reachable, no intent
        ("22", "", 1),  # not reachable, no intent
        ("5432", "  - {from: web-1, to: db-1, port: 5432, expect: reachable}\n", 0),
        ("22", "  - {from: web-1, to: db-1, port: 22, expect: unreachable}\n", 0),
        # Nothing may get through: port 22 does not, as wanted (AP790 reports port 5432).
        ("22", "  - {from: web-1, to: db-1, expect: unreachable}\n", 0),
        # Something gets through (5432): says nothing about port 22 alone.
        ("22", "  - {from: web-1, to: db-1, expect: reachable}\n", 1),
        ("22", "  - {from: web-1, to: db-1, port: 22, expect: reachable}\n", 1),
        ("5432", "  - {from: web-1, to: db-1, port: 5432, expect: unreachable}\n", 1),
        ("22", "  - {from: web-1, to: db-1, port: 5432, expect: reachable}\n", 1),  # other port
    ],
)
def test_exit_follows_the_intent_for_the_question(
    runner: CliRunner, tmp_path: Path, port: str, intent: str, expected: int
) -> None:
    file = _file(tmp_path, intent)
    assert _exit(runner, file, "web-1", "db-1", "--port", port) == expected


def test_exit_agrees_with_validate(runner: CliRunner, tmp_path: Path) -> None:
    """For the question an intent asks, reach exits 0 exactly when validate's AP790 has
    nothing to say about that intent (and the answer is not "cannot tell")."""
    for port in ("22", "5432"):
        for expect in ("reachable", "unreachable"):
            file = _file(
                tmp_path, f"  - {{from: web-1, to: db-1, port: {port}, expect: {expect}}}\n"
            )
            validate = runner.invoke(app, ["validate", file])
            reach = runner.invoke(app, ["reach", file, "web-1", "db-1", "--port", port])
            assert (reach.exit_code == 0) == ("AP790" not in validate.stdout), (port, expect)


def test_cannot_tell_exits_1_even_with_an_intent(runner: CliRunner, tmp_path: Path) -> None:
    # Host "lost" has no security groups: whether db-1 lets it in is not in the file.
    for expect in ("reachable", "unreachable"):
        file = _file(tmp_path, f"  - {{from: lost, to: db-1, port: 5432, expect: {expect}}}\n")
        result = runner.invoke(app, ["reach", file, "lost", "db-1", "--port", "5432"])
        assert result.exit_code == 1, result.stdout
        assert "cannot tell whether it holds" in result.stdout
        assert "AP790" not in runner.invoke(app, ["validate", file]).stdout


def test_help_states_the_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reach", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.stdout.split())
    assert "Exit 0 when the packet gets there and back, 1 when it does not" in text
    assert "an `expect: unreachable` that is not reachable exits 0" in text


def test_an_open_reachable_intent_does_not_speak_for_one_port(
    runner: CliRunner, tmp_path: Path
) -> None:
    file = _file(tmp_path, "  - {from: web-1, to: db-1, expect: reachable}\n")
    result = runner.invoke(app, ["reach", file, "web-1", "db-1", "--port", "22"])
    assert result.exit_code == 1
    assert "the file's intent" not in result.stdout  # port 22 is closed; 5432 is open
    assert "AP790" not in runner.invoke(app, ["validate", file]).stdout
    result = runner.invoke(app, ["reach", file, "web-1", "db-1"])
    assert result.exit_code == 0
    assert "matches the file's intent (expect: reachable)" in result.stdout
