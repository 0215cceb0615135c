"""'Did you mean' suggestions for misspelled keys, names, Regions and choices.

A suggestion is a near miss, chosen as difflib would among the names it is compared with (the
closest by similarity, then the fewest typing mistakes). Comparing a word with every name of a
large file costs a difflib pass per name (0.1-0.3 s against 2,000 names), so a file with
thousands of broken references took minutes. The names compared are therefore few, whatever
the file's size:

- first, the names one typing mistake away (a letter inserted, deleted or replaced, or two
  neighbours swapped), found through an index of each name's one-letter deletions: a lookup
  per letter of the word, so every reference can have its suggestion;
- only when none of those will do, difflib's close matches among all the names when there are
  few (SCAN_LIMIT), else among the names next to the word in alphabetical order, spelled
  forwards and backwards (a typo keeps at least one end of a name intact). This second search
  is the costly one; a caller may budget it (archplan.build does, per file).
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections.abc import Iterable

# Up to this many names, every name is compared (no index): the search is as difflib's own.
SCAN_LIMIT = 64
# Beyond it: the names compared on each side of the word, in each of the two orders.
WINDOW = 24
# Names longer than this are not indexed (each adds a key per letter) nor compared.
LONGEST = 64
# The index holds at most this many keys (about 100 MB); names past it are found only by the
# wider search.
INDEX_KEYS = 1_000_000
# At most this many names one mistake away are ranked (a hostile file can make thousands).
NEAR_LIMIT = 32


class Speller:
    """Suggestions among one set of names, indexed on first use; build one per set and ask it
    as often as needed (Builder keeps one per collection of the file)."""

    __slots__ = ("_backward", "_deletions", "_forward", "names")

    def __init__(self, choices: Iterable[str]) -> None:
        self.names = list(dict.fromkeys(choices))
        self._deletions: dict[str, list[str]] | None = None
        self._forward: list[str] | None = None
        self._backward: list[str] | None = None

    def suggest(self, word: str) -> str:
        """' (did you mean "x"?)' for a near miss, '' when nothing is close."""
        best = self.near_miss(word) or self.close_match(word)
        return hint(best)

    def near_miss(self, word: str) -> str | None:
        """The best name one typing mistake away, if difflib would suggest it; cheap."""
        return _best(word, self._one_mistake_away(word), near=True)

    def close_match(self, word: str) -> str | None:
        """difflib's suggestion among all the names, or among the nearest in alphabetical
        order forwards and backwards when there are many; a few milliseconds at most."""
        return _best(word, self._neighbours(word))

    def _one_mistake_away(self, word: str) -> list[str]:
        if len(self.names) <= SCAN_LIMIT:
            return [name for name in self.names if one_mistake(word, name)]
        if len(word) > LONGEST + 1:
            return []
        index = self._index()
        found: dict[str, None] = {}
        for key in (word, *_deletions(word)):
            for name in index.get(key, ()):
                if name not in found and one_mistake(word, name):
                    found[name] = None
                    if len(found) == NEAR_LIMIT:
                        return list(found)
        return list(found)

    def _index(self) -> dict[str, list[str]]:
        """Each name and each of its one-letter deletions, to the names they come from: a
        word and a name one mistake apart share a key (the word itself, the name itself, or
        the same deletion from both)."""
        if self._deletions is None:
            index: dict[str, list[str]] = {}
            keys = 0
            for name in self.names:
                if len(name) <= LONGEST:
                    keys += len(name) + 1
                    if keys > INDEX_KEYS:
                        break
                    for key in dict.fromkeys((name, *_deletions(name))):
                        index.setdefault(key, []).append(name)
            self._deletions = index
        return self._deletions

    def _neighbours(self, word: str) -> list[str]:
        if len(self.names) <= SCAN_LIMIT:
            return self.names
        if len(word) > LONGEST:
            return []
        if self._forward is None or self._backward is None:
            kept = sorted(name for name in self.names if len(name) <= LONGEST)
            self._forward = kept
            self._backward = sorted(name[::-1] for name in kept)
        found = _window(self._forward, word)
        found += [name[::-1] for name in _window(self._backward, word[::-1])]
        return list(dict.fromkeys(found))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for a near miss, '' when nothing is close (see the module).

    Among the candidates difflib finds near, the fewest typing mistakes wins (a swapped pair of
    letters counts as one), so "us-esat-1" suggests "us-east-1", not "us-west-1". Remaining
    ties go to the alphabetically first, so the suggestion is stable."""
    return Speller(choices).suggest(word)


def hint(best: str | None) -> str:
    """The words of a suggestion, or '' for none."""
    return f' (did you mean "{best}"?)' if best is not None else ""


def _best(word: str, candidates: list[str], near: bool = False) -> str | None:
    """difflib's (at most five) close matches, then the fewest typing mistakes, then the
    alphabetically first. `near`: every candidate is one mistake away (or the word itself),
    so its distance is known without counting it (typo_distance is quadratic)."""
    if not candidates:
        return None
    close = difflib.get_close_matches(word, candidates, n=5, cutoff=0.6)
    if not close:
        return None
    if near:
        return min(close, key=lambda candidate: (candidate != word, candidate))
    return min(close, key=lambda candidate: (typo_distance(word, candidate), candidate))


def _deletions(text: str) -> list[str]:
    return [text[:index] + text[index + 1 :] for index in range(len(text))]


def _window(ordered: list[str], word: str) -> list[str]:
    at = bisect_left(ordered, word)
    return ordered[max(0, at - WINDOW) : at + WINDOW]


def one_mistake(left: str, right: str) -> bool:
    """Whether the words are equal or one typing mistake apart (a letter inserted, deleted or
    replaced, or two neighbours swapped): typo_distance <= 1, in time linear in the length."""
    if abs(len(left) - len(right)) > 1:
        return False
    shorter = min(len(left), len(right))
    start = 0
    while start < shorter and left[start] == right[start]:
        start += 1
    end = 0
    while end < shorter - start and left[-1 - end] == right[-1 - end]:
        end += 1
    rest_left, rest_right = len(left) - start - end, len(right) - start - end
    if rest_left <= 1 and rest_right <= 1:
        return True
    return (
        rest_left == rest_right == 2
        and left[start] == right[start + 1]
        and left[start + 1] == right[start]
    )


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
