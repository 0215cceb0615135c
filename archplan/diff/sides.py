"""Build a `Side` from an architecture file's text or from an import (pure: the command reads
the files and runs the importers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from archplan.diff.model import Side
from archplan.importers.common import Imported
from archplan.source import Source


def from_text(label: str, text: str, folder: str = ".") -> Side:
    """A version written as an architecture file; InputError when it is not one."""
    from archplan.engine import load_architecture

    kept: list[object] = []
    loaded = load_architecture(Source(label, text), kept)
    data: dict[str, Any] = kept[0] if kept and isinstance(kept[0], dict) else {}
    return Side(label, text, data, loaded, {}, None, folder)


def from_import(
    label: str, imported: Imported, kind: str, files: Sequence[str], folder: str = "."
) -> Side:
    """A version imported from CloudFormation, Terraform or AWS CLI output: decoded from the
    rendered document, located by the import's origins."""
    from archplan.engine import load_architecture
    from archplan.importers.render import render_document

    text = render_document(imported.document, kind, files)
    kept: list[object] = []
    loaded = load_architecture(Source(label, text), kept)
    data: dict[str, Any] = kept[0] if kept and isinstance(kept[0], dict) else {}
    return Side(label, text, data, loaded, dict(imported.origins), kind, folder)
