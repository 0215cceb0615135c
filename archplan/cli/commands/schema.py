"""`archplan schema`: the JSON Schema of architecture files, for editors and other tools."""

from __future__ import annotations

from archplan.cli.io import write_output
from archplan.cli.options import OutputFile


def schema(output: OutputFile = None) -> None:
    """Print the JSON Schema of architecture files (format 1), for editors and other tools."""
    from archplan.editor_schema import render

    write_output(output, render(), "the schema")
