"""Helpers for the diff tests: versions from text or from an import, and the diff of two."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from archplan.diff import sides
from archplan.diff.model import Side
from archplan.diff.result import Diff, diff
from archplan.importers import SourceKind, import_sources
from archplan.importers.common import ImportOptions

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def side(text: str, label: str = "estate.yaml", folder: str = ".") -> Side:
    return sides.from_text(label, text, folder)


def imported(kind: SourceKind, files: Sequence[str], label: str = "imported") -> Side:
    result = import_sources(kind, files, ImportOptions(region="us-east-1"))
    return sides.from_import(label, result, kind.value, files)


def texts(old: str, new: str, folder: str = ".") -> Diff:
    return diff(side(old, "old.yaml", folder), side(new, "new.yaml", folder))


def edit(text: str, before: str, after: str) -> str:
    """`text` with `before` replaced once; fails loudly when the example changed."""
    assert text.count(before) == 1, f"{before!r} is not in the example exactly once"
    return text.replace(before, after)
