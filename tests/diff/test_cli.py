"""`archplan diff` on the command line: sides, formats, --output, gates and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import corpus_files
from tests.diff.helpers import EXAMPLES, edit

FORUM = (EXAMPLES / "forum-ec2.yaml").read_text(encoding="utf-8")
SHARED = (EXAMPLES / "shared-services.yaml").read_text(encoding="utf-8")
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def pair(tmp_path: Path, old: str, new: str) -> tuple[str, str]:
    first, second = tmp_path / "old.yaml", tmp_path / "new.yaml"
    first.write_text(old, encoding="utf-8")
    second.write_text(new, encoding="utf-8")
    return str(first), str(second)


def test_a_change_exits_0_without_gates_and_no_change_says_so(tmp_path: Path) -> None:
    old, new = pair(tmp_path, FORUM, edit(FORUM, "    max: 12\n", "    max: 14\n"))
    code, out, _ = run(old, new)
    assert (
        code == 0 and "max: 12 -> 14  in place (AWS::AutoScaling::AutoScalingGroup.MaxSize)" in out
    )
    code, out, _ = run(old, old, "--width", "1000")  # one line per item (the temporary path)
    assert code == 0 and out.splitlines()[1] == "no change"


@pytest.mark.parametrize(
    ("gate", "code"),
    [("replacement", 1), ("new-error", 0), ("new-warning", 0), ("cost-increase:1", 0)],
)
def test_a_replacement_crosses_only_the_replacement_gate(
    tmp_path: Path, gate: str, code: int
) -> None:
    new = edit(
        FORUM, "forum-app-a:    {cidr: 10.50.16.0/20", "forum-app-a:    {cidr: 10.50.64.0/20"
    )
    assert run(*pair(tmp_path, FORUM, new), "--fail-on", gate)[0] == code


def test_a_new_error_crosses_new_error_and_new_warning(tmp_path: Path) -> None:
    new = edit(
        SHARED,
        "          10.0.0.0/16: peering:shared-hr\n\n  engineering",
        "          10.0.0.0/12: peering:shared-hr\n\n  engineering",
    )
    files = pair(tmp_path, SHARED, new)
    code, _, err = run(*files, "--fail-on", "new-error")
    assert code == 1 and "1 new error(s)" in err
    assert run(*files, "--fail-on", "new-warning")[0] == 1
    assert run(*files, "--fail-on", "replacement")[0] == 0
    assert run(*pair(tmp_path, new, SHARED), "--fail-on", "new-error")[0] == 0  # fixed, not new


def test_cost_increase_gate_compares_with_the_percentage(tmp_path: Path) -> None:
    old = edit(FORUM, "    max: 12\n", "    max: 6\n")
    files = pair(tmp_path, old, FORUM)
    assert run(*files, "--fail-on", "cost-increase:1")[0] == 1  # +3.8 %
    assert run(*files, "--fail-on", "cost-increase:5")[0] == 0
    assert run(*pair(tmp_path, FORUM, old), "--fail-on", "cost-increase:0")[0] == 0  # a fall


@pytest.mark.parametrize("gate", ["replace", "cost-increase", "cost-increase:x", "new-error:3"])
def test_an_unknown_gate_is_a_usage_error(tmp_path: Path, gate: str) -> None:
    code, _, err = run(*pair(tmp_path, FORUM, FORUM), "--fail-on", gate)
    assert code == 2 and "--fail-on" in err


def test_unreadable_input_exits_2_at_its_place_and_writes_nothing(tmp_path: Path) -> None:
    old, new = pair(tmp_path, FORUM, "archplan: 1\nvpcs: [\n")
    report = tmp_path / "report.json"
    report.write_text("earlier\n", encoding="utf-8")
    code, out, err = run(old, new, "--format", "json", "--output", str(report))
    assert code == 2 and out == ""
    assert err.startswith(f"{new}:3:1: error: YAML syntax error")
    assert report.read_text(encoding="utf-8") == "earlier\n"
    code, _, err = run(old, str(tmp_path / "missing.yaml"))
    assert code == 2 and "missing.yaml: error: no such file" in err
    assert run(old)[0] == 2  # one side only


def test_output_is_written_atomically_and_json_is_stable(tmp_path: Path) -> None:
    old, new = pair(tmp_path, FORUM, edit(FORUM, "    max: 12\n", "    max: 14\n"))
    report = tmp_path / "diff.json"
    code, out, _ = run(old, new, "-f", "json", "-o", str(report))
    assert code == 0 and out == ""
    first = report.read_text(encoding="utf-8")
    document = json.loads(first)
    assert document["format"] == "archplan-diff 1"
    assert [change["fields"][0]["field"] for change in document["changes"]] == ["max"]
    assert document["changes"][0]["fields"][0]["old_place"] == {
        "file": old,
        "line": 55,
        "column": 10,
        "address": None,
    }
    run(old, new, "-f", "json", "-o", str(report))
    assert report.read_text(encoding="utf-8") == first


def test_markdown_and_github_formats(tmp_path: Path) -> None:
    new = edit(
        FORUM, "forum-app-a:    {cidr: 10.50.16.0/20", "forum-app-a:    {cidr: 10.50.64.0/20"
    )
    files = pair(tmp_path, FORUM, new)
    _, out, _ = run(*files, "-f", "markdown")
    assert out.startswith(
        "### archplan diff\n\n**1 object(s) changed (0 added, 0 removed, 1 modified); 1 replaced"
    )
    assert "#### Replacements" in out and 'subnet "forum-app-a"' in out
    _, out, _ = run(*files, "-f", "github")
    lines = out.splitlines()
    assert lines[0].startswith("::notice title=archplan diff::")
    assert lines[1].startswith(
        f"::warning file={files[1]},line=34,col=7,title=archplan diff%3A replacement::"
    )


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_base_takes_the_old_side_from_git(tmp_path: Path) -> None:
    estate = tmp_path / "estate.yaml"
    estate.write_text(FORUM, encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "estate.yaml")
    _git(tmp_path, "commit", "-qm", "estate")
    estate.write_text(edit(FORUM, "    max: 12\n", "    max: 14\n"), encoding="utf-8")
    code, out, _ = run(str(estate), "--base", "HEAD", "--width", "1000")
    assert code == 0
    assert f"HEAD:{estate}:55:10 -> {estate}:55:10" in out
    code, _, err = run(str(estate), "--base", "no-such-revision")
    assert code == 2 and f"no-such-revision:{estate}: error:" in err


def test_against_from_reports_drift() -> None:
    files = [
        str(path)
        for path in corpus_files("aws-cli")
        # search-transit-gateway-routes is real CLI output of a command archplan does not read:
        # refused (exit 2), as any source that is not one of the supported outputs.
        if path.suffix == ".json" and "search-transit-gateway-routes" not in path.name
    ]
    if not files:
        pytest.skip("the shared corpus is not here")
    code, out, _ = run(
        str(EXAMPLES / "forum-ec2.yaml"), "--against-from", "aws-cli", *files, "-f", "json"
    )
    assert code == 0
    document = json.loads(out)
    assert document["drift"] and document["cost"] is None
    # forum's VPC is not deployed; the deployed VPCs are not in the file.
    actions = {
        (change["action"], change["old_path"] or change["new_path"])
        for change in document["changes"]
    }
    assert ("added", "vpcs.forum") in actions and ("removed", "vpcs.Shared-VPC") in actions


def test_the_command_is_deterministic_and_loads_no_rich_for_json(tmp_path: Path) -> None:
    old, new = pair(tmp_path, FORUM, edit(FORUM, "    max: 12\n", "    max: 14\n"))
    code = (
        "import sys, json\nfrom archplan.cli import app\n"
        f"try:\n    app(['diff', {old!r}, {new!r}, '-f', 'json'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    outputs = []
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=dict(os.environ),
            timeout=120,
        )
        outputs.append(result.stdout)
        loaded = set(json.loads(result.stderr.strip().splitlines()[-1]))
        assert not {name for name in loaded if name == "rich" or name.startswith("rich.")}
    assert outputs[0] and outputs[0] == outputs[1]


def test_version_does_not_load_the_diff_engine() -> None:
    code = "import sys\nfrom archplan.cli import app\ntry:\n    app(['--version'])\nexcept SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m.startswith('archplan.diff')), file=sys.stderr)\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stderr.strip().splitlines()[-1] == "['archplan.diff', 'archplan.diff.render']"


def test_the_readme_shows_the_real_output_of_its_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- diff-example:start -->\n```\n", 1)[1].split(
        "```\n<!-- diff-example:end -->", 1
    )[0]
    command, _, shown = block.partition("\n")
    args = command.removeprefix("$ archplan ").split()
    result = subprocess.run(
        [sys.executable, "-m", "archplan", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout == shown


def test_a_large_estates_old_findings_come_from_a_second_process_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archplan.cli import io as memory

    new = edit(
        SHARED,
        "          10.0.0.0/16: peering:shared-hr\n\n  engineering",
        "          10.0.0.0/12: peering:shared-hr\n\n  engineering",
    )
    files = pair(tmp_path, new, SHARED)  # the old version has the finding: resolved
    inline = run(*files, "-f", "json")
    monkeypatch.setattr(memory, "KEEP_FROM_CHARS", 0)
    monkeypatch.setattr(memory, "kept", [])
    forked = run(*files, "-f", "json")
    assert forked == inline
    assert json.loads(forked[1])["findings_resolved"][0]["rule"] == "AP308"


def test_imported_folders_match_templates_by_their_name_in_the_folder(tmp_path: Path) -> None:
    from tests.diff.test_pairs import CFN_TEMPLATE

    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "net-a.yaml").write_text(CFN_TEMPLATE.format(n=1), encoding="utf-8")
    (old / "net-b.yaml").write_text(CFN_TEMPLATE.format(n=2), encoding="utf-8")
    (new / "net-b.yaml").write_text(CFN_TEMPLATE.format(n=2), encoding="utf-8")
    code, out, _ = run(
        str(old),
        str(new),
        "--old-from",
        "cloudformation",
        "--new-from",
        "cloudformation",
        "--region",
        "us-east-1",
        "-f",
        "json",
        "--fail-on",
        "replacement",
    )
    assert code == 0, out
    changes = {(c["action"], c["old_path"], c["new_path"]) for c in json.loads(out)["changes"]}
    assert ("modified", "vpcs.VPC-2", "vpcs.VPC") in changes
    assert ("removed", "vpcs.VPC", None) in changes


def _overlapping_subnets(tmp_path: Path, count: int) -> tuple[str, str]:
    old = (
        "archplan: 1\ndefaults: {region: us-east-1}\nvpcs:\n  a:\n    cidr: 10.0.0.0/16\n"
        "    subnets:\n      s0: {cidr: 10.0.0.0/24, az: us-east-1a}\n"
    )
    new = old + "".join(
        f"      s{i}: {{cidr: 10.0.0.0/24, az: us-east-1a}}\n" for i in range(1, count + 1)
    )
    return pair(tmp_path, old, new)


def test_max_findings_cuts_the_lists_but_not_the_counts_or_the_gates(tmp_path: Path) -> None:
    old, new = _overlapping_subnets(tmp_path, 5)
    code, out, err = run(old, new, "-f", "json", "--max-findings", "2", "--fail-on", "new-error")
    document = json.loads(out)
    assert code == 1 and "5 new error(s)" in err  # the gate counts every finding
    assert document["findings_counts"] == {"introduced": 5, "resolved": 0}
    assert "5 finding(s) introduced" in document["summary"]
    rules = [finding["rule"] for finding in document["findings_introduced"]]
    assert rules == ["AP113", "AP113", "AP902"]
    assert (
        "3 more findings introduced are not shown" in document["findings_introduced"][2]["message"]
        and "AP113 x3" in document["findings_introduced"][2]["message"]
    )
    code, out, _ = run(old, new, "--max-findings", "2", "--width", "1000")
    assert code == 0 and out.count("AP113 subnet-overlap") == 2 and "AP902" in out
    _, whole, _ = run(old, new, "-f", "json")
    assert len(json.loads(whole)["findings_introduced"]) == 5  # the default (1,000) cuts nothing
    assert run(old, new, "--max-findings", "0")[0] == 2


def test_width_and_color_shape_the_text_report_only(tmp_path: Path) -> None:
    old, new = _overlapping_subnets(tmp_path, 2)
    _, narrow, _ = run(old, new, "--width", "60", "--color", "never")
    assert max(len(line) for line in narrow.splitlines()) <= 60 and "\x1b[" not in narrow
    _, coloured, _ = run(old, new, "--width", "60", "--color", "always")
    assert "\x1b[" in coloured
    for output_format in ("json", "markdown", "github"):
        _, out, _ = run(old, new, "-f", output_format, "--color", "always", "--width", "40")
        assert "\x1b[" not in out
    _, first, _ = run(old, new, "-f", "json", "--width", "40")
    _, second, _ = run(old, new, "-f", "json", "--width", "200")
    assert first == second


def test_output_takes_every_format(tmp_path: Path) -> None:
    old, new = _overlapping_subnets(tmp_path, 1)
    for output_format in ("text", "json", "markdown", "github"):
        target = tmp_path / f"report.{output_format}"
        code, out, _ = run(old, new, "-f", output_format, "-o", str(target))
        assert code == 0 and out == ""
        written = target.read_text(encoding="utf-8")
        _, expected, _ = run(old, new, "-f", output_format, "--color", "never", "--width", "100")
        assert written == expected  # a file is not coloured (auto), and text is 100 columns wide


def test_a_new_user_s_mistakes_exit_2_with_a_clear_message_and_no_traceback(
    tmp_path: Path,
) -> None:
    """At 80 columns: a typo in a file, a file that is not YAML, --base with a bad revision,
    a revision read as an option, a file new since the revision, a file outside git."""
    repo = tmp_path / "repo"
    repo.mkdir()
    estate = repo / "estate.yaml"
    estate.write_text(FORUM, encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "estate.yaml")
    _git(repo, "commit", "-qm", "estate")
    typo = repo / "typo.yaml"
    typo.write_text(FORUM.replace("    max: 12\n", "    max: [12\n", 1), encoding="utf-8")
    json_file = repo / "estate.json"
    json_file.write_text('{"archplan": 1, "vpcs": [\n', encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    loose = outside / "estate.yaml"
    loose.write_text(FORUM, encoding="utf-8")
    cases = [
        ([str(estate), str(typo)], f"{typo}:", "YAML syntax error"),
        ([str(json_file), str(estate)], f"{json_file}:2:", "YAML syntax error"),
        ([str(estate), "--base", "no-such-branch"], "no-such-branch:", 'no revision "no-such'),
        ([str(estate), "--base", "--cached"], "--base", "is not a revision"),
        ([str(typo), "--base", "HEAD"], f"HEAD:{typo}:", "has no older version"),
        ([str(loose), "--base", "HEAD"], f"HEAD:{loose}:", "not in a git repository"),
    ]
    for args, where, what in cases:
        result = CliRunner().invoke(app, ["diff", *args], env={"COLUMNS": "80"})
        assert result.exit_code == 2, (args, result.output)
        assert where in result.stderr and what in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_side_whose_import_left_everything_out_is_an_input_error(tmp_path: Path) -> None:
    """Two templates that import no object used to compare as "no change", exit 0."""
    unresolved = tmp_path / "unresolved.yaml"
    unresolved.write_text(
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n"
        "    Properties: {CidrBlock: !ImportValue shared-cidr}\n",
        encoding="utf-8",
    )
    code, out, err = run(
        str(unresolved),
        str(unresolved),
        "--old-from",
        "cloudformation",
        "--new-from",
        "cloudformation",
    )
    assert code == 2 and out == ""
    assert "imported nothing to compare" in err and "`archplan import cloudformation" in err


def test_a_change_to_the_settings_forks_both_whole_versions_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A quota change reaches every unit: both versions are checked whole, in the copies too.
    from archplan.cli import io as memory

    new = SHARED.replace("archplan: 1\n", "archplan: 1\nquotas: {routes_per_route_table: 1}\n", 1)
    assert new != SHARED
    files = pair(tmp_path, SHARED, new)
    inline = run(*files, "-f", "json")
    monkeypatch.setattr(memory, "KEEP_FROM_CHARS", 0)
    monkeypatch.setattr(memory, "kept", [])
    forked = run(*files, "-f", "json")
    assert forked == inline
    assert {item["rule"] for item in json.loads(forked[1])["findings_introduced"]} == {"AP210"}
