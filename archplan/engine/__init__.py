"""Validate one source: load, decode, build the model, run every rule, locate the findings."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from collections.abc import Mapping as MappingOf
from typing import NamedTuple

from archplan import schema
from archplan.build import Builder
from archplan.decode import Decoder, RuleProblem
from archplan.engine.parts import Part, part_of
from archplan.errors import InputError
from archplan.findings import Finding, Path, Related, Span
from archplan.limits import BudgetExceeded
from archplan.loader import Document, Mapping, Scalar, TooLargeInteger, load
from archplan.model import Architecture, Prices, Surroundings
from archplan.policy import Policy, apply_policy
from archplan.problems import Problem
from archplan.problems import Related as RelatedProblem
from archplan.rules import RULES
from archplan.rules.registry import Reads
from archplan.source import DEFAULT_MAX_BYTES, Source, folder_of

SUPPORTED_VERSIONS = (1,)
DUPLICATE_KEY = "AP001"
_TOP_MAPPING = "an architecture file is a mapping with 'archplan: 1' at the top, not {kind}"


class FileResult(NamedTuple):
    """What validating one file produced: findings, or the input error that stopped it."""

    name: str
    source: Source | None
    findings: tuple[Finding, ...] = ()
    error: InputError | None = None


class Loaded(NamedTuple):
    """A file read into the model, with the problems found on the way."""

    document: Document
    architecture: Architecture
    problems: list[RuleProblem]


def load_architecture(source: Source, keep: list[object] | None = None) -> Loaded:
    """Text to model; raises InputError when the text is not an architecture file at all.

    With `keep`, the decoded values are appended to it rather than freed on return.

    Every command loads through here, with the cyclic garbage collector off: a large estate
    allocates millions of acyclic objects, which it would rescan again and again (60 % of the
    time at 10,000 VPCs) without ever freeing one."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_architecture(source, keep)
    finally:
        if collecting:
            gc.enable()


def _load_architecture(source: Source, keep: list[object] | None) -> Loaded:
    document = load(source.text, top_mapping=_TOP_MAPPING)
    root = document.root
    if not isinstance(root, Mapping):  # pragma: no cover - load refuses it at the first event
        raise InputError(_TOP_MAPPING.format(kind="a list"), root.span.line, root.span.column)
    _check_version(root)
    problems: list[RuleProblem] = [
        (
            DUPLICATE_KEY,
            Problem(
                f'duplicate key "{duplicate.path[-1]}"; the first one is kept',
                duplicate.path,
                (RelatedProblem("first written here", duplicate.path, duplicate.first),),
                on_key=True,
                span=duplicate.span,
            ),
        )
        for duplicate in document.duplicates
    ]
    problems += [
        ("AP003", Problem(problem.message, problem.path, span=problem.span))
        for problem in document.type_problems
    ]
    decoder = Decoder()
    data = decoder.decode(root, schema.ARCHITECTURE, ())
    builder = Builder(decoder.rejected)
    architecture = builder.build(data)
    if keep is not None:
        keep.append(data)
    return Loaded(document, architecture, problems + decoder.problems + builder.problems)


def _check_version(root: Mapping) -> None:
    entry = root.entries.get("archplan")
    if entry is None:
        raise InputError(
            "not an archplan architecture file: the top-level key 'archplan: 1' is missing",
            root.span.line,
            root.span.column,
        )
    version = entry.value
    if isinstance(version, Scalar) and type(version.value) is int:  # not 1.0, not true
        if version.value in SUPPORTED_VERSIONS:
            return
        shown = version.raw
    elif isinstance(version, Scalar) and isinstance(version.value, TooLargeInteger):
        shown = f"(a {len(version.raw.lstrip('+-'))}-digit number)"
    elif isinstance(version, Scalar) and version.value is None:
        shown = "(none: write 'archplan: 1')"
    elif isinstance(version, Scalar) and isinstance(version.value, str):
        shown = f'"{version.raw}" (a string; write the number 1 without quotes)'
    else:
        shown = version.raw if isinstance(version, Scalar) else "a collection"
    raise InputError(
        f"unsupported format version {shown}; this archplan reads format 1 ('archplan: 1')",
        version.span.line,
        version.span.column,
    )


def validate_source(
    source: Source,
    policy: Policy | None = None,
    quotas: MappingOf[str, int] | None = None,
    prices: Prices | None = None,
    prices_name: str | None = None,
    max_file_size: int = DEFAULT_MAX_BYTES,
    keep: list[object] | None = None,
    demand_budget: object | None = None,
) -> FileResult:
    """Every finding for one source after the policy and the file's suppression comments
    (archplan.policy), sorted by position; input errors become `error`.

    `quotas` (from the project configuration) replace AWS's defaults; the file's own `quotas:`
    win over them. `prices` (`--prices FILE` or the configuration's) are consulted before the
    file's, as by `scale-plan`; files the architecture names are read up to `max_file_size`.
    With `keep`, the file's nodes and model are appended to it instead of being freed here:
    a caller that ends the process right after the report spares the time to free them.
    `demand_budget` (limits.DemandBudget) is shared by the files of one run; a
    crossed budget is the file's input error, at the place that crossed it.
    """
    surroundings = Surroundings(
        folder_of(source.name), max_file_size, prices, prices_name, demand_budget
    )
    # A large estate allocates millions of acyclic objects; the cyclic collector would rescan
    # them again and again (60 % of the time at 10,000 VPCs) without ever freeing one.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _validate(source, policy or Policy(), quotas, surroundings, keep)
    finally:
        if collecting:
            gc.enable()


def _validate(
    source: Source,
    policy: Policy,
    quotas: MappingOf[str, int] | None,
    surroundings: Surroundings,
    keep: list[object] | None = None,
) -> FileResult:
    try:
        loaded = load_architecture(source, keep)
    except InputError as error:
        return FileResult(source.name, source, error=error)
    if keep is not None:
        keep.append(loaded)
    try:
        findings = check_loaded(loaded, policy, quotas, surroundings)
    except BudgetExceeded as error:
        return FileResult(source.name, source, error=located(error, loaded.document))
    # A wrong Region or zone (AP114, AP116, AP117) is read like a rejected value: the rules
    # that need it hold back, so a suppression they would have used is not "unused".
    partial = bool(loaded.architecture.rejected) or any(
        finding.rule_id in UNKNOWN_PLACE for finding in findings
    )
    return FileResult(source.name, source, apply_policy(findings, source.text, policy, partial))


UNKNOWN_PLACE = frozenset({"AP114", "AP116", "AP117"})


def check_loaded(
    loaded: Loaded,
    policy: Policy,
    quotas: MappingOf[str, int] | None = None,
    surroundings: Surroundings | None = None,
    part: Part | None = None,
) -> list[Finding]:
    """The located findings of the enabled rules, sorted, before severities and suppressions
    (which belong to the text the user wrote: an imported document's are its source's).

    With `part`, the rules that read one unit, or only what is connected, run on the part's
    units (archplan.engine.parts); the others, and the loader's findings, on the whole file."""
    architecture = loaded.architecture
    if surroundings is not None:
        architecture = architecture._replace(surroundings=surroundings)
    if quotas:
        written = {name: architecture.quotas[name] for name in architecture.quotas_set}
        architecture = architecture._replace(quotas={**architecture.quotas, **quotas, **written})
    problems = list(loaded.problems)
    models = {Reads.ESTATE: architecture, Reads.CONNECTED: architecture, Reads.UNIT: architecture}
    if part is not None:
        models[Reads.CONNECTED] = part_of(architecture, part.connected)
        models[Reads.UNIT] = part_of(architecture, part.units)
    for rule in RULES.values():
        if rule.check is not None and policy.enabled(rule.id):
            model = models[rule.reads]
            problems += [(rule.id, problem) for problem in rule.check(model)]
    findings = sorted(
        (locate(rule_id, problem, loaded.document) for rule_id, problem in problems),
        key=Finding.sort_key,
    )
    return list(_unique(findings))


def within(findings: Iterable[Finding], part: Part) -> list[Finding]:
    """The findings of a whole estate that check_loaded with `part` gives: those of rules
    that read the estate, and those of the others blamed inside the part (a rule that reads
    less than the estate blames what it read: tests/engine/test_parts.py checks it)."""
    kept = []
    for finding in findings:
        rule = RULES.get(finding.rule_id)
        reads = rule.reads if rule is not None else Reads.ESTATE
        if reads is Reads.ESTATE:
            kept.append(finding)
            continue
        path = finding.path
        units = part.units if reads is Reads.UNIT else part.connected
        if len(path) >= 2 and (path[0], path[1]) in units:
            kept.append(finding)
    return kept


def _unique(findings: Iterable[Finding]) -> Iterable[Finding]:
    """Drop repeats: a node reached through several aliases yields the same finding twice."""
    previous = None
    for finding in findings:
        if finding != previous:
            yield finding
        previous = finding


def locate(rule_id: str, problem: Problem, document: Document) -> Finding:
    """Turn a rule's path-based problem into a finding with line and column."""
    rule = RULES[rule_id]
    on_key = problem.on_key
    if on_key is None:
        span = problem.span or value_place(document, problem.path)
    else:
        span = problem.span or document.span_at(problem.path, key=on_key)
    related = tuple(
        Related(item.message, item.span or place_of(document, item.path), item.path)
        for item in problem.related
    )
    severity = rule.severity if problem.severity is None else problem.severity
    return Finding(rule.id, rule.name, severity, problem.message, span, problem.path, related)


def located(error: BudgetExceeded, document: Document) -> InputError:
    """A budget crossed at a path of the document, as an input error at its line and column."""
    if error.path is None or error.line is not None:
        return error
    span = value_place(document, error.path)
    return BudgetExceeded(error.message, span.line, span.column, error.path)


def value_place(document: Document, path: Path) -> Span:
    """Where a value is blamed, as findings blame it: a mapping by its key, else the value."""
    return document.span_at(path, key=isinstance(document.node_at(path), Mapping))


def place_of(document: Document, path: Path) -> Span:
    """A related object is shown by the key that names it; a related value by the value."""
    return document.span_at(path, key=not isinstance(document.node_at(path), Scalar))
