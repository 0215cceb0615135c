"""`peering-plan --write` (issue 12): the --emit yaml additions merged into the file's text.

What a user depends on: afterwards the file validates with no new finding and the plan says
every mesh is complete; nothing the user wrote changes (only lines or flow entries are added);
a second run changes nothing; the write is refused, not half done, when it cannot be right.
"""

from __future__ import annotations

import difflib
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from archplan.cli import app
from archplan.engine import load_architecture
from archplan.plan.emit import additions
from archplan.plan.merge import merge
from archplan.plan.mesh import plan
from archplan.source import Source
from tests.conftest import validate_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
MESH = ROOT / "examples" / "three-vpc-mesh.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _rules(text: str, name: str) -> Counter[str]:
    return Counter(finding.rule_id for finding in validate_text(text, name).findings)


def _only_insertions(before: str, after: str) -> bool:
    """`after` is `before` with text inserted, nothing removed or changed."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return all(op in ("equal", "insert") for op, *_ in matcher.get_opcodes())


def _complete(text: str, name: str) -> bool:
    result = plan(load_architecture(Source(name, text)).architecture)
    return all(mesh.complete for mesh in result.meshes if not mesh.left_out and mesh.can_complete)


def _write(runner: CliRunner, path: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["peering-plan", str(path), "--write", *extra])
    return result.exit_code, result.stderr


def test_three_vpc_mesh_with_a_peering_removed_is_restored(
    runner: CliRunner, tmp_path: Path
) -> None:
    original = MESH.read_text(encoding="utf-8")
    broken = "".join(line for line in original.splitlines(True) if "data-ops" not in line)
    path = tmp_path / "mesh.yaml"
    path.write_text(broken, encoding="utf-8")
    assert not _complete(broken, str(path))
    code, stderr = _write(runner, path)
    assert code == 0 and "added 1 peering and 4 routes" in stderr
    written = path.read_text(encoding="utf-8")
    assert _only_insertions(broken, written)  # every comment and line kept, byte for byte
    assert written == original  # here the inserted lines are exactly the ones removed
    assert validate_text(written, str(path)).findings == ()
    assert _complete(written, str(path))
    assert _write(runner, path) == (0, f"archplan: {path}: nothing to add\n")
    assert path.read_text(encoding="utf-8") == written


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_every_example_after_write(runner: CliRunner, tmp_path: Path, example: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    path = tmp_path / "examples" / example.name
    before = path.read_text(encoding="utf-8")
    code, stderr = _write(runner, path)
    assert code in (0, 1), stderr
    after = path.read_text(encoding="utf-8")
    assert _only_insertions(before, after)
    assert _rules(after, str(path)) <= _rules(before, str(path))  # no new finding
    assert _complete(after, str(path))
    assert _write(runner, path)[0] == code and path.read_text(encoding="utf-8") == after


BASE = """\
archplan: 1
defaults: {region: us-east-1}
# the estate
vpcs:
  a:
    cidr: 10.1.0.0/16   # first
    route_tables:
      rt: {routes: {0.0.0.0/0: blackhole}}
  b:
    cidr: 10.2.0.0/16
    route_tables:
      rt:
        routes:
          "0.0.0.0/0": blackhole    # quoted key kept
  c: {cidr: 10.3.0.0/16}
meshes:
  m: [a, b, c]
"""


def test_styles_are_kept_and_extended(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "styles.yaml"
    path.write_text(BASE, encoding="utf-8")
    code, stderr = _write(runner, path)
    assert code == 0, stderr
    text = path.read_text(encoding="utf-8")
    assert _only_insertions(BASE, text)
    # A flow mapping grows in flow style, on its own line.
    assert "      rt: {routes: {0.0.0.0/0: blackhole, 10.2.0.0/16: peering:a-b, " in text
    # A block mapping gets lines at its own indentation, after its last entry's comment.
    assert '          "0.0.0.0/0": blackhole    # quoted key kept\n          10.1.0.0/16: ' in text
    # A flow VPC gets its route table in flow style; a missing section is added in block style.
    assert "  c: {cidr: 10.3.0.0/16, route_tables: {main: {main: true, routes: {" in text
    assert "\npeerings:\n  a-b:\n    requester: a\n    accepter: b\n" in text
    assert validate_text(text, str(path)).findings == ()
    assert _complete(text, str(path))


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("peerings: {}\n", "peerings: {a-b: {requester: a, accepter: b}"),
        ("peerings:\n", "peerings:\n  a-b:\n    requester: a\n"),
        (
            "peerings:\n  x-y: {requester: a, accepter: a}\n",
            "\n  a-b: {requester: a, accepter: b}\n",
        ),
    ],
)
def test_the_peerings_section_in_each_shape(
    tmp_path: Path, runner: CliRunner, section: str, expected: str
) -> None:
    text = "archplan: 1\ndefaults: {region: us-east-1}\nvpcs:\n"
    text += "  a: {cidr: 10.1.0.0/16}\n  b: {cidr: 10.2.0.0/16}\n" + section
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    _write(runner, path)
    written = path.read_text(encoding="utf-8")
    assert expected in written and _only_insertions(text, written)
    assert written.count("a-b:") + written.count("a-b: {") >= 1
    assert _write(runner, path)[1].endswith("nothing to add\n")


def test_crlf_and_a_missing_final_newline_are_kept(tmp_path: Path, runner: CliRunner) -> None:
    text = "archplan: 1\r\ndefaults: {region: us-east-1}\r\nvpcs:\r\n"
    text += "  a:\r\n    cidr: 10.1.0.0/16\r\n  b:\r\n    cidr: 10.2.0.0/16"
    path = tmp_path / "crlf.yaml"
    path.write_bytes(text.encode("utf-8"))
    code, stderr = _write(runner, path)
    assert code == 0, stderr
    written = path.read_bytes().decode("utf-8")
    assert _only_insertions(text, written) and "\n" not in written.replace("\r\n", "")
    assert _complete(written, str(path))


def test_a_dead_peering_is_requested_again(tmp_path: Path, runner: CliRunner) -> None:
    text = (
        "archplan: 1\ndefaults: {region: us-east-1}\nvpcs:\n"
        "  a: {cidr: 10.1.0.0/16}\n  b: {cidr: 10.2.0.0/16}\n"
        "peerings:\n  a-b: {requester: a, accepter: b, status: failed}  # it failed\n"
    )
    path = tmp_path / "dead.yaml"
    path.write_text(text, encoding="utf-8")
    assert _write(runner, path)[0] == 0
    written = path.read_text(encoding="utf-8")
    assert "  a-b: {requester: a, accepter: b, status: active}  # it failed\n" in written
    assert _complete(written, str(path))


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--emit", "yaml"], "'--emit'"),
        (["--format", "json"], "'--format'"),
        (["-o", "x.yaml"], "'--output'"),
    ],
)
def test_write_with_other_outputs_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, args: list[str], option: str
) -> None:
    path = tmp_path / "mesh.yaml"
    shutil.copy(MESH, path)
    result = runner.invoke(app, ["peering-plan", str(path), "--write", *args])
    assert result.exit_code == 2 and option in result.stderr
    assert path.read_bytes() == MESH.read_bytes()


def test_standard_input_cannot_be_written(runner: CliRunner) -> None:
    result = runner.invoke(app, ["peering-plan", "-", "--write"], input="archplan: 1\n")
    assert result.exit_code == 2 and "'--write'" in result.stderr


def test_a_file_changed_meanwhile_is_not_written(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archplan.plan.mesh as mesh

    broken = "".join(
        line for line in MESH.read_text(encoding="utf-8").splitlines(True) if "web-ops" not in line
    )
    path = tmp_path / "mesh.yaml"
    path.write_text(broken, encoding="utf-8")
    real = mesh.plan

    edits = []

    def plan_and_edit(*args: object, **kwargs: object) -> mesh.Plan:
        if not edits:  # someone saves the file while archplan plans
            edits.append(path.write_text(broken + "# edited by someone else\n", "utf-8"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mesh, "plan", plan_and_edit)
    code, stderr = _write(runner, path)
    assert code == 2 and "changed while archplan was planning; not written" in stderr
    assert path.read_text(encoding="utf-8") == broken + "# edited by someone else\n"
    assert [item.name for item in tmp_path.iterdir()] == ["mesh.yaml"]


# -- random estates ----------------------------------------------------------------------------


@st.composite
def estates(draw: st.DrawFn) -> str:
    """A file of 2-6 VPCs in one mesh, some peered (routes on both sides, some dropped), with
    route tables, routes and peerings written in a random mix of block and flow styles."""
    count = draw(st.integers(2, 6))
    names = [f"v{index}" for index in range(count)]
    pairs = [(a, b) for index, a in enumerate(names) for b in names[index + 1 :]]
    peered = [pair for pair in pairs if draw(st.booleans())]
    cidr = {name: f"10.{index}.0.0/16" for index, name in enumerate(names)}
    lines = ["archplan: 1", "defaults: {region: us-east-1}", "vpcs:"]
    for name in names:
        tables = draw(st.integers(0, 2))
        routes: dict[str, dict[str, str]] = {f"t{index}": {} for index in range(tables)}
        for a, b in peered:
            if name in (a, b):
                peer = b if name == a else a
                for table in routes.values():
                    if draw(st.integers(0, 4)):  # now and then a route is missing
                        table[cidr[peer]] = f"peering:{a}-{b}"
        style = draw(st.sampled_from(["block", "flow-vpc", "flow-table", "flow-routes"]))
        if not routes or style == "flow-vpc":
            inner = ", ".join(
                f"{table}: {{routes: {{{', '.join(f'{d}: {t}' for d, t in items.items())}}}}}"
                for table, items in routes.items()
            )
            tables_text = f", route_tables: {{{inner}}}" if routes else ""
            lines.append(f"  {name}: {{cidr: {cidr[name]}{tables_text}}}")
            continue
        lines += [f"  {name}:", f"    cidr: {cidr[name]}  # {name}", "    route_tables:"]
        for table, items in routes.items():
            flat = ", ".join(f"{d}: {t}" for d, t in items.items())
            if style == "flow-table":
                lines.append(f"      {table}: {{routes: {{{flat}}}}}")
            elif style == "flow-routes" or not items:
                lines += [f"      {table}:", f"        routes: {{{flat}}}"]
            else:
                lines += [f"      {table}:", "        routes:"]
                lines += [f"          {d}: {t}" for d, t in items.items()]
        lines.append("")
    peering_style = draw(st.sampled_from(["block", "flow-entries", "flow", "absent"]))
    if peered or peering_style != "absent":
        entries = [(f"{a}-{b}", a, b) for a, b in peered]
        if peering_style == "flow" or (peering_style == "absent" and entries):
            body = ", ".join(f"{n}: {{requester: {a}, accepter: {b}}}" for n, a, b in entries)
            lines.append(f"peerings: {{{body}}}")
        elif peering_style == "flow-entries" and entries:
            lines.append("peerings:")
            lines += [f"  {n}: {{requester: {a}, accepter: {b}}}" for n, a, b in entries]
        elif entries:
            lines.append("peerings:  # the peerings")
            for n, a, b in entries:
                lines += [f"  {n}:", f"    requester: {a}", f"    accepter: {b}"]
    if draw(st.booleans()):
        lines += ["meshes:", f"  all: [{', '.join(names)}]"]
    return "\n".join(lines) + "\n" + draw(st.sampled_from(["", "# end\n"]))


EXAMPLES_BUDGET = int(os.environ.get("ARCHPLAN_WRITE_EXAMPLES", "60"))


@settings(max_examples=EXAMPLES_BUDGET, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_random_estates_merge_completely_and_cleanly(text: str) -> None:
    name = "random.yaml"
    loaded = load_architecture(Source(name, text))
    found = additions(plan(loaded.architecture))
    merged = merge(text, found)
    assert _only_insertions(text, merged)
    assert _rules(merged, name) <= _rules(text, name), merged
    assert _complete(merged, name), merged
    again = additions(plan(load_architecture(Source(name, merged)).architecture))
    assert merge(merged, again) == merged  # idempotent
