"""CloudFormation import: intrinsics, the mapping to format 1, validate --from, real templates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from archplan.engine import validate_source
from archplan.findings import Span
from archplan.importers import SourceKind, import_sources
from archplan.importers.check import validate_import
from archplan.importers.common import Imported, ImportOptions, SourceError
from archplan.importers.intrinsics import SHORT_TAGS, Evaluator, Unresolved, cidr, zones
from archplan.importers.render import render_document
from archplan.loader import load
from archplan.source import Source
from tests.conftest import ROOT, corpus_file, corpus_files

SPAN = Span(1, 1, 1, 2)
US_EAST_1 = ImportOptions(region="us-east-1")


def evaluate(expression: str, **parameters: str | list[str]) -> Any:
    """Evaluate one YAML expression against parameters and a template with a VPC `Shared`."""
    document = load(f"value: {expression}\n", SHORT_TAGS)
    conditions = load(
        "IsProd: !Equals [!Ref Env, prod]\nNotProd: !Not [!Condition IsProd]\n"
        "Either: !Or [!Condition IsProd, !Equals [a, a]]\nBoth: !And [!Condition IsProd, true]\n",
        SHORT_TAGS,
    ).root
    mappings = load("Zones: {us-east-1: {First: us-east-1a}}\n", SHORT_TAGS).root
    evaluator = Evaluator(
        {"Env": "dev", **parameters},
        {"AWS::Partition": "aws"},
        mappings,
        {key: entry.value for key, entry in conditions.entries.items()},  # type: ignore[union-attr]
        {"Shared"},
        "us-east-1",
        lambda logical_id, name, span: "10.0.0.0/16" if name == "CidrBlock" else None,
    )
    node = document.node_at(("value",))
    assert node is not None
    return evaluator.value(node)


# -- intrinsics --------------------------------------------------------------------------------


def test_cidr_matches_aws_documented_example() -> None:
    # AWS::CloudFormation User Guide, Fn::Cidr: !Cidr [192.168.0.0/24, 6, 5] gives six /27s.
    assert cidr("192.168.0.0/24", 6, 5, SPAN) == [
        "192.168.0.0/27",
        "192.168.0.32/27",
        "192.168.0.64/27",
        "192.168.0.96/27",
        "192.168.0.128/27",
        "192.168.0.160/27",
    ]
    assert evaluate("!Cidr [192.168.0.0/24, 6, 5]")[5] == "192.168.0.160/27"


def test_cidr_ipv6_and_its_limits() -> None:
    assert cidr("2600:1f18:1a2b:3c00::/56", 2, 64, SPAN) == [
        "2600:1f18:1a2b:3c00::/64",
        "2600:1f18:1a2b:3c01::/64",
    ]
    with pytest.raises(Unresolved, match="holds only 2 blocks of /25, not 3"):
        cidr("10.0.0.0/24", 3, 7, SPAN)
    with pytest.raises(Unresolved, match="do not fit"):
        cidr("10.0.0.0/24", 1, 9, SPAN)
    with pytest.raises(Unresolved, match="1 to 256"):
        cidr("10.0.0.0/8", 257, 8, SPAN)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("!Ref Env", "dev"),
        ("{Ref: Env}", "dev"),
        ("!Sub '${Env}-${AWS::Region}-${!Literal}'", "dev-us-east-1-${Literal}"),
        ("!Sub ['${A}.${Env}', {A: x}]", "x.dev"),
        ("!Select [1, [a, b, c]]", "b"),
        ("!Select ['0', !GetAZs '']", "us-east-1a"),
        ("!GetAZs eu-west-1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ("!If [IsProd, big, small]", "small"),
        ("!If [NotProd, !Ref AWS::NoValue, x]", None),
        ("!If [Either, big, small]", "big"),
        ("!If [Both, big, small]", "small"),
        ("!FindInMap [Zones, !Ref AWS::Region, First]", "us-east-1a"),
        ("!Join ['-', [a, !Ref Env, 1]]", "a-dev-1"),
        ("!Split [',', 'a,b']", ["a", "b"]),
        ("[a, !Ref AWS::NoValue, b]", ["a", "b"]),
        ("!GetAtt Shared.CidrBlock", "10.0.0.0/16"),
        ("!Select [2, !Cidr [!GetAtt Shared.CidrBlock, 4, 8]]", "10.0.2.0/24"),
        ("{'Fn::Length': [a, b]}", 2),
    ],
)
def test_intrinsics_resolve(expression: str, expected: Any) -> None:
    value = evaluate(expression)
    if expected is None:
        assert repr(value) == "AWS::NoValue"
    else:
        assert value == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("!Select [3, [a, b]]", "index 3 is outside the list of 2 items"),
        ("!ImportValue shared-cidr", "another stack's export"),
        ("!Ref Missing", 'Ref "Missing" names no parameter or resource'),
        ("!Ref AWS::AccountId", "pass --param AWS::AccountId=VALUE"),
        ("!Sub '${Shared}'", "known only at deployment"),
        ("!Select [0, !GetAtt Shared.Ipv6CidrBlocks]", "Shared.Ipv6CidrBlocks is known only"),
        ("!FindInMap [Zones, eu-west-1, First]", 'no "eu-west-1"'),
        ("!If [Nowhere, a, b]", 'condition "Nowhere" is not defined'),
        ("'{{resolve:ssm:/cidr}}'", "dynamic reference"),
        ("!Transform {Name: x}", "Fn::Transform is not evaluated"),
    ],
)
def test_what_cannot_be_known_is_unresolved_with_its_place(expression: str, message: str) -> None:
    with pytest.raises(Unresolved, match=message.replace("(", r"\(")) as raised:
        evaluate(expression)
    assert raised.value.span.line == 1 and raised.value.span.column >= 8


def test_zones_are_assumed_lettered_from_a() -> None:
    assert zones("us-east-1")[-1] == "us-east-1f"
    assert zones("eu-central-1") == ["eu-central-1a", "eu-central-1b", "eu-central-1c"]


# -- the mapping -------------------------------------------------------------------------------

NETWORK = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SharedCidr: {Type: String, Default: 10.0.0.0/16}
  Zones: {Type: CommaDelimitedList, Default: "us-east-1a, us-east-1b"}
Conditions:
  Never: !Equals [a, b]
Resources:
  Shared:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref SharedCidr, EnableDnsHostnames: true}
  SharedMore:
    Type: AWS::EC2::VPCCidrBlock
    Properties: {VpcId: !Ref Shared, CidrBlock: 100.64.0.0/16}
  Public:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Shared
      CidrBlock: !Select [0, !Cidr [!Ref SharedCidr, 4, 8]]
      AvailabilityZone: !Select [0, !Ref Zones]
  Private:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !GetAtt Shared.VpcId
      CidrBlock: !Select [1, !Cidr [!GetAtt Shared.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [1, !Ref Zones]
  Skipped:
    Type: AWS::EC2::Subnet
    Condition: Never
    Properties: {VpcId: !Ref Shared, CidrBlock: 10.0.9.0/24, AvailabilityZone: us-east-1a}
  Gateway: {Type: AWS::EC2::InternetGateway}
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Shared, InternetGatewayId: !Ref Gateway}
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref Public, AllocationId: !GetAtt Eip.AllocationId}
  Eip: {Type: AWS::EC2::EIP}
  PublicRoutes:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Shared}
  PrivateRoutes:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Shared}
  ToInternet:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PublicRoutes, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Gateway}
  ToNat:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PrivateRoutes, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Public, RouteTableId: !Ref PublicRoutes}
  PrivateAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Private, RouteTableId: !Ref PrivateRoutes}
  S3:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Shared
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds: [!Ref PrivateRoutes]
  Ssm:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Shared
      VpcEndpointType: Interface
      ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
      SubnetIds: [!Ref Private]
  Hub: {Type: AWS::EC2::TransitGateway}
  HubShared:
    Type: AWS::EC2::TransitGatewayVpcAttachment
    Properties: {TransitGatewayId: !Ref Hub, VpcId: !Ref Shared, SubnetIds: [!Ref Private]}
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {InstanceType: m6i.large, ImageId: "{{resolve:ssm:/ami}}"}
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      VPCZoneIdentifier: [!Ref Public, !Ref Private]
      MinSize: "2"
      MaxSize: "12"
      DesiredCapacity: "4"
      MixedInstancesPolicy:
        InstancesDistribution:
          OnDemandBaseCapacity: 1
          OnDemandPercentageAboveBaseCapacity: 25
          SpotAllocationStrategy: price-capacity-optimized
        LaunchTemplate:
          LaunchTemplateSpecification: {LaunchTemplateId: !Ref Template, Version: "1"}
          Overrides:
            - {InstanceType: m6i.large, WeightedCapacity: "1"}
            - {InstanceType: m6i.xlarge, WeightedCapacity: "2"}
"""


def write(tmp_path: Path, text: str, name: str = "network.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def import_text(tmp_path: Path, text: str, options: ImportOptions = US_EAST_1) -> Imported:
    return import_sources(SourceKind.CLOUDFORMATION, [write(tmp_path, text)], options)


def test_a_whole_network_maps_to_format_1(tmp_path: Path) -> None:
    imported = import_text(tmp_path, NETWORK)
    assert imported.issues == []
    shared = imported.document["vpcs"]["Shared"]
    assert shared == {
        "cidr": "10.0.0.0/16",
        "secondary_cidrs": ["100.64.0.0/16"],
        "internet_gateway": True,
        "subnets": {
            "Public": {"cidr": "10.0.0.0/24", "az": "us-east-1a", "route_table": "PublicRoutes"},
            "Private": {"cidr": "10.0.1.0/24", "az": "us-east-1b", "route_table": "PrivateRoutes"},
        },
        "route_tables": {
            "PublicRoutes": {"routes": {"0.0.0.0/0": "igw"}},
            "PrivateRoutes": {"routes": {"0.0.0.0/0": "nat:Public"}},
        },
        "endpoints": {
            "S3": {
                "service": "com.amazonaws.us-east-1.s3",
                "type": "gateway",
                "route_tables": ["PrivateRoutes"],
            },
            # CloudFormation's PrivateDnsEnabled defaults to false, format 1's to true.
            "Ssm": {
                "service": "com.amazonaws.us-east-1.ssm",
                "type": "interface",
                "subnets": ["Private"],
                "private_dns": False,
            },
        },
    }
    assert imported.document["transit_gateways"] == {
        "Hub": {"attachments": {"Shared": {"subnets": ["Private"]}}}
    }
    assert imported.document["scaling_groups"]["Web"] == {
        "vpc": "Shared",
        "subnets": ["Public", "Private"],
        "instance_types": {"m6i.large": 1, "m6i.xlarge": 2},
        "min": 2,
        "max": 12,
        "desired": 4,
        "purchase": {
            "on_demand_base": 1,
            "on_demand_percentage_above_base": 25,
            "spot_allocation_strategy": "price-capacity-optimized",
        },
        "launch_template": "Template",
    }


def test_origins_point_at_the_template_values(tmp_path: Path) -> None:
    imported = import_text(tmp_path, NETWORK)
    origin = imported.origins[("vpcs", "Shared", "subnets", "Private", "cidr")]
    assert (origin.line, origin.column) == (24, 18)
    assert origin.address == "Private.Properties.CidrBlock"
    route = imported.origins[
        ("vpcs", "Shared", "route_tables", "PrivateRoutes", "routes", "0.0.0.0/0")
    ]
    assert route.line == NETWORK.splitlines().index("  ToNat:") + 1


def test_dns_hostnames_follow_cloudformation_defaults(tmp_path: Path) -> None:
    text = NETWORK.replace(", EnableDnsHostnames: true", "")
    assert import_text(tmp_path, text).document["vpcs"]["Shared"]["dns"] == {"hostnames": False}


def test_json_templates_keep_positions(tmp_path: Path) -> None:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Shared": {
                "Type": "AWS::EC2::VPC",
                "Properties": {"CidrBlock": {"Fn::ImportValue": "x"}},
            }
        },
    }
    path = write(tmp_path, json.dumps(template, indent=2), "t.json")
    imported = import_sources(SourceKind.CLOUDFORMATION, [path], US_EAST_1)
    (issue,) = imported.issues
    assert (issue.origin.line, issue.origin.column) == (7, 22)  # the {"Fn::ImportValue"
    assert "left out" in issue.message and "vpcs" not in imported.document


def test_a_false_condition_and_a_peer_outside_the_template(tmp_path: Path) -> None:
    text = NETWORK + (
        "  Peer:\n    Type: AWS::EC2::VPCPeeringConnection\n"
        "    Properties: {VpcId: !Ref Shared, PeerVpcId: vpc-e03dd489}\n"
    )
    imported = import_text(tmp_path, text)
    assert "Skipped" not in imported.document["vpcs"]["Shared"]["subnets"]
    (issue,) = imported.issues
    assert issue.message == (
        'Peer.PeerVpcId: "vpc-e03dd489" is not a VPC of the template; the peering and routes '
        "through it are left out"
    )


def test_params_override_defaults_and_unknown_params_are_reported(tmp_path: Path) -> None:
    options = ImportOptions(params={"SharedCidr": "10.9.0.0/16", "Typo": "x"}, region="us-east-1")
    imported = import_text(tmp_path, NETWORK, options)
    assert imported.document["vpcs"]["Shared"]["subnets"]["Public"]["cidr"] == "10.9.0.0/24"
    assert [issue.message for issue in imported.issues] == [
        '--param Typo: no template declares a parameter "Typo"; it was not used'
    ]


def test_the_region_comes_from_zones_else_is_assumed_and_said(tmp_path: Path) -> None:
    assert import_text(
        tmp_path, NETWORK.replace("us-east-1", "eu-west-1"), ImportOptions()
    ).document["defaults"] == {"region": "eu-west-1"}
    text = (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
        "  Shared:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
        "  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n"
        "      {VpcId: !Ref Shared, CidrBlock: 10.0.0.0/24, AvailabilityZone: !Select [0, !GetAZs '']}\n"
    )
    imported = import_text(tmp_path, text, ImportOptions())
    assert imported.document["vpcs"]["Shared"]["subnets"]["A"]["az"] == "us-east-1a"
    assert any("no Region given" in issue.message for issue in imported.issues)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: [\n", "YAML syntax error", 2),
        ("just: data\n", "no top-level Resources section", 1),
        ("Resources: !Bogus x\n", "YAML tag !Bogus is not allowed here", 1),
        ("Resources: [a]\n", "Resources must be a mapping", 1),
    ],
)
def test_a_file_that_is_no_template_is_a_located_source_error(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    with pytest.raises(SourceError, match=message) as raised:
        import_text(tmp_path, text)
    assert raised.value.line == line and raised.value.file.endswith("network.yaml")


def test_rendering_is_deterministic_and_validates(tmp_path: Path) -> None:
    imported = import_text(tmp_path, NETWORK)
    text = render_document(imported.document, "cloudformation", ["network.yaml"])
    assert text == render_document(
        import_text(tmp_path, NETWORK).document, "cloudformation", ["network.yaml"]
    )
    assert text.startswith(
        "# Imported by `archplan import cloudformation` from:\n#   network.yaml\n"
    )
    result = validate_source(Source("imported.yaml", text))
    assert result.error is None and [f.rule_id for f in result.findings] == []


# -- validate --from and the round trip --------------------------------------------------------

ROUND_TRIP_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Shared:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsHostnames: true}
  SharedA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Shared, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a}
  SharedB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Shared, CidrBlock: 10.0.0.128/25, AvailabilityZone: us-east-1b}
  SharedRoutes:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Shared}
  SharedAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref SharedA, RouteTableId: !Ref SharedRoutes}
  Dev:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.128.0/17, EnableDnsHostnames: true}
  DevA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Dev, CidrBlock: 10.0.200.1/24, AvailabilityZone: us-east-1a}
  Peering:
    Type: AWS::EC2::VPCPeeringConnection
    Properties: {VpcId: !Ref Shared, PeerVpcId: !Ref Dev}
  ToDev:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref SharedRoutes, DestinationCidrBlock: 10.0.128.0/17, VpcPeeringConnectionId: !Ref Peering}
"""
ROUND_TRIP_FORMAT_1 = """\
archplan: 1
defaults: {region: us-east-1}
vpcs:
  Shared:
    cidr: 10.0.0.0/16
    subnets:
      SharedA: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: SharedRoutes}
      SharedB: {cidr: 10.0.0.128/25, az: us-east-1b}
    route_tables:
      SharedRoutes: {routes: {10.0.128.0/17: "peering:Peering"}}
  Dev:
    cidr: 10.0.128.0/17
    subnets:
      DevA: {cidr: 10.0.200.1/24, az: us-east-1a}
peerings:
  Peering: {requester: Shared, accepter: Dev}
"""


def test_round_trip_gives_the_verdicts_of_the_hand_written_file(tmp_path: Path) -> None:
    (imported,) = validate_import(
        SourceKind.CLOUDFORMATION, [write(tmp_path, ROUND_TRIP_TEMPLATE)], US_EAST_1
    )
    written = validate_source(Source("written.yaml", ROUND_TRIP_FORMAT_1))
    verdicts = sorted((f.rule_id, f.path, f.message) for f in imported.findings)
    assert verdicts == sorted((f.rule_id, f.path, f.message) for f in written.findings)
    # Overlapping subnets, host bits, peering between overlapping VPCs, a one-sided route.
    assert {"AP008", "AP113", "AP303"} <= {rule for rule, _, _ in verdicts}


def test_findings_point_at_the_template_lines(tmp_path: Path) -> None:
    (result,) = validate_import(
        SourceKind.CLOUDFORMATION, [write(tmp_path, ROUND_TRIP_TEMPLATE)], US_EAST_1
    )
    host_bits = next(f for f in result.findings if f.rule_id == "AP008")
    line = ROUND_TRIP_TEMPLATE.splitlines()[host_bits.span.line - 1]
    assert line[host_bits.span.column - 1 :].startswith("10.0.200.1/24")
    assert host_bits.path == ("vpcs", "Dev", "subnets", "DevA", "cidr")
    assert result.source is not None and result.source.text == ROUND_TRIP_TEMPLATE


def test_suppression_comments_in_the_template_apply(tmp_path: Path) -> None:
    text = ROUND_TRIP_TEMPLATE.replace(
        "CidrBlock: 10.0.200.1/24, AvailabilityZone: us-east-1a}",
        "CidrBlock: 10.0.200.1/24, AvailabilityZone: us-east-1a}  # archplan: ignore[AP008] lab",
    )
    (result,) = validate_import(SourceKind.CLOUDFORMATION, [write(tmp_path, text)], US_EAST_1)
    assert "AP008" not in {f.rule_id for f in result.findings}


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_import_prints_yaml_and_located_warnings(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, ROUND_TRIP_TEMPLATE.replace("10.0.0.0/24", "!ImportValue a-cidr"))
    result = runner.invoke(app, ["import", "cloudformation", path, "--region", "us-east-1"])
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"# Imported by `archplan import cloudformation` from:\n#   {path}\n"
    )
    assert result.stderr == (
        f"{path}:8:49: warning: SharedA.CidrBlock: Fn::ImportValue reads another stack's export, "
        "known only at deployment; the subnet is left out\n"
        f"{path}:17:28: warning: SharedAssociation.SubnetId: SharedA was not imported as a "
        "subnet; the association is left out\n"
    )


def test_import_output_is_written_atomically(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "estate.yaml"
    path = write(tmp_path, NETWORK)
    result = runner.invoke(
        app, ["import", "cloudformation", path, "-o", str(out), "--region", "us-east-1"]
    )
    assert result.exit_code == 0 and result.stdout == ""
    assert validate_source(Source("estate.yaml", out.read_text(encoding="utf-8"))).findings == ()
    missing = runner.invoke(
        app, ["import", "cloudformation", path, "-o", str(tmp_path / "no" / "x")]
    )
    assert missing.exit_code == 2 and "cannot write" in missing.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["import", "cloudformation", "missing.yaml"], "missing.yaml: error: no such file"),
        (["import", "cloudformation", "README.md"], "README.md:"),
        (["import", "cloudformation", "x.yaml", "--param", "novalue"], "is not KEY=VALUE"),
        (["validate", "README.md", "--param", "a=b"], "only with --from"),
        (["validate", "--from", "cloudformation", "x.yaml", "--prices", "p.json"], "not with"),
        (["validate", "--from", "cloudformation", "missing.yaml"], "missing.yaml: error:"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    runner: CliRunner, arguments: list[str], message: str
) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_from_reports_in_every_format(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, ROUND_TRIP_TEMPLATE)
    base = ["validate", "--from", "cloudformation", path, "--region", "us-east-1"]
    text = runner.invoke(app, base)
    assert text.exit_code == 1
    assert f"{path}:23:" in text.stdout and "10.0.200.1/24" in text.stdout  # the excerpt
    report = json.loads(runner.invoke(app, [*base, "-f", "json"]).stdout)
    (entry,) = report["files"]
    assert entry["file"] == path and {f["rule"] for f in entry["findings"]} >= {"AP008", "AP113"}
    sarif = json.loads(runner.invoke(app, [*base, "-f", "sarif"]).stdout)
    assert sarif["runs"][0]["results"]
    ignored = runner.invoke(app, [*base, "--ignore", "AP1,AP3,AP008,AP2"])
    assert ignored.exit_code == 0


def test_the_import_command_loads_only_when_run() -> None:
    code = (
        "import sys, json\nfrom archplan.cli import app\n"
        "try:\n    app(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert "archplan.importers" in loaded  # the kinds enum, for --from's choices
    assert not {name for name in loaded if name.startswith("archplan.importers.")}


# -- real templates ----------------------------------------------------------------------------

TEMPLATES = [
    path for path in corpus_files("cloudformation") if not path.name.endswith("results.json")
]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_every_real_template_imports_and_validates_without_input_errors(path: Path) -> None:
    imported = import_sources(SourceKind.CLOUDFORMATION, [str(path)], ImportOptions())
    for issue in imported.issues:
        assert issue.origin.file == str(path) and issue.origin.line is not None
    text = render_document(imported.document, "cloudformation", [path.name])
    result = validate_source(Source("imported.yaml", text))
    assert result.error is None
    shape = {"AP001", "AP002", "AP003", "AP004", "AP005"}
    assert [f.message for f in result.findings if f.rule_id in shape] == []


def test_a_file_that_is_not_a_template_is_refused_cleanly() -> None:
    path = corpus_file(
        "cloudformation", "cfn-lint__integration_aws-ec2-subnet.expected-cfn-lint-results.json"
    )
    with pytest.raises(SourceError, match="not a CloudFormation template"):
        import_sources(SourceKind.CLOUDFORMATION, [str(path)], ImportOptions())


def _validate_corpus(name: str, *params: str) -> list[tuple[str, int, str]]:
    path = corpus_file("cloudformation", name)
    values = dict(param.split("=", 1) for param in params)
    (result,) = validate_import(
        SourceKind.CLOUDFORMATION, [str(path)], ImportOptions(params=values)
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(f.rule_id, f.span.line, lines[f.span.line - 1].strip()) for f in result.findings]


def test_nist_management_defaults_overlap_and_span_two_regions() -> None:
    found = _validate_corpus("cfn-lint__quickstart_nist_vpc_management.yaml")
    overlaps = [item for item in found if item[0] == "AP113"]
    assert [line for _, _, line in overlaps] == [
        "Ref: pManagementPrivateSubnetACIDR",
        "Ref: pManagementPrivateSubnetBCIDR",
    ]
    # pRegionAZ1Name defaults to us-east-1b but pRegionAZ2Name to us-west-1c.
    assert {rule for rule, _, _ in found} == {"AP113", "AP114"}


def test_nist_production_defaults_have_host_bits_set() -> None:
    found = _validate_corpus(
        "cfn-lint__quickstart_nist_vpc_production.yaml",
        "pRegionAZ1Name=us-east-1a",
        "pRegionAZ2Name=us-east-1b",
    )
    host_bits = [item for item in found if item[0] == "AP008"]
    assert len(host_bits) == 3
    assert all(line.startswith("Ref: p") for _, _, line in host_bits)


@pytest.mark.parametrize(
    ("name", "params", "vpcs", "attachments"),
    [
        (
            "aws-networkfirewall-cfn-templates__anfw-centralized-egress-east-west-1az-template.yaml",
            (),
            3,
            3,
        ),
        (
            "aws-networkfirewall-cfn-templates__anfw-centralized-ingress-egress-east-west-2az-template.yaml",
            (),
            4,
            4,
        ),
        (
            "aws-networkfirewall-cfn-templates__tgw-native-attach-firewall.yaml",
            ("AvailabilityZoneSelection=us-east-1a",),
            3,
            3,
        ),
    ],
)
def test_network_firewall_templates_import_vpcs_and_a_transit_gateway(
    name: str, params: tuple[str, ...], vpcs: int, attachments: int
) -> None:
    path = corpus_file("cloudformation", name)
    values = dict(param.split("=", 1) for param in params)
    document = import_sources(
        SourceKind.CLOUDFORMATION, [str(path)], ImportOptions(params=values)
    ).document
    assert len(document["vpcs"]) == vpcs
    (gateway,) = document["transit_gateways"].values()
    assert len(gateway["attachments"]) == attachments


def test_import_prints_its_issues_in_line_order(tmp_path: Path) -> None:
    # The importer meets the Region (line 1) last; the reader wants the file top to bottom.
    template = tmp_path / "t.yaml"
    template.write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n"
        "  Vpc:\n"
        "    Type: AWS::EC2::VPC\n"
        "    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsHostnams: true}\n"
        "  SubA:\n"
        "    Type: AWS::EC2::Subnet\n"
        "    Properties:\n"
        "      VpcId: !Ref Vpc\n"
        "      CidrBlock: 10.0.0.0/24\n"
        '      AvailabilityZone: !Select [0, !GetAZs ""]\n'
        "  SubB:\n"
        "    Type: AWS::EC2::Subnet\n"
        "    Properties:\n"
        "      VpcId: !Ref Vpcc\n"
        "      CidrBlock: 10.0.1.0/24\n"
        '      AvailabilityZone: !Select [0, !GetAZs ""]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["import", "cloudformation", str(template)])
    places = [
        tuple(int(part) for part in line.split(":")[1:3]) for line in result.stderr.splitlines()
    ]
    assert len(places) == 3 and places == sorted(places), result.stderr


# -- subnets whose zone AWS picks (issue 13, item 1) -------------------------------------------

NO_ZONE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  SubA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}
  SubB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.128/25}
  SubC:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.1.0.0/24}
"""


def test_subnets_without_a_zone_are_kept_and_checked_without_it(tmp_path: Path) -> None:
    template = tmp_path / "no-zone.yaml"
    template.write_text(NO_ZONE, encoding="utf-8")
    imported = import_sources(SourceKind.CLOUDFORMATION, [str(template)], ImportOptions())
    subnets = imported.document["vpcs"]["Vpc"]["subnets"]
    assert {name: subnet["az"] for name, subnet in subnets.items()} == {
        "SubA": "unknown",
        "SubB": "unknown",
        "SubC": "unknown",
    }
    (result,) = validate_import(SourceKind.CLOUDFORMATION, [str(template)], ImportOptions())
    found = sorted((f.rule_id, f.span.line) for f in result.findings if f.rule_id != "AP009")
    # SubA and SubB overlap; SubC is outside the VPC: checks that need no zone still run.
    assert found == [("AP112", 14), ("AP113", 11)]
