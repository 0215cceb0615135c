"""Project configuration: the `[tool.archplan]` table of `.archplan.toml` or `pyproject.toml`.

    [tool.archplan]
    files = ["network/archplan.yaml", "envs/*.archplan.yaml"]   # for validate-config
    select = ["AP1", "peering-overlap"]     # only these rules (ids, id prefixes or names)
    ignore = ["AP104"]                      # never these; ignore wins over select
    severity = {AP104 = "error", "unused-suppression" = "warning"}
    fail-on = "warning"                     # when --fail-on is not given
    quotas = {routes_per_route_table = 1000}
    prices = "prices.yaml"                  # for scale-plan and validate, without --prices

A configuration is found by walking up from a directory (the validated file's, or the working
directory for validate-config): in each directory `.archplan.toml` first, then a
`pyproject.toml` that has a `[tool.archplan]` table; the first one found is used (or the one
given with `--config`). Paths are relative to the configuration file's directory; `files`
entries with `*`, `?` or `[` are glob patterns (`**` spans directories).

A configuration arrives with the pull request it configures, so its paths stay inside the
configuration file's directory tree (the project): an absolute path, `..` that climbs out, or a
symbolic link that leads out is refused, patterns never follow symbolic links to directories,
and a pattern may look at no more than MAX_GLOB_ENTRIES directory entries. Paths given on the
command line (`--prices`, the files to validate) are the user's own and are not confined.

An invalid configuration is an input error (exit 2) reported as `FILE:LINE:COL: error: ...`.
tomllib keeps no positions, so the line and column are an approximation: the first place after
the `[tool.archplan]` header where the offending key (and then the offending value or entry) is
written; a TOML syntax error carries tomllib's own line and column.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from archplan.findings import Severity

CONFIG_NAMES = (".archplan.toml", "pyproject.toml")
MAX_GLOB_ENTRIES = 100_000  # directory entries one `files` pattern may look at
MAX_CONFIG_BYTES = 1024 * 1024  # a configuration is a few lines; pyproject.toml rarely 50 KB
EXAMPLE = '[tool.archplan]\nfiles = ["network/archplan.yaml"]'


class ConfigError(Exception):
    """The configuration is missing, unreadable or invalid (exit code 2)."""

    def __init__(
        self,
        message: str,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        example: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.example = example  # EXAMPLE follows the message, on lines of its own

    def lines(self) -> tuple[str, ...]:
        """The message line, then the example's lines when there is one."""
        return (str(self), *(EXAMPLE.split("\n") if self.example else ()))

    def __str__(self) -> str:
        if self.path is None:
            return f"archplan: error: {self.message}"
        where = _relative(self.path)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: error: {self.message}"


class ConfiguredFiles(NamedTuple):
    """Where the configuration was read, and the files it lists, as paths to open."""

    config: Path
    files: tuple[str, ...]


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above `start`, or None."""
    for directory in (start, *start.parents):
        dot_file = directory / CONFIG_NAMES[0]
        if dot_file.is_file():
            return dot_file
        pyproject = directory / CONFIG_NAMES[1]
        if pyproject.is_file() and "archplan" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def configured_files(config: Path | None = None, start: Path | None = None) -> ConfiguredFiles:
    """The files listed in `config` (else the nearest configuration above `start` or the cwd)."""
    if config is None:
        config = find_config((start or Path.cwd()).resolve())
        if config is None:
            raise ConfigError(
                "no configuration found: list the architecture files in .archplan.toml or "
                "pyproject.toml (in this directory or above):",
                example=True,
            )
    elif not config.is_file():
        raise ConfigError("no such configuration file", config)
    table = _read(config).get("tool", {}).get("archplan")
    if table is None:
        raise ConfigError("no [tool.archplan] table; add one:", config, example=True)
    if not isinstance(table, dict):
        raise ConfigError("tool.archplan must be a table", config)
    entries = table.get("files")
    if entries is None or entries == []:
        raise ConfigError("[tool.archplan] lists no files; add them:", config, example=True)
    if not isinstance(entries, list) or not all(
        isinstance(entry, str) and entry.strip() for entry in entries
    ):
        raise ConfigError("[tool.archplan] files must be a list of paths (strings)", config)
    base = _relative(config.parent)
    files: list[str] = []
    for entry in entries:
        _inside(config, entry, "files")
        path = os.path.normpath(os.path.join(base, entry))
        if not any(char in entry for char in "*?["):
            files.append(path)
            continue
        matches = [os.path.join(base, found) for found in _glob(config, entry)]
        if not matches:
            raise ConfigError(f'files pattern "{entry}" matches no file', config)
        files.extend(os.path.normpath(match) for match in matches)
    return ConfiguredFiles(config, tuple(dict.fromkeys(files)))


def _inside(config: Path, written: str, key: str) -> None:
    """Refuse a configured path that leaves the configuration's directory tree."""
    if os.path.isabs(written) or written.startswith("~"):
        raise ConfigError(
            f"{key}: an absolute path; paths in the configuration are relative to its folder "
            "and stay inside it",
            config,
        )
    normal = os.path.normpath(written)
    if normal == ".." or normal.startswith(".." + os.sep) or normal.startswith("../"):
        raise ConfigError(
            f"{key}: a path that leaves the configuration's folder (..); paths in the "
            "configuration stay inside its directory tree",
            config,
        )


def _within(root: str, path: str) -> bool:
    """Whether `path`, with its symbolic links resolved, is inside `root` (resolved)."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _glob(config: Path, pattern: str) -> list[str]:
    """The paths, relative to the configuration's folder, that `pattern` matches there.

    glob.glob would follow a symbolic link to `/` and walk the machine; this walk does not
    follow links to directories, skips hidden names unless the pattern part starts with `.`,
    keeps only files whose real path is inside the folder, and stops past MAX_GLOB_ENTRIES."""
    root = os.path.realpath(config.parent)
    parts = [part for part in pattern.replace(os.sep, "/").split("/") if part not in ("", ".")]
    seen = [0]
    found: list[str] = []

    def entries(folder: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(os.path.join(root, folder) if folder else root) as listing:
                items = sorted(listing, key=lambda item: item.name)
        except OSError:
            return []
        seen[0] += len(items)
        if seen[0] > MAX_GLOB_ENTRIES:
            raise ConfigError(
                f'files pattern "{pattern}" looks at more than {MAX_GLOB_ENTRIES:,} directory '
                "entries; name the folders it should search",
                config,
            )
        return items

    def walk(folder: str, index: int) -> None:
        if index == len(parts):
            return
        part, last = parts[index], index == len(parts) - 1
        if part == "**":
            walk(folder, index + 1)  # zero directories
            for item in entries(folder):
                if not item.name.startswith(".") and item.is_dir(follow_symlinks=False):
                    walk(os.path.join(folder, item.name), index)
            return
        if part == "..":
            return  # refused by _inside already; never climb
        for item in entries(folder):
            hidden = item.name.startswith(".") and not part.startswith(".")
            if hidden or not fnmatch.fnmatchcase(item.name, part):
                continue
            relative = os.path.join(folder, item.name)
            if last:
                if item.is_file() and _within(root, item.path):
                    found.append(relative)
            elif item.is_dir(follow_symlinks=False):
                walk(relative, index + 1)

    walk("", 0)
    return sorted(dict.fromkeys(found))


def _text(path: Path) -> str:
    """The configuration's text, read as every input is (archplan.source: a regular file,
    within MAX_CONFIG_BYTES, never blocking); ConfigError otherwise."""
    from archplan.errors import InputError
    from archplan.source import TooLarge, read_source

    try:
        return read_source(str(path), MAX_CONFIG_BYTES, quote=False, allow_stdin=False).text
    except TooLarge:
        raise ConfigError(
            f"cannot read it: larger than {MAX_CONFIG_BYTES:,} bytes, too large for a "
            "configuration",
            path,
        ) from None
    except InputError as error:
        if error.line is not None:
            raise ConfigError(error.message, path, error.line, error.column) from None
        raise ConfigError(f"cannot read it: {error.message}", path) from None


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # only when a configuration exists: most runs have none (start-up)

    try:
        return tomllib.loads(_text(path))
    except RecursionError:
        raise ConfigError("not valid TOML: nested too deeply", path) from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r" \(at line (\d+), column (\d+)\)$", message)
        if where is None and message.endswith(" (at end of document)"):
            text = _text(path)
            line, column = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
            message = message.removesuffix(" (at end of document)") + " at the end of the file"
            raise ConfigError(f"not valid TOML: {message}", path, line, column) from None
        if where is None:
            raise ConfigError(f"not valid TOML: {message}", path) from None
        line, column = int(where.group(1)), int(where.group(2))
        raise ConfigError(
            f"not valid TOML: {message[: where.start()]}", path, line, column
        ) from None


def _relative(path: Path) -> str:
    """A path as reports show it: relative to the working directory when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


# The full configuration, for `archplan validate` (and scale-plan's prices).

KEYS = ("files", "select", "ignore", "severity", "fail-on", "quotas", "prices")
FAIL_ON = ("error", "warning", "info")


class ProjectConfig(NamedTuple):
    """A validated `[tool.archplan]` table; rule selectors are resolved to rule ids."""

    path: Path
    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severity: tuple[tuple[str, Severity], ...] = ()
    fail_on: Severity | None = None
    quotas: tuple[tuple[str, int], ...] = ()
    prices: str | None = None  # a path, relative to the working directory when possible


def load_config(path: Path) -> ProjectConfig:
    """Read and check the configuration at `path`; ConfigError (located) when it is invalid.

    A file without a `[tool.archplan]` table configures nothing (every default applies).
    """
    if not path.is_file():
        raise ConfigError("no such configuration file", path)
    table = _read(path).get("tool", {}).get("archplan")
    text = _text(path)
    if table is None:
        return ProjectConfig(path)
    locate = _Locator(path, text)
    if not isinstance(table, dict):
        raise locate.error("tool.archplan must be a table", ())
    for key in table:
        if key not in KEYS:
            from archplan.spelling import did_you_mean

            hint = did_you_mean(key, KEYS)
            raise locate.error(f'unknown key "{key}" in [tool.archplan]{hint}', (key,))
    select = table.get("select")
    return ProjectConfig(
        path=path,
        select=None if select is None else _rule_list(select, "select", locate),
        ignore=_rule_list(table.get("ignore", []), "ignore", locate),
        severity=_severities(table.get("severity", {}), locate),
        fail_on=_fail_on(table.get("fail-on"), locate),
        quotas=_quotas(table.get("quotas", {}), locate),
        prices=_prices(table.get("prices"), path, locate),
    )


def config_for(file: str, cache: dict[Path, ProjectConfig] | None = None) -> ProjectConfig | None:
    """The configuration that applies to an architecture file: the nearest one above its
    directory (the working directory for standard input), or None."""
    # os.path.realpath, not Path.resolve: a symbolic link loop is the file's own error (read
    # later, exit 2), where Path.resolve raises RuntimeError.
    directory = Path.cwd() if file in ("-", "<stdin>") else Path(os.path.realpath(file)).parent
    found = find_config(directory)
    if found is None:
        return None
    if cache is None:
        return load_config(found)
    if found not in cache:
        cache[found] = load_config(found)
    return cache[found]


def resolve_rule(text: str) -> str | None:
    """The id of the rule with this id (any case) or name, or None."""
    from archplan.rules import RULES

    wanted = text.strip()
    if wanted.upper() in RULES:
        return wanted.upper()
    for rule in RULES.values():
        if rule.name == wanted.lower():
            return rule.id
    return None


def unknown_rule_hint(text: str) -> str:
    """' (did you mean "x"?)' for a misspelled rule id or name."""
    from archplan.rules import RULES
    from archplan.spelling import did_you_mean

    word = text.strip()
    if re.fullmatch(r"(?i)ap\d*", word):
        return did_you_mean(word.upper(), RULES)
    return did_you_mean(word.lower(), [rule.name for rule in RULES.values()])


def select_rules(text: str) -> frozenset[str] | None:
    """A selector: a rule id or name, or an id prefix (`AP1`, `AP30`) like ruff's."""
    from archplan.rules import RULES

    found = resolve_rule(text)
    if found is not None:
        return frozenset((found,))
    if re.fullmatch(r"(?i)ap\d{0,2}", text.strip()):
        prefix = text.strip().upper()
        return frozenset(rule_id for rule_id in RULES if rule_id.startswith(prefix)) or None
    return None


def _rule_list(value: object, key: str, locate: _Locator) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise locate.error(f"{key} must be a list of rule ids or names (strings)", (key,))
    ids: set[str] = set()
    for item in value:
        found = select_rules(item)
        if found is None:
            message = f'{key}: no rule "{item}"{unknown_rule_hint(item)}'
            raise locate.error(message, (key, item))
        ids |= found
    return frozenset(ids)


def _severities(value: object, locate: _Locator) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise locate.error(
            'severity must be a table, e.g. severity = {AP104 = "error"}', ("severity",)
        )
    out: dict[str, Severity] = {}
    for name, level in value.items():
        rule_id = resolve_rule(name)
        if rule_id is None:
            message = f'severity: no rule "{name}"{unknown_rule_hint(name)}'
            raise locate.error(message, ("severity", name))
        if not isinstance(level, str) or level.lower() not in FAIL_ON:
            message = f'severity of {name} must be "error", "warning" or "info", not {level!r}'
            raise locate.error(message, ("severity", name))
        out[rule_id] = Severity.parse(level)
    return tuple(sorted(out.items()))


def _fail_on(value: object, locate: _Locator) -> Severity | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.lower() not in FAIL_ON:
        message = f'fail-on must be "error", "warning" or "info", not {value!r}'
        raise locate.error(message, ("fail-on",))
    return Severity.parse(value)


def _quotas(value: object, locate: _Locator) -> tuple[tuple[str, int], ...]:
    from archplan.quotas import QUOTAS

    if not isinstance(value, dict):
        raise locate.error("quotas must be a table of quota names and numbers", ("quotas",))
    known = {quota.name: quota for quota in QUOTAS}
    out: dict[str, int] = {}
    for name, number in value.items():
        quota = known.get(name)
        if quota is None:
            from archplan.spelling import did_you_mean

            message = f'quotas: unknown quota "{name}"{did_you_mean(name, known)}'
            raise locate.error(message, ("quotas", name))
        if type(number) is not int or number < 1:
            message = f"quotas: {name} must be a whole number of 1 or more, not {number!r}"
            raise locate.error(message, ("quotas", name))
        if quota.maximum is not None and number > quota.maximum:
            message = f"quotas: {name} = {number} is more than AWS allows ({quota.maximum})"
            raise locate.error(message, ("quotas", name))
        out[name] = number
    return tuple(sorted(out.items()))


def _prices(value: object, config: Path, locate: _Locator) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise locate.error("prices must be the path of a prices file (a string)", ("prices",))
    try:
        _inside(config, value, "prices")
    except ConfigError as error:
        raise locate.error(error.message, ("prices",)) from None
    path = os.path.normpath(os.path.join(_relative(config.parent), value))
    if not os.path.isfile(path):
        raise locate.error(f'prices file "{value}" does not exist', ("prices",))
    if not _within(os.path.realpath(config.parent), path):
        raise locate.error(
            "prices: a symbolic link that leads out of the configuration's folder; paths in "
            "the configuration stay inside its directory tree",
            ("prices",),
        )
    return path


class _Locator:
    """Approximate positions in the configuration text (tomllib keeps none): the first place,
    after the `[tool.archplan]` header, where each part of the key path is written in turn."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def error(self, message: str, keys: tuple[str, ...]) -> ConfigError:
        line, column = self.find(keys)
        return ConfigError(message, self.path, line, column)

    def find(self, keys: tuple[str, ...]) -> tuple[int | None, int | None]:
        header = re.compile(r"^\s*\[\s*tool\s*\.\s*archplan\s*[.\]]")
        start = next((i for i, text in enumerate(self.lines) if header.match(text)), None)
        if start is None:
            return None, None
        row, column = start, 0
        for key in keys:
            pattern = re.compile(rf"(?<![\w-])[\"']?{re.escape(key)}[\"']?(?![\w-])")
            found = None
            for index in range(row, len(self.lines)):
                match = pattern.search(self.lines[index], column if index == row else 0)
                if match is not None:
                    found = (index, match.start())
                    break
            if found is None:
                break
            row, column = found
        return row + 1, column + 1
