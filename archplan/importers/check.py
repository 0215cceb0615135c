"""`validate --from`: import in memory, check the document, report findings at the source's lines."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from archplan.engine import FileResult, check_loaded, load_architecture
from archplan.errors import InputError
from archplan.findings import Finding, Related, Severity, Span
from archplan.importers import SourceKind, import_sources
from archplan.importers.common import DocPath, Imported, ImportOptions, Origin
from archplan.importers.render import render_document
from archplan.policy import Policy, apply_policy
from archplan.rules import RULES
from archplan.source import STDIN_NAME, Source, decode_text, read_source

IMPORT_RULE = "AP009"
# Where a finding goes when its source has no positions (a JSON plan, CLI output): the first
# line, with the resource's address in the message.
_NOWHERE = Span(1, 1, 1, 1)


def validate_import(
    kind: SourceKind,
    paths: Sequence[str],
    options: ImportOptions,
    policy: Policy | None = None,
    quotas: Mapping[str, int] | None = None,
) -> list[FileResult]:
    """One result per source file: the rules' findings and the import's issues, each placed
    where the source wrote the value. Raises SourceError when a file cannot be imported."""
    policy = policy or Policy()
    with _stdin_kept(paths, options.max_bytes) as stdin:
        imported = import_sources(kind, paths, options)
    text = render_document(imported.document, kind.value, paths)
    try:
        loaded = load_architecture(Source(f"<imported from {kind.value}>", text))
    except InputError as error:  # the importer produced something format 1 cannot read
        raise AssertionError(f"the imported document is unreadable: {error.message}") from None
    findings = check_loaded(loaded, policy, quotas)
    files = _file_names(paths, imported)
    placed: dict[str, list[Finding]] = {name: [] for name in files}
    for finding in findings:
        file, moved = _place(finding, imported.origins, files[0])
        placed.setdefault(file, []).append(moved)
    for issue in imported.issues:
        placed.setdefault(issue.origin.file, []).append(
            _issue_finding(issue.message, issue.origin, issue.severity)
        )
    results = []
    for name, found in placed.items():
        source = _reread(name, options.max_bytes, stdin)
        text_of_source = source.text if source is not None else ""
        results.append(FileResult(name, source, apply_policy(found, text_of_source, policy)))
    return results


def _file_names(paths: Sequence[str], imported: Imported) -> list[str]:
    """The sources in the order given, then any other file an origin names."""
    names = ["<stdin>" if path == "-" else path for path in paths]
    for origin in imported.origins.values():
        if origin.file not in names:
            names.append(origin.file)
    return list(dict.fromkeys(names)) or ["<none>"]


def _origin(path: DocPath, origins: Mapping[DocPath, Origin]) -> Origin | None:
    """The origin of the deepest prefix of `path` that has one."""
    for length in range(len(path), -1, -1):
        origin = origins.get(path[:length])
        if origin is not None:
            return origin
    return None


def _span(origin: Origin) -> Span:
    if origin.line is None:
        return _NOWHERE
    column = origin.column or 1
    end_line = origin.end_line if origin.end_line is not None else origin.line
    end_column = origin.end_column if origin.end_column is not None else column + 1
    return Span(origin.line, column, end_line, end_column)


def _with_address(message: str, origin: Origin) -> str:
    """A source without positions is found by the resource's address instead."""
    if origin.line is None and origin.address:
        return f"{message} (at {origin.address})"
    return message


def _place(
    finding: Finding, origins: Mapping[DocPath, Origin], default: str
) -> tuple[str, Finding]:
    origin = _origin(finding.path, origins) or Origin(default)
    related = []
    for item in finding.related:
        other = _origin(item.path, origins) or origin
        message = _with_address(item.message, other)
        if other.file != origin.file:
            message += f" (in {other.file})"
        related.append(Related(message, _span(other), item.path))
    moved = finding._replace(
        message=_with_address(finding.message, origin),
        span=_span(origin),
        related=tuple(related),
    )
    return origin.file, moved


def _issue_finding(message: str, origin: Origin, severity: str) -> Finding:
    rule = RULES[IMPORT_RULE]
    level = Severity.ERROR if severity == "error" else rule.severity
    return Finding(rule.id, rule.name, level, _with_address(message, origin), _span(origin), ())


@contextmanager
def _stdin_kept(paths: Sequence[str], max_bytes: int) -> Iterator[list[bytes]]:
    """Standard input can be read once: read it here, let the importer read a replay of the
    same bytes, and keep them for the report's excerpts and suppression comments."""
    kept: list[bytes] = []
    if STDIN_NAME not in paths or sys.stdin is None:
        yield kept
        return
    kept.append(sys.stdin.buffer.read(max_bytes + 1))  # the importer refuses what is too big
    original = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(kept[0]), encoding="utf-8")
    try:
        yield kept
    finally:
        sys.stdin = original


def _reread(name: str, max_bytes: int, stdin: Sequence[bytes] = ()) -> Source | None:
    """The source's text, for the report's excerpts and its suppression comments."""
    if name == "<stdin>" and stdin:
        try:
            return Source(name, decode_text(stdin[0]))
        except InputError:
            return None
    if name.startswith("<"):
        return None
    try:
        return read_source(name, max_bytes)
    except InputError:
        return None
