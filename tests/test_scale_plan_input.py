"""`scale-plan` and `validate` on mistaken scaling-group input: an invalid value is never planned
with a default in its place, and every refusal is located in the file that holds the mistake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
    # Wide enough that no line of the report wraps: the tests look for whole sentences.
    result = CliRunner().invoke(app, ["scale-plan", "-", "--width", "1000", *options], input=text)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("purchase", "column", "message"),
    [
        (
            "{on_demand_percentage_above_base: 101}",
            49,
            "purchase.on_demand_percentage_above_base is invalid: must be at most 100, got 101",
        ),
        (
            "{on_demand_percentage_above_base: half}",
            49,
            "purchase.on_demand_percentage_above_base is invalid: must be an integer, got a "
            "string ('half')",
        ),
        (
            "{on_demand_base: -1, on_demand_percentage_above_base: 30}",
            32,
            "purchase.on_demand_base is invalid: must be at least 0, got -1",
        ),
        ("[100]", 15, "purchase is invalid: must be a mapping, got a list"),
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
        ("[1e5000]", 23, "demand.hourly[0] is invalid: must be a number, got a string "
         "('1e5000'); YAML 1.1 reads 1e5000 as text: write 1.0e+5000"),
        ("[1.0e+5000]", 23, "demand.hourly[0] is invalid: must be a finite number, got 1.0e+5000"),
        ("[100, .nan]", 28, "demand.hourly[1] is invalid: must be a finite number, got .nan"),
        # Regression: a dropped value shifted every later hour by one.
        ("[100, -5, 300]", 28, "demand.hourly[1] is invalid: must be at least 0, got -5"),
        ("[100, lots]", 28, "demand.hourly[1] is invalid: must be a number, got a string "
         "('lots')"),
        ("[]", 22, "demand.hourly is invalid: must not be empty: give one value per hour"),
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


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        # Regression: the hint blamed a missing dot for 1.5e3 and always quoted 1e3.
        ("1.5e3", "YAML 1.1 reads 1.5e3 as text: write 1.5e+3 (a sign in the exponent)"),
        ("1e3", "YAML 1.1 reads 1e3 as text: write 1.0e+3 (a dot in the mantissa and a sign "
         "in the exponent)"),
        ("2E-5", "YAML 1.1 reads 2E-5 as text: write 2.0E-5 (a dot in the mantissa)"),
        (".5e3", "YAML 1.1 reads .5e3 as text: write .5e+3 (a sign in the exponent)"),
        ("-1e+3", "YAML 1.1 reads -1e+3 as text: write -1.0e+3 (a dot in the mantissa)"),
    ],
)  # fmt: skip
def test_exponent_hint_gives_the_corrected_spelling_of_the_value(written: str, hint: str) -> None:
    result = validate_text(_file(demand=f"{{hourly: [{written}]}}"))
    messages = [finding.message for finding in result.findings if finding.rule_id == "AP003"]
    assert messages == [f"demand.hourly[0] must be a number, got a string ('{written}'); {hint}"]
    # The spelling suggested is read as a number.
    corrected = hint.split("write ", 1)[1].split(" ", 1)[0]
    assert triples(validate_text(_file(demand=f"{{hourly: [{corrected}]}}")), "AP003") == []


def _run(*arguments: str, stdin: str = "", cwd: Path) -> subprocess.CompletedProcess[str]:
    """archplan in its own process: a command that waits on a FIFO fails the test, not hangs it."""
    return subprocess.run(
        [sys.executable, "-m", "archplan", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("written", ["fifo", "/dev/stdin"])
def test_demand_file_that_is_not_a_regular_file_is_refused_without_reading_it(
    tmp_path: Path, written: str
) -> None:
    # Regression: validate waited forever on a FIFO, and read standard input for /dev/stdin.
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "plan.yaml").write_text(_file(demand=f"{{file: {written}}}"), "utf-8")
    stdin = "2024-05-01T00:00:00Z,5\n"
    result = _run("validate", "plan.yaml", "--format", "github", stdin=stdin, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(
        "::error file=plan.yaml,line=15,col=20,"
        f"endLine=15,endColumn={20 + len(written)},title=AP513 demand-file::demand file "
        f'"{written}" of scaling group "web" cannot be read: not a regular file: it is a FIFO '
        "(named pipe) (looked for "
    ), result.stdout
    result = _run("scale-plan", "plan.yaml", stdin=stdin, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(
        f'plan.yaml:15:20: error: scaling group "web" cannot be planned: demand.file "{written}" '
        "cannot be read: not a regular file: it is a FIFO (named pipe) ("
    ), result.stderr


def test_demand_file_above_the_size_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("2024-05-01T00:00:00Z,5\n" * 500, "utf-8")
    (tmp_path / "plan.yaml").write_text(_file(demand="{file: m.csv}"), "utf-8")
    limit = ["--max-file-size", "20000"]
    code = CliRunner().invoke(app, ["scale-plan", str(tmp_path / "plan.yaml"), *limit])
    assert code.exit_code == 0, code.stderr
    limit = ["--max-file-size", "2000"]
    refused = CliRunner().invoke(app, ["scale-plan", str(tmp_path / "plan.yaml"), *limit])
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert 'm.csv" cannot be read: file is larger than the 2,000-byte limit' in refused.stderr
    found = CliRunner().invoke(app, ["validate", str(tmp_path / "plan.yaml"), *limit])
    assert found.exit_code == 1
    assert "file is larger than the 2,000-byte limit" in " ".join(found.stdout.split())


@pytest.mark.parametrize(
    ("content", "secret", "expected"),
    [
        ("SECRET_TOKEN_abc123,1\n", "SECRET_TOKEN_abc123", "1:1: not a timestamp (expected"),
        ("2024-05-01T00:00:00Z,SECRET_TOKEN_abc123\n", "SECRET_TOKEN_abc123",
         "1:22: not a demand value (a number, 0 or more)"),
        ("2024-05-01T00:00:00Z,-31415926\n", "31415926", "1:22: not a demand value (a number"),
        ("2024-05-01T00:00:00Z,9271828e200\n", "9.271828", "1:22: not a demand value: too large"),
        ("31415926535897932,5\n", "31415926535897932",
         "1:1: the timestamp is outside the years 1 to 9999 as epoch seconds"),
        ("0001-01-01T00:00:00+05:00,5\n", "0001-01-01", "1:1: the timestamp is outside the years"),
        ('{"Datapoints": [{"Timestamp": "SECRET_TOKEN_abc123", "Maximum": 1}]}',
         "SECRET_TOKEN_abc123", "1:31: not a timestamp (expected"),
        ('{"Datapoints": [{"Timestamp": "2024-05-01T00:00:00Z", "Maximum": "SECRET_TOKEN"}]}',
         "SECRET_TOKEN", "1:66: not a demand value (a number"),
        ('{"Datapoints": [{"Timestamp": "2024-05-01T00:00:00Z", "ExtendedStatistics": '
         '{"SECRET_TOKEN": 1}}, {"Timestamp": "2024-05-01T00:00:00Z", "ExtendedStatistics": {}}]}',
         "SECRET_TOKEN", "1:99: the data point has no ExtendedStatistics percentile (the"),
        ('{"MetricDataResults": [{"Id": "SECRET_TOKEN"}, {"Id": "b"}]}', "SECRET_TOKEN",
         "1:23: 2 results: keep only the demand's query"),
        ('{"MetricDataResults": [{"Id": "a", "Timestamps": ["SECRET_TOKEN"], "Values": [1]}]}',
         "SECRET_TOKEN", "1:51: not a timestamp (expected ISO 8601"),
        (b"2024-05-01T00:00:00Z,5\n\xc3(,1\n", "0xc3", "2:1: not valid UTF-8;"),
    ],
)  # fmt: skip
def test_validate_and_scale_plan_do_not_quote_a_demand_file(
    tmp_path: Path, content: str | bytes, secret: str, expected: str
) -> None:
    # Regression: validate, run by CI on untrusted pull requests, printed
    # `not a timestamp: "SECRET_TOKEN_abc123"` for `file: /tmp/secret.txt`.
    metrics = tmp_path / "secret.txt"
    if isinstance(content, bytes):
        metrics.write_bytes(content)
    else:
        metrics.write_text(content, "utf-8")
    path = tmp_path / "plan.yaml"
    path.write_text(_file(demand=f"{{file: {metrics}}}"), "utf-8")
    for output_format in ("github", "text", "json", "sarif"):
        result = CliRunner().invoke(app, ["validate", str(path), "--format", output_format])
        assert result.exit_code == 1, result.stderr
        assert secret not in result.stdout + result.stderr, output_format
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "github"])
    assert f"is not a metrics file: {metrics}:{expected}" in result.stdout, result.stdout
    # scale-plan reads the same file, named by the same untrusted architecture file (issue 14):
    # its refusal says where and what kind of mistake, never the text.
    planned = CliRunner().invoke(app, ["scale-plan", str(path)])
    assert planned.exit_code == 2
    assert secret not in planned.stderr, planned.stderr
    assert f"{metrics}:{expected.split(' ', 1)[0]} error: " in planned.stderr, planned.stderr


@pytest.mark.parametrize(
    ("change", "rule", "line", "column", "reason"),
    [
        # Regression: validate passed an empty profile that scale-plan refused.
        (("{hourly: [100, 200]}", "{hourly: []}"), "AP006", 15, 22,
         "demand.hourly is invalid: must not be empty: give one value per hour"),
        (("{hourly: [100, 200]}", "{hourly: }"), "AP006", 15, 22,
         "demand.hourly is invalid: must not be empty: give one value per hour"),
        # Regressions: scale-plan planned these with AWS's defaults or the other key.
        (("    purchase:", "    purchse:"), "AP002", 16, 5,
         'purchse is invalid: unknown key "purchse" (did you mean "purchase"?)'),
        (("{hourly: [100, 200]}", "{hourly: [1], file: nope.csv}"), "AP006", 15, 27,
         'demand.file is invalid: give only one of "hourly" or "file", not both'),
        (("{m5.large: 1}", "{m5.large: 0, c5.large: 1000}"), "AP506", 13, 32,
         "the weight of m5.large is 0; AWS accepts weights from 1 to 999"),
        (("{m5.large: 1}", "{m5.large: 1, c5.large: 1000}"), "AP506", 13, 45,
         "the weight of c5.large is 1000; AWS accepts weights from 1 to 999"),
        (("[s0, s1]", "[s0, s9]"), "AP005", 12, 19,
         'subnets[1] is invalid: subnet "s9" does not exist in VPC "app"\n'),
    ],
)  # fmt: skip
def test_validate_and_scale_plan_agree_on_what_cannot_be_planned(
    change: tuple[str, str], rule: str, line: int, column: int, reason: str
) -> None:
    text = _file().replace(*change)
    assert text != _file()
    assert [line, column] in [found[1:] for found in triples(validate_text(text), rule)]
    for options in ((), ("--format", "json"), ("--emit", "cloudformation"), ("--emit", "aws-cli")):
        code, stdout, stderr = _scale_plan(text, *options)
        assert (code, stdout) == (2, ""), options
        assert stderr.startswith(
            f'<stdin>:{line}:{column}: error: scaling group "web" cannot be planned: {reason}'
        ), stderr


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ('"Ünïcode"', "contains 'Ü', 'ï'"),
        ('"ab"', "has 2 characters"),
        ('"web servers: v2"', "contains ' ', ':'"),
    ],
)
def test_emit_refuses_a_launch_template_name_aws_rejects(name: str, problem: str) -> None:
    # Regression: AP514 failed these names, and every emit wrote them without a word.
    text = _file() + f"    launch_template: {name}\n"
    assert triples(validate_text(text), "AP514") == [["AP514", 19, 22]]
    for emit in ("cloudformation", "terraform", "aws-cli"):
        code, stdout, stderr = _scale_plan(text, "--emit", emit)
        assert (code, stdout) == (2, ""), emit
        assert stderr == (
            f'<stdin>:19:22: error: group "web" cannot be written: launch template '
            f"{name.strip(chr(34)).join(chr(34) * 2)} {problem}; AWS accepts 3 to 128 characters "
            "of letters, digits and ( ) . - / _\n"
        ), stderr
    code, stdout, _ = _scale_plan(text)  # the report does not write the name: it plans
    assert code == 0 and "web" in stdout


MIXED = "(AZ names and AZ IDs, which may be the same zone)"


@pytest.mark.parametrize(
    ("zones", "header", "count"),
    [
        # Regression: "1 AZ (us-east-1a)", and "subnets are all in us-east-1a", false for the
        # use1-az1 subnet.
        (("us-east-1a", "use1-az1"), f"at least 1 AZ: us-east-1a, use1-az1 {MIXED}", 1),
        # Regression: "2 AZs (use1-az2, use1-az4)" left us-east-1a out.
        (("us-east-1a", "use1-az2", "use1-az4"),
         f"at least 2 AZs: us-east-1a, use1-az2, use1-az4 {MIXED}", 2),
        (("us-east-1a", "us-east-1b"), "2 AZs (us-east-1a, us-east-1b)", 2),
    ],
)  # fmt: skip
def test_scale_plan_lists_every_zone_written_and_says_names_and_ids_may_coincide(
    zones: tuple[str, ...], header: str, count: int
) -> None:
    subnets = "".join(
        f"      s{index}: {{cidr: 10.0.{index}.0/24, az: {zone}}}\n"
        for index, zone in enumerate(zones)
    )
    text = (
        _file(demand="{hourly: [100, 200]}")
        .replace(
            "      s0: {cidr: 10.0.0.0/24, az: us-east-1a}\n"
            "      s1: {cidr: 10.0.1.0/24, az: us-east-1b}\n",
            subnets,
        )
        .replace("[s0, s1]", "[" + ", ".join(f"s{index}" for index in range(len(zones))) + "]")
    ) + "    availability: {survive_az_loss: true}\n"
    _, stdout, _ = _scale_plan(text)
    assert f"us-east-1, {header}; m5.large" in stdout
    assert "all in" not in stdout
    if count == 1:
        assert (
            "survive_az_loss asks for enough capacity with one AZ lost, but the group's "
            f"subnets are in us-east-1a, use1-az1 {MIXED}: only one AZ is certain; add a "
            "subnet in another AZ, or write every subnet's AZ in one notation"
        ) in " ".join(stdout.split())
    else:
        assert f"enough with any one of {count} AZs lost" in stdout
    assert "N = the AZs of the group's subnets; when they mix AZ names and AZ IDs" in " ".join(
        stdout.split()
    )
    _, stdout, _ = _scale_plan(text, "--format", "json")
    (group,) = json.loads(stdout)["groups"]
    assert (group["zones"], group["availability"]["zones"]) == (sorted(zones), count)


def test_a_duplicate_key_or_a_missing_reference_list_refuses_the_group() -> None:
    # validate says AP001 / AP004 for these; planning on the first of two `max` values or
    # without the group's VPC and subnets would be a plan of something not written.
    duplicate = _file().replace("    max: 10\n", "    max: 10\n    max: 20\n")
    code, stdout, stderr = _scale_plan(duplicate)
    assert (code, stdout) == (2, "")
    assert stderr == (
        '<stdin>:19:5: error: scaling group "web" cannot be planned: duplicate key "max"; '
        "the first one is kept\n"
    )
    no_vpc = _file().replace("    vpc: app\n", "")
    code, stdout, stderr = _scale_plan(no_vpc)
    assert (code, stdout) == (2, "")
    assert stderr == (
        '<stdin>:10:3: error: scaling group "web" cannot be planned: missing required key "vpc"\n'
    )


def test_an_invalid_price_in_the_file_is_refused_not_replaced_by_the_shipped_one() -> None:
    text = _file() + "prices:\n  instance_types:\n    m5.large: {on_demand: cheap, spot: 0.03}\n"
    code, stdout, stderr = _scale_plan(text)
    assert (code, stdout) == (2, "")
    assert stderr == (
        "<stdin>:21:27: error: prices cannot be used: on_demand must be a number, got a string "
        "('cheap')\n"
    )
