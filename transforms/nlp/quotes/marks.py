"""Quotation marks: the spans between double and single quotation marks in a text."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

#: Opening and closing marks that are unambiguous.
_OPEN_DOUBLE = frozenset("“„«")

_CLOSE_DOUBLE = frozenset("”»")

_QUOTE_DOUBLE = _OPEN_DOUBLE | _CLOSE_DOUBLE | {'"'}

PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")

#: Every double quotation mark, typewriter pairs included (see ``_mark_at``).
_DOUBLE_MARK = re.compile(r"[“„«”»\"]|``|''")

WORD = re.compile(r"\w+")

_EDGE_PUNCT = " \t\n\r,.;:—–-"

QUOTE_CHARS = "\"'“”‘’„«»"


def _is_opening_straight(text: str, i: int, width: int = 1) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    if before.isspace() or before in "([{—–-/":
        return not after.isspace()
    return False


def find_quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``[start, end)`` of double-quoted passages, marks included.

    Curly marks pair by direction; a straight mark opens after a space or an opening bracket
    and closes otherwise. A paragraph (blank-line separated) that opens a quote without
    closing it continues in the next paragraph when that one opens with a quotation mark, the
    style books' convention for multi-paragraph quotes; otherwise the unclosed mark is
    dropped.

    Args:
        text: The document text.
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for para_start, para_end in _paragraphs(text):
        skip = -1
        if open_at is not None:
            first = para_start
            while first < para_end and text[first].isspace():
                first += 1
            if first < para_end and _mark_at(text, first)[0] in {"open", "straight"}:
                skip = first
            else:
                open_at = None
        for match in _DOUBLE_MARK.finditer(text, para_start, para_end):
            i = match.start()
            kind, width = _mark_at(text, i)
            if kind is None or i == skip:
                continue
            if kind == "open" or (
                kind == "close" and open_at is None and _is_opening_straight(text, i, width)
            ):
                # A closing mark typed where an opening one belongs ("\n”Fear. ...").
                open_at = i
            elif kind == "close" or open_at is not None:
                if open_at is not None:
                    spans.append((open_at, i + width))
                open_at = None
            elif _is_opening_straight(text, i, width):
                open_at = i
    return [span for span in spans if WORD.search(text, span[0], span[1])]


def _mark_at(text: str, i: int) -> tuple[str | None, int]:
    """What kind of double quotation mark starts at ``i`` (``open``, ``close``, ``straight``
    or None) and its width; ``''`` and ``\u0060\u0060`` are the typewriter forms of the marks."""
    char = text[i]
    if char in _OPEN_DOUBLE:
        return "open", 1
    if char in _CLOSE_DOUBLE:
        return "close", 1
    if char == '"':
        return "straight", 1
    pair = text[i : i + 2]
    if pair == "``":
        return "open", 2
    if pair == "''":
        return "straight", 2
    return None, 1


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def find_single_quote_spans(
    text: str, double: Sequence[tuple[int, int]], *, max_chars: int = 200
) -> list[tuple[int, int]]:
    """Single-quoted passages (``‘...’`` or ``'...'``) outside double-quoted ones.

    An opening mark follows a space or an opening bracket and precedes a letter; the closing
    mark follows a non-space and precedes a non-letter, so apostrophes inside words ("didn't")
    never pair. Spans are kept within one paragraph and ``max_chars``.

    Args:
        text: The document text.
        double: Double-quoted spans, inside which single marks are nested quotes.
        max_chars: Longest single-quoted span to accept.
    """
    spans: list[tuple[int, int]] = []
    starts = [s for s, _ in double]
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char in "‘'" and _is_opening_straight(text, i) and i + 1 < n and text[i + 1].isalpha():
            k = bisect.bisect_right(starts, i) - 1
            if k >= 0 and double[k][0] <= i < double[k][1]:
                i = double[k][1]
                continue
            end = _single_close(text, i + 1, min(n, i + max_chars))
            if end is not None:
                spans.append((i, end + 1))
                i = end + 1
                continue
        i += 1
    return spans


def _single_close(text: str, start: int, stop: int) -> int | None:
    for j in range(start, stop):
        char = text[j]
        if char == "\n" and j + 1 < stop and text[j + 1] == "\n":
            return None
        if char in "’'" and not text[j - 1].isspace():
            after = text[j + 1] if j + 1 < len(text) else " "
            if not after.isalnum():
                return j
    return None


def strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop an unpaired quotation mark at either edge of ``[start, end)``."""
    if start < end and text[start] in QUOTE_CHARS and text[end - 1] not in QUOTE_CHARS:
        start += 1
    elif start < end and text[end - 1] in '"”' and text[start] not in QUOTE_CHARS:
        end -= 1
    return start, end


def trim_chars(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces and edge punctuation, keeping quotation marks that belong to the span."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def paragraphs_apart(text: str, start: int, end: int) -> int:
    return len(PARAGRAPH_BREAK.findall(text, start, end)) if end > start else 0
