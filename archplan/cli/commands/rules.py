"""`archplan rules`: every rule's id, name, default severity and summary."""

from __future__ import annotations

import enum
from typing import Annotated

from archplan.cli.io import write
from archplan.cli.options import format_option


class RulesFormat(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def rules(
    output_format: Annotated[RulesFormat, format_option()] = RulesFormat.TEXT,
) -> None:
    """List every rule: id, name, default severity and summary."""
    from archplan import ruledocs

    render = {
        RulesFormat.TEXT: ruledocs.rules_text,
        RulesFormat.MARKDOWN: ruledocs.rules_markdown,
        RulesFormat.JSON: ruledocs.rules_json,
    }[output_format]
    write(render())
