"""Compare archplan's start-up between two source trees, run alternately on the same machine.

    git archive <commit> archplan | tar -x -C /tmp/before
    python scripts/startup_compare.py /tmp/before . 30

Each round runs `--version`, a clean `validate` (text) and a `validate --format json` once per
tree, interleaved so load on a shared machine falls on both; wall and CPU time (the child's
user + system, from getrusage) are reported as best and median of the rounds.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASES = {
    "--version": ["--version"],
    "validate examples/forum.yaml": ["validate", str(REPO / "examples" / "forum.yaml")],
    "validate examples/three-vpc-mesh.yaml -f json": [
        "validate",
        str(REPO / "examples" / "three-vpc-mesh.yaml"),
        "--format",
        "json",
    ],
}


def main() -> None:
    before, after = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    trees = {"before": before, "after": after}
    results: dict[tuple[str, str], tuple[list[float], list[float]]] = {
        (tree, case): ([], []) for tree in trees for case in CASES
    }
    for _ in range(runs):
        for case, args in CASES.items():
            for tree, path in trees.items():
                env = {**os.environ, "PYTHONPATH": os.path.abspath(path)}
                used = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-c", "from archplan.cli import main; main()", *args],
                    env=env,
                    # Not in a source tree: `python -c` puts the working directory first on
                    # sys.path, where an `archplan` package would shadow PYTHONPATH's.
                    cwd=tempfile.gettempdir(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=False,
                )
                wall = time.perf_counter() - start
                now = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime
                results[(tree, case)][0].append(wall)
                results[(tree, case)][1].append(cpu)
    print("| Command | Tree | Best wall (s) | Median wall (s) | Best CPU (s) | Median CPU (s) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for case in CASES:
        for tree in trees:
            wall, cpu = results[(tree, case)]
            print(
                f"| `archplan {case}` | {tree} | {min(wall):.3f} | {statistics.median(wall):.3f}"
                f" | {min(cpu):.3f} | {statistics.median(cpu):.3f} |"
            )


if __name__ == "__main__":
    main()
