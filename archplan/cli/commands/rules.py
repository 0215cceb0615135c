"""`archplan rules`: every rule's id, name, default severity and summary."""

from __future__ import annotations

import enum
from typing import Annotated

from archplan.cli.io import report_width, to_file, write_output
from archplan.cli.options import OutputFile, Width, format_option


class RulesFormat(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def rules(
    output_format: Annotated[RulesFormat, format_option()] = RulesFormat.TEXT,
    output: OutputFile = None,
    width: Width = None,
) -> None:
    """List every rule: id, name, default severity and summary."""
    from archplan import ruledocs

    if output_format is RulesFormat.TEXT:
        text = ruledocs.rules_text(report_width(width, to_file(output)))
    elif output_format is RulesFormat.MARKDOWN:
        text = ruledocs.rules_markdown()
    else:
        text = ruledocs.rules_json()
    write_output(output, text, "the rules")
