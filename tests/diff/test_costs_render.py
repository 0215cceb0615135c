"""The diff's reports of shared commitments: each format names the pool and its figures, and
the cost lines add up to the total (a group's own table prices its On-Demand part uncommitted;
the pool's line is what sharing adds or saves)."""

from __future__ import annotations

import json
import re
from fractions import Fraction

from archplan.diff.render import DiffFormat, renderer
from tests.diff.costs import NIGHT, estate
from tests.diff.helpers import texts

OLD = estate({"day": {}, "night": {"demand": {"hourly": NIGHT}, "max": 5}})
NEW = estate({"day": {}, "night": {"demand": {"hourly": NIGHT}, "max": 10}})


def _money(text: str) -> Fraction:
    sign = -1 if text.startswith("-") else 1
    return sign * Fraction(text.lstrip("+-").lstrip("$").replace(",", ""))


def test_text_names_the_shared_commitment_and_its_change() -> None:
    out = renderer(DiffFormat.TEXT)(texts(OLD, NEW), False, 1000)
    assert "in a shared commitment" in out
    assert "shared commitment (compute-savings-plan, any family, any Region, 24-hour" in out
    changes = [_money(found) for found in re.findall(r"change: ([+-]\$[\d,.]+)/month", out)]
    total = re.search(r"total: .* \(([+-]\$[\d,.]+),", out)
    assert total is not None and len(changes) == 2  # night, and the shared commitment
    assert sum(changes) == _money(total.group(1))


def test_json_gives_the_pools_figures_and_the_groups_pooled_flag() -> None:
    document = json.loads(renderer(DiffFormat.JSON)(texts(OLD, NEW), False, 100))
    cost = document["cost"]
    [night] = cost["scaling_groups"]
    assert night["old"]["pooled"] and night["new"]["pooled"]
    [pool] = cost["shared_commitments"]
    assert (pool["type"], pool["region"], pool["families"], pool["hours"]) == (
        "compute-savings-plan",
        None,
        [],
        24,
    )
    assert pool["old"]["groups"] == pool["new"]["groups"] == ["day", "night"]

    def effect(figures: dict[str, dict[str, str]]) -> Fraction:
        per_month = figures["per_month"]
        return Fraction(per_month["pooled"]) - Fraction(per_month["uncommitted"])

    delta = effect(pool["new"]) - effect(pool["old"])
    delta += Fraction(night["new"]["per_month"]) - Fraction(night["old"]["per_month"])
    assert delta == Fraction(cost["total_per_month"]["delta"])


def test_markdown_rows_add_up_to_the_total() -> None:
    out = renderer(DiffFormat.MARKDOWN)(texts(OLD, NEW), False, 100)
    rows = [
        line
        for line in out.splitlines()
        if line.startswith("| scaling group") or "sharing adds" in line
    ]
    assert len(rows) == 2
    deltas = [_money(row.rstrip(" |").rsplit("| ", 1)[1]) for row in rows]
    total = re.search(r"\| \*\*total\*\* \|.*\| ([+-]\$[\d,.]+) \(", out)
    assert total is not None and sum(deltas) == _money(total.group(1))
