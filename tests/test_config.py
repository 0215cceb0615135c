"""[tool.archplan] for validate: discovery, select/ignore, severities, fail-on, quotas, prices,
and invalid configurations located as FILE:LINE:COL (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from archplan.engine import validate_source
from archplan.policy import Policy
from archplan.project_config import ConfigError, load_config
from archplan.source import Source
from tests.conftest import EXAMPLES

# AP104 docker-bridge-range (warning) and AP008 host-bits-set (warning).
DOCKER = """archplan: 1
vpcs:
  shared: {region: us-east-1, cidr: 172.17.0.0/16}
"""
TWO_WARNINGS = """archplan: 1
vpcs:
  shared: {region: us-east-1, cidr: 172.17.0.0/16}
  other: {region: us-east-1, cidr: 10.0.0.1/16}
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "--format", "concise", *args])
    return result.exit_code, result.stdout, result.stderr


def _rules(stdout: str) -> list[str]:
    return [line.split()[2] for line in stdout.splitlines() if line.count(":") >= 3]


def test_config_found_walking_up_from_the_file_selects_and_ignores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(
        tmp_path,
        {
            "pyproject.toml": '[tool.archplan]\nignore = ["docker-bridge-range"]\n',
            "net/deep/a.yaml": TWO_WARNINGS,
        },
    )
    code, stdout, _ = _validate(tmp_path, monkeypatch, "net/deep/a.yaml")
    assert code == 0 and _rules(stdout) == ["AP008"]


def test_a_nearer_dot_archplan_toml_wins_and_ignore_beats_select(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(
        tmp_path,
        {
            "pyproject.toml": '[tool.archplan]\nignore = ["AP104"]\n',
            "net/.archplan.toml": '[tool.archplan]\nselect = ["AP0", "AP104"]\nignore = ["AP008"]\n',
            "net/a.yaml": TWO_WARNINGS,
        },
    )
    stdout = _validate(tmp_path, monkeypatch, "net/a.yaml")[1]
    assert _rules(stdout) == ["AP104"]


def test_severity_override_and_fail_on_from_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = '[tool.archplan]\nseverity = {AP104 = "error", "host-bits-set" = "info"}\n'
    _project(tmp_path, {".archplan.toml": config, "a.yaml": TWO_WARNINGS})
    code, stdout, _ = _validate(tmp_path, monkeypatch, "a.yaml")
    assert code == 1
    assert " error AP104 " in stdout and " info AP008 " in stdout

    _project(tmp_path, {".archplan.toml": '[tool.archplan]\nfail-on = "warning"\n'})
    assert _validate(tmp_path, monkeypatch, "a.yaml")[0] == 1
    # The command line wins over the configuration.
    assert _validate(tmp_path, monkeypatch, "a.yaml", "--fail-on", "error")[0] == 0


def test_explicit_config_and_command_line_select_ignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(
        tmp_path,
        {
            "elsewhere.toml": '[tool.archplan]\nignore = ["AP008"]\n',
            ".archplan.toml": '[tool.archplan]\nignore = ["AP104"]\n',
            "a.yaml": TWO_WARNINGS,
        },
    )
    assert _rules(_validate(tmp_path, monkeypatch, "a.yaml")[1]) == ["AP008"]
    stdout = _validate(tmp_path, monkeypatch, "a.yaml", "--config", "elsewhere.toml")[1]
    assert _rules(stdout) == ["AP104"]
    stdout = _validate(tmp_path, monkeypatch, "a.yaml", "--select", "AP008,AP104")[1]
    assert _rules(stdout) == ["AP008"]  # the configuration's ignore still applies
    stdout = _validate(tmp_path, monkeypatch, "a.yaml", "--ignore", "host-bits-set")[1]
    assert _rules(stdout) == []
    code, _, stderr = _validate(tmp_path, monkeypatch, "a.yaml", "--select", "AP1O4")
    assert code == 2 and 'no rule "AP1O4"' in stderr


def test_config_quotas_replace_aws_defaults_and_the_file_wins(tmp_path: Path) -> None:
    many = "archplan: 1\nvpcs:\n  v:\n    region: us-east-1\n    cidr: 10.0.0.0/16\n    subnets:\n"
    many += "".join(
        f"      s{i}: {{cidr: 10.0.{i}.0/24, az: us-east-1a, route_table: rt}}\n" for i in range(3)
    )
    many += "    route_tables:\n      rt: {main: true}\n"
    config = load_config(
        _project(tmp_path, {".archplan.toml": "[tool.archplan]\nquotas = {subnets_per_vpc = 2}\n"})
        / ".archplan.toml"
    )
    quotas = dict(config.quotas)
    assert [f.rule_id for f in validate_source(Source("a.yaml", many)).findings] == []
    result = validate_source(Source("a.yaml", many), Policy.from_config(config), quotas)
    assert [f.rule_id for f in result.findings] == ["AP115"]
    # The file's own quotas: win over the configuration's.
    written = many.replace("archplan: 1\n", "archplan: 1\nquotas: {subnets_per_vpc: 10}\n")
    assert validate_source(Source("a.yaml", written), Policy(), quotas).findings == ()


def test_prices_path_is_relative_to_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(
        tmp_path,
        {"conf/.archplan.toml": '[tool.archplan]\nprices = "p.yaml"\n', "conf/p.yaml": "{}\n"},
    )
    monkeypatch.chdir(tmp_path)
    assert load_config(Path("conf/.archplan.toml")).prices == str(Path("conf/p.yaml"))


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            '[tool.archplan]\nselct = ["AP104"]\n',
            "2:1",
            'unknown key "selct" in [tool.archplan] (did you mean "select"?)',
        ),
        (
            '[tool]\nx = 1\n[tool.archplan]\nignore = ["AP104", "AP999"]\n',
            "4:20",
            'ignore: no rule "AP999"',
        ),
        (
            '[tool.archplan]\nselect = ["peering-overlab"]\n',
            "2:11",
            '(did you mean "peering-overlap"?)',
        ),
        ('[tool.archplan]\nselect = "AP104"\n', "2:1", "select must be a list"),
        ('[tool.archplan]\n\nseverity = {AP104 = "fatal"}\n', "3:13", "severity of AP104 must be"),
        ('[tool.archplan]\nseverity = {AP777 = "info"}\n', "2:13", 'severity: no rule "AP777"'),
        ('[tool.archplan]\nfail-on = "never"\n', "2:1", "fail-on must be"),
        (
            "[tool.archplan]\nquotas = {subnet_per_vpc = 3}\n",
            "2:11",
            '(did you mean "subnets_per_vpc"?)',
        ),
        ('[tool.archplan]\nquotas = {subnets_per_vpc = "3"}\n', "2:11", "must be a whole number"),
        (
            '[tool.archplan]\nprices = "missing.yaml"\n',
            "2:1",
            'prices file "missing.yaml" does not exist',
        ),
        ("[tool.archplan]\nselect = [\n", "3:1", "not valid TOML: "),
    ],
)
def test_invalid_config_is_exit_2_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str, message: str
) -> None:
    _project(tmp_path, {".archplan.toml": text, "a.yaml": DOCKER})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / ".archplan.toml")
    assert message in caught.value.message
    code, stdout, stderr = _validate(tmp_path, monkeypatch, "a.yaml")
    assert code == 2 and stdout == ""
    assert stderr.startswith(f".archplan.toml:{where}: error: "), stderr
    assert message in stderr


def test_a_missing_explicit_config_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, stderr = _validate(
        tmp_path, monkeypatch, "--config", "nope.toml", str(EXAMPLES / "endpoints.yaml")
    )
    assert code == 2 and "nope.toml: error: no such configuration file" in stderr


def test_files_only_config_still_reads(tmp_path: Path) -> None:
    path = _project(tmp_path, {".archplan.toml": '[tool.archplan]\nfiles = ["a.yaml"]\n'})
    config = load_config(path / ".archplan.toml")
    assert (config.select, config.ignore, config.fail_on) == (None, frozenset(), None)
