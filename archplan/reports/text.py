"""The terminal report: findings grouped by file, with the offending line and a marker under it.

The report is laid out once as lines of (text, style) segments. Without colour they are joined
as they are, so the plain path never imports Rich (start-up matters in pre-commit); with colour
Rich styles the same segments.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from archplan.findings import Finding, Severity
from archplan.reports.summary import summary_line
from archplan.reports.terminal import printable, report_console, text_width

if TYPE_CHECKING:
    from archplan.engine import FileResult

Segment = tuple[str, str]  # text, Rich style ("" for none)
Line = list[Segment]

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}
# A source line wider than this is shown as a window around the marked value: a JSON file or
# a flow mapping can be one line of megabytes.
WINDOW = 120
CONTEXT_BEFORE = 40


def render(results: Sequence[FileResult], color: bool = False) -> str:
    lines = layout(results)
    if not color:
        return "".join("".join(text for text, _ in line) + "\n" for line in lines)
    return _styled(lines)


def layout(results: Sequence[FileResult]) -> list[Line]:
    """The whole report as lines of segments."""
    lines: list[Line] = []
    for result in results:
        if not result.findings:
            continue
        lines.append([(printable(result.name), "bold underline")])
        source_lines = result.source.text.splitlines() if result.source else []
        for finding in result.findings:
            lines += _finding(printable(result.name), finding, source_lines)
    lines.append([(summary_line(results), "bold")])
    return lines


def _finding(name: str, finding: Finding, source_lines: list[str]) -> list[Line]:
    span, style = finding.span, STYLES[finding.severity]
    lines: list[Line] = [
        [
            (f"{finding.severity.label:<7}", style),
            (" ", ""),
            (f"{name}:{span.line}:{span.column}", "bold"),
            ("  ", ""),
            (f"{finding.rule_id} {finding.rule_name}", "dim"),
        ],
        [("  " + printable(finding.message), "")],
    ]
    if 0 < span.line <= len(source_lines):
        lines += _excerpt(source_lines[span.line - 1], finding, style)
    for related in finding.related:
        where = f"{name}:{related.span.line}:{related.span.column}"
        lines.append([(f"  note: {printable(related.message)} ({where})", "dim")])
    lines.append([])
    return lines


def _excerpt(source_line: str, finding: Finding, style: str) -> list[Line]:
    """The source line (or a window of it) and a row of carets under the blamed value."""
    span = finding.span
    start = span.column - 1
    end = span.end_column - 1 if span.end_line == span.line else len(source_line)
    end = max(start + 1, min(end, len(source_line) + 1))
    left = max(0, start - CONTEXT_BEFORE) if len(source_line) > WINDOW else 0
    right = min(len(source_line), max(left + WINDOW, end))
    right = min(right, left + WINDOW + 40)  # a very long value is cut too
    shown = printable(source_line[left:right].expandtabs(1))
    before = "…" if left else ""
    after = "…" if right < len(source_line) else ""
    gutter = f"{span.line:>5} | "
    marker_at = (
        len(gutter) + len(before) + text_width(printable(source_line[left:start].expandtabs(1)))
    )
    marked = printable(source_line[start : min(end, right)].expandtabs(1))
    carets = "^" * max(1, text_width(marked))
    return [
        [(gutter, "dim"), (before + shown + after, "")],
        [(" " * marker_at + carets, style)],
    ]


def _styled(lines: list[Line]) -> str:
    from rich.text import Text

    buffer = io.StringIO()
    console = report_console(buffer, color=True)
    for line in lines:
        console.print(Text.assemble(*((text, style) if style else text for text, style in line)))
    return buffer.getvalue()
