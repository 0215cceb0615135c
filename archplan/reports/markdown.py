"""A Markdown summary for pull-request comments and `$GITHUB_STEP_SUMMARY`.

A heading with the summary line, a table of counts by severity, files that could not be read,
then one table row per finding (errors first, then warnings, then info; within a severity in
file and line order), capped at `MAX_ROWS` rows with a note saying how many were left out.
Everything taken from the file is escaped: Markdown punctuation, `|`, line breaks and control
characters (shown as `\\n`, `\\x1b`: a table row is one line), HTML, and `@` (a name like
`@org/team` must not notify anyone from a comment). Notes on related places follow the
message after `<br>`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from archplan.findings import Finding
from archplan.reports.summary import count_by_severity, summary_line
from archplan.reports.terminal import printable

if TYPE_CHECKING:
    from archplan.engine import FileResult

MAX_ROWS = 200
# Inline Markdown only: every value goes in a table cell, where block syntax means nothing.
_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")


def cell(text: str) -> str:
    """`text` as literal Markdown on one line of a table cell.

    A line break in a name is shown as `\\n`, as the text report shows it, so the row stays one
    line; `|`, Markdown punctuation and HTML are escaped.
    """
    text = printable(text).replace("&", "&amp;")
    text = _SPECIAL.sub(r"\\\1", text)
    # A backslash does not stop a mention; a zero-width space after `@` does, and reads the same.
    return text.replace("@", "@&#8203;")


def _row(name: str, finding: Finding) -> str:
    span = finding.span
    notes = [
        f"note: {cell(item.message)} (line {item.span.line}, column {item.span.column})"
        for item in finding.related
    ]
    cells = (
        finding.severity.label,
        cell(f"{name}:{span.line}:{span.column}"),
        cell(f"{finding.rule_id} {finding.rule_name}"),
        "<br>".join([cell(finding.message), *notes]),
    )
    return "| " + " | ".join(cells) + " |"


def render(results: Sequence[FileResult], color: bool = False) -> str:
    counts = count_by_severity(results)
    out = [f"## archplan: {cell(summary_line(results))}", ""]
    out += [
        "| " + " | ".join(counts) + " |",
        "| " + " | ".join("---:" for _ in counts) + " |",
        "| " + " | ".join(str(count) for count in counts.values()) + " |",
        "",
    ]
    unreadable = [result for result in results if result.error is not None]
    if unreadable:
        out += ["**Could not be checked:**", "", "| file | error |", "| --- | --- |"]
        for result in unreadable:
            assert result.error is not None
            where = result.error.location(result.name)
            out.append(f"| {cell(where)} | {cell(result.error.message)} |")
        out.append("")
    rows = sorted(
        (
            (-finding.severity, position, finding.sort_key(), result.name, finding)
            for position, result in enumerate(results)
            for finding in result.findings
        ),
        key=lambda row: row[:3],
    )
    if not rows:
        if not unreadable:
            out.append("No findings.")
        return "\n".join(out).rstrip("\n") + "\n"
    out += ["| severity | location | rule | message |", "| --- | --- | --- | --- |"]
    out += [_row(name, finding) for *_, name, finding in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        left = len(rows) - MAX_ROWS
        out += [
            "",
            f"{left} more finding{'s' if left != 1 else ''} not shown (the first {MAX_ROWS}, "
            "most severe first, are listed); run `archplan validate` for the full report.",
        ]
    return "\n".join(out) + "\n"
