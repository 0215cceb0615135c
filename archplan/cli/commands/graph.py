"""`archplan graph`: VPCs, peerings and transit gateway attachments as a diagram."""

from __future__ import annotations

from typing import Annotated

from archplan.cli.io import load, say, write_output
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
    from archplan.plan.inputs import refusals

    name, loaded = load(file, max_file_size)
    rejected = refusals(loaded)
    if rejected:
        # A diagram is drawn (it is how one looks at a broken file), but not as if the file
        # were sound: a rejected block or peering is drawn as the default the model holds.
        first = rejected[0]
        say(
            f"{name}:{first.line}:{first.column}: note: the file has "
            f"{len(rejected):,} value(s) validate rejects (this one: {first.message}); the "
            "diagram draws what the model holds in their place: a VPC without its block, no "
            "peering to an unknown VPC"
        )
    write_output(output, RENDERERS[output_format](loaded.architecture), "the diagram")
