"""Rules about imported sources (`validate --from`); the importers raise them, the docs live here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from archplan.findings import Severity
from archplan.rules.registry import Problem, rule

if TYPE_CHECKING:
    from archplan.model import Architecture


@rule(
    "AP009",
    "import-unresolved",
    Severity.WARNING,
    "A value of an imported source that cannot be known before deployment.",
    checked_by_engine=False,
)
def import_unresolved(architecture: Architecture) -> Iterator[Problem]:
    """An imported template, plan or CLI output refers to something only deployment decides.

    `archplan import` and `validate --from` resolve what a source states: parameters with a
    default or `--param`, references between its resources, conditions, mappings, `Fn::Cidr`.
    An export of another stack (`Fn::ImportValue`), an SSM parameter, a VPC given by ID that the
    source does not describe, or a block IPAM assigns is known only once deployed. The object
    that needs it is left out (or imported without that value), and this finding says which,
    at the place in the source, so what archplan did not check is never silent. Pass the value
    with `--param NAME=VALUE`, or import the stack that defines it as well. What the source
    system itself would reject (a `Ref` to nothing, a circular `Fn::GetAtt`, a misspelled
    property or resource type, a value of the wrong type) is reported at error severity, since
    the deployment would fail. (These examples are CloudFormation templates:
    `archplan validate --from cloudformation FILE`.)

    Fails:
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Shared:
            Type: AWS::EC2::VPC
            Properties: {CidrBlock: 10.0.0.0/16, EnableDnsHostnames: true}
          SharedA:
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref Shared
              CidrBlock: !ImportValue network-shared-a-cidr
              AvailabilityZone: us-east-1a

    Passes:
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          SharedACidr: {Type: String, Default: 10.0.0.0/24}
        Resources:
          Shared:
            Type: AWS::EC2::VPC
            Properties: {CidrBlock: 10.0.0.0/16, EnableDnsHostnames: true}
          SharedA:
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref Shared
              CidrBlock: !Ref SharedACidr
              AvailabilityZone: us-east-1a

    References:
        AWS CloudFormation User Guide, "Intrinsic function reference" <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>
        AWS CloudFormation User Guide, "Fn::ImportValue" <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-importvalue.html>
        AWS CloudFormation User Guide, "Get values stored in other services using dynamic references" <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html>
    """
    yield from ()
