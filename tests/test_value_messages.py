"""Every value error names its field (issue 13 item 5, new-user review): `per_unit: 0` says
`capacity.per_unit must be above 0, got 0`, not "0 must be above 0"; `cidr: [1]` says
`cidr must be an IPv4 CIDR block as a string, got a list`, not "expected ..., got a list".

The tests walk the schema to every number with a bound, and to every place a value can be of
the wrong type (AP003), write a wrong value there in an otherwise empty file, and read the
finding at that value. A field added to the schema is walked with the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archplan import schema as s
from archplan.cli import app
from archplan.engine import validate_source
from archplan.source import Source


def _numbers(kind: s.Kind, label: tuple[str, ...] = ()) -> Iterator[tuple[Any, str, str]]:
    """(document fragment holding a wrong value, field name, written value) per bounded number;
    the field name is as the user writes it within its object (after the object's name)."""
    if isinstance(kind, s.Object):
        for key, field in kind.fields.items():
            for fragment, name, value in _numbers(field.kind, (*label, key)):
                yield {key: fragment}, name, value
    elif isinstance(kind, s.NamedMap):
        for fragment, name, value in _numbers(kind.value, ()):
            yield {"x1": fragment}, name or "x1", value
    elif isinstance(kind, s.ListOf):
        item_label = (*label[:-1], f"{label[-1]}[0]") if label else label
        for fragment, name, value in _numbers(kind.item, item_label):
            yield [fragment], name, value
    elif isinstance(kind, s.Either):
        for option in kind.options:
            yield from _numbers(option, label)
    elif isinstance(kind, s.Integer | s.Number):
        name = ".".join(label)
        if kind.minimum is not None:
            yield kind.minimum - 1, name, str(kind.minimum - 1)
            if isinstance(kind, s.Number) and kind.exclusive_minimum:
                yield kind.minimum, name, str(kind.minimum)
        if kind.maximum is not None:
            yield kind.maximum + 1, name, str(kind.maximum + 1)


CASES = [
    pytest.param(fragment, name, value, id=f"{name}={value}")
    for fragment, name, value in _numbers(s.ARCHITECTURE)
]


def test_the_schema_has_bounded_numbers() -> None:
    assert len(CASES) > 40


@pytest.mark.parametrize(("fragment", "name", "value"), CASES)
def test_an_out_of_range_number_names_its_field(fragment: Any, name: str, value: str) -> None:
    text = "archplan: 1\n" + "\n".join(
        f"{key}: {json.dumps(part)}" for key, part in fragment.items() if key != "archplan"
    )
    result = validate_source(Source("t.yaml", text + "\n"))
    assert result.error is None
    messages = [finding.message for finding in result.findings if finding.rule_id == "AP006"]
    assert any(message.startswith(f"{name} ") and value in message for message in messages), (
        messages
    )


# A value of each shape, to write where the schema wants another (AP003).
_SHAPES: tuple[Any, ...] = ([1], {"k": 1}, "abc", 5)


def _wrong_value(kind: s.Kind) -> Any:
    """A value no option of `kind` takes by its shape or type, or None when every shape fits."""
    options = kind.options if isinstance(kind, s.Either) else (kind,)
    for value in _SHAPES:
        if not any(_takes(option, value) for option in options):
            return value
    return None


def _takes(kind: s.Kind, value: Any) -> bool:
    if isinstance(kind, s.Object | s.NamedMap):
        return isinstance(value, dict)
    if isinstance(kind, s.ListOf):
        return isinstance(value, list)
    if isinstance(kind, s.Integer | s.Number):
        return isinstance(value, int)
    if isinstance(kind, s.Boolean):
        return isinstance(value, bool)
    return isinstance(value, str)


def _name(path: tuple[str | int, ...], named_at: int) -> str:
    """The field as a message names it: within its object, or `map.key` for a whole value."""
    parts = path[named_at:] if named_at < len(path) else path[-2:]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def _positions(
    kind: s.Kind, path: tuple[str | int, ...] = (), named_at: int = 0
) -> Iterator[tuple[tuple[str | int, ...], int, Any]]:
    """(path, where its field's name starts, a wrong-typed value) for every place in the schema."""
    wrong = _wrong_value(kind)
    if wrong is not None and path and path != ("archplan",):
        yield path, named_at, wrong
    if isinstance(kind, s.Object):
        for key, field in kind.fields.items():
            yield from _positions(field.kind, (*path, key), named_at)
    elif isinstance(kind, s.NamedMap):
        yield from _positions(kind.value, (*path, "x1"), len(path) + 1)
    elif isinstance(kind, s.ListOf):
        yield from _positions(kind.item, (*path, 0), named_at)
    elif isinstance(kind, s.Either):
        for option in kind.options:
            if isinstance(option, s.Object | s.NamedMap | s.ListOf):
                yield from _positions_below(option, path, named_at)


def _positions_below(
    kind: s.Object | s.NamedMap | s.ListOf, path: tuple[str | int, ...], named_at: int
) -> Iterator[tuple[tuple[str | int, ...], int, Any]]:
    """The places inside one option of an Either (the option itself was yielded with it)."""
    for found in _positions(kind, path, named_at):
        if found[0] != path:
            yield found


def _document(path: tuple[str | int, ...], value: Any) -> Any:
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


POSITIONS = list(_positions(s.ARCHITECTURE))
TYPE_CASES = [
    pytest.param(path, _name(path, named_at), value, id=".".join(map(str, path)))
    for path, named_at, value in POSITIONS
]


def test_the_schema_walk_reaches_every_section() -> None:
    assert len(POSITIONS) > 150
    assert {path[0] for path, _at, _value in POSITIONS} == set(s.ARCHITECTURE.fields) - {"archplan"}


@pytest.mark.parametrize(("path", "name", "value"), TYPE_CASES)
def test_a_wrong_type_names_its_field(path: tuple[str | int, ...], name: str, value: Any) -> None:
    """Every AP003 says which field, what it must be and what was written."""
    document = _document(path, value)
    text = "archplan: 1\n" + "".join(
        f"{key}: {json.dumps(part)}\n" for key, part in document.items()
    )
    result = validate_source(Source("t.yaml", text))
    assert result.error is None
    found = [finding for finding in result.findings if finding.rule_id == "AP003"]
    assert [finding.path for finding in found] == [path], result.findings
    message = found[0].message
    assert message.startswith(f"{name} must be "), message
    assert f", got {_GOT[type(value)]}" in message, message


_GOT = {list: "a list", dict: "a mapping", str: "a string ('abc')", int: "an integer (5)"}


@pytest.mark.parametrize("output_format", ["text", "concise", "github", "json"])
def test_a_wrong_type_message_escapes_the_name_it_quotes(
    output_format: str, tmp_path: Path
) -> None:
    # A VPC's name is the user's own text, quoted in `vpcs.NAME must be a mapping`: a terminal
    # escape or a bidirectional override in it is shown escaped, never written raw.
    path = tmp_path / "t.yaml"
    path.write_text('archplan: 1\nvpcs:\n  "a\\e]0;x\\a\\u202e": 5\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path), "--format", output_format])
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    if output_format == "json":  # JSON carries the text itself, in JSON's escapes
        message = json.loads(result.stdout)["files"][0]["findings"][0]["message"]
        assert message.startswith("vpcs.a\x1b]0;x\x07\u202e must be a mapping")
    else:
        assert "vpcs.a\\x1b]0;x\\x07\\u202e must be a mapping" in result.stdout
