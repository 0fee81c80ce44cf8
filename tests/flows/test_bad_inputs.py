"""Every bad input fails alone: readers turn whatever breaks on one input into its reject.

Real files on disk read through :func:`flows.sources.iter_inputs`, as a run reads them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from flows.sources import iter_inputs
from transforms.text.decode import normalize_text
from transforms.text.ingest import MAX_CHARS
from transforms.types import Article, Note, Reject

GOOD = (
    "The harbour authority said on Monday that the northern pier will close for repairs "
    "until the end of the summer season."
)
OTHER = (
    "Volunteers planted four hundred young oak trees along the canal path on Saturday, "
    "the parks office said."
)
NOW = datetime(2026, 1, 15, 12, 0)


def _read(*paths: Path, **kwargs: object) -> list[Article | Reject]:
    return list(iter_inputs([str(p) for p in paths], now=NOW, **kwargs))  # type: ignore[arg-type]


def _by_uri(items: list[Article | Reject]) -> dict[str, Article | Reject]:
    return {i.source_uri: i for i in items}


def test_deeply_nested_jsonl_line_is_a_reject_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonl"
    depth = 200_000
    path.write_text(
        json.dumps({"id": "a", "text": GOOD})
        + "\n"
        + '{"id": "b", "text": '
        + "[" * depth
        + "]" * depth
        + "}\n"
        + json.dumps({"id": "c", "text": OTHER})
        + "\n",
        encoding="utf-8",
    )
    items = _by_uri(_read(path))
    bad = items[f"{path}#line=2"]
    assert isinstance(bad, Reject) and bad.reason == "malformed"
    assert "nested too deeply" in bad.detail
    assert isinstance(items[f"{path}#line=1"], Article)
    assert isinstance(items[f"{path}#line=3"], Article)


def test_text_over_the_nlp_limit_is_rejected_too_long_before_nlp(tmp_path: Path) -> None:
    sentence = "The ferry left the island at dawn and reached the mainland by noon. "
    long_text = sentence * (MAX_CHARS // len(sentence) + 10)
    assert len(long_text) > MAX_CHARS
    (tmp_path / "long.txt").write_text(long_text, encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    items = _by_uri(_read(tmp_path))
    bad = items[str(tmp_path / "long.txt")]
    assert isinstance(bad, Reject) and bad.reason == "too_long"
    assert "1,000,000" in bad.detail
    assert isinstance(items[str(tmp_path / "good.txt")], Article)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_wide_encoded_jsonl_and_csv_read_like_utf8(tmp_path: Path, encoding: str) -> None:
    records = [{"id": "1", "title": "Pier closes", "text": GOOD}, {"id": "2", "text": OTHER}]
    jsonl = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    csv_text = 'id,title,text\r\n1,Pier closes,"' + GOOD + '"\r\n2,,"' + OTHER + '"\r\n'
    results = {}
    for name, text in (("a.jsonl", jsonl), ("b.csv", csv_text)):
        (tmp_path / "utf8").mkdir(exist_ok=True)
        (tmp_path / "wide").mkdir(exist_ok=True)
        (tmp_path / "utf8" / name).write_text(text, encoding="utf-8")
        (tmp_path / "wide" / name).write_bytes(text.encode(encoding))
        utf8 = _read(tmp_path / "utf8" / name)
        wide = _read(tmp_path / "wide" / name)
        assert all(isinstance(i, Article) for i in wide), wide
        assert [(a.source_id, a.title, a.text) for a in wide] == [  # type: ignore[union-attr]
            (a.source_id, a.title, a.text)
            for a in utf8  # type: ignore[union-attr]
        ]
        results[name] = wide
    assert len(results["a.jsonl"]) == len(results["b.csv"]) == 2


BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("char", list(BIDI))
def test_bidi_controls_are_stripped(char: str) -> None:
    assert normalize_text(f"Le{char}ft and ri{char}ght") == "Left and right"


def test_same_id_with_another_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "dupes.jsonl"
    path.write_text(
        "".join(
            json.dumps(r) + "\n"
            for r in (
                {"id": "story-7", "text": GOOD},
                {"id": "story-7", "text": OTHER},
                {"id": "story-7", "text": GOOD},
            )
        ),
        encoding="utf-8",
    )
    items = _read(path)
    kinds = [(type(i).__name__, getattr(i, "reason", None)) for i in items]
    # the first wins; a second text under the id is rejected; the same text again is a
    # duplicate the run counts, not a second document
    assert kinds == [("Article", None), ("Reject", "duplicate_id"), ("Article", None)]
    assert "story-7" in items[1].detail  # type: ignore[union-attr]
    assert items[0].doc_id == items[2].doc_id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("date", "kept"),
    [
        ("0001-01-01", False),
        ("1799-12-31", False),
        ("1800-01-02", True),
        ("2026-01-16T11:00:00", True),
        ("2026-01-17T12:00:01", False),
        ("9999-12-31", False),
    ],
)
def test_implausible_publication_dates_are_dropped_with_a_note(
    tmp_path: Path, date: str, kept: bool
) -> None:
    path = tmp_path / "dated.jsonl"
    path.write_text(json.dumps({"id": "x", "date": date, "text": GOOD}) + "\n", encoding="utf-8")
    default = datetime(2024, 11, 18)
    (article,) = _read(path, published_at=default)
    assert isinstance(article, Article)
    if kept:
        assert article.published_at == datetime.fromisoformat(date)
        assert article.notes == ()
    else:
        assert article.published_at == default
        (note,) = article.notes
        assert note.code == "implausible_date" and note.stage == "ingest"
        assert article.metadata["dropped_date"].startswith(date[:4])


@pytest.mark.parametrize(
    ("date", "default"), [("next tuesday-ish", datetime(2024, 11, 18)), ("2024-02-30", None)]
)
def test_unreadable_publication_date_is_noted(
    tmp_path: Path, date: str, default: datetime | None
) -> None:
    """A date the record gives but no format reads leaves a warning, not a silent default."""
    path = tmp_path / "dated.jsonl"
    path.write_text(json.dumps({"id": "x", "date": date, "text": GOOD}) + "\n", encoding="utf-8")
    (article,) = _read(path, published_at=default)
    assert isinstance(article, Article)
    assert article.published_at == default
    assert article.metadata["date"] == date
    instead = "the run's default date is used" if default else "left empty"
    assert article.notes == (
        Note(
            "ingest",
            "unreadable_date",
            f"{path}#line=1: publication date {date!r} cannot be read; {instead}.",
        ),
    )
