"""Property-based tests (Hypothesis) of the text stages: they never raise on arbitrary
input and keep their invariants. Modest example counts keep them fast."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.nlp.timex import resolve_time, split_coordinated
from transforms.text.clean import clean_text
from transforms.text.decode import _STRIP, DecodeError, decode_bytes, normalize_text
from transforms.text.ingest import iter_csv, iter_jsonl
from transforms.types import Article, Reject

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Text that looks like articles some of the time: words, punctuation, newlines, odd
#: characters (controls, bidi marks, BOMs, combining marks, surrogates excluded).
WORDS = st.sampled_from(
    ["The", "council", "said", "NEWS", "Share", "Updated", "AP", "Reuters", "by", "Kim",
     "Photo:", "(AP Photo/Someone)", "-", "investor-", "owned", "2024", "Nov.", "18,", "\u200f",
     "\u202e", "\ufeff", "\x0c", "\r\n", "\n", "\n\n", "  ", "\t", "caf\u0065\u0301", "“quote”"]
)  # fmt: skip
ARTICLE_TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(WORDS, max_size=120).map(" ".join),
    st.lists(st.lists(WORDS, min_size=1, max_size=14).map(" ".join), max_size=30).map("\n".join),
)
REJECT_REASONS = {
    "undecodable", "binary", "empty", "too_large", "too_long", "malformed", "unsupported",
    "unreadable", "fetch_failed", "no_text", "duplicate_id", "ingest_failed",
}  # fmt: skip


@FAST
@given(st.binary(max_size=600))
def test_decode_never_raises_and_normalises(data: bytes) -> None:
    try:
        decoded = decode_bytes(data, name="x")
    except DecodeError as err:
        assert err.reason in {"binary", "undecodable"}
        return
    text = decoded.text
    assert "\r" not in text
    assert not _STRIP.search(text)
    assert unicodedata.is_normalized("NFC", text)
    assert normalize_text(text) == text, "normalising twice changes nothing"


@FAST
@given(ARTICLE_TEXT, st.one_of(st.none(), st.text(max_size=60)))
def test_clean_text_never_raises_and_is_idempotent(text: str, title: str | None) -> None:
    first = clean_text(text, title=title)
    assert "\r" not in first.text and "\n\n\n" not in first.text
    assert first.text == first.text.strip()
    again = clean_text(first.text, title=first.title)
    assert again.text == first.text, "cleaning cleaned text changes nothing"
    assert again.title == first.title


def _lines(raw: bytes) -> list[bytes]:
    return io.BytesIO(raw).readlines()


JSON_BITS = st.sampled_from(
    ['{"id": 1, "text": "A ferry ran aground near the pier on Sunday."}', "{", "}", "[", "]",
     '"text"', ":", ",", '"date": "0001-01-01"', '"date": 1e308', "null", "\n", "\\u0000",
     '"title": 5', '{"text": ["a"]}', "\xff", "\u2028"]
)  # fmt: skip


@FAST
@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(JSON_BITS, max_size=40).map(lambda b: "".join(b).encode("utf-8", "replace")),
    )
)
def test_jsonl_reader_never_raises(raw: bytes) -> None:
    for item in iter_jsonl(_lines(raw), source="x.jsonl", max_bytes=10_000):
        _check_item(item, "x.jsonl")


CSV_BITS = st.sampled_from(
    ["id,title,text\n", "text\n", '"', ",", "\n", "\r\n", "1,Harbour,The pier reopened.\n",
     '"unterminated', "\x00", "a" * 50, "\ufeff", "date", "0001-01-01"]
)  # fmt: skip


@FAST
@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(CSV_BITS, max_size=40).map(lambda b: "".join(b).encode("utf-8", "replace")),
    )
)
def test_csv_reader_never_raises(raw: bytes) -> None:
    for item in iter_csv(_lines(raw), source="x.csv", max_field_size=10_000):
        _check_item(item, "x.csv")


def _check_item(item: Article | Reject, source: str) -> None:
    if isinstance(item, Reject):
        assert item.reason in REJECT_REASONS
        assert item.source_uri.startswith(source) and item.detail
        return
    assert item.text.strip() and item.doc_id.startswith("d")
    assert item.source_uri.startswith(source)


TIME_WORDS = st.sampled_from(
    ["last", "next", "this", "early", "late", "on", "Friday", "Monday", "week", "month",
     "year", "years", "ago", "three", "two", "the", "first", "quarter", "of", "2009", "May",
     "7,", "2005", "1800", "9999", "0", "99999", "noon", "midnight", "3:45", "p.m.", "and",
     "or", "between", "decade", "century", "1990s", "the", "'70s", "winter", "spring"]
)  # fmt: skip
ANCHORS = st.one_of(
    st.none(),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2100, 12, 31)),
)


@FAST
@given(
    st.one_of(st.text(max_size=40), st.lists(TIME_WORDS, max_size=7).map(" ".join)),
    ANCHORS,
    st.booleans(),
)
def test_resolve_time_never_raises_and_stays_in_range(
    text: str, anchor: date | None, future: bool
) -> None:
    value = resolve_time(text, anchor, future=future)
    if value is None:
        return
    assert value.value and value.precision
    if value.date is not None:
        assert 1 <= value.date.year <= 9999
    for start, end in split_coordinated(text) if text.strip() else []:
        assert 0 <= start < end <= len(text), "offsets inside the text"
