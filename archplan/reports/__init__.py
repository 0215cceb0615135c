"""Report formats for `validate`: each format is a pure function from results to text."""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from archplan.findings import Severity

if TYPE_CHECKING:
    from archplan.engine import FileResult


class Format(enum.StrEnum):
    """`--format` choices."""

    TEXT = "text"
    CONCISE = "concise"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    JUNIT = "junit"
    MARKDOWN = "markdown"


# Module per format, imported only when chosen: the JSON path must not pay for Rich.
RENDERERS: dict[Format, str] = {
    Format.TEXT: "archplan.reports.text",
    Format.CONCISE: "archplan.reports.concise",
    Format.JSON: "archplan.reports.json_report",
    Format.SARIF: "archplan.reports.sarif",
    Format.GITHUB: "archplan.reports.github",
    Format.JUNIT: "archplan.reports.junit",
    Format.MARKDOWN: "archplan.reports.markdown",
}

# Formats whose `render` also takes `fail_on` (JUnit fails a test case only at that severity).
THRESHOLD_AWARE = frozenset({Format.JUNIT})

Renderer = Callable[["Sequence[FileResult]", bool], str]


def renderer(output_format: Format) -> Renderer:
    """The `render(results, color)` function of a format."""
    module = importlib.import_module(RENDERERS[output_format])
    render: Renderer = module.render
    return render


def render_report(
    output_format: Format,
    results: Sequence[FileResult],
    *,
    color: bool = False,
    fail_on: Severity = Severity.ERROR,
    quiet: bool = False,
    width: int = 100,
) -> str:
    """The whole report as the CLI writes it.

    `quiet` drops the summary line of the text report (so a clean run prints nothing); the
    other formats are documents for tools and are the same with or without it.
    """
    if output_format in THRESHOLD_AWARE:
        module = importlib.import_module(RENDERERS[output_format])
        report: str = module.render(results, color, fail_on=fail_on)
        return report
    if output_format is Format.TEXT:  # the one format laid out for a width
        from archplan.reports.text import render

        return render(results, color, width, summary=not quiet)
    return renderer(output_format)(results, color)
