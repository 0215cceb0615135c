"""An imported document as format-1 YAML text: the same bytes for the same input, always.

Written directly rather than with PyYAML's emitter: the document is only mappings, lists,
strings, integers, booleans and null, and PyYAML's pure-Python emitter looks at every
character of every scalar (37 s for a plan holding one 20 MB string; libyaml's emitter would
give text that depends on how PyYAML was built). A string is written plain when archplan's
loader reads it back as the same string, else double-quoted with JSON's escapes (C speed), and
characters that are not printable written as escapes. A test reads the text back for every
import of the corpus and compares it with the document.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from typing import Any

import yaml

from archplan.messages import format_characters, printable

# A plain scalar: words of safe characters separated by single spaces; a colon only inside a
# word (": " or a final ":" would start a mapping), no indicator at the start.
_WORD = r"(?:[A-Za-z0-9_./-]|:(?=[A-Za-z0-9_./-]))*"
_PLAIN = re.compile(rf"[A-Za-z0-9_.]{_WORD}(?: [A-Za-z0-9_./-]{_WORD})*")
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_LONGEST_PLAIN = 200  # longer strings are quoted without matching _PLAIN (per character)


def render_document(document: dict[str, Any], kind: str, files: Sequence[str]) -> str:
    """The document with a header naming what it was imported from (not when: no dates)."""
    header = [f"# Imported by `archplan import {kind}` from:"]
    header += [f"#   {printable(name)}" for name in files]
    header.append(
        "# Review the warnings the import printed: what it could not resolve is left out."
    )
    lines = header
    if document:
        _mapping(document, "", lines)
    else:
        lines.append("{}")
    return "\n".join(lines) + "\n"


def _mapping(value: dict[str, Any], pad: str, lines: list[str]) -> None:
    for key, item in value.items():
        name = scalar(str(key))
        if isinstance(item, dict) and item:
            lines.append(f"{pad}{name}:")
            _mapping(item, pad + "  ", lines)
        elif isinstance(item, list) and item:
            lines.append(f"{pad}{name}:")
            _sequence(item, pad + "  ", lines)
        else:
            lines.append(f"{pad}{name}: {_leaf(item)}")


def _sequence(value: list[Any], pad: str, lines: list[str]) -> None:
    for item in value:
        if (isinstance(item, dict | list)) and item:
            start = len(lines)
            inner = pad + "  "
            if isinstance(item, dict):
                _mapping(item, inner, lines)
            else:
                _sequence(item, inner, lines)
            lines[start] = f"{pad}- {lines[start][len(inner) :]}"
        else:
            lines.append(f"{pad}- {_leaf(item)}")


def _leaf(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(str(value))


def scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when YAML reads it back as the same string, else quoted."""
    if (
        len(text) <= _LONGEST_PLAIN
        and _PLAIN.fullmatch(text)
        and not any(
            # PyYAML's implicit types (YAML 1.1 booleans, numbers, dates...), by first character:
            # the rules archplan's loader applies to a plain scalar.
            pattern.match(text)
            for _, pattern in _IMPLICIT.get(text[:1], ())
        )
    ):
        return text
    # A JSON string is a YAML double-quoted scalar; JSON escapes the C0 controls, and what is
    # still not printable (bidirectional overrides, C1 controls) is escaped here.
    quoted = json.dumps(text, ensure_ascii=False)
    if quoted.isprintable():
        return quoted
    return quoted.translate(_escapes())


@functools.cache
def _escapes() -> dict[int, str]:
    """str.translate's table (C speed, even for 20 MB of them): C1 controls, format characters
    (bidirectional overrides, zero-width ones), surrogates and the two non-characters YAML
    refuses, each as its escape; everything else YAML prints as it is."""
    codes = [ord(char) for char in format_characters()]
    codes += [*range(0xD800, 0xE000), 0xFFFE, 0xFFFF]
    return {code: f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}" for code in codes}
