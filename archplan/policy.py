"""What a file's findings become after the project's policy and the file's own suppressions.

In order: per-rule severities from the configuration; `select` and `ignore` (a rule not
selected, or ignored, is not reported, and not even checked); then the file's suppression
comments (archplan.suppress). Suppressed findings are dropped from every report and from the
exit code. Each suppression that silenced nothing, names an unknown rule, is malformed or is
misplaced becomes an AP901 unused-suppression finding, which the policy applies to as well
(so `ignore = ["AP901"]` or `# archplan: ignore-file[AP901]` turn it off).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from archplan.findings import Finding, Severity
from archplan.suppress import Suppression, find_suppressions

if TYPE_CHECKING:
    from archplan.project_config import ProjectConfig

UNUSED = "AP901"


@dataclass(frozen=True, slots=True)
class Policy:
    """Which rules are reported, and how severe; the default reports every rule as written."""

    select: frozenset[str] | None = None  # rule ids; None: every rule
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: ProjectConfig | None) -> Policy:
        if config is None:
            return cls()
        return cls(config.select, config.ignore, dict(config.severity))

    def enabled(self, rule_id: str) -> bool:
        if rule_id in self.ignore:
            return False
        return self.select is None or rule_id in self.select


def apply_policy(
    findings: Iterable[Finding], text: str, policy: Policy, partial: bool = False
) -> tuple[Finding, ...]:
    """The findings to report for one file, sorted by position.

    `partial`: part of the file was rejected when it was read. Rules then hold back on what the
    rejected value feeds (no cascades), so a suppression that silenced nothing may only be idle
    until the value is fixed: it is not reported unused (names of no rule and malformed
    comments still are)."""
    kept = [_with_severity(f, policy) for f in findings if policy.enabled(f.rule_id)]
    suppressions = find_suppressions(text)
    if not suppressions:
        return tuple(sorted(kept, key=Finding.sort_key))
    resolved = [_resolve(suppression) for suppression in suppressions]
    used: list[set[str]] = [set() for _ in suppressions]
    file_wide = {
        rule_id: index
        for index, (suppression, (ids, _unknown)) in enumerate(
            zip(suppressions, resolved, strict=True)
        )
        if suppression.kind == "ignore-file" and not suppression.problem
        for rule_id in ids
    }
    by_line: dict[int, list[int]] = {}
    for index, suppression in enumerate(suppressions):
        if suppression.kind == "ignore" and not suppression.problem:
            by_line.setdefault(suppression.target, []).append(index)
    reported: list[Finding] = []
    for finding in kept:
        owner = file_wide.get(finding.rule_id)
        if owner is None:
            owner = next(
                (
                    i
                    for i in by_line.get(finding.span.line, ())
                    if finding.rule_id in resolved[i][0]
                ),
                None,
            )
        if owner is None:
            reported.append(finding)
        else:
            used[owner].add(finding.rule_id)
    if policy.enabled(UNUSED) and UNUSED not in file_wide:
        for index, suppression in enumerate(suppressions):
            ids, unknown = resolved[index]
            idle = set(ids) if partial else used[index]  # partial: none counts as unused
            for message in _problems(suppression, ids, unknown, idle):
                reported.append(_unused(suppression, message, policy))
    return tuple(sorted(reported, key=Finding.sort_key))


def _with_severity(finding: Finding, policy: Policy) -> Finding:
    severity = policy.severity.get(finding.rule_id)
    if severity is None or severity == finding.severity:
        return finding
    return finding._replace(severity=severity)


def _resolve(suppression: Suppression) -> tuple[dict[str, str], list[str]]:
    """The rule ids a suppression names (id -> as written), and the names that are no rule."""
    from archplan.project_config import resolve_rule

    ids: dict[str, str] = {}
    unknown: list[str] = []
    for code in suppression.codes:
        rule_id = resolve_rule(code)
        if rule_id is None:
            unknown.append(code)
        else:
            ids.setdefault(rule_id, code)
    return ids, unknown


def _problems(
    suppression: Suppression, ids: Mapping[str, str], unknown: list[str], used: set[str]
) -> Iterable[str]:
    """The messages of the AP901 findings for one suppression (no line numbers in them, so a
    baseline fingerprint survives moved lines)."""
    from archplan.project_config import unknown_rule_hint
    from archplan.rules import RULES

    if suppression.problem:
        yield suppression.problem
        return
    for code in unknown:
        yield f"{suppression.kind}[{code}] names no rule{unknown_rule_hint(code)}"
    unused = [rule_id for rule_id in ids if rule_id not in used]
    if unused:
        listed = ", ".join(f"{rule_id} ({RULES[rule_id].name})" for rule_id in unused)
        where = "in the file" if suppression.kind == "ignore-file" else "on the line it covers"
        pronoun = "it" if len(unused) == 1 else "them"
        yield f"unused suppression: {listed} reported nothing {where}; remove {pronoun}"


def _unused(suppression: Suppression, message: str, policy: Policy) -> Finding:
    from archplan.rules import RULES

    rule = RULES[UNUSED]
    severity = policy.severity.get(UNUSED, rule.severity)
    return Finding(rule.id, rule.name, severity, message, suppression.span, ())


# Past `--max-findings` (limits.MAX_FINDINGS) per file, one notice stands for the rest. It is
# not a rule (nothing to select, ignore or explain): an id of its own so reports can show it.
TOO_MANY = "AP902"
TOO_MANY_NAME = "too-many-findings"


class Counted(Protocol):
    """What the AP902 notice reads of a finding left out (a Finding, or a diff's change)."""

    @property
    def rule_id(self) -> str: ...

    @property
    def severity(self) -> Severity: ...


def left_out(rest: Sequence[Counted]) -> tuple[Severity, str]:
    """What an AP902 notice says of the findings past the cap: the most severe of them (so the
    exit code and --fail-on are as without the cap), and their count by rule."""
    counts: dict[str, int] = {}
    for finding in rest:
        counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1
    by_rule = ", ".join(f"{rule_id} x{count:,}" for rule_id, count in sorted(counts.items()))
    return max(finding.severity for finding in rest), by_rule


def cap_findings(findings: tuple[Finding, ...], maximum: int) -> tuple[Finding, ...]:
    """The first `maximum` findings (in report order), then one AP902 finding that counts the
    rest by rule, at the first left out, as severe as the most severe of them (so the exit code
    and --fail-on are as without the cap). Reports stay small whatever the file trips."""
    if len(findings) <= maximum:
        return findings
    shown, rest = findings[:maximum], findings[maximum:]
    severity, by_rule = left_out(rest)
    summary = Finding(
        TOO_MANY,
        TOO_MANY_NAME,
        severity,
        f"{len(rest):,} more findings are not shown, past the {maximum:,} reported per file "
        f"(--max-findings): {by_rule}",
        rest[0].span,
        (),
    )
    return (*shown, summary)
