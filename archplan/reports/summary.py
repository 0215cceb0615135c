"""Counts of findings by severity, shared by every report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from archplan.findings import Severity
from archplan.wording import plural

if TYPE_CHECKING:
    from archplan.engine import FileResult


def count_by_severity(results: Sequence[FileResult]) -> dict[str, int]:
    counts = {severity.label: 0 for severity in sorted(Severity, reverse=True)}
    for result in results:
        for finding in result.findings:
            counts[finding.severity.label] += 1
    return counts


def summary_line(results: Sequence[FileResult]) -> str:
    counts = count_by_severity(results)
    parts = [plural(counts["error"], "error"), plural(counts["warning"], "warning")]
    parts.append(f"{counts['info']} info")
    unreadable = sum(1 for result in results if result.error is not None)
    text = f"{', '.join(parts)} in {plural(len(results), 'file')}"
    if unreadable:
        text += f" ({unreadable} could not be read)"
    return text
