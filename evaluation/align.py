"""Move character offsets from the text presslake stored onto the gold text.

``presslake run`` cleans what it ingests (page furniture and repeated paragraphs go,
paragraph breaks are normalised), so the offsets it stores refer to ``documents.text``, not to
the gold text. The evaluations score exactly what the warehouse would hold: they ingest each
gold record the way the CLI does and move every offset back with :class:`OffsetMap`, built on
``difflib.SequenceMatcher`` opcodes: exact inside unchanged stretches, snapped to the edge of
changed ones.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right

#: Trimmed from both ends of a span before spans are compared as character sets.
TRIM_CHARS = (
    ' \t\r\n\u00a0\u2009\u202f\u201c\u201e\u00ab\u201f\u301d\u201d\u00bb\u301e"\uff02'
    "'\u2018\u2019.,;:!?-\u2013\u2014"
)


class OffsetMap:
    """Map offsets of ``src`` into ``dst`` (identity when the texts are equal)."""

    def __init__(self, src: str, dst: str) -> None:
        self.identity = src == dst
        self.src_len = len(src)
        self.dst_len = len(dst)
        self._starts: list[int] = []
        self._ops: list[tuple[str, int, int, int, int]] = []
        if not self.identity:
            matcher = difflib.SequenceMatcher(None, src, dst, autojunk=False)
            for op in matcher.get_opcodes():
                self._starts.append(op[1])
                self._ops.append(op)

    def _op(self, i: int) -> tuple[str, int, int, int, int]:
        k = max(0, min(bisect_right(self._starts, i) - 1, len(self._ops) - 1))
        return self._ops[k]

    def start(self, i: int) -> int:
        """Where a span starting at ``i`` in ``src`` starts in ``dst``."""
        if self.identity:
            return i
        if i >= self.src_len:
            return self.dst_len
        tag, i1, _, j1, j2 = self._op(i)
        if tag == "equal":
            return j1 + (i - i1)
        return j2 if tag == "insert" else j1

    def end(self, i: int) -> int:
        """Where a span ending at ``i`` in ``src`` ends in ``dst``."""
        if self.identity:
            return i
        if i <= 0:
            return 0
        tag, i1, _, j1, j2 = self._op(i - 1)
        if tag == "equal":
            return j1 + (i - i1)
        return j2 if tag == "replace" else j1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """``(start, end)`` moved onto ``dst`` (never reversed)."""
        s, e = self.start(start), self.end(end)
        return s, max(s, e)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past whitespace, quotation marks and edge punctuation."""
    while start < end and text[start] in TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in TRIM_CHARS:
        end -= 1
    return start, end


def char_set(text: str, pieces: list[tuple[int, int]]) -> frozenset[int]:
    """Non-space character positions covered by the trimmed ``pieces``."""
    covered: set[int] = set()
    for a, b in pieces:
        a, b = trim(text, a, b)
        covered.update(i for i in range(a, b) if not text[i].isspace())
    return frozenset(covered)


def overlaps(span: tuple[int, int] | None, pieces: list[tuple[int, int]]) -> bool:
    """Whether ``span`` overlaps any of ``pieces``."""
    return span is not None and any(span[0] < b and a < span[1] for a, b in pieces)


def greedy_match(
    gold: list[frozenset[int]], predicted: list[frozenset[int]]
) -> list[tuple[int, int]]:
    """One-to-one ``(gold, predicted)`` pairs, highest overlap/union first."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            inter = len(g & p)
            if inter:
                candidates.append((-inter / len(g | p), gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs
