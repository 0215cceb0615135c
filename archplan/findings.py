"""Findings: what a rule reports, where, how severe, and what else is involved."""

from __future__ import annotations

import enum
from typing import NamedTuple

# A path into the document: mapping keys and sequence indexes, from the root.
Path = tuple[str | int, ...]


class Severity(enum.IntEnum):
    """How serious a finding is; higher is worse, so thresholds compare with >=."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


class Span(NamedTuple):
    """A region of the source, 1-based lines and columns; the end is exclusive.

    A NamedTuple rather than a dataclass: every node of a file has one, and a tuple is the
    cheapest immutable record to create (this is the hot path of loading large estates).
    """

    line: int
    column: int
    end_line: int
    end_column: int


class Related(NamedTuple):
    """Another place that explains a finding (the other overlapping block, the first key)."""

    message: str
    span: Span
    path: Path


class Finding(NamedTuple):
    """One problem found in one file."""

    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    span: Span
    path: Path
    related: tuple[Related, ...] = ()

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.span.line, self.span.column, self.rule_id, self.message)


def format_path(path: Path) -> str:
    """Render a path as dotted keys, quoting keys that are not plain identifiers.

    `("vpcs", "shared", "route_tables", "rt", "routes", "10.0.0.0/16")` becomes
    `vpcs.shared.route_tables.rt.routes["10.0.0.0/16"]`, which stays unambiguous.
    """
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif step and all(ch.isalnum() or ch in "_-" for ch in step):
            parts.append(f".{step}" if parts else step)
        else:
            quoted = step.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'["{quoted}"]')
    return "".join(parts)
