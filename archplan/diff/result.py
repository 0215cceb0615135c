"""The result of `archplan diff` and the gates of `--fail-on`."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

from archplan.diff import Gate
from archplan.diff.effects import Costs, FindingChange, LinkChange, MeshChange, Settings
from archplan.diff.impact import Consequence, Failure
from archplan.diff.model import Action, ObjectChange, Side, Update
from archplan.engine.parts import Part
from archplan.findings import Finding, Severity


class Diff(NamedTuple):
    """Everything `archplan diff` reports about two versions."""

    old_label: str
    new_label: str
    drift: bool  # the older version is what is deployed (`--against-from`)
    changes: tuple[ObjectChange, ...]
    consequences: tuple[Consequence, ...]
    failures: tuple[Failure, ...]
    links: tuple[LinkChange, ...]
    meshes: tuple[MeshChange, ...]
    introduced: tuple[FindingChange, ...]
    resolved: tuple[FindingChange, ...]
    costs: Costs | None  # None in drift mode: deployed output carries no demand or prices
    # How many findings were introduced and resolved, when `introduced` / `resolved` were cut
    # to --max-findings (see capped); None: the tuples hold them all.
    counts: tuple[int, int] | None = None

    @property
    def introduced_count(self) -> int:
        return self.counts[0] if self.counts is not None else len(self.introduced)

    @property
    def resolved_count(self) -> int:
        return self.counts[1] if self.counts is not None else len(self.resolved)

    @property
    def empty(self) -> bool:
        return not (self.changes or self.introduced or self.resolved or self.links or self.meshes)

    @property
    def replacements(self) -> tuple[ObjectChange, ...]:
        return tuple(
            change
            for change in self.changes
            if change.action is Action.MODIFIED and change.update is Update.REPLACEMENT
        )


# Runs a piece of work (elsewhere, or here) and returns how to collect its result.
Executor = Callable[[Callable[[], Any]], Callable[[], Any]]
Pending = Callable[[], list[Finding]]  # collects one version's rule findings


def _here(work: Callable[[], Any]) -> Callable[[], Any]:
    return work


def diff(
    old: Side,
    new: Side,
    settings: Settings | None = None,
    *,
    drift: bool = False,
    elsewhere: Executor | None = None,
    older: Pending | None = None,
) -> Diff:
    """Compare two versions; with `drift`, `old` is what is deployed and only what it can show
    is compared (archplan.diff.drift).

    `validate`'s findings are needed only on the part of the estate the change touches
    (effects.findings_part): the rules that read one unit or what is connected run on that
    part of each version, the others on the whole. Finding the part and the newer version's
    findings is handed to `elsewhere` (the command runs it in a copy of the process for a
    large estate) while this process compares, plans and prices. `older` collects the older
    version's rule findings on the whole estate when they were started early (the command
    starts them in a copy of the process as soon as the older version is read): those inside
    the part are the part's (archplan.engine.within)."""
    from archplan.diff import effects, impact
    from archplan.diff.changes import object_changes
    from archplan.diff.match import objects
    from archplan.engine import within

    settings = settings or Settings()
    old_objects, new_objects = objects(old.data), objects(new.data)
    changes = object_changes(old, new, old_objects, new_objects)
    if drift:
        from archplan.diff.drift import shown

        changes = shown(old, changes)
        return Diff(old.label, new.label, True, tuple(changes), (), (), (), (), (), (), None)
    resolved_settings = settings

    def newer() -> tuple[Part | None, list[Finding]]:
        part = effects.findings_part(old, new, old_objects, new_objects, changes)
        return part, effects.rule_findings(new, resolved_settings, part)

    pending = (elsewhere or _here)(newer)
    before, after = old.loaded.architecture, new.loaded.architecture
    meshes_touched = effects.affected_meshes(before, after, changes)
    consequences = impact.consequences(old, changes, old_objects)
    failures = tuple(impact.failures(old, new, changes))
    links = tuple(effects.link_changes(before, after, changes))
    figures = (
        effects.mesh_figures(before, meshes_touched),
        effects.mesh_figures(after, meshes_touched),
    )
    costs = effects.costs(old, new, changes, settings)
    meshes = tuple(effects.mesh_changes(before, after, changes, figures))
    part, new_found = pending()  # the newer first, as the run's demand budget was always spent
    if older is not None:
        whole = older()
        old_found = whole if part is None else within(whole, part)
    else:
        old_found = effects.rule_findings(old, settings, part)
    introduced, resolved = effects.finding_changes(
        old,
        new,
        effects.reported(old, settings, old_found),
        effects.reported(new, settings, new_found),
        effects.renamed_paths(changes),
    )
    return Diff(
        old.label,
        new.label,
        False,
        tuple(changes),
        tuple(consequences),
        failures,
        links,
        meshes,
        tuple(introduced),
        tuple(resolved),
        costs,
    )


def capped(result: Diff, maximum: int) -> Diff:
    """`result` with at most `maximum` findings introduced and `maximum` resolved, then one
    notice (AP902 too-many-findings, as `validate --max-findings` gives) that counts the rest
    by rule, as severe as the most severe of them. The counts stay those of the whole diff;
    gates are judged before the cut."""
    introduced, resolved = result.introduced, result.resolved
    if len(introduced) <= maximum and len(resolved) <= maximum:
        return result
    return result._replace(
        introduced=_cap(introduced, maximum, "introduced"),
        resolved=_cap(resolved, maximum, "resolved"),
        counts=(result.introduced_count, result.resolved_count),
    )


def _cap(findings: tuple[FindingChange, ...], maximum: int, what: str) -> tuple[FindingChange, ...]:
    from archplan.policy import TOO_MANY, TOO_MANY_NAME, left_out

    if len(findings) <= maximum:
        return findings
    shown, rest = findings[:maximum], findings[maximum:]
    severity, by_rule = left_out(rest)
    first = rest[0]
    notice = FindingChange(
        TOO_MANY,
        TOO_MANY_NAME,
        severity,
        f"{len(rest):,} more findings {what} are not shown, past the {maximum:,} reported "
        f"(--max-findings): {by_rule}",
        first.path,
        first.place,
    )
    return (*shown, notice)


class GateSpec(NamedTuple):
    gate: Gate
    percent: Fraction | None = None


def parse_gate(text: str) -> GateSpec:
    """`replacement`, `new-error`, `new-warning` or `cost-increase:PCT`; ValueError otherwise."""
    name, colon, amount = text.strip().partition(":")
    try:
        gate = Gate(name)
    except ValueError:
        choices = ", ".join(item.value for item in Gate)
        raise ValueError(f'"{text}" is not a gate; use {choices} (cost-increase:PCT)') from None
    if gate is Gate.COST_INCREASE:
        if not colon:
            raise ValueError("cost-increase needs a percentage: cost-increase:10")
        try:
            percent = Fraction(amount.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f'"{amount}" is not a percentage (cost-increase:10)') from None
        if percent < 0 or percent > 10**6:
            raise ValueError(f'"{amount}" is not a percentage from 0 to 1000000')
        return GateSpec(gate, percent)
    if colon:
        raise ValueError(f'"{text}": only cost-increase takes a value')
    return GateSpec(gate)


def crossed(result: Diff, gates: list[GateSpec]) -> list[str]:
    """Why each gate the change crosses fails the run (empty: exit 0)."""
    reasons = []
    for spec in gates:
        if spec.gate is Gate.REPLACEMENT:
            moved = [item for item in result.consequences if item.cause == ()]
            count = len(result.replacements) + len(result.failures) + len(moved)
            if count:
                reasons.append(f"{count} replacement(s) or failing edit(s)")
        elif spec.gate is Gate.NEW_ERROR:
            errors = [f for f in result.introduced if f.severity >= Severity.ERROR]
            if errors:
                reasons.append(f"{len(errors)} new error(s)")
        elif spec.gate is Gate.NEW_WARNING:
            warnings = [f for f in result.introduced if f.severity >= Severity.WARNING]
            if warnings:
                reasons.append(f"{len(warnings)} new warning(s) or error(s)")
        elif spec.gate is Gate.COST_INCREASE and result.costs is not None:
            assert spec.percent is not None
            costs = result.costs
            if costs.delta > 0 and (
                costs.old_total == 0 or costs.delta * 100 > spec.percent * costs.old_total
            ):
                reasons.append(f"monthly cost rises by more than {spec.percent}%")
    return reasons
