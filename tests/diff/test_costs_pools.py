"""The diff's capacity and cost against `scale-plan` of each whole version, for files whose
groups share a commitment (`commitment: auto`): per group the figures scale-plan gives that
group in the whole file, and the totals the difference of the two files' scale-plan totals."""

from __future__ import annotations

from archplan.diff.effects import Costs
from tests.diff.costs import (
    DAY,
    NIGHT,
    check_against_scale_plan,
    estate,
    figures_by_group,
    scale_plan_of,
    scale_plan_total,
)
from tests.diff.helpers import EXAMPLES, texts

FORUM = (EXAMPLES / "forum-ec2.yaml").read_text(encoding="utf-8")
FORUM_NEXT = (EXAMPLES / "diff" / "forum-next.yaml").read_text(encoding="utf-8")


def test_the_forum_pair_gives_each_group_its_pooled_figures() -> None:
    # All three forum groups share one Compute Savings Plan; users buying more On-Demand
    # moves the shared commitment, so every group's figures are those of the whole file.
    old_plan = scale_plan_of(FORUM, str(EXAMPLES))
    new_plan = scale_plan_of(FORUM_NEXT, str(EXAMPLES))
    assert [pool.groups for pool in old_plan.pools] == [("users", "topics", "messages")]
    result = texts(FORUM, FORUM_NEXT, str(EXAMPLES))
    assert result.costs is not None
    old_figures, new_figures = figures_by_group(old_plan), figures_by_group(new_plan)
    for group in result.costs.groups:
        assert group.old == old_figures[group.name]
        assert group.new == new_figures[group.name]
    users = {group.name: group for group in result.costs.groups}["users"]
    assert users.old is not None and users.old.commitment == 0  # the pool holds it
    expected = scale_plan_total(new_plan) - scale_plan_total(old_plan)
    assert result.costs.delta == expected
    assert result.costs.old_total == scale_plan_total(old_plan)
    assert result.costs.new_total == scale_plan_total(new_plan)


def _checked(old_text: str, new_text: str) -> Costs:
    """The diff's costs, each group's figures and both totals checked against scale-plan of
    each whole version."""
    old_plan, new_plan = scale_plan_of(old_text, "."), scale_plan_of(new_text, ".")
    result = texts(old_text, new_text)
    assert result.costs is not None
    old_figures, new_figures = figures_by_group(old_plan), figures_by_group(new_plan)
    for group in result.costs.groups:
        assert group.old == old_figures.get(group.name)
        assert group.new == new_figures.get(group.name)
    for name in set(old_figures) & set(new_figures):  # a group left out did not change
        if old_figures[name] != new_figures[name]:
            assert name in {group.name for group in result.costs.groups}
    assert result.costs.old_total == scale_plan_total(old_plan)
    assert result.costs.new_total == scale_plan_total(new_plan)
    return result.costs


def test_a_rise_of_max_in_a_pooled_group_shows_the_two_scale_plans_delta() -> None:
    # Day and night share one commitment used around the clock; night's max of 5 caps it at
    # half the day's spend, so raising it to 10 moves the shared commitment (and its cost).
    old = estate({"day": {}, "night": {"demand": {"hourly": NIGHT}, "max": 5}})
    new = estate({"day": {}, "night": {"demand": {"hourly": NIGHT}, "max": 10}})
    old_plan, new_plan = scale_plan_of(old, "."), scale_plan_of(new, ".")
    assert [pool.groups for pool in new_plan.pools] == [("day", "night")]
    assert old_plan.pools[0].covered != new_plan.pools[0].covered
    costs = _checked(old, new)
    assert costs.delta == scale_plan_total(new_plan) - scale_plan_total(old_plan) > 0
    [night] = costs.groups  # day's own figures (commitment 0, pooled) did not change
    assert night.name == "night" and night.old is not None and night.new is not None
    assert (night.old.peak_capacity, night.new.peak_capacity) == (5, 10)
    assert night.old.commitment == night.new.commitment == 0


def test_a_group_leaving_the_pool_changes_its_mates_figures() -> None:
    # night stops sharing: day, not edited, is alone again; busy half the day at 40 % off,
    # a commitment of its own would not pay, so it buys none and runs all On-Demand.
    old = estate({"day": {}, "night": {"demand": {"hourly": NIGHT}}})
    new = estate(
        {"day": {}, "night": {"demand": {"hourly": NIGHT}, "purchase": {"commitment": "none"}}}
    )
    costs = _checked(old, new)
    changed = {group.name: group for group in costs.groups}
    assert set(changed) == {"day", "night"}
    day = changed["day"]
    assert day.old is not None and day.new is not None
    assert day.old.pooled and not day.new.pooled
    assert day.old.monthly == day.new.monthly  # its own table prices On-Demand either way
    assert costs.delta > 0  # sharing was cheaper than one commitment for day alone


def test_a_pool_whose_member_is_removed_or_added() -> None:
    three = estate(
        {"day": {}, "night": {"demand": {"hourly": NIGHT}}, "third": {"demand": {"hourly": DAY}}}
    )
    two = estate({"day": {}, "night": {"demand": {"hourly": NIGHT}}})
    assert _checked(three, two).delta == -_checked(two, three).delta != 0


def test_a_vpc_moved_to_another_region_moves_its_group_to_another_pool() -> None:
    # An EC2 Instance Savings Plan pools per family and Region: day's VPC moving Region takes
    # day out of night's pool, though neither the group nor its subnet (no zone written) is
    # edited.
    plan_type = {"purchase": {"commitment_type": "ec2-instance-savings-plan"}, "az": None}
    old = estate({"day": plan_type, "night": {**plan_type, "demand": {"hourly": NIGHT}}})
    new = estate(
        {
            "day": {**plan_type, "region": "us-west-2"},
            "night": {**plan_type, "demand": {"hourly": NIGHT}},
        }
    )
    assert not scale_plan_of(new, ".").pools
    costs = _checked(old, new)
    assert {group.name for group in costs.groups} == {"day", "night"}
    assert costs.delta > 0


EC2_SERVICE = """archplan: 1
defaults: {region: us-east-1}
vpcs:
  app:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: out}
      b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: out}
    route_tables:
      out: {routes: {0.0.0.0/0: igw}}
instance_types:
  c5.large: {vcpu: 2, memory: 3584}
scaling_groups:
  hosts:
    vpc: app
    subnets: [a, b]
    instance_types: [c5.large]
    min: 1
    max: 20
    purchase: {on_demand_percentage_above_base: 100, commitment: auto}
  web:
    vpc: app
    subnets: [a, b]
    instance_types: [c5.large]
    min: 1
    max: 20
    capacity: {per_unit: 10, target_utilization: 50}
    demand: {unit: requests/s, hourly: [90, 10, 10, 10, 90]}
    purchase: {on_demand_percentage_above_base: 100, commitment: auto}
services:
  api:
    vpc: app
    subnets: [a, b]
    launch_type: ec2
    capacity_provider: hosts
    trunking: false
    cpu: 512
    memory: 1024
    min: 1
    max: 30
    capacity: {per_task: 10}
    demand: {unit: requests/s, hourly: DEMAND}
"""


def test_a_service_change_moves_its_capacity_providers_plan_and_pool() -> None:
    # hosts runs the api service's tasks: only the service is edited, yet hosts (and the
    # commitment it shares with web) plans differently.
    old = EC2_SERVICE.replace("DEMAND", "[5, 30, 75, 200, 90]")
    new = EC2_SERVICE.replace("DEMAND", "[5, 30, 150, 200, 190]")
    assert [pool.groups for pool in scale_plan_of(new, ".").pools] == [("hosts", "web")]
    costs = check_against_scale_plan(old, new)
    assert [group.name for group in costs.groups] == ["hosts"]
    assert costs.pools and costs.delta > 0
