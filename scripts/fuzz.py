"""Fuzz archplan for minutes or hours: mutate the shipped examples, run the whole pipeline.

    .venv/bin/python scripts/fuzz.py --minutes 10 --crashes fuzz-crashes/

The same mutations as tests/properties/test_mutations.py (which runs a few dozen per CI run),
in batches with fresh random seeds until the time is up. Every input that raises anything but an
input error is saved to the crashes folder (named by its hash, with the traceback beside it),
and the search goes on. Exit status 1 when something was saved.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.properties.mutations import (  # noqa: E402
    TEMPLATES,
    corpus_templates,
    mutated_example,
    mutated_text,
    run_import,
    run_pipeline,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to fuzz")
    parser.add_argument(
        "--crashes", type=Path, default=Path("fuzz-crashes"), help="folder for crashing inputs"
    )
    parser.add_argument("--batch", type=int, default=500, help="examples per Hypothesis run")
    parser.add_argument(
        "--cloudformation",
        action="store_true",
        help="mutate CloudFormation templates (the shipped one and ../shared/corpus's) and run "
        "validate --from instead",
    )
    options = parser.parse_args()
    if options.cloudformation:
        strategy, run = mutated_text({**TEMPLATES, **corpus_templates()}), run_import
    else:
        strategy, run = mutated_example(), run_pipeline
    deadline = time.monotonic() + options.minutes * 60
    crashes: set[str] = set()
    tried = 0

    @settings(
        max_examples=options.batch,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def search(example: tuple[str, str]) -> None:
        nonlocal tried
        if time.monotonic() > deadline:
            return
        tried += 1
        name, text = example
        try:
            run(text, name)
        except Exception:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
            if digest not in crashes:
                crashes.add(digest)
                options.crashes.mkdir(parents=True, exist_ok=True)
                (options.crashes / f"{digest}.yaml").write_text(text, encoding="utf-8")
                (options.crashes / f"{digest}.txt").write_text(
                    f"mutated from examples/{name}\n\n{traceback.format_exc()}", encoding="utf-8"
                )
                print(f"crash {digest}: {traceback.format_exc().splitlines()[-1]}", flush=True)

    while time.monotonic() < deadline:
        search()
        print(f"{tried} inputs tried, {len(crashes)} crashes", flush=True)
    if crashes:
        print(f"crashing inputs saved in {options.crashes}/", flush=True)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
