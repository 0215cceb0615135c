"""What the `import` command and `validate --from` share: importer options and messages.

Imported by those commands when they run; the importers themselves load only then too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from archplan.cli.io import fail, usage_error
from archplan.cli.settings import file_settings

if TYPE_CHECKING:
    from archplan.cli.options import FailOn
    from archplan.engine import FileResult
    from archplan.findings import Severity
    from archplan.importers import SourceKind
    from archplan.importers.common import ImportIssue, ImportOptions, SourceError
    from archplan.project_config import ProjectConfig


def import_options(
    params: Sequence[str] | None, region: str | None, max_bytes: int
) -> ImportOptions:
    """The importers' options from the command line; a malformed --param is a usage error."""
    from archplan.importers.common import ImportOptions

    values: dict[str, str] = {}
    for item in params or ():
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            usage_error(f'"{item}" is not KEY=VALUE', "--param")
        values[key.strip()] = value
    return ImportOptions(params=values, region=region, max_bytes=max_bytes)


def source_error_message(error: SourceError) -> str:
    where = error.file if error.line is None else f"{error.file}:{error.line}:{error.column or 1}"
    return f"{where}: error: {error.message}"


def in_line_order(issues: Sequence[ImportIssue], files: Sequence[str]) -> list[ImportIssue]:
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
        fail(source_error_message(error))
    return results, [threshold] * len(results)
