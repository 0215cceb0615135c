"""The bad-input corpus (issue 6): every command refuses each file cleanly, at its place.

Each case of tests/badinput/cases.toml goes through `validate` as users run it (a real
subprocess under a 512 MB address-space limit, with `--output`), and in process through
`validate` in two machine formats, `peering-plan`, `scale-plan` and `graph`. Every run must give
the expected exit code and a `file:line:column` where the input has a position, print no
traceback, write no file, and finish within 5 seconds.
"""

from __future__ import annotations

import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "badinput"
CASES: dict[str, dict[str, Any]] = tomllib.loads(
    (CORPUS / "cases.toml").read_text(encoding="utf-8")
)
SECONDS = 5.0
ADDRESS_SPACE = 512 * 1024 * 1024
FIVE_MB = 5 * 1024 * 1024


def _laughs_wide() -> bytes:
    """Few levels, many aliases each: the expansion limit, not the depth limit, must stop it."""
    lines = ["archplan: 1", "l0: &l0 [" + ", ".join(["lol"] * 50) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 50) + "]" for n in range(1, 6)]
    return ("\n".join(lines) + "\n").encode()


# Inputs too big or too binary to commit, made at test time.
GENERATED: dict[str, Callable[[], bytes]] = {
    "invalid-utf8.yaml": lambda: b"archplan: 1\nname: caf\xe9\n",
    "utf16-le-bom.yaml": lambda: b"\xff\xfe" + "archplan: 1\nvpcs: {}\n".encode("utf-16-le"),
    "utf16-be-bom.yaml": lambda: b"\xfe\xff" + "archplan: 1\n".encode("utf-16-be"),
    "random-binary.yaml": lambda: random.Random(6).randbytes(64 * 1024),
    "five-mb-line.yaml": lambda: b"x" * FIVE_MB,
    "five-mb-flow-line.yaml": lambda: b"[" + b"10.0.0.0/16, " * (FIVE_MB // 13) + b"]",
    "deep-nesting-10000-flow.yaml": lambda: b"archplan: 1\nname: " + b"[" * 10_000 + b"]" * 10_000,
    "deep-nesting-10000-mappings.yaml": lambda: b"{a: " * 10_000 + b"1" + b"}" * 10_000,
    "deep-nesting-1000-block.yaml": lambda: (
        b"archplan: 1\n" + b"".join(b"  " * depth + b"a:\n" for depth in range(1000))
    ),
    "billion-laughs-wide.yaml": _laughs_wide,
    "many-thousand-digit-integers.yaml": lambda: (
        b"archplan: 1\nscaling_groups:\n"
        + b"".join(
            b"  g%d: {min: %s, max: %s}\n" % (n, b"9" * 5000, b"8" * 9000) for n in range(100)
        )
    ),
}
# Inputs that are not files with content.
SPECIAL = {"a-directory.yaml", "missing.yaml", "unreadable.yaml"}

# Every command that reads an architecture file, with the option list it is run with.
IN_PROCESS = {
    "validate-json": ["validate", "--format", "json"],
    "validate-sarif": ["validate", "--format", "sarif"],
    "peering-plan": ["peering-plan"],
    "scale-plan": ["scale-plan", "--format", "json"],
    "graph": ["graph"],
}


def _make(case: str, folder: Path) -> str:
    """Put the case into `folder` (the run's working directory); its name as the CLI sees it."""
    target = folder / case
    if case == "a-directory.yaml":
        target.mkdir()
    elif case == "unreadable.yaml":
        if os.geteuid() == 0:
            pytest.skip("root reads a chmod 000 file anyway")
        target.write_text("archplan: 1\n", encoding="utf-8")
        target.chmod(0)
    elif case in GENERATED:
        target.write_bytes(GENERATED[case]())
    elif case != "missing.yaml":
        shutil.copyfile(CORPUS / case, target)
    return case


def _expected_exit(case: str, command: str) -> int:
    expected = CASES[case]
    default = 2 if expected["exit"] == 2 else 0
    return int(
        expected["exit"] if command.startswith("validate") else expected.get(command, default)
    )


def _place(case: str) -> str:
    """A regular expression for `file:line:column` (or `file` where the input has no position)."""
    where = CASES[case].get("where")
    if where is None:
        return re.escape(case)
    if where == "*":
        return re.escape(case) + r":\d+:\d+"
    if where.endswith(":"):
        return re.escape(f"{case}:{where}") + r"\d+"
    return re.escape(f"{case}:{where}")


def _tree(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def _check_messages(case: str, command: str, code: int, stdout: str, stderr: str) -> None:
    assert "Traceback" not in stdout + stderr
    assert "internal error" not in stderr
    expected = CASES[case]
    if code == 2 and (command.startswith("validate") or expected["exit"] == 2):
        assert re.match(_place(case) + ": error: ", stderr), stderr[:500]
        assert expected.get("says", "") in stderr
    elif code == 2:  # a planner's own input error (a group, a demand file): still located
        assert re.match(re.escape(case) + r":\d+:\d+: error: ", stderr), stderr[:500]
    if code == 1 and command.startswith("validate") and command != "validate-sarif":
        finding = expected["finding"]
        if command == "validate":  # the text report: file:line:col, then the rule
            assert re.search(rf"(?m){_place(case)}: \w+ {finding} ", stdout), stdout[:2000]
        else:  # JSON: the rule's first finding has the line and column of `where`
            line, column = expected["where"].split(":")
            assert re.search(
                rf'"rule": "{finding}",[^{{}}]*"line": {line},\s*"column": {column or "[0-9]+"},',
                stdout,
            ), stdout[:2000]


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def test_the_corpus_is_complete() -> None:
    """Every committed file has expectations and every expectation a file (or a generator)."""
    committed = {path.name for path in CORPUS.glob("*.yaml")}
    generated = {name for name, case in CASES.items() if case.get("generated")}
    assert committed == set(CASES) - generated
    assert generated == set(GENERATED) | SPECIAL
    assert len(CASES) >= 40
    assert all(case["exit"] in (0, 1, 2) for case in CASES.values())


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_as_users_run_it(case: str, tmp_path: Path) -> None:
    """A real process: exit code, location, no traceback, no file written, ≤ 5 s, ≤ 512 MB."""
    work = tmp_path / "cwd"
    work.mkdir()
    name = _make(case, work)
    report = tmp_path / "out" / "report.txt"
    report.parent.mkdir()
    before = _tree(tmp_path)
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "archplan",
            "validate",
            name,
            "--format",
            "concise",
            "-o",
            str(report),
        ],
        cwd=work,
        capture_output=True,
        text=True,
        errors="replace",
        preexec_fn=_limit_address_space,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    elapsed = time.monotonic() - started
    assert result.returncode == _expected_exit(case, "validate"), result.stderr[:500]
    written = report.read_text(encoding="utf-8") if report.exists() else ""
    _check_messages(case, "validate", result.returncode, written, result.stderr)
    assert result.stdout == ""
    if result.returncode == 2:
        assert _tree(tmp_path) == before, "an exit-2 run wrote a file"
    else:
        assert _tree(tmp_path) == sorted([*before, "out/report.txt"])
    assert elapsed <= SECONDS


@pytest.mark.parametrize("command", sorted(IN_PROCESS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_command_refuses_bad_input_cleanly(
    case: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _make(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    before = _tree(tmp_path)
    started = time.monotonic()
    result = CliRunner().invoke(app, [*IN_PROCESS[command], name])
    elapsed = time.monotonic() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == _expected_exit(case, command), result.stderr[:500]
    _check_messages(case, command, result.exit_code, result.stdout, result.stderr)
    assert _tree(tmp_path) == before
    assert elapsed <= SECONDS
