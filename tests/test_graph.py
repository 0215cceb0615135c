"""`archplan graph`: Mermaid and DOT output, broken links drawn apart, names escaped, goldens."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from archplan.engine import load_architecture
from archplan.graph import RENDERERS, State, render_dot, render_mermaid, topology
from archplan.model import Architecture
from archplan.plan import GraphFormat
from archplan.source import Source
from tests.conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden"
ESTATE = "tests/golden/graph-estate.yaml"
HOSTILE = """archplan: 1
name: 'a "title" \\ with [brackets]'
defaults: {region: us-east-1}
vpcs:
  "end": {cidr: 10.0.0.0/16}
  "x\\\\": {cidr: 10.1.0.0/16}
  "a\\nb %% ; { } ( ) |": {cidr: 10.2.0.0/16}
  'q"uote <b>&amp; #35; `tick`': {cidr: 10.3.0.0/16}
peerings:
  "p\\\\": {requester: "end", accepter: "x\\\\"}
  "%% c": {requester: "a\\nb %% ; { } ( ) |", accepter: 'q"uote <b>&amp; #35; `tick`'}
"""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    return CliRunner()


def _architecture(text: str) -> Architecture:
    return load_architecture(Source("test.yaml", text)).architecture


def test_every_graph_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(GraphFormat)


@pytest.mark.parametrize(
    ("output_format", "golden"), [("mermaid", "graph-estate.mmd"), ("dot", "graph-estate.dot")]
)
def test_golden_graphs(
    runner: CliRunner, output_format: str, golden: str, update_golden: bool
) -> None:
    """Whole-output snapshots; refresh with `pytest tests/test_graph.py --update-golden`."""
    first = runner.invoke(app, ["graph", ESTATE, "--format", output_format])
    second = runner.invoke(app, ["graph", ESTATE, "--format", output_format])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout, "output must be byte-identical across runs"
    path = GOLDEN / golden
    if update_golden:
        path.write_text(first.stdout, encoding="utf-8")
    assert first.stdout == path.read_text(encoding="utf-8")


def test_every_kind_of_broken_link_is_marked_with_its_reason() -> None:
    graph = topology(_architecture((ROOT / ESTATE).read_text(encoding="utf-8")))
    states = {edge.lines[0]: (edge.state, edge.lines[1:]) for edge in graph.edges[:7]}
    assert states == {
        "hub-a": (State.OK, ()),
        # spoke-a and spoke-b overlap, but peering both to the hub is fine (§4.6).
        "hub-b": (State.OK, ()),
        "a-b": (State.BROKEN, ("overlap: 10.1.0.0/16 with 10.1.0.0/16",)),
        'hub-odd "quoted"': (State.PENDING, ("status pending-acceptance",)),
        "hub-far": (State.BROKEN, ("status failed",)),
        "hub-ghost": (State.BROKEN, ("VPC ghost not defined",)),
        "a-hub-again": (State.BROKEN, ("second peering of this pair (first: hub-a)",)),
    }
    attachments = [(edge.state, edge.lines[1:]) for edge in graph.edges[7:]]
    assert attachments == [
        (State.OK, ()),
        (State.BROKEN, ("VPC in us-west-2, gateway in us-east-1",)),
        (State.OK, ()),
        (State.BROKEN, ("overlaps spoke-a: 10.1.0.0/16 with 10.1.0.0/16",)),
    ]
    assert [node.lines for node in graph.nodes if node.kind == "missing"] == [
        ("ghost", "not defined")
    ]


# A line of the Mermaid we write: a node, a link, or a style statement; labels are quoted
# strings with no raw double quote inside.
_LABEL = r'"[^"]*"'
_MERMAID_LINE = re.compile(
    rf"flowchart LR"
    rf"|  [vtm]\d+(\[{_LABEL}\]|\{{\{{{_LABEL}\}}\}})"
    rf"|  [vtm]\d+ (---|-\.-)\|{_LABEL}\| [vtm]\d+"
    rf"|  linkStyle \d+ stroke:\w+,color:\w+,stroke-width:2px"
    rf"|  classDef missing .*|  class m\d+(,m\d+)* missing"
)


def _check_mermaid(text: str) -> None:
    lines = text.splitlines()
    for line in lines:
        assert _MERMAID_LINE.fullmatch(line), line
        for label in re.findall(_LABEL, line):
            # Escaped: nothing that opens a tag, starts Markdown or breaks the line, and every
            # `#` starts an entity we wrote.
            inner = label[1:-1].replace("<br/>", "")
            assert not set(inner) & set("<>&`\\\n"), label
            assert re.fullmatch(r"(?:[^#]|#\d+;)*", inner), label
    links = [line for line in lines if " ---|" in line or " -.-|" in line]
    dashed = {index for index, line in enumerate(links) if " -.-|" in line}
    styled = {int(line.split()[1]) for line in lines if line.startswith("  linkStyle")}
    assert styled == dashed, "every dashed link, and only those, is coloured"


def test_mermaid_is_well_formed_and_escaped() -> None:
    for text in (
        (ROOT / ESTATE).read_text(encoding="utf-8"),
        HOSTILE,
        *(path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.yaml"))),
    ):
        _check_mermaid(render_mermaid(_architecture(text)))


def test_mermaid_escapes_each_dangerous_character() -> None:
    out = render_mermaid(_architecture(HOSTILE))
    assert 'v3["q#34;uote #60;b#62;#38;amp; #35;35; #96;tick#96;<br/>10.3.0.0/16' in out
    assert 'v1["x#92;<br/>' in out
    assert 'v2["a#92;nb %% ; { } ( ) |<br/>' in out  # a line break is shown as \\n
    assert ' v0 ---|"p#92;"| v1' in out  # "end" is only ever a label, never an id


def test_dot_escapes_quotes_and_backslashes() -> None:
    out = render_dot(_architecture(HOSTILE))
    assert 'label="a \\"title\\" \\\\ with [brackets]"' in out
    assert '"v1" [label="x\\\\\\n10.1.0.0/16\\nus-east-1"];' in out
    assert '"v2" [label="a\\\\nb %% ; { } ( ) |\\n' in out  # a line break is shown as \\n
    # Every quoted string closes: an even number of unescaped double quotes on each line.
    for line in out.splitlines():
        assert len(re.findall(r'(?<!\\)(?:\\\\)*"', line)) % 2 == 0, line


DOT = shutil.which("dot")


@pytest.mark.skipif(DOT is None, reason="Graphviz `dot` is not installed")
@pytest.mark.parametrize(
    "source",
    [ESTATE, "HOSTILE", *(str(path.relative_to(ROOT)) for path in sorted(EXAMPLES.glob("*.yaml")))],
)
def test_dot_output_parses_with_graphviz(source: str, tmp_path: Path) -> None:
    text = HOSTILE if source == "HOSTILE" else (ROOT / source).read_text(encoding="utf-8")
    assert DOT is not None
    result = subprocess.run(
        [DOT, "-Tsvg"],
        input=render_dot(_architecture(text)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # no syntax warnings either
    assert "<svg" in result.stdout


def test_cli_input_and_usage_errors_exit_two(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("archplan: 2\n", encoding="utf-8")
    result = runner.invoke(app, ["graph", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:1:11: error: unsupported format version")
    assert runner.invoke(app, ["graph", ESTATE, "--format", "svg"]).exit_code == 2
    result = runner.invoke(app, ["graph", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_cli_default_is_mermaid_and_findings_do_not_stop_it(runner: CliRunner) -> None:
    result = runner.invoke(app, ["graph", ESTATE])  # the estate has validation errors
    assert result.exit_code == 0
    assert result.stdout.startswith("flowchart LR\n")
