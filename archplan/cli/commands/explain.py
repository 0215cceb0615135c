"""`archplan explain`: a rule's documentation, why it exists, examples and its source."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from archplan.cli.io import fail, write
from archplan.cli.options import format_option

if TYPE_CHECKING:
    from archplan.rules import Rule


class ExplainFormat(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def explain(
    rule: Annotated[
        str,
        typer.Argument(metavar="RULE", help="A rule id (AP303) or name (peering-overlap)."),
    ],
    output_format: Annotated[
        ExplainFormat,
        format_option(),
    ] = ExplainFormat.TEXT,
) -> None:
    """Show a rule's documentation: why it exists, a failing and a passing example, its source."""
    found = find_rule(rule)
    if found is None:
        fail(f"archplan explain: error: {unknown_rule_message(rule)}")
    render = {
        ExplainFormat.TEXT: explain_text,
        ExplainFormat.MARKDOWN: explain_markdown,
        ExplainFormat.JSON: explain_json,
    }[output_format]
    write(render(found))


def find_rule(text: str) -> Rule | None:
    """The rule with this id or name, in any letter case."""
    from archplan.rules import RULES

    wanted = text.strip().lower()
    for rule in RULES.values():
        if wanted in (rule.id.lower(), rule.name):
            return rule
    return None


def unknown_rule_message(text: str) -> str:
    from archplan.rules import RULES
    from archplan.spelling import did_you_mean

    word = text.strip()
    if word[:2].lower() == "ap" and word[2:].isdigit():
        hint = did_you_mean(word.upper(), RULES)
    else:
        hint = did_you_mean(word.lower(), [rule.name for rule in RULES.values()])
    return f'no rule "{text}"{hint}; `archplan rules` lists them all'


def explain_text(rule: Rule) -> str:
    """A rule's documentation for a terminal; the examples are whole files, ready to try."""
    from archplan.ruledocs import example_document, sections

    parts = sections(rule)
    out = [
        f"{rule.id} {rule.name}",
        f"Default severity: {rule.severity.label}",
        f"Summary: {rule.summary}",
        "",
        parts["why"],
    ]
    for key, title in (("fails", "Fails"), ("passes", "Passes")):
        if parts.get(key):
            document = example_document(parts[key]).rstrip("\n")
            out += ["", f"{title}:", "", *("    " + line for line in document.splitlines())]
    if parts.get("source"):
        out += ["", f"Source: {parts['source']}"]
    return "\n".join(line.rstrip() for line in out) + "\n"


def explain_markdown(rule: Rule) -> str:
    """The rule's section of docs/rules.md, exactly as generated there."""
    from archplan.ruledocs import rules_markdown

    heading = f"{rule.id} {rule.name}\n"
    for section in rules_markdown().split("\n## ")[1:]:
        if section.startswith(heading):
            return "## " + section.rstrip("\n") + "\n"
    raise LookupError(f"{rule.id} is missing from the rules page")  # pragma: no cover


def explain_json(rule: Rule) -> str:
    """The rule's entry of `archplan rules --format json`."""
    import json

    from archplan.ruledocs import rules_json

    entry = next(item for item in json.loads(rules_json()) if item["id"] == rule.id)
    return json.dumps(entry, indent=2, ensure_ascii=False) + "\n"
