"""Mutated examples never crash archplan: every mutation gives findings or a located error."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from archplan.engine import validate_source
from archplan.source import Source
from tests.conftest import EXAMPLES

REPLACEMENTS: list[Any] = [
    None, "", "x", -1, 0, 10**50, 2.5, True, [], {}, ["x"], {"x": 1},
    "10.0.0.0/33", "::/0", "peering:", "nat:nowhere", {"units": -1},
]  # fmt: skip
MUTATIONS_PER_EXAMPLE = 150


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*path, index))


def _mutate(data: Any, path: tuple[Any, ...], choice: random.Random) -> Any:
    mutated = copy.deepcopy(data)
    if not path:
        return choice.choice(REPLACEMENTS)
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and choice.random() < 0.3:
        del parent[path[-1]]  # a missing key
    else:
        parent[path[-1]] = choice.choice(REPLACEMENTS)
    return mutated


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.name)
def test_mutations_never_crash(example: Any) -> None:
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    paths = list(_paths(data))
    choice = random.Random(example.name)  # deterministic per example
    for _ in range(MUTATIONS_PER_EXAMPLE):
        path = choice.choice(paths)
        text = yaml.safe_dump(_mutate(data, path, choice), sort_keys=False)
        result = validate_source(Source("mutated.yaml", text))  # must not raise
        assert result.error is None or result.error.message, text
