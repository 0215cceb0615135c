"""scale-plan and peering-plan text reads well at any width: nothing to plan is one line, a
number keeps its unit, counts have separators, no table cell is folded mid-word."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from archplan.reports.scale_plan_text import NOTHING_TO_PLAN
from archplan.reports.terminal import UNITS, wrap
from tests.conftest import ROOT

WIDTHS = (60, 80, 120)
EXAMPLES = sorted(
    str(path.relative_to(ROOT))
    for path in [*ROOT.glob("examples/*.yaml"), *ROOT.glob("examples/broken/*.yaml")]
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_nothing_to_plan_is_one_line_and_exit_zero(runner: CliRunner) -> None:
    example = "examples/three-vpc-mesh.yaml"
    result = runner.invoke(app, ["scale-plan", example, "--width", "200"])
    assert result.exit_code == 0
    assert result.stdout == f"{example}: {NOTHING_TO_PLAN}\n"
    for section in ("scaling_groups", "services", "functions", "node_groups"):
        assert section in NOTHING_TO_PLAN
    narrow = runner.invoke(app, ["scale-plan", example, "--width", "60"]).stdout
    assert "Prices" not in narrow and "Assumptions" not in narrow


def _split_units(text: str) -> list[tuple[str, str]]:
    """Consecutive lines where a number ends one and its unit starts the next."""
    lines = text.splitlines()
    found = []
    for before, after in itertools.pairwise(lines):
        words = after.split()
        first = words[0].rstrip(",;:.)") if words else ""
        if re.search(r"\d$", before) and (first in UNITS or first.startswith("%")):
            found.append((before, after))
    return found


def test_wrap_never_separates_a_number_from_its_unit() -> None:
    chance = random.Random(7)
    words = ["discount", "from", "the", "file's", "prices", "peak", "at", "a", "of"]
    for _ in range(2000):
        parts = []
        for _ in range(chance.randint(3, 30)):
            if chance.random() < 0.3:
                parts.append(f"{chance.randint(0, 99999)} {chance.choice(UNITS)}")
            else:
                parts.append(chance.choice(words))
        text = "  " + " ".join(parts)
        width = chance.randint(24, 100)
        lines = wrap(text, width)
        assert _split_units("\n".join(lines)) == []
        assert " ".join(line.strip() for line in lines) == text.strip()


def test_forum_at_80_columns_keeps_phrases_and_formats_counts(runner: CliRunner) -> None:
    text = runner.invoke(app, ["scale-plan", "examples/forum.yaml", "--width", "80"]).stdout
    assert _split_units(text) == []
    flat = " ".join(line.strip() for line in text.splitlines())
    assert "discount 34 % from" in flat
    assert "Cost: 551,610 GB-seconds $7.35 + 24,516,000 requests $4.90" in flat
    assert "concurrency sized on p95 duration 120 ms" in flat


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", ["scale-plan", "peering-plan"])
def test_every_example_reads_well_at_every_width(
    runner: CliRunner, command: str, width: int
) -> None:
    for example in EXAMPLES:
        result = runner.invoke(app, [command, example, "--width", str(width)])
        if result.exit_code == 2:
            continue
        assert _split_units(result.stdout) == [], example
        for line in result.stdout.splitlines():
            # A table never folds a header or a cell mid-word (Rich's fold) at these widths.
            assert not re.fullmatch(r" +(d|d\)|nd|and|lost\))", line), (example, line)


def test_subnet_addresses_narrower_than_the_table_are_prose(runner: CliRunner) -> None:
    text = runner.invoke(app, ["scale-plan", "examples/forum.yaml", "--width", "60"]).stdout
    flat = " ".join(line.strip() for line in text.splitlines())
    assert "forum-app-a (us-east-1a): 4091 usable, 21 used at the peak; 41 after losing" in flat
    assert "committed   On-Demand" in text  # the mix table's headers whole
