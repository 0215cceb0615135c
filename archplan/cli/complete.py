"""Shell completion of values: rule ids for `explain`, mesh and group names from the file.

Called by the shell at each TAB (see completions/); a file that cannot be read completes to
nothing rather than printing an error into the user's command line. A name is offered only if
it reaches the terminal as it is: one with a control or format character (an escape sequence
that retitles the terminal, a newline that would make a second completion) is refused, as
every message escapes them (archplan.messages.escape_line) and an escaped name would complete
to a different, wrong one.
"""

from __future__ import annotations

from typing import Any


def rules(incomplete: str) -> list[str]:
    """Rule ids, then names, that start with what was typed (any letter case)."""
    from archplan.rules import RULES

    typed = incomplete.lower()
    ids = [rule.id for rule in RULES.values() if rule.id.lower().startswith(typed)]
    names = [rule.name for rule in RULES.values() if rule.name.startswith(typed)]
    return shown(ids + names)


def shown(values: list[str]) -> list[str]:
    """The values that can be offered as they are: escape_line leaves them unchanged (no
    control or format character, no workflow command, not cut for length)."""
    from archplan.messages import escape_line

    return [value for value in values if value and escape_line(value) == value]


def _file(ctx: Any, args: list[str]) -> str | None:
    """The architecture file named on the command line so far: the parsed argument when Click
    has it, else the first word typed that names an existing file. (During completion Click
    parses leniently and may leave the argument unset; the shell hands the words over in
    COMP_WORDS (bash) or _TYPER_COMPLETE_ARGS (zsh, fish, PowerShell).)"""
    import os
    import shlex

    file = ctx.params.get("file")
    if isinstance(file, str) and file != "-":
        return file
    typed = os.environ.get("_TYPER_COMPLETE_ARGS") or os.environ.get("COMP_WORDS") or ""
    try:
        words = shlex.split(typed)
    except ValueError:  # an unclosed quote in what was typed so far
        words = typed.split()
    for word in [*args, *words[2:]]:
        if not word.startswith("-") and os.path.isfile(word):
            return word
    return None


def _names(ctx: Any, args: list[str], section: str, incomplete: str) -> list[str]:
    from archplan.engine import load_architecture
    from archplan.source import DEFAULT_MAX_BYTES, read_source

    file = _file(ctx, args)
    if file is None:
        return []
    try:
        loaded = load_architecture(read_source(file, DEFAULT_MAX_BYTES))
    except Exception:  # completion never fails loudly: the file may be half written
        return []
    found: dict[str, Any] = getattr(loaded.architecture, section)
    return shown([name for name in found if name.startswith(incomplete)])


def meshes(ctx: Any, args: list[str], incomplete: str) -> list[str]:
    """The meshes the file named on the command line declares."""
    return _names(ctx, args, "meshes", incomplete)


def groups(ctx: Any, args: list[str], incomplete: str) -> list[str]:
    """The scaling groups of the file named on the command line."""
    return _names(ctx, args, "scaling_groups", incomplete)
