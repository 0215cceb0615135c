"""Random edits of every shipped example never crash validate, graph, peering-plan or scale-plan.

Only input errors are allowed out (the CLI turns them into exit 2); any other exception is a
bug. scripts/fuzz.py runs the same mutations for as long as you like.
"""

from __future__ import annotations

from hypothesis import given

from tests.properties.mutations import (
    TEMPLATES,
    mutated_example,
    mutated_text,
    run_import,
    run_pipeline,
)


@given(mutated_example())
def test_mutated_examples_never_crash(example: tuple[str, str]) -> None:
    name, text = example
    run_pipeline(text, name)


@given(mutated_text(TEMPLATES))
def test_mutated_templates_never_crash_validate_from(example: tuple[str, str]) -> None:
    name, text = example
    run_import(text, name)
