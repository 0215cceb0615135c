"""Every value error names its field (issue 13 item 5, new-user review): `per_unit: 0` says
`capacity.per_unit must be above 0, got 0`, not "0 must be above 0".

The test walks the schema to every number with a bound, writes a value outside it in an
otherwise empty file, and reads the finding at that value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from archplan import schema as s
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
