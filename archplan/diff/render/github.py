"""GitHub Actions annotations: replacements and failing edits as errors or warnings at the new
version's place, findings introduced at theirs, and a notice with the summary."""

from __future__ import annotations

from archplan.diff.model import Place
from archplan.diff.render import values as v
from archplan.diff.result import Diff
from archplan.reports.github import COMMANDS, command
from archplan.reports.terminal import DEFAULT_WIDTH, printable


def _properties(place: Place | None, title: str) -> dict[str, str | int]:
    properties: dict[str, str | int] = {}
    if place is not None:
        properties["file"] = printable(place.file)
        if place.line is not None:
            properties["line"] = place.line
            properties["col"] = place.column or 1
    properties["title"] = title
    return properties


def render(diff: Diff, color: bool = False, width: int = DEFAULT_WIDTH) -> str:
    lines = [command("notice", {"title": "archplan diff"}, v.summary(diff))]
    for change in diff.replacements:
        message = (
            v.title(change)
            + " is replaced: "
            + "; ".join(
                f"{v.field_name(f.field)} {v.shown(f.old)} -> {v.shown(f.new)}"
                for f in change.fields
                if f.behaviour.replaces_object
            )
        )
        for item in diff.consequences:
            if item.cause == change.old_path:
                message += "\n" + item.message
        lines.append(
            command(
                "warning",
                _properties(change.new_place, "archplan diff: replacement"),
                "\n".join(printable(line) for line in message.split("\n")),
            )
        )
    for failure in diff.failures:
        lines.append(
            command(
                "error",
                _properties(failure.place, "archplan diff: fails as written"),
                printable(failure.message),
            )
        )
    for finding in diff.introduced:
        lines.append(
            command(
                COMMANDS[finding.severity],
                _properties(finding.place, f"new: {finding.rule_id} {finding.rule_name}"),
                printable(finding.message),
            )
        )
    return "".join(line + "\n" for line in lines)
