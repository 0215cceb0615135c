"""YAML text to located nodes: every value keeps its line and column; nothing is constructed.

PyYAML's parser (libyaml's C parser when it is installed) yields events; this module composes
them into archplan's own small node types, so no PyYAML type leaks out. Along the way it
resolves merge keys, reports duplicate keys, refuses object-constructing tags and bounds alias
expansion, so a hostile file is refused quickly instead of being executed or expanded.
"""

from __future__ import annotations

import datetime
import re
import sys
from collections.abc import Mapping as MappingOf
from typing import Any, NamedTuple

from archplan.errors import InputError
from archplan.findings import Path, Span
from archplan.limits import ALIAS_BYTES, NODES, BudgetExceeded, exceeded_message


def _prime_reader_pattern() -> None:
    """Spare every run the ~5 ms PyYAML spends compiling one regex when `yaml` is imported.

    `yaml.reader.Reader.NON_PRINTABLE` is a negated class of ~1.1 million code points, and
    `re` expands its ranges one code point at a time (60,000 steps in Python). archplan reads
    with libyaml, which never uses it; the pure-Python fallback does. So `re`'s cache is handed,
    under that pattern's key, the same set spelled as its complement (2,000 steps): the same
    characters match (a test compares both on every code point). If `re` keeps its cache
    differently in some Python, this does nothing and PyYAML compiles its own.
    """
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict) or "yaml.reader" in sys.modules:
        return
    key = (str, NON_PRINTABLE, 0)
    if key not in cache:
        cache[key] = re.compile(PRINTABLE_COMPLEMENT)


# PyYAML's pattern exactly as yaml/reader.py passes it to re.compile (the escapes are the
# string literal's: the cache key holds the characters themselves), and its complement.
NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
PRINTABLE_COMPLEMENT = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]|[\ud800-\udfff\ufffe\uffff]"
_prime_reader_pattern()

import yaml  # noqa: E402 - after the pattern is primed

try:  # libyaml's parser is several times faster; the pure-Python one gives the same nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_TAG = "tag:yaml.org,2002:"
MAX_DEPTH = 100
MAX_ALIAS_EXPANSION = 100_000
_MAX_INT_DIGITS = 40  # no count or price in an architecture needs more


# The node classes are written out with __slots__ rather than declared as dataclasses: they
# are as cheap to create (one per YAML node), and a dataclass costs ~0.6 ms at import, which
# every run of `archplan validate` pays. Equality is identity, as with eq=False.


class _Slotted:
    __slots__ = ()

    def __repr__(self) -> str:
        names: tuple[str, ...] = self.__slots__
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__name__}({shown})"


class _Located(_Slotted):
    """A node's place, kept as the parser's start and end marks (objects with 0-based `line`
    and `column`) and turned into a Span only when asked: most nodes are never located, and
    building a Span for each of a million nodes was a tenth of loading a large file."""

    __slots__ = ("_end", "_start")
    _start: Any
    _end: Any

    @property
    def span(self) -> Span:
        start, end = self._start, self._end
        return _new_tuple(Span, (start.line + 1, start.column + 1, end.line + 1, end.column + 1))


class Scalar(_Located):
    """A scalar value (str, int, float, bool, None or date) and where it was written."""

    __slots__ = ("raw", "value")

    def __init__(self, value: Any, start: Any, end: Any, raw: str) -> None:
        self.value = value
        self._start = start
        self._end = end
        self.raw = raw


class Entry(_Slotted):
    """One key of a mapping with its value node."""

    __slots__ = ("key", "value")

    def __init__(self, key: Scalar, value: Node) -> None:
        self.key = key
        self.value = value


class Mapping(_Located):
    """A mapping whose keys are strings; duplicate keys were reported, the first one kept."""

    __slots__ = ("entries",)

    def __init__(self, entries: dict[str, Entry], start: Any, end: Any) -> None:
        self.entries = entries
        self._start = start
        self._end = end

    @classmethod
    def empty_at(cls, node: Node) -> Mapping:
        """An empty mapping written where `node` is (`key:` with nothing under it)."""
        return cls({}, node._start, node._end)


class Sequence(_Located):
    """A sequence of nodes."""

    __slots__ = ("_items",)

    def __init__(self, items: list[Node], start: Any, end: Any) -> None:
        self._items: list[Node] | None = items
        self._start = start
        self._end = end

    @property
    def items(self) -> list[Node]:
        items = self._items
        return items if items is not None else self._build_items()

    def _build_items(self) -> list[Node]:  # pragma: no cover - only Numbers leaves it empty
        raise AssertionError("a sequence without items")


class _Place(NamedTuple):
    """A mark built from a line and column (0-based, as the parser's)."""

    line: int
    column: int


class Numbers(Sequence):
    """A sequence of plain decimal numbers (hourly demand), decoded in one pass.

    `values` holds the numbers (int or float, exactly what the general path would construct),
    `raws` their text; each element's place is kept as two ints, and its Scalar node is built
    only when something asks for `items` (a finding to locate, a value out of range).
    """

    __slots__ = ("columns", "lines", "raws", "values")

    def __init__(
        self,
        values: list[int | float],
        raws: list[str],
        lines: list[int],
        columns: list[int],
        start: Any,
        end: Any,
    ) -> None:
        super().__init__(None, start, end)  # type: ignore[arg-type]
        self.values = values
        self.raws = raws
        self.lines = lines
        self.columns = columns

    def _build_items(self) -> list[Node]:
        items: list[Node] = [
            Scalar(value, _Place(line, column), _Place(line, column + len(raw)), raw)
            for value, raw, line, column in zip(
                self.values, self.raws, self.lines, self.columns, strict=True
            )
        ]
        self._items = items
        return items


Node = Scalar | Mapping | Sequence


class DuplicateKey(NamedTuple):
    """A key written twice in one mapping: where, and where it was first written."""

    path: Path
    span: Span
    first: Span


class TypeProblem(NamedTuple):
    """A key or value whose YAML type archplan cannot use (a number as a key, `!!bool x`)."""

    path: Path
    span: Span
    message: str


class Document(_Slotted):
    """The located root node of one file plus what composing it revealed."""

    __slots__ = ("duplicates", "root", "type_problems")

    def __init__(
        self,
        root: Node,
        duplicates: list[DuplicateKey] | None = None,
        type_problems: list[TypeProblem] | None = None,
    ) -> None:
        self.root = root
        self.duplicates = duplicates if duplicates is not None else []
        self.type_problems = type_problems if type_problems is not None else []

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
        """Where the value at `path` (or, with `key`, its key) was written.

        A path that does not exist (a missing field) falls back to the key of the nearest
        object that does: the place to add it.
        """
        for length in range(len(path), -1, -1):
            prefix = path[:length]
            if (key or length < len(path)) and prefix:
                entry = self._entry(prefix)
                if entry is not None:
                    return entry.key.span
            node = self.node_at(prefix)
            if node is not None:
                return node.span
        return self.root.span

    def _entry(self, path: Path) -> Entry | None:
        parent = self.node_at(path[:-1])
        if isinstance(parent, Mapping) and isinstance(path[-1], str):
            return parent.entries.get(path[-1])
        return None


def _located_error(message: str, mark: Any) -> InputError:
    if mark is None:
        return InputError(message)
    return InputError(message, mark.line + 1, mark.column + 1)


def _span(start: Any, end: Any) -> Span:
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def load(
    text: str, tags: MappingOf[str, str] | None = None, top_mapping: str | None = None
) -> Document:
    """Parse `text` into located nodes, or raise InputError for what is not usable YAML.

    With `top_mapping`, a document that is not a mapping is refused at its first event with
    that message (`{kind}` filled with "a list" or "a single value"), before a 5 MB list at the
    top is composed only to be refused.

    Architecture files pass no `tags`, so every local tag is refused. A reader of another
    format (CloudFormation's `!Ref`, `!Sub`...) names the local tags it accepts and the key each
    stands for: a node tagged `!Ref` is read as the one-key mapping `{Ref: node}`, exactly what
    the long form `Ref: node` gives, so the two forms need one interpreter.
    """
    parser = None
    try:
        parser = _Loader(text)  # the pure-Python reader checks characters here already
        return _Composer(parser, tags or {}).document(top_mapping)
    except BudgetExceeded as error:
        # Raised again without the composer's frames, whose locals hold the million nodes
        # read so far: they are freed now, not kept for the garbage collector to walk.
        crossed = error.with_traceback(None)
    except yaml.reader.ReaderError as error:
        line, column = _position(text, error.position)
        shown = f"0x{error.character:02x}" if isinstance(error.character, int) else "a character"
        raise InputError(
            f"{shown} is a control character, which YAML does not allow in a file; remove it",
            line,
            column,
        ) from None
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(text, error) from None
    except yaml.YAMLError as error:
        raise InputError(f"YAML error: {error}") from None
    finally:
        if parser is not None:
            parser.dispose()
    raise crossed


# What the parser was reading when it gave up, when that is something opened and never
# closed: the error is reported where it was opened, which is where the fix goes (the parser
# itself stops at the end of the file, or lines later).
_OPENED = {
    "while scanning a quoted scalar": "the quoted string",
    "while parsing a flow mapping": "the { mapping",
    "while parsing a flow sequence": "the [ list",
}


def _syntax_error(text: str, error: yaml.MarkedYAMLError) -> InputError:
    """A located YAML syntax error carrying the line it points at (InputError.source_line)."""
    problem = error.problem or "invalid YAML"
    opened = _OPENED.get(error.context or "")
    start, stop = error.context_mark, error.problem_mark
    if opened and start is not None and stop is not None and start.index != stop.index:
        where = f"{stop.line + 1}:{stop.column + 1}"
        located = _located_error(
            f"YAML syntax error: {opened} opened here is never closed ({problem} at {where})",
            start,
        )
    else:
        if error.context:
            problem = f"{error.context}, {problem}"
        located = _located_error(f"YAML syntax error: {problem}", stop)
    if located.line is not None:
        lines = text.split("\n", located.line)
        if located.line <= len(lines):
            located.source_line = lines[located.line - 1].rstrip("\r")
    return located


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Composer:
    """Builds archplan nodes straight from the parser's events.

    Doing the composing here (instead of PyYAML's composer, then a second pass) reads the file
    once and lets aliases share the anchored node: an alias costs the anchored subtree's size
    against MAX_ALIAS_EXPANSION, so a "billion laughs" file is refused before it is walked.
    """

    def __init__(self, parser: Any, tags: MappingOf[str, str]) -> None:
        self._next = parser.get_event
        self._tags = tags
        self.duplicates: list[DuplicateKey] = []
        self.type_problems: list[TypeProblem] = []
        self._anchors: dict[str, tuple[Node, int]] = {}  # anchor -> (node, subtree size)
        self._open_anchors: set[str] = set()
        self._expanded = 0
        self._expanded_bytes = 0  # keys' and scalars' characters that aliases repeat
        self._bytes_of: dict[int, int] = {}  # id(node) -> its characters, for _alias_bytes
        self._constructor = yaml.constructor.SafeConstructor()
        # The nodes budget, in halves: a node costs 2, a number in a list of numbers 1.
        self._room = 2 * NODES

    def document(self, top_mapping: str | None = None) -> Document:
        self._expect(yaml.StreamStartEvent)
        event = self._next()
        if isinstance(event, yaml.StreamEndEvent):
            raise InputError("the file is empty (no YAML document)", 1, 1)
        if not isinstance(event, yaml.DocumentStartEvent):  # pragma: no cover - parser order
            raise _located_error("expected a YAML document", event.start_mark)
        first = self._next()
        if top_mapping is not None and not isinstance(first, yaml.MappingStartEvent):
            kind = "a list" if isinstance(first, yaml.SequenceStartEvent) else "a single value"
            raise _located_error(top_mapping.format(kind=kind), first.start_mark)
        root, _ = self._node(first, (), 0)
        self._expect(yaml.DocumentEndEvent)
        event = self._next()
        if not isinstance(event, yaml.StreamEndEvent):
            raise _located_error(
                "a second YAML document (---) was found; an architecture file holds one",
                event.start_mark,
            )
        return Document(root, self.duplicates, self.type_problems)

    def _expect(self, kind: type) -> None:
        event = self._next()
        if not isinstance(event, kind):  # pragma: no cover - the parser guarantees the order
            raise _located_error(f"unexpected {type(event).__name__}", event.start_mark)

    def _node(self, event: Any, path: Path, depth: int) -> tuple[Node, int]:
        """The node an event starts, and how many nodes it holds (for alias accounting)."""
        if depth > MAX_DEPTH:
            raise _located_error(f"nesting is deeper than {MAX_DEPTH} levels", event.start_mark)
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event)
        anchor = event.anchor
        if anchor is not None:
            self._open_anchors.add(anchor)
        wrap = self._tags.get(event.tag) if event.tag is not None else None
        if wrap is not None:
            # The tag is consumed here; the node under it is read as untagged (a scalar as a
            # string, since an explicitly tagged scalar is never resolved implicitly).
            event.tag = None
        if isinstance(event, yaml.ScalarEvent):
            result: tuple[Node, int] = (self._scalar(event), 1)
        elif isinstance(event, yaml.SequenceStartEvent):
            result = self._sequence(event, path, depth)
        elif isinstance(event, yaml.MappingStartEvent):
            result = self._mapping(event, path, depth)
        else:  # pragma: no cover - the parser guarantees a node here
            raise _located_error(f"unexpected {type(event).__name__}", event.start_mark)
        if wrap is not None:
            self._charge(2, event.start_mark)
            node, size = result
            key = Scalar(wrap, node._start, node._end, wrap)
            result = (Mapping({wrap: Entry(key, node)}, node._start, node._end), size + 1)
        if anchor is not None:
            self._open_anchors.discard(anchor)
            self._anchors[anchor] = result
        return result

    def _charge(self, halves: int, mark: Any) -> None:
        """Count `halves` against the nodes budget; past it the file is refused at `mark`."""
        self._room -= halves
        if self._room < 0:
            raise BudgetExceeded(
                exceeded_message("nodes", "the document holds more than {limit} nodes", NODES),
                mark.line + 1,
                mark.column + 1,
            )

    def _alias(self, event: Any) -> tuple[Node, int]:
        anchor = event.anchor
        if anchor in self._open_anchors:
            raise _located_error("recursive alias: a node contains itself", event.start_mark)
        if anchor not in self._anchors:
            raise _located_error(f"alias *{anchor} names no anchor (&{anchor})", event.start_mark)
        node, size = self._anchors[anchor]
        self._expanded += size
        if self._expanded > MAX_ALIAS_EXPANSION:
            raise _located_error(
                exceeded_message(
                    "alias-nodes", "aliases expand to more than {limit} nodes", MAX_ALIAS_EXPANSION
                ),
                event.start_mark,
            )
        self._expanded_bytes += _alias_bytes(node, self._bytes_of)
        if self._expanded_bytes > ALIAS_BYTES:
            mark = event.start_mark
            raise BudgetExceeded(
                exceeded_message(
                    "alias-bytes", "aliases expand to more than {limit} bytes", ALIAS_BYTES
                ),
                mark.line + 1,
                mark.column + 1,
            )
        return node, size

    def _check_collection_tag(self, event: Any, allowed: str) -> None:
        tag = event.tag
        if tag is not None and tag != "!" and tag != allowed:
            raise self._tag_error(tag, event.start_mark)

    def _tag_error(self, tag: str, mark: Any) -> InputError:
        if not self._tags:
            return _tag_error(tag, mark)
        known = ", ".join(sorted(self._tags))
        return _located_error(
            f"YAML tag {tag} is not allowed here; the tags known are {known}", mark
        )

    def _scalar(self, event: Any) -> Scalar:
        self._room -= 2
        if self._room < 0:
            self._charge(0, event.start_mark)
        value: Any = event.value
        tag = event.tag
        if tag is None or tag == "!":
            # Most plain scalars start with a character no implicit type starts with.
            plain = event.implicit[0] and tag is None and value[:1] in _IMPLICIT
            if plain and (number := _number(value)) is not None:
                # A plain decimal number: int() or float() gives what PyYAML's constructor
                # would, without building a PyYAML node and dispatching on its tag.
                return Scalar(
                    float(value) if number.lastindex else int(value),
                    event.start_mark,
                    event.end_mark,
                    value,
                )
            tag = _resolve_plain(value) if plain else _STR
        elif tag not in _SCALAR_TAGS:
            raise self._tag_error(tag, event.start_mark)
        start, end = event.start_mark, event.end_mark
        if tag == _STR:
            return Scalar(value, start, end, value)
        if tag == _INT and len(value.lstrip("+-").replace("_", "")) > _MAX_INT_DIGITS:
            return Scalar(TooLargeInteger(value), start, end, value)
        try:
            converted = self._constructor.construct_object(yaml.ScalarNode(tag, value))
        except Exception:
            self.type_problems.append(
                TypeProblem((), _span(start, end), f'"{value}" is not a valid !!{tag[len(_TAG) :]}')
            )
            converted = Unreadable(value)
        if isinstance(converted, datetime.date):
            converted = value  # dates are only ever names or labels here
        return Scalar(converted, start, end, value)

    def _sequence(self, event: Any, path: Path, depth: int) -> tuple[Sequence, int]:
        self._check_collection_tag(event, _SEQ)
        self._charge(2, event.start_mark)
        items: list[Node] = []
        size = 1
        child = self._next()
        if depth < MAX_DEPTH:
            numbers, child = self._numbers(child)
            if type(child) is _SequenceEndEvent and numbers[0]:
                return Numbers(*numbers, event.start_mark, child.end_mark), 1 + len(numbers[0])
            # Not numbers all through: the ones read so far become ordinary nodes.
            values, raws, lines, columns = numbers
            if values:
                self._charge(len(values), event.start_mark)  # the other half of their cost
            items = [
                Scalar(value, _Place(line, column), _Place(line, column + len(raw)), raw)
                for value, raw, line, column in zip(values, raws, lines, columns, strict=True)
            ]
            size += len(items)
        while not isinstance(child, yaml.SequenceEndEvent):
            if (
                type(child) is _ScalarEvent
                and child.anchor is None
                and child.tag is None  # a named tag (!Ref) wraps the node: see _node
                and depth < MAX_DEPTH
            ):
                items.append(self._scalar(child))  # what _node does for it, without the call
                size += 1
            else:
                node, count = self._node(child, (*path, len(items)), depth + 1)
                items.append(node)
                size += count
            child = self._next()
        return Sequence(items, event.start_mark, child.end_mark), size

    def _numbers(
        self, child: Any
    ) -> tuple[tuple[list[int | float], list[str], list[int], list[int]], Any]:
        """Read plain decimal numbers from `child` on, in one loop (a year of hourly demand is
        8,760 of them): their values, texts and 0-based places, and the first other event."""
        values: list[int | float] = []
        raws: list[str] = []
        lines: list[int] = []
        columns: list[int] = []
        next_event, number = self._next, _number
        room = self._room  # in numbers: each costs half a node
        while (
            type(child) is _ScalarEvent
            and child.tag is None
            and child.anchor is None
            and child.implicit[0]
        ):
            raw = child.value
            match = number(raw)
            if match is None:
                break
            start: Any = child.start_mark
            end: Any = child.end_mark
            line, column = start.line, start.column
            if end.line != line or end.column - column != len(raw):
                break  # never seen: a plain number is written on one line, as it reads
            if len(values) >= room:
                self._room = room - len(values)
                self._charge(1, start)
            values.append(float(raw) if match.lastindex else int(raw))
            raws.append(raw)
            lines.append(line)
            columns.append(column)
            child = next_event()
        self._room = room - len(values)
        return (values, raws, lines, columns), child

    def _mapping(self, event: Any, path: Path, depth: int) -> tuple[Mapping, int]:
        self._check_collection_tag(event, _MAP)
        self._charge(2, event.start_mark)
        entries: dict[str, Entry] = {}
        merged: dict[str, Entry] = {}
        size = 1
        # Locals for the loop below, which runs once per key of the file.
        next_event, scalar, end_event = self._next, self._scalar, yaml.MappingEndEvent
        key_event = next_event()
        # Plain scalar keys and values (nearly all of them) skip _node, which would only
        # check the depth and the anchor and call _scalar: a third of the nodes' overhead.
        shallow = depth < MAX_DEPTH
        while not isinstance(key_event, end_event):
            key: Node
            if (
                type(key_event) is _ScalarEvent
                and key_event.value != "<<"
                and key_event.anchor is None
                and key_event.tag is None  # a named tag (!Ref) wraps the node: see _node
                and shallow
            ):
                key = scalar(key_event)
                key_size = 1
            elif _is_merge_key(key_event):
                size += self._merge(next_event(), path, depth, merged)
                key_event = next_event()
                continue
            else:
                key, key_size = self._node(key_event, path, depth + 1)
            name = key.value if isinstance(key, Scalar) else None
            value_event = next_event()
            value: Node
            if (
                type(value_event) is _ScalarEvent
                and value_event.anchor is None
                and value_event.tag is None
                and shallow
            ):
                value = scalar(value_event)
                value_size = 1
            else:
                value, value_size = self._node(
                    value_event, (*path, name if isinstance(name, str) else "?"), depth + 1
                )
            size += key_size + value_size
            if not isinstance(name, str) or not isinstance(key, Scalar):
                shown = key.raw if isinstance(key, Scalar) else "a collection"
                self.type_problems.append(
                    TypeProblem(path, key.span, f"key {shown} is not a string; quote it")
                )
            elif name in entries:
                self.duplicates.append(
                    DuplicateKey((*path, name), key.span, entries[name].key.span)
                )
            else:
                entries[name] = Entry(key, value)
            key_event = next_event()
        for name, entry in merged.items():
            entries.setdefault(name, entry)  # explicit keys win over merged ones
        return Mapping(entries, event.start_mark, key_event.end_mark), size

    def _merge(self, event: Any, path: Path, depth: int, merged: dict[str, Entry]) -> int:
        """Collect `<<` sources; earlier sources win, as YAML's merge-key spec says."""
        if isinstance(event, yaml.SequenceStartEvent):
            sources: list[Node] = []
            size = 0
            child = self._next()
            while not isinstance(child, yaml.SequenceEndEvent):
                node, count = self._node(child, path, depth + 1)
                sources.append(node)
                size += count
                child = self._next()
            start = event.start_mark
        else:
            node, size = self._node(event, path, depth + 1)
            sources, start = [node], event.start_mark
        for source in sources:
            if not isinstance(source, Mapping):
                raise _located_error("a merge key (<<) must name a mapping", start)
            for name, entry in source.entries.items():
                merged.setdefault(name, entry)
        return size


_STR, _INT, _SEQ, _MAP = (_TAG + name for name in ("str", "int", "seq", "map"))
_ScalarEvent = yaml.ScalarEvent
_SequenceEndEvent = yaml.SequenceEndEvent
# A plain decimal integer (no leading zero: YAML 1.1 reads 012 as octal; at most
# _MAX_INT_DIGITS digits) or a plain decimal fraction: int() and float() read these exactly as
# PyYAML's constructor does. Group 1 is set for a fraction.
_number = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,39})(\.[0-9]+)?").fullmatch
_new_tuple = tuple.__new__
_SCALAR_TAGS = frozenset(
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
# PyYAML's own implicit rules (YAML 1.1: yes/no booleans, 0x ints...), indexed by first character.
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers


def _resolve_plain(value: str) -> str:
    """The tag YAML gives an unquoted scalar: int, float, bool, null, merge, ... or str."""
    if "/" in value:
        return _STR  # a CIDR block: no implicit type has a "/" (a test checks the patterns)
    for tag, pattern in _IMPLICIT.get(value[:1], ()):
        if pattern.match(value):
            return str(tag)
    return _STR


def _alias_bytes(node: Node, known: dict[int, int]) -> int:
    """The characters of the keys and scalars under `node`, as an alias repeats them.

    The node count alone lets one 1 MB scalar aliased 2,000 times through (a 2 GB report).
    Sizes are kept by node identity, so nested aliases are measured once, not walked again."""
    found = known.get(id(node))
    if found is not None:
        return found
    if isinstance(node, Scalar):
        total = len(node.raw)
    elif isinstance(node, Sequence):
        total = sum(_alias_bytes(item, known) for item in node.items) + len(node.items)
    else:
        total = sum(
            len(name) + 1 + _alias_bytes(entry.value, known) for name, entry in node.entries.items()
        )
    known[id(node)] = total
    return total


def _is_merge_key(event: Any) -> bool:
    return (
        isinstance(event, yaml.ScalarEvent)
        and event.value == "<<"
        and event.tag is None
        and event.implicit[0]
    )


def _tag_error(tag: str, mark: Any) -> InputError:
    shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
    return _located_error(
        f"YAML tag {shown} is not allowed: architecture files hold plain data only", mark
    )


class Unreadable(str):
    """A scalar whose explicit tag does not fit its text (`!!bool x`); already reported."""

    __slots__ = ()


class TooLargeInteger(str):
    """An integer literal with more digits than any real quantity; kept as text to report."""

    __slots__ = ()
