"""`archplan scale-plan` for services, functions and EKS node groups: the forum's three kinds of
compute planned side by side, the numbers checked against independent arithmetic, capacity
providers fed by their tasks, exit codes, notes and emits."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from archplan.capacity.az import survivable_total
from archplan.capacity.plan import ScalePlan, plan
from archplan.cli import app
from archplan.engine import load_architecture
from archplan.prices import price_book
from archplan.source import Source
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
FORUM = "examples/forum.yaml"
EKS = "examples/broken/AP802-subnet-addresses-exhausted-at-peak.yaml"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    return CliRunner()


def _plan(text: str, name: str = "plan.yaml") -> ScalePlan:
    architecture = load_architecture(Source(name, text)).architecture
    return plan(architecture, price_book(architecture.prices), base_dir=str(ROOT))


def _forum() -> tuple[dict[str, object], ScalePlan]:
    text = (ROOT / FORUM).read_text(encoding="utf-8")
    return yaml.safe_load(text), _plan(text, FORUM)


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        (["-f", "json"], "scale-plan-forum.json"),
        ([], "scale-plan-forum.txt"),
        (["--emit", "cloudformation"], "scale-plan-forum.cloudformation.yaml"),
        (["--emit", "terraform"], "scale-plan-forum.tf"),
    ],
)
def test_golden_reports(
    runner: CliRunner, args: list[str], golden: str, update_golden: bool
) -> None:
    """The whole forum; refresh with `pytest tests/test_scale_plan_containers.py --update-golden`."""
    first = runner.invoke(app, ["scale-plan", FORUM, *args])
    assert first.exit_code == 0, first.output
    assert first.stdout == runner.invoke(app, ["scale-plan", FORUM, *args]).stdout
    path = GOLDEN / golden
    if update_golden:
        path.write_text(first.stdout, encoding="utf-8")
    assert first.stdout == path.read_text(encoding="utf-8")


def test_forum_plans_all_three_kinds_of_compute() -> None:
    _, result = _forum()
    assert result.ok and not result.input_error
    assert [group.name for group in result.groups if group.planned] == ["topics"]
    assert result.containers is not None
    assert [found.name for found in result.containers.services] == ["messages"]
    assert [found.name for found in result.containers.functions] == ["users"]
    assert all(found.unplanned is None for found in result.containers.services)
    assert all(found.unplanned is None for found in result.containers.functions)


def test_service_tasks_and_fargate_cost_by_independent_arithmetic() -> None:
    raw, result = _forum()
    assert result.containers is not None
    messages = result.containers.services[0]
    service = raw["services"]["messages"]  # type: ignore[index]
    per_task = (
        Fraction(service["capacity"]["per_task"]) * service["capacity"]["target_utilization"] / 100
    )
    for hour, demand in enumerate(service["demand"]["hourly"]):
        needed = math.ceil(Fraction(demand) / per_task)
        required = survivable_total(needed, 2)
        assert messages.needed[hour] == needed
        assert messages.required[hour] == required
        assert messages.tasks[hour] == min(max(required, service["min"]), service["max"])
    assert messages.peak == 26  # 900 req/s at 70 of 100 per task: 13 tasks, 26 over two zones
    fargate = messages.fargate
    assert fargate is not None
    task_hour = Fraction(512, 1024) * Fraction("0.04048") + Fraction(1024, 1024) * Fraction(
        "0.004445"
    )
    assert fargate.task_hour == task_hour
    spot = sum(tasks * 30 // 100 for tasks in messages.tasks)
    assert fargate.spot_task_hours == spot
    assert fargate.on_demand_task_hours == sum(messages.tasks) - spot
    assert (
        fargate.total
        == task_hour * (sum(messages.tasks) - spot) + task_hour * Fraction(3, 10) * spot
    )


def test_function_concurrency_and_cost_by_independent_arithmetic() -> None:
    raw, result = _forum()
    assert result.containers is not None
    users = result.containers.functions[0]
    function = raw["functions"]["users"]  # type: ignore[index]
    rates = [Fraction(value) for value in function["demand"]["hourly"]]
    p95 = Fraction(function["duration_ms"]["p95"]) / 1000
    assert users.concurrency == [math.ceil(rate * p95) for rate in rates]
    assert users.peak == 72  # 600 req/s x 0.12 s
    assert users.available == 200
    seconds = sum(rates) * 3600 * Fraction(function["duration_ms"]["average"]) / 1000
    assert users.gb_seconds == seconds * Fraction(function["memory"], 1024)
    # arm64: the Arm duration price
    assert users.duration_cost == users.gb_seconds * Fraction("0.0000133334")
    assert users.request_cost == sum(rates) * 3600 * Fraction("0.20") / 1_000_000


def test_addresses_at_the_peak_hour_and_after_the_worst_zone_loss() -> None:
    _, result = _forum()
    assert result.containers is not None
    rows = {row.subnet.name: row for row in result.containers.addresses}
    # 26 tasks and 14 topics instances over two subnets, and one Lambda interface in each.
    assert rows["forum-app-a"].peak == 13 + 7 + 1
    assert rows["forum-app-a"].after_loss == 26 + 14 + 1
    assert rows["forum-app-a"].lost_zone == "us-east-1b"


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
    purchase: {on_demand_percentage_above_base: 100}
services:
  api:
    vpc: app
    subnets: [a, b]
    launch_type: ec2
    capacity_provider: hosts
    trunking: TRUNKING
    cpu: 512
    memory: 1024
    min: 1
    max: 30
    capacity: {per_task: 10}
    demand: {unit: requests/s, hourly: [5, 30, 75, 200, 90]}
"""


@pytest.mark.parametrize(("trunking", "per_instance"), [("false", 2), ("true", 3)])
def test_ec2_tasks_are_packed_onto_the_capacity_provider_and_feed_its_plan(
    trunking: str, per_instance: int
) -> None:
    """c5.large: 2 vCPU and 3,584 MiB hold 3 tasks of 512/1024; without trunking its 3 ENIs
    leave 2 for tasks (AWS's table), with trunking 10: CPU and memory bind at 3."""
    result = _plan(EC2_SERVICE.replace("TRUNKING", trunking))
    assert result.containers is not None
    service = result.containers.services[0]
    assert service.tasks == [1, 3, 8, 20, 9]
    expected = [
        sum(math.ceil(share / per_instance) for share in (math.ceil(t / 2), t // 2))
        for t in service.tasks
    ]
    assert service.provider_units == expected
    (group,) = result.groups
    assert group.planned
    assert group.needed == expected
    assert group.capacity == [max(1, units) for units in expected]


def test_ec2_services_beyond_the_group_make_it_short(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "short.yaml"
    path.write_text(EC2_SERVICE.replace("TRUNKING", "false").replace("max: 20", "max: 6"))
    result = runner.invoke(app, ["scale-plan", str(path), "-f", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["groups"][0]["summary"]["under_provisioned_hours"] == 1
    validated = runner.invoke(app, ["validate", str(path), "-f", "concise"])
    assert "AP811" in validated.stdout


def test_eks_node_group_and_pod_addresses(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scale-plan", EKS, "-f", "json"])
    assert result.exit_code == 1  # the node subnets run out at the peak hour
    containers = json.loads(result.stdout)["containers"]
    (group,) = containers["node_groups"]
    assert group["ok"] and group["peak_nodes"] == 18
    rows = {row["subnet"]: row for row in containers["addresses"]}
    # 9 nodes a subnet, 10 pods each: 2 ENIs for the pods and one warm, 10 addresses each.
    assert rows["shop-nodes-a"]["peak"] == 9 * 30
    assert rows["shop-nodes-a"]["usable"] == 251
    assert not rows["shop-nodes-a"]["ok"]


def test_a_throttled_function_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    text = (
        (ROOT / FORUM)
        .read_text(encoding="utf-8")
        .replace("reserved_concurrency: 200", "reserved_concurrency: 50")
    )
    path = tmp_path / "forum.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["scale-plan", str(path)])
    assert result.exit_code == 1
    assert "THROTTLED" in result.stdout


def test_unplanned_service_is_a_note_at_its_place(runner: CliRunner, tmp_path: Path) -> None:
    text = EC2_SERVICE.replace("TRUNKING", "false").replace(
        "    demand: {unit: requests/s, hourly: [5, 30, 75, 200, 90]}\n", ""
    )
    path = tmp_path / "nodemand.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["scale-plan", str(path)])
    assert result.exit_code == 0, result.output
    assert f'{path}:23:3: note: service "api" is not planned: no demand profile' in result.stderr


def test_missing_instance_resources_are_said_not_guessed(runner: CliRunner, tmp_path: Path) -> None:
    text = EC2_SERVICE.replace("TRUNKING", "false").replace(
        "instance_types:\n  c5.large: {vcpu: 2, memory: 3584}\n", ""
    )
    path = tmp_path / "nospecs.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["scale-plan", str(path)])
    assert "instance_types has no vcpu and memory for c5.large" in result.stderr
    assert 'scaling group "hosts" is not planned' in result.stderr


def test_prices_override_the_shipped_fargate_and_lambda_prices(
    runner: CliRunner, tmp_path: Path
) -> None:
    prices = tmp_path / "p.yaml"
    prices.write_text(
        "source: own\nfargate: {vcpu_hour: 1, gb_hour: 0, spot_discount: 0.5}\n"
        "lambda: {arm_gb_second: 0, requests_per_million: 1}\n"
    )
    report = json.loads(
        runner.invoke(app, ["scale-plan", FORUM, "-f", "json", "--prices", str(prices)]).stdout
    )
    service = report["containers"]["services"][0]
    assert service["fargate"]["task_hour"] == "0.50"
    assert service["fargate"]["spot_discount"] == "1/2"
    function = report["containers"]["functions"][0]
    assert function["duration_cost"] == "0.00"
    assert Decimal(function["request_cost"]) == Decimal(function["requests"]) / 1_000_000
    sources = report["containers"]["prices"]
    assert sources["fargate.vcpu_hour"]["source"].startswith("--prices")
    assert sources["fargate.arm_vcpu_hour"]["date"] is not None  # not given: shipped


def test_emits_write_service_auto_scaling(runner: CliRunner) -> None:
    template = yaml.safe_load(
        runner.invoke(app, ["scale-plan", FORUM, "--emit", "cloudformation"]).stdout
    )
    target = template["Resources"]["MessagesScalableTarget"]["Properties"]
    assert target["ResourceId"] == "service/forum/messages"
    assert (target["MinCapacity"], target["MaxCapacity"]) == (4, 30)
    policy = template["Resources"]["MessagesCpuTargetTracking"]["Properties"]
    assert policy["ScalingTargetId"] == {"Ref": "MessagesScalableTarget"}
    assert policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70
    terraform = runner.invoke(app, ["scale-plan", FORUM, "--emit", "terraform"]).stdout
    assert 'resource "aws_appautoscaling_target" "messages"' in terraform


def test_readme_shows_the_real_forum_plan(runner: CliRunner) -> None:
    output = runner.invoke(app, ["scale-plan", FORUM]).stdout
    start = output.index('examples/forum.yaml: service "messages"')
    excerpt = output[start : output.index("\n\nPrices, first")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    indented = "\n".join(("  " + line).rstrip() for line in excerpt.split("\n"))
    assert indented in readme, "update the forum plan in README.md"


def test_json_rows_are_what_json_dumps_writes(runner: CliRunner, tmp_path: Path) -> None:
    """The containers' rows are written as text without json.dumps: each must be exactly its
    json.dumps, with starts from a metrics file and with hourly demand."""
    (tmp_path / "demand.csv").write_text(
        "timestamp,value\n2026-01-01T00:00:00Z,100.5\n2026-01-01T01:00:00Z,1E+3\n"
    )
    text = (ROOT / FORUM).read_text(encoding="utf-8")
    start = text.index("    demand:\n      unit: requests/s\n      hourly: [135")
    end = text.index("    availability: {survive_az_loss: true}", start)
    text = text[:start] + "    demand: {unit: requests/s, file: demand.csv}\n" + text[end:]
    path = tmp_path / "forum.yaml"
    path.write_text(text)
    for target in (str(path), EKS):
        output = runner.invoke(app, ["scale-plan", target, "-f", "json"]).stdout
        rows = [line.strip().rstrip(",") for line in output.splitlines() if '{"hour": ' in line]
        assert rows
        for row in rows:
            assert row == json.dumps(json.loads(row), ensure_ascii=False)
    report = json.loads(runner.invoke(app, ["scale-plan", str(path), "-f", "json"]).stdout)
    (service,) = report["containers"]["services"]
    assert service["hours"][1]["start"] == "2026-01-01T01:00:00Z"
    assert service["hours"][1]["demand"] == "1000"


def test_group_rows_are_cut_from_one_encoding_exactly() -> None:
    """The groups' hourly rows are encoded in one json.dumps and cut between rows: each must be
    exactly its own json.dumps, even when a string holds the separator's text."""
    from archplan.reports.scale_plan import _encoded

    tricky = '}, {"hour": 2'
    rows: list[dict[str, object]] = [
        {"hour": hour, "start": None, "cost": tricky if hour % 2 else "1.5", "x": [hour, {"y": 1}]}
        for hour in range(7)
    ]
    assert _encoded(rows) == [json.dumps(row, ensure_ascii=False) for row in rows]
    assert _encoded(rows[:1]) == [json.dumps(rows[0], ensure_ascii=False)]
    other: list[dict[str, object]] = [{"start": None, "hour": 0}, {"hour": 1}]
    assert _encoded(other) == [json.dumps(row) for row in other]


def test_json_safe_escapes_format_characters_and_leaves_plain_ascii_alone() -> None:
    from archplan.messages import json_safe

    assert json_safe('{"a": "plain"}') == '{"a": "plain"}'
    assert json_safe('"a\x7fb"') == '"a\\u007fb"'  # DEL is ASCII and a format character
    assert json_safe('"a\u200bb"') == '"a\\u200bb"'


@pytest.mark.parametrize(
    ("declared", "reason"),
    [
        (None, "no instance_types: declared"),
        ({"m6g.large": {"vcpu": 2, "memory": 7680}}, "(m6g.large) is x86_64"),
        ({"z1d.large": {"vcpu": 2, "memory": 7680}}, "(z1d.large) has both an On-Demand price"),
        ({"c6i.large": {"vcpu": 2, "memory": 512}}, "the task does not fit on any of c6i.large"),
    ],
)
def test_fargate_on_ec2_says_why_it_is_not_compared(
    declared: dict[str, object] | None, reason: str
) -> None:
    """No guessed instance capacity, price or architecture: the comparison says what is
    missing instead."""
    raw, _ = _forum()
    raw = dict(raw)
    if declared is None:
        del raw["instance_types"]
    else:
        raw["instance_types"] = declared
    result = _plan(yaml.safe_dump(raw, sort_keys=False))
    assert result.containers is not None
    (messages,) = result.containers.services
    assert messages.ec2 is not None
    assert messages.ec2.chosen is None
    assert reason in (messages.ec2.reason or "")


def test_fargate_on_ec2_by_independent_arithmetic() -> None:
    """The forum's messages tasks on c6a.large: two awsvpc tasks each (three interfaces less the
    instance's own), so each AZ needs ceil(its tasks / 2) instances every hour."""
    raw, result = _forum()
    assert result.containers is not None
    (messages,) = result.containers.services
    assert messages.ec2 is not None and messages.ec2.chosen is not None
    chosen = messages.ec2.chosen
    assert chosen.instance_type == "c6a.large"  # the cheapest of the three declared
    assert (chosen.per_instance, chosen.limited_by) == (2, "network interfaces")
    per_hour = [math.ceil((t + 1) // 2 / 2) + math.ceil(t // 2 / 2) for t in messages.tasks]
    assert chosen.instance_hours == sum(per_hour)
    assert chosen.peak_instances == max(per_hour)
    price = Decimal(str(raw["prices"]["instance_types"]["c6a.large"]["on_demand"]))  # type: ignore[index]
    assert chosen.total == Fraction(price) * sum(per_hour)
