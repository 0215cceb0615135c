"""Every bound archplan puts on what its input may grow into, in one place.

archplan runs in CI on pull requests from anyone, so a small file must not be able to make it
build gigabytes (a scalar aliased thousands of times, a parameter joined into itself, a
file that trips a rule sixty thousand times). Each budget below is counted in bytes or items
as the input expands, and crossing one is an input error (exit 2) at the place that crossed it,
naming the budget. README's "Limits" table lists them; keep the two in step.
"""

from __future__ import annotations

from typing import Any

from archplan.errors import InputError

# Architecture, prices, baseline, configuration and imported files: the size read at most
# (`--max-file-size` changes it). Reads never ask the OS for more than this, whatever is asked.
# 16 MiB holds the largest estates measured (10,000 VPCs: 12 MiB; 50 services, 50 functions
# and 50 groups with a year of hourly demand each: 9.4 MiB) and keeps what one file can make
# the parsers build (JSON objects, YAML's buffers) well under the 512 MB promised.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
LARGEST_MAX_BYTES = 1 << 40  # --max-file-size above this is taken as this (1 TiB)

# YAML aliases: nodes and bytes (of keys and scalar values) that aliases may add to a document.
ALIAS_NODES = 100_000
ALIAS_BYTES = 10_000_000
MAX_DEPTH = 100  # nesting of YAML, JSON and TOML collections

# YAML nodes one document may hold (keys, values, list items and collections), counted while
# it is composed: each costs a few hundred bytes, so this is what bounds a file's memory, not
# its size (a 49 MB file of short nested lists is 18 million nodes: 5 GB). The 10,000-VPC
# estate of scripts/benchmark.py --large holds 986,000; a number in a list of plain numbers
# (hourly demand) costs half as much and counts half, so 150 profiles of 8,760 hours
# (scripts/benchmark_containers.py: 1,314,000 numbers) count 662,000.
NODES = 1_100_000

# CloudFormation: bytes (strings' characters, one per list or mapping item) that intrinsic
# functions (Ref, Fn::Join, Fn::Sub, Fn::FindInMap...) may return over one whole template.
INTRINSIC_BYTES = 10_000_000

# Findings reported per file; past it one AP902 finding counts the rest by rule.
MAX_FINDINGS = 1_000

# Demand files (`demand.file`) read in one run, together: bytes, and hours of profile. Fifty
# groups with a year of hourly CSV each (scripts/benchmark_scale.py --demand-files: 438,000
# hours, about 11 MB) fit; fifty 2.5 MB files (45 s of reading before) do not.
DEMAND_BYTES = 16 * 1024 * 1024
DEMAND_HOURS = 500_000

# `peering-plan --emit yaml`: "not added" comments written before they are summarised.
SNIPPET_COMMENTS = 100


class BudgetExceeded(InputError):
    """Input that expands past one of the budgets above: exit 2, at the place that crossed it.

    `path` is where in an architecture document it happened, when the crossing was found after
    loading (the engine turns it into a line and column)."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        path: tuple[str | int, ...] | None = None,
    ) -> None:
        super().__init__(message, line, column)
        self.path = path


class Budget:
    """A running count against one limit; `charge` raises BudgetExceeded past it.

    `says` is what crossing it means, with `{limit}` for the limit: "aliases expand to more
    than {limit} bytes". The message adds the budget's name, as README's table spells it."""

    __slots__ = ("limit", "name", "says", "used")

    def __init__(self, name: str, limit: int, says: str) -> None:
        self.name = name
        self.limit = limit
        self.says = says
        self.used = 0

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def charge(self, amount: int, line: int | None = None, column: int | None = None) -> None:
        self.used += amount
        if self.used > self.limit:
            raise self.exceeded(line, column)

    def exceeded(
        self,
        line: int | None = None,
        column: int | None = None,
        path: tuple[str | int, ...] | None = None,
    ) -> BudgetExceeded:
        return BudgetExceeded(
            exceeded_message(self.name, self.says, self.limit), line, column, path
        )


def exceeded_message(name: str, says: str, limit: int) -> str:
    """The one wording of a crossed budget: what happened, then the budget's name."""
    return f"{says.format(limit=f'{limit:,}')} (the {name} budget; see archplan's README, Limits)"


def read_limit(max_bytes: int) -> int:
    """`max_bytes` as a size to read: at least 0 and at most LARGEST_MAX_BYTES, so a huge
    --max-file-size (10**40) never reaches the OS as a length it cannot take."""
    return min(max(max_bytes, 0), LARGEST_MAX_BYTES)


class DemandBudget:
    """What the demand files of one run may add up to: bytes read and hours of profile
    (DEMAND_BYTES, DEMAND_HOURS). A file already read is not read or charged again: `read`
    keeps its profile (capacity.demand.Profile) by real path."""

    def __init__(self, max_bytes: int = DEMAND_BYTES, max_hours: int = DEMAND_HOURS) -> None:
        self.bytes = Budget(
            "demand-bytes", max_bytes, "the demand files of this run hold more than {limit} bytes"
        )
        self.hours = Budget(
            "demand-hours", max_hours, "the demand files of this run span more than {limit} hours"
        )
        self.read: dict[str, Any] = {}
