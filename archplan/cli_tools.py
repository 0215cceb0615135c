"""Commands for the developer's workflow (issue 5): explain, schema and validate-config.

They register on the same Typer app as archplan.cli, which imports this module on start-up:
keep module-level imports light and import what a command needs inside it.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from archplan.cli import EXIT_INPUT, _write, app

if TYPE_CHECKING:
    from archplan.rules import Rule

__all__ = ["app"]


class ExplainFormat(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


@app.command()
def explain(
    rule: Annotated[
        str,
        typer.Argument(metavar="RULE", help="A rule id (AP303) or name (peering-overlap)."),
    ],
    output_format: Annotated[
        ExplainFormat,
        typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
    ] = ExplainFormat.TEXT,
) -> None:
    """Show a rule's documentation: why it exists, a failing and a passing example, its source."""
    found = find_rule(rule)
    if found is None:
        typer.echo(f"archplan explain: error: {unknown_rule_message(rule)}", err=True)
        raise typer.Exit(EXIT_INPUT)
    render = {
        ExplainFormat.TEXT: explain_text,
        ExplainFormat.MARKDOWN: explain_markdown,
        ExplainFormat.JSON: explain_json,
    }[output_format]
    _write(render(found))


@app.command()
def schema() -> None:
    """Print the JSON Schema of architecture files (format 1), for editors and other tools."""
    from archplan.editor_schema import render

    _write(render())


@app.command(
    "validate-config",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def validate_config(
    context: typer.Context,
    config: Annotated[
        str | None,
        typer.Option(
            metavar="FILE",
            help="The configuration to read (default: the nearest .archplan.toml, or "
            "pyproject.toml with [tool.archplan], from the current directory up).",
        ),
    ] = None,
) -> None:
    """Validate the files listed in `files = [...]` under [tool.archplan] (in .archplan.toml or
    pyproject.toml); other options are passed on to validate. Exit codes as for validate; 2 when
    no files are configured."""
    from pathlib import Path

    from archplan.project_config import ConfigError, configured_files

    try:
        listed = configured_files(Path(config) if config is not None else None)
    except ConfigError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(EXIT_INPUT) from None
    # Run the real validate command, so its options and exit codes apply unchanged.
    # (Typer vendors Click from 0.28 on, so no Click class is named here.)
    group = context.find_root().command
    validate = group.get_command(context, "validate")  # type: ignore[attr-defined]
    code = validate.main(
        [*context.args, "--", *listed.files],
        prog_name="archplan validate",
        standalone_mode=False,
    )
    if isinstance(code, int) and code:
        raise typer.Exit(code)


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
