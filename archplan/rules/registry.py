"""The rule registry: each rule's id, name, default severity, summary, documentation and check.

Problem and Related live in archplan.problems and are re-exported here for the rules.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from archplan.analysis import shared  # re-exported: an analysis must not import the rules
from archplan.findings import Severity
from archplan.problems import Problem, Related

if TYPE_CHECKING:
    from archplan.model import Architecture


__all__ = ["RULES", "Check", "Problem", "Related", "Rule", "quota_related", "rule", "shared"]

Check = Callable[["Architecture"], Iterator[Problem]]


class Rule(NamedTuple):
    """One rule; its documentation is the check's docstring, so the docs cannot drift."""

    id: str
    name: str
    severity: Severity
    summary: str
    documentation: str
    domain: str
    check: Check | None = None


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, name: str, severity: Severity, summary: str, *, checked_by_engine: bool = True
) -> Callable[[Check], Check]:
    """Register a check. Rules raised by the loader or decoder pass checked_by_engine=False."""

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
