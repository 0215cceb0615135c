"""Suppression comments: inline and file-level ignores, by id or name, and AP901 for stale ones.

(The rule's cases, with exact positions, are in tests/rules/cases/AP901-unused-suppression.yaml.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from archplan.policy import Policy, apply_policy
from archplan.suppress import comment_column, find_suppressions
from tests.conftest import validate_text


def _ids(text: str) -> list[str]:
    return [f.rule_id for f in validate_text(text).findings]


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("a: b # c", 5),
        ("# only", 0),
        ("a: b#c", None),
        ('a: "x # y" # z', 11),
        ("a: 'it''s # no' # yes", 16),
        ('a: "esc \\" # no"', None),
        ("a: [x, 'y # no']", None),
    ],
)
def test_comment_column(line: str, column: int | None) -> None:
    assert comment_column(line) == column


def test_several_rules_by_id_and_name_on_one_comment() -> None:
    text = """archplan: 1
vpcs:
  shared:
    region: us-east-1
    cidr: 172.17.0.0/16  # archplan: ignore[ap104, vpc-cidr-overlap] both, on purpose
    secondary_cidrs: [172.17.0.0/16]
"""
    assert set(_ids(text)) >= {"AP104", "AP105"}  # on line 6, not covered
    covered = text.replace("    secondary_cidrs: [172.17.0.0/16]\n", "")
    assert _ids(covered) == ["AP901"]  # AP104 used, AP105 reported nothing
    message = validate_text(covered).findings[0].message
    assert message == (
        "unused suppression: AP105 (vpc-cidr-overlap) reported nothing on the line it covers; "
        "remove it"
    )


def test_the_line_above_covers_only_the_next_line_of_yaml() -> None:
    text = """archplan: 1
vpcs:
  # archplan: ignore[AP104]

  a: {region: us-east-1, cidr: 172.17.0.0/16}
  b: {region: us-east-1, cidr: 172.17.0.0/16}
"""
    findings = validate_text(text).findings
    assert [(f.rule_id, f.span.line) for f in findings] == [("AP104", 6)]


def test_ignore_file_in_the_header_and_blank_lines_and_document_start() -> None:
    text = """# A header comment.

# archplan: ignore-file[docker-bridge-range, AP008] shared lab estate
---
archplan: 1
vpcs:
  a: {region: us-east-1, cidr: 172.17.0.0/16}
  b: {region: us-east-1, cidr: 10.0.0.1/16}
"""
    assert _ids(text) == []
    assert [s.kind for s in find_suppressions(text)] == ["ignore-file"]


def test_unused_ignore_file_is_reported_and_ap901_can_be_turned_off() -> None:
    text = "# archplan: ignore-file[AP104]\narchplan: 1\nvpcs: {}\n"
    findings = validate_text(text).findings
    assert [(f.rule_id, f.severity.label, f.span.line) for f in findings] == [("AP901", "info", 1)]
    assert "reported nothing in the file" in findings[0].message
    assert apply_policy(findings, text, Policy(ignore=frozenset({"AP901"}))) == ()
    silenced = "# archplan: ignore-file[AP901]\n" + text
    assert _ids(silenced) == []


def test_an_ignored_rule_makes_its_suppressions_unused() -> None:
    # ruff's RUF100 does the same: the configuration already silences the rule.
    text = "archplan: 1\nvpcs:\n  a: {region: us-east-1, cidr: 172.17.0.0/16}  # archplan: ignore[AP104]\n"
    from archplan.engine import validate_source
    from archplan.source import Source

    result = validate_source(Source("a.yaml", text), Policy(ignore=frozenset({"AP104"})))
    assert [f.rule_id for f in result.findings] == ["AP901"]


def test_unknown_rule_gets_a_suggestion() -> None:
    text = "archplan: 1  # archplan: ignore[docker-bridge-rang]\n"
    (finding,) = validate_text(text).findings
    assert finding.message == (
        'ignore[docker-bridge-rang] names no rule (did you mean "docker-bridge-range"?)'
    )


def test_suppressed_findings_leave_reports_and_the_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = """archplan: 1
vpcs:
  a:
    region: us-east-1
    cidr: 10.0.0.0/16
    secondary_cidrs: [10.0.0.0/16]  # archplan: ignore[AP105] migrating
"""
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "--format", "json", "a.yaml"])
    assert result.exit_code == 0, result.stdout
    assert "AP105" not in result.stdout
    json.loads(result.stdout)
