"""The shipped examples: every clean one gives no finding; every broken one trips its rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from archplan.engine import validate_source
from archplan.rules import RULES
from archplan.source import read_source
from tests.conftest import EXAMPLES, validate_file

CLEAN = sorted(EXAMPLES.glob("*.yaml"))
# Architecture files, and under broken/cloudformation/ the templates of the import rules
# (`archplan validate --from cloudformation`), kept apart so `validate examples/broken/*.yaml`
# reads only architecture files.
BROKEN = sorted((EXAMPLES / "broken").rglob("*.yaml"))


@pytest.mark.parametrize("path", CLEAN, ids=lambda path: path.name)
def test_example_is_clean(path: Path) -> None:
    result = validate_source(read_source(str(path)))
    assert result.error is None
    assert [f"{f.rule_id} {f.span.line}: {f.message}" for f in result.findings] == []


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.name)
def test_broken_example_trips_its_rule_and_only_it(path: Path) -> None:
    rule_id = path.name.split("-", 1)[0]
    result = validate_file(path)
    assert result.error is None
    fired = {finding.rule_id for finding in result.findings}
    assert fired == {rule_id}, [f.message for f in result.findings]


def test_every_rule_has_a_broken_example() -> None:
    shown = {path.name.split("-", 1)[0] for path in BROKEN}
    assert sorted(set(RULES) - shown) == []


def test_the_advertised_examples_exist() -> None:
    names = {path.name for path in CLEAN}
    assert {
        "shared-services.yaml", "three-vpc-mesh.yaml", "inter-region-peering.yaml",
        "endpoints.yaml", "forum.yaml", "three-tier.yaml", "inspection.yaml",
    } <= names  # fmt: skip
