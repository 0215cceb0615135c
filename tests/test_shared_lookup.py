"""Tests that read the shared corpus or reference find it one way (tests/conftest.py): a clone
outside the CI layout points ARCHPLAN_CORPUS / ARCHPLAN_REFERENCE / ARCHPLAN_SHARED at it, and
an absent folder is skipped with one reason saying so (review5 F31)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# `ROOT.parent / "shared"`, `parents[3] / "shared"`, `"../shared/corpus"`: a path of its own.
OWN_LOOKUP = re.compile(r"""(parent|parents\[\d\])\s*/\s*["']shared["']|["']\.\./shared/""")


def test_no_test_builds_its_own_path_to_the_shared_folder() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.name not in ("conftest.py", Path(__file__).name)
        and OWN_LOOKUP.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_corpus_variable_reaches_every_corpus_test(tmp_path: Path) -> None:
    """With ARCHPLAN_CORPUS naming an empty folder, the corpus tests skip with the one reason
    (before, test_import_containers read ../shared/corpus whatever the variable said)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests/test_import_containers.py",
            "-k",
            "corpus or eks or EKS",
        ],
        cwd=ROOT,
        env={**_environment(), "ARCHPLAN_CORPUS": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "the shared corpus is not at" in result.stdout, result.stdout[-2000:]
    assert "passed" not in result.stdout.splitlines()[-1], result.stdout[-2000:]


def _environment() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith("ARCHPLAN_")}
