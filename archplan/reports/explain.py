"""`archplan explain`'s documents: a rule found by id or name, as text, Markdown or JSON."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from archplan.rules import Rule


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


def explain_text(rule: Rule, width: int = 100) -> str:
    """A rule's documentation for a terminal of `width` columns: prose wrapped; the examples
    are whole files, ready to copy and try (see _example_lines: code is never cut)."""
    from archplan.reports.terminal import wrap
    from archplan.ruledocs import example_document, sections

    parts = sections(rule)
    prose = [
        f"{rule.id} {rule.name}",
        f"Default severity: {rule.severity.label}",
        f"Summary: {rule.summary}",
        "",
        *_paragraphs(parts["why"]),
    ]
    out = [wrapped for line in prose for wrapped in wrap(line, width, hang=0)]
    for key, title in (("fails", "Fails"), ("passes", "Passes")):
        if parts.get(key):
            document = example_document(parts[key])
            out += ["", f"{title}:", ""]
            out += ["    " + line for line in _example_lines(document, width - 4)]
    from archplan.ruledocs import references

    cited = references(rule)
    if cited:
        out += ["", "References:"]
        for title, url in cited:
            # The title wraps; the address stays whole on its own line (a cut address cannot
            # be opened), indented when the width leaves room for it.
            out += wrap(f"  {title}", width)
            out.append(f"    {url}" if len(url) + 4 <= width else url)
    return "\n".join(line.rstrip() for line in out) + "\n"


def _example_lines(document: str, width: int) -> list[str]:
    """An example file's lines for `width` columns. Code is never cut: a file with a line too
    long (a flow mapping `{a: {b: ...}}`) is shown in block style instead, one key a line,
    which YAML reads as the same data (comments are the only loss); a line still too long (a
    long value) is printed whole, for the terminal to wrap."""
    from archplan.reports.terminal import text_width

    lines = document.rstrip("\n").splitlines()
    if all(text_width(line) <= width for line in lines):
        return lines
    import yaml

    try:
        loader, dumper = _tagged_yaml()
        data = yaml.load(document, Loader=loader)  # a SafeLoader: see _tagged_yaml
    except yaml.YAMLError:  # pragma: no cover - the examples are checked YAML
        return lines
    block = yaml.dump(
        data,
        Dumper=dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=10**6,
    )
    reblocked = block.rstrip("\n").splitlines()
    longest = max(text_width(line) for line in lines)
    return reblocked if max(text_width(line) for line in reblocked) < longest else lines


@cache
def _tagged_yaml() -> tuple[type[Any], type[Any]]:
    """A safe loader and dumper that keep CloudFormation's local tags (`!Ref Vpc`, AP009's
    template) as they are: the loader builds only plain data and Tagged values."""
    import yaml

    class Tagged(NamedTuple):
        tag: str
        value: object

    class Loader(yaml.SafeLoader):
        pass

    class Dumper(yaml.SafeDumper):
        pass

    def construct(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
        value: object
        if isinstance(node, yaml.MappingNode):
            value = loader.construct_mapping(node, deep=True)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_scalar(node)  # type: ignore[arg-type]
        return Tagged(node.tag, value)

    def represent(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
        if isinstance(data.value, dict):
            return dumper.represent_mapping(data.tag, data.value)
        if isinstance(data.value, list):
            return dumper.represent_sequence(data.tag, data.value)
        return dumper.represent_scalar(data.tag, str(data.value))

    Loader.add_multi_constructor("!", construct)
    Dumper.add_representer(Tagged, represent)
    return Loader, Dumper


def _paragraphs(text: str) -> list[str]:
    """The docstring's lines joined into one line per paragraph or list item, to be wrapped
    for the terminal's width; blank lines kept between paragraphs."""
    out: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("- ", "* ")) or line.startswith(" "):
            if current:
                out.append(" ".join(current))
                current = []
            if not stripped:
                out.append("")
                continue
        current.append(stripped if current else line.rstrip())
    if current:
        out.append(" ".join(current))
    return out


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
