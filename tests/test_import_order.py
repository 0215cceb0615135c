"""Every archplan module imports on its own, first, in a fresh interpreter: no import cycle
(such as archplan.analysis.addresses -> archplan.rules.registry -> every rule module -> back to
the analysis) works only because something else happened to be imported before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Runs the command line when imported.
SKIP = {"archplan.__main__"}

# One interpreter for all modules: before each, every archplan module is dropped from
# sys.modules, so each is imported first, as it would be in a fresh process (third-party
# modules stay loaded, which only saves time: they cannot import archplan).
CHILD = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "archplan" or m.startswith("archplan.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ":\\n" + traceback.format_exc(limit=-3))
print("\\n".join(failed))
"""


def _modules() -> list[str]:
    names = []
    for path in sorted((ROOT / "archplan").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name not in SKIP:
            names.append(name)
    return names


def test_the_module_list_is_the_package() -> None:
    names = _modules()
    assert "archplan.analysis.addresses" in names
    assert "archplan.rules" in names and "archplan.rules.registry" in names
    assert len(names) > 200


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *_modules()],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", result.stdout
