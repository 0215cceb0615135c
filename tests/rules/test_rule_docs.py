"""Each rule's documentation is true: its failing example fires the rule, its passing one not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archplan.ruledocs import (
    RULES_PAGE,
    anchor,
    example_document,
    references,
    rules_markdown,
    sections,
)
from archplan.rules import RULES
from tests.conftest import EXAMPLES, ROOT, triples, validate_text

# The examples read as if written next to the shipped examples, so a file they name (AP513's
# metrics/web.csv) is looked for in examples/.
EXAMPLE_NAME = str(EXAMPLES / "rule-example.yaml")

ALL = sorted(RULES)


@pytest.mark.parametrize("rule_id", ALL)
def test_documentation_is_complete(rule_id: str) -> None:
    rule = RULES[rule_id]
    parts = sections(rule)
    assert re.fullmatch(r"AP\d{3}", rule.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary.endswith(".")
    assert parts["why"], "explain why"
    assert parts.get("fails") and parts.get("passes"), "a failing and a passing example"


# What a user cannot open: the project's research notes (shared/reference/*.md and the format
# notes) and its issue tracker. Rule documentation cites public pages instead.
PRIVATE_CITATIONS = re.compile(
    r"aws-network-rules\.md|autoscaling-purchase\.md|architecture-format\.md|"
    r"aws-reachability\.md|aws-containers-serverless\.md|change-preview\.md|shared/|"
    r"§|\bissue\s*#?\d+|^Source:",
    re.IGNORECASE | re.MULTILINE,
)


@pytest.mark.parametrize("rule_id", ALL)
def test_documentation_cites_public_pages(rule_id: str) -> None:
    """Every rule ends with `References:`, one `Page title <https://...>` a line, at least one
    of them; it cites no file the user does not have and no issue number."""
    rule = RULES[rule_id]
    private = PRIVATE_CITATIONS.search(rule.documentation)
    assert private is None, (
        f"{rule_id} cites {private.group(0)!r}: users cannot open the project's notes or issues; "
        "cite AWS's own page under 'References:' (not 'Source:'), one "
        "'Page title <https://docs.aws.amazon.com/...>' a line"
        if private
        else ""
    )
    cited = references(rule)  # raises on a line that is not 'Title <https://...>'
    assert cited, (
        f"{rule_id} has no public reference: end its docstring with 'References:' and one "
        "'Page title <https://...>' a line (AWS's own page where AWS sets the rule)"
    )
    for title, url in cited:
        assert title.strip() and not title.startswith("http"), f"{rule_id}: give the page title"
        assert re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}/\S*", url), url
    assert len({url for _, url in cited}) == len(cited), f"{rule_id} cites a page twice"


def test_references_are_parsed_strictly() -> None:
    broken = RULES["AP101"]._replace(
        docstring=RULES["AP101"].documentation + "\n    aws-network-rules.md §1.1"
    )
    with pytest.raises(ValueError, match="Page title <https://"):
        references(broken)


def test_rules_page_anchors_exist() -> None:
    """The anchors SARIF's helpUri and the rules table point at are headings of the page, as
    GitHub renders them (lower case, spaces to hyphens)."""
    page = (ROOT / RULES_PAGE).read_text(encoding="utf-8")
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line[3:].lower()).replace(" ", "-")
        for line in page.splitlines()
        if line.startswith("## ")
    }
    for rule in RULES.values():
        assert anchor(rule) in headings, rule.id


@pytest.mark.parametrize("rule_id", ALL)
def test_failing_example_fires(rule_id: str) -> None:
    result = validate_text(example_document(sections(RULES[rule_id])["fails"]), EXAMPLE_NAME)
    assert result.error is None
    assert triples(result, rule_id), f"{rule_id} did not fire on its own failing example"


@pytest.mark.parametrize("rule_id", ALL)
def test_passing_example_is_clean(rule_id: str) -> None:
    result = validate_text(example_document(sections(RULES[rule_id])["passes"]), EXAMPLE_NAME)
    assert result.error is None
    assert [f.message for f in result.findings] == []


def test_generated_rules_page_is_in_sync() -> None:
    page = Path(ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == rules_markdown(), "run: python scripts/sync_docs.py"


# The project's research notes, by name: the package's comments cite AWS's pages instead.
RESEARCH_NOTES = re.compile(
    r"aws-network-rules\.md|autoscaling-purchase\.md|architecture-format\.md|"
    r"aws-reachability\.md|aws-containers-serverless\.md|change-preview\.md|shared/reference"
)
# Files other branches were editing when the rest were fixed; each goes when its notes do.
NOT_YET = {"archplan/build.py", "archplan/plan/mesh/arithmetic.py", "archplan/plan/mesh/transit.py"}


def test_the_package_cites_no_research_notes() -> None:
    """Comments and docstrings name AWS's page (title and URL), which a reader can open; the
    notes under shared/ are not in the repository."""
    citing = set()
    for path in sorted((ROOT / "archplan").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if RESEARCH_NOTES.search(path.read_text(encoding="utf-8")):
            citing.add(name)
    assert citing <= NOT_YET, sorted(citing - NOT_YET)
