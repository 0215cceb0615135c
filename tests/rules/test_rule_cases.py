"""Every rule's cases, kept as data: YAML source next to the expected [rule, line, column]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from archplan.rules import RULES
from tests.conftest import ROOT, triples, validate_text

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            params.append(pytest.param(data["rule"], case, id=f"{path.stem}: {case['name']}"))
    return params


@pytest.mark.parametrize(("rule", "case"), _load_cases())
def test_rule_case(rule: str, case: dict[str, Any]) -> None:
    # `file`: where the case is written, relative to the repository, for rules that read files
    # named relative to it (AP513).
    name = str(ROOT / case["file"]) if "file" in case else "test.yaml"
    result = validate_text(case["source"], name)
    assert result.error is None, f"input error: {result.error and result.error.message}"
    expected = [list(item) for item in case["expect"]]
    assert triples(result, rule) == expected, [f.message for f in result.findings]


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    failing: set[str] = set()
    passing: set[str] = set()
    for path in CASES_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            (failing if case["expect"] else passing).add(data["rule"])
    assert sorted(set(RULES) - failing) == [], "rules without a failing case"
    assert sorted(set(RULES) - passing) == [], "rules without a passing case"
