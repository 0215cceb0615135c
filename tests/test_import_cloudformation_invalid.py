"""CloudFormation import: what CloudFormation rejects is an error, what the import leaves out is
said, and nothing it leaves out shows up as a finding about the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from archplan.findings import Severity
from archplan.importers import SourceKind, import_sources
from archplan.importers.check import validate_import
from archplan.importers.common import Imported, ImportIssue, ImportOptions
from archplan.importers.render import render_document

US_EAST_1 = ImportOptions(region="us-east-1")
HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\n'
VPC = (
    "  Vpc:\n    Type: AWS::EC2::VPC\n"
    "    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsHostnames: true}\n"
)


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def imported(tmp_path: Path, text: str) -> Imported:
    return import_sources(SourceKind.CLOUDFORMATION, [write(tmp_path, text)], US_EAST_1)


def only(issues: list[ImportIssue], part: str) -> ImportIssue:
    (found,) = [issue for issue in issues if part in issue.message]
    return found


def line_of(text: str, part: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if part in line)


# -- 1. circular references --------------------------------------------------------------------

CIRCULAR = HEAD + (
    "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n"
    "      CidrBlock: !GetAtt Sub.CidrBlock\n"
    "  Sub:\n    Type: AWS::EC2::Subnet\n    Properties:\n"
    "      VpcId: !Ref Vpc\n      CidrBlock: !GetAtt Vpc.CidrBlock\n"
    "      AvailabilityZone: us-east-1a\n"
)
SELF = HEAD + (
    "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n"
    '      CidrBlock: !Sub "${Vpc.CidrBlock}"\n'
)


@pytest.mark.parametrize(
    ("text", "chain"),
    [
        (CIRCULAR, "Sub.CidrBlock -> Vpc.CidrBlock -> Sub.CidrBlock"),
        (SELF, "Vpc.CidrBlock -> Vpc.CidrBlock"),
    ],
)
def test_a_circular_get_att_is_a_located_error_not_a_crash(
    tmp_path: Path, text: str, chain: str
) -> None:
    issue = only(imported(tmp_path, text).issues, "circular reference")
    assert chain in issue.message and issue.severity == "error"
    assert issue.origin.line == line_of(text, "CidrBlock: !")
    result = CliRunner().invoke(app, ["import", "cloudformation", write(tmp_path, text)])
    assert result.exit_code == 1 and "Traceback" not in result.stderr


# -- 2. routes through an attachment the import left out ---------------------------------------

ATTACHED = HEAD + (
    "Parameters:\n  Zone: {Type: String}\n"
    "Resources:\n" + VPC + "  A:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: !Ref Zone}\n"
    "  Hub: {Type: AWS::EC2::TransitGateway}\n"
    "  Attach:\n    Type: AWS::EC2::TransitGatewayAttachment\n"
    "    Properties: {TransitGatewayId: !Ref Hub, VpcId: !Ref Vpc, SubnetIds: [!Ref A]}\n"
    "  Gateway: {Type: AWS::EC2::InternetGateway}\n"
    "  GatewayAttach:\n    Type: AWS::EC2::VPCGatewayAttachment\n"
    "    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !ImportValue shared-igw}\n"
    "  Routes:\n    Type: AWS::EC2::RouteTable\n    Properties: {VpcId: !Ref Vpc}\n"
    "  ToHub:\n    Type: AWS::EC2::Route\n"
    "    Properties: {RouteTableId: !Ref Routes, DestinationCidrBlock: 10.0.0.0/8, "
    "TransitGatewayId: !Ref Hub}\n"
    "  ToInternet:\n    Type: AWS::EC2::Route\n"
    "    Properties: {RouteTableId: !Ref Routes, DestinationCidrBlock: 0.0.0.0/0, "
    "GatewayId: !Ref Gateway}\n"
)


def test_routes_through_a_left_out_attachment_are_left_out_and_said(tmp_path: Path) -> None:
    (result,) = validate_import(SourceKind.CLOUDFORMATION, [write(tmp_path, ATTACHED)], US_EAST_1)
    assert [f.message for f in result.findings if f.severity is Severity.ERROR] == []
    messages = [f.message for f in result.findings]
    assert (
        "ToHub: Attach, which attaches VPC Vpc to Hub, was left out (see its own finding); "
        "the route is left out with it"
    ) in messages
    assert any(m.startswith("ToInternet: GatewayAttach, which attaches") for m in messages)
    document = imported(tmp_path, ATTACHED).document
    assert document["vpcs"]["Vpc"]["route_tables"]["Routes"] == {"routes": {}}


def test_a_route_to_a_gateway_never_attached_is_kept_for_the_rules(tmp_path: Path) -> None:
    text = ATTACHED.replace("Type: AWS::EC2::TransitGatewayAttachment", "Type: AWS::SNS::Topic")
    (result,) = validate_import(SourceKind.CLOUDFORMATION, [write(tmp_path, text)], US_EAST_1)
    assert "AP207" in {f.rule_id for f in result.findings}  # the template's own mistake


def test_the_firewall_template_has_no_unattached_errors_without_params() -> None:
    from tests.conftest import corpus_file

    path = corpus_file(
        "cloudformation", "aws-networkfirewall-cfn-templates__tgw-native-attach-firewall.yaml"
    )
    (result,) = validate_import(SourceKind.CLOUDFORMATION, [str(path)], ImportOptions())
    assert [f.rule_id for f in result.findings if f.severity is Severity.ERROR] == []


# -- 3. a required property that is AWS::NoValue ----------------------------------------------

NO_VALUE = HEAD + (
    "Conditions:\n  IsProd: !Equals [a, b]\n"
    "Resources:\n" + VPC + "  Gone:\n    Type: AWS::EC2::VPC\n"
    "    Properties: {CidrBlock: !If [IsProd, 10.9.0.0/16, !Ref AWS::NoValue]}\n"
    "  A:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Vpc, CidrBlock: !If [IsProd, 10.0.1.0/24, !Ref AWS::NoValue], "
    "AvailabilityZone: us-east-1a}\n"
    "  B:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, "
    "AvailabilityZone: !If [IsProd, us-east-1a, !Ref AWS::NoValue]}\n"
    "  C:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !If [IsProd, !Ref Vpc, !Ref AWS::NoValue], CidrBlock: 10.0.3.0/24, "
    "AvailabilityZone: us-east-1a}\n"
    "  Routes:\n    Type: AWS::EC2::RouteTable\n    Properties: {VpcId: !Ref Vpc}\n"
    "  R:\n    Type: AWS::EC2::Route\n"
    "    Properties: {RouteTableId: !Ref Routes, VpcPeeringConnectionId: pcx-1, "
    "DestinationCidrBlock: !If [IsProd, 0.0.0.0/0, !Ref AWS::NoValue]}\n"
    "  D:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n"
    "    Properties: {RouteTableId: !If [IsProd, !Ref Routes, !Ref AWS::NoValue], "
    "SubnetId: !Ref A}\n"
)


@pytest.mark.parametrize(
    ("prefix", "consequence"),
    [
        ("Gone.CidrBlock is AWS::NoValue", "the VPC and everything in it are left out"),
        ("A.CidrBlock is AWS::NoValue", "the subnet is left out"),
        ("B.AvailabilityZone is AWS::NoValue", "the subnet is left out"),
        ("C.VpcId is AWS::NoValue", "the subnet is left out"),
        ("R.DestinationCidrBlock is AWS::NoValue", "the route is left out"),
        ("D.RouteTableId is AWS::NoValue", "the association is left out"),
    ],
)
def test_a_required_property_removed_by_no_value_is_said(
    tmp_path: Path, prefix: str, consequence: str
) -> None:
    issue = only(imported(tmp_path, NO_VALUE).issues, prefix)
    assert issue.message.endswith(consequence) and issue.severity == "warning"
    assert issue.origin.line == line_of(NO_VALUE, f"  {prefix.split('.')[0]}:") + 2


# -- 4. what CloudFormation rejects is an error, and the exit codes say so ---------------------

TYPOS = HEAD + (
    "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n"
    "    Properties:\n      CidrBlock: 10.0.0.0/16\n      EnableDnsHostnams: true\n"
    "      Colour: blue\n"
    "  Sub:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Vppc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a}\n"
    "  Sub2:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Vpc, CidrBlok: 10.0.2.0/24, AvailabilityZone: us-east-1a}\n"
    "  Sub3:\n    Type: AWS::EC2::Subnett\n"
    "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.3.0/24, AvailabilityZone: us-east-1a}\n"
    "  Topic: {Type: AWS::SNS::Topicc}\n"
)


@pytest.mark.parametrize(
    ("part", "severity", "where"),
    [
        ('EnableDnsHostnams (did you mean "EnableDnsHostnames"?)', "error", "EnableDnsHostnams"),
        ("Colour is not a property archplan knows for AWS::EC2::VPC", "warning", "Colour"),
        ('Ref "Vppc" names no parameter or resource of the template (did you mean "Vpc"?)',
         "error", "!Ref Vppc"),
        ('CidrBlok (did you mean "CidrBlock"?)', "error", "CidrBlok"),
        ('AWS::EC2::Subnett is not a resource type (did you mean "AWS::EC2::Subnet"?)',
         "error", "AWS::EC2::Subnett"),
    ],
)  # fmt: skip
def test_what_cloudformation_rejects_is_an_error(
    tmp_path: Path, part: str, severity: str, where: str
) -> None:
    issue = only(imported(tmp_path, TYPOS).issues, part)
    assert (issue.severity, issue.origin.line) == (severity, line_of(TYPOS, where))
    written = TYPOS.splitlines()[(issue.origin.line or 1) - 1]
    assert written[(issue.origin.column or 1) - 1 :].startswith(where)


def test_only_ec2_and_auto_scaling_type_typos_are_judged(tmp_path: Path) -> None:
    assert not [i for i in imported(tmp_path, TYPOS).issues if "Topicc" in i.message]


def test_import_exits_1_on_an_invalid_source_and_0_on_warnings(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["import", "cloudformation", write(tmp_path, TYPOS)])
    assert bad.exit_code == 1 and ": error: Vpc: AWS::EC2::VPC has no property" in bad.stderr
    assert bad.stdout.startswith("# Imported by")  # the YAML is still printed
    warned = runner.invoke(app, ["import", "cloudformation", write(tmp_path, NO_VALUE)])
    assert warned.exit_code == 0 and ": warning: " in warned.stderr


def test_validate_from_reports_source_errors_at_error_severity(tmp_path: Path) -> None:
    path = write(tmp_path, TYPOS)
    (result,) = validate_import(SourceKind.CLOUDFORMATION, [path], US_EAST_1)
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    assert {f.rule_id for f in errors} == {"AP009"} and len(errors) == 4
    runner = CliRunner()
    assert runner.invoke(app, ["validate", "--from", "cloudformation", path]).exit_code == 1
    ignored = runner.invoke(
        app, ["validate", "--from", "cloudformation", path, "--ignore", "AP009"]
    )
    assert ignored.exit_code == 0


# -- 5. Fn::FindInMap's DefaultValue -----------------------------------------------------------

FIND = (
    "Mappings:\n  Blocks: {prod: {Vpc: 10.1.0.0/16}}\n"
    "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n"
    "      CidrBlock: !FindInMap [Blocks, dev, Vpc, {DefaultValue: 10.2.0.0/16}]\n"
)


def test_find_in_map_default_needs_the_language_extensions_transform(tmp_path: Path) -> None:
    with_transform = imported(tmp_path, "Transform: AWS::LanguageExtensions\n" + FIND)
    assert with_transform.document["vpcs"]["Vpc"]["cidr"] == "10.2.0.0/16"
    listed = imported(
        tmp_path, "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\n" + FIND
    )
    assert listed.document["vpcs"]["Vpc"]["cidr"] == "10.2.0.0/16"
    found = imported(tmp_path, "Transform: AWS::LanguageExtensions\n" + FIND.replace("dev", "prod"))
    assert found.document["vpcs"]["Vpc"]["cidr"] == "10.1.0.0/16"
    without = imported(tmp_path, FIND)
    issue = only(without.issues, "DefaultValue")
    assert issue.severity == "error" and "Transform: AWS::LanguageExtensions" in issue.message
    assert "vpcs" not in without.document


# -- 6. suppression comments in a template read from standard input ----------------------------


def test_suppression_comments_apply_to_a_template_on_standard_input() -> None:
    text = (
        HEAD
        + "Resources:\n"
        + VPC
        + (
            "  A:\n    Type: AWS::EC2::Subnet\n"
            "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.1/24, AvailabilityZone: us-east-1a}"
        )
    )
    base = ["validate", "--from", "cloudformation", "-", "--region", "us-east-1", "-f", "json"]
    runner = CliRunner()
    plain = runner.invoke(app, base, input=text + "\n")
    assert '"AP008"' in plain.stdout
    quiet = runner.invoke(app, base, input=text + "  # archplan: ignore[AP008] lab\n")
    assert quiet.exit_code == 0 and '"AP008"' not in quiet.stdout


# -- 7. values of the wrong type ---------------------------------------------------------------

ODD = HEAD + (
    "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: [10.0.0.0/16]}\n"
    "  Vpc2:\n    Type: AWS::EC2::VPC\n"
    "    Properties: {CidrBlock: 10.1.0.0/16, EnableDnsHostnames: [yes]}\n"
    "  S1:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Vpc2, CidrBlock: !Cidr [10.1.0.0/16, 2, 8], "
    "AvailabilityZone: us-east-1a}\n"
    "  S2:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Vpc2, CidrBlock: 10.1.2.0/24, AvailabilityZone: true}\n"
    "  S3:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: [!Ref Vpc2], CidrBlock: 10.1.3.0/24, AvailabilityZone: {Foo: bar}}\n"
    "  S4:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Vpc2, CidrBlock: !Ref Vpc, AvailabilityZone: us-east-1a}\n"
)


def test_a_value_of_the_wrong_type_is_an_error_never_a_repr(tmp_path: Path) -> None:
    result = imported(tmp_path, ODD)
    text = render_document(result.document, "cloudformation", ["t.yaml"])
    assert "[" not in text and "{" not in text and "True" not in text
    assert "Vpc" not in result.document["vpcs"] and "subnets" not in result.document["vpcs"]["Vpc2"]
    assert result.document["vpcs"]["Vpc2"]["dns"] == {"hostnames": False}
    errors = {
        issue.message.split(":")[0]: issue for issue in result.issues if issue.severity == "error"
    }
    assert sorted(errors) == [
        "S1.CidrBlock",
        "S2.AvailabilityZone",
        "S3.VpcId",
        "Vpc.CidrBlock",
        "Vpc2.EnableDnsHostnames",
    ]
    assert "a list of 2 where CloudFormation expects a string" in errors["S1.CidrBlock"].message
    assert "the Boolean true where" in errors["S2.AvailabilityZone"].message
    warning = only(result.issues, "S4.CidrBlock")  # a resource's ID: known only once deployed
    assert warning.severity == "warning" and "ResourceRef" not in warning.message


# -- 8. WeightedCapacity -----------------------------------------------------------------------

SCALING = (
    HEAD
    + "Resources:\n"
    + VPC
    + (
        "  A:\n    Type: AWS::EC2::Subnet\n"
        "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a}\n"
        "  Group:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n"
        "      VPCZoneIdentifier: [!Ref A]\n      MinSize: '1'\n      MaxSize: '4'\n"
        "      MixedInstancesPolicy:\n        LaunchTemplate:\n"
        "          LaunchTemplateSpecification: {LaunchTemplateName: app, Version: '1'}\n"
        "          Overrides:\n"
        "            - {InstanceType: m6i.large, WeightedCapacity: '1'}\n"
        "            - {InstanceType: m6i.xlarge, WeightedCapacity: '2'}\n"
        "            - {InstanceType: m6i.2xlarge, WeightedCapacity: four}\n"
    )
)


def test_an_invalid_weighted_capacity_leaves_the_override_out(tmp_path: Path) -> None:
    result = imported(tmp_path, SCALING)
    group = result.document["scaling_groups"]["Group"]
    assert group["instance_types"] == {"m6i.large": 1, "m6i.xlarge": 2}
    issue = only(result.issues, "WeightedCapacity")
    assert issue.severity == "warning" and '"four"' in issue.message
    assert "the override is left out" in issue.message


UNKNOWN_TABLE = HEAD + (
    "Resources:\n"
    "  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
    "  Peer:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.1.0.0/16}\n"
    "  Pcx:\n    Type: AWS::EC2::VPCPeeringConnection\n"
    "    Properties: {VpcId: !Ref Vpc, PeerVpcId: !Ref Peer}\n"
    "  SubA:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a}\n"
    "  SubP:\n    Type: AWS::EC2::Subnet\n"
    "    Properties: {VpcId: !Ref Peer, CidrBlock: 10.1.0.0/24, AvailabilityZone: us-east-1a}\n"
    "  Rt:\n    Type: AWS::EC2::RouteTable\n    Properties: {VpcId: !Ref Vpc}\n"
    "  RtP:\n    Type: AWS::EC2::RouteTable\n    Properties: {VpcId: !Ref Peer}\n"
    "  R1:\n    Type: AWS::EC2::Route\n    Properties: {RouteTableId: !Ref Rt, "
    "DestinationCidrBlock: 10.1.0.0/16, VpcPeeringConnectionId: !Ref Pcx}\n"
    "  R2:\n    Type: AWS::EC2::Route\n    Properties: {RouteTableId: !Ref RtP, "
    "DestinationCidrBlock: 10.0.0.0/16, VpcPeeringConnectionId: !Ref Pcx}\n"
    "  AssocA:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n"
    "    Properties: {SubnetId: !Ref SubA, RouteTableId: !ImportValue other-rt}\n"
    "  AssocP:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n"
    "    Properties: {SubnetId: !Ref SubP, RouteTableId: !Ref RtP}\n"
)


def test_a_subnet_whose_route_table_is_unknown_is_left_out_not_put_on_the_main_table(
    tmp_path: Path,
) -> None:
    # On the main table (no routes) SubA made AP315 say VPC Vpc cannot answer SubP: a finding
    # about routes SubA does not use, made only by what the import could not know.
    (result,) = validate_import(
        SourceKind.CLOUDFORMATION, [write(tmp_path, UNKNOWN_TABLE)], US_EAST_1
    )
    assert {f.rule_id for f in result.findings} == {"AP009"}
    assert "the association and subnet SubA are left out" in result.findings[0].message
    assert "SubA" not in imported(tmp_path, UNKNOWN_TABLE).document["vpcs"]["Vpc"]["subnets"]
