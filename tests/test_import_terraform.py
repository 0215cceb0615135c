"""The Terraform importer on the corpus of real plans and on a hand-written plan with modules."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from archplan.engine import FileResult, validate_source
from archplan.importers.common import Imported, ImportOptions, SourceError
from archplan.importers.terraform import import_sources
from archplan.source import Source

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("ARCHPLAN_CORPUS", ROOT.parent / "shared" / "corpus")) / "terraform"
ENTRIES = sorted([*CORPUS.glob("*"), *CORPUS.glob("*/*.json")]) if CORPUS.is_dir() else []
INPUT_RULES = {"AP001", "AP002", "AP003", "AP004", "AP005", "AP006", "AP007"}
HOW = "terraform show -json plan.out"

corpus = pytest.mark.skipif(not ENTRIES, reason=f"corpus not found at {CORPUS}")


def validate(imported: Imported) -> FileResult:
    text = yaml.safe_dump(imported.document, sort_keys=False)
    return validate_source(Source("imported.yaml", text))


def input_errors(result: FileResult) -> list[str]:
    errors = [f.rule_id + " " + f.message for f in result.findings if f.rule_id in INPUT_RULES]
    return errors + ([result.error.message] if result.error else [])


def plan(name: str) -> list[str]:
    return [str(CORPUS / name)]


@corpus
@pytest.mark.parametrize("path", ENTRIES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_every_corpus_entry_imports_or_says_how_to_make_a_plan(path: Path) -> None:
    try:
        imported = import_sources([str(path)], ImportOptions())
    except SourceError as error:
        # Folders of .tf files and single .tf files are configuration, not plans.
        assert path.is_dir() or path.suffix == ".tf", error.message
        has_tf = path.suffix == ".tf" or any(path.glob("*.tf"))
        assert (HOW if has_tf else "import plan.out.json in it") in error.message
        return
    assert path.suffix == ".json"
    assert input_errors(validate(imported)) == []


@corpus
def test_issue_158_vpc_module_gives_six_subnets_over_three_zones() -> None:
    imported = import_sources(
        plan("terraform-compliance__test_issue-158/plan.out.json"), ImportOptions()
    )
    document = imported.document
    assert document["defaults"] == {"region": "eu-west-1"}
    vpc = document["vpcs"]["my-vpc"]
    assert vpc["cidr"] == "10.0.0.0/16"
    assert len(vpc["subnets"]) == 6
    assert {subnet["az"] for subnet in vpc["subnets"].values()} == {
        "eu-west-1a",
        "eu-west-1b",
        "eu-west-1c",
    }
    # NAT gateways and tables are matched by count.index through the configuration.
    private = vpc["route_tables"]["my-vpc-private-eu-west-1b"]
    assert private["routes"] == {"0.0.0.0/0": "nat:my-vpc-public-eu-west-1b"}
    assert vpc["subnets"]["my-vpc-private-eu-west-1b"]["route_table"] == "my-vpc-private-eu-west-1b"
    assert imported.origins[("vpcs", "my-vpc", "cidr")].address == "module.vpc.aws_vpc.this[0]"


@corpus
def test_issue_514_splits_a_slash_24_into_two_slash_25() -> None:
    imported = import_sources(
        plan("terraform-compliance__test_issue-514/plan.out.json"), ImportOptions()
    )
    (vpc,) = imported.document["vpcs"].values()
    assert vpc["cidr"] == "172.16.0.0/24"
    assert sorted(subnet["cidr"] for subnet in vpc["subnets"].values()) == [
        "172.16.0.0/25",
        "172.16.0.128/25",
    ]
    # The plan sets no zone: the assumption is an issue, not silent.
    assert sum("availability_zone is not set" in issue.message for issue in imported.issues) == 2


@corpus
def test_checkov_plan_gives_two_vpcs() -> None:
    document = import_sources(plan("checkov__runner_plan_tfplan.json"), ImportOptions()).document
    vpcs = document["vpcs"]
    assert sorted(vpc["cidr"] for vpc in vpcs.values()) == ["10.10.0.0/16", "172.16.0.0/16"]
    web = vpcs["123456789123-acme-corp-vpc"]
    assert web["internet_gateway"] is True
    assert web["route_tables"]["123456789123-acme-corp-rtb"]["routes"] == {"0.0.0.0/0": "igw"}


@corpus
def test_scaling_group_with_unknown_subnets_waits_under_x_incomplete() -> None:
    imported = import_sources(
        plan("terraform-compliance__test_issue-208/plan.out.json"), ImportOptions()
    )
    group = imported.document["x-incomplete"]["scaling_groups"]["aws_autoscaling_group.thing"]
    assert (group["min"], group["max"], group["desired"]) == (1, 3, 3)
    assert group["subnets"] == ["somesubnetid"]
    assert any("somesubnetid" in issue.message for issue in imported.issues)


def test_hcl_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    path = tmp_path / "main.json"
    path.write_text('resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n')
    with pytest.raises(SourceError) as raised:
        import_sources([str(path)], ImportOptions())
    assert HOW in raised.value.message and "HCL" in raised.value.message


def test_broken_json_is_located(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{\n  "planned_values": {,\n}')
    with pytest.raises(SourceError) as raised:
        import_sources([str(path)], ImportOptions())
    assert (raised.value.line, raised.value.column) == (2, 22)


def _resource(address: str, values: dict[str, Any], index: int | None = None) -> dict[str, Any]:
    kind, name = address.split(".")[-2:]
    resource: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name.split("[")[0],
    }
    if index is not None:
        resource["index"] = index
    return {**resource, "values": values}


def _refs(*references: str) -> dict[str, Any]:
    return {"references": list(references)}


# A module "net" with a VPC, two subnets by count, a NAT route; a peer VPC at the root and a
# module "extra" that gets the peer's id as a variable; peering, transit gateway, scaling group.
PLAN: dict[str, Any] = {
    "format_version": "1.2",
    "planned_values": {
        "root_module": {
            "resources": [
                _resource("aws_vpc.peer", {"cidr_block": "10.1.0.0/16", "tags": {"Name": "peer"}}),
                _resource("aws_vpc_peering_connection.link", {"auto_accept": False}),
                _resource("aws_vpc_peering_connection_accepter.link", {"auto_accept": True}),
                _resource("aws_ec2_transit_gateway.hub", {"tags": {"Name": "hub"}}),
                _resource("aws_ec2_transit_gateway_vpc_attachment.net", {}),
                _resource(
                    "aws_autoscaling_group.web",
                    {
                        "name": "web",
                        "min_size": 2,
                        "max_size": 8,
                        "mixed_instances_policy": [
                            {
                                "launch_template": [
                                    {
                                        "launch_template_specification": [
                                            {"launch_template_name": "web"}
                                        ],
                                        "override": [
                                            {"instance_type": "m5.large", "weighted_capacity": "1"},
                                            {
                                                "instance_type": "m5.2xlarge",
                                                "weighted_capacity": "4",
                                            },
                                        ],
                                    }
                                ],
                                "instances_distribution": [
                                    {"on_demand_percentage_above_base_capacity": 20}
                                ],
                            }
                        ],
                    },
                ),
            ],
            "child_modules": [
                {
                    "address": "module.net",
                    "resources": [
                        _resource(
                            "module.net.aws_vpc.this",
                            {"cidr_block": "10.0.0.0/16", "tags": {"Name": "net"}},
                        ),
                        *(
                            _resource(
                                f"module.net.aws_subnet.private[{i}]",
                                {
                                    "cidr_block": f"10.0.{i}.0/24",
                                    "availability_zone": f"us-east-1{'ab'[i]}",
                                },
                                i,
                            )
                            for i in range(2)
                        ),
                        _resource(
                            "module.net.aws_route_table.private", {"tags": {"Name": "private"}}
                        ),
                        _resource(
                            "module.net.aws_route.to_peer",
                            {"destination_cidr_block": "10.1.0.0/16"},
                        ),
                    ],
                },
                {
                    "address": "module.extra",
                    "resources": [
                        _resource(
                            "module.extra.aws_subnet.this",
                            {"cidr_block": "10.1.0.0/24", "availability_zone": "us-east-1a"},
                        ),
                    ],
                },
            ],
        }
    },
    "resource_changes": [
        {
            "address": "module.net.aws_route.to_peer",
            "change": {"actions": ["create"], "after_unknown": {"vpc_peering_connection_id": True}},
        }
    ],
    "configuration": {
        "provider_config": {
            "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}
        },
        "root_module": {
            "resources": [
                {
                    "address": "aws_vpc_peering_connection.link",
                    "expressions": {
                        "vpc_id": _refs("module.net.vpc_id"),
                        "peer_vpc_id": _refs("aws_vpc.peer.id", "aws_vpc.peer"),
                    },
                },
                {
                    "address": "aws_vpc_peering_connection_accepter.link",
                    "expressions": {
                        "vpc_peering_connection_id": _refs(
                            "aws_vpc_peering_connection.link.id", "aws_vpc_peering_connection.link"
                        )
                    },
                },
                {
                    "address": "aws_ec2_transit_gateway_vpc_attachment.net",
                    "expressions": {
                        "transit_gateway_id": _refs("aws_ec2_transit_gateway.hub"),
                        "vpc_id": _refs("module.net.vpc_id"),
                        "subnet_ids": _refs("module.net.subnet_ids"),
                    },
                },
                {
                    "address": "aws_autoscaling_group.web",
                    "expressions": {"vpc_zone_identifier": _refs("module.net.subnet_ids")},
                },
            ],
            "module_calls": {
                "net": {
                    "module": {
                        "outputs": {
                            "vpc_id": {"expression": _refs("aws_vpc.this.id", "aws_vpc.this")},
                            "subnet_ids": {"expression": _refs("aws_subnet.private")},
                        },
                        "resources": [
                            {
                                "address": "aws_subnet.private",
                                "expressions": {"vpc_id": _refs("local.vpc_id")},
                            },
                            {
                                "address": "aws_route_table.private",
                                "expressions": {"vpc_id": _refs("aws_vpc.this.id")},
                            },
                            {
                                "address": "aws_route.to_peer",
                                "expressions": {
                                    "route_table_id": _refs("aws_route_table.private.id"),
                                    "vpc_peering_connection_id": _refs("var.peering_id"),
                                },
                            },
                        ],
                    },
                    "expressions": {
                        "peering_id": _refs(
                            "aws_vpc_peering_connection.link.id", "aws_vpc_peering_connection.link"
                        )
                    },
                },
                "extra": {
                    "module": {
                        "resources": [
                            {
                                "address": "aws_subnet.this",
                                "expressions": {"vpc_id": _refs("var.vpc_id")},
                            }
                        ]
                    },
                    "expressions": {"vpc_id": _refs("aws_vpc.peer.id", "aws_vpc.peer")},
                },
            },
        },
    },
}
EXPECTED = """
archplan: 1
defaults: {region: us-east-1}
vpcs:
  peer:
    cidr: 10.1.0.0/16
    subnets:
      module.extra.aws_subnet.this: {cidr: 10.1.0.0/24, az: us-east-1a}
  net:
    cidr: 10.0.0.0/16
    subnets:
      module.net.aws_subnet.private-0: {cidr: 10.0.0.0/24, az: us-east-1a}
      module.net.aws_subnet.private-1: {cidr: 10.0.1.0/24, az: us-east-1b}
    route_tables:
      private: {routes: {10.1.0.0/16: "peering:aws_vpc_peering_connection.link"}}
peerings:
  aws_vpc_peering_connection.link: {requester: net, accepter: peer}
transit_gateways:
  hub:
    attachments:
      net: {subnets: [module.net.aws_subnet.private-0, module.net.aws_subnet.private-1]}
scaling_groups:
  web:
    vpc: net
    subnets: [module.net.aws_subnet.private-0, module.net.aws_subnet.private-1]
    instance_types: {m5.large: 1, m5.2xlarge: 4}
    min: 2
    max: 8
    purchase: {on_demand_percentage_above_base: 20}
    launch_template: web
"""


def test_references_resolve_through_modules_variables_and_outputs(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN))
    imported = import_sources([str(path)], ImportOptions())
    assert imported.issues == []
    assert imported.document == yaml.safe_load(EXPECTED)
    expected = validate_source(Source("hand.yaml", EXPECTED))
    assert sorted(f.rule_id for f in validate(imported).findings) == sorted(
        f.rule_id for f in expected.findings
    )


def test_a_reference_that_resolves_nowhere_is_an_issue(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(PLAN))
    routes = broken["configuration"]["root_module"]["module_calls"]["net"]["module"]["resources"]
    routes[2]["expressions"]["vpc_peering_connection_id"] = _refs(
        "data.aws_vpc_peering_connection.other"
    )
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(broken))
    imported = import_sources([str(path)], ImportOptions())
    assert "route_tables" not in imported.document["vpcs"]["net"] or not imported.document["vpcs"][
        "net"
    ]["route_tables"]["private"].get("routes")
    (issue,) = imported.issues
    assert issue.origin.address == "module.net.aws_route.to_peer"
    assert "vpc_peering_connection_id does not resolve" in issue.message
