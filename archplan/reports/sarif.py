"""SARIF 2.1.0 for code-scanning services (GitHub code scanning, Azure DevOps, SARIF viewers).

One run; `tool.driver.rules` describes the rules that have results in this run (sorted by id, as
ruff does), so a clean run stays small and `ruleIndex` points into that list. Columns count
Unicode code points (`columnKind`), as archplan's positions do. Each result carries a
fingerprint that does not depend on line numbers, so moving a block does not make an alert
look new. Files that could not be read are tool execution notifications, and make the
invocation unsuccessful.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from archplan import __version__
from archplan.findings import Finding, Severity, Span, format_path
from archplan.messages import json_safe

if TYPE_CHECKING:
    from archplan.engine import FileResult

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT = "archplanFindingHash/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def fingerprint(finding: Finding) -> str:
    """A hash of what a finding is, not where: rule id, document path and message.

    Inserting or removing lines above a finding changes its span but none of these.
    """
    key = "\x00".join((finding.rule_id, format_path(finding.path), finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def artifact_uri(name: str) -> str:
    """The file as a URI reference: relative paths stay relative (percent-encoded, `/`-separated),
    absolute ones become `file://` URIs."""
    path = PurePath(name)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def _region(span: Span) -> dict[str, int]:
    line = max(1, span.line)
    column = max(1, span.column)
    end_line = max(line, span.end_line)
    end_column = max(1, span.end_column)
    if end_line == line:
        end_column = max(column, end_column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _location(uri: str, span: Span) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": _region(span)}}


def _text(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _rule_descriptor(rule_id: str, name: str, severity: Severity) -> dict[str, Any]:
    from archplan.rules import RULES

    rule = RULES.get(rule_id)
    descriptor: dict[str, Any] = {"id": rule_id, "name": name}
    if rule is not None:
        from archplan.ruledocs import RULES_PAGE, anchor, example_document, references, sections

        parts = sections(rule)
        why = parts.get("why", "") or rule.summary
        # Whole files, as `archplan explain` and docs/rules.md read once `archplan: 1` is added.
        fails, passes = (
            example_document(parts[key]).rstrip("\n") if parts.get(key) else ""
            for key in ("fails", "passes")
        )
        cited = references(rule)
        text = _text(
            why,
            f"Fails:\n{fails}" if fails else "",
            f"Passes:\n{passes}" if passes else "",
            "References:\n" + "\n".join(f"{title}: {url}" for title, url in cited) if cited else "",
        )
        markdown = _text(
            why,
            f"Fails:\n\n```yaml\n{fails}\n```" if fails else "",
            f"Passes:\n\n```yaml\n{passes}\n```" if passes else "",
            "References:\n\n" + "\n".join(f"- [{title}]({url})" for title, url in cited)
            if cited
            else "",
        )
        descriptor.update(
            shortDescription={"text": rule.summary},
            fullDescription={"text": why},
            help={"text": text, "markdown": markdown},
            # The rule's section of the generated rules page, relative to the project root
            # (archplan has no published site to point at).
            helpUri=f"{RULES_PAGE}#{anchor(rule)}",
        )
        severity = rule.severity
        domain = rule.domain
    else:  # a finding raised outside the rule registry: describe it from the finding alone
        domain = ""
    descriptor["defaultConfiguration"] = {"level": LEVELS[severity]}
    if domain:
        descriptor["properties"] = {"tags": [domain]}
    return descriptor


def _result(finding: Finding, rule_index: int, uri: str, occurrence: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(uri, finding.span)],
    }
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, **_location(uri, item.span), "message": {"text": item.message}}
            for number, item in enumerate(finding.related, start=1)
        ]
    # Two identical findings in one file (rare: a key written three times) are told apart
    # by their order, which moving lines does not change either.
    result["partialFingerprints"] = {FINGERPRINT: f"{fingerprint(finding)}:{occurrence}"}
    return result


def _notification(result: FileResult) -> dict[str, Any]:
    error = result.error
    assert error is not None
    location: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(result.name)}}
    if error.line is not None:
        location["region"] = {"startLine": max(1, error.line), "startColumn": error.column or 1}
    return {
        "level": "error",
        "message": {"text": error.message},
        "locations": [{"physicalLocation": location}],
    }


def sarif_log(results: Sequence[FileResult]) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dictionary."""
    first_seen: dict[str, Finding] = {}
    for file_result in results:
        for finding in file_result.findings:
            first_seen.setdefault(finding.rule_id, finding)
    rule_ids = sorted(first_seen)
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    rules = [
        _rule_descriptor(rule_id, first_seen[rule_id].rule_name, first_seen[rule_id].severity)
        for rule_id in rule_ids
    ]
    sarif_results: list[dict[str, Any]] = []
    for file_result in results:
        uri = artifact_uri(file_result.name)
        seen: dict[str, int] = {}
        for finding in file_result.findings:
            key = fingerprint(finding)
            seen[key] = seen.get(key, 0) + 1
            sarif_results.append(_result(finding, index[finding.rule_id], uri, seen[key]))
    notifications = [_notification(result) for result in results if result.error is not None]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {
            "driver": {
                "name": "archplan",
                "version": __version__,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(results: Sequence[FileResult], color: bool = False) -> str:
    return json_safe(json.dumps(sarif_log(results), indent=2, ensure_ascii=False)) + "\n"
