"""The kinds of value format 1 declares (text, numbers, lists, objects ...) and the common
values built from them: the vocabulary archplan.schema and archplan.schema_containers declare
the format in. Its own module so that neither imports the other to get it."""

from __future__ import annotations

from typing import NamedTuple

# The kinds are NamedTuples (immutable, and several times cheaper to define than frozen
# dataclasses, which matters for start-up in pre-commit); `Kind` is their union.


class Text(NamedTuple):
    """A string, optionally one of `choices`, matching `digits` exactly, or matching `pattern`
    (a regular expression the whole string must match; `pattern_hint` says what it means)."""

    choices: tuple[str, ...] = ()
    digits: int | None = None
    description: str = ""
    pattern: str | None = None
    pattern_hint: str = ""


class Reference(NamedTuple):
    """The name of another object; whether it exists is checked when the model is built."""

    target: str
    description: str = ""


class Integer(NamedTuple):
    """A whole number within [minimum, maximum]."""

    minimum: int | None = None
    maximum: int | None = None
    maximum_reason: str = ""
    description: str = ""


class Number(NamedTuple):
    """A number (integer or decimal), kept exact as a Decimal."""

    minimum: int | None = None
    maximum: int | None = None
    exclusive_minimum: bool = False
    description: str = ""


class Boolean(NamedTuple):
    """true or false."""

    description: str = ""


class Cidr(NamedTuple):
    """An IPv4 or IPv6 CIDR block written as a string."""

    version: int
    description: str = ""


class ListOf(NamedTuple):
    """A sequence of one kind; with `when_empty`, an empty list (or none) is invalid and that
    is the message."""

    item: Kind
    description: str = ""
    when_empty: str | None = None


class NamedMap(NamedTuple):
    """A mapping from names (or other string keys) to values of one kind."""

    value: Kind
    key_kind: str = "name"
    description: str = ""


class Field(NamedTuple):
    """One key of an object."""

    kind: Kind
    required: bool = False


class Object(NamedTuple):
    """A mapping with a fixed set of keys."""

    fields: dict[str, Field]
    one_of: tuple[str, ...] = ()  # exactly one of these keys must be present
    # Keys starting with "x-" are the user's own (a place for YAML anchors), as in Compose files.
    extensions: bool = False
    description: str = ""


class Either(NamedTuple):
    """One of several kinds, told apart by the YAML node type (scalar, list, mapping)."""

    options: tuple[Kind, ...]
    description: str = ""


Kind = Text | Reference | Integer | Number | Boolean | Cidr | ListOf | NamedMap | Object | Either


REGION = Text(description="AWS Region code, e.g. us-east-1")
ACCOUNT = Text(digits=12, description="12-digit AWS account ID, as a string")
PERCENT = Integer(minimum=0, maximum=100)
COUNT = Integer(minimum=0)
MONEY = Number(minimum=0, description="USD")
