"""The loader: bad input is refused with a location, hostile YAML is never executed or expanded."""

from __future__ import annotations

import time

import pytest
import yaml

from archplan import loader as loader_module
from archplan.engine import load_architecture
from archplan.errors import InputError
from archplan.loader import load
from archplan.source import Source, decode_text
from tests.conftest import triples, validate_text


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def yaml_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every loader test with libyaml's parser and with PyYAML's pure-Python fallback."""
    if request.param == "pure-python":
        monkeypatch.setattr(loader_module, "_Loader", yaml.SafeLoader)
    elif not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML was built without libyaml")
    return str(request.param)


def _input_error(text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_architecture(Source("t.yaml", text))
    return caught.value


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("", 1, 1, "empty"),
        ("# just a comment\n", 1, 1, "empty"),
        ("- a\n- b\n", 1, 1, "not a list"),
        ("hello\n", 1, 1, "not a single value"),
        ("archplan: 1\nvpcs:\n\tshared: {}\n", 3, 1, "YAML syntax error"),
        # An unclosed bracket is reported where it opens (the parser stops at 3:1 / 3:2).
        ("archplan: 1\nvpcs: {a: [1, 2\n", 2, 11, "the [ list opened here is never closed"),
        ("archplan: 1\nvpcs: {a: 1\nb: 2\n", 2, 7, "the { mapping opened here is never closed"),
        ("name: x\n", 1, 1, "'archplan: 1' is missing"),
        ("archplan: 2\n", 1, 11, "unsupported format version 2"),
        ('archplan: "1"\n', 1, 11, "a string"),
        ("archplan: true\n", 1, 11, "unsupported format version"),
        ("archplan: [1]\n", 1, 11, "unsupported format version"),
        ("archplan: " + "1" * 5000 + "\n", 1, 11, "version (a 5000-digit number);"),
        ("archplan: 1\nx: !!python/object/apply:os.system [echo]\n", 2, 4, "!!python/object"),
        ("archplan: 1\nx: !Ref Something\n", 2, 4, "tag !Ref is not allowed"),
        ("archplan: 1\nx: &a [*a]\n", 2, 8, "recursive alias"),
        ("archplan: 1\n<<: 5\n", 2, 5, "merge key"),
        ("archplan: 1\n---\nname: x\n", 2, 1, "second YAML document"),
        ("archplan: 1\nname: *nope\n", 2, 7, "names no anchor"),
    ],
)
def test_unusable_input_is_a_located_error(text: str, line: int, column: int, words: str) -> None:
    error = _input_error(text)
    assert words in error.message
    assert (error.line, error.column) == (line, column)


def test_billion_laughs_is_refused_quickly() -> None:
    text = "archplan: 1\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    started = time.perf_counter()
    error = _input_error(text)
    assert "aliases expand" in error.message
    assert time.perf_counter() - started < 5


def test_deep_nesting_is_refused() -> None:
    text = "archplan: 1\nname: " + "[" * 10_000 + "]" * 10_000 + "\n"
    error = _input_error(text)
    assert error.line == 2


def test_decoding_names_the_bad_byte() -> None:
    with pytest.raises(InputError) as caught:
        decode_text(b"archplan: 1\nname: ab\xff\n")
    assert (caught.value.line, caught.value.column) == (2, 9)


@pytest.mark.parametrize("data", [b"\xff\xfea\x00", b"\xfe\xff\x00a", b"archplan: 1\x00\n"])
def test_utf16_and_binary_are_refused(data: bytes) -> None:
    with pytest.raises(InputError):
        decode_text(data)


def test_control_characters_are_located() -> None:
    error = _input_error('archplan: 1\nname: "a\x07b"\n')
    assert (error.line, error.column) == (2, 9)
    assert "control character" in error.message


@pytest.mark.parametrize("tagged", ["!!bool x", "!!timestamp x", '!!int ""', "!!float _"])
def test_tags_that_do_not_fit_their_text_are_findings(tagged: str) -> None:
    assert triples(validate_text(f"archplan: 1\nname: {tagged}\n")) == [["AP003", 2, 7]]


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert decode_text(b"\xef\xbb\xbfarchplan: 1\n") == "archplan: 1\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("archplan: 1\nname: a\nname: b\n", [["AP001", 3, 1]]),
        (
            "archplan: 1\nvpcs:\n  a: {region: us-east-1, cidr: 10.0.0.0/16, cidr: 10.1.0.0/16}\n",
            [["AP001", 3, 45]],
        ),
        (
            "archplan: 1\nvpcs:\n  a:\n    region: us-east-1\n    cidr: 10.0.0.0/16\n"
            "    route_tables:\n      rt:\n        routes:\n          10.1.0.0/16: vgw\n"
            "          10.1.0.0/16: blackhole\n",
            [["AP001", 10, 11]],
        ),
    ],
)
def test_duplicate_keys_point_at_the_second_key(text: str, expected: list[list[object]]) -> None:
    result = validate_text(text)
    assert triples(result, "AP001") == expected
    finding = next(f for f in result.findings if f.rule_id == "AP001")
    first, second = finding.related[0].span, finding.span
    assert (first.line, first.column) < (second.line, second.column)


def test_anchors_aliases_and_merge_keys_work() -> None:
    text = (
        "archplan: 1\n"
        "x-vpc: &vpc {region: us-east-1, cidr: 10.0.0.0/16}\n"
        "x-az: &az us-east-1a\n"
        "vpcs:\n"
        "  a:\n"
        "    <<: *vpc\n"
        "    subnets: {s: {cidr: 10.0.0.0/24, az: *az}}\n"
        "  b:\n"
        "    <<: *vpc\n"
        "    cidr: 10.1.0.0/16\n"
    )
    result = validate_text(text)
    assert result.error is None
    assert result.findings == ()
    architecture = load_architecture(Source("t", text)).architecture
    assert str(architecture.vpcs["b"].cidr) == "10.1.0.0/16"  # explicit keys win over merged
    assert architecture.vpcs["a"].region == "us-east-1"


def test_non_string_keys_are_findings() -> None:
    result = validate_text("archplan: 1\n1: x\n[a]: y\n")
    assert triples(result) == [["AP003", 2, 1], ["AP003", 3, 1]]


def test_nodes_carry_positions() -> None:
    document = load("a:\n  b: [x, 'y']\n")
    node = document.node_at(("a", "b", 1))
    assert node is not None
    assert (node.span.line, node.span.column, node.span.end_column) == (2, 10, 13)


def test_a_rejected_value_causes_no_findings_elsewhere() -> None:
    """A VPC whose block or Region was refused is not checked against what is left of it."""
    text = (
        "archplan: 1\n"
        "defaults: {region: 5}\n"
        "vpcs:\n"
        "  v:\n"
        "    region: us-east-1\n"
        "    cidr: 10.0.0.0/166\n"
        "    secondary_cidrs: [10.1.0.0/16]\n"
        '    ipv6_cidrs: ["2600::/5G"]\n'
        "    subnets:\n"
        '      a: {cidr: 10.0.0.0/24, az: us-east-1a, ipv6_cidr: "2600::/64"}\n'
        "  w: {cidr: 10.5.0.0/16}\n"
    )
    assert triples(validate_text(text)) == [["AP003", 2, 20], ["AP007", 6, 11], ["AP007", 8, 18]]


def test_named_local_tags_read_as_their_long_form_with_positions() -> None:
    tags = {"!Ref": "Ref", "!Join": "Fn::Join"}
    document = load("a: !Ref Vpc\nb: !Join ['-', [x, !Ref Y]]\nc: &c !Ref Z\nd: *c\n", tags)
    assert isinstance(document.root, loader_module.Mapping)
    a = document.node_at(("a",))
    assert isinstance(a, loader_module.Mapping) and list(a.entries) == ["Ref"]
    value = document.node_at(("a", "Ref"))
    assert isinstance(value, loader_module.Scalar) and value.value == "Vpc"
    assert (value.span.line, value.span.column) == (1, 4)
    nested = document.node_at(("b", "Fn::Join", 1, 1, "Ref"))
    assert isinstance(nested, loader_module.Scalar) and nested.value == "Y"
    assert document.node_at(("d", "Ref")) is document.node_at(("c", "Ref"))


def test_a_tagged_scalar_stays_a_string() -> None:
    value = load("a: !Ref 10\n", {"!Ref": "Ref"}).node_at(("a", "Ref"))
    assert isinstance(value, loader_module.Scalar) and value.value == "10"


def test_tags_not_named_are_still_refused() -> None:
    with pytest.raises(InputError, match=r"!Bad is not allowed here; the tags known are !Ref"):
        load("a: !Bad x\n", {"!Ref": "Ref"})
    with pytest.raises(InputError, match="architecture files hold plain data only"):
        load("a: !Ref x\n")


def test_no_implicit_yaml_type_contains_a_slash() -> None:
    """The loader resolves a plain scalar with a "/" (a CIDR block) as a string without trying
    PyYAML's implicit patterns; that holds while no pattern can match a "/"."""
    for resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.values():
        for _tag, pattern in resolvers:
            source = pattern.pattern.replace("\\.", "")
            assert "/" not in source and "." not in source, pattern.pattern
            assert not any(wide in source for wide in ("[^", "\\S", "\\W", "\\D")), pattern.pattern
    for text in ("10.0.0.0/16", "1/2", "2024-01-01/x", "yes/no", "0x1/8"):
        assert load(f"a: {text}\n").root.entries["a"].value.value == text  # type: ignore[union-attr]


def test_the_primed_reader_pattern_matches_what_pyyaml_wrote() -> None:
    """The loader hands `re` PyYAML's non-printable class spelled as its complement (start-up);
    both must match exactly the same code points."""
    import re

    every = "".join(map(chr, range(0x110000)))
    re.purge()  # the primed entry is in re's cache only until yaml.reader has read it
    written = re.compile(loader_module.NON_PRINTABLE)
    primed = re.compile(loader_module.PRINTABLE_COMPLEMENT)
    assert written.pattern == loader_module.NON_PRINTABLE
    assert written.findall(every) == primed.findall(every)
    assert yaml.reader.Reader.NON_PRINTABLE.pattern in (
        loader_module.NON_PRINTABLE,
        loader_module.PRINTABLE_COMPLEMENT,
    )


# -- locations against PyYAML's own composer --------------------------------------------------
# The loader keeps the parser's marks and builds spans (and, for runs of plain numbers, whole
# nodes) only when asked. Every node's place and value must still be what PyYAML's composer
# and constructor give for the same text.


def _same_tree(ours: object, theirs: yaml.Node, where: str) -> None:
    span = (
        theirs.start_mark.line + 1,
        theirs.start_mark.column + 1,
        theirs.end_mark.line + 1,
        theirs.end_mark.column + 1,
    )
    assert isinstance(ours, loader_module.Mapping | loader_module.Sequence | loader_module.Scalar)
    assert tuple(ours.span) == span, where
    if isinstance(theirs, yaml.ScalarNode):
        assert isinstance(ours, loader_module.Scalar), where
        assert ours.raw == theirs.value, where
        expected = yaml.SafeLoader("").construct_object(theirs)
        if not isinstance(expected, str | int | float | bool | type(None)):
            return  # dates are kept as text
        assert ours.value == expected and type(ours.value) is type(expected), where
    elif isinstance(theirs, yaml.SequenceNode):
        assert isinstance(ours, loader_module.Sequence), where
        assert len(ours.items) == len(theirs.value), where
        for position, (mine, other) in enumerate(zip(ours.items, theirs.value, strict=True)):
            _same_tree(mine, other, f"{where}[{position}]")
    else:
        assert isinstance(ours, loader_module.Mapping), where
        first: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in theirs.value:  # string keys; the first of duplicates
            key = yaml.SafeLoader("").construct_object(key_node)
            if isinstance(key_node, yaml.ScalarNode) and isinstance(key, str):
                first.setdefault(key, (key_node, value_node))
        assert list(ours.entries) == list(first), where
        for key_node, value_node in first.values():
            entry = ours.entries[key_node.value]
            _same_tree(entry.key, key_node, f"{where}.{key_node.value}")
            _same_tree(entry.value, value_node, f"{where}.{key_node.value}")


def _locations_corpus() -> list[tuple[str, str]]:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "examples").rglob("*.yaml"))
    texts = [(str(path.relative_to(root)), path.read_text(encoding="utf-8")) for path in files]
    # Aliases, merge keys and local tags (CloudFormation) give nodes PyYAML composes otherwise.
    texts = [(name, text) for name, text in texts if not any(c in text for c in "<&!")]
    numbers = ", ".join(
        ["0", "-0", "+5", "12", "1.5", "-0.0", "012", "0x1f", "1_000", "1e3", "1.5e+3", ".5"]
        + [str(value * 7 % 1000) for value in range(300)]
        + [f"{value}.{value % 10}" for value in range(300)]
    )
    block = "".join(f"      - {value}\n" for value in range(500)) + "      - 12.25\n"
    mixed = "[1, 2, three, 4.5, null, 6]"
    texts.append(
        (
            "numbers",
            "archplan: 1\nthings:\n  flow: ["
            + numbers
            + "]\n  nested:\n    block:\n"
            + block
            + f"    mixed: {mixed}\n    empty: []\n    one: [7]\n"
            + "    multi:\n      [1,\n       2,   3\n      ]\n",
        )
    )
    return texts


@pytest.mark.parametrize(("name", "text"), _locations_corpus(), ids=lambda item: item[:40])
def test_every_node_is_where_pyyaml_composes_it(name: str, text: str) -> None:
    ours = load(text).root
    _same_tree(ours, yaml.compose(text, Loader=yaml.SafeLoader), name)


def test_a_large_generated_estate_is_located_as_pyyaml_composes_it() -> None:
    lines = ["archplan: 1", "vpcs:"]
    for index in range(400):
        lines += [
            f"  vpc-{index}:",
            "    region: us-east-1",
            f"    cidr: 10.{index // 256}.{index % 256}.0/24",
            f"    tags: {{team: t{index}, 'quoted': \"x\", n: {index}}}",
            "    subnets:",
            f"      a: {{cidr: 10.{index // 256}.{index % 256}.0/26, az: us-east-1a}}",
            f"    hourly: [{', '.join(str((index * hour) % 97) for hour in range(24))}]",
        ]
    text = "\n".join(lines) + "\n"
    _same_tree(load(text).root, yaml.compose(text, Loader=yaml.SafeLoader), "estate")


def test_a_run_of_plain_numbers_is_one_node_built_in_one_pass() -> None:
    document = load("hourly: [1, 2.5, 3]\nmixed: [1, a]\n")
    assert isinstance(document.root, loader_module.Mapping)
    hourly = document.root.entries["hourly"].value
    assert type(hourly) is loader_module.Numbers
    assert hourly.values == [1, 2.5, 3]
    assert type(document.root.entries["mixed"].value) is loader_module.Sequence
    third = hourly.items[2]
    assert isinstance(third, loader_module.Scalar)
    assert (third.value, tuple(third.span)) == (3, (1, 18, 1, 19))


@pytest.mark.parametrize("minimum", [None, 0])
def test_a_run_of_numbers_decodes_as_each_number_would(minimum: int | None) -> None:
    from archplan import schema
    from archplan.decode import Decoder

    text = "[0, -0, -0.0, 5, +7, 12.50, 0.1, 1.25, 99999999999999999999.5, 3]"
    node = load(f"x: {text}").root.entries["x"].value  # type: ignore[union-attr]
    assert type(node) is loader_module.Numbers
    kind = schema.ListOf(item=schema.Number(minimum=minimum))
    fast = Decoder().decode(node, kind, ())
    general = [Decoder().decode(item, kind.item, ()) for item in node.items]
    assert [(str(value), type(value)) for value in fast] == [
        (str(value), type(value)) for value in general
    ]
