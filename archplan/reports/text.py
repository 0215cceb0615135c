"""The terminal report: findings grouped by file, with the offending line and a marker under it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from archplan.findings import Finding, Severity
from archplan.reports.summary import summary_line

if TYPE_CHECKING:
    from archplan.engine import FileResult

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}


def render(results: Sequence[FileResult], color: bool = False) -> str:
    buffer = io.StringIO()
    # soft_wrap: never re-wrap lines, so the output does not depend on the terminal's width.
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        soft_wrap=True,
        highlight=False,
        emoji=False,
        markup=False,
        width=200,
    )
    for result in results:
        if not result.findings:
            continue
        console.print(Text(result.name, style="bold underline"))
        lines = result.source.text.splitlines() if result.source else []
        for finding in result.findings:
            _print_finding(console, result.name, finding, lines)
    console.print(Text(summary_line(results), style="bold"))
    return buffer.getvalue()


def _print_finding(console: Console, name: str, finding: Finding, lines: list[str]) -> None:
    span = finding.span
    console.print(
        Text.assemble(
            (f"{finding.severity.label:<7}", STYLES[finding.severity]),
            " ",
            (f"{name}:{span.line}:{span.column}", "bold"),
            "  ",
            (f"{finding.rule_id} {finding.rule_name}", "dim"),
        )
    )
    console.print(Text("  " + finding.message))
    if 0 < span.line <= len(lines):
        source_line = lines[span.line - 1].expandtabs(1)
        gutter = f"{span.line:>5} | "
        console.print(Text(gutter, style="dim") + Text(source_line))
        end = span.end_column if span.end_line == span.line else len(source_line) + 1
        width = max(1, min(end, len(source_line) + 1) - span.column)
        marker = " " * (len(gutter) + span.column - 1) + "^" * width
        console.print(Text(marker, style=STYLES[finding.severity]))
    for related in finding.related:
        where = f"{name}:{related.span.line}:{related.span.column}"
        console.print(Text(f"  note: {related.message} ({where})", style="dim"))
    console.print()
