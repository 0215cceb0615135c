"""Rules about the file's shape; the loader and decoder raise them, the docs live here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from archplan.findings import Severity
from archplan.rules.registry import Problem, rule

if TYPE_CHECKING:
    from archplan.model import Architecture

ERROR = Severity.ERROR


@rule(
    "AP001",
    "duplicate-key",
    ERROR,
    "A key is written twice in one mapping.",
    checked_by_engine=False,
)
def duplicate_key(architecture: Architecture) -> Iterator[Problem]:
    """A YAML mapping that repeats a key keeps only one of the values, silently.

    Most YAML tools let the last value win, so a second `shared:` VPC or a second route for the
    same destination quietly replaces the first. archplan reports the second key and points at
    the first; it keeps the first value.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}
          shared: {region: us-east-1, cidr: 10.1.0.0/16}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}
          shared-2: {region: us-east-1, cidr: 10.1.0.0/16}

    References:
        YAML Ain't Markup Language version 1.2.2, "Mappings" (keys are unique) <https://yaml.org/spec/1.2.2/#mapping>
    """
    yield from ()


@rule(
    "AP002", "unknown-key", ERROR, "A key that format 1 does not define.", checked_by_engine=False
)
def unknown_key(architecture: Architecture) -> Iterator[Problem]:
    """A misspelled key would otherwise be ignored, and the setting it meant never applied.

    The message suggests the closest key that format 1 defines at that place.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, internet_gatway: true}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, internet_gateway: true}

    References:
        YAML Ain't Markup Language version 1.2.2, "Mappings" (keys are unique) <https://yaml.org/spec/1.2.2/#mapping>
        AWS CloudFormation User Guide, "Ref" <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-ref.html>
    """
    yield from ()


@rule("AP003", "wrong-type", ERROR, "A value of the wrong YAML type.", checked_by_engine=False)
def wrong_type(architecture: Architecture) -> Iterator[Problem]:
    """Each key expects a string, number, boolean, list or mapping; anything else is refused.

    An unquoted account ID is read by YAML as a number and loses leading zeros, so accounts
    must be quoted strings.

    The message names the field as it is written within its object, what it must be and what
    was found: `defaults.account must be a string, got an integer (111111111111); quote it`.
    The value is rejected, so no other rule acts on the default that stands in for it.

    Fails:
        defaults: {region: us-east-1, account: 111111111111}

    Passes:
        defaults: {region: us-east-1, account: "111111111111"}

    References:
        YAML Ain't Markup Language version 1.2.2, "Core Schema" <https://yaml.org/spec/1.2.2/#103-core-schema>
    """
    yield from ()


@rule("AP004", "missing-field", ERROR, "A required key is missing.", checked_by_engine=False)
def missing_field(architecture: Architecture) -> Iterator[Problem]:
    """Some keys have no sensible default: a VPC's primary block, a subnet's zone, a Region.

    A VPC must have exactly one primary IPv4 block; a subnet lives in exactly one Availability
    Zone; every VPC needs a Region, its own or `defaults.region`.

    Fails:
        vpcs:
          shared: {region: us-east-1}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}

    References:
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
        Amazon VPC User Guide, "Subnets for your VPC" <https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html>
    """
    yield from ()


@rule(
    "AP005",
    "unknown-reference",
    ERROR,
    "A reference names an object that does not exist.",
    checked_by_engine=False,
)
def unknown_reference(architecture: Architecture) -> Iterator[Problem]:
    """Objects refer to each other by name; a name that matches nothing is a broken link.

    Route tables are looked up in the subnet's own VPC, endpoints in the route's VPC, and
    attachment, endpoint and scaling-group subnets in their VPC. A NAT subnet is looked up in
    every VPC, so that one in another VPC gets its own, clearer finding (nat-in-other-vpc).

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: privat}
            route_tables:
              private: {routes: {}}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: private}
            route_tables:
              private: {routes: {}}

    References:
        AWS CloudFormation User Guide, "Ref" <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-ref.html>
    """
    yield from ()


@rule(
    "AP006",
    "invalid-value",
    ERROR,
    "A value outside the allowed set or range.",
    checked_by_engine=False,
)
def invalid_value(architecture: Architecture) -> Iterator[Problem]:
    """Enumerations, ranges and route targets accept only what AWS understands.

    Percentages are 0..100, counts are not negative, a peering status is one of AWS's
    lifecycle states, a quota cannot exceed what AWS will grant, and a route target is one of
    `igw`, `egress-only-igw`, `vgw`, `blackhole`, `nat:SUBNET`, `peering:NAME`, `tgw:NAME`,
    `endpoint:NAME` or `eni:ID`. A scaling group's `demand.hourly` has at least one value, and
    gives either `hourly` or `file`, not both: `scale-plan` refuses such a group, as it does
    every group with a value this rule reports.

    Fails:
        quotas: {active_peerings_per_vpc: 200}

    Passes:
        quotas: {active_peerings_per_vpc: 125}

    References:
        Amazon VPC Peering Guide, "VPC peering connection lifecycle" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle>
        Amazon VPC Peering Guide, "VPC peering quotas" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html>
    """
    yield from ()


@rule("AP007", "invalid-cidr", ERROR, "A CIDR block that does not parse.", checked_by_engine=False)
def invalid_cidr(architecture: Architecture) -> Iterator[Problem]:
    """A block must be an address and a prefix length of the right family (`10.0.0.0/16`).

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/33}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}

    References:
        RFC 4632, "Classless Inter-domain Routing (CIDR)" <https://www.rfc-editor.org/rfc/rfc4632>
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
    """
    yield from ()


@rule(
    "AP008",
    "host-bits-set",
    Severity.WARNING,
    "A CIDR block with host bits set.",
    checked_by_engine=False,
)
def host_bits_set(architecture: Architecture) -> Iterator[Problem]:
    """AWS silently canonicalises `10.0.0.1/16` to `10.0.0.0/16`; the file should say what AWS uses.

    A block with host bits set usually means a typo: the author may have meant a different
    prefix length. The message names the canonical block.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.1/16}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}

    References:
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
    """
    yield from ()
