"""Records, pages and texts -> articles or rejects."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from transforms.ids import doc_id_for
from transforms.text.dates import parse_date
from transforms.text.html import extract_html, html_fragment_to_text
from transforms.text.ingest import (
    IngestError,
    article_from_bytes,
    article_from_html,
    iter_csv,
    iter_jsonl,
    make_article,
    markdown_to_text,
)
from transforms.types import Article, Reject


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-11-18", datetime(2024, 11, 18)),
        ("2024-11-18T06:30:00Z", datetime(2024, 11, 18, 6, 30)),
        ("2024-11-18T06:30:00+09:00", datetime(2024, 11, 17, 21, 30)),
        ("Mon, 18 Nov 2024 06:30:00 +0900", datetime(2024, 11, 17, 21, 30)),
        ("18 Nov 2024 06:30:00 GMT", datetime(2024, 11, 18, 6, 30)),
        ("Nov 18, 2024", datetime(2024, 11, 18)),
        ("November 18, 2024", datetime(2024, 11, 18)),
        ("18 November 2024", datetime(2024, 11, 18)),
        ("11/18/2024", datetime(2024, 11, 18)),
        ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000)),
        ("1731911400", datetime(2024, 11, 18, 6, 30)),
        (1731911400000, datetime(2024, 11, 18, 6, 30)),
        (datetime(2024, 1, 2, 3, 4), datetime(2024, 1, 2, 3, 4)),
        ("not a date", None),
        ("yesterday", None),  # relative: would depend on the clock
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_date(raw: object, expected: datetime | None) -> None:
    assert parse_date(raw) == expected


def test_make_article_ids_and_title(seed_text: str) -> None:
    article = make_article(seed_text, source_id="seed.txt", source_uri="seed.txt")
    assert article.doc_id == doc_id_for(article.text)
    assert article.title is not None and article.title.startswith("North Korean leader calls")
    assert article.metadata["removed_furniture"][0] == "NEWS"
    again = make_article(seed_text, source_id="other", source_uri="other")
    assert again.doc_id == article.doc_id  # the id is the cleaned text's


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("  \n\t\n", "empty"), ("NEWS\n\nShare\n\nAdvertisement", "no_text")],
)
def test_make_article_rejects(text: str, reason: str) -> None:
    with pytest.raises(IngestError, match=r"^in\.txt: ") as info:
        make_article(text, source_id="in.txt", source_uri="in.txt")
    assert info.value.reason == reason


def test_a_text_that_is_only_its_headline_is_no_article() -> None:
    with pytest.raises(IngestError, match=r"^feed#3: the text is only its headline") as info:
        make_article(
            "Harbour fees to double\n",
            title="Harbour fees to double",
            source_id="3",
            source_uri="feed#3",
        )
    assert info.value.reason == "no_text"


def test_aware_published_at_becomes_naive_utc() -> None:
    from datetime import UTC, timedelta, timezone

    aware = datetime(2024, 11, 18, 9, 0, tzinfo=timezone(timedelta(hours=9)))
    article = make_article("A sentence.", source_id="a", source_uri="a", published_at=aware)
    assert article.published_at == datetime(2024, 11, 18, 0, 0)
    assert article.published_at.tzinfo is None
    assert UTC  # imported for the reader


def test_article_from_bytes_cp1252_and_markdown() -> None:
    md = "# Café owners protest\n\nThe **owners** of the [café](http://x) said “no”."
    data = md.encode("cp1252")
    article = article_from_bytes(data, source_id="a.md", source_uri="a.md", markdown=True)
    assert article.title == "Café owners protest"
    assert article.text == "Café owners protest\n\nThe owners of the café said “no”."
    assert article.metadata["encoding"] == "cp1252"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"%PDF-1.4 binary", "binary"), (b"\x00\x01\x02" * 100, "binary")],
)
def test_article_from_bytes_rejects(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        article_from_bytes(data, source_id="f", source_uri="f.txt")
    assert info.value.reason == reason
    assert "f.txt" in info.value.detail


# --- JSONL ----------------------------------------------------------------------------------


def _jsonl_lines() -> list[bytes]:
    good = {"id": "r1", "title": "T1", "date": "2024-03-05", "url": "http://x/1",
            "text": "The first story is here.", "lang": "en"}  # fmt: skip
    return [
        json.dumps(good).encode(),
        b"",  # blank lines are skipped
        b"{not json",
        b"[1, 2, 3]",
        json.dumps({"id": "r4", "title": "No text"}).encode(),
        json.dumps({"title": "T5", "date": "someday", "text": "No id here."}).encode(),
        json.dumps({"id": 6, "text": "Caf\u00e9 au lait."}, ensure_ascii=False).encode("cp1252"),
        json.dumps({"id": "r7", "text": 42}).encode(),
    ]


def test_iter_jsonl_rows_and_rejects() -> None:
    rows = list(iter_jsonl(_jsonl_lines(), source="f.jsonl"))
    assert [type(r).__name__ for r in rows] == [
        "Article", "Reject", "Reject", "Reject", "Article", "Article", "Reject",
    ]  # fmt: skip
    first = rows[0]
    assert isinstance(first, Article)
    assert (first.source_id, first.source_uri, first.title) == ("r1", "f.jsonl#line=1", "T1")
    assert first.published_at == datetime(2024, 3, 5)
    assert first.metadata == {"lang": "en", "url": "http://x/1"}
    rejects = [r for r in rows if isinstance(r, Reject)]
    assert [(r.source_uri, r.reason) for r in rejects] == [
        ("f.jsonl#line=3", "malformed"),
        ("f.jsonl#line=4", "malformed"),
        ("f.jsonl#line=5", "no_text"),
        ("f.jsonl#line=8", "malformed"),
    ]
    no_id = rows[4]
    assert isinstance(no_id, Article)
    assert no_id.source_id == "f.jsonl#line=6"
    assert no_id.published_at is None and no_id.metadata["date"] == "someday"
    assert isinstance(rows[5], Article) and rows[5].text == "Café au lait."
    assert rows[5].source_id == "6"


def test_iter_jsonl_default_date_and_size_limit() -> None:
    default = datetime(2024, 11, 18)
    lines = [b'{"text": "Dated by the caller."}', b'{"text": "' + b"x" * 200 + b'"}']
    rows = list(iter_jsonl(lines, source="f", published_at=default, max_bytes=100))
    assert isinstance(rows[0], Article) and rows[0].published_at == default
    assert isinstance(rows[1], Reject) and rows[1].reason == "too_large"


# --- CSV ------------------------------------------------------------------------------------


def test_iter_csv_fixture(test_data: Path) -> None:
    with (test_data / "ingest" / "articles.csv").open("rb") as handle:
        rows = list(iter_csv(handle, source="articles.csv"))
    kinds = [(type(r).__name__, r.source_uri) for r in rows]
    assert kinds == [
        ("Article", "articles.csv#line=2"),
        ("Article", "articles.csv#line=5"),
        ("Reject", "articles.csv#line=6"),
        ("Article", "articles.csv#line=7"),
    ]
    first, second, _, fourth = rows
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.text.split("\n\n")[1].startswith("The head librarian")
    assert first.published_at == datetime(2024, 3, 5, 9, 0)
    assert first.metadata == {"section": "culture", "url": "https://example.org/c-1"}
    assert second.published_at is None and second.metadata["date"] == "not a date at all"
    assert isinstance(fourth, Article) and fourth.source_id == "articles.csv#line=7"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id,title\n1,x\n", [("Reject", "malformed")]),
        ("id,text\n1,ok text.\n2,too,many,fields\n", [("Article", ""), ("Reject", "malformed")]),
        ("", [("Reject", "empty")]),
    ],
    ids=["no-text-column", "extra-fields", "empty"],
)
def test_iter_csv_malformed(content: str, expected: list[tuple[str, str]]) -> None:
    rows = list(iter_csv(content.splitlines(keepends=True), source="x.csv"))
    assert [(type(r).__name__, getattr(r, "reason", "")) for r in rows] == expected


# --- HTML -----------------------------------------------------------------------------------


def test_article_from_html_fixture(test_data: Path) -> None:
    data = (test_data / "ingest" / "page.html").read_bytes()
    article = article_from_html(data, source_id="page", source_uri="page.html")
    assert article.title == "Harbour council approves new ferry terminal"
    assert article.published_at == datetime(2024, 3, 5, 13, 30)
    assert article.text.startswith(
        "Harbour council approves new ferry terminal\n\nThe harbour council voted on Tuesday"
    )
    assert article.text.endswith("according to the port authority.")
    for junk in ("Most read", "Copyright", "Weather", "Storm closes"):
        assert junk not in article.text
    assert article.metadata["author"] == "Mara Lindqvist"


def test_html_without_body_is_no_text() -> None:
    with pytest.raises(IngestError) as info:
        article_from_html("<html><body><nav>Home</nav></body></html>", source_id="p",
                          source_uri="p.html")  # fmt: skip
    assert info.value.reason == "no_text"


def test_extract_html_json_ld_date() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2023-05-01T10:00:00Z"}</script></head><body><article>'
        + "<p>A paragraph long enough to count as an article body for the extractor.</p>" * 3
        + "</article></body></html>"
    )
    assert extract_html(html).date == "2023-05-01T10:00:00Z"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>One.</p><p>Two <b>bold</b>.</p>", "One.\nTwo bold."),
        ("Line<br>break", "Line\nbreak"),
        ("<p>Text</p><script>alert(1)</script>", "Text"),
        ("plain  text", "plain text"),
        ("", ""),
    ],
)
def test_html_fragment_to_text(fragment: str, expected: str) -> None:
    assert html_fragment_to_text(fragment) == expected


def test_markdown_to_text() -> None:
    md = "## Heading ##\n> quoted **bold** [link](http://a/b_(c))\n![img](x.png)\n```\ncode\n```"
    assert markdown_to_text(md) == "Heading\nquoted bold link\n\ncode"


def test_record_rejects_say_what_is_wrong() -> None:
    """Malformed JSON names the error and column; an empty text field is not a missing one."""
    lines = [
        b'{"id": "a1", "text": "The ferry to Orrin left on time\n',  # as a file yields it
        json.dumps({"id": "a2", "title": "Quay works", "text": ""}).encode(),
        json.dumps({"id": "a3", "title": "Quay works"}).encode(),
        json.dumps({"id": "a4", "text": {"body": "nested"}}).encode(),
    ]
    details = [r.detail for r in iter_jsonl(lines, source="f.jsonl") if isinstance(r, Reject)]
    assert details == [
        "f.jsonl#line=1: not valid JSON (Unterminated string starting at, column 22).",
        "f.jsonl#line=2: the record's text field 'text' is empty.",
        "f.jsonl#line=3: the record has no text field (one of text, body, content, article).",
        "f.jsonl#line=4: the text field holds a JSON object, not a string.",
    ]


def test_html_of_only_navigation_and_footer_is_no_text() -> None:
    page = (
        "<html><head><title>Valley Post</title></head><body><nav><a href='/'>Home</a> "
        "<a href='/world'>World</a></nav><footer>Copyright 2024 Valley Post</footer></body></html>"
    )
    with pytest.raises(IngestError) as info:
        article_from_html(page, source_id="p", source_uri="p.html")
    assert info.value.reason == "no_text"
    assert info.value.detail == "p.html: no article body found in the HTML page."


_DOCK_STORY = (
    "<p>Dock workers at the port of Halvik ended a week-long strike on Tuesday after the "
    "port authority agreed to raise wages by six percent.</p><p>The authority said ships "
    "waiting offshore would be unloaded by the end of the week.</p>"
)


def test_html_copyright_year_is_not_a_publication_date() -> None:
    """htmldate turns a footer's 'Copyright 2023' into 2023-01-01: not a day of publication."""
    page = (
        f"<html><body><article><h1>Dock strike ends</h1>{_DOCK_STORY}</article>"
        "<footer>\u00a9 2023 The Coastal Herald</footer></body></html>"
    )
    assert extract_html(page).date is None
    article = article_from_html(
        page, source_id="p", source_uri="p.html", published_at=datetime(2024, 11, 18)
    )
    assert article.published_at == datetime(2024, 11, 18)


def test_html_date_in_the_page_text_is_kept() -> None:
    page = (
        "<html><body><article><h1>Dock strike ends</h1><p>Published March 12, 2024</p>"
        f"{_DOCK_STORY}</article></body></html>"
    )
    assert extract_html(page).date == "2024-03-12"


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_csv_with_semicolons_tabs_or_pipes(sep: str) -> None:
    """A spreadsheet export with another separator is read, not rejected 'no text column'."""
    lines = [
        sep.join(["id", "title", "date", "text"]).encode("cp1252") + b"\r\n",
        sep.join(
            ["s1", "Quay works", "2024-05-06", "Crews in Halvik, the port said, began"]
        ).encode("cp1252")
        + b" repairs to the caf\xe9 pier.\r\n",
        sep.join(["s2", "", "", ""]).encode() + b"\r\n",
    ]
    rows = list(iter_csv(lines, source="s.csv"))
    first, second = rows
    assert isinstance(first, Article)
    assert (first.source_id, first.title, first.published_at) == (
        "s1",
        "Quay works",
        datetime(2024, 5, 6),
    )
    assert first.text == "Crews in Halvik, the port said, began repairs to the café pier."
    assert isinstance(second, Reject) and second.source_uri == "s.csv#line=3"


def test_markdown_front_matter_gives_title_and_date() -> None:
    """Front matter of a static-site article is its title, date and metadata, not text."""
    data = (
        b"---\n"
        b'title: "Council votes on a tram line"\n'
        b"date: 2024-06-03\n"
        b"author: Desk\n"
        b"tags:\n"
        b"  - transport\n"
        b"---\n\n"
        b"# Council votes on a tram line\n\n"
        b"The city council of Bramholt voted on **Monday** to build a tram line through the old "
        b"town, councillor Ilse Marten said.\n"
    )
    article = article_from_bytes(data, source_id="t.md", source_uri="t.md", markdown=True)
    assert article.title == "Council votes on a tram line"
    assert article.published_at == datetime(2024, 6, 3)
    assert article.metadata == {"author": "Desk"}
    assert article.text == (
        "Council votes on a tram line\n\nThe city council of Bramholt voted on Monday to build "
        "a tram line through the old town, councillor Ilse Marten said."
    )


def test_markdown_between_two_rules_is_text() -> None:
    data = (
        b"---\nUpdate: the vote on the tram line was moved to Friday.\nIt was due on Monday.\n"
        b"---\n\nThe city council of Bramholt will vote on the tram line on Friday.\n"
    )
    article = article_from_bytes(data, source_id="u.md", source_uri="u.md", markdown=True)
    assert "was moved to Friday" in article.text and article.published_at is None
