"""No cascades (issue 13, item 5): a value that fails to decode never feeds another rule.

Every scalar value of every clean example is turned, one at a time, into a value of the wrong
type (a boolean into a word, a number into a word, a word into a list); validate must then
report the decoding finding at that value and nothing else: no rule may act on the default
that stands in for the rejected value (`internet_gateway: igw` adds no AP204).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archplan.engine import validate_source
from archplan.loader import Mapping, Node, Scalar, Sequence, load
from archplan.source import Source
from tests.conftest import EXAMPLES

DECODING = frozenset({"AP002", "AP003", "AP004", "AP005", "AP006", "AP007", "AP008"})
CLEAN = sorted(EXAMPLES.glob("*.yaml"))


def _scalars(
    node: Node, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Scalar]]:
    if isinstance(node, Mapping):
        for key, entry in node.entries.items():
            yield from _scalars(entry.value, (*path, key))
    elif isinstance(node, Sequence):
        for index, item in enumerate(node.items):
            yield from _scalars(item, (*path, index))
    elif isinstance(node, Scalar) and path and path[0] != "archplan":
        yield path, node


def _wrong(value: object) -> str:
    """A value of another YAML type than `value`, written so that it fits block and flow."""
    if isinstance(value, bool):
        return "igw"
    if isinstance(value, int | float):
        return "many"
    return "[x]"


def mutations(path: Path) -> Iterator[tuple[str, str]]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    document = load(text)
    for where, scalar in _scalars(document.root):
        span = scalar.span
        if span.line != span.end_line or scalar.value is None:
            continue  # a block scalar over several lines, or an empty value
        line = lines[span.line - 1]
        changed = line[: span.column - 1] + _wrong(scalar.value) + line[span.end_column - 1 :]
        mutated = "\n".join([*lines[: span.line - 1], changed, *lines[span.line :]])
        yield ".".join(str(part) for part in where), mutated


CASES = [
    pytest.param(path, where, text, id=f"{path.name}:{where}")
    for path in CLEAN
    for where, text in mutations(path)
]


@pytest.mark.parametrize(("path", "where", "text"), CASES)
def test_a_wrong_type_gives_only_its_decoding_finding(path: Path, where: str, text: str) -> None:
    result = validate_source(Source(str(path), text))
    assert result.error is None
    rules = {finding.rule_id for finding in result.findings}
    assert rules & DECODING, f"the wrong type at {where} was not reported"
    assert [
        f"{finding.rule_id} {finding.message}"
        for finding in result.findings
        if finding.rule_id not in DECODING
    ] == []
