"""`archplan import`: an architecture file (format 1) from CloudFormation, Terraform or AWS CLI
sources."""

from __future__ import annotations

from typing import Annotated

import typer

from archplan.cli.io import EXIT_FINDINGS, fail, say, write_output
from archplan.cli.options import MaxFileSize, OutputFile, Params, Region
from archplan.importers import SourceKind
from archplan.source import DEFAULT_MAX_BYTES


def import_command(
    kind: Annotated[
        SourceKind,
        typer.Argument(
            metavar="KIND", help="cloudformation, terraform or aws-cli.", case_sensitive=False
        ),
    ],
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE...",
            help="CloudFormation templates, `terraform show -json` plans or AWS CLI JSON output.",
        ),
    ],
    param: Params = None,
    region: Region = None,
    output: OutputFile = None,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
) -> None:
    """Print an architecture file (format 1) made from CloudFormation, Terraform or AWS CLI
    sources; what cannot be resolved is left out and reported on standard error. Exit 1 when a
    source is invalid (an issue of severity error; the YAML is still written), 2 when a source
    cannot be imported at all."""
    from archplan.cli.imports import (
        import_options,
        in_line_order,
        issue_message,
        source_error_message,
    )
    from archplan.importers import import_sources
    from archplan.importers.common import SourceError
    from archplan.importers.render import render_document

    options = import_options(param, region, max_file_size)
    try:
        imported = import_sources(kind, files, options)
    except SourceError as error:
        fail(source_error_message(error))
    text = render_document(imported.document, kind.value, files)
    for issue in in_line_order(imported.issues, files):
        say(issue_message(issue))
    write_output(output, text, "the architecture file")
    if any(issue.severity == "error" for issue in imported.issues):
        raise typer.Exit(EXIT_FINDINGS)
