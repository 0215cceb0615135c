"""Commands around the rules rather than the architecture: schema and explain (issue 5)."""

from __future__ import annotations

from archplan.cli import app

__all__ = ["app"]
