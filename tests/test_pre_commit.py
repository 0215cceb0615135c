"""The pre-commit hooks: their definitions, the configured files they read, and the real thing.

The last tests install pre-commit from PyPI into a temporary virtualenv and run both hooks with
`pre-commit try-repo` against a copy of this checkout (committed in a temporary git repository,
so uncommitted and new files count) in a temporary project; they skip when PyPI is unreachable.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from archplan.cli import app
from archplan.project_config import ConfigError, configured_files, find_config
from tests.conftest import EXAMPLES, ROOT

HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
GOOD = (EXAMPLES / "three-vpc-mesh.yaml").read_text(encoding="utf-8")
BAD = (EXAMPLES / "broken" / "AP303-peering-overlap.yaml").read_text(encoding="utf-8")


def test_the_two_hooks() -> None:
    assert list(HOOKS) == ["archplan-validate", "archplan-validate-config"]
    validate, config = HOOKS.values()
    assert (validate["entry"], validate["language"], validate["pass_filenames"]) == (
        "archplan validate",
        "python",
        True,
    )
    assert (config["entry"], config["language"], config["pass_filenames"]) == (
        "archplan validate-config",
        "python",
        False,
    )
    assert config["always_run"] is True  # the configured files may have any name


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("archplan.yaml", True),
        ("archplan.yml", True),
        ("network/archplan.yaml", True),
        ("prod.archplan.yaml", True),
        ("envs/prod.archplan.yml", True),
        ("myarchplan.yaml", False),
        ("archplan.yaml.orig", False),
        ("archplan.json", False),
        ("prod.archplan.toml", False),
        ("archplan/config.yaml", False),
        (".archplan.yaml", False),
        ("docker-compose.yaml", False),
    ],
)
def test_the_validate_hook_picks_architecture_files(path: str, matches: bool) -> None:
    # pre-commit matches `files` with re.search against the path from the repository root.
    assert bool(re.search(HOOKS["archplan-validate"]["files"], path)) is matches


@pytest.mark.parametrize("hook", ["archplan-validate", "archplan-validate-config"])
def test_each_entry_is_a_command(hook: str) -> None:
    program, command = HOOKS[hook]["entry"].split()
    assert program == "archplan"
    assert CliRunner().invoke(app, [command, "--help"]).exit_code == 0


# The configured files: [tool.archplan] files = [...] in .archplan.toml or pyproject.toml.


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_files_come_from_pyproject_relative_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\n[tool.archplan]\nfiles = ["net/a.yaml"]\n',
            "net/a.yaml": GOOD,
            "src/deep/.keep": "",
        },
    )
    monkeypatch.chdir(tmp_path / "src" / "deep")
    listed = configured_files()
    assert listed.config == (tmp_path / "pyproject.toml").resolve()
    assert listed.files == (os.path.join("..", "..", "net", "a.yaml"),)


def test_dot_archplan_toml_comes_first_and_globs_expand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(
        tmp_path,
        {
            "pyproject.toml": '[tool.archplan]\nfiles = ["other.yaml"]\n',
            ".archplan.toml": '[tool.archplan]\nfiles = ["envs/*.archplan.yaml", "a.yaml"]\n',
            "envs/prod.archplan.yaml": GOOD,
            "envs/dev.archplan.yaml": GOOD,
        },
    )
    monkeypatch.chdir(tmp_path)
    assert find_config(tmp_path) == tmp_path / ".archplan.toml"
    assert configured_files().files == (
        os.path.join("envs", "dev.archplan.yaml"),
        os.path.join("envs", "prod.archplan.yaml"),
        "a.yaml",  # missing: validate reports it, with exit code 2
    )


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {"pyproject.toml": '[tool.archplan]\nfiles = ["a.yaml"]\n', "sub/pyproject.toml": "[x]\n"},
    )
    assert find_config(tmp_path / "sub") == tmp_path / "pyproject.toml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.archplan]\n", "[tool.archplan] lists no files"),
        ("[tool.archplan]\nfiles = []\n", "[tool.archplan] lists no files"),
        ('[tool.archplan]\nfiles = "a.yaml"\n', "files must be a list of paths (strings)"),
        ('[tool.archplan]\nfiles = ["a.yaml", 3]\n', "files must be a list of paths (strings)"),
        ('[tool.archplan]\nfiles = ["*.nothing"]\n', 'files pattern "*.nothing" matches no file'),
        ("[tool.archplan\n", "not valid TOML: "),
        ("[other]\n", "no [tool.archplan] table"),
    ],
)
def test_configuration_errors(tmp_path: Path, text: str, message: str) -> None:
    config = _project(tmp_path, {".archplan.toml": text}) / ".archplan.toml"
    with pytest.raises(ConfigError) as caught:
        configured_files(config)
    assert caught.value.path == config
    assert message in caught.value.message


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return CliRunner().invoke(app, ["validate-config", *args])


def test_validate_config_exit_codes_and_passed_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = '[tool.archplan]\nfiles = ["good.yaml"]\n'
    _project(tmp_path, {".archplan.toml": config, "good.yaml": GOOD, "bad.yaml": BAD})
    result = _run(tmp_path, monkeypatch)
    assert (result.exit_code, result.stdout) == (0, "0 errors, 0 warnings, 0 info in 1 file\n")

    (tmp_path / ".archplan.toml").write_text(config.replace("good", "bad"), encoding="utf-8")
    result = _run(tmp_path, monkeypatch, "--format", "concise")
    assert result.exit_code == 1
    assert result.stdout.startswith("bad.yaml:") and " error AP303 " in result.stdout

    result = _run(tmp_path, monkeypatch, "--fail-on", "nonsense")
    assert result.exit_code == 2  # validate's own usage error


def test_validate_config_without_configuration_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A configuration above tmp_path (in the machine's /tmp) would be found: look from a root
    # that has none, by passing the file explicitly when there is one.
    result = _run(tmp_path, monkeypatch, "--config", "missing.toml")
    assert result.exit_code == 2
    assert result.stderr == "missing.toml: error: no such configuration file\n"
    if find_config(tmp_path) is None:
        result = _run(tmp_path, monkeypatch)
        assert result.exit_code == 2
        assert result.stderr.startswith("archplan: error: no configuration found")


# The real pre-commit, from PyPI.

BIN = "Scripts" if os.name == "nt" else "bin"
# Nothing from this process's git or pre-commit state leaks into the temporary repositories.
ENV = {
    **{
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT"))
    },
    "GIT_AUTHOR_NAME": "archplan tests",
    "GIT_AUTHOR_EMAIL": "tests@archplan.invalid",
    "GIT_COMMITTER_NAME": "archplan tests",
    "GIT_COMMITTER_EMAIL": "tests@archplan.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
NOT_PART_OF_THE_PACKAGE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*cache", ".hypothesis"
)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """pre-commit installed from PyPI, and the environment to run it in."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("pre-commit")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [str(venv / BIN / "python"), "-m", "pip", "install", "--quiet", "pre-commit"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if install.returncode != 0:
        pytest.skip(f"cannot install pre-commit from PyPI: {install.stderr.strip()[-300:]}")
    env = {**ENV, "PRE_COMMIT_HOME": str(base / "cache")}
    return venv / BIN / "pre-commit", env


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout as it is on disk, committed in a repository of its own."""
    repo = tmp_path_factory.mktemp("hook-repo") / "archplan"
    shutil.copytree(ROOT, repo, ignore=NOT_PART_OF_THE_PACKAGE)
    _git(repo, "init", "--quiet")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--no-gpg-sign", "--message", "archplan under test")
    return repo


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's repository with a good and a bad architecture file."""
    _project(
        tmp_path,
        {
            "archplan.yaml": GOOD,
            "network/bad.archplan.yml": BAD,
            "notes.yaml": BAD,  # not an architecture file by name: the hook leaves it alone
            "pyproject.toml": '[tool.archplan]\nfiles = ["archplan.yaml"]\n',
        },
    )
    _git(tmp_path, "init", "--quiet")
    _git(tmp_path, "add", "--all")
    return tmp_path


def _try_repo(
    pre_commit: tuple[Path, dict[str, str]], repo: Path, project: Path, *files: str
) -> subprocess.CompletedProcess[str]:
    """Run every hook of `repo` on `files` (try-repo installs the hooks afresh on each run)."""
    program, env = pre_commit
    command = [str(program), "try-repo", str(repo), "--color", "never", "--files", *files]
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=600
    )


def _status(output: str) -> dict[str, str]:
    """Each hook's name and result from pre-commit's report (`name....Passed`)."""
    return dict(
        re.findall(r"^(archplan validate.*?)\.{3,}(?:\(no files to check\))?(\w+)$", output, re.M)
    )


def test_pre_commit_passes_good_files(
    pre_commit: tuple[Path, dict[str, str]], hook_repo: Path, project: Path
) -> None:
    # notes.yaml is broken too, but its name says it is no architecture file.
    run = _try_repo(pre_commit, hook_repo, project, "archplan.yaml", "notes.yaml", "pyproject.toml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert _status(run.stdout) == {
        "archplan validate": "Passed",
        "archplan validate (files from [tool.archplan])": "Passed",
    }


def test_pre_commit_fails_a_bad_file(
    pre_commit: tuple[Path, dict[str, str]], hook_repo: Path, project: Path
) -> None:
    config = project / "pyproject.toml"
    config.write_text('[tool.archplan]\nfiles = ["network/*.yml"]\n', encoding="utf-8")
    run = _try_repo(pre_commit, hook_repo, project, "network/bad.archplan.yml", "pyproject.toml")
    assert run.returncode == 1, run.stdout + run.stderr
    assert _status(run.stdout) == {
        "archplan validate": "Failed",
        "archplan validate (files from [tool.archplan])": "Failed",
    }
    assert run.stdout.count("AP303 peering-overlap") == 2, run.stdout
