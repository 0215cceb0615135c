"""`archplan graph`: VPCs, peerings and transit gateway attachments as a diagram."""

from __future__ import annotations

from typing import Annotated

from archplan.cli.io import load, write_output
from archplan.cli.options import ArchitectureFile, MaxFileSize, OutputFile, format_option
from archplan.plan import GraphFormat
from archplan.source import DEFAULT_MAX_BYTES


def graph(
    file: ArchitectureFile,
    output_format: Annotated[GraphFormat, format_option("Diagram format.")] = GraphFormat.MERMAID,
    output: OutputFile = None,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
) -> None:
    """Draw VPCs, peerings and transit gateway attachments; broken links dashed in red."""
    from archplan.graph import RENDERERS

    _name, loaded = load(file, max_file_size)
    write_output(output, RENDERERS[output_format](loaded.architecture), "the diagram")
