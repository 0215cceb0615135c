"""`archplan explain RULE`: a rule's whole documentation, by id or name, in three formats."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from archplan.ruledocs import references, rules_json, sections
from archplan.rules import RULES, Rule
from tests.conftest import ROOT, triples, validate_text

ORDERED = sorted(RULES.values(), key=lambda rule: rule.id)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    return CliRunner()


@pytest.mark.parametrize("spelling", ["AP303", "ap303", "peering-overlap", "Peering-Overlap"])
def test_by_id_or_name_in_any_case(runner: CliRunner, spelling: str) -> None:
    result = runner.invoke(app, ["explain", spelling])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "AP303 peering-overlap",
        "Default severity: error",
        "Summary: Peered VPCs share address space.",
    ]
    assert "even if you intend to use only the" in result.stdout
    assert result.stdout.rstrip("\n").endswith(
        "References:\n"
        '  Amazon VPC Peering Guide, "VPC peering limitations"\n'
        "    https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations\n"
        '  Amazon VPC Peering Guide, "Unsupported VPC peering configurations"\n'
        "    https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html"
    )


def _examples(text: str) -> dict[str, str]:
    """The Fails and Passes files of the text output, unindented."""
    found: dict[str, str] = {}
    for title in ("Fails", "Passes"):
        block = text.split(f"\n{title}:\n\n", 1)[1].split("\n\n", 1)[0]
        found[title] = "\n".join(line.removeprefix("    ") for line in block.splitlines()) + "\n"
    return found


@pytest.mark.parametrize("rule", ORDERED, ids=lambda rule: rule.id)
def test_text_holds_every_section_and_examples_that_run(runner: CliRunner, rule: Rule) -> None:
    # Wide enough that every example is shown as written (narrower, a long one in block style).
    result = runner.invoke(app, ["explain", rule.id, "--width", "1000"])
    assert result.exit_code == 0
    parts = sections(rule)
    text = result.stdout
    assert " ".join(parts["why"].split()) in " ".join(text.split())  # reflowed, not changed
    assert "\nReferences:\n" in text
    for title, url in references(rule):  # titles wrap; each address stays whole on its line
        assert f"  {title}" in text or " ".join(title.split()) in " ".join(text.split())
        assert f"\n    {url}\n" in text or f"\n{url}\n" in text
    examples = _examples(text)
    # As if written among the shipped examples, where AP513's metrics/web.csv is.
    name = str(ROOT / "examples" / "explained.yaml")
    failing = validate_text(examples["Fails"], name)
    passing = validate_text(examples["Passes"], name)
    assert triples(failing, rule.id) != []
    assert triples(passing, rule.id) == []


def test_markdown_is_the_rules_page_section(runner: CliRunner) -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in ORDERED:
        result = runner.invoke(app, ["explain", rule.name, "--format", "markdown"])
        assert result.exit_code == 0
        assert result.stdout.startswith(f"## {rule.id} {rule.name}\n")
        assert result.stdout in page


def test_json_is_the_rules_entry(runner: CliRunner) -> None:
    entries = {entry["id"]: entry for entry in json.loads(rules_json())}
    for rule in ORDERED:
        result = runner.invoke(app, ["explain", rule.id.lower(), "-f", "json"])
        assert result.exit_code == 0
        assert json.loads(result.stdout) == entries[rule.id]
    keys = set(json.loads(runner.invoke(app, ["explain", "AP101", "-f", "json"]).stdout))
    assert keys == {
        "id",
        "name",
        "severity",
        "summary",
        "domain",
        "why",
        "fails",
        "passes",
        "references",
    }
    assert all(
        set(reference) == {"title", "url"} and reference["url"].startswith("https://")
        for reference in json.loads(runner.invoke(app, ["explain", "AP101", "-f", "json"]).stdout)[
            "references"
        ]
    )


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [
        ("AP3033", '(did you mean "AP303"?)'),
        ("peering-overlaps", '(did you mean "peering-overlap"?)'),
        ("unknwn-key", '(did you mean "unknown-key"?)'),
    ],
)
def test_unknown_rule_exits_2_with_a_suggestion(
    runner: CliRunner, word: str, suggestion: str
) -> None:
    result = runner.invoke(app, ["explain", word])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f'archplan explain: error: no rule "{word}" {suggestion}; `archplan rules` lists them all\n'
    )


def test_nothing_close_gets_no_suggestion(runner: CliRunner) -> None:
    result = runner.invoke(app, ["explain", "zzz"])
    assert result.exit_code == 2
    assert "did you mean" not in result.stderr


@pytest.mark.parametrize("width", [60, 80, 100])
def test_examples_are_never_cut_at_any_width(runner: CliRunner, width: int) -> None:
    """Examples are code to copy (review5 F14): at any width each one reads as the same data as
    the documented file; a file with a line too long is shown in block style, never cut."""
    from archplan.ruledocs import example_document

    for rule in ORDERED:
        text = runner.invoke(app, ["explain", rule.id, "--width", str(width)]).stdout
        parts = sections(rule)
        for title, shown in _examples(text).items():
            assert "…" not in shown, (rule.id, title)
            written = example_document(parts[title.lower()])
            assert _data(shown) == _data(written), (rule.id, title)


def _data(text: str) -> object:
    """The example's data, CloudFormation's local tags (AP009's template) kept as (tag, value)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
        if isinstance(node, yaml.MappingNode):
            return (node.tag, loader.construct_mapping(node, deep=True))
        if isinstance(node, yaml.SequenceNode):
            return (node.tag, loader.construct_sequence(node, deep=True))
        return (node.tag, loader.construct_scalar(node))  # type: ignore[arg-type]

    Loader.add_multi_constructor("!", tagged)
    return yaml.load(text, Loader=Loader)  # a SafeLoader with tags read as pairs
