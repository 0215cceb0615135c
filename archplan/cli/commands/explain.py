"""`archplan explain`: a rule's documentation, why it exists, examples and its source."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from archplan.cli.io import fail, report_width, to_file, write_output
from archplan.cli.options import OutputFile, Width, complete_rules, format_option


class ExplainFormat(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def explain(
    rule: Annotated[
        str,
        typer.Argument(
            metavar="RULE",
            help="A rule id (AP303) or name (peering-overlap).",
            autocompletion=complete_rules,
        ),
    ],
    output_format: Annotated[
        ExplainFormat,
        format_option(),
    ] = ExplainFormat.TEXT,
    output: OutputFile = None,
    width: Width = None,
) -> None:
    """Show a rule's documentation: why it exists, a failing and a passing example, its source."""
    from archplan.reports.explain import (
        explain_json,
        explain_markdown,
        explain_text,
        find_rule,
        unknown_rule_message,
    )

    found = find_rule(rule)
    if found is None:
        fail(f"archplan explain: error: {unknown_rule_message(rule)}")
    if output_format is ExplainFormat.TEXT:
        text = explain_text(found, report_width(width, to_file(output)))
    elif output_format is ExplainFormat.MARKDOWN:
        text = explain_markdown(found)
    else:
        text = explain_json(found)
    write_output(output, text, "the explanation")
