"""The diff's cost of ECS services on Fargate and Lambda functions (review F6, F6b): each one's
monthly cost in each version and both totals are what `archplan scale-plan` of that whole
version reports (its JSON, run through the CLI here, never numbers copied into the test), and
the `cost-increase` gate sees them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from archplan.cli import app
from tests.diff.costs import check_against_scale_plan, containers_total, costs_of, scale_plan_of
from tests.diff.helpers import EXAMPLES, edit

FORUM = (EXAMPLES / "forum.yaml").read_text(encoding="utf-8")
# The function "users" from 512 to 2,048 MiB, the service "messages" from 0.5 vCPU / 1 GiB to
# 1 vCPU / 2 GiB (the review's fo2.yaml).
BIGGER = edit(
    edit(FORUM, "    memory: 512\n", "    memory: 2048\n"),
    "    cpu: 512\n    memory: 1024\n",
    "    cpu: 1024\n    memory: 2048\n",
)


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def _scale_plan(path: str) -> dict[str, Any]:
    code, out = _cli("scale-plan", path, "--format", "json")
    assert code in (0, 1), out
    document: dict[str, Any] = json.loads(out)
    return document


def _monthly(document: dict[str, Any]) -> dict[str, str]:
    """scale-plan's per-month figure of each Fargate service and each function, by kind/name."""
    found = {}
    containers = document.get("containers") or {}
    for service in containers.get("services", []):
        fargate = service["fargate"]
        if fargate is not None and not fargate["comparison_only"]:
            found[f"services/{service['name']}"] = fargate["per_month"]
    for function in containers.get("functions", []):
        if function["per_month"] is not None:
            found[f"functions/{function['name']}"] = function["per_month"]
    return found


def _diff_json(old: str, new: str, *gates: str) -> tuple[int, dict[str, Any]]:
    code, out = _cli("diff", old, new, "--format", "json", *gates)
    return code, json.loads(out)


def test_a_bigger_function_and_service_cost_what_the_two_scale_plans_say(tmp_path: Path) -> None:
    old = _write(tmp_path, "forum.yaml", FORUM)
    new = _write(tmp_path, "forum2.yaml", BIGGER)
    before, after = _monthly(_scale_plan(old)), _monthly(_scale_plan(new))
    assert before.keys() == after.keys() == {"services/messages", "functions/users"}
    code, document = _diff_json(old, new)
    cost = document["cost"]
    listed = {
        f"{kind}/{item['name']}": (item["old"]["per_month"], item["new"]["per_month"])
        for kind in ("services", "functions")
        for item in cost[kind]
    }
    assert listed == {key: (before[key], after[key]) for key in before}
    # The totals move by exactly the services' and functions' change: nothing else changed.
    rise = sum(Decimal(after[key]) - Decimal(before[key]) for key in before)
    assert abs(Decimal(cost["total_per_month"]["delta"]) - rise) < Decimal("0.000002")
    assert rise > 0 and code == 0
    assert cost["services_not_in_totals"] == cost["functions_not_in_totals"] == []


def test_the_cost_increase_gate_sees_a_bigger_function_and_service(tmp_path: Path) -> None:
    old = _write(tmp_path, "forum.yaml", FORUM)
    new = _write(tmp_path, "forum2.yaml", BIGGER)
    code, _ = _diff_json(old, new, "--fail-on", "cost-increase:1")
    assert code == 1
    code, text = _cli("diff", old, new)
    assert 'service "messages"' in text and 'function "users"' in text and "monthly cost +$" in text


def test_the_totals_are_each_whole_versions_scale_plan_exactly() -> None:
    found = check_against_scale_plan(FORUM, BIGGER, str(EXAMPLES))
    assert {item.name for item in found.services} == {"messages"}
    assert {item.name for item in found.functions} == {"users"}
    back = check_against_scale_plan(BIGGER, FORUM, str(EXAMPLES))
    assert back.delta == -found.delta and found.delta > 0


def test_an_unchanged_pair_and_an_unrelated_change_give_no_container_cost_change() -> None:
    same = costs_of(FORUM, FORUM, str(EXAMPLES))
    assert same.delta == 0 and not same.services and not same.functions and not same.groups
    other = edit(FORUM, "    max: 30\n", "    max: 31\n")  # the service's max: no hour reaches it
    found = check_against_scale_plan(FORUM, other, str(EXAMPLES))
    assert not found.functions and found.delta == 0


def test_the_percentage_is_of_the_whole_estate(tmp_path: Path) -> None:
    """F6b: a change to the scaling group alone is a percentage of everything scale-plan
    prices, the services and functions included."""
    text = edit(FORUM, "on_demand_percentage_above_base: 20", "on_demand_percentage_above_base: 50")
    found = check_against_scale_plan(FORUM, text, str(EXAMPLES))
    assert found.groups and not found.services and not found.functions
    whole = containers_total(scale_plan_of(FORUM, str(EXAMPLES)))
    gate = int(found.delta * 100 / found.old_total) + 1  # just above the change
    assert found.delta * 100 / (found.old_total - whole) > gate  # the groups alone exceed it
    old = _write(tmp_path, "forum.yaml", FORUM)
    new = _write(tmp_path, "forum3.yaml", text)
    code, document = _diff_json(old, new, "--fail-on", f"cost-increase:{gate}")
    assert code == 0, document["cost"]["increase_percent"]
    code, _ = _diff_json(old, new, "--fail-on", f"cost-increase:{gate - 1}")
    assert code == 1


def test_text_and_markdown_list_the_service_and_the_function(tmp_path: Path) -> None:
    old = _write(tmp_path, "forum.yaml", FORUM)
    new = _write(tmp_path, "forum2.yaml", BIGGER)
    _, text = _cli("diff", old, new)
    section = text[text.index("Capacity and cost") :]
    assert 'service "messages"' in section and "before: peak" in section
    assert 'function "users"' in section and "concurrent executions" in section
    _, markdown = _cli("diff", old, new, "--format", "markdown")
    assert "| service messages |" in markdown and "| function users |" in markdown


def test_a_price_change_prices_every_service_and_function_again() -> None:
    """New Fargate and Lambda rates in the file's prices: nothing else changed, each one's cost
    moves as scale-plan of each version says."""
    priced = edit(
        FORUM,
        "  discounts:\n",
        "  fargate: {vcpu_hour: 0.05, gb_hour: 0.006, spot_discount: 0.5}\n"
        "  lambda: {arm_gb_second: 0.00002, requests_per_million: 0.3}\n"
        "  discounts:\n",
    )
    found = check_against_scale_plan(FORUM, priced, str(EXAMPLES))
    assert {item.name for item in found.services} == {"messages"}
    assert {item.name for item in found.functions} == {"users"}


def test_a_subnet_moved_to_another_zone_plans_the_service_again() -> None:
    """The service's zones decide its tasks when it must survive an AZ loss: a subnet it uses
    that moves to the other subnet's zone is planned again, and its figures are scale-plan's."""
    one_zone = edit(
        FORUM,
        "forum-app-b:    {cidr: 10.50.32.0/20, az: us-east-1b",
        "forum-app-b:    {cidr: 10.50.32.0/20, az: us-east-1a",
    )
    found = check_against_scale_plan(FORUM, one_zone, str(EXAMPLES))
    assert found.services or found.functions or found.groups
    check_against_scale_plan(one_zone, FORUM, str(EXAMPLES))
