"""The rule registry: each rule's id, name, default severity, summary, documentation and check,
and what the check reads.

Problem and Related live in archplan.problems and are re-exported here for the rules.

What a check reads (`reads=`) lets `archplan diff` run it on the part of an estate a change
touches instead of on all of it (archplan.engine.parts). A *unit* is one top-level object with
everything nested in it (a VPC with its subnets and route tables, a peering, a scaling group).

- `Reads.ESTATE` (the default): the check may compare any objects of the file with any others
  (a quota per Region counts every VPC; an overlap check may compare unrelated VPCs). It always
  runs on the whole estate.
- `Reads.CONNECTED`: what the check says about an object depends only on the units connected
  to it (linked by name, directly or through others: a subnet's VPC, a peering's two VPCs, the
  targets of a route, a group's subnets; archplan.engine.parts says which links count) and on
  the file's settings (defaults, quotas, prices, instance types, prefix lists). For every
  estate cut into its connected parts, its findings on the whole are the union of its findings
  on each part.
- `Reads.UNIT`: what the check says about an object depends only on the unit that holds it
  and on the settings (a subnet's size, a VPC's own blocks and routes): its findings on the
  whole are the union of its findings on each unit alone.

tests/engine/test_parts.py checks both for every such rule on every example, rule case and
documentation example, and on random estates; a rule that compares objects by address or
across unlinked objects must stay ESTATE. Checks that share an analysis through the memo
(`shared`, or a memo entry one fills for another) must say the same.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from archplan.analysis import shared  # re-exported: an analysis must not import the rules
from archplan.findings import Severity
from archplan.problems import Problem, Related

if TYPE_CHECKING:
    from archplan.model import Architecture


__all__ = [
    "CONNECTED",
    "RULES",
    "UNIT",
    "Check",
    "Problem",
    "Reads",
    "Related",
    "Rule",
    "quota_related",
    "rule",
    "shared",
]

Check = Callable[["Architecture"], Iterator[Problem]]


class Reads(enum.Enum):
    """What a check reads (see the module docstring)."""

    ESTATE = "estate"
    CONNECTED = "connected"
    UNIT = "unit"


CONNECTED = Reads.CONNECTED
UNIT = Reads.UNIT


class Rule(NamedTuple):
    """One rule; its documentation is the check's docstring, so the docs cannot drift."""

    id: str
    name: str
    severity: Severity
    summary: str
    documentation: str
    domain: str
    check: Check | None = None
    reads: Reads = Reads.ESTATE


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    checked_by_engine: bool = True,
    reads: Reads = Reads.ESTATE,
) -> Callable[[Check], Check]:
    """Register a check. Rules raised by the loader or decoder pass checked_by_engine=False;
    `reads` says whether the check may run on a connected part of the estate alone."""

    def register(check: Check) -> Check:
        if rule_id in RULES or any(existing.name == name for existing in RULES.values()):
            raise ValueError(f"rule {rule_id} {name} registered twice")
        RULES[rule_id] = Rule(
            id=rule_id,
            name=name,
            severity=severity,
            summary=summary,
            documentation=inspect.cleandoc(check.__doc__ or ""),
            domain=domain_of(check.__module__),
            check=check if checked_by_engine else None,
            reads=reads,
        )
        return check

    return register


def domain_of(module: str) -> str:
    """A rule's domain, which users see in SARIF tags and `rules --format json`: its module
    under archplan.rules, or the package its topic module sits in (rules.peering.usage is
    "peering")."""
    parts = module.split(".")
    return parts[2] if parts[:2] == ["archplan", "rules"] and len(parts) > 2 else parts[-1]


def quota_related(architecture: Architecture, quota_name: str) -> tuple[Related, ...]:
    """Point at the file's own quota setting, when it overrides AWS's default."""
    path = architecture.quota_path(quota_name)
    return (Related(f"{quota_name} is set here", path),) if path else ()
