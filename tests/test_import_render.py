"""The importers' YAML writer: whatever the document holds, archplan reads back the same."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from archplan.importers.render import render_document, scalar
from archplan.loader import Mapping, Node, Scalar, Sequence, load

ODD = [
    "", " ", "a b", "a: b", "a:b", "a:", "- a", "#x", "a #b", "yes", "No", "on", "~", "null",
    "1", "1.5", "0x1F", "1_000", ".inf", "-.nan", "2024-01-01", "10.0.0.0/16", "<<", "=", "!x",
    "&a", "*a", "'q'", '"q"', "%25", "::error::x", "\t", "a\nb", "\r", "\x00", "\x1b[31m",
    "\x85", "\u2028", "\u202e", "\ufeff", "\U0001f600", "\U000e0001", "é", "x" * 300,
]  # fmt: skip


def _plain(node: Node) -> Any:
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Sequence):
        return [_plain(item) for item in node.items]
    assert isinstance(node, Mapping)
    return {key: _plain(entry.value) for key, entry in node.entries.items()}


def _round_trip(document: dict[str, Any]) -> None:
    text = render_document(document, "terraform", ["plan.json"])
    assert yaml.safe_load(text) == document
    assert _plain(load(text).root) == document


def test_odd_strings_read_back_as_themselves() -> None:
    _round_trip({"archplan": 1, "values": ODD, "keys": {text or "k": text for text in ODD}})


def test_unprintable_characters_are_escaped() -> None:
    for text in ("\x85", "\u202e", "\u2028", "\ufeff", "\U000e0001"):
        assert scalar(text).isprintable()


TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(TEXT.filter(lambda key: key != "<<"), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(TEXT.filter(lambda key: key != "<<"), VALUES, max_size=5))
def test_any_document_reads_back(document: dict[str, Any]) -> None:
    _round_trip(document)
