"""One line per finding: `file:line:col: severity rule-id message`, for editors and grep."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from archplan.reports.terminal import printable

if TYPE_CHECKING:
    from archplan.engine import FileResult


def render(results: Sequence[FileResult], color: bool = False) -> str:
    lines = [
        f"{printable(result.name)}:{finding.span.line}:{finding.span.column}: "
        f"{finding.severity.label} {finding.rule_id} {printable(finding.message)}"
        for result in results
        for finding in result.findings
    ]
    return "".join(line + "\n" for line in lines)
