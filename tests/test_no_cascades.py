"""No cascades (issue 13, item 5): a value that fails to decode never feeds another rule.

Every scalar value of every clean example is turned, one at a time, into a value of the wrong
type (a boolean into a word, a number into a word, a word into a list); validate must then
report the decoding finding at that value and nothing else: no rule may act on the default
that stands in for the rejected value (`internet_gateway: igw` adds no AP204).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from archplan import schema as s
from archplan.cli import app
from archplan.engine import validate_source
from archplan.errors import InputError
from archplan.loader import Mapping, Node, Scalar, Sequence, load
from archplan.source import Source
from archplan.spelling import did_you_mean
from tests.conftest import EXAMPLES

DECODING = frozenset({"AP002", "AP003", "AP004", "AP005", "AP006", "AP007", "AP008"})
CLEAN = sorted(EXAMPLES.glob("*.yaml"))


def _scalars(
    node: Node, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Scalar]]:
    if isinstance(node, Mapping):
        for key, entry in node.entries.items():
            yield from _scalars(entry.value, (*path, key))
    elif isinstance(node, Sequence):
        for index, item in enumerate(node.items):
            yield from _scalars(item, (*path, index))
    elif isinstance(node, Scalar) and path and path[0] != "archplan":
        yield path, node


def _wrong(value: object) -> str:
    """A value of another YAML type than `value`, written so that it fits block and flow."""
    if isinstance(value, bool):
        return "igw"
    if isinstance(value, int | float):
        return "many"
    return "[x]"


def mutations(path: Path) -> Iterator[tuple[str, str]]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    document = load(text)
    for where, scalar in _scalars(document.root):
        span = scalar.span
        if span.line != span.end_line or scalar.value is None:
            continue  # a block scalar over several lines, or an empty value
        line = lines[span.line - 1]
        changed = line[: span.column - 1] + _wrong(scalar.value) + line[span.end_column - 1 :]
        mutated = "\n".join([*lines[: span.line - 1], changed, *lines[span.line :]])
        yield ".".join(str(part) for part in where), mutated


CASES = [
    pytest.param(path, where, text, id=f"{path.name}:{where}")
    for path in CLEAN
    for where, text in mutations(path)
]


@pytest.mark.parametrize(("path", "where", "text"), CASES)
def test_a_wrong_type_gives_only_its_decoding_finding(path: Path, where: str, text: str) -> None:
    result = validate_source(Source(str(path), text))
    assert result.error is None
    rules = {finding.rule_id for finding in result.findings}
    assert rules & DECODING, f"the wrong type at {where} was not reported"
    assert [
        f"{finding.rule_id} {finding.message}"
        for finding in result.findings
        if finding.rule_id not in DECODING
    ] == []


# A misspelt key (issue 13 item 5, new-user review): `subnet:` for `subnets:` is reported once,
# as an unknown key with its did-you-mean. The key it stands for is written, only misspelt: no
# "missing required key" on top, and no rule acts on the empty default (AP502 "no subnets").
# A top-level section too (`vpc:`, `peering:`, `default:`): the names declared under it are
# written, so a reference to one is no AP005, and `default:` is no "missing region".


def _keys(
    node: Node, kind: s.Kind, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[str, Scalar, tuple[str, ...]]]:
    """Each key of an object the schema declares, with its node and the object's other keys."""
    if isinstance(kind, s.Either):
        for option in kind.options:
            if isinstance(node, Mapping) and isinstance(option, s.Object | s.NamedMap):
                yield from _keys(node, option, path)
                return
            if isinstance(node, Sequence) and isinstance(option, s.ListOf):
                yield from _keys(node, option, path)
                return
        return
    if isinstance(kind, s.Object) and isinstance(node, Mapping):
        for key, entry in node.entries.items():
            field = kind.fields.get(key)
            if field is None:
                continue
            if path or key != "archplan":  # the version line: a file without it is refused
                yield ".".join(str(part) for part in (*path, key)), entry.key, tuple(kind.fields)
            yield from _keys(entry.value, field.kind, (*path, key))
    elif isinstance(kind, s.NamedMap) and isinstance(node, Mapping):
        for key, entry in node.entries.items():
            yield from _keys(entry.value, kind.value, (*path, key))
    elif isinstance(kind, s.ListOf) and isinstance(node, Sequence):
        for index, item in enumerate(node.items):
            yield from _keys(item, kind.item, (*path, index))


def misspelt(key: str, fields: tuple[str, ...]) -> str | None:
    """A close misspelling of `key` that is no field and that did-you-mean turns back into it."""
    tries = [key[:-1], key + "s", key[:1] + key[2:], key[:1] + key[2:3] + key[1:2] + key[3:]]
    for word in tries:
        if word and word != key and word not in fields and f'"{key}"' in did_you_mean(word, fields):
            return word
    return None


def renamings(path: Path) -> Iterator[tuple[str, str, int]]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    for where, key, fields in _keys(load(text).root, s.ARCHITECTURE):
        wrong = misspelt(str(key.value), fields)
        span = key.span
        if wrong is None or span.line != span.end_line:
            continue
        line = lines[span.line - 1]
        changed = line[: span.column - 1] + wrong + line[span.end_column - 1 :]
        mutated = "\n".join([*lines[: span.line - 1], changed, *lines[span.line :]])
        yield where, mutated, span.line


RENAMINGS = [
    pytest.param(path, where, text, line, id=f"{path.name}:{where}")
    for path in CLEAN
    for where, text, line in renamings(path)
]


def test_most_keys_have_a_misspelling() -> None:
    assert len(RENAMINGS) > 300


@pytest.mark.parametrize(("path", "where", "text", "line"), RENAMINGS)
def test_a_misspelt_key_gives_only_its_unknown_key_finding(
    path: Path, where: str, text: str, line: int
) -> None:
    result = validate_source(Source(str(path), text))
    assert result.error is None
    found = [
        f"{finding.span.line} {finding.rule_id} {finding.message}" for finding in result.findings
    ]
    assert [entry for entry in found if " AP002 " in entry and entry.startswith(f"{line} ")], (
        f"the misspelt key at {where} was not reported"
    )
    assert [entry for entry in found if " AP002 " not in entry] == []


# A wrong zone (issue 13 item 5, new-user review): `az: us-east-1z` is AP117 and a zone of
# another Region is AP114; neither may feed a rule that compares or counts zones (AP213 NAT in
# another zone, AP503 one zone, AP405, AP402, AP416 ...): the zone meant is not known.
# tests/data/zones holds the objects the examples do not have in the shape that shows it: an
# inspection attachment in one zone (AP424), custom networking's pod subnets (AP809, AP802),
# a service losing a zone (AP803).
ZONE_FILES = sorted((Path(__file__).parent / "data" / "zones").glob("*.yaml"))


def _zones(node: Node) -> Iterator[tuple[str, Scalar, str | None]]:
    """Each subnet's zone scalar with its VPC's Region (None when the VPC does not say)."""
    if not isinstance(node, Mapping):
        return
    vpcs, defaults = node.entries.get("vpcs"), node.entries.get("defaults")
    if vpcs is None or not isinstance(vpcs.value, Mapping):
        return
    default = (
        defaults.value.entries.get("region")
        if defaults and isinstance(defaults.value, Mapping)
        else None
    )
    for name, vpc in vpcs.value.entries.items():
        if not isinstance(vpc.value, Mapping):
            continue
        region = vpc.value.entries.get("region") or default
        written = region.value.value if region and isinstance(region.value, Scalar) else None
        subnets = vpc.value.entries.get("subnets")
        if subnets is None or not isinstance(subnets.value, Mapping):
            continue
        for subnet_name, subnet in subnets.value.entries.items():
            az = subnet.value.entries.get("az") if isinstance(subnet.value, Mapping) else None
            if az is not None and isinstance(az.value, Scalar) and az.value.value:
                where = f"{name}.{subnet_name}"
                yield where, az.value, written if isinstance(written, str) else None


def wrong_zones(path: Path) -> Iterator[tuple[str, str]]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    for where, scalar, region in _zones(load(text).root):
        if region is None:
            continue
        other = "eu-north-1a" if not region.startswith("eu-north-1") else "us-east-1a"
        for wrong in (f"{region}z", other):
            if wrong == scalar.value:
                continue  # wrong already (the file tests giving another subnet that zone)
            span = scalar.span
            line = lines[span.line - 1]
            changed = line[: span.column - 1] + wrong + line[span.end_column - 1 :]
            mutated = "\n".join([*lines[: span.line - 1], changed, *lines[span.line :]])
            yield f"{where}={wrong}", mutated


ZONE_CASES = [
    pytest.param(path, where, text, id=f"{path.parent.name}/{path.name}:{where}")
    for path in [*CLEAN, *sorted((EXAMPLES / "broken").glob("*.yaml")), *ZONE_FILES]
    for where, text in wrong_zones(path)
]


def test_examples_have_zones_to_break() -> None:
    assert len(ZONE_CASES) > 100
    assert len(ZONE_FILES) >= 3


@pytest.mark.parametrize(("path", "where", "text"), ZONE_CASES)
def test_a_wrong_zone_feeds_no_zone_rule(path: Path, where: str, text: str) -> None:
    before = Counter(
        f.rule_id for f in validate_source(Source(str(path), path.read_text())).findings
    )
    result = validate_source(Source(str(path), text))
    assert result.error is None
    after = Counter(finding.rule_id for finding in result.findings)
    added = after - before
    assert set(added) <= {"AP114", "AP117"}, [
        f"{finding.span.line} {finding.rule_id} {finding.message}"
        for finding in result.findings
        if finding.rule_id in added
    ]
    # (In the examples of AP114 and AP117 the zone was wrong already; AP116 has no Region.)
    assert added or path.name.startswith(("AP114", "AP116", "AP117")), (
        "the wrong zone was not reported"
    )
    # Nor does another rule name the wrong zone as if it were one (AP803 "with us-east-1z
    # lost", AP517 "subnets are in us-east-1z, use1-az2"): the count would be the same.
    wrong = where.rsplit("=", 1)[1]
    assert [
        f"{finding.span.line} {finding.rule_id} {finding.message}"
        for finding in result.findings
        if finding.rule_id not in {"AP114", "AP117"} and wrong in finding.message
    ] == []


# The planning commands read a section whole: written under a misspelt key it would be planned
# as empty (`mesh:` for `meshes:` makes every VPC one mesh, and --write adds peerings the file
# has under `peering:`). They refuse the file at the misspelt key instead, exit 2.
PLANNED = [
    ("peering-plan", "three-vpc-mesh.yaml", "meshes", "mesh"),
    ("peering-plan", "three-vpc-mesh.yaml", "peerings", "peering"),
    ("peering-plan", "three-vpc-mesh.yaml", "vpcs", "vpc"),
    ("scale-plan", "three-tier.yaml", "scaling_groups", "scaling_group"),
    ("scale-plan", "forum.yaml", "services", "service"),
    ("scale-plan", "forum.yaml", "functions", "function"),
]


@pytest.mark.parametrize(("command", "example", "section", "wrong"), PLANNED)
@pytest.mark.parametrize("write", [False, True])
def test_a_planning_command_refuses_a_misspelt_section(
    tmp_path: Path, command: str, example: str, section: str, wrong: str, write: bool
) -> None:
    if write and command != "peering-plan":
        pytest.skip("only peering-plan writes into the file")
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    assert f"\n{section}:" in text
    path = tmp_path / example
    path.write_text(text.replace(f"\n{section}:", f"\n{wrong}:"), encoding="utf-8")
    line = text[: text.index(f"\n{section}:")].count("\n") + 2
    result = CliRunner().invoke(app, [command, str(path), *(["--write"] if write else [])])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f'{path}:{line}:1: error: unknown key "{wrong}" (did you mean "{section}"?)\n'
    )
    assert path.read_text(encoding="utf-8") == text.replace(f"\n{section}:", f"\n{wrong}:")


# Brute force over the schema (issue 13 item 5, precision3): every value of every example is
# broken in turn as the schema says it can be (a number out of its bounds, a word outside its
# choices, a CIDR with a /33, a name that names nothing, a whole mapping or list written as a
# number), and validate must report the broken value with decoding findings only. The CI run
# breaks each place of the schema once, in the first clean example that has it; with
# ARCHPLAN_CASCADES=all it breaks every occurrence in every clean and broken example, every
# rule's Fails/Passes example and every rule case file (about 23,000 files, 2 minutes).

ALL_CASCADES = os.environ.get("ARCHPLAN_CASCADES") == "all"

# A finding that takes the place of another when the broken value removes what that one needed:
# true of the file either way, only said by another rule. (A group that cannot be planned is no
# longer AP517's "cannot survive an AZ loss" but AP503's "in one zone"; a route that no longer
# leaves through a second peering, or to the peer's VPN, is AP311's "not inside the peer"; a
# subnet no longer short with every zone up is AP802's no more but may be AP803's after a zone
# is lost.)
REPLACES = {"AP503": ("AP517",), "AP311": ("AP308", "AP309"), "AP803": ("AP802",)}
# A workload's security group that names nothing is AP703's to say (not the builder's AP005).
REFERENCE_RULES = DECODING | {"AP703"}
# Cascades found and not yet mended, in modules another branch owns this session (shown as
# xfail in the long run, so they stay in sight):
OPEN = {
    "AP702": "a peering rejected whole may be the one that joins the VPCs (rules/security_groups)",
    "AP704": "a rejected network_mode reads as awsvpc, AWS's default (rules/security_groups)",
}


def _schema_walk(
    node: Node, kind: s.Kind, path: tuple[str | int, ...] = (), key: Scalar | None = None
) -> Iterator[tuple[tuple[str | int, ...], Node, s.Kind, Scalar | None]]:
    """Each node of the document with its schema kind (an Either resolved as the decoder does)
    and, for a mapping's value, its key."""
    if isinstance(kind, s.Either):
        for option in kind.options:
            if isinstance(node, Mapping) and isinstance(option, s.Object | s.NamedMap):
                yield from _schema_walk(node, option, path, key)
                return
            if isinstance(node, Sequence) and isinstance(option, s.ListOf):
                yield from _schema_walk(node, option, path, key)
                return
        for option in kind.options:
            if isinstance(node, Scalar) and _scalar_fits(option, node.value):
                yield path, node, option, key
                return
        return
    yield path, node, kind, key
    if isinstance(kind, s.Object) and isinstance(node, Mapping):
        for name, entry in node.entries.items():
            field = kind.fields.get(name)
            if field is not None:
                yield from _schema_walk(entry.value, field.kind, (*path, name), entry.key)
    elif isinstance(kind, s.NamedMap) and isinstance(node, Mapping):
        for name, entry in node.entries.items():
            yield from _schema_walk(entry.value, kind.value, (*path, name), entry.key)
    elif isinstance(kind, s.ListOf) and isinstance(node, Sequence):
        for index, item in enumerate(node.items):
            yield from _schema_walk(item, kind.item, (*path, index))


def _scalar_fits(kind: s.Kind, value: object) -> bool:
    if isinstance(kind, s.Integer | s.Number):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(kind, s.Text | s.Reference | s.Cidr) and isinstance(value, str)


def _broken_values(node: Node, kind: s.Kind) -> list[str]:
    """Values to write instead of `node` that the schema refuses, each for its own reason."""
    if isinstance(node, Mapping | Sequence):
        return ["5"]
    if not isinstance(node, Scalar) or node.value is None:
        return []
    found = []
    if isinstance(kind, s.Reference):
        found.append("no-such-name")
    if isinstance(kind, s.Integer | s.Number):
        if kind.minimum is not None:
            found.append(str(kind.minimum - 1))
        if kind.maximum is not None:
            found.append(str(kind.maximum + 1))
    if isinstance(kind, s.Text):
        if kind.choices:
            found.append("bogus")
        if kind.digits:
            found.append('"123"')
        if kind.pattern:
            found.append('"bogus!"')
    if isinstance(kind, s.Cidr):
        found.append("10.0.0.0/33" if kind.version == 4 else "2001:db8::/129")
    return found


def breakages(text: str) -> Iterator[tuple[str, str, str, tuple[str | int, ...]]]:
    """(place as the schema names it, place in the file, broken text, path broken)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for path, node, kind, key in _schema_walk(load(text).root, s.ARCHITECTURE):
        if not path or path[0] == "archplan":
            continue
        for value in _broken_values(node, kind):
            span = node.span
            if isinstance(node, Mapping | Sequence) and span.line != span.end_line:
                # A block collection: its key's line becomes `key: 5` and its own lines go.
                if key is None or key.span.line == span.line:
                    continue
                tail = (
                    lines[span.end_line - 1][: span.end_column - 1]
                    if span.end_line <= len(lines)
                    else ""
                )
                last = span.end_line - 1 if not tail.strip() else span.end_line
                line = lines[key.span.line - 1][: key.span.end_column - 1] + ": " + value
                mutated = "\n".join([*lines[: key.span.line - 1], line, *lines[last:]])
            else:
                start = starts[span.line - 1] + span.column - 1
                end = starts[span.end_line - 1] + span.end_column - 1
                mutated = text[:start] + value + text[end:]
            where = ".".join(str(part) for part in path)
            place = _place(path)
            yield f"{place}={value}", f"{where}={value}", mutated, path


def _place(path: tuple[str | int, ...]) -> str:
    """The path with names and indexes left out: one place of the schema."""
    parts: list[str] = []
    node: s.Kind = s.ARCHITECTURE
    for part in path:
        while isinstance(node, s.Either):
            node = next(
                (o for o in node.options if isinstance(o, s.Object | s.NamedMap | s.ListOf)),
                node.options[0],
            )
        if isinstance(node, s.Object):
            field = node.fields.get(str(part))
            parts.append(str(part))
            if field is None:
                break
            node = field.kind
        elif isinstance(node, s.NamedMap):
            parts.append("*")
            node = node.value
        elif isinstance(node, s.ListOf):
            parts.append("#")
            node = node.item
    return ".".join(parts)


def _brute_sources() -> Iterator[tuple[str, str]]:
    for path in CLEAN:
        yield f"examples/{path.name}", path.read_text(encoding="utf-8")
    if not ALL_CASCADES:
        return
    for path in sorted((EXAMPLES / "broken").glob("*.yaml")):
        yield f"broken/{path.name}", path.read_text(encoding="utf-8")
    from archplan.ruledocs import example_document, sections
    from archplan.rules import RULES

    for rule in sorted(RULES.values(), key=lambda rule: rule.id):
        parts = sections(rule)
        for part in ("fails", "passes"):
            text = example_document(parts[part])
            if not text.startswith("AWSTemplateFormatVersion"):
                yield f"{rule.id} {part}", text
    for path in sorted((Path(__file__).parent / "rules" / "cases").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            if not case["source"].startswith("AWSTemplateFormatVersion"):
                yield f"{path.stem}: {case['name']}", case["source"]


def _brute_files() -> Iterator[tuple[str, str, frozenset[str] | None]]:
    """Each source with the places to break in it: all of them with ARCHPLAN_CASCADES=all, else
    only the schema places no earlier example has."""
    seen: set[str] = set()
    for name, text in _brute_sources():
        try:
            found = list(breakages(text))
        except InputError:
            continue  # a rule case that is not YAML (the input errors' own cases)
        if ALL_CASCADES:
            yield name, text, None
            continue
        mine = frozenset(where for place, where, _, _ in found if place not in seen)
        seen.update(place for place, _, _, _ in found)
        if mine:
            yield name, text, mine


BRUTE_FILES = list(_brute_files())
BRUTE = [pytest.param(text, only, id=name) for name, text, only in BRUTE_FILES]


def test_the_brute_force_breaks_every_section() -> None:
    places = {
        where.split(".")[0].split("=")[0]
        for _, text, only in BRUTE_FILES
        for _, where, _, _ in breakages(text)
        if only is None or where in only
    }
    assert {"vpcs", "peerings", "transit_gateways", "scaling_groups", "services"} <= places
    assert ALL_CASCADES or sum(len(only or ()) for _, _, only in BRUTE_FILES) > 150


@cache
def _rules_of(text: str) -> Counter[str] | None:
    """How many findings each rule gives on the unbroken file (None: not an architecture)."""
    result = validate_source(Source("t.yaml", text))
    return None if result.error else Counter(finding.rule_id for finding in result.findings)


@pytest.mark.parametrize(("text", "only"), BRUTE)
def test_a_broken_value_gives_only_its_own_finding(text: str, only: frozenset[str] | None) -> None:
    before = _rules_of(text)
    if before is None:
        pytest.skip("not an architecture file")
    cascades: list[str] = []
    unreported: list[str] = []
    for _, where, mutated, path in breakages(text):
        if only is not None and where not in only:
            continue
        result = validate_source(Source("t.yaml", mutated))
        if result.error is not None:
            continue  # the edit left no YAML (a block list item written as a number)
        after = Counter(finding.rule_id for finding in result.findings)
        added = after - before
        cascades += [
            f"{where}: {finding.span.line} {finding.rule_id} {finding.message}"
            for finding in result.findings
            if finding.rule_id in added
            and finding.rule_id not in REFERENCE_RULES
            and not any(
                before[replaced] > after[replaced] for replaced in REPLACES.get(finding.rule_id, ())
            )
        ]
        # Said at the broken value, or at what holds it or what it holds (a key, a reference);
        # a name that names nothing may go unsaid where the file declares nothing of its kind
        # (a workload's security group in a VPC that declares none: AWS's default group).
        said = any(
            finding.rule_id in REFERENCE_RULES
            and (finding.path[: len(path)] == path or path[: len(finding.path)] == finding.path)
            for finding in result.findings
        )
        if not (said or where.endswith("=no-such-name")):
            unreported.append(where)
    assert unreported == [], "the broken value was not reported"
    if cascades and all(entry.split()[2] in OPEN for entry in cascades):
        pytest.xfail("; ".join(sorted({OPEN[entry.split()[2]] for entry in cascades})))
    assert cascades == []


# AWS's and Terraform's spellings of a subnet's keys are too unlike ours for did-you-mean:
# without an alias `availability_zone:` was an unknown key with no hint plus "missing az".
@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("zone", "az"),
        ("availability_zone", "az"),
        ("availability_zone_id", "az"),
        ("az_id", "az"),
        ("cidr_block", "cidr"),
    ],
)
def test_an_aws_spelling_of_a_subnet_key_is_one_finding_with_its_name(
    written: str, meant: str
) -> None:
    other = "az: us-east-1a" if meant == "cidr" else "cidr: 10.0.0.0/24"
    value = "us-east-1a" if meant == "az" else "10.0.0.0/24"
    text = (
        "archplan: 1\nvpcs:\n  app:\n    region: us-east-1\n    cidr: 10.0.0.0/16\n"
        f"    subnets:\n      a: {{{other}, {written}: {value}}}\n"
    )
    result = validate_source(Source("t.yaml", text))
    assert [(finding.rule_id, finding.message) for finding in result.findings] == [
        ("AP002", f'unknown key "{written}" (did you mean "{meant}"?)')
    ]


def test_a_stray_key_beside_its_section_is_not_a_misspelt_section(tmp_path: Path) -> None:
    # `mesh: {}` next to `meshes:` is an unknown key (validate's AP002), not the mesh section
    # written wrong: peering-plan plans the meshes the file has.
    text = (EXAMPLES / "three-vpc-mesh.yaml").read_text(encoding="utf-8")
    path = tmp_path / "mesh.yaml"
    path.write_text(text + "mesh: {}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["peering-plan", str(path)])
    assert result.exit_code == 0, result.stderr
    assert 'Mesh "core"' in result.stdout
