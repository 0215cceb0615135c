"""'Did you mean' suggestions for misspelled keys, names, Regions and choices."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for a near miss, '' when nothing is close.

    difflib finds the near candidates; among them the fewest typing mistakes wins (a swapped
    pair of letters counts as one), so "us-esat-1" suggests "us-east-1", not "us-west-1".
    Remaining ties go to the alphabetically first, so the suggestion is stable.
    """
    best = closest(word, choices)
    return "" if best is None else f' (did you mean "{best}"?)'


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `did_you_mean` suggests for `word`, or None when nothing is close."""
    candidates = difflib.get_close_matches(word, list(choices), n=5, cutoff=0.6)
    if not candidates:
        return None
    return min(candidates, key=lambda candidate: (typo_distance(word, candidate), candidate))


def typo_distance(left: str, right: str) -> int:
    """Edits (insert, delete, replace, swap of neighbours) from one word to the other."""
    previous_row: list[int] = []
    row = list(range(len(right) + 1))
    for i in range(1, len(left) + 1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(right)
        for j in range(1, len(right) + 1):
            cost = 0 if left[i - 1] == right[j - 1] else 1
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            if i > 1 and j > 1 and left[i - 1] == right[j - 2] and left[i - 2] == right[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[len(right)]
