"""`validate --prices FILE` and the configuration's `prices`: AP512 sees the prices scale-plan
would use, and AP513 reads a demand file only when a group names one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archplan.cli import app

# m7i.large is not in archplan's shipped table, so the group's cost needs a price for it.
ARCHITECTURE = """\
archplan: 1
defaults: {region: us-east-1}
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      a: {cidr: 10.0.0.0/24, az: us-east-1a}
      b: {cidr: 10.0.1.0/24, az: us-east-1b}
scaling_groups:
  web:
    vpc: app
    subnets: [a, b]
    instance_types: [m5.large, m7i.large]
    min: 1
    max: 4
    capacity: {per_unit: 100}
    demand: {hourly: [100, 300]}
    purchase: {on_demand_percentage_above_base: 100}
"""
PRICES = "prices:\n  source: quote 2026\n  instance_types:\n    m7i.large: {on_demand: 0.1008}\n"


def _validate(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["validate", "-f", "concise", *arguments])
    return result.exit_code, result.stdout, result.stderr


def test_prices_option_prices_a_type_for_ap512(tmp_path: Path) -> None:
    path = tmp_path / "arch.yaml"
    path.write_text(ARCHITECTURE, "utf-8")
    code, stdout, _ = _validate(str(path))
    assert code == 0 and "AP512" in stdout  # a warning: below the default fail-on
    prices = tmp_path / "prices.yaml"
    prices.write_text(PRICES, "utf-8")
    code, stdout, _ = _validate(str(path), "--prices", str(prices))
    assert code == 0 and "AP512" not in stdout


def test_a_type_priced_nowhere_names_the_prices_file(tmp_path: Path) -> None:
    path = tmp_path / "arch.yaml"
    path.write_text(ARCHITECTURE.replace("m5.large, m7i.large", "m5.large, m7g.large"), "utf-8")
    prices = tmp_path / "prices.yaml"
    prices.write_text(PRICES, "utf-8")
    _, stdout, _ = _validate(str(path), "--prices", str(prices))
    assert f"no price in --prices {prices}, prices.instance_types nor in archplan's" in stdout


def test_configured_prices_apply_to_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "costs").mkdir()
    (tmp_path / "costs" / "prices.yaml").write_text(PRICES, "utf-8")
    (tmp_path / ".archplan.toml").write_text('[tool.archplan]\nprices = "costs/prices.yaml"\n')
    (tmp_path / "arch.yaml").write_text(ARCHITECTURE, "utf-8")
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = _validate("arch.yaml")
    assert (code, stderr) == (0, "") and "AP512" not in stdout
    # --prices wins over the configuration's.
    (tmp_path / "other.yaml").write_text("instance_types: {}\n", "utf-8")
    _, stdout, _ = _validate("arch.yaml", "--prices", "other.yaml")
    assert "AP512" in stdout


def test_malformed_prices_file_exits_two_at_its_place(tmp_path: Path) -> None:
    path = tmp_path / "arch.yaml"
    path.write_text(ARCHITECTURE, "utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("instance_types:\n  m7i.large: {on_demand: cheap}\n", "utf-8")
    code, stdout, stderr = _validate(str(path), "--prices", str(bad))
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"{bad}:2:26: error: on_demand must be a number")


def test_demand_files_are_read_only_when_a_group_names_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archplan.capacity.demand as demand

    read: list[str] = []
    original = demand.load_demand_file

    def counting(path: str, written: str, max_bytes: int, **options: Any) -> demand.Profile:
        read.append(written)
        return original(path, written, max_bytes, **options)

    monkeypatch.setattr(demand, "load_demand_file", counting)
    path = tmp_path / "arch.yaml"
    path.write_text(ARCHITECTURE.replace("m7i.large", "c5.large"), "utf-8")
    assert _validate(str(path))[0] == 0 and read == []
    (tmp_path / "web.csv").write_text("t,v\n2024-05-01T00:00:00Z,5\n", "utf-8")
    path.write_text(
        ARCHITECTURE.replace("m7i.large", "c5.large").replace(
            "{hourly: [100, 300]}", "{file: web.csv}"
        ),
        "utf-8",
    )
    code, stdout, _ = _validate(str(path))
    assert (code, read) == (0, ["web.csv"]), stdout
    # Relative to the architecture file's folder, whatever the working directory.
    monkeypatch.chdir("/")
    assert _validate(str(path))[0] == 0
