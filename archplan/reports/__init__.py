"""Report formats for `validate`: each format is a pure function from results to text."""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archplan.engine import FileResult


class Format(enum.StrEnum):
    """`--format` choices."""

    TEXT = "text"
    CONCISE = "concise"
    JSON = "json"


# Module per format, imported only when chosen: the JSON path must not pay for Rich.
RENDERERS: dict[Format, str] = {
    Format.TEXT: "archplan.reports.text",
    Format.CONCISE: "archplan.reports.concise",
    Format.JSON: "archplan.reports.json_report",
}

Renderer = Callable[["Sequence[FileResult]", bool], str]


def renderer(output_format: Format) -> Renderer:
    """The `render(results, color)` function of a format."""
    module = importlib.import_module(RENDERERS[output_format])
    render: Renderer = module.render
    return render
