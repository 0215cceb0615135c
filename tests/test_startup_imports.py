"""Start-up: a run imports what its input needs. Validating a file whose scaling groups have no
demand never loads the capacity planner (its price, demand and commitment modules are a tenth
of `validate`'s imports); a file with demand does (the rule cases of AP515-AP517 hold the verdicts).
A file without containers or functions never loads their model, builder, packer or the address
and egress analyses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANNER = "archplan.capacity.plan"


def test_the_verdict_kinds_are_the_planners() -> None:
    from archplan.capacity import plan
    from archplan.rules import capacity

    assert (capacity.UNSERVED_DEMAND, capacity.AZ_LOSS_SHORTFALL, capacity.AZ_LOSS_IMPOSSIBLE) == (
        plan.UNSERVED_DEMAND,
        plan.AZ_LOSS_SHORTFALL,
        plan.AZ_LOSS_IMPOSSIBLE,
    )


@pytest.mark.parametrize(
    ("example", "planned"),
    [("three-vpc-mesh.yaml", False), ("shared-services.yaml", False), ("forum.yaml", True)],
)
def test_validate_loads_the_planner_only_for_demand(example: str, planned: bool) -> None:
    assert _loaded(example, (PLANNER,)) == ([PLANNER] if planned else [])


# Loaded only for files with services, functions, EKS clusters or instance types (and the address
# analysis for scaling groups too).
CONTAINERS = (
    "archplan.analysis.addresses",
    "archplan.analysis.egress",
    "archplan.build_containers",
    "archplan.capacity.containers",
    "archplan.model_containers",
    "fractions",
)


def _loaded(example: str, modules: tuple[str, ...]) -> list[str]:
    code = (
        "import sys\nfrom archplan.cli import main\n"
        f"sys.argv = ['archplan', 'validate', {str(ROOT / 'examples' / example)!r}, '-f', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('loaded:' + ','.join(m for m in {modules!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert '"findings"' in result.stdout, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("loaded:"), result.stderr
    return [name for name in last.removeprefix("loaded:").split(",") if name]


@pytest.mark.parametrize("example", ["three-vpc-mesh.yaml", "shared-services.yaml"])
def test_validate_without_containers_loads_none_of_their_modules(example: str) -> None:
    assert _loaded(example, CONTAINERS) == []


def test_validate_with_containers_loads_them() -> None:
    assert _loaded("forum.yaml", CONTAINERS) == list(CONTAINERS)
