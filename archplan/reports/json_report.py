"""The JSON report: a stable contract for CI and other tools (field names must not change)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from archplan import __version__
from archplan.findings import Finding, Span, format_path
from archplan.messages import json_safe
from archplan.reports.summary import count_by_severity

if TYPE_CHECKING:
    from archplan.engine import FileResult


def _span(span: Span) -> dict[str, int]:
    return {
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule_id,
        "name": finding.rule_name,
        "severity": finding.severity.label,
        "message": finding.message,
        **_span(finding.span),
        "path": format_path(finding.path),
        "related": [
            {"message": item.message, **_span(item.span), "path": format_path(item.path)}
            for item in finding.related
        ],
    }


def file_to_dict(result: FileResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "file": result.name,
        "findings": [finding_to_dict(finding) for finding in result.findings],
    }
    if result.error is not None:
        entry["error"] = {
            "message": result.error.message,
            "line": result.error.line,
            "column": result.error.column,
        }
    return entry


def render(results: Sequence[FileResult], color: bool = False) -> str:
    document = {
        "version": __version__,
        "files": [file_to_dict(result) for result in results],
        "summary": count_by_severity(results),
    }
    # Bidirectional and other format characters as \u escapes: the same data, shown as is.
    return json_safe(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
