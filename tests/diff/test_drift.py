"""Drift: a file against AWS CLI output of what is deployed (the shared corpus's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archplan.diff.model import Action, Side
from archplan.diff.result import diff
from archplan.importers import SourceKind
from tests.conftest import corpus_files
from tests.diff.helpers import edit, imported, side


def _deployed() -> tuple[Side, list[str]]:
    files = [
        str(path)
        for path in corpus_files("aws-cli")
        # real output of a command archplan does not read: refused (exit 2), so left out
        if path.suffix == ".json" and "search-transit-gateway-routes" not in path.name
    ]
    if not files:
        pytest.skip("the shared corpus is not here (set ARCHPLAN_CORPUS)")
    return imported(SourceKind.AWS_CLI, files, "deployed"), files


def test_the_file_written_from_the_deployed_estate_has_no_drift() -> None:
    deployed, _ = _deployed()
    written = side(deployed.text, "estate.yaml")
    result = diff(deployed, written, drift=True)
    assert result.changes == () and result.drift


def test_three_deliberate_differences_are_exactly_the_drift() -> None:
    deployed, _ = _deployed()
    text = deployed.text
    # 1. a subnet the file puts in another zone
    text = edit(
        text,
        "        cidr: 172.31.80.0/20\n        az: us-east-1d\n",
        "        cidr: 172.31.80.0/20\n        az: us-east-1a\n",
    )
    # 2. a VPC deployed but no longer in the file (the importer writes YAML with double quotes)
    text = edit(text, '  Not-Shared:\n    account: "111122223333"\n    cidr: 30.1.0.0/16\n', "")
    # 3. a route in the file that is not deployed
    text = edit(
        text,
        "          0.0.0.0/0: igw\n  vpc-123abc45:",
        "          0.0.0.0/0: igw\n          10.9.0.0/16: blackhole\n  vpc-123abc45:",
    )
    result = diff(deployed, side(text, "estate.yaml"), drift=True)
    found = sorted(
        (change.action.value, change.path, tuple(f.field for f in change.fields))
        for change in result.changes
    )
    assert found == sorted(
        [
            ("modified", ("vpcs", "vpc-3EXAMPLE", "subnets", "MySubnet"), (("az",),)),
            ("removed", ("vpcs", "Not-Shared"), ()),
            (
                "modified",
                ("vpcs", "vpc-3EXAMPLE", "route_tables", "rtb-a1eec7de"),
                (("routes", "10.9.0.0/16"),),
            ),
        ]
    )
    subnet = next(c for c in result.changes if c.kind == ("vpcs", "subnets"))
    [field] = subnet.fields
    assert (field.old, field.new) == ("us-east-1d", "us-east-1a")
    assert field.old_place is not None and field.old_place.address  # the deployed side: an AWS id
    assert field.new_place is not None and field.new_place.text().startswith("estate.yaml:")
    assert (
        next(c for c in result.changes if c.path == ("vpcs", "Not-Shared")).action is Action.REMOVED
    )


def test_planning_inputs_the_output_cannot_show_are_not_drift(tmp_path: Path) -> None:
    deployed, _ = _deployed()
    text = deployed.text.replace(
        "archplan: 1\n", "archplan: 1\nname: estate\nquotas: {subnets_per_vpc: 300}\n", 1
    )
    text = edit(
        text,
        "  vpc-3EXAMPLE:\n    cidr: 172.31.0.0/16\n",
        "  vpc-3EXAMPLE:\n    cidr: 172.31.0.0/16\n    dns: {hostnames: true}\n",
    )
    text += "meshes:\n  all: [vpc-3EXAMPLE, vpc-123abc45]\n"
    assert diff(deployed, side(text, "estate.yaml"), drift=True).changes == ()
