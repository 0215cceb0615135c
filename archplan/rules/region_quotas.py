"""Quotas counted per account and Region rather than per VPC: VPCs per Region."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, Vpc
from archplan.rules.registry import Problem, quota_related, rule
from archplan.rules.zones import placement_unsure

ERROR = Severity.ERROR


@rule(
    "AP118",
    "vpc-region-quota",
    ERROR,
    "An account has more VPCs in one Region than the quota allows.",
)
def vpc_region_quota(architecture: Architecture) -> Iterator[Problem]:
    """An account may have at most `vpcs_per_region` VPCs in each Region (default 5,
    adjustable). AWS refuses the next one with `VpcLimitExceeded`, and the internet gateways
    per Region quota follows this one.

    Most estates outgrow five VPCs: request an increase of "VPCs per Region" and record the
    granted value under `quotas:`. VPCs are counted per account (`account`, else
    `defaults.account`; VPCs without one count as one account) and per Region.

    Fails:
        quotas: {vpcs_per_region: 1}
        defaults: {region: us-east-1, account: "111122223333"}
        vpcs:
          prod: {cidr: 10.0.0.0/16}
          dev: {cidr: 10.1.0.0/16}

    Passes:
        quotas: {vpcs_per_region: 1}
        defaults: {region: us-east-1, account: "111122223333"}
        vpcs:
          prod: {cidr: 10.0.0.0/16}
          dev: {cidr: 10.1.0.0/16, account: "444455556666"}

    References:
        Amazon VPC User Guide, "Amazon VPC quotas" <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html>
    """
    limit = architecture.quotas["vpcs_per_region"]
    if architecture.is_rejected("quotas", "vpcs_per_region"):
        return  # written but rejected (AP003/AP006): AWS's default is not the user's quota
    groups: dict[tuple[str | None, str], list[Vpc]] = {}
    for vpc in architecture.vpcs.values():
        if vpc.region is not None and not placement_unsure(architecture, vpc):
            groups.setdefault((vpc.account, vpc.region), []).append(vpc)
    for (account, region), vpcs in groups.items():
        if len(vpcs) <= limit:
            continue
        owner = f"account {account}" if account else "the account"
        yield Problem(
            f"{owner} has {len(vpcs)} VPCs in {region}; the vpcs_per_region quota is {limit} "
            '(VpcLimitExceeded): request a higher "VPCs per Region" quota and record it under '
            "quotas:",
            vpcs[limit].path,
            quota_related(architecture, "vpcs_per_region"),
            on_key=True,
        )
