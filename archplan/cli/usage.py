"""How `--help` shows a command: plain metavars in the usage line and two examples after it."""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand


class Command(TyperCommand):
    """A Typer command whose usage line names its arguments as written (`FILE...`, `RULE`):
    Typer's own wraps a required argument in braces (`{FILE}`), which reads as a set."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = param.metavar or (param.name or "").upper()
            pieces.append(name if param.required else f"[{name}]")
        return pieces


def examples(*lines: str) -> str:
    """An epilog of examples, one command a line (`\\b` keeps Click from re-wrapping them)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
