"""Shared test helpers: validate YAML text in memory, and refresh golden files on request."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    FORCE_COLOR or NO_COLOR, and a developer's exported COLUMNS would change the width of
    every piped report (goldens included): they are laid out for the fixed 100 columns unless
    a test asks for a width. Subprocesses inherit the cleaned os.environ."""
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "COLUMNS", "LINES"):
        monkeypatch.delenv(variable, raising=False)
    # GNU readline, once imported (pytest imports it), exports COLUMNS=80 and LINES with
    # putenv(): os.environ does not show them, but a subprocess started with env=None
    # inherits them and would lay its report out for 80 columns.
    for variable in ("COLUMNS", "LINES"):
        os.unsetenv(variable)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def validate_text(text: str, name: str = "test.yaml") -> FileResult:
    """Validate architecture text; a CloudFormation template (AP009's examples and cases) is
    validated as `validate --from cloudformation` does."""
    if text.startswith(TEMPLATE_START):
        return validate_template(text)
    return validate_source(Source(name, text))


TEMPLATE_START = "AWSTemplateFormatVersion"


def validate_template(text: str, *params: str) -> FileResult:
    """The result for one template written to a temporary file (importers read paths)."""
    import tempfile

    from archplan.importers import SourceKind
    from archplan.importers.check import validate_import
    from archplan.importers.common import ImportOptions

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "template.yaml"
        path.write_text(text, encoding="utf-8")
        values = dict(param.split("=", 1) for param in params)
        (result,) = validate_import(
            SourceKind.CLOUDFORMATION, [str(path)], ImportOptions(params=values)
        )
    return result


def validate_file(path: Path) -> FileResult:
    """Validate a shipped example: an architecture file, or a template (examples/broken)."""
    from archplan.source import read_source

    source = read_source(str(path))
    if TEMPLATE_START in source.text:
        return validate_template(source.text)
    return validate_source(source)


def triples(result: FileResult, rule: str | None = None) -> list[list[object]]:
    """Findings as [rule, line, column], optionally only one rule's."""
    return [
        [finding.rule_id, finding.span.line, finding.span.column]
        for finding in result.findings
        if rule is None or finding.rule_id == rule
    ]


# -- The shared corpus and reference ---------------------------------------------------------
# Real sources and AWS reference tables live beside the repository in CI (../shared), not in
# it. Every test that reads them goes through these helpers, so one environment variable
# points a clone elsewhere at them, and an absent folder skips with one reason that says how.

SHARED = Path(os.environ.get("ARCHPLAN_SHARED") or ROOT.parent / "shared")
CORPUS = Path(os.environ.get("ARCHPLAN_CORPUS") or SHARED / "corpus")
REFERENCE = Path(os.environ.get("ARCHPLAN_REFERENCE") or SHARED / "reference")
ABSENT = (
    "the shared {what} is not at {path}: set {variable} (or ARCHPLAN_SHARED, the folder "
    "holding corpus/ and reference/); CI runs these tests"
)
CORPUS_ABSENT = ABSENT.format(what="corpus", path=CORPUS, variable="ARCHPLAN_CORPUS")
REFERENCE_ABSENT = ABSENT.format(what="reference", path=REFERENCE, variable="ARCHPLAN_REFERENCE")


def corpus_dir(kind: str = "") -> Path:
    """A folder of the shared corpus (`$ARCHPLAN_CORPUS`, else `$ARCHPLAN_SHARED/corpus`, else
    `<repo>/../shared/corpus`); it may not exist."""
    return CORPUS / kind if kind else CORPUS


def corpus_files(kind: str) -> list[Path]:
    """The real sources of one kind in the shared corpus: [] when absent, so a parametrised
    test is skipped (the run's summary says why, once)."""
    directory = corpus_dir(kind)
    return sorted(directory.iterdir()) if directory.is_dir() else []


def corpus_file(kind: str, name: str) -> Path:
    """One corpus file by name, or skip the test when the corpus is not there."""
    found = [path for path in corpus_files(kind) if path.name == name]
    if not found:
        pytest.skip(CORPUS_ABSENT if not CORPUS.is_dir() else f"corpus file {kind}/{name} absent")
    return found[0]


def reference_file(*parts: str) -> Path:
    """A file of the shared reference (`$ARCHPLAN_REFERENCE`, else `$ARCHPLAN_SHARED/reference`,
    else `<repo>/../shared/reference`), or skip the test when it is not there."""
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(REFERENCE_ABSENT)
    return path


def shared_file(*parts: str) -> Path:
    """Any other file of the shared folder (design notes, schemas), or skip the test."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(ABSENT.format(what="folder", path=SHARED, variable="ARCHPLAN_SHARED"))
    return path


def pytest_report_header() -> list[str]:
    return [f"archplan shared corpus: {CORPUS} ({'present' if CORPUS.is_dir() else 'ABSENT'})"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One clear line when tests were skipped for want of the corpus or reference: a green run
    with these skips is not CI's green."""
    pairs = ((CORPUS_ABSENT, CORPUS), (REFERENCE_ABSENT, REFERENCE))
    missing = [text for text, folder in pairs if not folder.is_dir()]
    skipped = len(terminalreporter.stats.get("skipped", []))
    if missing and skipped:
        terminalreporter.write_line(f"archplan: {skipped} test(s) skipped; " + "; ".join(missing))


# Hypothesis: modest example counts in the suite (CI has 2 cores and a budget of minutes);
# tests that set their own max_examples keep them. The suite is a gate on pull requests, so it
# draws the same examples on every run (derandomize): a property that fails there fails on
# every clone, never once in a while on someone else's change. `HYPOTHESIS_PROFILE=explore`
# draws new examples each run (with the example database), and scripts/fuzz.py runs the long
# searches; what they find becomes a fixed test.
settings.register_profile("ci", max_examples=75, deadline=None, derandomize=True)
settings.register_profile("explore", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# Findings that mean "this is not a valid format-1 file", as opposed to what the rules find.
INPUT_RULES = frozenset({"AP001", "AP002", "AP003", "AP004", "AP005", "AP006", "AP007"})


def validate_imported(document: object) -> FileResult:
    """Validate an importer's document as the YAML `archplan import` would write."""
    import yaml

    return validate_source(Source("imported.yaml", yaml.safe_dump(document, sort_keys=False)))


def input_errors(result: FileResult) -> list[str]:
    """The input errors of a result: the file was not a valid format-1 file where these are."""
    errors = [f.rule_id + " " + f.message for f in result.findings if f.rule_id in INPUT_RULES]
    return errors + ([result.error.message] if result.error else [])


# -- Every stderr message the suite produces is checked (issue 14) --------------------------
# Whatever a test runs (CliRunner, or archplan as a subprocess), its standard error must hold
# no raw control or format character and no GitHub Actions workflow command: a name in a file
# must never write to the terminal or forge an annotation. Checked after each test.

RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
WORKFLOW_COMMAND = re.compile(r"(?m)^\s*::|##\[")
_stderr_seen: list[tuple[str, str]] = []


def _record(what: str, stderr: object) -> None:
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    if isinstance(stderr, str) and stderr:
        _stderr_seen.append((what, stderr))


@pytest.fixture(autouse=True)
def _stderr_is_escaped(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from typer.testing import CliRunner

    invoke = CliRunner.invoke
    run = subprocess.run

    def recorded_invoke(self: CliRunner, cli: Any, args: Any = None, **kwargs: Any) -> Any:
        result = invoke(self, cli, args, **kwargs)
        with contextlib.suppress(ValueError):  # stderr not captured apart from stdout
            _record(f"archplan {args!r}", result.stderr)
        return result

    def recorded_run(*args: Any, **kwargs: Any) -> Any:
        result = run(*args, **kwargs)
        command = args[0] if args else kwargs.get("args")
        if "archplan" in repr(command):
            _record(repr(command)[:200], getattr(result, "stderr", None))
        return result

    monkeypatch.setattr(CliRunner, "invoke", recorded_invoke)
    monkeypatch.setattr(subprocess, "run", recorded_run)
    _stderr_seen.clear()
    yield
    bad = [
        (what, stderr)
        for what, stderr in _stderr_seen
        if RAW_CONTROL.search(stderr) or WORKFLOW_COMMAND.search(stderr)
    ]
    _stderr_seen.clear()
    assert not bad, f"raw control characters or a workflow command on stderr: {bad[0]!r}"[:3000]
