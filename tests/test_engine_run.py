"""The engine's run (archplan.engine.run), without the command line: each file's own
configuration and threshold, the baseline recorded and applied, and failures raised, not
printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from archplan.engine.run import RunFailed, ValidateRequest, run_validate
from archplan.findings import Severity

# AP104 (docker-bridge-range) is a warning: whether it fails a file depends on the threshold.
BRIDGE = "archplan: 1\nvpcs:\n  shared: {region: us-east-1, cidr: 172.17.0.0/16}\n"


def _files(tmp_path: Path) -> tuple[str, str]:
    strict, lax = tmp_path / "strict", tmp_path / "lax"
    for folder in (strict, lax):
        folder.mkdir()
        (folder / "a.yaml").write_text(BRIDGE, encoding="utf-8")
    (strict / ".archplan.toml").write_text('[tool.archplan]\nfail-on = "warning"\n')
    return str(strict / "a.yaml"), str(lax / "a.yaml")


def test_each_file_is_judged_by_its_own_configuration(tmp_path: Path) -> None:
    strict, lax = _files(tmp_path)
    outcome = run_validate(ValidateRequest([strict, lax]))
    assert [[f.rule_id for f in result.findings] for result in outcome.results] == [
        ["AP104"],
        ["AP104"],
    ]
    assert outcome.thresholds == [Severity.WARNING, Severity.ERROR]
    assert outcome.failing and not outcome.unreadable
    assert not run_validate(ValidateRequest([lax])).failing


def test_a_recorded_baseline_hides_the_findings_it_knows(tmp_path: Path) -> None:
    strict, _ = _files(tmp_path)
    baseline = str(tmp_path / "baseline.json")
    recorded = run_validate(ValidateRequest([strict], write_baseline=baseline))
    assert recorded.recorded == 1
    outcome = run_validate(ValidateRequest([strict], baseline=baseline))
    assert outcome.results[0].findings == () and not outcome.failing


def test_failures_are_raised_with_the_errors_read_so_far(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.yaml")
    baseline = tmp_path / "baseline.json"
    baseline.write_text("not json", encoding="utf-8")
    with pytest.raises(RunFailed) as failure:
        run_validate(ValidateRequest([missing], baseline=str(baseline)))
    assert failure.value.lines[0].startswith(f"{baseline}")
    assert [result.name for result in failure.value.results] == [missing]
    assert failure.value.results[0].error is not None
