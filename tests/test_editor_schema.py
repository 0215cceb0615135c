"""The editors' JSON Schema: generated from archplan/schema.py, kept in the repo, and in step with
the decoder (it rejects the shapes the decoder rejects, and nothing that only the rules catch)."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema  # in the test extra
import pytest
import yaml
from typer.testing import CliRunner

from archplan import editor_schema, schema
from archplan.cli import app
from archplan.decode import HOST_BITS, Decoder
from archplan.engine import SUPPORTED_VERSIONS
from archplan.errors import InputError
from archplan.loader import Mapping, Scalar, load
from archplan.ruledocs import example_document, sections
from archplan.rules import RULES
from tests.conftest import EXAMPLES, ROOT

COPY = ROOT / "schema" / editor_schema.FILE_NAME
SCHEMA = editor_schema.json_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
# The decoder's rules: the broken examples of these are shape errors an editor can show.
SHAPE_RULES = {"AP002", "AP003", "AP004", "AP006", "AP007"}
# Where the schema reports each broken shape (the path of the value, as in the file).
BROKEN_AT = {
    "AP002": ("vpcs", "billing", "dns"),
    "AP003": ("defaults", "account"),
    "AP004": ("vpcs", "billing", "subnets", "app-b"),
    "AP006": ("peerings", "billing-reporting", "status"),
    "AP007": ("vpcs", "billing", "subnets", "data-a", "cidr"),
}


def _errors(text: str) -> list[jsonschema.ValidationError]:
    return list(VALIDATOR.iter_errors(yaml.safe_load(text)))


def _decoder_rejects(text: str) -> bool | None:
    """Whether the decoder finds a shape error (None: not a case for the schema to judge)."""
    try:
        document = load(text)
    except InputError:
        return None  # not YAML archplan reads at all
    root = document.root
    if not isinstance(root, Mapping) or document.type_problems:
        return None  # not a mapping, or a YAML type (a number as a key) that JSON lacks
    version = root.entries.get("archplan")
    if version is None or not isinstance(version.value, Scalar) or version.value.value != 1:
        return None  # refused before decoding (the schema refuses it too)
    decoder = Decoder()
    decoder.decode(document.root, schema.ARCHITECTURE, ())
    return any(rule != HOST_BITS for rule, _problem in decoder.problems)


def test_the_repository_copy_is_in_sync() -> None:
    assert COPY.read_text(encoding="utf-8") == editor_schema.render(), (
        "schema/ is stale: run `python scripts/sync_docs.py`"
    )


def test_archplan_schema_prints_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == editor_schema.render()
    assert editor_schema.render() == editor_schema.render()  # deterministic


def test_sync_docs_regenerates_the_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("README.md", "docs"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    spec = importlib.util.spec_from_file_location("sync_docs", ROOT / "scripts" / "sync_docs.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "ROOT", tmp_path)
    script.main()
    written = (tmp_path / "schema" / editor_schema.FILE_NAME).read_bytes()
    assert written == editor_schema.render().encode("utf-8")


def test_it_is_a_valid_draft_07_schema_for_format_1() -> None:
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["archplan"]["const"] in SUPPORTED_VERSIONS
    assert SCHEMA["required"] == ["archplan"]


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "properties" in node:
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_every_object_is_closed_and_only_the_top_level_takes_x_keys() -> None:
    objects = list(_objects(SCHEMA))
    assert len(objects) > 20
    assert all(node["additionalProperties"] is False for node in objects)
    assert SCHEMA["patternProperties"] == {
        "^x-": {"description": "Your own key (e.g. for anchors)."}
    }
    assert [node for node in objects if "patternProperties" in node] == [SCHEMA]


def test_it_describes_choices_accounts_and_blocks() -> None:
    peering = SCHEMA["properties"]["peerings"]["additionalProperties"]
    assert peering["properties"]["status"]["enum"] == list(schema.PEERING_STATUSES)
    assert peering["required"] == ["requester", "accepter"]
    vpc = SCHEMA["properties"]["vpcs"]["additionalProperties"]["properties"]
    assert vpc["account"]["pattern"] == "^[0-9]{12}$"
    assert "description" in vpc["account"] and "description" in vpc["cidr"]
    assert vpc["cidr"]["pattern"] == editor_schema.IPV4_CIDR


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.name)
def test_it_accepts_every_example(path: Path) -> None:
    assert _errors(path.read_text(encoding="utf-8")) == []


BROKEN = sorted((EXAMPLES / "broken").glob("*.yaml"))  # architecture files only


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.name)
def test_it_rejects_the_broken_shapes_and_leaves_the_rest_to_the_rules(path: Path) -> None:
    rule = path.name.split("-", 1)[0]
    errors = _errors(path.read_text(encoding="utf-8"))
    if rule in SHAPE_RULES:
        assert tuple(BROKEN_AT[rule]) in [tuple(error.absolute_path) for error in errors]
    else:  # duplicate keys (invisible once parsed), references, overlaps, quotas, routes...
        assert errors == [], [error.message for error in errors]


def test_every_shape_rule_has_a_broken_example() -> None:
    assert {path.name.split("-", 1)[0] for path in BROKEN} >= SHAPE_RULES


# Small files for each thing the schema says, each judged by the decoder as well.
TARGETED = {
    "x- keys at the top": (
        "x-common: &c {region: us-east-1}\nvpcs: {a: {<<: *c, cidr: 10.0.0.0/16}}",
        True,
    ),
    "x- keys elsewhere": ("vpcs: {a: {region: us-east-1, cidr: 10.0.0.0/16, x-note: 1}}", False),
    "unknown top-level key": ("vpc: {}", False),
    "empty sections": ("vpcs:\npeerings:\nmeshes:\ndefaults:\nquotas:", True),
    "empty object with a required key": (
        "scaling_groups:\n  g:",
        False,
    ),
    "empty name": ('vpcs: {"": {region: us-east-1, cidr: 10.0.0.0/16}}', False),
    "blank string": ('name: "  "', False),
    "account unquoted": ("defaults: {account: 111122223333}", False),
    "account with 11 digits": ('defaults: {account: "11112222333"}', False),
    "IPv6 block in an IPv4 field": ("vpcs: {a: {region: us-east-1, cidr: 2600::/56}}", False),
    "octet out of range": ("vpcs: {a: {region: us-east-1, cidr: 10.0.300.0/16}}", False),
    "prefix out of range": ("vpcs: {a: {region: us-east-1, cidr: 10.0.0.0/33}}", False),
    "host bits are a warning": ("vpcs: {a: {region: us-east-1, cidr: 10.0.0.1/16}}", True),
    "IPv6 blocks": (
        "vpcs: {a: {region: us-east-1, cidr: 10.0.0.0/16, ipv6_cidrs: [2600:1f18::/56]}}",
        True,
    ),
    "IPv6 without a prefix": (
        'vpcs: {a: {region: us-east-1, cidr: 10.0.0.0/16, ipv6_cidrs: ["2600:1f18::"]}}',
        False,
    ),
    "boolean as a string": (
        'vpcs: {a: {region: us-east-1, cidr: 10.0.0.0/16, internet_gateway: "yes"}}',
        False,
    ),
    "quota above AWS's maximum": ("quotas: {active_peerings_per_vpc: 126}", False),
    "quota at AWS's maximum": ("quotas: {active_peerings_per_vpc: 125}", True),
    "list of instance types": (
        "scaling_groups: {g: {vpc: a, subnets: [s], instance_types: [m5.large], min: 1, max: 2}}",
        True,
    ),
    "weighted instance types": (
        "scaling_groups: {g: {vpc: a, subnets: [s], instance_types: {m5.large: 2}, min: 1, max: 2}}",
        True,
    ),
    "instance types as text": (
        "scaling_groups: {g: {vpc: a, subnets: [s], instance_types: m5.large, min: 1, max: 2}}",
        False,
    ),
    "instance types left empty": (
        "scaling_groups:\n  g:\n    {vpc: a, subnets: [s], min: 1, max: 2, instance_types: }",
        False,
    ),
    "demand: both hourly and file": (
        "scaling_groups: {g: {vpc: a, subnets: [s], instance_types: [m5.large], min: 1, max: 2, demand: {hourly: [1], file: d.csv}}}",
        False,
    ),
    "demand: neither": (
        "scaling_groups: {g: {vpc: a, subnets: [s], instance_types: [m5.large], min: 1, max: 2, demand: {unit: rps}}}",
        False,
    ),
    "per_unit must be above 0": (
        "scaling_groups: {g: {vpc: a, subnets: [s], instance_types: [m5.large], min: 1, max: 2, capacity: {per_unit: 0}}}",
        False,
    ),
    "commitment auto": (
        "scaling_groups: {g: {vpc: a, subnets: [s], instance_types: [m5.large], min: 1, max: 2, purchase: {commitment: auto}}}",
        True,
    ),
    "commitment units": (
        "scaling_groups: {g: {vpc: a, subnets: [s], instance_types: [m5.large], min: 1, max: 2, purchase: {commitment: {units: 3}}}}",
        True,
    ),
    "commitment misspelled": (
        "scaling_groups: {g: {vpc: a, subnets: [s], instance_types: [m5.large], min: 1, max: 2, purchase: {commitment: automatic}}}",
        False,
    ),
    "discount above 1": ("prices: {discounts: {compute-savings-plan: 1.5}}", False),
}


@pytest.mark.parametrize(("text", "valid"), TARGETED.values(), ids=TARGETED.keys())
def test_targeted_shapes(text: str, valid: bool) -> None:
    document = "archplan: 1\n" + text + "\n"
    assert (_errors(document) == []) is valid
    assert _decoder_rejects(document) is (not valid)


@pytest.mark.parametrize("version", ["2", "'1'", "1.5", "true"])
def test_only_format_1_is_accepted(version: str) -> None:
    assert _errors(f"archplan: {version}\n") != []


def _corpus() -> Iterator[tuple[str, str]]:
    for path in sorted(EXAMPLES.glob("**/*.yaml")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for rule in sorted(RULES.values(), key=lambda rule: rule.id):
        parts = sections(rule)
        for key in ("fails", "passes"):
            yield f"{rule.id} {key}", example_document(parts[key])
    for path in sorted((ROOT / "tests" / "rules" / "cases").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            yield f"{path.stem}: {case['name']}", case["source"]


def test_the_schema_and_the_decoder_agree_on_every_known_file() -> None:
    """Rule docs, examples and rule cases: the schema rejects exactly what the decoder does."""
    judged = 0
    disagreements = []
    for name, text in _corpus():
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue  # a YAML syntax case: neither the schema's nor the decoder's business
        rejects = _decoder_rejects(text)
        if rejects is None or not isinstance(data, dict):
            continue
        judged += 1
        errors = list(VALIDATOR.iter_errors(data))
        if bool(errors) != rejects:
            disagreements.append((name, rejects, [error.message for error in errors]))
    assert disagreements == []
    assert judged > 300
