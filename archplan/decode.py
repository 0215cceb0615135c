"""Check located nodes against the format-1 schema and turn them into plain typed values.

Every unknown key, wrong type, missing field and out-of-range value becomes a problem at the
place it was written; what is valid is returned (a dict per object, Decimal for numbers, Block
for CIDRs), so the model can still be built and checked around the mistakes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from archplan import schema as s
from archplan.cidr import Block, CidrError, parse_block
from archplan.findings import Path
from archplan.loader import (
    Mapping,
    Node,
    Numbers,
    Scalar,
    Sequence,
    TooLargeInteger,
    Unreadable,
)
from archplan.model import Rejection
from archplan.problems import Problem
from archplan.spelling import closest
from archplan.spelling import did_you_mean as suggest

RuleProblem = tuple[str, Problem]

UNKNOWN_KEY = "AP002"
WRONG_TYPE = "AP003"
MISSING_FIELD = "AP004"
INVALID_VALUE = "AP006"
INVALID_CIDR = "AP007"
HOST_BITS = "AP008"


def describe(node: Node) -> str:
    """Name a node's YAML type the way a user thinks of it."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    value = node.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({node.raw})"
    if isinstance(value, TooLargeInteger):
        return "an integer too large to be a real quantity"
    if isinstance(value, int):
        return f"an integer ({node.raw})"
    if isinstance(value, float):
        return f"a number ({node.raw})"
    return f"a string ({_short(node.raw)})"


def _short_text(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


class Decoder:
    """Walks nodes and a schema kind together, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[RuleProblem] = []
        # Paths whose value was written but rejected, each with why: "missing" is not reported
        # on top, and the model can tell an invalid value from an omitted one.
        self.rejected: dict[Path, Rejection] = {}
        self._blocks: dict[tuple[str, int], Block | CidrError] = {}
        # Where the field's own name starts in a path: after the last object name (the VPC,
        # subnet or group), so a message names `capacity.per_unit`, not the whole path.
        self._named_at = 0

    def field(self, path: Path) -> str:
        """The field a value belongs to, as the user writes it within its object:
        `capacity.per_unit`, `demand.hourly[3]`; for a whole value of a named map, the map and
        its key (`subnets.a`), since the key alone is only a name the user chose."""
        start = self._named_at if self._named_at < len(path) else len(path) - 2
        parts = path[max(start, 0) :]
        text = ""
        for part in parts:
            text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
        return text or "the value"

    def report(
        self, rule_id: str, message: str, path: Path, *, on_key: bool = False, kept: bool = False
    ) -> None:
        """Record a problem; unless the value is `kept` (a warning) or missing, it counts as
        rejected: an invalid value, and a key that is ignored (unknown, or the second of keys
        that exclude each other), so nothing plans from the file as if it were not written."""
        # A wrong value is shown where it is written, even when it is a whole list or mapping.
        self.problems.append((rule_id, Problem(message, path, on_key=on_key)))
        if not kept and rule_id != MISSING_FIELD:
            # The rejection is quoted after its place ("capacity.per_unit is invalid: ..."):
            # without the field's name the message starts with.
            named = self.field(path) if path else ""
            reason = message.removeprefix(f"{named}: ").removeprefix(f"{named} ")
            self.rejected.setdefault(path, Rejection(reason, on_key))

    def decode(self, node: Node, kind: s.Kind, path: Path) -> Any:
        """The decoded value, or None when the node is not valid for `kind` (problem reported)."""
        if type(node) is Scalar and type(node.value) is str:
            # The usual leaf, a string for a CIDR, a name or free text, decided before the
            # general checks (which would come to the same result): a third of all nodes.
            value = node.value
            if type(kind) is s.Cidr:
                return self._cidr(value, kind, path)
            plain = type(kind) is s.Reference or (
                type(kind) is s.Text
                and not kind.choices
                and kind.digits is None
                and kind.pattern is None
            )
            if plain and value.strip():
                return value
        if isinstance(kind, s.Object):
            return self._object(node, kind, path)
        if isinstance(kind, s.NamedMap):
            return self._named_map(node, kind, path)
        if isinstance(kind, s.ListOf):
            return self._list(node, kind, path)
        if isinstance(kind, s.Either):
            return self._either(node, kind, path)
        return self._scalar(node, kind, path)

    def _wrong_type(self, node: Node, expected: str, path: Path, hint: str = "") -> None:
        # Named like every other value error (`cidr must be ..., got ...`): the finding points at
        # the value, but a frame in a log or a JSON message read alone must still say which field.
        self.report(
            WRONG_TYPE, f"{self.field(path)} must be {expected}, got {describe(node)}{hint}", path
        )

    def _object(self, node: Node, kind: s.Object, path: Path) -> dict[str, Any] | None:
        if isinstance(node, Scalar) and node.value is None:
            node = Mapping.empty_at(node)  # `key:` with nothing under it is an empty object
        if not isinstance(node, Mapping):
            self._wrong_type(node, "a mapping", path)
            return None
        result: dict[str, Any] = {}
        # The fields a misspelt key stands for (`subnet:` for `subnets:`): written, only under
        # the wrong name, so the unknown key is the one finding. The field is not "missing",
        # and it counts as rejected: no rule acts on the default that stands in for it.
        misspelt: set[str] = set()
        for key, entry in node.entries.items():
            field = kind.fields.get(key)
            if field is None and kind.extensions and key.startswith("x-"):
                continue
            if field is None:
                meant = closest(key, tuple(kind.fields)) or _alias(key, kind)
                hint = "" if meant is None else f' (did you mean "{meant}"?)'
                self.report(UNKNOWN_KEY, f'unknown key "{key}"{hint}', (*path, key), on_key=True)
                if meant is not None and meant not in node.entries:
                    misspelt.add(meant)
                    rejection = Rejection(f'unknown key "{key}"{hint}', on_key=True)
                    self.rejected.setdefault((*path, meant), rejection)
                    named = entry.value
                    if isinstance(kind.fields[meant].kind, s.NamedMap) and isinstance(
                        named, Mapping
                    ):
                        # `vpc: {app: ...}` declares VPC "app", only under a misspelt key: a
                        # reference to it is no second finding (the builder asks here).
                        for name in named.entries:
                            self.rejected.setdefault((*path, meant, name), rejection)
                continue
            value = self.decode(entry.value, field.kind, (*path, key))
            if value is not None:
                result[key] = value
        for key in _required(kind):
            if key not in node.entries and key not in misspelt:
                self.report(MISSING_FIELD, f'missing required key "{key}"', path, on_key=True)
        if kind.one_of:
            present = [key for key in kind.one_of if key in node.entries]
            choices = " or ".join(f'"{key}"' for key in kind.one_of)
            if not present and not misspelt.intersection(kind.one_of):
                self.report(MISSING_FIELD, f"needs one of {choices}", path, on_key=True)
            elif len(present) > 1:
                self.report(
                    INVALID_VALUE,
                    f"give only one of {choices}, not both",
                    (*path, present[1]),
                    on_key=True,
                )
        return result

    def _named_map(self, node: Node, kind: s.NamedMap, path: Path) -> dict[str, Any] | None:
        if isinstance(node, Scalar) and node.value is None:
            return {}
        if not isinstance(node, Mapping):
            self._wrong_type(node, f"a mapping of {kind.key_kind}s", path)
            return None
        result: dict[str, Any] = {}
        outer, self._named_at = self._named_at, len(path) + 1
        for key, entry in node.entries.items():
            if not key.strip():
                self.report(
                    INVALID_VALUE, f"a {kind.key_kind} cannot be empty", (*path, key), on_key=True
                )
                continue
            value = self.decode(entry.value, kind.value, (*path, key))
            if value is not None:
                result[key] = value
        self._named_at = outer
        return result

    def _list(self, node: Node, kind: s.ListOf, path: Path) -> list[Any] | None:
        empty = (isinstance(node, Scalar) and node.value is None) or (
            isinstance(node, Sequence) and type(node) is not Numbers and not node.items
        )
        if empty and kind.when_empty is not None:
            self.report(INVALID_VALUE, f"{self.field(path)} {kind.when_empty}", path)
            return None
        if isinstance(node, Scalar) and node.value is None:
            return []
        if not isinstance(node, Sequence):
            self._wrong_type(node, "a list", path)
            return None
        if type(node) is Numbers and type(kind.item) is s.Number:
            numbers = _numbers_in_range(node, kind.item)
            if numbers is not None:
                return numbers
            # Some value is out of range: each is decoded on its own, to say which.
        values = (self.decode(item, kind.item, (*path, i)) for i, item in enumerate(node.items))
        return [value for value in values if value is not None]

    def _either(self, node: Node, kind: s.Either, path: Path) -> Any:
        is_null = isinstance(node, Scalar) and node.value is None
        options = kind.options if not is_null else ()
        for option in options:
            if _accepts_value(option, node):
                return self.decode(node, option, path)
        for option in options:
            if _accepts_shape(option, node):
                return self.decode(node, option, path)
        shapes = " or ".join(_shape_name(option) for option in kind.options)
        self._wrong_type(node, shapes, path)
        return None

    def _scalar(self, node: Node, kind: s.Kind, path: Path) -> Any:
        if not isinstance(node, Scalar):
            self._wrong_type(node, _shape_name(kind), path)
            return None
        value = node.value
        if isinstance(value, Unreadable):
            # The loader reported it; say nothing more about it.
            self.rejected.setdefault(path, Rejection(f'"{value}" does not match its YAML tag'))
            return None
        if isinstance(kind, s.Boolean):
            if isinstance(value, bool):
                return value
            self._wrong_type(node, _shape_name(kind), path)
            return None
        if isinstance(kind, s.Integer):
            return self._integer(node, kind, path)
        if isinstance(kind, s.Number):
            return self._number(node, kind, path)
        if not isinstance(value, str) or isinstance(value, TooLargeInteger):
            hint = ""
            if isinstance(kind, s.Text) and kind.digits and isinstance(value, int):
                hint = f'; quote it: "{node.raw}"'
            self._wrong_type(node, _shape_name(kind), path, hint)
            return None
        if isinstance(kind, s.Cidr):
            return self._cidr(value, kind, path)
        if isinstance(kind, s.Text):
            if kind.choices and value not in kind.choices:
                options = ", ".join(kind.choices)
                self.report(
                    INVALID_VALUE,
                    f'{self.field(path)} must be one of: {options}, got "{value}"'
                    f"{suggest(value, kind.choices)}",
                    path,
                )
                return None
            if kind.digits and not (
                len(value) == kind.digits and value.isascii() and value.isdigit()
            ):
                self.report(
                    INVALID_VALUE,
                    f'{self.field(path)} must be {kind.digits} digits, got "{value}"',
                    path,
                )
                return None
            if kind.pattern and re.fullmatch(kind.pattern, value.strip()) is None:
                hint = kind.pattern_hint or f"a string matching {kind.pattern}"
                self.report(
                    INVALID_VALUE,
                    f'{self.field(path)} must be {hint}, got "{_short_text(value)}"',
                    path,
                )
                return None
        if not value.strip():
            self.report(INVALID_VALUE, f"{self.field(path)} must not be empty", path)
            return None
        return value

    def _integer(self, node: Scalar, kind: s.Integer, path: Path) -> int | None:
        value = node.value
        if isinstance(value, TooLargeInteger):
            self._too_large(node, path)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong_type(node, "an integer", path)
            return None
        if kind.minimum is not None and value < kind.minimum:
            self.report(
                INVALID_VALUE,
                f"{self.field(path)} must be at least {kind.minimum}, got {value}",
                path,
            )
            return None
        if kind.maximum is not None and value > kind.maximum:
            reason = f" ({kind.maximum_reason})" if kind.maximum_reason else ""
            self.report(
                INVALID_VALUE,
                f"{self.field(path)} must be at most {kind.maximum}{reason}, got {value}",
                path,
            )
            return None
        return value

    def _number(self, node: Scalar, kind: s.Number, path: Path) -> Decimal | None:
        value = node.value
        if isinstance(value, TooLargeInteger):
            self._too_large(node, path)
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._wrong_type(node, "a number", path, _exponent_hint(value))
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - str() of an int or float always parses
            number = Decimal("NaN")
        if not number.is_finite():
            self.report(
                INVALID_VALUE, f"{self.field(path)} must be a finite number, got {node.raw}", path
            )
            return None
        too_low = kind.minimum is not None and (
            number <= kind.minimum if kind.exclusive_minimum else number < kind.minimum
        )
        if too_low:
            relation = "above" if kind.exclusive_minimum else "at least"
            self.report(
                INVALID_VALUE,
                f"{self.field(path)} must be {relation} {kind.minimum}, got {node.raw}",
                path,
            )
            return None
        if kind.maximum is not None and number > kind.maximum:
            self.report(
                INVALID_VALUE,
                f"{self.field(path)} must be at most {kind.maximum}, got {node.raw}",
                path,
            )
            return None
        return number

    def _too_large(self, node: Scalar, path: Path) -> None:
        digits = len(node.raw.lstrip("+-").replace("_", ""))
        self.report(
            INVALID_VALUE,
            f"{self.field(path)}: a {digits}-digit number is too large for any quantity here",
            path,
        )

    def _cidr(self, text: str, kind: s.Cidr, path: Path) -> Any:
        # Every peer's blocks come back as route destinations: each text is parsed once (a
        # Block is immutable, so the routes share it).
        key = (text, kind.version)
        block = self._blocks.get(key)
        if block is None:
            try:
                block = parse_block(text.strip(), kind.version)
            except CidrError as error:
                block = error
            self._blocks[key] = block
        if isinstance(block, CidrError):
            self.report(
                INVALID_CIDR,
                f'{self.field(path)} "{text}" is not a valid CIDR block: {block}',
                path,
            )
            return None
        if block.host_bits_set:
            self.report(
                HOST_BITS,
                f'{self.field(path)} "{text}" has host bits set; AWS will use {block.canonical}',
                path,
                kept=True,
            )
        return block


def misspelt_sections(
    problems: Iterable[RuleProblem], rejected: Collection[Path], sections: Iterable[str]
) -> list[Problem]:
    """The unknown-key problems of top-level keys written for one of `sections` (`mesh:` for
    `meshes:`, when there is no `meshes:`), as the decoder's did-you-mean reads them: a command
    that plans those sections refuses the file rather than plan it as if they were empty."""
    wanted = set(sections)
    top = tuple(s.ARCHITECTURE.fields)
    found = []
    for rule_id, problem in problems:
        if rule_id != UNKNOWN_KEY or len(problem.path) != 1:
            continue
        meant = closest(str(problem.path[0]), top)
        if meant in wanted and (meant,) in rejected:  # rejected: written only under this key
            found.append(problem)
    return found


def _numbers_in_range(node: Numbers, kind: s.Number) -> list[Decimal] | None:
    """A run of plain numbers as Decimals, exactly as `_number` decodes each one, in one loop;
    None when one of them is out of range (then each is decoded on its own to report it)."""
    # Hourly demand repeats its values: each text is converted once (a Decimal is immutable).
    known: dict[str, Decimal] = {}
    numbers = []
    for value, raw in zip(node.values, node.raws, strict=True):
        number = known.get(raw)
        if number is None:
            number = known[raw] = Decimal(value) if type(value) is int else Decimal(str(value))
        numbers.append(number)
    minimum, maximum = kind.minimum, kind.maximum
    if minimum is not None:
        lowest = min(numbers, default=minimum)
        if lowest < minimum or (kind.exclusive_minimum and lowest == minimum):
            return None
    if maximum is not None and max(numbers, default=maximum) > maximum:
        return None
    return numbers


def _exponent_hint(value: object) -> str:
    """YAML 1.1 reads a number with an exponent as a number only with a dot in the mantissa and
    a sign in the exponent (`1.5e+3`): `1e3`, `1.5e3` and `1e+3` are text. Say which is missing
    and give the value's own corrected spelling."""
    if not isinstance(value, str):
        return ""
    written = value.strip()
    match = re.fullmatch(r"([-+]?[0-9_]*(?:\.[0-9_]*)?)([eE])([-+]?)([0-9]+)", written)
    if match is None or not any(char.isdigit() for char in match[1]):
        return ""
    mantissa, letter, sign, digits = match.groups()
    missing = []
    if "." not in mantissa:
        mantissa += ".0"
        missing.append("a dot in the mantissa")
    if not sign:
        sign = "+"
        missing.append("a sign in the exponent")
    corrected = f"{mantissa}{letter}{sign}{digits}"
    return f"; YAML 1.1 reads {written} as text: write {corrected} ({' and '.join(missing)})"


# AWS's and Terraform's names for a few keys, too unlike ours for did-you-mean to find: a
# subnet's `availability_zone:` or `zone:` would otherwise be an unknown key plus a missing `az`.
_ALIASES = {
    "zone": "az",
    "availability_zone": "az",
    "availability_zone_id": "az",
    "az_id": "az",
    "cidr_block": "cidr",
}


def _alias(key: str, kind: s.Object) -> str | None:
    meant = _ALIASES.get(key)
    return meant if meant in kind.fields else None


_REQUIRED: dict[int, tuple[s.Object, tuple[str, ...]]] = {}


def _required(kind: s.Object) -> tuple[str, ...]:
    """The object's required keys in schema order, listed once per kind rather than per object
    (the kinds are unhashable: keyed by identity, and the kind kept alive with its answer)."""
    known = _REQUIRED.get(id(kind))
    if known is None or known[0] is not kind:
        known = (kind, tuple(key for key, field in kind.fields.items() if field.required))
        _REQUIRED[id(kind)] = known
    return known[1]


def _accepts_shape(kind: s.Kind, node: Node) -> bool:
    if isinstance(kind, s.Object | s.NamedMap):
        return isinstance(node, Mapping)
    if isinstance(kind, s.ListOf):
        return isinstance(node, Sequence)
    return isinstance(node, Scalar)


def _accepts_value(kind: s.Kind, node: Node) -> bool:
    """Whether a scalar's own type fits a scalar kind: two scalar options of an Either (a
    protocol name or number) are told apart by it."""
    if not isinstance(node, Scalar) or not _accepts_shape(kind, node):
        return False
    value = node.value
    if isinstance(kind, s.Integer | s.Number):
        return isinstance(value, int | float | TooLargeInteger) and not isinstance(value, bool)
    if isinstance(kind, s.Text):
        return isinstance(value, str) and not isinstance(value, TooLargeInteger)
    return True


def _shape_name(kind: s.Kind) -> str:
    if isinstance(kind, s.Object | s.NamedMap):
        return "a mapping"
    if isinstance(kind, s.ListOf):
        return "a list"
    if isinstance(kind, s.Integer):
        return "an integer"
    if isinstance(kind, s.Number):
        return "a number"
    if isinstance(kind, s.Boolean):
        return "true or false"
    if isinstance(kind, s.Cidr):
        return f"an IPv{kind.version} CIDR block as a string"
    if isinstance(kind, s.Text) and kind.choices:
        return "one of " + ", ".join(kind.choices)
    if isinstance(kind, s.Reference):
        return f"the name of a {kind.target}"
    return "a string"
