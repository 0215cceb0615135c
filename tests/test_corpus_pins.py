"""Precision on real sources (issue 13, item 9): `validate --from` on every file of the shared
corpus, each finding pinned as (rule, path) in tests/data/corpus_findings.json.

Nothing in the corpus was written by this project, so any finding here is either a real
problem of the template or a false positive; a change to a rule shows up as a diff of the pin
file. Refresh it after an intended change with
`ARCHPLAN_UPDATE_PINS=1 python -m pytest tests/test_corpus_pins.py` and read the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from archplan.findings import Finding
from archplan.importers import SourceKind
from archplan.importers.check import validate_import
from archplan.importers.common import ImportOptions, SourceError
from tests.conftest import ROOT, corpus_files

PINS = ROOT / "tests" / "data" / "corpus_findings.json"
KINDS = {
    "cloudformation": SourceKind.CLOUDFORMATION,
    "terraform": SourceKind.TERRAFORM,
    "aws-cli": SourceKind.AWS_CLI,
}


def _sources() -> list[tuple[str, Path]]:
    """Every corpus entry an importer is meant to read: templates, plans and CLI output (a
    Terraform folder's plan.out.json is the plan; its .tf files are configuration)."""
    found: list[tuple[str, Path]] = []
    for kind in KINDS:
        for entry in corpus_files(kind):
            if entry.is_dir():
                found += [(kind, plan) for plan in sorted(entry.glob("*.json"))]
            elif entry.suffix != ".tf" and not entry.name.endswith("results.json"):
                found.append((kind, entry))
    return found


def _key(kind: str, path: Path) -> str:
    root = path.parents[1] if path.parent.name != kind else path.parent
    return f"{kind}/{path.relative_to(root).as_posix()}"


def findings_of(kind: str, path: Path, region: str | None = None) -> list[str]:
    """`RULE path.in.document` for each finding, sorted; a refused source is one `refused`.

    An import issue (AP009) has no path in the document: it is pinned by its line in the
    source (`AP009 @12`), or by the resource address its message names when the source has
    no lines (a plan, CLI output)."""
    try:
        results = validate_import(KINDS[kind], [str(path)], ImportOptions(region=region))
    except SourceError:
        return ["refused"]
    return sorted(
        f"{finding.rule_id} {_where(finding)}" for result in results for finding in result.findings
    )


def _where(finding: Finding) -> str:
    if finding.path:
        return ".".join(str(part) for part in finding.path)
    address = re.search(r"\(at ([^()]+)\)$", finding.message)
    if not address:
        return f"@{finding.span.line}"
    # A finding on a whole CLI output file names the file: pin its name, not where this clone
    # keeps the corpus (CI clones it elsewhere).
    where = address.group(1)
    return f"@{Path(where).name}" if where.startswith("/") else f"@{where}"


SOURCES = _sources()


@pytest.mark.skipif(not SOURCES, reason="the shared corpus is not there (set ARCHPLAN_CORPUS)")
def test_every_corpus_finding_is_pinned() -> None:
    found = {_key(kind, path): findings_of(kind, path) for kind, path in SOURCES}
    # AWS CLI output rarely names its Region: a user passes --region, and the rules that need
    # one (most of them) only run then.
    found |= {
        f"{_key(kind, path)} --region us-east-1": findings_of(kind, path, "us-east-1")
        for kind, path in SOURCES
        if kind == "aws-cli"
    }
    if os.environ.get("ARCHPLAN_UPDATE_PINS"):
        PINS.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    pinned = json.loads(PINS.read_text(encoding="utf-8"))
    changed = {
        name: {"now": found.get(name), "pinned": pinned.get(name)}
        for name in sorted(found.keys() | pinned.keys())
        if found.get(name) != pinned.get(name)
    }
    assert changed == {}, json.dumps(changed, indent=1)
