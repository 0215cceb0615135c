"""Baselines: today's findings recorded by fingerprint, so that only new ones are reported.

    {"archplan-baseline": 1,
     "files": {"network/archplan.yaml": {"<fingerprint>": {"rule": "AP104", "count": 1, ...}}}}

A finding's fingerprint is the SARIF one (archplan.reports.sarif.fingerprint): its rule, its
path in the document and its message, never its line, so moving blocks around does not make a
baselined finding new again. Files are keyed by their path relative to the baseline's
directory (`/`-separated), so the baseline works from any working directory. Each fingerprint
keeps a count: when a file has more findings with one fingerprint than the baseline recorded,
the extra ones are new.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from archplan.errors import InputError
from archplan.findings import Finding, format_path
from archplan.json_input import load_json
from archplan.limits import DEFAULT_MAX_BYTES
from archplan.messages import json_safe
from archplan.reports.sarif import fingerprint
from archplan.source import read_source

if TYPE_CHECKING:
    from archplan.engine import FileResult

VERSION = 1
Baseline = Mapping[str, Mapping[str, int]]  # file key -> fingerprint -> count


def file_key(name: str, baseline_path: str) -> str:
    """How a baseline names a file: relative to the baseline's directory, `/`-separated."""
    if name == "<stdin>":
        return name
    base = os.path.dirname(os.path.abspath(baseline_path))
    try:
        relative = os.path.relpath(os.path.abspath(name), base)
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(name)
    return PurePath(relative).as_posix()


def render(results: Sequence[FileResult], baseline_path: str) -> str:
    """The baseline of these results, as JSON text (sorted, so it diffs well)."""
    files: dict[str, dict[str, dict[str, Any]]] = {}
    for result in results:
        if not result.findings:
            continue
        entries = files.setdefault(file_key(result.name, baseline_path), {})
        for finding in result.findings:
            key = fingerprint(finding)
            if key in entries:
                entries[key]["count"] += 1
                continue
            entries[key] = {
                "rule": finding.rule_id,
                "path": format_path(finding.path),
                "message": finding.message,
                "count": 1,
            }
    document = {"archplan-baseline": VERSION, "files": files}
    return json_safe(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


def load(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Baseline:
    """Read a baseline; InputError (exit 2) when it is unreadable or not a baseline.

    It is read as every input is (archplan.source: a regular file within the size limit, so a
    baseline committed as a symlink to /dev/zero or a FIFO is refused), and no message quotes
    its text: the symlink may point at any file of the machine."""
    try:
        text = read_source(path, max_bytes, quote=False, allow_stdin=False).text
        data = load_json(text, "the baseline")
    except InputError as error:
        if error.line is None and not error.message.startswith("the baseline"):
            raise InputError(f"cannot read the baseline: {error.message}") from None
        raise
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("archplan-baseline") != VERSION:
        raise InputError(
            f'not an archplan baseline ({{"archplan-baseline": {VERSION}, ...}}); '
            "write one with --write-baseline"
        )
    if not isinstance(files, dict):
        raise InputError('the baseline has no "files" table')
    out: dict[str, dict[str, int]] = {}
    for number, (name, entries) in enumerate(files.items(), start=1):
        if not isinstance(entries, dict):
            raise InputError(f'entry {number} of the baseline\'s "files" is not a table')
        out[name] = {}
        for key, entry in entries.items():
            count = entry.get("count", 1) if isinstance(entry, dict) else None
            if type(count) is not int or count < 1:
                raise InputError(
                    f'a fingerprint of entry {number} of the baseline\'s "files" has no valid '
                    "count (a whole number of 1 or more)"
                )
            out[name][key] = count
    return out


def new_findings(findings: Iterable[Finding], known: Mapping[str, int]) -> tuple[Finding, ...]:
    """The findings beyond those the baseline recorded for this file (by fingerprint, count)."""
    remaining = Counter(known)
    fresh: list[Finding] = []
    for finding in findings:
        key = fingerprint(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            fresh.append(finding)
    return tuple(fresh)
