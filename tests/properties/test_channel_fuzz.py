"""Every input channel fuzzed as users run archplan (issue 14), within a small CI budget.

Round-robin over the channels (baselines, configurations, prices, demand files, Terraform and
AWS CLI JSON, CloudFormation, expansion shapes), a mutated case each, as real processes under
512 MB and 5 s of CPU, until ARCHPLAN_FUZZ_SECONDS (default 20) have passed; every channel gets
at least one case. ARCHPLAN_FUZZ_SEED changes the cases (default: fixed, so CI is repeatable).
For minutes or hours: scripts/fuzz.py --channels --minutes 30.
"""

from __future__ import annotations

import os
import random
import time

from tests.properties.channels import BUILDERS, CHANNELS, run_case


def test_every_channel_survives_mutation() -> None:
    budget = float(os.environ.get("ARCHPLAN_FUZZ_SECONDS", "20"))
    chance = random.Random(os.environ.get("ARCHPLAN_FUZZ_SEED", "issue-14"))
    deadline = time.monotonic() + budget
    runs = 0
    while runs < len(CHANNELS) or time.monotonic() < deadline:
        case = BUILDERS[CHANNELS[runs % len(CHANNELS)]](chance)
        run_case(case)
        runs += 1
