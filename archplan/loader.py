"""YAML text to located nodes: every value keeps its line and column; nothing is constructed.

PyYAML composes the node graph (with libyaml's C parser when it is installed); this module turns
it into archplan's own small node types so that no PyYAML type leaks out. Along the way it
resolves merge keys, reports duplicate keys, refuses object-constructing tags and bounds alias
expansion, so a hostile file is refused quickly instead of being executed or expanded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import yaml

from archplan.errors import InputError
from archplan.findings import Path, Span

try:  # libyaml's parser is several times faster; the pure-Python one gives the same nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {"str", "int", "float", "bool", "null", "timestamp"}
MAX_DEPTH = 100
MAX_ALIAS_EXPANSION = 100_000
_MAX_INT_DIGITS = 40  # no count or price in an architecture needs more


@dataclass(slots=True, eq=False)
class Scalar:
    """A scalar value (str, int, float, bool, None or date) and where it was written."""

    value: Any
    span: Span
    raw: str


@dataclass(slots=True, eq=False)
class Entry:
    """One key of a mapping with its value node."""

    key: Scalar
    value: Node


@dataclass(slots=True, eq=False)
class Mapping:
    """A mapping whose keys are strings; duplicate keys were reported, the first one kept."""

    entries: dict[str, Entry]
    span: Span


@dataclass(slots=True, eq=False)
class Sequence:
    """A sequence of nodes."""

    items: list[Node]
    span: Span


Node = Scalar | Mapping | Sequence


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key written twice in one mapping: where, and where it was first written."""

    path: Path
    span: Span
    first: Span


@dataclass(frozen=True, slots=True)
class KeyProblem:
    """A mapping key that is not a string (a number, a list...), which archplan cannot name."""

    path: Path
    span: Span
    message: str


@dataclass(slots=True, eq=False)
class Document:
    """The located root node of one file plus what composing it revealed."""

    root: Node
    duplicates: list[DuplicateKey] = field(default_factory=list)
    key_problems: list[KeyProblem] = field(default_factory=list)

    def node_at(self, path: Path) -> Node | None:
        """The node at `path`, or None when the path does not exist."""
        node: Node | None = self.root
        for step in path:
            if isinstance(node, Mapping) and isinstance(step, str):
                entry = node.entries.get(step)
                node = entry.value if entry else None
            elif isinstance(node, Sequence) and isinstance(step, int) and step < len(node.items):
                node = node.items[step]
            else:
                return None
        return node

    def span_at(self, path: Path, *, key: bool = False) -> Span:
        """Where the value at `path` (or its key) was written; the nearest existing parent else."""
        for length in range(len(path), -1, -1):
            prefix = path[:length]
            # A whole object is best shown by the key that names it, not its first field.
            if (key or not isinstance(self.node_at(prefix), Scalar)) and prefix:
                parent = self.node_at(prefix[:-1])
                if isinstance(parent, Mapping) and isinstance(prefix[-1], str):
                    entry = parent.entries.get(prefix[-1])
                    if entry is not None:
                        return entry.key.span
            node = self.node_at(prefix)
            if node is not None:
                return node.span
        return self.root.span


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _located_error(message: str, mark: Any) -> InputError:
    if mark is None:
        return InputError(message)
    return InputError(message, mark.line + 1, mark.column + 1)


def load(text: str) -> Document:
    """Compose `text` into located nodes, or raise InputError for what is not usable YAML."""
    try:
        composed = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        problem = error.problem or "invalid YAML"
        if error.context:
            problem = f"{error.context}, {problem}"
        raise _located_error(f"YAML syntax error: {problem}", error.problem_mark) from None
    except yaml.YAMLError as error:
        raise InputError(f"YAML error: {error}") from None
    except RecursionError:
        raise InputError(f"nesting is deeper than {MAX_DEPTH} levels") from None
    if composed is None:
        raise InputError("the file is empty (no YAML document)", 1, 1)
    builder = _Builder()
    root = builder.convert(composed, (), 0)
    return Document(root, builder.duplicates, builder.key_problems)


class _Builder:
    """Converts PyYAML nodes into archplan nodes, tracking aliases, merges and duplicates."""

    def __init__(self) -> None:
        self.duplicates: list[DuplicateKey] = []
        self.key_problems: list[KeyProblem] = []
        self._seen: set[int] = set()
        self._active: set[int] = set()
        self._expanded = 0
        self._constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, path: Path, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise _located_error(f"nesting is deeper than {MAX_DEPTH} levels", node.start_mark)
        ident = id(node)
        if ident in self._active:
            raise _located_error("recursive alias: a node contains itself", node.start_mark)
        if ident in self._seen:
            # Reached again through an alias: count it, so that "billion laughs" stops early.
            self._expanded += 1
            if self._expanded > MAX_ALIAS_EXPANSION:
                raise _located_error(
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} nodes "
                    "(a 'billion laughs' file?)",
                    node.start_mark,
                )
        self._seen.add(ident)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        self._active.add(ident)
        try:
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node, path, depth)
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, depth)
        finally:
            self._active.discard(ident)
        raise _located_error("unsupported YAML node", node.start_mark)  # pragma: no cover

    def _check_tag(self, node: yaml.Node, allowed: set[str]) -> None:
        tag = node.tag or ""
        if tag.startswith(_TAG) and tag[len(_TAG) :] in allowed:
            return
        shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
        raise _located_error(
            f"YAML tag {shown} is not allowed: architecture files hold plain data only",
            node.start_mark,
        )

    def _scalar(self, node: yaml.ScalarNode) -> Scalar:
        self._check_tag(node, _SCALAR_TAGS)
        span = _span(node)
        kind = node.tag[len(_TAG) :]
        value: Any
        if kind == "str":
            value = node.value
        elif kind == "int" and len(node.value.lstrip("+-").replace("_", "")) > _MAX_INT_DIGITS:
            value = TooLargeInteger(node.value)
        else:
            try:
                value = self._constructor.construct_object(node)
            except (ValueError, yaml.YAMLError, OverflowError):
                value = node.value
            if isinstance(value, datetime.date):
                value = node.value  # dates are only ever names or labels here
        return Scalar(value, span, node.value)

    def _sequence(self, node: yaml.SequenceNode, path: Path, depth: int) -> Sequence:
        self._check_tag(node, {"seq"})
        items = [self.convert(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        return Sequence(items, _span(node))

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> Mapping:
        self._check_tag(node, {"map"})
        entries: dict[str, Entry] = {}
        merged: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self._merge(value_node, path, depth, merged)
                continue
            key = self.convert(key_node, path, depth + 1)
            if not isinstance(key, Scalar) or not isinstance(key.value, str):
                shown = key.raw if isinstance(key, Scalar) else "a collection"
                self.key_problems.append(
                    KeyProblem(path, key.span, f"key {shown} is not a string; quote it")
                )
                continue
            value = self.convert(value_node, (*path, key.value), depth + 1)
            first = entries.get(key.value)
            if first is not None:
                self.duplicates.append(DuplicateKey((*path, key.value), key.span, first.key.span))
                continue
            entries[key.value] = Entry(key, value)
        for name, entry in merged.items():
            entries.setdefault(name, entry)  # explicit keys win over merged ones
        return Mapping(entries, _span(node))

    def _merge(self, value: yaml.Node, path: Path, depth: int, merged: dict[str, Entry]) -> None:
        """Collect `<<` sources; earlier sources win, as YAML's merge-key spec says."""
        sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
        for source in sources:
            converted = self.convert(source, path, depth + 1)
            if not isinstance(converted, Mapping):
                raise _located_error("a merge key (<<) must name a mapping", source.start_mark)
            for name, entry in converted.entries.items():
                merged.setdefault(name, entry)


class TooLargeInteger(str):
    """An integer literal with more digits than any real quantity; kept as text to report."""

    __slots__ = ()
