"""Shell completion: completions/ is in sync with scripts/gen_completions.py, the scripts are
portable, and completion works end to end (bash really driven; zsh and fish through the same
`archplan` call their scripts make, so neither shell has to be installed)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import typer
from typer._click import Context
from typer.core import TyperGroup, TyperOption

from archplan.cli import app
from archplan.reports import Format

ROOT = Path(__file__).resolve().parent.parent
COMPLETIONS = ROOT / "completions"
BIN = Path(sys.executable).parent  # the environment's bin, where the `archplan` script lives
COMMANDS = {
    "validate",
    "peering-plan",
    "graph",
    "scale-plan",
    "rules",
    "explain",
    "schema",
    "validate-config",
    "import",
    "init",
}
CLI_FIX = (
    "`archplan` did not answer the completion request. With `add_completion=False` Typer "
    "never registers its completion classes; archplan.cli.main must call "
    "typer._completion_classes.completion_init() when _ARCHPLAN_COMPLETE is set."
)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_completions", ROOT / "scripts" / "gen_completions.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("_ARCHPLAN", "_TYPER", "COMP_"))
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **extra}


def _archplan(**extra: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("archplan", path=str(BIN))
    if exe is None:
        pytest.skip(f"no `archplan` entry point in {BIN} (install the package)")
    return subprocess.run(
        [exe], env=_env(**extra), capture_output=True, text=True, timeout=60, check=False
    )


def _root() -> TyperGroup:
    command = typer.main.get_command(app)
    assert isinstance(command, TyperGroup)
    return command


def _visible_commands() -> set[str]:
    root = _root()
    return {name for name, cmd in root.commands.items() if not cmd.hidden}


def _long_options(name: str) -> set[str]:
    """What click offers after `archplan NAME --`: every visible option's long spellings."""
    command = _root().commands[name]
    ctx = Context(command, info_name=name)
    return {
        spelling
        for param in command.get_params(ctx)
        if isinstance(param, TyperOption) and not param.hidden
        for spelling in (*param.opts, *param.secondary_opts)
        if spelling.startswith("--")
    }


# --- the committed files ----------------------------------------------------------------------


@pytest.mark.parametrize("shell", sorted(GEN.FILES))
def test_committed_script_is_up_to_date(shell: str) -> None:
    path = COMPLETIONS / GEN.FILES[shell]
    assert path.is_file(), f"{path.name} missing: run `python scripts/gen_completions.py`"
    assert path.read_text(encoding="utf-8") == GEN.render(shell), (
        f"completions/{path.name} is stale: run `python scripts/gen_completions.py`"
    )


def test_check_mode_reports_stale_and_missing_files(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "gen_completions.py"

    def check(directory: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(script), "--check", "--dir", str(directory)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert check(COMPLETIONS).returncode == 0
    assert check(tmp_path).returncode == 1  # all missing
    subprocess.run([sys.executable, str(script), "--dir", str(tmp_path)], check=True, timeout=60)
    assert check(tmp_path).returncode == 0
    bash = tmp_path / GEN.FILES["bash"]
    bash.write_text(bash.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    result = check(tmp_path)
    assert result.returncode == 1
    assert GEN.FILES["bash"] in result.stderr


@pytest.mark.parametrize("shell", sorted(GEN.FILES))
def test_script_is_portable_and_names_archplan(shell: str) -> None:
    text = (COMPLETIONS / GEN.FILES[shell]).read_text(encoding="utf-8")
    assert text.strip() and "archplan" in text
    assert "_ARCHPLAN_COMPLETE=complete_" + shell in text
    # No machine-specific paths: no absolute path, home, interpreter or checkout location.
    for needle in (str(ROOT), str(Path.home()), sys.executable, "/usr/", "/home/", "~/"):
        assert needle not in text, f"{needle!r} in completions/{GEN.FILES[shell]}"
    assert not re.search(r"(?<![\w$])/[A-Za-z]", text), "an absolute path"
    if shell == "zsh":
        assert text.startswith("#compdef archplan\n")


@pytest.mark.parametrize("shell", sorted(GEN.FILES))
def test_script_is_what_archplan_itself_prints(shell: str) -> None:
    """The committed script (less its header) is what `_ARCHPLAN_COMPLETE=source_<shell>
    archplan` prints, so the file and the program's answer protocol cannot drift apart."""
    result = _archplan(_ARCHPLAN_COMPLETE=f"source_{shell}")
    assert result.returncode == 0, f"{CLI_FIX}\n{result.stderr}"
    committed = (COMPLETIONS / GEN.FILES[shell]).read_text(encoding="utf-8")
    body = "\n".join(line for line in committed.splitlines() if not line.startswith("# "))
    assert body.strip() == result.stdout.strip()


# --- bash, really driven ----------------------------------------------------------------------


def _bash_complete(*words: str) -> list[str]:
    """Source completions/archplan.bash in a clean bash, set COMP_WORDS to `words` (the last
    one is the word being completed, "" after a space) and call the completion function the
    way bash does on TAB."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    if shutil.which("archplan", path=str(BIN)) is None:
        pytest.skip(f"no `archplan` entry point in {BIN} (install the package)")
    script = (
        'source "$COMPLETION_SCRIPT" || exit 9\n'
        'complete -p archplan | grep -q -- "-F _archplan_completion" || exit 8\n'
        'COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n'
        'COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}\n'
        '_archplan_completion archplan "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\n'
        "printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    result = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script, "bash", *words],
        env=_env(COMPLETION_SCRIPT=str(COMPLETIONS / GEN.FILES["bash"])),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"bash exit {result.returncode}: {result.stderr}"
    assert "not supported" not in result.stderr, f"{CLI_FIX}\n{result.stderr}"
    return [line for line in result.stdout.splitlines() if line]


def test_bash_offers_every_command() -> None:
    assert _visible_commands() >= COMMANDS, "the test's command list names a missing command"
    got = _bash_complete("archplan", "")
    assert got, CLI_FIX
    assert set(got) == _visible_commands()
    assert set(got) >= COMMANDS


def test_bash_completes_a_partial_command() -> None:
    assert set(_bash_complete("archplan", "val")) == {"validate", "validate-config"}
    assert _bash_complete("archplan", "peer") == ["peering-plan"]


def test_bash_offers_validate_options() -> None:
    got = set(_bash_complete("archplan", "validate", "--"))
    assert got, CLI_FIX
    assert got == _long_options("validate")
    assert {"--format", "--fail-on", "--exit-zero", "--output", "--color", "--quiet"} <= got
    assert {"--fail-on"} == set(_bash_complete("archplan", "validate", "--fail"))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_bash_offers_every_option_of_every_command(command: str) -> None:
    assert set(_bash_complete("archplan", command, "--")) == _long_options(command)


def test_bash_offers_format_choices() -> None:
    got = _bash_complete("archplan", "validate", "--format", "")
    assert got, CLI_FIX
    assert set(got) == {choice.value for choice in Format}
    assert {"text", "json", "sarif", "github", "junit", "markdown"} <= set(got)
    assert _bash_complete("archplan", "validate", "--format", "s") == ["sarif"]
    assert set(_bash_complete("archplan", "validate", "--fail-on", "")) == {
        "error",
        "warning",
        "info",
    }


# --- zsh and fish: the call their scripts make, without the shells -----------------------------


def test_zsh_protocol_offers_commands_and_options() -> None:
    result = _archplan(_ARCHPLAN_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="archplan ")
    assert result.returncode == 0 and result.stdout.startswith("_arguments"), (
        f"{CLI_FIX}\n{result.stderr}"
    )
    for command in COMMANDS:
        assert f'"{command}"' in result.stdout
    result = _archplan(
        _ARCHPLAN_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="archplan validate --"
    )
    for option in _long_options("validate"):
        assert f'"{option}"' in result.stdout


def test_fish_protocol_offers_commands_and_choices() -> None:
    def fish(args: str, action: str = "get-args") -> subprocess.CompletedProcess[str]:
        return _archplan(
            _ARCHPLAN_COMPLETE="complete_fish",
            _TYPER_COMPLETE_FISH_ACTION=action,
            _TYPER_COMPLETE_ARGS=args,
        )

    result = fish("archplan ")
    assert result.returncode == 0, f"{CLI_FIX}\n{result.stderr}"
    offered = {line.split("\t")[0] for line in result.stdout.splitlines()}
    assert offered >= COMMANDS
    choices = set(fish("archplan validate --format ").stdout.split())
    assert choices == {choice.value for choice in Format}
    assert fish("archplan validate --format ", action="is-args").returncode == 0


# --- names from an untrusted file ------------------------------------------------------------

# Mesh and group names a pull request could write: a terminal title (OSC), a bell, a colour, a
# new line (a second completion, or a command line of the attacker's choice), a bidirectional
# override and a workflow command. Completion offers only names that reach the terminal as
# they are, as every message is escaped (archplan.messages.escape_line); the rest are refused.
HOSTILE_NAMES = (
    "\x1b]0;owned\x07x",
    "core\nrm -rf ~",
    "\x1b[31mred",
    "left\u202eright",
    "::error::forged",
    "tab\there",
)
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _hostile_file(directory: Path) -> Path:
    import json

    names = [*HOSTILE_NAMES, "core", "café"]
    meshes = "".join(f"  {json.dumps(name)}: [a, b]\n" for name in names)
    groups = "".join(
        f"  {json.dumps(name)}: {{vpc: a, subnets: [a1], instance_type: m5.large, min: 1, "
        "max: 2, desired: 1}\n"
        for name in names
    )
    path = directory / "hostile.yaml"
    path.write_text(
        "archplan: 1\ndefaults: {region: us-east-1}\nvpcs:\n"
        "  a: {cidr: 10.0.0.0/16, subnets: {a1: {cidr: 10.0.0.0/24, az: us-east-1a}}}\n"
        "  b: {cidr: 10.1.0.0/16}\n"
        f"meshes:\n{meshes}scaling_groups:\n{groups}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("command", "option"), [("peering-plan", "--mesh"), ("scale-plan", "--group")]
)
def test_names_with_control_characters_are_never_offered(
    tmp_path: Path, command: str, option: str
) -> None:
    from archplan.cli import complete
    from archplan.engine import load_architecture
    from archplan.source import read_source

    path = _hostile_file(tmp_path)
    loaded = load_architecture(read_source(str(path)))
    section = "meshes" if option == "--mesh" else "scaling_groups"
    assert set(getattr(loaded.architecture, section)) >= set(HOSTILE_NAMES)  # loaded as written

    bash = _bash_complete("archplan", command, str(path), option, "")
    assert sorted(bash) == ["café", "core"]
    assert sorted(_bash_complete("archplan", command, str(path), option, "c")) == sorted(bash)
    assert _bash_complete("archplan", command, str(path), option, "\x1b") == []
    typed = f"archplan {command} {path} {option} "
    zsh = _archplan(_ARCHPLAN_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS=typed)
    fish = _archplan(
        _ARCHPLAN_COMPLETE="complete_fish",
        _TYPER_COMPLETE_FISH_ACTION="get-args",
        _TYPER_COMPLETE_ARGS=typed,
    )
    for result in (zsh, fish):
        assert result.returncode == 0 and "core" in result.stdout, result.stderr
        assert not RAW.search(result.stdout) and "owned" not in result.stdout
        assert "::error" not in result.stdout and "rm -rf" not in result.stdout

    from types import SimpleNamespace

    context = SimpleNamespace(params={"file": str(path)})
    find = complete.meshes if option == "--mesh" else complete.groups
    offered = find(context, [], "")
    assert sorted(offered) == ["café", "core"]


def test_rule_ids_offered_are_printable() -> None:
    from archplan.cli import complete

    offered = complete.rules("")
    assert offered and all(value.isprintable() and value.strip() == value for value in offered)
