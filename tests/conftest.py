"""Shared test helpers: validate YAML text in memory, and refresh golden files on request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from archplan.engine import FileResult, validate_source
from archplan.source import Source

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden report snapshots from the current output",
    )


@pytest.fixture(autouse=True)
def _neutral_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports must not depend on where the suite runs: CI sets GITHUB_ACTIONS, some shells
    FORCE_COLOR or NO_COLOR. Subprocesses inherit the cleaned os.environ."""
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def validate_text(text: str, name: str = "test.yaml") -> FileResult:
    return validate_source(Source(name, text))


def triples(result: FileResult, rule: str | None = None) -> list[list[object]]:
    """Findings as [rule, line, column], optionally only one rule's."""
    return [
        [finding.rule_id, finding.span.line, finding.span.column]
        for finding in result.findings
        if rule is None or finding.rule_id == rule
    ]


# Hypothesis: modest example counts in the suite (CI has 2 cores and a budget of minutes);
# tests that set their own max_examples keep them. scripts/fuzz.py runs the long searches.
settings.register_profile("ci", max_examples=75, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
