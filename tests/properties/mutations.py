"""Mutations of the shipped examples as text, and the pipeline they must never crash.

Shared by tests/properties/test_mutations.py (a few examples per CI run) and scripts/fuzz.py
(minutes or hours outside CI). A mutation edits the YAML text line by line, so it reaches what a
dump of parsed data never would: broken indentation, truncation, garbage characters.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from archplan.capacity.demand import DemandFileError
from archplan.capacity.emit import EMITTERS, EmitError
from archplan.capacity.plan import UnknownGroup
from archplan.capacity.plan import plan as scale_plan
from archplan.engine import load_architecture, validate_source
from archplan.errors import InputError
from archplan.graph import RENDERERS as GRAPH_RENDERERS
from archplan.plan.emit import emit_yaml
from archplan.plan.mesh import plan as peering_plan
from archplan.prices import price_book
from archplan.reports import Format, render_report
from archplan.reports.peering_plan import RENDERERS as PEERING_RENDERERS
from archplan.reports.scale_plan import RENDERERS as SCALE_RENDERERS
from archplan.source import Source, decode_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(
    [*(ROOT / "examples").glob("*.yaml"), *(ROOT / "examples" / "broken").glob("*.yaml")]
)
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in EXAMPLES}

SCALARS = st.sampled_from(
    [
        "", "~", "null", "0", "-1", "1e999", ".nan", "-.inf", "true", "no", "[]", "{}", "[x]",
        "{a: 1}", "'", '"', "&a", "*a", "!!str", "!!python/none", "<<", "? ", "|", ">-", "#",
        "10.0.0.0/33", "10.0.0.0/8", "::/0", "2600::/129", "peering:", "nat:nowhere", "tgw:",
        "9" * 50, "9" * 5000, "0x1F", "1_000", "2024-01-01", "us-east-1", "us-east-1z", "é", "\t",
    ]
)  # fmt: skip


# CloudFormation templates for the importer: the shipped one, and the corpus's when present.
TEMPLATES = {
    path.name: path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "examples" / "broken" / "cloudformation").glob("*.yaml"))
}


def corpus_templates() -> dict[str, str]:
    """The real templates of ../shared/corpus (or $ARCHPLAN_CORPUS), {} when absent."""
    from tests.conftest import corpus_dir

    folder = corpus_dir("cloudformation")
    if not folder.is_dir():
        return {}
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(folder.iterdir())
        if path.suffix in (".yaml", ".json")
    }


def mutated_example() -> st.SearchStrategy[tuple[str, str]]:
    """(example name, its text after 1–4 line edits)."""
    return mutated_text(TEXTS)


@st.composite
def mutated_text(draw: Any, texts: dict[str, str]) -> tuple[str, str]:
    """(name, the text after 1–4 line edits), the name drawn from `texts`."""
    name = draw(st.sampled_from(sorted(texts)))
    lines = texts[name].split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        kind = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "value", "key", "insert", "truncate", "indent"]
            )
        )
        if kind == "delete":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, line)
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], line
        elif kind == "value" and ":" in line:
            head, _, _ = line.partition(":")
            lines[index] = f"{head}: {draw(SCALARS)}"
        elif kind == "key" and ":" in line:
            _, _, tail = line.partition(":")
            indent = line[: len(line) - len(line.lstrip())]
            lines[index] = f"{indent}{draw(SCALARS) or 'x'}:{tail}"
        elif kind == "insert":
            at = draw(st.integers(0, len(line)))
            garbage = draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=4))
            lines[index] = line[:at] + garbage + line[at:]
        elif kind == "truncate":
            lines = [*lines[:index], line[: draw(st.integers(0, len(line)))]]
        elif kind == "indent":
            lines[index] = " " * draw(st.integers(0, 3)) + line.lstrip()
    return name, "\n".join(lines)


def run_pipeline(text: str, name: str = "mutated.yaml") -> None:
    """validate (every report format), graph, peering-plan and scale-plan (reports and emits)
    as the CLI runs them.

    Input errors (InputError, and the planners' own refusals) are the handled path; any other
    exception propagates: that is a bug.
    """
    try:
        source = Source(name, decode_text(text.encode("utf-8")))
    except InputError:
        return
    result = validate_source(source)
    for output_format in Format:
        render_report(output_format, [result], color=False)
    try:
        loaded = load_architecture(source)
    except InputError:
        assert result.error is not None, "validate accepted what the planners refuse"
        return
    for draw in GRAPH_RENDERERS.values():
        draw(loaded.architecture)
    peering = peering_plan(loaded.architecture)
    for render in PEERING_RENDERERS.values():
        render(peering, name, False)
    emit_yaml(peering, name)
    book = price_book(loaded.architecture.prices, None, None)
    try:
        scaling = scale_plan(loaded.architecture, book, None, str(ROOT / "examples"), 1 << 20)
    except (DemandFileError, UnknownGroup):
        return
    for render in SCALE_RENDERERS.values():
        render(scaling, name, False)
    for emit in EMITTERS.values():
        # EmitError: a size AWS would reject, or aws-cli with several groups (exit 2).
        with contextlib.suppress(EmitError):
            emit(loaded.architecture, scaling, name)


def run_import(text: str, name: str = "mutated.yaml") -> None:
    """`validate --from cloudformation` on a template, every report format.

    A template that cannot be imported at all (SourceError, exit 2) is the handled path; any
    other exception propagates: that is a bug.
    """
    from archplan.importers import SourceKind
    from archplan.importers.check import validate_import
    from archplan.importers.common import ImportOptions, SourceError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        try:
            results = validate_import(
                SourceKind.CLOUDFORMATION, [str(path)], ImportOptions(region="us-east-1")
            )
        except SourceError:
            return
        for output_format in Format:
            render_report(output_format, results, color=False)
