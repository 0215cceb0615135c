"""The diff's reports agree with themselves: the summary counts what the body labels (F7),
the pull-request comment shows every changed object (F11) within its cap."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from archplan.diff.render import DiffFormat, markdown, renderer
from tests.diff.helpers import EXAMPLES, edit, texts

FORUM = (EXAMPLES / "forum.yaml").read_text(encoding="utf-8")
FORUM_EC2 = (EXAMPLES / "forum-ec2.yaml").read_text(encoding="utf-8")
NEXT = (EXAMPLES / "diff" / "forum-next.yaml").read_text(encoding="utf-8")
BIGGER_TASKS = edit(FORUM, "    cpu: 512\n    memory: 1024\n", "    cpu: 1024\n    memory: 2048\n")


def test_a_new_task_definition_revision_is_not_labelled_as_the_service_replaced(
    tmp_path: Path,
) -> None:
    result = texts(FORUM, BIGGER_TASKS)
    report = renderer(DiffFormat.TEXT)(result, False, 1000)
    assert "0 replaced, 1 kept while a resource of its own is replaced" in report
    assert "cpu: 512 -> 1024  replaces its AWS::ECS::TaskDefinition (Cpu)" in report
    assert "  replacement (" not in report  # nothing says "replacement" beside "0 replaced"
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(FORUM, encoding="utf-8")
    new.write_text(BIGGER_TASKS, encoding="utf-8")
    run = CliRunner().invoke(app, ["diff", str(old), str(new), "--fail-on", "replacement"])
    assert run.exit_code == 0  # the gate counts replaced objects, as the summary does


def test_a_conditional_replacement_is_counted_beside_the_replaced() -> None:
    report = renderer(DiffFormat.TEXT)(texts(FORUM_EC2, NEXT, str(EXAMPLES)), False, 1000)
    assert "; 1 replaced, 1 may be replaced (conditional);" in report


def test_the_pull_request_comment_shows_the_changes_that_are_not_replacements() -> None:
    out = renderer(DiffFormat.MARKDOWN)(texts(FORUM_EC2, NEXT, str(EXAMPLES)), False, 100)
    assert "#### Other changes" in out
    row = next(line for line in out.splitlines() if "scaling\\_groups.users" in line)
    assert row.startswith('| modified | scaling group "users"')
    assert "purchase.on\\_demand\\_percentage\\_above\\_base: 25 -\\> 50" in row
    assert "| conditional replacement (AWS::AutoScaling::AutoScalingGroup." in row


def test_the_other_changes_table_says_what_it_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    many = FORUM_EC2.replace("    max: 12\n", "    max: 14\n").replace(
        "    min: 2\n", "    min: 3\n"
    )
    result = texts(FORUM_EC2, many, str(EXAMPLES))
    changed = len(result.changes)
    assert changed >= 2
    monkeypatch.setattr(markdown, "MAX_ROWS", 1)
    out = renderer(DiffFormat.MARKDOWN)(result, False, 100)
    assert f"{changed - 1:,} more changed objects not shown, past the 1 rows" in out
