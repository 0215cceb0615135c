"""CI report formats (SARIF, GitHub, JUnit, Markdown), `--output`, exit and colour options."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archplan import output
from archplan.cli import app
from archplan.findings import Finding, Related, Severity, Span
from archplan.reports import RENDERERS, Format, render_report, renderer
from archplan.reports import github as github_report
from archplan.reports import markdown as markdown_report
from archplan.reports import sarif as sarif_report
from tests.conftest import ROOT, SHARED, validate_text

GOLDEN = ROOT / "tests" / "golden"
ESTATE = "tests/golden/estate.yaml"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
CLEAN = "archplan: 1\nvpcs:\n  shared: {region: us-east-1, cidr: 10.0.0.0/16}\n"
WARNING_ONLY = "archplan: 1\nvpcs:\n  shared: {region: us-east-1, cidr: 10.0.0.1/16}\n"
ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _sarif(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["validate", *args, "--format", "sarif"])
    document: dict[str, Any] = json.loads(result.stdout)
    return document


# -- every format --------------------------------------------------------------------------


def test_every_format_has_a_renderer_that_handles_every_kind_of_result(tmp_path: Path) -> None:
    from archplan.engine import FileResult
    from archplan.errors import InputError

    assert set(RENDERERS) == set(Format)
    mixed = [
        validate_text(WARNING_ONLY, "w.yaml"),
        validate_text(CLEAN, "c.yaml"),
        FileResult("gone.yaml", None, error=InputError("no such file")),
    ]
    for output_format in Format:
        render = renderer(output_format)
        assert isinstance(render([], False), str)
        report = render_report(output_format, mixed)
        assert report.endswith("\n"), output_format
        assert "w.yaml" in report, output_format
        if output_format not in (Format.TEXT, Format.CONCISE):  # those leave errors to stderr
            assert "gone.yaml" in report, output_format


@pytest.mark.parametrize(
    ("output_format", "golden"),
    [
        ("sarif", "estate.sarif.json"),
        ("github", "estate.github.txt"),
        ("junit", "estate.junit.xml"),
        ("markdown", "estate.markdown.md"),
    ],
)
def test_golden_reports(
    runner: CliRunner, output_format: str, golden: str, update_golden: bool
) -> None:
    """Whole-report snapshots; refresh with `pytest tests/test_formats.py --update-golden`."""
    first = runner.invoke(app, ["validate", ESTATE, "--format", output_format])
    second = runner.invoke(app, ["validate", ESTATE, "--format", output_format])
    assert first.exit_code == 1
    assert first.stdout == second.stdout, "output must be byte-identical across runs"
    path = GOLDEN / golden
    if update_golden:
        path.write_text(first.stdout, encoding="utf-8")
    assert first.stdout == path.read_text(encoding="utf-8")


def _modules_and_output(*args: str) -> tuple[set[str], str]:
    """Run the CLI in a fresh interpreter: the modules it imported, and what it printed."""
    code = (
        "import sys, json\n"
        "from archplan.cli import app\n"
        "try:\n"
        f"    app({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in ENVIRONMENT}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1])), result.stdout


@pytest.mark.parametrize("output_format", [item.value for item in Format])
def test_every_format_is_deterministic_and_never_loads_rich(output_format: str) -> None:
    args = ("validate", ESTATE, "examples/endpoints.yaml", "--format", output_format)
    loaded, first = _modules_and_output(*args)
    _, second = _modules_and_output(*args)
    assert first and first == second
    assert "archplan.engine" in loaded
    assert not {name for name in loaded if name == "rich" or name.startswith("rich.")}


# -- SARIF -----------------------------------------------------------------------------------


def _validate_against_schema(document: dict[str, Any]) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA}")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors)


def test_sarif_is_valid_against_the_oasis_schema(runner: CliRunner, tmp_path: Path) -> None:
    unreadable = _write(tmp_path, "bad file.yaml", "archplan: 1\nvpcs: {a: [1, 2\n")
    for args in ([ESTATE], [unreadable, ESTATE], ["examples/endpoints.yaml"]):
        _validate_against_schema(_sarif(runner, *args))


def test_sarif_describes_the_rules_it_uses(runner: CliRunner) -> None:
    from archplan.rules import RULES

    run = _sarif(runner, ESTATE)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted({r["ruleId"] for r in run["results"]})
    for rule in rules:
        source = RULES[rule["id"]]
        assert rule["name"] == source.name
        assert rule["shortDescription"]["text"] == source.summary
        assert rule["fullDescription"]["text"] and rule["help"]["text"]
        assert "```yaml\narchplan: 1\n" in rule["help"]["markdown"]
        # The rule's section of the generated page: a heading anchor that page has.
        page, anchor = rule["helpUri"].split("#")
        assert page == "docs/rules.md"
        assert f"\n## {source.id} {source.name}\n" in (ROOT / page).read_text(encoding="utf-8")
        assert anchor == f"{source.id.lower()}-{source.name}"
        assert "References:" in rule["help"]["markdown"] and "https://" in rule["help"]["text"]
        level = {"error": "error", "warning": "warning", "info": "note"}[source.severity.label]
        assert rule["defaultConfiguration"]["level"] == level
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]
    warning = next(r for r in run["results"] if r["ruleId"] == "AP008")
    assert warning["level"] == "warning"
    duplicate = next(r for r in run["results"] if r["ruleId"] == "AP001")
    [related] = duplicate["relatedLocations"]
    assert related["id"] == 1 and related["message"]["text"] == "first written here"
    assert related["physicalLocation"]["region"]["startLine"] == 6


def test_sarif_fingerprints_survive_lines_inserted_above(tmp_path: Path) -> None:
    text = (ROOT / ESTATE).read_text(encoding="utf-8")
    moved = "# a comment\n\n# and another, above everything\n" + text.replace(
        "vpcs:\n", "vpcs:\n  # a note on the VPCs\n\n", 1
    )
    before = sarif_report.sarif_log([validate_text(text, "estate.yaml")])["runs"][0]["results"]
    after = sarif_report.sarif_log([validate_text(moved, "estate.yaml")])["runs"][0]["results"]

    def prints(results: list[dict[str, Any]]) -> list[str]:
        return sorted(r["partialFingerprints"][sarif_report.FINGERPRINT] for r in results)

    def lines(results: list[dict[str, Any]]) -> list[int]:
        return [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]

    assert len(before) == len(after) == 14  # no AP204 behind the misspelt internet_gatway
    shifts = {new - old for old, new in zip(lines(before), lines(after), strict=True)}
    assert shifts == {3, 5}  # above `vpcs:` and below it
    assert prints(before) == prints(after)
    assert len(set(prints(before))) == len(before)


def test_sarif_tells_identical_findings_apart() -> None:
    text = "archplan: 1\nvpcs:\n  a: {region: us-east-1, cidr: 10.0.0.0/16}\n" + (
        "  b: {region: us-east-1, cidr: 10.1.0.0/16}\n" * 3
    )
    results = sarif_report.sarif_log([validate_text(text)])["runs"][0]["results"]
    duplicates = [
        r["partialFingerprints"][sarif_report.FINGERPRINT]
        for r in results
        if r["ruleId"] == "AP001"
    ]
    assert len(duplicates) == 2
    assert [value.rsplit(":", 1)[1] for value in duplicates] == ["1", "2"]
    assert len({value.rsplit(":", 1)[0] for value in duplicates}) == 1


def test_sarif_unreadable_files_are_notifications(runner: CliRunner, tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", "archplan: 1\nvpcs: {a: [1, 2\n")
    result = runner.invoke(app, ["validate", bad, ESTATE, "--format", "sarif"])
    assert result.exit_code == 2
    [invocation] = json.loads(result.stdout)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"].startswith("YAML syntax error")
    location = notification["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == Path(bad).as_uri()
    assert location["region"] == {"startLine": 2, "startColumn": 11}  # the [ never closed


def test_sarif_uris_are_escaped() -> None:
    assert sarif_report.artifact_uri("dir/my estate%1.yaml") == "dir/my%20estate%251.yaml"
    assert sarif_report.artifact_uri("/srv/a b.yaml") == "file:///srv/a%20b.yaml"
    assert sarif_report.artifact_uri("<stdin>") == "%3Cstdin%3E"


# -- GitHub ----------------------------------------------------------------------------------


def test_github_annotations(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "-", "--format", "github"], input=WARNING_ONLY)
    assert result.exit_code == 0
    assert result.stdout == (
        "::warning file=<stdin>,line=3,col=37,endLine=3,endColumn=48,"
        'title=AP008 host-bits-set::cidr "10.0.0.1/16" has host bits set; AWS will use 10.0.0.0/16\n'
    )
    info = runner.invoke(app, ["validate", ESTATE, "--format", "github"]).stdout
    assert "::error file=tests/golden/estate.yaml,line=19,col=3," in info
    assert "title=AP001 duplicate-key::" in info
    assert "%0Anote: first written here (tests/golden/estate.yaml:6:3)" in info


def test_github_escapes_data_and_properties() -> None:
    assert github_report.escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert github_report.escape_property("50% a\r\nb: c, d") == "50%25 a%0D%0Ab%3A c%2C d"
    finding = Finding(
        "AP999",
        "made-up",
        Severity.INFO,
        "two\nlines, 100% \x1b[31mred\x1b[0m",
        Span(2, 3, 4, 5),
        ("vpcs",),
    )
    line = github_report._annotation("a,b:c%.yaml", finding)
    # A span over several lines: GitHub takes no columns; control characters are shown escaped.
    assert line == (
        "::notice file=a%2Cb%3Ac%25.yaml,line=2,endLine=4,title=AP999 made-up::"
        "two\\nlines, 100%25 \\x1b[31mred\\x1b[0m"
    )
    assert line.count("\n") == 0


def test_github_hostile_names_cannot_forge_commands(runner: CliRunner, tmp_path: Path) -> None:
    text = (
        'archplan: 1\nvpcs:\n  "x\\n::error::forged%0A": {region: us-east-1, cidr: 10.0.0.1/16}\n'
    )
    report = runner.invoke(app, ["validate", "-", "--format", "github"], input=text).stdout
    assert len(report.splitlines()) == 1
    assert report.startswith("::warning ")


def test_github_unreadable_file(runner: CliRunner, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.yaml")
    result = runner.invoke(app, ["validate", missing, "--format", "github"])
    assert result.exit_code == 2
    prop = github_report.escape_property(missing)
    assert result.stdout == (
        f"::error file={prop},title=archplan could not check this file::no such file\n"
    )


def test_github_format_is_the_default_on_github_actions(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert runner.invoke(app, ["validate", ESTATE]).stdout.startswith("::error file=")
    concise = runner.invoke(app, ["validate", ESTATE, "--format", "concise"]).stdout
    assert concise.startswith(f"{ESTATE}:4:40: error AP003")
    target = tmp_path / "report.txt"
    runner.invoke(app, ["validate", ESTATE, "--output", str(target)])
    assert target.read_text(encoding="utf-8").startswith(f"{ESTATE}\nerror ")
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert runner.invoke(app, ["validate", ESTATE]).stdout.startswith(ESTATE)


# -- JUnit -----------------------------------------------------------------------------------


def _junit(runner: CliRunner, *args: str) -> tuple[int, ET.Element]:
    result = runner.invoke(app, ["validate", *args, "--format", "junit"])
    return result.exit_code, ET.fromstring(result.stdout.encode("utf-8"))


def test_junit_one_case_per_file_and_a_failure_per_finding(
    runner: CliRunner, tmp_path: Path
) -> None:
    clean = _write(tmp_path, "clean.yaml", CLEAN)
    bad = _write(tmp_path, "bad.yaml", "- a list\n")
    code, root = _junit(runner, ESTATE, clean, bad)
    assert code == 2
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    assert suite.attrib["tests"] == "3"
    assert suite.attrib["failures"] == "1" and suite.attrib["errors"] == "1"
    estate, passing, unreadable = suite.findall("testcase")
    assert [case.attrib["name"] for case in (estate, passing, unreadable)] == [ESTATE, clean, bad]
    failures = estate.findall("failure")
    assert len(failures) == 12  # the errors; the warning is below --fail-on
    assert all(failure.attrib["type"] == "error" for failure in failures)
    assert (
        failures[0]
        .attrib["message"]
        .startswith("AP003 wrong-type: defaults.account must be a string")
    )
    assert (failures[0].text or "").startswith(f"{ESTATE}:4:40: error AP003 wrong-type ")
    system_out = estate.findtext("system-out") or ""
    assert "warning AP008" in system_out
    assert list(passing) == []
    [error] = unreadable.findall("error")
    assert "not" in error.attrib["message"] and (error.text or "").startswith(f"{bad}:1:1:")


def test_junit_fail_on_decides_what_fails(runner: CliRunner) -> None:
    code, root = _junit(runner, ESTATE, "--fail-on", "warning")
    assert code == 1
    case = root.find("testsuite/testcase")
    assert case is not None
    assert len(case.findall("failure")) == 14 and case.find("system-out") is None


def test_junit_hostile_text_stays_well_formed(runner: CliRunner) -> None:
    text = 'archplan: 1\nvpcs:\n  "<a>&\\e\\x01]]>": {region: us-east-1, cidr: 10.0.0.1/16}\n'
    result = runner.invoke(
        app, ["validate", "-", "--format", "junit", "--fail-on", "info"], input=text
    )
    root = ET.fromstring(result.stdout.encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert "\x1b" not in ET.tostring(root, encoding="unicode")


# -- Markdown --------------------------------------------------------------------------------


def test_markdown_escapes_cells() -> None:
    assert markdown_report.cell("a|b\nc") == "a\\|b\\\\nc"
    assert markdown_report.cell("*x* _y_ `z` <b>&") == "\\*x\\* \\_y\\_ \\`z\\` \\<b\\>&amp;"
    assert markdown_report.cell("@org/team") == "@&#8203;org/team"
    text = 'archplan: 1\nvpcs:\n  a: {region: us-east-1, cidr: 10.0.0.0/16, "x|y\\nz": 1}\n'
    report = markdown_report.render([validate_text(text)])
    [row] = [line for line in report.splitlines() if line.startswith("| error |")][1:]
    assert row.count(" | ") == 3 and 'unknown key "x\\|y\\\\nz"' in row


def test_markdown_counts_and_cap() -> None:
    vpcs = "".join(
        f"  v{index}: {{region: us-east-1, cidr: 10.{index}.0.1/16}}\n" for index in range(205)
    )
    quota = "quotas: {vpcs_per_region: 205}\n"
    report = markdown_report.render([validate_text("archplan: 1\n" + quota + "vpcs:\n" + vpcs)])
    lines = report.splitlines()
    assert lines[0] == "## archplan: 0 errors, 205 warnings, 0 info in 1 file"
    assert "| 0 | 205 | 0 |" in lines
    rows = [line for line in lines if line.startswith("| warning |")]
    assert len(rows) == markdown_report.MAX_ROWS
    assert lines[-1].startswith("5 more findings not shown")


def test_markdown_orders_by_severity_and_reports_clean_runs() -> None:
    report = markdown_report.render([validate_text((ROOT / ESTATE).read_text(encoding="utf-8"))])
    lines = report.splitlines()
    table = lines[lines.index("| severity | location | rule | message |") + 2 :]
    assert [line.split(" | ")[0] for line in table] == ["| error"] * 12 + ["| warning"] * 2
    assert report.rstrip().splitlines()[-1].startswith("| warning |")
    assert markdown_report.render([validate_text(CLEAN)]).endswith("\nNo findings.\n")


# -- --output --------------------------------------------------------------------------------


def test_output_writes_the_report_and_nothing_to_stdout(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    result = runner.invoke(app, ["validate", ESTATE, "-f", "sarif", "--output", str(target)])
    assert result.exit_code == 1
    assert result.stdout == "" and result.stderr == ""
    assert target.read_text(encoding="utf-8") == (GOLDEN / "estate.sarif.json").read_text(
        encoding="utf-8"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.sarif"]
    dash = runner.invoke(app, ["validate", ESTATE, "-f", "concise", "-o", "-"])
    assert dash.stdout.startswith(f"{ESTATE}:4:40:")


def test_output_replaces_an_existing_file_keeping_its_mode(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old report\n", encoding="utf-8")
    target.chmod(0o640)
    result = runner.invoke(app, ["validate", ESTATE, "-f", "concise", "-o", str(target)])
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8").startswith(f"{ESTATE}:4:40:")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_unreadable_input_writes_no_report_file(runner: CliRunner, tmp_path: Path) -> None:
    """Exit 2 leaves no report behind: one without some files' findings would pass for a check."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("archplan: 1\nvpcs: {a: [1\n", encoding="utf-8")
    target = tmp_path / "report.sarif"
    result = runner.invoke(app, ["validate", ESTATE, str(bad), "-f", "sarif", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{bad}:2:11: error: YAML syntax error: the [ list opened here is never closed "
        "(did not find expected ',' or ']' at 3:1)\n"
        "    2 | vpcs: {a: [1\n"
        "                  ^\n"
        f"{target}: error: not written: some files could not be read\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bad.yaml"]


@pytest.mark.parametrize("where", ["missing-dir/report.json", "."])
def test_unwritable_output_exits_two_without_a_partial_file(
    runner: CliRunner, tmp_path: Path, where: str
) -> None:
    target = tmp_path / where
    result = runner.invoke(app, ["validate", ESTATE, "-f", "json", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{target}: error: cannot write the report: ")
    assert not (tmp_path / "missing-dir").exists()
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")

    def refuse(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        output.write_atomic(str(target), b"new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [path.name for path in tmp_path.iterdir()] == ["report.json"]


# -- exit codes, quiet, colour ----------------------------------------------------------------


def test_exit_zero_masks_findings_but_not_input_errors(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["validate", ESTATE, "--exit-zero"]).exit_code == 0
    path = _write(tmp_path, "w.yaml", WARNING_ONLY)
    assert runner.invoke(app, ["validate", path, "--fail-on", "info", "--exit-zero"]).exit_code == 0
    bad = _write(tmp_path, "bad.yaml", "- a list\n")
    assert runner.invoke(app, ["validate", ESTATE, bad, "--exit-zero"]).exit_code == 2


def test_quiet_drops_the_summary(runner: CliRunner, tmp_path: Path) -> None:
    clean = _write(tmp_path, "c.yaml", CLEAN)
    result = runner.invoke(app, ["validate", clean, "-q"])
    assert result.exit_code == 0 and result.stdout == ""
    full = runner.invoke(app, ["validate", ESTATE]).stdout
    quiet = runner.invoke(app, ["validate", ESTATE, "--quiet"]).stdout
    assert full.startswith(quiet) and quiet.endswith("(tests/golden/estate.yaml:27:38)\n")
    assert full[len(quiet) :] == "\n12 errors, 2 warnings, 0 info in 1 file\n"
    coloured = runner.invoke(app, ["validate", ESTATE, "--quiet", "--color", "always"]).stdout
    assert "\x1b[" in coloured and "13 errors" not in coloured
    json_quiet = runner.invoke(app, ["validate", ESTATE, "-q", "-f", "json"]).stdout
    assert json_quiet == runner.invoke(app, ["validate", ESTATE, "-f", "json"]).stdout


def test_color_option_and_environment(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def coloured(*args: str) -> bool:
        return "\x1b[" in runner.invoke(app, ["validate", ESTATE, *args]).stdout

    assert not coloured()
    assert coloured("--color", "always")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert coloured() and coloured("--color", "auto")
    assert not coloured("--color", "never")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not coloured()
    assert coloured("--color", "always")
    target = tmp_path / "report.txt"
    monkeypatch.delenv("NO_COLOR")
    runner.invoke(app, ["validate", ESTATE, "-o", str(target)])
    assert "\x1b[" not in target.read_text(encoding="utf-8")  # FORCE_COLOR is for terminals
    assert runner.invoke(app, ["validate", ESTATE, "--color", "sometimes"]).exit_code == 2


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("mode", "environment", "tty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # empty means unset (no-color.org)
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": "0"}, False, False),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_use_color(
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    environment: dict[str, str],
    tty: bool,
    expected: bool,
) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    stream: Any = _Stream(tty)
    assert output.use_color(output.ColorMode(mode), stream) is expected


def test_span_helpers_do_not_produce_invalid_regions() -> None:
    finding = Finding(
        "AP001",
        "duplicate-key",
        Severity.ERROR,
        "m",
        Span(0, 0, 0, 0),
        (),
        (Related("r", Span(3, 5, 3, 2), ()),),
    )
    result = sarif_report._result(finding, 0, "f.yaml", 1)
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
    related = result["relatedLocations"][0]["physicalLocation"]["region"]
    assert related["endColumn"] >= related["startColumn"]
