"""`scale-plan` and `validate` on mistaken scaling-group input: an invalid value is never planned
with a default in its place, and every refusal is located in the file that holds the mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.capacity.demand import DemandFileError, parse_metrics
from archplan.cli import app
from tests.conftest import triples, validate_text

# Line 15 is the group's demand, line 16 its purchase; `{demand}` and `{purchase}` fill them.
TEMPLATE = """\
archplan: 1
defaults: {{region: us-east-1}}
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      s0: {{cidr: 10.0.0.0/24, az: us-east-1a}}
      s1: {{cidr: 10.0.1.0/24, az: us-east-1b}}
scaling_groups:
  web:
    vpc: app
    subnets: [s0, s1]
    instance_types: {{m5.large: 1}}
    capacity: {{per_unit: 100}}
    demand: {demand}
    purchase: {purchase}
    min: {low}
    max: {high}
"""


def _file(
    demand: str = "{hourly: [100, 200]}",
    purchase: str = "{on_demand_percentage_above_base: 100}",
    low: int = 1,
    high: int = 10,
) -> str:
    return TEMPLATE.format(demand=demand, purchase=purchase, low=low, high=high)


def _scale_plan(text: str, *options: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["scale-plan", "-", *options], input=text)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("purchase", "column", "message"),
    [
        (
            "{on_demand_percentage_above_base: 101}",
            49,
            "purchase.on_demand_percentage_above_base is invalid: 101 is above the maximum 100",
        ),
        (
            "{on_demand_percentage_above_base: half}",
            49,
            "purchase.on_demand_percentage_above_base is invalid: expected an integer, got a "
            "string ('half')",
        ),
        (
            "{on_demand_base: -1, on_demand_percentage_above_base: 30}",
            32,
            "purchase.on_demand_base is invalid: -1 is below the minimum 0",
        ),
        ("[100]", 15, "purchase is invalid: expected a mapping, got a list"),
    ],
)
def test_invalid_purchase_value_is_refused_at_its_place(
    purchase: str, column: int, message: str
) -> None:
    # Regression: an invalid value was planned as if omitted (AWS's default 100 %), exit 0.
    code, stdout, stderr = _scale_plan(_file(purchase=purchase))
    assert (code, stdout) == (2, "")
    assert stderr == (
        f'<stdin>:16:{column}: error: scaling group "web" cannot be planned: {message}\n'
    )
    for emit in ("cloudformation", "terraform", "aws-cli"):
        code, stdout, _ = _scale_plan(_file(purchase=purchase), "--emit", emit)
        assert (code, stdout) == (2, ""), emit


@pytest.mark.parametrize(
    "purchase",
    ["{on_demand_percentage_above_base: 101}", "{on_demand_percentage_above_base: x}", "7"],
)
def test_validate_reports_an_invalid_percentage_not_the_default(purchase: str) -> None:
    result = validate_text(_file(purchase=purchase))
    rules = {rule for rule, _, _ in triples(result)}
    assert "AP507" not in rules, [finding.message for finding in result.findings]
    assert rules & {"AP003", "AP006"}


def test_omitted_percentage_still_warns() -> None:
    assert triples(validate_text(_file(purchase="{on_demand_base: 0}")), "AP507") == [
        ["AP507", 16, 5]
    ]


@pytest.mark.parametrize(
    ("hourly", "column", "message"),
    [
        # Regression: [1e5000] was dropped by the decoder and reported as "empty".
        ("[1e5000]", 23, "demand.hourly[0] is invalid: expected a number, got a string "
         "('1e5000'); YAML reads an exponent without a dot"),
        ("[1.0e+5000]", 23, "demand.hourly[0] is invalid: 1.0e+5000 is not a finite number"),
        ("[100, .nan]", 28, "demand.hourly[1] is invalid: .nan is not a finite number"),
        # Regression: a dropped value shifted every later hour by one.
        ("[100, -5, 300]", 28, "demand.hourly[1] is invalid: -5 must be at least 0"),
        ("[100, lots]", 28, "demand.hourly[1] is invalid: expected a number, got a string "
         "('lots')"),
        ("[]", 22, "demand.hourly is empty: give one value per hour"),
    ],
)  # fmt: skip
def test_invalid_hourly_demand_is_a_located_error_naming_the_value(
    hourly: str, column: int, message: str
) -> None:
    code, stdout, stderr = _scale_plan(_file(demand=f"{{hourly: {hourly}}}"))
    assert (code, stdout) == (2, "")
    assert stderr.startswith(
        f'<stdin>:15:{column}: error: scaling group "web" cannot be planned: {message}'
    ), stderr


def test_several_invalid_values_name_the_first_and_count_the_rest() -> None:
    text = _file(demand="{hourly: [-1, -2]}", purchase="{on_demand_percentage_above_base: 101}")
    code, _, stderr = _scale_plan(text)
    assert code == 2
    assert stderr.startswith('<stdin>:15:23: error: scaling group "web" cannot be planned: ')
    assert stderr.rstrip().endswith("(and 2 more invalid values: archplan validate lists them)")


def test_min_above_max_is_located_at_min() -> None:
    code, stdout, stderr = _scale_plan(_file(low=9, high=3))
    assert (code, stdout) == (2, "")
    assert stderr == (
        '<stdin>:17:10: error: scaling group "web" cannot be planned: min 9 is above max 3\n'
    )


def test_missing_field_is_located_at_the_group() -> None:
    text = _file().replace("    capacity: {per_unit: 100}\n", "")
    code, _, stderr = _scale_plan(text)
    assert code == 2
    assert stderr == (
        '<stdin>:10:3: error: scaling group "web" cannot be planned: capacity.per_unit is missing\n'
    )


def test_group_without_demand_is_a_located_note_or_an_error_when_asked_for() -> None:
    text = _file().replace("    demand: {hourly: [100, 200]}\n", "")
    code, stdout, stderr = _scale_plan(text)
    assert code == 0 and "Not planned: no demand profile" in stdout
    assert stderr == (
        '<stdin>:10:3: note: scaling group "web" is not planned: no demand profile '
        "(demand.hourly or demand.file) to plan from\n"
    )
    code, stdout, stderr = _scale_plan(text, "--group", "web")
    assert (code, stdout) == (2, "")
    assert stderr.startswith('<stdin>:10:3: error: scaling group "web" cannot be planned: no')


def test_unreadable_demand_file_is_located_at_the_file_value(tmp_path: Path) -> None:
    (tmp_path / "folder.csv").mkdir()
    path = tmp_path / "plan.yaml"
    path.write_text(_file(demand="{file: folder.csv}"), "utf-8")
    result = CliRunner().invoke(app, ["scale-plan", str(path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(
        f'{path}:15:20: error: scaling group "web" cannot be planned: demand.file "folder.csv" '
        "cannot be read: is a directory, not a file ("
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("t,v\n2024-05-01T00:00:00Z,nan\n", 2, 22, 'not a demand value: "nan"'),
        ("t,v\n2024-05-01T00:00:00Z,-2.5\n", 2, 22, 'not a demand value: "-2.5"'),
        ("t,v\n2024-05-01T00:00:00Z,1e5000\n", 2, 22, "1.000000e+5000 is too large"),
        ("t,v\n2024-05-01T00:00:00Z,lots\n", 2, 22, 'not a demand value: "lots"'),
        (
            '{"Datapoints": [{"Timestamp": "2024-05-01T00:00:00Z", "Maximum": -3}]}',
            1,
            66,
            "not a demand value: -3",
        ),
        (
            '{"Datapoints": [{"Timestamp": "2024-05-01T00:00:00Z", "Maximum": "7"}]}',
            1,
            66,
            'not a demand value: "7"',
        ),
        (
            '{"MetricDataResults": [{"Id": "a", "Timestamps": ["2024-05-01T00:00:00Z"], '
            '"Values": [Infinity]}]}',
            1,
            87,
            "not a demand value: Infinity",
        ),
    ],
)
def test_bad_metric_values_are_located_and_named(
    text: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(DemandFileError) as caught:
        parse_metrics(text, "m")
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)
