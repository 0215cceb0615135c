"""One command line (issue 12): shared options, widths, money, colour, help and completion.

Every text report is laid out for a width: the terminal's, `--width N`, or 100 columns when
piped or written with --output. These tests hold every command to that width on every shipped
example, and check what each command shares with the others.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.text import Text
from typer.testing import CliRunner

from archplan.cli import app
from archplan.money import dollars, rate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BROKEN = sorted((ROOT / "examples" / "broken").glob("*.yaml"))
# examples/diff/NAME-next.yaml is the next version of examples/NAME.yaml: the diff examples.
DIFF_PAIRS = [
    (ROOT / "examples" / (path.name.removesuffix("-next.yaml") + ".yaml"), path)
    for path in sorted((ROOT / "examples" / "diff").glob("*-next.yaml"))
]
WIDTHS = (60, 80, 120, 200)
COMMANDS = (
    "validate",
    "rules",
    "peering-plan",
    "scale-plan",
    "graph",
    "import",
    "explain",
    "schema",
    "validate-config",
    "init",
    "diff",
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _too_long(text: str, width: int) -> list[str]:
    """Lines wider than `width`, except a web address alone on its line (explain's
    references), which must stay whole to be opened."""
    return [
        line
        for line in text.splitlines()
        if cell_len(line) > width and not re.fullmatch(r" *https://\S+", line)
    ]


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the reports name files as given: relative, as a user types them
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)


# -- widths ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", ["peering-plan", "scale-plan"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_plans_fit_every_width(runner: CliRunner, command: str, example: Path, width: int) -> None:
    result = runner.invoke(app, [command, _relative(example), "--width", str(width)])
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout and _too_long(result.stdout, width) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_validate_fits_every_width_on_every_example(runner: CliRunner, width: int) -> None:
    files = [_relative(path) for path in EXAMPLES + BROKEN]
    result = runner.invoke(app, ["validate", *files, "--width", str(width), "--color", "never"])
    assert result.exit_code == 1, result.stderr
    assert "error" in result.stdout and _too_long(result.stdout, width) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_rules_and_every_explanation_fit_every_width(runner: CliRunner, width: int) -> None:
    from archplan.rules import RULES

    listing = runner.invoke(app, ["rules", "--width", str(width)]).stdout
    assert _too_long(listing, width) == []
    for rule_id in RULES:
        text = runner.invoke(app, ["explain", rule_id, "--width", str(width)]).stdout
        assert text.startswith(rule_id) and _too_long(text, width) == [], rule_id


def test_every_diff_example_pairs_with_an_example() -> None:
    assert DIFF_PAIRS and all(old.is_file() for old, _ in DIFF_PAIRS)
    assert len(DIFF_PAIRS) == len(list((ROOT / "examples" / "diff").glob("*.yaml")))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("pair", DIFF_PAIRS, ids=lambda pair: pair[1].name)
@pytest.mark.parametrize("backwards", [False, True], ids=["forward", "backward"])
@pytest.mark.parametrize("color", ["never", "always"])
def test_diff_fits_every_width(
    runner: CliRunner, pair: tuple[Path, Path], backwards: bool, color: str, width: int
) -> None:
    old, new = (_relative(path) for path in pair)
    if backwards:
        old, new = new, old
    result = runner.invoke(app, ["diff", old, new, "--width", str(width), "--color", color])
    assert result.exit_code == 0, result.stderr
    plain = Text.from_ansi(result.stdout).plain if color == "always" else result.stdout
    assert "replaced" in plain and "takes with it:" in plain
    assert _too_long(plain, width) == []
    if color == "never":  # wrapped, never cut: the same text as the widest layout, on more lines
        widest = runner.invoke(app, ["diff", old, new, "--width", "1000"]).stdout
        assert "".join(plain.split()) == "".join(widest.split())
        assert len(plain.splitlines()) > len(widest.splitlines())


def test_a_long_source_line_is_cut_with_a_marker(runner: CliRunner, tmp_path: Path) -> None:
    good = ", ".join(
        f"n{index}: {{region: us-east-1, cidr: 10.{index}.0.0/16}}" for index in range(20)
    )
    bad = "bad: {region: us-east-1, cidr: nope}"
    for vpcs, first, last in ((f"{good}, {bad}", "…", ""), (f"{bad}, {good}", "", "…")):
        path = tmp_path / "wide.yaml"
        path.write_text(f"archplan: 1\nvpcs: {{{vpcs}}}\n", "utf-8")
        text = runner.invoke(app, ["validate", str(path), "--width", "60"]).stdout
        assert "AP007" in text and _too_long(text, 60) == []
        lines = text.splitlines()
        # AP007's excerpt (20 VPCs in one Region also give AP118, earlier on the line)
        ap007 = next(index for index, line in enumerate(lines) if "AP007" in line)
        at = next(
            index
            for index, line in enumerate(lines)
            if index > ap007 and line.startswith("    2 | ")
        )
        excerpt, carets = lines[at], lines[at + 1]
        assert excerpt.startswith("    2 | " + first) and excerpt.endswith(last or "}}")
        assert excerpt[carets.index("^") : carets.index("^") + 4] == "nope"


def test_a_long_list_of_vpcs_is_summarised(runner: CliRunner, tmp_path: Path) -> None:
    vpcs = "\n".join(
        f"  v{index}: {{region: us-east-1, cidr: 10.{index // 256}.{index % 256}.0/24}}"
        for index in range(300)
    )
    path = tmp_path / "many.yaml"
    path.write_text(f"archplan: 1\nvpcs:\n{vpcs}\n", "utf-8")
    text = runner.invoke(app, ["peering-plan", str(path), "--width", "80"]).stdout
    line = next(line for line in text.splitlines() if "300 VPCs:" in line)
    assert line.startswith("  300 VPCs: v0, v1, ")
    assert line.endswith(", ... v299 (`--format json` lists all)") and len(line) <= 80


def test_piped_output_has_the_fixed_width_when_nobody_asks(runner: CliRunner) -> None:
    example = "examples/three-vpc-mesh.yaml"
    piped = runner.invoke(app, ["peering-plan", example]).stdout
    assert piped == runner.invoke(app, ["peering-plan", example, "--width", "100"]).stdout
    assert max(cell_len(line) for line in piped.splitlines()) <= 100
    wider = runner.invoke(app, ["peering-plan", example, "--width", "1000"]).stdout
    assert wider != piped  # the fixed width is a real constraint on this report


@pytest.mark.parametrize(
    ("columns", "width"),
    [("80", 80), ("300", 300), (" 72 ", 72), ("12", 40), ("5000", 1000), ("9" * 5000, 1000)],
)
def test_piped_output_honours_an_explicit_columns(
    runner: CliRunner, tmp_path: Path, columns: str, width: int
) -> None:
    """`COLUMNS=80 archplan ... | less` and a CI job's COLUMNS are obeyed, within 40-1000,
    piped and with --output alike; --width still wins."""
    example = "examples/forum.yaml"
    env = {"COLUMNS": columns}
    expected = runner.invoke(app, ["scale-plan", example, "--width", str(width)]).stdout
    assert runner.invoke(app, ["scale-plan", example], env=env).stdout == expected
    target = tmp_path / "plan.txt"
    runner.invoke(app, ["scale-plan", example, "-o", str(target)], env=env)
    assert target.read_text(encoding="utf-8") == expected
    chosen = runner.invoke(app, ["scale-plan", example, "--width", "60"], env=env).stdout
    assert chosen == runner.invoke(app, ["scale-plan", example, "--width", "60"]).stdout


@pytest.mark.parametrize("columns", ["", "abc", "-80", "80x", "٨٠", "0x50", "²"])
def test_a_columns_that_is_no_width_is_ignored(runner: CliRunner, columns: str) -> None:
    """Ignored, never exit 3: Rich itself would int() a "²" (str.isdigit accepts it)."""
    example = "examples/three-vpc-mesh.yaml"
    piped = runner.invoke(app, ["peering-plan", example]).stdout
    for lines in ("", "²", "9" * 5000):
        env = {"COLUMNS": columns, "LINES": lines}
        result = runner.invoke(app, ["peering-plan", example, "--color", "always"], env=env)
        assert result.exit_code == 0 and Text.from_ansi(result.stdout).plain == piped


def test_a_terminal_report_follows_columns() -> None:
    """On a terminal the width is Rich's detection, which honours COLUMNS; piped or to a file
    an explicit COLUMNS is honoured too, and --width wins over it."""
    code = (
        "import sys\n"
        "sys.stdout.isatty = lambda: True\n"
        "from archplan.cli.io import report_width\n"
        "print(report_width(None), report_width(None, to_file=True), report_width(70))\n"
        "sys.stdout.isatty = lambda: False\n"
        "print(report_width(None))\n"
    )
    for columns, expected in (
        ("73", ["73", "73", "70", "73"]),
        ("20000", ["1000"] * 2 + ["70"] + ["1000"]),
    ):
        env = {**os.environ, "COLUMNS": columns}
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
        )
        assert result.stdout.split() == expected, result.stderr
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    code = code.replace("print(report_width(None), ", "print(").replace("(70))", "(70))")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.stdout.split() == ["100", "70", "100"], result.stderr


DIFF_OLD, DIFF_NEW = (_relative(path) for path in DIFF_PAIRS[0])


@pytest.mark.parametrize(
    "args",
    [
        *(["validate", _relative(path), "--color", "never"] for path in EXAMPLES + BROKEN),
        *(["peering-plan", _relative(path)] for path in EXAMPLES),
        *(["scale-plan", _relative(path)] for path in EXAMPLES),
        *(["graph", _relative(path)] for path in EXAMPLES),
        *(["diff", _relative(old), _relative(new)] for old, new in DIFF_PAIRS),
    ],
    ids=" ".join,
)
def test_every_report_fits_an_explicit_columns_when_piped(args: list[str]) -> None:
    """`COLUMNS=80 archplan ... | less`: what a user who set the width sees, as a real
    process with its output on a pipe (not a terminal)."""
    exe = shutil.which("archplan", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("no `archplan` entry point installed")
    env = {**os.environ, "COLUMNS": "80"}
    result = subprocess.run(
        [exe, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout and _too_long(result.stdout, 80) == []
    if args[0] != "graph":  # a diagram has no width; a report must really be laid out for 80
        wide = subprocess.run(
            [exe, *args, "--width", "80"], capture_output=True, text=True, cwd=ROOT, timeout=60
        )
        assert result.stdout == wide.stdout


# -- one command line --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["peering-plan", "examples/three-vpc-mesh.yaml", "--emit", "yaml", "--format", "json"],
        ["peering-plan", "examples/three-vpc-mesh.yaml", "--emit", "yaml", "-f", "text"],
        ["scale-plan", "examples/forum.yaml", "--emit", "terraform", "--format", "json"],
    ],
)
def test_contradictory_options_are_usage_errors(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and result.stdout == ""
    assert "'--format': not with --emit" in " ".join(result.stderr.split())


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "examples/forum.yaml"],
        ["rules"],
        ["peering-plan", "examples/three-vpc-mesh.yaml"],
        ["peering-plan", "examples/three-vpc-mesh.yaml", "--emit", "yaml"],
        ["scale-plan", "examples/forum.yaml"],
        ["scale-plan", "examples/forum.yaml", "--emit", "cloudformation"],
        ["graph", "examples/shared-services.yaml"],
        ["explain", "AP303"],
        ["schema"],
    ],
)
def test_output_writes_what_standard_output_gets(
    runner: CliRunner, args: list[str], tmp_path: Path
) -> None:
    printed = runner.invoke(app, args)
    target = tmp_path / "out.txt"
    written = runner.invoke(app, [*args, "--output", str(target)])
    assert written.exit_code == printed.exit_code and written.stdout == ""
    assert target.read_text(encoding="utf-8") == printed.stdout
    assert [path.name for path in tmp_path.iterdir()] == ["out.txt"]  # no temporary left


def test_an_unwritable_output_is_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "plan.txt"
    result = runner.invoke(app, ["scale-plan", "examples/forum.yaml", "-o", str(target)])
    assert result.exit_code == 2 and "cannot write the report" in result.stderr


@pytest.mark.parametrize("command", ["validate", "peering-plan", "scale-plan"])
def test_term_dumb_means_no_colour(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from archplan.output import ColorMode, use_color

    class Terminal:
        def isatty(self) -> bool:
            return True

    assert use_color(ColorMode.AUTO, Terminal()) is True  # type: ignore[arg-type]
    monkeypatch.setenv("TERM", "dumb")
    assert use_color(ColorMode.AUTO, Terminal()) is False  # type: ignore[arg-type]
    assert use_color(ColorMode.ALWAYS, Terminal()) is True  # type: ignore[arg-type]
    example = "examples/forum.yaml" if command != "peering-plan" else "examples/three-vpc-mesh.yaml"
    code = (
        "import sys\nsys.stdout.isatty = lambda: True\nfrom archplan.cli import main\n"
        f"sys.argv = ['archplan', {command!r}, {example!r}]\nmain()\n"
    )
    env = {key: value for key, value in os.environ.items() if "COLOR" not in key}
    for term, coloured in (("xterm", True), ("dumb", False)):
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**env, "TERM": term},
            cwd=ROOT,
            timeout=60,
        )
        assert ("\x1b[" in result.stdout) is coloured, (term, result.stderr)


@pytest.mark.parametrize(
    ("value", "amount", "price"),
    [
        (Fraction(10950), "$10,950.00", "$10,950.00"),
        (Decimal("1033.675"), "$1,033.68", "$1,033.675"),
        (Decimal("0.0365"), "$0.04", "$0.0365"),
        (Fraction(-7, 2), "-$3.50", "-$3.50"),
        (1234567, "$1,234,567.00", "$1,234,567.00"),
    ],
)
def test_one_money_format(value: Fraction | Decimal | int, amount: str, price: str) -> None:
    assert dollars(value) == amount and rate(value) == price


def test_reports_write_money_one_way(runner: CliRunner) -> None:
    import re

    pair = [_relative(path) for path in DIFF_PAIRS[0]]
    for args in (
        ["scale-plan", "examples/forum.yaml", "--width", "1000"],
        ["peering-plan", "examples/three-vpc-mesh.yaml", "--width", "1000"],
        ["diff", *pair, "--width", "1000"],
        ["diff", *pair, "--format", "markdown"],
    ):
        text = runner.invoke(app, args).stdout
        amounts = re.findall(r"(?<![\w.])-?\$?[\d,]+\.\d+(?= USD| per|\b)", text)
        dollars_written = [amount for amount in amounts if "$" in amount]
        assert dollars_written, args
        assert all(re.fullmatch(r"-?\$\d{1,3}(,\d{3})*\.\d{2,6}", a) for a in dollars_written)
        assert "USD" not in text.replace("USD per", "")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_real_metavars_and_two_examples(runner: CliRunner, command: str) -> None:
    text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100"}).stdout
    assert "{" not in text.split("\n", 1)[0], text.split("\n", 1)[0]
    assert "<int range>" not in text and "INTEGER" not in text and " TEXT" not in text
    examples = text.split("Examples:\n", 1)[1].splitlines()
    assert [line for line in examples if line.strip().startswith("archplan ")][:2] == [
        line for line in examples if line.strip()
    ][:2]
    assert sum(1 for line in examples if "archplan " in line) == 2


def test_every_command_shares_the_same_options() -> None:
    """--output, --width and --color are the one declaration each, wherever they appear."""
    import typer

    from archplan.cli import options

    root = typer.main.get_command(app)
    helps: dict[str, set[str]] = {}
    for name in COMMANDS:
        command = root.commands[name]  # type: ignore[attr-defined]
        for param in command.params:
            helps.setdefault(param.opts[0], set()).add(param.help or "")
    for option in ("--output", "--width", "--color", "--max-file-size", "--prices", "--config"):
        assert len(helps[option]) == 1, option
    assert {"--output", "--width"} <= set(helps)
    assert options.OutputFile is not None


# -- completion --------------------------------------------------------------------------------


def _complete(words: str) -> list[str]:
    exe = shutil.which("archplan", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("no `archplan` entry point installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_ARCHPLAN", "COMP_"))}
    env.update(
        _ARCHPLAN_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - 1)
    )
    if words.endswith(" "):
        env["COMP_CWORD"] = str(len(words.split()))
    result = subprocess.run([exe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    return result.stdout.split()


def test_explain_completes_rule_ids() -> None:
    assert _complete("archplan explain AP30") == [f"AP30{digit}" for digit in range(1, 10)]


def test_mesh_and_group_complete_from_the_file() -> None:
    assert _complete("archplan peering-plan examples/three-vpc-mesh.yaml --mesh ") == ["core"]
    assert _complete("archplan scale-plan examples/forum-ec2.yaml --group ") == [
        "users",
        "topics",
        "messages",
    ]
    assert _complete("archplan scale-plan examples/forum-ec2.yaml --group t") == ["topics"]
    assert _complete("archplan scale-plan missing.yaml --group ") == []


# -- start-up ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["validate", "examples/forum.yaml", "examples/broken/AP303-peering-overlap.yaml"],
        ["peering-plan", "examples/three-vpc-mesh.yaml", "--mesh", "nope"],
        ["scale-plan", "examples/forum.yaml", "--group", "nope"],
        ["validate-config", "--config", "missing.toml"],
        ["valdate", "x.yaml"],
        ["explain", "AP999"],
    ],
)
def test_main_builds_only_the_command_it_runs_and_says_the_same(
    runner: CliRunner, args: list[str]
) -> None:
    """main() registers only the command named (Typer builds every registered command's
    options at each run); what it prints and its exit code are the whole app's."""
    whole = runner.invoke(app, args, prog_name="archplan", env={"COLUMNS": "100"})
    env = {**os.environ, "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    exe = shutil.which("archplan", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("no `archplan` entry point installed")
    alone = subprocess.run(
        [exe, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert alone.returncode == whole.exit_code
    assert (alone.stdout, alone.stderr) == (whole.stdout, whole.stderr)
