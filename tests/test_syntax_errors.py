"""YAML syntax errors point where the unclosed quote or bracket was opened, and show that line
of the file with a caret (review5 F23)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT


def _run(tmp_path: Path, text: str, *args: str, env: dict[str, str] | None = None) -> list[str]:
    path = tmp_path / "unq.yaml"
    path.write_text(text, encoding="utf-8")
    command = [args[0] if args else "validate", str(path), *args[1:]]
    result = CliRunner().invoke(app, command, env=env)
    assert result.exit_code == 2, result.output
    return [line.replace(str(path), "unq.yaml") for line in result.stderr.splitlines()]


def test_an_unclosed_flow_mapping_is_reported_where_it_opens(tmp_path: Path) -> None:
    lines = (ROOT / "examples" / "shared-services.yaml").read_text(encoding="utf-8").splitlines()
    assert (
        lines[30]
        == "      shared-public-a:  {cidr: 10.0.0.0/24,  az: us-east-1a, route_table: public}"
    )
    lines[30] = lines[30].replace("cidr: 10", 'cidr: "10')
    shown = _run(tmp_path, "\n".join(lines) + "\n")
    assert shown == [
        "unq.yaml:31:25: error: YAML syntax error: the { mapping opened here is never closed "
        "(did not find expected ',' or '}' at 53:15)",
        '   31 |       shared-public-a:  {cidr: "10.0.0.0/24,  az: us-east-1a, route_table: public}',
        " " * 32 + "^",
    ]


@pytest.mark.parametrize(
    "text, where, opened",
    [
        ('archplan: 1\nvpcs: {a: "x}\n', "2:11", "the quoted string"),
        ("archplan: 1\nnot: [yaml\n", "2:6", "the [ list"),
        ("archplan: 1\nvpcs: {a: 1\nb: 2\n", "2:7", "the { mapping"),
    ],
)
def test_every_opener_is_reported_at_its_place(
    tmp_path: Path, text: str, where: str, opened: str
) -> None:
    first, source, caret = _run(tmp_path, text)
    assert first.startswith(f"unq.yaml:{where}: error: YAML syntax error: {opened} opened here")
    line, column = (int(part) for part in where.split(":"))
    assert source == f"{line:>5} | " + text.splitlines()[line - 1]
    assert caret == " " * (len(f"{line:>5} | ") + column - 1) + "^"


def test_the_source_line_is_cut_to_the_width_and_escaped(tmp_path: Path) -> None:
    text = "archplan: 1\nvpcs: {" + "a: 1, " * 40 + "b: [\u202e" + "x, " * 40 + "y\n"
    first, source, caret = _run(tmp_path, text, env={"COLUMNS": "60"})
    assert first.startswith("unq.yaml:2:")
    assert len(source) <= 60 and source.startswith("    2 | …") and source.endswith("…")
    assert "\u202e" not in source and "\\u202e" in source
    column = int(first.split(":")[2])
    assert caret.endswith("^")
    assert text.splitlines()[1][column - 1] == "["
    assert source[len(caret) - 1] == "["


def test_other_commands_show_the_line_too(tmp_path: Path) -> None:
    first, source, caret = _run(tmp_path, 'archplan: 1\nvpcs: {a: "x}\n', "reach", "a", "b")
    assert first.startswith("unq.yaml:2:11: error: YAML syntax error: the quoted string")
    assert source == '    2 | vpcs: {a: "x}' and caret == " " * 18 + "^"


def test_other_syntax_errors_keep_the_parser_place(tmp_path: Path) -> None:
    first, source, _ = _run(tmp_path, "archplan: 1\nvpcs:\n  a: 1\n b: 2\n")
    assert first == (
        "unq.yaml:4:2: error: YAML syntax error: while parsing a block mapping, did not find "
        "expected key"
    )
    assert source == "    4 |  b: 2"
