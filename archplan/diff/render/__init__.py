"""Reports of a diff. Each format is a module with `render(diff, color, width) -> str`
(`width`: the columns the text report is laid out for; the other formats ignore it), imported
only when chosen; `renderer` maps every choice (mypy checks the match is complete)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, assert_never

if TYPE_CHECKING:
    from archplan.diff.result import Diff


class DiffFormat(enum.StrEnum):
    """`archplan diff --format` choices."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    GITHUB = "github"


def renderer(choice: DiffFormat) -> Callable[[Diff, bool, int], str]:
    match choice:
        case DiffFormat.TEXT:
            from archplan.diff.render import text

            return text.render
        case DiffFormat.JSON:
            from archplan.diff.render import json_report

            return json_report.render
        case DiffFormat.MARKDOWN:
            from archplan.diff.render import markdown

            return markdown.render
        case DiffFormat.GITHUB:
            from archplan.diff.render import github

            return github.render
        case _:
            assert_never(choice)
