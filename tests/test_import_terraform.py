"""The Terraform importer on the corpus of real plans and on a hand-written plan with modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from archplan.engine import FileResult, validate_source
from archplan.findings import Severity
from archplan.importers.common import Imported, ImportOptions, SourceError
from archplan.importers.terraform import import_sources
from archplan.source import Source
from tests.conftest import CORPUS_ABSENT, corpus_dir, input_errors, validate_imported

ROOT = Path(__file__).resolve().parent.parent
CORPUS = corpus_dir("terraform")
ENTRIES = sorted([*CORPUS.glob("*"), *CORPUS.glob("*/*.json")]) if CORPUS.is_dir() else []
HOW = "terraform show -json plan.out"

corpus = pytest.mark.skipif(not ENTRIES, reason=CORPUS_ABSENT)


def validate(imported: Imported) -> FileResult:
    return validate_imported(imported.document)


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
def test_issue_514_subnets_without_a_zone_are_kept_with_the_zone_unknown() -> None:
    imported = import_sources(
        plan("terraform-compliance__test_issue-514/plan.out.json"), ImportOptions()
    )
    (vpc,) = imported.document["vpcs"].values()
    assert vpc["cidr"] == "172.16.0.0/24"
    # The plan sets no zone (AWS picks one at apply time). A guessed zone would put both
    # subnets in one zone for the zone rules to judge; they are kept with `az: unknown`, so
    # the checks that need no zone (blocks, overlaps, routes) still run on them (issue 13).
    subnets = vpc["subnets"].values()
    assert sorted(subnet["cidr"] for subnet in subnets) == ["172.16.0.0/25", "172.16.0.128/25"]
    assert all(subnet["az"] == "unknown" for subnet in subnets)
    assert "subnets" not in imported.document.get("x-incomplete", {})
    assert sum("availability_zone is known only after" in i.message for i in imported.issues) == 2
    assert input_errors(validate(imported)) == []


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


def _resource(
    address: str, values: dict[str, Any], index: int | str | None = None
) -> dict[str, Any]:
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


def _spoke_plan(peer_vpc: list[str], for_each: bool = False) -> dict[str, Any]:
    """A hub VPC peered (count = 2) with the VPCs of two instances of module "spoke", whose
    peer_vpc_id has the given references; routes to each spoke's block by count.index."""
    keys: list[int | str] = ["a", "b"] if for_each else [0, 1]
    spokes = [
        {
            "address": f"module.spoke[{json.dumps(key)}]",
            "resources": [
                _resource(
                    f"module.spoke[{json.dumps(key)}].aws_vpc.this",
                    {"cidr_block": f"10.{number}.0.0/16"},
                ),
            ],
        }
        for number, key in enumerate(keys)
    ]
    address = "aws_vpc_peering_connection.p"
    return {
        "planned_values": {
            "root_module": {
                "resources": [
                    _resource("aws_vpc.hub", {"cidr_block": "10.200.0.0/16"}),
                    *(
                        _resource(f"{address}[{json.dumps(key)}]", {"auto_accept": True}, key)
                        for key in keys
                    ),
                    _resource("aws_route_table.hub", {}),
                    *(
                        _resource(
                            f"aws_route.to_spoke[{json.dumps(key)}]",
                            {"destination_cidr_block": f"10.{number}.0.0/16"},
                            key,
                        )
                        for number, key in enumerate(keys)
                    ),
                ],
                "child_modules": spokes,
            }
        },
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-west-2"}}}
            },
            "root_module": {
                "resources": [
                    {
                        "address": address,
                        "expressions": {
                            "vpc_id": _refs("aws_vpc.hub.id", "aws_vpc.hub"),
                            "peer_vpc_id": _refs(*peer_vpc),
                        },
                    },
                    {
                        "address": "aws_route_table.hub",
                        "expressions": {"vpc_id": _refs("aws_vpc.hub.id")},
                    },
                    {
                        "address": "aws_route.to_spoke",
                        "expressions": {
                            "route_table_id": _refs("aws_route_table.hub.id"),
                            "vpc_peering_connection_id": _refs(
                                f"{address}[{'each.key' if for_each else 'count.index'}].id",
                                address,
                                "each.key" if for_each else "count.index",
                            ),
                        },
                    },
                ],
                "module_calls": {
                    "spoke": {
                        "module": {
                            "outputs": {
                                "vpc_id": {"expression": _refs("aws_vpc.this.id", "aws_vpc.this")}
                            }
                        }
                    }
                },
            },
        },
    }


def _accepters(tmp_path: Path, plan_data: dict[str, Any]) -> tuple[Imported, dict[str, str]]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_data))
    imported = import_sources([str(path)], ImportOptions())
    peerings = imported.document.get("peerings", {})
    return imported, {name: body["accepter"] for name, body in peerings.items()}


def test_an_indexed_module_reference_picks_that_instance(tmp_path: Path) -> None:
    _, accepters = _accepters(tmp_path, _spoke_plan(["module.spoke[1].vpc_id", "module.spoke[1]"]))
    assert set(accepters.values()) == {"module.spoke-1-.aws_vpc.this"}


@pytest.mark.parametrize("for_each", [False, True])
def test_count_index_and_each_key_pick_the_resources_own_instance(
    tmp_path: Path, for_each: bool
) -> None:
    key = "each.key" if for_each else "count.index"
    imported, accepters = _accepters(
        tmp_path, _spoke_plan([f"module.spoke[{key}].vpc_id", "module.spoke", key], for_each)
    )
    assert imported.issues == []
    suffix = ["-a-", "-b-"] if for_each else ["-0-", "-1-"]
    assert sorted(accepters.values()) == [f"module.spoke{s}.aws_vpc.this" for s in suffix]
    assert not [f for f in validate(imported).findings if f.severity == Severity.ERROR]


def test_an_index_unknown_here_is_an_issue_not_a_guess(tmp_path: Path) -> None:
    imported, accepters = _accepters(
        tmp_path, _spoke_plan(["module.spoke[var.which].vpc_id", "module.spoke", "var.which"])
    )
    assert accepters == {}
    assert sum("peer_vpc_id does not resolve" in i.message for i in imported.issues) == 2
    assert len(imported.document["x-incomplete"]["peerings"]) == 2


def test_a_literal_vpc_id_or_another_modules_vpc_is_not_the_plans_only_vpc(tmp_path: Path) -> None:
    data = {
        "planned_values": {
            "root_module": {
                "resources": [
                    _resource("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}),
                    _resource(
                        "aws_subnet.legacy",
                        {
                            "vpc_id": "vpc-0123456789abcdef0",
                            "cidr_block": "172.31.0.0/20",
                            "availability_zone": "eu-west-1a",
                        },
                    ),
                ],
                "child_modules": [
                    {
                        "address": "module.other",
                        "resources": [
                            _resource(
                                "module.other.aws_subnet.this",
                                {"cidr_block": "10.9.0.0/24", "availability_zone": "eu-west-1a"},
                            )
                        ],
                    }
                ],
            }
        },
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}
            },
            "root_module": {
                "module_calls": {
                    "other": {
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_subnet.this",
                                    "expressions": {"vpc_id": _refs("local.vpc_id")},
                                }
                            ]
                        }
                    }
                }
            },
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    imported = import_sources([str(path)], ImportOptions())
    assert "subnets" not in imported.document["vpcs"]["aws_vpc.main"]
    waiting = imported.document["x-incomplete"]["subnets"]
    assert waiting["aws_subnet.legacy"]["vpc"] == "vpc-0123456789abcdef0"
    assert waiting["module.other.aws_subnet.this"]["missing"] == ["vpc"]
    assert any("vpc-0123456789abcdef0 is not a VPC" in i.message for i in imported.issues)


def test_attachment_subnets_without_a_zone_are_kept_with_the_attachment(
    tmp_path: Path,
) -> None:
    data = json.loads(json.dumps(PLAN))
    for child in data["planned_values"]["root_module"]["child_modules"]:
        for resource in child["resources"]:
            resource["values"].pop("availability_zone", None)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    imported = import_sources([str(path)], ImportOptions())
    # Kept with `az: unknown` (issue 13): the zone rules skip them, the others run.
    assert "transit_gateway_attachments" not in imported.document.get("x-incomplete", {})
    assert "net" in imported.document["transit_gateways"]["hub"]["attachments"]
    assert not [f.rule_id for f in validate(imported).findings if f.severity == Severity.ERROR]


@pytest.mark.parametrize(
    ("accepter", "status"),
    [(None, "pending-acceptance"), ({}, "pending-acceptance"), ({"auto_accept": True}, None)],
)
def test_a_peering_is_active_only_when_something_accepts_it(
    tmp_path: Path, accepter: dict[str, Any] | None, status: str | None
) -> None:
    data = json.loads(json.dumps(PLAN))
    resources = data["planned_values"]["root_module"]["resources"]
    resources[1]["values"] = {}  # auto_accept unset: Terraform's default is false
    if accepter is None:
        del resources[2]
    else:
        resources[2]["values"] = accepter
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    imported = import_sources([str(path)], ImportOptions())
    assert imported.document["peerings"]["aws_vpc_peering_connection.link"].get("status") == status


def test_scaling_group_purchase_and_capacity_type_as_the_cloudformation_import(
    tmp_path: Path,
) -> None:
    data = json.loads(json.dumps(PLAN))
    group = data["planned_values"]["root_module"]["resources"][5]["values"]
    distribution = group["mixed_instances_policy"][0]["instances_distribution"][0]
    distribution["spot_allocation_strategy"] = "cheapest-please"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    imported = import_sources([str(path)], ImportOptions())
    assert imported.document["scaling_groups"]["web"]["purchase"] == {
        "on_demand_percentage_above_base": 20
    }
    assert any('"cheapest-please" is not one AWS knows' in i.message for i in imported.issues)
    # No mixed policy: nothing written (AWS's default, all On-Demand, applies).
    del group["mixed_instances_policy"]
    data["planned_values"]["root_module"]["resources"].append(
        _resource("aws_launch_template.web", {"name": "web", "instance_type": "m5.large"})
    )
    group["launch_template"] = [{"name": "web"}]
    path.write_text(json.dumps(data))
    assert (
        "purchase"
        not in import_sources([str(path)], ImportOptions()).document["scaling_groups"]["web"]
    )
    # Sizes in vCPUs are not capacity units: the group waits.
    group["desired_capacity_type"] = "vcpu"
    path.write_text(json.dumps(data))
    imported = import_sources([str(path)], ImportOptions())
    waiting = imported.document["x-incomplete"]["scaling_groups"]["web"]
    assert "capacity_units" in waiting["missing"] and waiting["capacity_type"] == "vcpu"
    assert "scaling_groups" not in imported.document


def test_a_subnet_whose_association_table_does_not_resolve_waits(tmp_path: Path) -> None:
    # On the main route table the rules would judge the subnet by routes it does not use.
    data = {
        "planned_values": {
            "root_module": {
                "resources": [
                    _resource("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}),
                    _resource(
                        "aws_subnet.app",
                        {"cidr_block": "10.0.0.0/24", "availability_zone": "eu-west-1a"},
                    ),
                    _resource("aws_route_table_association.app", {"route_table_id": "rtb-0abc"}),
                ]
            }
        },
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}
            },
            "root_module": {
                "resources": [
                    {
                        "address": "aws_subnet.app",
                        "expressions": {"vpc_id": _refs("aws_vpc.main.id")},
                    },
                    {
                        "address": "aws_route_table_association.app",
                        "expressions": {"subnet_id": _refs("aws_subnet.app.id")},
                    },
                ]
            },
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    imported = import_sources([str(path)], ImportOptions())
    assert "subnets" not in imported.document["vpcs"]["aws_vpc.main"]
    waiting = imported.document["x-incomplete"]["subnets"]["aws_subnet.app"]
    assert waiting["missing"] == ["route_table"]
    assert any(
        "aws_route_table_association.app does not resolve" in issue.message
        for issue in imported.issues
    )
