"""What the `import` command and `validate --from` share: importer options and messages.

Imported by those commands when they run; the importers themselves load only then too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from archplan.cli.io import usage_error

if TYPE_CHECKING:
    from archplan.importers.common import ImportIssue, ImportOptions, SourceError


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
    """A source that cannot be imported, as an error line (the engine's wording)."""
    from archplan.engine.run import source_error_line

    return source_error_line(error)


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
