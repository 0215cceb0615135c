"""What the locality tests check, shared with scripts that classify rules.

A rule that reads only what is connected (Reads.CONNECTED) must say about an estate exactly
what it says about each connected part of it, together. `violations` checks that on one
source for the given rules and returns what differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from archplan.diff.match import objects
from archplan.diff.sides import from_text
from archplan.engine.parts import Links, Unit, part_of
from archplan.errors import InputError
from archplan.model import Architecture
from archplan.problems import Problem
from archplan.ruledocs import example_document, sections
from archplan.rules import RULES
from archplan.rules.registry import Reads, Rule

ROOT = Path(__file__).resolve().parents[2]

Finding = tuple[str, Problem]


def sources() -> Iterator[tuple[str, str, str]]:
    """(label, text, folder) of every example, broken example, diff example, rule case and
    rule documentation example: the files that exercise every rule."""
    examples = ROOT / "examples"
    folders = (examples, examples / "broken", examples / "diff")
    for path in sorted(path for folder in folders for path in folder.glob("*.yaml")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"), str(path.parent)
    for path in sorted((ROOT / "tests" / "rules" / "cases").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for number, case in enumerate(data["cases"]):
            folder = str((ROOT / case["file"]).parent) if "file" in case else str(ROOT)
            yield f"{path.stem} case {number}", case["source"], folder
    for rule in RULES.values():
        for heading in ("Fails", "Passes"):
            snippet = sections(rule).get(heading)
            if snippet:
                yield f"{rule.id} {heading}", example_document(snippet), str(ROOT)


def components(architecture_data: dict[str, Any]) -> list[frozenset[Unit]]:
    """The connected parts of one version, each a set of units."""
    links = Links()
    links.read(objects(architecture_data))
    groups: dict[Unit, set[Unit]] = {}
    for unit in links.units():
        groups.setdefault(links.root(unit), set()).add(unit)
    return [frozenset(group) for group in groups.values()]


def findings(architecture: Architecture, rules: Iterable[Rule]) -> Counter[Finding]:
    found: Counter[Finding] = Counter()
    for rule in rules:
        assert rule.check is not None
        found.update((rule.id, problem) for problem in rule.check(architecture))
    return found


def violations(
    label: str, text: str, folder: str, rules: list[Rule], reads: Reads = Reads.CONNECTED
) -> list[str]:
    """How the rules' findings on the whole of one source differ from those on its parts:
    its connected parts, or (Reads.UNIT) each unit alone."""
    if text.startswith("AWSTemplateFormatVersion"):
        return []
    try:
        side = from_text(label, text, folder)
    except InputError:
        return []
    architecture = side.loaded.architecture
    whole = findings(architecture, rules)
    parts: Counter[Finding] = Counter()
    groups = components(side.data)
    if reads is Reads.UNIT:
        groups = [frozenset({unit}) for group in groups for unit in group]
    outside = []
    for group in groups:
        found = findings(part_of(architecture, group), rules)
        parts.update(found)
        # What a part's rules say is about the part: the diff keeps a whole estate's findings
        # inside a part as the part's (archplan.engine.within).
        outside += [
            f"{label}: {rule_id} blames {problem.path} outside its part"
            for rule_id, problem in found
            if tuple(problem.path[:2]) not in group
        ]
    if whole == parts:
        return outside
    return [
        f"{label}: {rule_id} {'only on the whole' if whole[(rule_id, problem)] > parts[(rule_id, problem)] else 'only on a part'}: {problem.message[:200]}"
        for rule_id, problem in sorted(
            set(whole) ^ set(parts) | {key for key in whole if whole[key] != parts[key]},
            key=lambda item: (item[0], item[1].message),
        )
    ]


def connected_rules(reads: Reads = Reads.CONNECTED) -> list[Rule]:
    """The rules that read what is connected (or one unit, with Reads.UNIT)."""
    return [rule for rule in RULES.values() if rule.check is not None and rule.reads is reads]
