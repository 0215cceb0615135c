"""Each rule's documentation is true: its failing example fires the rule, its passing one not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archplan.ruledocs import example_document, rules_markdown, sections
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
    assert parts.get("source"), "cite the source"


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
