"""'Did you mean': the same suggestions as difflib over every name where names are few, and a
suggestion for every close typo among thousands of names without comparing with each."""

from __future__ import annotations

import difflib

from hypothesis import given
from hypothesis import strategies as st

from archplan import spelling
from archplan.spelling import Speller, did_you_mean, one_mistake, typo_distance
from tests.conftest import triples, validate_text

MANY = [f"service-{index:04d}-private" for index in range(2000)]


def _difflib_over_all(word: str, choices: list[str]) -> str:
    """The suggestion as it was made before the index: difflib against every name."""
    close = difflib.get_close_matches(word, choices, n=5, cutoff=0.6)
    if not close:
        return ""
    best = min(close, key=lambda candidate: (typo_distance(word, candidate), candidate))
    return f' (did you mean "{best}"?)'


LETTERS = st.text(alphabet="abc-1", min_size=1, max_size=8)


@given(st.lists(LETTERS, min_size=1, max_size=spelling.SCAN_LIMIT, unique=True), LETTERS)
def test_few_names_are_suggested_as_difflib_over_all_of_them(names: list[str], word: str) -> None:
    assert did_you_mean(word, names) == _difflib_over_all(word, names)


@given(LETTERS, LETTERS)
def test_one_mistake_is_a_typo_distance_of_at_most_one(left: str, right: str) -> None:
    assert one_mistake(left, right) == (typo_distance(left, right) <= 1)


@given(
    st.lists(LETTERS, min_size=spelling.SCAN_LIMIT + 1, max_size=300, unique=True),
    LETTERS,
)
def test_the_index_finds_every_name_one_mistake_away(names: list[str], word: str) -> None:
    found = Speller(names)._one_mistake_away(word)
    expected = [name for name in names if typo_distance(word, name) <= 1]
    assert sorted(found) == sorted(expected[: spelling.NEAR_LIMIT]) or (
        len(expected) > spelling.NEAR_LIMIT and len(found) == spelling.NEAR_LIMIT
    )


def test_close_typos_among_thousands_of_names_are_suggested() -> None:
    speller = Speller(MANY)
    name = "service-1234-private"
    for typo in (
        "servce-1234-private",  # a letter left out
        "service-1234-privatte",  # one too many
        "service-1234-privote",  # one replaced
        "sevrice-1234-private",  # two swapped, at the start
        "service-1234-pirvate",  # at the end
    ):
        assert speller.suggest(typo) == f' (did you mean "{name}"?)', typo
        assert speller.near_miss(typo) == name, typo
    # Two mistakes: not one away, found by the wider search when one end of the name is
    # intact (near the word in alphabetical order, spelled forwards or backwards).
    for typo in ("service-1234-pivat", "sevrce-1234-private"):
        assert speller.near_miss(typo) is None
        assert speller.suggest(typo) == f' (did you mean "{name}"?)', typo
    assert speller.suggest("zzzz") == ""


def test_hostile_names_and_words_cost_little_and_suggest_nothing_wrong() -> None:
    long_names = [f"{index}-" + "x" * 5000 for index in range(200)]
    speller = Speller([*long_names, *MANY])
    assert speller.suggest("y" * 100_000) == ""
    assert speller.suggest("service-0001-privat") == ' (did you mean "service-0001-private"?)'


def test_every_unknown_reference_of_a_large_file_gets_its_suggestion() -> None:
    """Beyond the old budget of 100 suggestions per file: each typo one mistake away is
    suggested, however many there are."""
    count = 150
    vpcs = "".join(f"  vpc-{index:03d}: {{cidr: 10.{index}.0.0/16}}\n" for index in range(count))
    peerings = "".join(
        f"  p{index}: {{requester: vcp-{index:03d}, accepter: vpc-{(index + 1) % count:03d}}}\n"
        f"  q{index}: {{requester: vpc-{index:03d}, accepter: vpc{(index + 2) % count:03d}}}\n"
        for index in range(count)
    )
    text = (
        "archplan: 1\ndefaults: {region: us-east-1}\nquotas: {vpcs_per_region: 1000}\n"
        f"vpcs:\n{vpcs}peerings:\n{peerings}"
    )
    result = validate_text(text)
    unknown = [finding for finding in result.findings if finding.rule_id == "AP005"]
    assert len(unknown) == 2 * count == len(triples(result, "AP005"))
    for finding in unknown:
        written = finding.message.split('"')[1]
        meant = written.replace("vcp-", "vpc-") if "vcp" in written else "vpc-" + written[3:]
        assert finding.message.endswith(f'(did you mean "{meant}"?)'), finding.message
