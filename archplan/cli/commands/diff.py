"""`archplan diff`: two versions of one estate (two files, a file and a git revision, imports,
or a file against what is deployed) and what the change does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from archplan.cli import io as memory
from archplan.cli.io import (
    EXIT_FINDINGS,
    fail,
    input_error,
    report_width,
    say,
    usage_error,
    use_color,
    write_output,
)
from archplan.cli.io import to_file as is_file
from archplan.cli.options import (
    Color,
    ConfigFile,
    MaxFileSize,
    MaxFindings,
    OutputFile,
    Params,
    PricesFile,
    Region,
    Width,
    format_option,
)
from archplan.diff.render import DiffFormat
from archplan.importers import SourceKind
from archplan.limits import MAX_FINDINGS
from archplan.output import ColorMode
from archplan.source import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from collections.abc import Callable

    from archplan.diff.model import Side
    from archplan.diff.result import Executor, Pending
    from archplan.importers.common import ImportOptions

SideKind = Annotated[
    SourceKind | None,
    typer.Option(
        metavar="KIND",
        help="Import this side from cloudformation, terraform or aws-cli files (a directory "
        "stands for every file in it).",
        case_sensitive=False,
    ),
]


def diff(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="OLD NEW | FILE...",
            help="OLD and NEW; with --base, the file(s) of the working tree; with "
            "--against-from, the architecture file then the deployed sources.",
        ),
    ],
    base: Annotated[
        str | None,
        typer.Option(metavar="REV", help="Take OLD from git: `git show REV:path` of each file."),
    ] = None,
    old_from: SideKind = None,
    new_from: SideKind = None,
    against_from: Annotated[
        SourceKind | None,
        typer.Option(
            metavar="KIND",
            help="Drift: compare the file with what is deployed, imported from the files after "
            "it (aws-cli describe-* output).",
            case_sensitive=False,
        ),
    ] = None,
    output_format: Annotated[DiffFormat, format_option("Report format.")] = DiffFormat.TEXT,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            metavar="GATE",
            help="Exit 1 when the change crosses GATE: replacement, new-error, new-warning or "
            "cost-increase:PCT; repeatable.",
        ),
    ] = None,
    output: OutputFile = None,
    color: Color = ColorMode.AUTO,
    width: Width = None,
    config: ConfigFile = None,
    prices: PricesFile = None,
    param: Params = None,
    region: Region = None,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
    max_findings: MaxFindings = MAX_FINDINGS,
) -> None:
    """Show what changing OLD into NEW does: objects added, removed and modified with how AWS
    applies each (replacement, interruption, in place), what replacements take with them and
    which edits fail as written, peering links, findings introduced and resolved, capacity and
    cost. Exit 1 when a --fail-on gate is crossed, 2 on unreadable input."""
    import gc

    from archplan.cli.imports import import_options
    from archplan.cli.settings import explicit_config, file_settings, prices_file
    from archplan.diff import effects
    from archplan.diff.effects import Settings, SideError
    from archplan.diff.result import capped, crossed, diff, parse_gate
    from archplan.limits import DemandBudget

    gates = []
    for text in fail_on or ():
        try:
            gates.append(parse_gate(text))
        except ValueError as error:
            usage_error(str(error), "--fail-on")
    options = import_options(param, region, max_file_size)
    anchor = files[0] if against_from is not None or base is not None else files[-1]
    explicit = explicit_config(config)
    configured, policy, _ = file_settings(anchor, explicit, None, frozenset(), None)
    prices_path = prices if prices is not None else (configured.prices if configured else None)
    book_prices = prices_file(prices_path, max_file_size, {}) if prices_path is not None else None
    settings = Settings(
        policy,
        dict(configured.quotas) if configured else None,
        book_prices,
        prices_path,
        max_file_size,
        DemandBudget(),  # the demand files of the whole run, as validate shares one
    )
    drift = against_from is not None
    older: list[Pending] = []

    def read_older(side: Side) -> None:
        """Start the older version's rule findings in a copy of this process as soon as it is
        read, for a large estate: they run while this one reads the newer version."""
        run = None if drift else _second_process(len(side.text))
        if run is not None:
            older.append(run(lambda: effects.rule_findings(side, settings)))

    collecting = gc.isenabled()
    gc.disable()  # millions of acyclic nodes for a large estate, as validate does
    try:
        old, new = _sides(
            files, base, old_from, new_from, against_from, options, max_file_size, read_older
        )
        elsewhere = _second_process(max(len(old.text), len(new.text)))
        try:
            result = diff(
                old,
                new,
                settings,
                drift=drift,
                elsewhere=elsewhere,
                older=older[0] if older else None,
            )
        except SideError as error:  # a budget crossed in one version: exit 2 at its place
            input_error(error, error.label)
        if memory.keep_for(max(old.text, new.text, key=len)) is not None:
            # Left to the operating system at exit (main), as validate leaves a large model,
            # and frozen: later collections would walk millions of objects for nothing.
            memory.kept.extend((old, new))
            gc.freeze()
    finally:
        if collecting:
            gc.enable()
    from archplan.diff.render import renderer

    reasons = crossed(result, gates)  # on every finding, before the report's cut
    shown = capped(result, max_findings)
    to_file = is_file(output)
    text = renderer(output_format)(shown, use_color(color, to_file), report_width(width, to_file))
    write_output(output, text, "the report")
    for reason in reasons:
        say(f"archplan diff: {reason} (--fail-on)")
    if reasons:
        raise typer.Exit(EXIT_FINDINGS)


def _second_process(size: int) -> Executor | None:
    """For a large estate, an executor that runs work in a forked copy of this process (the
    older version's findings while this one reads the newer; the part a change touches and the
    newer version's findings while this one compares, plans and prices): validate's work for
    each version on a CPU of its own. None (run in line, when collected) for a small one or
    where fork is not available."""
    import os

    if not hasattr(os, "fork") or size < memory.KEEP_FROM_CHARS:
        return None
    return _fork


def _fork(work: Callable[[], Any]) -> Callable[[], Any]:
    import os
    import pickle

    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the copy: compute, hand over, and leave without running any cleanup
        code = 0
        try:
            os.close(read)
            payload = pickle.dumps(work())
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)

    def collect() -> Any:
        with os.fdopen(read, "rb") as source:
            payload = source.read()
        _, status = os.waitpid(child, 0)
        if status != 0 or not payload:  # the copy failed: do the work here after all
            return work()
        return pickle.loads(payload)

    return collect


def _sides(
    files: list[str],
    base: str | None,
    old_from: SourceKind | None,
    new_from: SourceKind | None,
    against_from: SourceKind | None,
    options: ImportOptions,
    max_file_size: int,
    read_older: Callable[[Side], None],
) -> tuple[Side, Side]:
    """The two versions the arguments name, the older first (handed to `read_older` as soon
    as it is read); usage errors and unreadable input exit 2."""
    if against_from is not None:
        if base is not None or old_from is not None or new_from is not None:
            _usage(
                "--against-from compares one file with what is deployed: no --base, "
                "--old-from or --new-from"
            )
        if len(files) < 2:
            _usage("--against-from needs the architecture file and at least one source")
        deployed = _imported(against_from, files[1:], options, "deployed")
        return deployed, _file(files[0], max_file_size)
    if base is not None:
        if old_from is not None:
            _usage(
                "--base takes the old side from git in the same form as the new: "
                "use --new-from for both"
            )
        if new_from is None:
            if len(files) != 1:
                _usage("--base takes one architecture file")
            label = f"{base}:{files[0]}"
            old = _text_side(label, _git_show(base, files[0], max_file_size), _folder(files[0]))
            read_older(old)
            new = _file(files[0], max_file_size)
        else:
            old = _git_import(base, new_from, files, options, max_file_size)
            read_older(old)
            new = _imported(new_from, files, options, "new")
        return old, new
    if len(files) != 2:
        _usage("give OLD and NEW (or --base REV FILE, or --against-from KIND FILE SOURCE...)")
    old_file, new_file = files
    old = (
        _imported(old_from, _expand(old_file), options, old_file)
        if old_from is not None
        else _file(old_file, max_file_size)
    )
    read_older(old)
    new = (
        _imported(new_from, _expand(new_file), options, new_file)
        if new_from is not None
        else _file(new_file, max_file_size)
    )
    return old, new


def _usage(message: str) -> NoReturn:
    usage_error(message, "FILES")


def _folder(name: str) -> str:
    from archplan.source import folder_of

    return folder_of(name)


def _file(name: str, max_file_size: int) -> Side:
    from archplan.errors import InputError
    from archplan.source import read_source

    shown = name
    try:
        source = read_source(name, max_file_size)
        shown = source.name
        return _text_side(source.name, source.text, _folder(name))
    except InputError as error:
        input_error(error, shown)


def _text_side(label: str, text: str, folder: str) -> Side:
    from archplan.diff.sides import from_text
    from archplan.errors import InputError

    try:
        return from_text(label, text, folder)
    except InputError as error:
        input_error(error, label)


def _expand(name: str) -> list[str]:
    """A directory stands for the regular files in it, in name order."""
    import os

    if os.path.isdir(name):
        found = sorted(
            os.path.join(name, entry)
            for entry in os.listdir(name)
            if os.path.isfile(os.path.join(name, entry)) and not entry.startswith(".")
        )
        if not found:
            fail(f"{name}: error: the directory holds no files to import")
        return found
    return [name]


def _imported(kind: SourceKind, files: list[str], options: ImportOptions, label: str) -> Side:
    from archplan.cli.imports import source_error_message
    from archplan.diff.sides import from_import
    from archplan.importers import import_sources
    from archplan.importers.common import SourceError

    try:
        result = import_sources(kind, files, options)
    except SourceError as error:
        fail(source_error_message(error))
    warnings = len(result.issues)
    if warnings and not _describes_objects(result.document):
        # Every part was left out: comparing it would report "no change" (or remove
        # everything) about a source that was never read.
        fail(
            f"archplan diff: {label}: error: imported nothing to compare: its {warnings} "
            f"import issue(s) left every object out; `archplan import {kind.value} ...` lists them"
        )
    if warnings:
        say(
            f"archplan diff: {label}: {warnings} import issue(s) left parts out; "
            f"`archplan import {kind.value} ...` lists them"
        )
    side = from_import(label, result, kind.value, files, _folder(files[0]))
    return side._replace(stacks=_stacks(label, files))


def _describes_objects(document: dict[str, object]) -> bool:
    """Whether an imported document holds any object (a VPC, a peering, a group ...), beyond
    the version, name and defaults every import writes."""
    return any(
        isinstance(value, dict) and value
        for key, value in document.items()
        if key not in ("archplan", "name", "defaults", "quotas")
    )


def _stacks(given: str, files: list[str]) -> dict[str, str]:
    """What makes a source file the same stack in both versions: its path within the folder
    given for the side, else its file name (its path as given when two share a name)."""
    import os

    if os.path.isdir(given):
        return {name: os.path.relpath(name, given) for name in files}
    names = [os.path.basename(name) for name in files]
    if len(set(names)) < len(names):
        return {}
    return dict(zip(files, names, strict=True))


def _git_show(revision: str, name: str, max_bytes: int) -> str:
    """The text of `name` at `revision` (`git show REV:./name`, run in the file's folder),
    read as any input is: at most `max_bytes` (a revision's blob is as untrusted as a file)."""
    import os
    import subprocess
    import tempfile

    from archplan.errors import InputError
    from archplan.limits import read_limit
    from archplan.source import TooLarge, decode_text, read_rest

    folder, base = os.path.split(name)
    if revision.startswith("-"):  # git would read it as an option
        usage_error(f'"{revision}" is not a revision (it starts with "-")', "--base")
    limit = read_limit(max_bytes)
    # git's messages go to a file, so a chatty git cannot block while its output is read.
    with tempfile.TemporaryFile() as errors:
        try:
            git = subprocess.Popen(
                ["git", "show", f"{revision}:./{base}"],
                cwd=folder or ".",
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        except OSError as error:
            fail(f"{name}: error: cannot run git: {error.strerror or error}")
        assert git.stdout is not None
        with git.stdout:
            data = read_rest(git.stdout, limit + 1)  # in chunks, never the limit at once
        if len(data) > limit:
            git.kill()
        code = git.wait()
        errors.seek(0)
        said = errors.read(64 * 1024)
    if len(data) > limit:
        input_error(TooLarge(limit), f"{revision}:{name}")
    if code != 0:
        reason = said.decode("utf-8", "replace").strip().splitlines()
        shown = (reason[-1] if reason else f"git exited with {code}").removeprefix("fatal: ")
        fail(f"{revision}:{name}: error: {_git_hint(shown, revision, name)}")
    try:
        return decode_text(data)
    except InputError as error:
        input_error(error, f"{revision}:{name}")


def _git_hint(said: str, revision: str, name: str) -> str:
    """git's reason, said for someone who may not know what `git show` was asked."""
    if said.startswith("invalid object name") or said.startswith("ambiguous argument"):
        return (
            f'git knows no revision "{revision}" here ({said.rstrip(".")}); give a branch, tag '
            "or commit of this repository (fetch it first if it is a remote's)"
        )
    if said.startswith("not a git repository"):
        return (
            f"{name} is not in a git repository, so --base cannot read its older version; "
            "compare two files instead: archplan diff OLD NEW"
        )
    if "exists on disk, but not in" in said or "does not exist in" in said:
        return f"{name} is not in {revision}: a file new since then has no older version ({said})"
    return said


def _git_import(
    revision: str, kind: SourceKind, files: list[str], options: ImportOptions, max_bytes: int
) -> Side:
    """The sources as they were at `revision`, imported: each written to a scratch folder
    under its own name, and the origins renamed back to `REV:path`."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory(prefix="archplan-diff-") as scratch:
        copies = []
        for index, name in enumerate(files):
            folder = os.path.join(scratch, str(index))
            os.mkdir(folder)
            copy = os.path.join(folder, os.path.basename(name))
            with open(copy, "w", encoding="utf-8") as handle:
                handle.write(_git_show(revision, name, max_bytes))
            copies.append(copy)
        side = _imported(kind, copies, options, f"{revision}")
    names = {copy: f"{revision}:{name}" for copy, name in zip(copies, files, strict=True)}
    origins = {
        path: origin._replace(file=names.get(origin.file, origin.file))
        for path, origin in side.origins.items()
    }
    # The same template at two revisions is one stack: ids stay comparable across them.
    new_stacks = _stacks("", files) or {name: name for name in files}
    stacks = {f"{revision}:{name}": new_stacks[name] for name in files}
    return side._replace(origins=origins, label=revision, folder=_folder(files[0]), stacks=stacks)
