"""The rule registry's layout: every rule module is imported, says what it is for, and a domain
split into topic modules keeps its name and its id order."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from collections import defaultdict

import archplan.rules
from archplan.rules import RULES
from archplan.rules.registry import domain_of
from tests.conftest import ROOT

RULES_DIR = ROOT / "archplan" / "rules"


def test_every_rule_module_is_imported_and_documented() -> None:
    """Rules register on import: a module its package forgets to import silently loses its
    rules. A private module (_shared) holds helpers only and is imported by its users."""
    for module in pkgutil.walk_packages(archplan.rules.__path__, "archplan.rules."):
        leaf = module.name.rsplit(".", 1)[-1]
        if not leaf.startswith("_"):
            assert module.name in sys.modules, f"{module.name} is not imported by its package"
        loaded = importlib.import_module(module.name)
        assert (loaded.__doc__ or "").strip(), f"{module.name} has no docstring"


def test_a_topic_module_belongs_to_its_package_domain() -> None:
    assert domain_of("archplan.rules.peering.reply_paths") == "peering"
    assert domain_of("archplan.rules.peering") == "peering"
    assert domain_of("archplan.rules.scaling_inputs") == "scaling_inputs"
    packages = {path.name for path in RULES_DIR.iterdir() if (path / "__init__.py").exists()}
    modules = {path.stem for path in RULES_DIR.glob("*.py") if not path.stem.startswith("_")}
    assert {rule.domain for rule in RULES.values()} <= packages | modules


def test_rules_register_in_id_order_within_a_domain() -> None:
    """A package imports its topic modules in id order, so the rules run (and memoised
    analyses fill) in the order they did when the domain was one module."""
    by_domain: dict[str, list[str]] = defaultdict(list)
    for rule_id, rule in RULES.items():
        by_domain[rule.domain].append(rule_id)
    for domain, ids in by_domain.items():
        assert ids == sorted(ids), domain


def test_no_rule_module_is_imported_from_outside_its_package_privately() -> None:
    """Helpers shared inside a rules package live in its _shared module; code outside the
    package imports public names only."""
    for path in ROOT.joinpath("archplan").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:3])
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "archplan.rules."
            ):
                module = node.module or ""
                inside = module.startswith(package + ".") or module == package
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                if "._" in module or private:
                    assert inside, f"{path.relative_to(ROOT)} imports {module} {private}"
