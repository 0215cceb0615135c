"""`validate`'s run over many files: each file's settings (configuration, policy, threshold,
quotas, prices), then load → rules → policy → findings (archplan.engine.validate_source); or
the imported sources of `--from`; then the baseline and the cap on findings per file.

The run raises and returns; it never prints or exits. The command renders the outcome.
Importing this module loads the engine (archplan.engine) and its rules: only a command that
validates does; the importers (--from) and the baseline load only when asked for.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from archplan.engine import FileResult, validate_source
from archplan.engine.settings import SettingsError, explicit_config, file_settings, prices_file
from archplan.errors import InputError
from archplan.findings import Severity
from archplan.limits import MAX_FINDINGS, DemandBudget
from archplan.policy import cap_findings
from archplan.project_config import ConfigError
from archplan.source import DEFAULT_MAX_BYTES, read_source

if TYPE_CHECKING:
    from pathlib import Path

    from archplan.importers import SourceKind
    from archplan.importers.common import ImportOptions, SourceError
    from archplan.model import Prices
    from archplan.project_config import ProjectConfig


class RunFailed(Exception):
    """The run cannot report (exit 2): `lines` say why, after the input errors of `results`
    (the files read before it failed; none when it failed while reading them)."""

    def __init__(self, lines: Sequence[str], results: Sequence[FileResult] = ()) -> None:
        super().__init__(lines[0])
        self.lines = tuple(lines)
        self.results = tuple(results)


class ValidateRequest(NamedTuple):
    """What `validate` was asked: the files, and how to judge them."""

    files: Sequence[str]
    config: str | None = None  # --config; else each file's nearest configuration
    select: frozenset[str] | None = None  # replaces the configuration's select
    ignore: frozenset[str] = frozenset()  # added to the configuration's
    fail_on: Severity | None = None  # else the configuration's, else error
    max_file_size: int = DEFAULT_MAX_BYTES
    prices: str | None = None  # --prices; else the configuration's
    source_kind: SourceKind | None = None  # --from: the files are sources to import
    import_options: ImportOptions | None = None
    baseline: str | None = None  # report only findings that are not in it
    write_baseline: str | None = None  # record the findings there instead of reporting them
    max_findings: int = MAX_FINDINGS
    # How the caller keeps a large file's nodes and model alive instead of freeing them (the
    # console script ends right after the report): a list to append them to, or None.
    keep_for: Callable[[str], list[object] | None] | None = None


class Outcome(NamedTuple):
    """One result per file, in the order given, and each file's --fail-on threshold."""

    results: list[FileResult]
    thresholds: list[Severity]
    recorded: int | None = None  # with write_baseline: how many findings it recorded

    @property
    def threshold(self) -> Severity:
        """The lowest threshold of the run: the report marks findings from there on."""
        return min(self.thresholds, default=Severity.ERROR)

    @property
    def unreadable(self) -> bool:
        """Some file could not be validated (exit 2)."""
        return any(result.error is not None for result in self.results)

    @property
    def failing(self) -> bool:
        """Some file has a finding at or above its own threshold (exit 1)."""
        return any(
            finding.severity >= limit
            for result, limit in zip(self.results, self.thresholds, strict=True)
            for finding in result.findings
        )


def run_validate(request: ValidateRequest) -> Outcome:
    """Validate every file of the request; raises RunFailed on an invalid configuration,
    prices file or baseline, or a `--from` source that cannot be imported."""
    try:
        explicit = explicit_config(request.config)
        if request.source_kind is None:
            outcome = _validate_files(request, explicit)
        else:
            outcome = _validate_imported(request, request.source_kind, explicit)
    except ConfigError as error:
        raise RunFailed(error.lines()) from None
    return outcome


def _validate_files(request: ValidateRequest, explicit: ProjectConfig | None) -> Outcome:
    """Each file with its own settings, one at a time (a large model is kept or freed before
    the next file is read)."""
    cache: dict[Path, ProjectConfig] = {}
    price_files: dict[str, Prices] = {}
    demand_budget = DemandBudget()  # the demand files of every file of the run, together
    results: list[FileResult] = []
    thresholds: list[Severity] = []
    max_file_size = request.max_file_size
    for name in request.files:
        settings, policy, threshold = file_settings(
            name, explicit, request.select, request.ignore, request.fail_on, cache
        )
        thresholds.append(threshold)
        try:
            source = read_source(name, max_file_size)
        except InputError as error:
            results.append(FileResult(name, None, error=error))
            continue
        quotas = dict(settings.quotas) if settings is not None else None
        prices_name = request.prices
        if prices_name is None and settings is not None:
            prices_name = settings.prices
        prices_given = None
        if prices_name is not None:
            try:
                prices_given = prices_file(prices_name, max_file_size, price_files)
            except SettingsError as error:
                raise RunFailed((error.line(),)) from None
        keep = request.keep_for(source.text) if request.keep_for is not None else None
        results.append(
            validate_source(
                source,
                policy,
                quotas,
                prices_given,
                prices_name,
                max_file_size,
                keep,
                demand_budget,
            )
        )
        if keep:
            gc.freeze()  # or every later collection would walk the million kept objects
    return _after_baseline(request, Outcome(results, thresholds))


def _validate_imported(
    request: ValidateRequest, kind: SourceKind, explicit: ProjectConfig | None
) -> Outcome:
    """`validate --from`: one result per source file. The configuration is the one of the
    first source (or --config), as for one estate."""
    from archplan.importers.check import validate_import
    from archplan.importers.common import ImportOptions, SourceError

    files = request.files
    settings, policy, threshold = file_settings(
        files[0], explicit, request.select, request.ignore, request.fail_on
    )
    quotas = dict(settings.quotas) if settings is not None else None
    options = request.import_options or ImportOptions(max_bytes=request.max_file_size)
    try:
        results = validate_import(kind, files, options, policy, quotas)
    except SourceError as error:
        raise RunFailed((source_error_line(error),)) from None
    return _after_baseline(request, Outcome(results, [threshold] * len(results)))


def _after_baseline(request: ValidateRequest, outcome: Outcome) -> Outcome:
    """With write_baseline, every finding recorded there; else only the findings the baseline
    does not know (when there is one), at most `max_findings` of them per file."""
    if request.write_baseline is not None:
        recorded = _record_baseline(request.write_baseline, outcome)
        return outcome._replace(recorded=recorded)
    results = outcome.results
    if request.baseline is not None:
        from archplan import baseline as baselines

        try:
            known = baselines.load(request.baseline)
        except InputError as error:
            line = f"{error.location(request.baseline)}: error: {error.message}"
            raise RunFailed((line,), results) from None
        results = [
            result._replace(
                findings=baselines.new_findings(
                    result.findings,
                    known.get(baselines.file_key(result.name, request.baseline), {}),
                ),
            )
            for result in results
        ]
    capped = [
        result._replace(findings=cap_findings(result.findings, request.max_findings))
        for result in results
    ]
    return outcome._replace(results=capped)


def _record_baseline(path: str, outcome: Outcome) -> int:
    """validate --write-baseline: record the run's findings in `path` atomically and return
    how many; raises RunFailed when a file could not be validated (its findings would be
    missing) or the baseline cannot be written."""
    from archplan import baseline
    from archplan.output import write_atomic

    results = outcome.results
    if outcome.unreadable:
        line = f"{path}: error: not written: some files could not be validated"
        raise RunFailed((line,), results)
    try:
        write_atomic(path, baseline.render(results, path).encode("utf-8"))
    except OSError as error:
        reason = error.strerror or str(error)
        line = f"{path}: error: cannot write the baseline: {reason}"
        raise RunFailed((line,), results) from None
    return sum(len(result.findings) for result in outcome.results)


def source_error_line(error: SourceError) -> str:
    """A source that cannot be imported, as the error line the commands print."""
    where = error.file if error.line is None else f"{error.file}:{error.line}:{error.column or 1}"
    return f"{where}: error: {error.message}"
