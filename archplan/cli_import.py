"""The `import` command and what `validate --from` shares with it: options and messages.

Registered on archplan.cli's app on start-up, so module-level imports stay light; the
importers themselves load only when a command runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from archplan.cli import EXIT_FINDINGS, EXIT_INPUT, MaxFileSize, app, file_settings, write_output
from archplan.importers import SourceKind
from archplan.source import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from archplan.cli import FailOn
    from archplan.engine import FileResult
    from archplan.findings import Severity
    from archplan.importers.common import ImportIssue, ImportOptions, SourceError
    from archplan.project_config import ProjectConfig

__all__ = ["app"]

Params = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        metavar="KEY=VALUE",
        help="A CloudFormation parameter's value (overrides its Default); repeatable.",
    ),
]
Region = Annotated[
    str | None,
    typer.Option(
        metavar="REGION",
        help="The Region for AWS::Region and Fn::GetAZs [default: the source's own, else "
        "us-east-1].",
    ),
]


def import_options(
    params: Sequence[str] | None, region: str | None, max_bytes: int
) -> ImportOptions:
    """The importers' options from the command line; a malformed --param is a usage error."""
    from archplan.importers.common import ImportOptions

    values: dict[str, str] = {}
    for item in params or ():
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise typer.BadParameter(f'"{item}" is not KEY=VALUE', param_hint="'--param'")
        values[key.strip()] = value
    return ImportOptions(params=values, region=region, max_bytes=max_bytes)


def source_error_message(error: SourceError) -> str:
    where = error.file if error.line is None else f"{error.file}:{error.line}:{error.column or 1}"
    return f"{where}: error: {error.message}"


def _in_line_order(issues: Sequence[ImportIssue], files: Sequence[str]) -> list[ImportIssue]:
    """Issues as a reader goes through the sources: files in the order given, then by line
    (issues without a position keep the importer's order, after those with one)."""
    given = {name: index for index, name in enumerate(files)}

    def place(issue: ImportIssue) -> tuple[int, int, int]:
        origin = issue.origin
        line = origin.line if origin.line is not None else 1 << 62
        return given.get(origin.file, len(given)), line, origin.column or 0

    return sorted(issues, key=place)


def issue_message(issue: ImportIssue) -> str:
    origin = issue.origin
    where = origin.file
    if origin.line is not None:
        where += f":{origin.line}:{origin.column or 1}"
    address = f" (at {origin.address})" if origin.line is None and origin.address else ""
    return f"{where}: {issue.severity}: {issue.message}{address}"


@app.command("import")
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
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the YAML to FILE (atomically) instead of standard output.",
        ),
    ] = None,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
) -> None:
    """Print an architecture file (format 1) made from CloudFormation, Terraform or AWS CLI
    sources; what cannot be resolved is left out and reported on standard error. Exit 1 when a
    source is invalid (an issue of severity error; the YAML is still written), 2 when a source
    cannot be imported at all."""
    from archplan.importers import import_sources
    from archplan.importers.common import SourceError
    from archplan.importers.render import render_document

    options = import_options(param, region, max_file_size)
    try:
        imported = import_sources(kind, files, options)
    except SourceError as error:
        typer.echo(source_error_message(error), err=True)
        raise typer.Exit(EXIT_INPUT) from None
    text = render_document(imported.document, kind.value, files)
    for issue in _in_line_order(imported.issues, files):
        typer.echo(issue_message(issue), err=True)
    write_output(output, text, "the architecture file")
    if any(issue.severity == "error" for issue in imported.issues):
        raise typer.Exit(EXIT_FINDINGS)


def validate_from(
    kind: SourceKind,
    files: list[str],
    param: Sequence[str] | None,
    region: str | None,
    max_file_size: int,
    explicit: ProjectConfig | None,
    selected: frozenset[str] | None,
    ignored: frozenset[str],
    fail_on: FailOn | None,
) -> tuple[list[FileResult], list[Severity]]:
    """`validate --from`: one result per source file and the --fail-on threshold of each.

    The configuration is the one of the first source (or --config), as for one estate.
    """
    from archplan.importers.check import validate_import
    from archplan.importers.common import SourceError

    options = import_options(param, region, max_file_size)
    settings, policy, threshold = file_settings(files[0], explicit, selected, ignored, fail_on)
    quotas = dict(settings.quotas) if settings is not None else None
    try:
        results = validate_import(kind, files, options, policy, quotas)
    except SourceError as error:
        typer.echo(source_error_message(error), err=True)
        raise typer.Exit(EXIT_INPUT) from None
    return results, [threshold] * len(results)
