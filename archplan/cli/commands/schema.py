"""`archplan schema`: the JSON Schema of architecture files, for editors and other tools."""

from __future__ import annotations

from archplan.cli.io import write


def schema() -> None:
    """Print the JSON Schema of architecture files (format 1), for editors and other tools."""
    from archplan.editor_schema import render

    write(render())
