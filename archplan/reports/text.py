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
from archplan.reports.terminal import (
    DEFAULT_WIDTH,
    cut,
    printable,
    report_console,
    text_width,
    wrap,
)

if TYPE_CHECKING:
    from archplan.engine import FileResult

Segment = tuple[str, str]  # text, Rich style ("" for none)
Line = list[Segment]

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}
# A source line wider than the report is shown as a window around the marked value (a JSON file
# or a flow mapping can be one line of megabytes), with this much of it before the value.
CONTEXT_BEFORE = 40
GUTTER = 8  # "12345 | "


def render(
    results: Sequence[FileResult],
    color: bool = False,
    width: int = DEFAULT_WIDTH,
    summary: bool = True,
) -> str:
    """The report for `width` columns: prose wrapped with a hanging indent, source lines cut
    to a window with `…` at each cut; without the summary line (and the blank line before it)
    when `summary` is false, so a clean run prints nothing."""
    lines = layout(results, width)
    if not summary:
        lines = lines[: -len(wrap(summary_line(results), width))]
        if lines and not lines[-1]:
            lines.pop()
    if not color:
        return "".join("".join(text for text, _ in line) + "\n" for line in lines)
    return _styled(lines, width)


def layout(results: Sequence[FileResult], width: int = DEFAULT_WIDTH) -> list[Line]:
    """The whole report as lines of segments, none wider than `width`."""
    lines: list[Line] = []
    for result in results:
        if not result.findings:
            continue
        lines += _prose(printable(result.name), "bold underline", width)
        source_lines = result.source.text.splitlines() if result.source else []
        for finding in result.findings:
            lines += _finding(printable(result.name), finding, source_lines, width)
    lines += _prose(summary_line(results), "bold", width)
    return lines


def _prose(text: str, style: str, width: int) -> list[Line]:
    return [[(line, style)] for line in wrap(text, width)]


def _finding(name: str, finding: Finding, source_lines: list[str], width: int) -> list[Line]:
    span, style = finding.span, STYLES[finding.severity]
    where = f"{name}:{span.line}:{span.column}"
    rule = f"{finding.rule_id} {finding.rule_name}"
    head: Line = [(f"{finding.severity.label:<7}", style), (" ", ""), (where, "bold")]
    if 8 + text_width(where) + 2 + text_width(rule) <= width:
        lines: list[Line] = [[*head, ("  ", ""), (rule, "dim")]]
    elif 8 + text_width(where) <= width:  # the rule goes under the location
        lines = [head, [("  " + rule, "dim")]]
    else:  # a path longer than the line: folded (never cut), the severity above it
        lines = [[(finding.severity.label, style)]]
        lines += [[("  " + part, "bold")] for part in _fold(where, width - 2)]
        lines.append([("  " + rule, "dim")])
    lines += _prose("  " + printable(finding.message), "", width)
    if 0 < span.line <= len(source_lines):
        lines += _excerpt(source_lines[span.line - 1], finding, style, width)
    for related in finding.related:
        where = f"{name}:{related.span.line}:{related.span.column}"
        lines += _prose(f"  note: {printable(related.message)} ({where})", "dim", width)
    lines.append([])
    return lines


def _fold(text: str, width: int) -> list[str]:
    """`text` in pieces of at most `width` columns (a path that does not fit a line)."""
    pieces, current = [], ""
    for char in text:
        if text_width(current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def _excerpt(source_line: str, finding: Finding, style: str, width: int) -> list[Line]:
    """The source line (or a window of it) and a row of carets under the blamed value."""
    window = max(20, width - GUTTER - 2)  # room for a `…` at each end
    span = finding.span
    start = span.column - 1
    end = span.end_column - 1 if span.end_line == span.line else len(source_line)
    end = max(start + 1, min(end, len(source_line) + 1))
    before_value = min(CONTEXT_BEFORE, window // 3)
    left = max(0, start - before_value) if text_width(source_line) > window else 0
    right = min(len(source_line), left + window)
    shown = printable(source_line[left:right].expandtabs(1))
    before = "…" if left else ""
    after = "…" if right < len(source_line) else ""
    gutter = f"{span.line:>5} | "
    marker_at = (
        len(gutter) + len(before) + text_width(printable(source_line[left:start].expandtabs(1)))
    )
    marked = printable(source_line[start : min(end, right)].expandtabs(1))
    carets = "^" * max(1, text_width(marked))
    # Wide characters or a very long line: the excerpt is cut, never wrapped, marked with `…`.
    return [
        [(gutter, "dim"), (cut(before + shown + after, width - len(gutter)), "")],
        [(cut(" " * marker_at + carets, width, ""), style)],
    ]


def _styled(lines: list[Line], width: int) -> str:
    from rich.text import Text

    buffer = io.StringIO()
    console = report_console(buffer, color=True, width=width)
    for line in lines:
        console.print(Text.assemble(*((text, style) if style else text for text, style in line)))
    return buffer.getvalue()
