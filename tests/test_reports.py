"""Report rendering details: every format has a renderer; hostile and wide input stays readable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archplan.reports import RENDERERS, Format, renderer
from archplan.reports.text import render as render_text
from tests.conftest import ROOT, validate_text


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(Format)
    for output_format in Format:
        assert callable(renderer(output_format))


def test_long_lines_are_shown_as_a_window_around_the_value() -> None:
    padding = ", ".join(f"x-{index}: {index}" for index in range(3000))
    vpc = "vpcs: {a: {region: us-east-1, cidr: 10.0.0.1/16}}"
    text = "{archplan: 1, " + padding + ", " + vpc + ", x-end: '" + "y" * 5000 + "'}\n"
    report = render_text([validate_text(text)])
    source_line, marker = report.splitlines()[3:5]
    assert len(source_line) < 300
    assert "10.0.0.1/16" in source_line and source_line.endswith("…")
    assert source_line.index("10.0.0.1/16") == marker.index("^")


def test_control_characters_are_escaped_in_text_and_concise() -> None:
    from archplan.reports.concise import render as render_concise

    text = 'archplan: 1\nvpcs:\n  "a\\e]0;pwned\\a": {region: us-east-1, cidr: 10.0.0.0/8}\n'
    result = validate_text(text)
    for output in (render_text([result]), render_concise([result])):
        assert "\x1b" not in output and "\x07" not in output
        assert "\\x1b" in output


def test_marker_is_aligned_after_wide_characters() -> None:
    text = "archplan: 1\nvpcs:\n  日本: {region: us-east-1, cidr: 10.0.0.1/16}\n"
    lines = render_text([validate_text(text)]).splitlines()
    source_line, marker = lines[3], lines[4]
    prefix = source_line[: source_line.index("10.0.0.1/16")]
    assert marker.index("^") == len(prefix) + sum(1 for char in prefix if ord(char) > 0x2E80)


def _modules_loaded(*args: str) -> set[str]:
    code = (
        "import sys, json\n"
        "from archplan.cli import app\n"
        "try:\n"
        f"    app({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    quiet = {"NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"}
    environment = {key: value for key, value in os.environ.items() if key not in quiet}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=environment,
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_version_loads_nothing_it_does_not_use() -> None:
    loaded = _modules_loaded("--version")
    assert not {"yaml", "rich", "archplan.engine", "archplan.rules"} & loaded


def test_decoder_and_builder_do_not_load_the_rules() -> None:
    """Layering: what the decoder and builder report (archplan.problems) sits below the rule
    registry, whose package imports every rule module."""
    code = (
        "import sys, archplan.decode, archplan.build\n"
        "print(sorted(m for m in sys.modules if m.startswith('archplan.rules')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


@pytest.mark.parametrize("output_format", ["json", "concise", "text"])
def test_validate_without_colour_never_loads_rich(output_format: str) -> None:
    loaded = _modules_loaded("validate", "examples/endpoints.yaml", "--format", output_format)
    assert "archplan.engine" in loaded
    assert not {name for name in loaded if name == "rich" or name.startswith("rich.")}


def test_validate_hands_pyyaml_its_reader_pattern_precompiled() -> None:
    """Start-up: archplan.loader primes re's cache so importing yaml compiles no large class."""
    code = (
        "import archplan.loader, yaml.reader\n"
        "print(yaml.reader.Reader.NON_PRINTABLE.pattern == archplan.loader.PRINTABLE_COMPLEMENT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stdout.strip() == "True", result.stdout + result.stderr


def _modules_loaded_by_main(*args: str) -> set[str]:
    """What the console script (archplan.cli.main) imports for `args`."""
    code = (
        "import sys, json\n"
        f"sys.argv = ['archplan', *{list(args)!r}]\n"
        "from archplan.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.__stderr__)\n"
    )
    environment = {key: value for key, value in os.environ.items() if key != "_ARCHPLAN_COMPLETE"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=environment,
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_the_version_probe_loads_no_argument_parser() -> None:
    loaded = _modules_loaded_by_main("--version")
    assert not {"typer", "click", "yaml", "archplan.cli.commands"} & loaded


def test_a_command_builds_only_itself() -> None:
    loaded = _modules_loaded_by_main("validate", "examples/endpoints.yaml", "-f", "json")
    commands = {name for name in loaded if name.startswith("archplan.cli.commands.")}
    assert commands == {"archplan.cli.commands.validate"}


@pytest.mark.parametrize("seed", range(60))
def test_plain_simple_table_is_what_rich_draws(seed: int) -> None:
    """print_simple_table writes the lines itself without colour; at every width they must be
    what Rich draws for the width-aware table (keep_words, folded when it does not fit)."""
    import io
    import random

    from rich import box
    from rich.console import Console
    from rich.padding import Padding
    from rich.table import Table

    from archplan.reports.terminal import (
        MIN_INDENT,
        keep_words,
        print_simple_table,
        report_console,
    )

    choice = random.Random(seed)
    count = choice.randint(1, 6)
    columns = [
        (
            "".join(choice.choice("ab -%") for _ in range(choice.randint(0, 12))),
            choice.random() < 0.7,
        )
        for _ in range(count)
    ]
    rows = [
        tuple(str(choice.randint(0, 10 ** choice.randint(0, 9))) for _ in range(count))
        for _ in range(choice.randint(0, 8))
    ]
    width = choice.randint(20, 120)
    plain, drawn = io.StringIO(), io.StringIO()
    print_simple_table(report_console(plain, False, width), columns, rows)
    rich_console = Console(
        file=drawn, color_system=None, soft_wrap=False, highlight=False, emoji=False,
        markup=False, width=width,
    )  # fmt: skip
    assert not rich_console.no_color
    table = Table(box=box.SIMPLE, padding=(0, 1), pad_edge=False, show_edge=False)
    for header, right in columns:
        table.add_column(header, justify="right" if right else "left")
    for row in rows:
        table.add_row(*row)
    # A table that only fits with less indent gets down to MIN_INDENT (never folds for it).
    natural = sum(
        max([len(header)] + [len(row[position]) for row in rows])
        for position, (header, _) in enumerate(columns)
    ) + 3 * (count - 1)
    indent = width - natural if 4 + natural > width >= MIN_INDENT + natural else 4
    rich_console.print(Padding(keep_words(table), (0, 0, 0, indent)))

    def stripped(text: str) -> str:
        return "".join(line.rstrip() + "\n" for line in text.splitlines())

    assert stripped(plain.getvalue()) == stripped(drawn.getvalue())


def test_validate_config_through_the_entry_point_runs_validate(tmp_path: Path) -> None:
    """validate-config runs the validate command: a run that names it builds both."""
    (tmp_path / "a.yaml").write_text((ROOT / "examples" / "endpoints.yaml").read_text())
    (tmp_path / ".archplan.toml").write_text('[tool.archplan]\nfiles = ["a.yaml"]\n')
    result = subprocess.run(
        [sys.executable, "-m", "archplan", "validate-config", "-f", "concise"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "internal error" not in result.stderr
