"""Fuzz archplan for minutes or hours: mutate the shipped examples, run the whole pipeline.

    .venv/bin/python scripts/fuzz.py --minutes 10 --crashes fuzz-crashes/
    .venv/bin/python scripts/fuzz.py --channels --minutes 30   # every input channel, as processes

With --channels, each case mutates one input channel (a baseline, a configuration, a prices
file, a demand file, Terraform or AWS CLI JSON, a CloudFormation template) or generates an
expansion shape (large aliased scalars, repeated intrinsics), and runs archplan on it as a real
process under 512 MB and 5 s of CPU (tests/properties/channels.py); a case that exits 3, is
killed, hangs, prints a traceback or writes a control character or a workflow command to
standard error is saved as a folder with the files and the command.

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
    parser.add_argument(
        "--channels",
        action="store_true",
        help="mutate every input channel and run each case as a real process",
    )
    parser.add_argument("--seed", default=None, help="random seed for --channels")
    options = parser.parse_args()
    if options.channels:
        return fuzz_channels(options.minutes, options.crashes, options.seed)
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


def fuzz_channels(minutes: float, crashes: Path, seed: str | None) -> int:
    """Channel cases until the time is up; each failing case saved under `crashes`."""
    import json
    import random

    from tests.properties.channels import make_case, run_case

    chance = random.Random(seed)
    deadline = time.monotonic() + minutes * 60
    tried = failed = 0
    while time.monotonic() < deadline:
        case = make_case(chance)
        tried += 1
        try:
            run_case(case)
        except AssertionError as error:
            failed += 1
            digest = hashlib.sha256(repr(case).encode("utf-8", "surrogatepass")).hexdigest()[:16]
            folder = crashes / digest
            folder.mkdir(parents=True, exist_ok=True)
            for name, content in case.files.items():
                data = (
                    content
                    if isinstance(content, bytes)
                    else content.encode("utf-8", "surrogatepass")
                )
                (folder / name).write_bytes(data)
            (folder / "COMMAND.json").write_text(
                json.dumps({"args": case.args, "error": str(error)})
            )
            print(f"failure {digest}: {str(error).splitlines()[0]}", flush=True)
        if tried % 20 == 0:
            print(f"{tried} cases tried, {failed} failures", flush=True)
    print(f"{tried} cases tried, {failed} failures", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
