"""Scaling-group values used outside archplan as written: the demand file, the launch template name."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import LAUNCH_TEMPLATE_RULE, Architecture, launch_template_problem
from archplan.rules.registry import Problem, rule

ERROR = Severity.ERROR


@rule("AP513", "demand-file", ERROR, "A demand file that cannot be read as a metrics file.")
def demand_file(architecture: Architecture) -> Iterator[Problem]:
    """`scale-plan` plans a group from its `demand.file`: CloudWatch `get-metric-statistics` or
    `get-metric-data` JSON, or a CSV of `timestamp,value` lines. A file that is missing, is a
    directory, or whose text is not such a file (a negative value, a timestamp that is not
    one) stops `scale-plan` with an error; this rule finds it in `validate`, before the plan
    is needed.

    The path is read relative to the architecture file's folder (the working directory for
    standard input), exactly as `scale-plan` reads it; the message says where it looked and,
    for a malformed file, the line and column of the mistake in it and what was expected there,
    without quoting the file's text (validate runs on untrusted changes in CI, and the path may
    name any file; `scale-plan` quotes it). Only a regular file is read: a FIFO, a device or
    `/dev/stdin` is reported, not waited on. The file is read only when a group names one.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m5.large, c5.large]
            min: 2
            max: 10
            capacity: {per_unit: 100}
            demand: {unit: requests/s, file: metrics/web-2024.csv}
            purchase: {on_demand_percentage_above_base: 100}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m5.large, c5.large]
            min: 2
            max: 10
            capacity: {per_unit: 100}
            demand: {unit: requests/s, file: metrics/web.csv}
            purchase: {on_demand_percentage_above_base: 100}

    References:
        AWS CLI Command Reference, "get-metric-statistics" <https://docs.aws.amazon.com/cli/latest/reference/cloudwatch/get-metric-statistics.html>
        AWS CLI Command Reference, "get-metric-data" <https://docs.aws.amazon.com/cli/latest/reference/cloudwatch/get-metric-data.html>
    """
    groups = [
        group
        for group in architecture.scaling_groups.values()
        if group.demand_file is not None
        and group.demand_hourly is None  # scale-plan uses hourly when both are written
        and not group.is_invalid("demand", "file")
    ]
    if not groups:
        return
    # Read only when a group names a file: the JSON and CSV readers are not needed otherwise.
    from archplan.capacity.demand import (
        DemandFileError,
        DemandFileUnreadable,
        demand_path,
        load_demand_file,
    )
    from archplan.limits import BudgetExceeded, DemandBudget

    surroundings = architecture.surroundings
    budget = surroundings.demand_budget
    if not isinstance(budget, DemandBudget):
        budget = DemandBudget()
    checked: dict[str, DemandFileError | None] = {}  # a file named by several groups: read once
    for group in groups:
        written = group.demand_file
        assert written is not None
        path = demand_path(surroundings.folder, written)
        if path not in checked:
            try:
                # No quoting: the file may be any file of the machine CI runs validate on.
                load_demand_file(path, written, surroundings.max_file_size, budget=budget)
                checked[path] = None
            except DemandFileError as error:
                checked[path] = error
            except BudgetExceeded as error:  # an input error of the run, not a finding
                error.path = (*group.path, "demand", "file")
                raise
        found = checked[path]
        if found is None:
            continue
        if isinstance(found, DemandFileUnreadable):
            problem = f"cannot be read: {found.message} (looked for {path})"
        else:
            problem = f"is not a metrics file: {found.location(path)}: {found.message}"
        yield Problem(
            f'demand file "{written}" of scaling group "{group.name}" {problem}; scale-plan '
            "cannot plan the group from it",
            (*group.path, "demand", "file"),
        )


@rule(
    "AP514",
    "launch-template-name",
    ERROR,
    "A launch template name AWS does not accept.",
)
def launch_template_name(architecture: Architecture) -> Iterator[Problem]:
    """A launch template name is 3 to 128 characters of letters, digits and `( ) . - / _`.

    `scale-plan --emit` writes `launch_template` into the group's LaunchTemplateSpecification;
    a name with a space, a colon or a non-ASCII letter, or one shorter than 3 characters, is
    refused by AWS and fails `cfn-lint` (E3031, the value does not match the schema's pattern),
    so `scale-plan --emit` refuses to write it (exit 2, at the name). Rename the launch
    template, or write the name it actually has.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}
            launch_template: "web servers: v2"

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}
            launch_template: web-servers/v2_(arm64)

    References:
        Amazon EC2 Auto Scaling API Reference, "LaunchTemplateSpecification" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchTemplateSpecification.html>
    """
    for group in architecture.scaling_groups.values():
        name = group.launch_template
        if name is None:
            continue
        problem = launch_template_problem(name)
        if problem is not None:
            yield Problem(
                f'launch template "{name}" of scaling group "{group.name}" {problem}; '
                f"{LAUNCH_TEMPLATE_RULE}",
                (*group.path, "launch_template"),
            )
