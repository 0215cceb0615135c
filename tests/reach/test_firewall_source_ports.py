"""Network Firewall rules match source ports (`source_ports:`, AWS's SourcePorts match
attribute) as a user sees it through `reach`: a request from the client's ephemeral ports
passes in part when a rule takes only some of them, and its reply must reach the ports that
got through; `source_ports` is refused where AWS ignores it (not TCP or UDP)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

PAIR = """\
network_firewalls:
  central:
    stateless_default: drop
    stateless:
      - {priority: 10, action: pass, protocol: tcp, ports: 443, source_ports: REQUEST,
         from: 10.0.0.0/8, to: any}
      - {priority: 20, action: pass, protocol: tcp, ports: REPLY, source_ports: 443,
         from: any, to: 10.0.0.0/8}
"""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)
    return CliRunner()


def _file(tmp_path: Path, request: str, reply: str) -> str:
    """The inspection example with a stateless rule pair instead of its stateful policy."""
    text = (ROOT / "examples/inspection.yaml").read_text(encoding="utf-8")
    text = text.split("\nreachability:")[0] + "\n"
    policy = PAIR.replace("REQUEST", request).replace("REPLY", reply)
    text = re.sub(r"network_firewalls:\n(?:    ?.*\n)*", policy, text)
    path = tmp_path / "inspection.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _reach(runner: CliRunner, file: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["reach", file, "orders", "payments", "--port", "443", "--width", "300"]
    )
    return result.exit_code, result.stdout


def test_a_rule_pair_with_ephemeral_source_ports_passes(runner: CliRunner, tmp_path: Path) -> None:
    code, out = _reach(runner, _file(tmp_path, "1024-65535", "1024-65535"))
    assert code == 0, out
    assert "stateless rule 10 pass tcp 443 10.0.0.0/8 port 1024-65535 -> any" in out
    assert "stateless rule 20 pass tcp 1024-65535 any port 443 -> 10.0.0.0/8" in out
    assert "note:" not in out


def test_source_ports_the_rule_leaves_out_are_dropped(runner: CliRunner, tmp_path: Path) -> None:
    code, out = _reach(runner, _file(tmp_path, "32768-40000", "1024-65535"))
    assert code == 0, out
    assert (
        "note: firewall endpoint fw-a (network firewall central): no stateless rule matches, so "
        "the default action drops it: source ports 40001-61000 are dropped"
    ) in out


def test_the_reply_must_reach_a_source_port_that_got_through(
    runner: CliRunner, tmp_path: Path
) -> None:
    # The request gets through from 32768-40000 only, the reply only to 40001 and up: no
    # connection works, although each direction alone passes some ports.
    code, out = _reach(runner, _file(tmp_path, "32768-40000", "40001-65535"))
    assert code == 1, out
    reply = out.split("return:")[1]
    assert "dropped: firewall endpoint fw-a (network firewall central) drops it" in reply
    assert "fix: add a stateless pass rule for it (network_firewalls.central)" in reply


def test_a_request_from_a_source_port_no_rule_takes_is_dropped(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, out = _reach(runner, _file(tmp_path, "443", "1024-65535"))
    assert code == 1, out
    assert "forward:" in out and "return:" not in out
    assert "drops it: no stateless rule matches, so the default action drops it" in out


def test_source_ports_are_refused_where_aws_ignores_them(runner: CliRunner, tmp_path: Path) -> None:
    file = _file(tmp_path, "1024-65535", "1024-65535")
    text = (
        Path(file)
        .read_text(encoding="utf-8")
        .replace(
            "priority: 10, action: pass, protocol: tcp",
            "priority: 10, action: pass, protocol: icmp",
        )
    )
    Path(file).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", file])
    assert result.exit_code == 1
    assert "AP006" in result.stdout
    assert '"source_ports" applies only to protocol tcp or udp' in result.stdout
