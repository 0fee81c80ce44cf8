"""Offsets of the cleaned text move back onto the gold text; spans match one to one."""

from __future__ import annotations

import pytest

from evaluation.align import OffsetMap, char_set, greedy_match, overlaps


@pytest.mark.parametrize(
    ("src", "dst", "span", "expected"),
    [
        ("same text", "same text", (5, 9), (5, 9)),
        # the title line was dropped and the line break doubled by cleaning
        ("Body starts.\n\nThen it ends.", "Title\nBody starts.\nThen it ends.", (14, 18),
         (19, 23)),
        ("Body starts.\n\nThen it ends.", "Title\nBody starts.\nThen it ends.", (0, 4), (6, 10)),
    ],
)  # fmt: skip
def test_offset_map(src: str, dst: str, span: tuple[int, int], expected: tuple[int, int]) -> None:
    om = OffsetMap(src, dst)
    assert om.span(*span) == expected
    assert dst[expected[0] : expected[1]] == src[span[0] : span[1]]


def test_greedy_match_is_one_to_one_best_first() -> None:
    text = "The rebels attacked the town."
    gold = [char_set(text, [(11, 19)])]
    predicted = [char_set(text, [(4, 19)]), char_set(text, [(11, 19)])]
    assert greedy_match(gold, predicted) == [(0, 1)]
    assert char_set(text, [(10, 20)]) == char_set(text, [(11, 19)])  # edges trimmed
    assert overlaps((0, 3), [(2, 5)]) and not overlaps((0, 2), [(2, 5)]) and not overlaps(None, [])
