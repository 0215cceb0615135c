"""JUnit XML for CI test reports (GitLab, Jenkins, Azure Pipelines, CircleCI).

One `<testsuite>` (inside `<testsuites>`), one `<testcase>` per file, named by the file:
- a `<failure>` per finding at or above `--fail-on` (`type` is the severity, `message` the rule
  and message, the text `file:line:col: severity rule name message` plus any notes), so the
  test case fails exactly when the finding would fail the exit code;
- findings below `--fail-on` are listed in the test case's `<system-out>`: the file passes, and
  they are still visible (they are not "skipped", the file was checked);
- an `<error>` for a file that could not be read.
`failures` and `errors` on the suite count test cases (files), as JUnit counts tests. No times
or timestamps: the same input gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from archplan.findings import Finding, Severity
from archplan.reports.terminal import printable

if TYPE_CHECKING:
    from archplan.engine import FileResult

# Characters XML 1.0 cannot carry at all, even as references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """Text safe in an XML document: control characters shown escaped, as in the text report."""
    text = printable(text)
    return _NOT_XML.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def _line(file: str, finding: Finding) -> str:
    span = finding.span
    lines = [
        f"{file}:{span.line}:{span.column}: {finding.severity.label} "
        f"{finding.rule_id} {finding.rule_name} {_clean(finding.message)}"
    ]
    lines += [
        f"  note: {_clean(item.message)} ({file}:{item.span.line}:{item.span.column})"
        for item in finding.related
    ]
    return "\n".join(lines)


def _testcase(result: FileResult, fail_on: Severity) -> ET.Element:
    file = _clean(result.name)
    case = ET.Element("testcase", {"name": file, "classname": "archplan.validate", "file": file})
    error = result.error
    if error is not None:
        where = error.location(file)
        node = ET.SubElement(
            case, "error", {"message": _clean(error.message), "type": "input-error"}
        )
        node.text = f"{where}: error: {_clean(error.message)}"
        return case
    below: list[str] = []
    for finding in result.findings:
        if finding.severity >= fail_on:
            node = ET.SubElement(
                case,
                "failure",
                {
                    "message": f"{finding.rule_id} {finding.rule_name}: {_clean(finding.message)}",
                    "type": finding.severity.label,
                },
            )
            node.text = _line(file, finding)
        else:
            below.append(_line(file, finding))
    if below:
        ET.SubElement(case, "system-out").text = "\n".join(below) + "\n"
    return case


def render(
    results: Sequence[FileResult], color: bool = False, *, fail_on: Severity = Severity.ERROR
) -> str:
    cases = [_testcase(result, fail_on) for result in results]
    failures = sum(1 for case in cases if case.find("failure") is not None)
    errors = sum(1 for case in cases if case.find("error") is not None)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors)}
    root = ET.Element("testsuites", {"name": "archplan", **counts})
    suite = ET.SubElement(
        root, "testsuite", {"name": "archplan validate", **counts, "skipped": "0"}
    )
    suite.extend(cases)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
