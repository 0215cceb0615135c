"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

`::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=AP123 rule-name::message`
(`::warning` for warnings, `::notice` for info). Values are escaped as the Actions runner
unescapes them (actions/toolkit `escapeData` / `escapeProperty`): `%`, CR and LF in the
message; those and `:` and `,` in properties. Control characters are shown escaped, so a name in
the file cannot colour the log or forge another command. Related places follow the message on
their own lines (`note: ...`), which annotations show as a multi-line message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from archplan.findings import Finding, Severity
from archplan.reports.terminal import printable

if TYPE_CHECKING:
    from archplan.engine import FileResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, str | int], message: str) -> str:
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name}{' ' if shown else ''}{shown}::{escape_data(message)}"


def _annotation(file: str, finding: Finding) -> str:
    span = finding.span
    properties: dict[str, str | int] = {"file": file, "line": span.line}
    # GitHub ignores columns on an annotation that spans several lines.
    if span.end_line == span.line:
        properties["col"] = span.column
        properties["endLine"] = span.end_line
        properties["endColumn"] = span.end_column
    else:
        properties["endLine"] = span.end_line
    properties["title"] = f"{finding.rule_id} {finding.rule_name}"
    lines = [printable(finding.message)]
    lines += [
        f"note: {printable(item.message)} ({file}:{item.span.line}:{item.span.column})"
        for item in finding.related
    ]
    return command(COMMANDS[finding.severity], properties, "\n".join(lines))


def _input_error(result: FileResult) -> str:
    error = result.error
    assert error is not None
    properties: dict[str, str | int] = {"file": printable(result.name)}
    if error.line is not None:
        properties["line"] = error.line
        properties["col"] = error.column or 1
    properties["title"] = "archplan could not check this file"
    return command("error", properties, printable(error.message))


def render(results: Sequence[FileResult], color: bool = False) -> str:
    lines: list[str] = []
    for result in results:
        if result.error is not None:
            lines.append(_input_error(result))
            continue
        file = printable(result.name)
        lines += [_annotation(file, finding) for finding in result.findings]
    return "".join(line + "\n" for line in lines)
