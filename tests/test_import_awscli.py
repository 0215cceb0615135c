"""The AWS CLI importer on the corpus of real outputs and on a hand-written describe-* set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archplan.engine import FileResult, validate_source
from archplan.importers import tf_awscli_facts
from archplan.importers.awscli import import_sources
from archplan.importers.common import Imported, ImportOptions, Origin, SourceError
from archplan.regions import region_of_zone
from archplan.source import Source
from tests.conftest import CORPUS_ABSENT, corpus_dir, input_errors, validate_imported

ROOT = Path(__file__).resolve().parent.parent
CORPUS = corpus_dir("aws-cli")
FILES = sorted(CORPUS.glob("*")) if CORPUS.is_dir() else []

corpus = pytest.mark.skipif(not FILES, reason=CORPUS_ABSENT)


def validate(imported: Imported) -> FileResult:
    return validate_imported(imported.document)


def corpus_file(fragment: str) -> str:
    return str(next(path for path in FILES if fragment in path.name))


@corpus
@pytest.mark.parametrize("region", [None, "us-east-1"])
@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_corpus_file_imports_into_a_valid_document(path: Path, region: str | None) -> None:
    try:
        imported = import_sources([str(path)], ImportOptions(region=region))
    except SourceError as error:
        # Refused: a malformed file, and the output of a command archplan does not read.
        unread = "search-transit-gateway-routes" in path.name
        assert path.name.endswith(".malformed-json.txt") or unread, error.message
        return
    assert imported.document["archplan"] == 1
    assert input_errors(validate(imported)) == []


@corpus
def test_malformed_describe_subnets_is_located() -> None:
    path = corpus_file("describe-subnets__ex1_output.malformed-json")
    with pytest.raises(SourceError) as raised:
        import_sources([path], ImportOptions())
    # The key 'CustomerOwnedIpv4Pool:' has a single-quoted value on line 17.
    assert (raised.value.file, raised.value.line, raised.value.column) == (path, 17, 39)
    assert "not valid JSON" in raised.value.message


@corpus
def test_instance_weighting_is_in_capacity_units() -> None:
    imported = import_sources([corpus_file("instance-weighting_create")], ImportOptions())
    group = imported.document["x-incomplete"]["scaling_groups"]["my-asg"]
    assert (group["min"], group["max"], group["desired"]) == (160, 720, 480)
    assert group["instance_types"] == {"m4.16xlarge": 16, "m5.24xlarge": 24}
    assert group["subnets"] == ["subnet-5ea0c127", "subnet-6194ea3b", "subnet-c934b782"]
    assert any("subnet-5ea0c127" in issue.message for issue in imported.issues)


@corpus
def test_peering_connections_give_an_active_and_a_pending_peering() -> None:
    path = corpus_file("describe-vpc-peering-connections")
    document = import_sources([path], ImportOptions(region="us-east-1")).document
    assert document["peerings"] == {
        "Peering-1": {"requester": "vpc-123abc45", "accepter": "vpc-1a2b3c4d"}
    }
    assert document["vpcs"]["vpc-123abc45"] == {"account": "444455556666", "cidr": "192.168.0.0/16"}
    # AWS shows the accepter's block only once accepted: the peering waits for it.
    pending = document["x-incomplete"]["peerings"]["pcx-abababab"]
    assert pending["status"] == "pending-acceptance"
    assert pending["missing"] == ["accepter"]


@corpus
def test_route_tables_and_subnets_merge_into_one_vpc() -> None:
    paths = [corpus_file("describe-subnets__ex2"), corpus_file("describe-route-tables")]
    imported = import_sources(paths, ImportOptions())
    vpcs = imported.document["vpcs"]
    # The block comes from the table's local route, the Region from the subnet's zone.
    assert imported.document["defaults"]["region"] == "us-east-1"
    assert vpcs["vpc-3EXAMPLE"]["cidr"] == "172.31.0.0/16"
    assert vpcs["vpc-3EXAMPLE"]["subnets"] == {
        "MySubnet": {"cidr": "172.31.80.0/20", "az": "us-east-1d"}
    }
    tables = vpcs["vpc-0065acced4EXAMPLE"]["route_tables"]
    assert tables["rtb-09ba434c1bEXAMPLE"] == {"main": True, "routes": {"0.0.0.0/0": "blackhole"}}


@corpus
def test_describe_auto_scaling_groups_query_output_is_a_list() -> None:
    imported = import_sources([corpus_file("describe-auto-scaling-groups__ex5")], ImportOptions())
    group = imported.document["x-incomplete"]["scaling_groups"]["my-asg"]
    assert group["instance_types"] == ["t2.micro"]
    # No MixedInstancesPolicy: AWS's default (all On-Demand) applies, and format 1 assumes
    # it when `purchase` is left out, as the CloudFormation import leaves it.
    assert "purchase" not in group


def test_output_of_a_command_not_read_is_refused_saying_why(tmp_path: Path) -> None:
    path = tmp_path / "tgw-routes.json"
    path.write_text(json.dumps({"Routes": []}))  # search-transit-gateway-routes
    with pytest.raises(SourceError) as raised:
        import_sources([str(path)], ImportOptions())
    message = raised.value.message
    assert message.startswith("not AWS CLI output of a supported command")
    assert "does not name the route table" in message and "docs/import.md" in message


@pytest.mark.parametrize(
    "text",
    ["{}", "[1, 2]", "[]", '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}'],
    ids=["empty-object", "array", "empty-array", "template"],
)
def test_json_that_is_not_cli_output_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(SourceError) as raised:
        import_sources([str(path)], ImportOptions())
    assert (raised.value.file, raised.value.line, raised.value.column) == (str(path), 1, 1)
    assert raised.value.message.startswith("not AWS CLI output of a supported command (")
    assert len(raised.value.message) < 120


def test_unreadable_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as raised:
        import_sources([str(tmp_path / "missing.json")], ImportOptions())
    assert raised.value.message == "no such file"


# A small estate dumped with the AWS CLI, and the same estate written by hand.
DUMPS: dict[str, Any] = {
    "vpcs.json": {
        "Vpcs": [
            {
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/16",
                "OwnerId": "111111111111",
                "Tags": [{"Key": "Name", "Value": "shared"}],
            },
            {
                "VpcId": "vpc-2",
                "CidrBlock": "10.1.0.0/16",
                "OwnerId": "111111111111",
                "Tags": [{"Key": "Name", "Value": "dev"}],
            },
        ]
    },
    "subnets.json": {
        "Subnets": [
            {
                "SubnetId": "subnet-a",
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/24",
                "AvailabilityZone": "us-east-1a",
                "Tags": [{"Key": "Name", "Value": "shared-a"}],
            },
            {
                "SubnetId": "subnet-p",
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.100.0/24",
                "AvailabilityZone": "us-east-1a",
                "Tags": [{"Key": "Name", "Value": "shared-pub"}],
            },
            {
                "SubnetId": "subnet-d",
                "VpcId": "vpc-2",
                "CidrBlock": "10.1.0.0/24",
                "AvailabilityZone": "us-east-1a",
                "Tags": [{"Key": "Name", "Value": "dev-a"}],
            },
        ]
    },
    "route-tables.json": {
        "RouteTables": [
            {
                "RouteTableId": "rtb-1",
                "VpcId": "vpc-1",
                "Tags": [{"Key": "Name", "Value": "private"}],
                "Associations": [{"Main": False, "SubnetId": "subnet-a"}],
                "Routes": [
                    {
                        "DestinationCidrBlock": "10.0.0.0/16",
                        "GatewayId": "local",
                        "State": "active",
                    },
                    {
                        "DestinationCidrBlock": "10.1.0.0/16",
                        "VpcPeeringConnectionId": "pcx-1",
                        "State": "active",
                    },
                    {
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "NatGatewayId": "nat-1",
                        "State": "active",
                    },
                ],
            },
            {
                "RouteTableId": "rtb-2",
                "VpcId": "vpc-1",
                "Tags": [{"Key": "Name", "Value": "public"}],
                "Associations": [{"Main": True}],
                "Routes": [
                    {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}
                ],
            },
            {  # dev's routes are described: AP312 needs them to say replies have no way back
                "RouteTableId": "rtb-3",
                "VpcId": "vpc-2",
                "Tags": [{"Key": "Name", "Value": "main"}],
                "Associations": [{"Main": True}],
                "Routes": [
                    {"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "local", "State": "active"}
                ],
            },
        ]
    },
    "nat.json": {
        "NatGateways": [{"NatGatewayId": "nat-1", "SubnetId": "subnet-p", "State": "available"}]
    },
    "peerings.json": {
        "VpcPeeringConnections": [
            {
                "VpcPeeringConnectionId": "pcx-1",
                "Status": {"Code": "active"},
                "RequesterVpcInfo": {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"},
                "AccepterVpcInfo": {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"},
                "Tags": [{"Key": "Name", "Value": "shared-dev"}],
            }
        ]
    },
    "asg.json": [
        {
            "AutoScalingGroupName": "web",
            "MinSize": 2,
            "MaxSize": 6,
            "VPCZoneIdentifier": "subnet-a",
            "MixedInstancesPolicy": {
                "LaunchTemplate": {
                    "Overrides": [
                        {"InstanceType": "m5.large"},
                        {"InstanceType": "m5.xlarge", "WeightedCapacity": "2"},
                    ]
                },
                "InstancesDistribution": {"OnDemandPercentageAboveBaseCapacity": 30},
            },
        }
    ],
}
HAND_WRITTEN = """
archplan: 1
defaults: {region: us-east-1, account: "111111111111"}
vpcs:
  shared:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      shared-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: private}
      shared-pub: {cidr: 10.0.100.0/24, az: us-east-1a}
    route_tables:
      private:
        routes: {10.1.0.0/16: "peering:shared-dev", 0.0.0.0/0: "nat:shared-pub"}
      public: {main: true, routes: {0.0.0.0/0: igw}}
  dev:
    cidr: 10.1.0.0/16
    subnets:
      dev-a: {cidr: 10.1.0.0/24, az: us-east-1a}
    route_tables:
      main: {main: true}
peerings:
  shared-dev: {requester: shared, accepter: dev}
scaling_groups:
  web:
    vpc: shared
    subnets: [shared-a]
    instance_types: {m5.large: 1, m5.xlarge: 2}
    min: 2
    max: 6
    purchase: {on_demand_percentage_above_base: 30}
"""


def test_round_trip_gives_the_verdicts_of_the_hand_written_file(tmp_path: Path) -> None:
    paths = []
    for name, content in DUMPS.items():
        (tmp_path / name).write_text(json.dumps(content, indent=2))
        paths.append(str(tmp_path / name))
    imported = import_sources(paths, ImportOptions())
    assert imported.issues == []
    expected = validate_source(Source("hand.yaml", HAND_WRITTEN))
    verdicts = sorted(f.rule_id for f in validate(imported).findings)
    # The peering is routed from shared only, and web runs in one zone: both sides say so.
    assert verdicts == sorted(f.rule_id for f in expected.findings)
    assert {"AP312", "AP503"} <= set(verdicts)
    assert imported.document["vpcs"]["shared"]["route_tables"]["private"]["routes"] == {
        "10.1.0.0/16": "peering:shared-dev",
        "0.0.0.0/0": "nat:shared-pub",
    }


def _replace_values(node: Any, junk: Any) -> Any:
    """Every value below the top-level shape replaced by `junk`: a wrong type everywhere."""
    if isinstance(node, dict):
        return {
            key: _replace_values(value, junk) if key in DUMP_KEYS else junk
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_replace_values(item, junk) for item in node]
    return junk


DUMP_KEYS = {"Vpcs", "Subnets", "RouteTables", "NatGateways", "VpcPeeringConnections"}


@pytest.mark.parametrize("junk", [None, 7, "x", [], {}, [{}], {"a": [1]}, True])
def test_wrong_types_anywhere_are_not_a_crash(tmp_path: Path, junk: Any) -> None:
    paths = []
    for name, content in DUMPS.items():
        (tmp_path / name).write_text(json.dumps(_replace_values(content, junk)))
        paths.append(str(tmp_path / name))
    imported = import_sources(paths, ImportOptions(region="us-east-1"))
    result = validate(imported)
    # A bad value passes through to be reported where it is (AP006/AP007); the document's
    # structure stays valid.
    assert result.error is None
    assert [
        f.message for f in result.findings if f.rule_id in {"AP002", "AP003", "AP004", "AP005"}
    ] == []


def test_issues_found_after_reading_point_at_the_file_that_described_the_object(
    tmp_path: Path,
) -> None:
    # The endpoint's VPC is missing: the issue is raised while assembling, after every file
    # was read, and must still name the endpoints file, not the first file given.
    vpcs = tmp_path / "vpcs.json"
    vpcs.write_text(json.dumps({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}))
    endpoints = tmp_path / "endpoints.json"
    endpoints.write_text(
        json.dumps(
            {
                "VpcEndpoints": [
                    {
                        "VpcEndpointId": "vpce-1",
                        "VpcEndpointType": "Gateway",
                        "VpcId": "vpc-9",
                        "ServiceName": "com.amazonaws.us-east-1.s3",
                    }
                ]
            }
        )
    )
    imported = import_sources([str(vpcs), str(endpoints)], ImportOptions(region="us-east-1"))
    about_endpoint = [issue for issue in imported.issues if issue.origin.address == "vpce-1"]
    assert about_endpoint and all(i.origin.file == str(endpoints) for i in about_endpoint)


def _write(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def test_internet_gateway_issues_point_at_the_internet_gateways_file(tmp_path: Path) -> None:
    # Raised in finish(), after every file: the gateway must have recorded its own file.
    vpcs = _write(
        tmp_path / "vpcs.json", {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}
    )
    igws = _write(
        tmp_path / "igws.json",
        {
            "InternetGateways": [
                {
                    "InternetGatewayId": "igw-1",
                    "Attachments": [{"VpcId": "vpc-9", "State": "available"}],
                }
            ]
        },
    )
    imported = import_sources([vpcs, igws], ImportOptions(region="us-east-1"))
    (issue,) = [i for i in imported.issues if i.origin.address == "igw-1"]
    assert "vpc-9" in issue.message and issue.origin.file == igws


@corpus
@pytest.mark.parametrize("swap", [False, True])
def test_two_descriptions_that_disagree_keep_the_first_and_say_so(swap: bool) -> None:
    # The two describe-vpcs examples give vpc-06e4... different owners: either order is
    # imported, but never silently.
    paths = [corpus_file("describe-vpcs__ex1"), corpus_file("describe-vpcs__ex2")]
    first, second = reversed(paths) if swap else paths
    imported = import_sources([first, second], ImportOptions(region="us-east-1"))
    (issue,) = [i for i in imported.issues if "described again" in i.message]
    assert issue.origin == Origin(second, address="vpc-06e4ab6c6cEXAMPLE")
    assert first in issue.message and "account (" in issue.message
    owner = json.loads(Path(first).read_text())["Vpcs"]
    expected = next(v["OwnerId"] for v in owner if v["VpcId"] == "vpc-06e4ab6c6cEXAMPLE")
    accounts = {
        vpc.get("account", imported.document.get("defaults", {}).get("account"))
        for name, vpc in imported.document["vpcs"].items()
        if imported.origins[("vpcs", name)].address == "vpc-06e4ab6c6cEXAMPLE"
    }
    assert accounts == {expected}


def test_a_scaling_group_given_again_is_reported_at_the_repeated_file(tmp_path: Path) -> None:
    group = {"AutoScalingGroupName": "web", "MinSize": 1, "MaxSize": 4, "VPCZoneIdentifier": "s"}
    first = _write(tmp_path / "a.json", group)
    same = _write(tmp_path / "b.json", group)
    other = _write(tmp_path / "c.json", {**group, "MaxSize": 8})
    imported = import_sources([first, same, other], ImportOptions(region="us-east-1"))
    (issue,) = [i for i in imported.issues if "described again" in i.message]
    assert issue.origin.file == other and first in issue.message
    assert "max (4 there, 8 here)" in issue.message
    assert imported.document["x-incomplete"]["scaling_groups"]["web"]["max"] == 4


def test_sizes_in_vcpus_wait_and_unknown_spot_strategies_are_left_out(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "groups.json",
        {
            "AutoScalingGroups": [
                {
                    "AutoScalingGroupName": "by-vcpu",
                    "MinSize": 8,
                    "MaxSize": 64,
                    "DesiredCapacityType": "vcpu",
                    "Instances": [{"InstanceType": "m5.large"}],
                },
                {
                    "AutoScalingGroupName": "odd-spot",
                    "MinSize": 1,
                    "MaxSize": 2,
                    "MixedInstancesPolicy": {
                        "LaunchTemplate": {"Overrides": [{"InstanceType": "m5.large"}]},
                        "InstancesDistribution": {
                            "OnDemandPercentageAboveBaseCapacity": 0,
                            "SpotAllocationStrategy": "cheapest-please",
                        },
                    },
                },
            ]
        },
    )
    imported = import_sources([source], ImportOptions(region="us-east-1"))
    waiting = imported.document["x-incomplete"]["scaling_groups"]
    assert "capacity_units" in waiting["by-vcpu"]["missing"]
    assert waiting["by-vcpu"]["capacity_type"] == "vcpu"
    assert any("in vcpu" in i.message for i in imported.issues if i.origin.address == "by-vcpu")
    assert waiting["odd-spot"]["purchase"] == {"on_demand_percentage_above_base": 0}
    assert any('"cheapest-please" is not one AWS knows' in i.message for i in imported.issues)


def test_one_zone_to_region_mapping_for_every_importer() -> None:
    assert region_of_zone("us-east-1a") == "us-east-1"
    assert region_of_zone("us-west-2-lax-1a") == "us-west-2"
    assert region_of_zone("us-east-1-wl1-bos-wlz-1") == "us-east-1"
    assert region_of_zone("us-gov-west-1a") == "us-gov-west-1"
    assert region_of_zone("use1-az1") is None and region_of_zone("eu-west-1") is None
    assert not hasattr(tf_awscli_facts, "region_of_zone")
