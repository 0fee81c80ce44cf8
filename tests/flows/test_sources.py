"""Files and folders -> articles and rejects (real files in tmp_path)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from flows.sources import iter_inputs
from transforms.types import Article, Reject

PUBLISHED = datetime(2024, 11, 18)
STORY = "The council approved the budget on Tuesday, the mayor said.\n\nIt passed by one vote."


def _by_uri(rows: list[Article | Reject]) -> dict[str, Article | Reject]:
    return {row.source_uri: row for row in rows}


@pytest.fixture
def mixed_folder(tmp_path: Path, seed_text: str) -> Path:
    """Good articles of every format next to bad files, in nested and hidden folders."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a_seed.txt").write_text(seed_text, encoding="utf-8")
    (root / "b_story.md").write_text(f"# Budget passes\n\n{STORY}", encoding="utf-8")
    (root / "c_cp1252.txt").write_bytes(
        "Caf\u00e9 owners said \u201cno\u201d to the new tax \u2014 again.".encode("cp1252")
    )
    (root / "d_latin1.txt").write_bytes(
        "Le pr\u00e9sident a d\u00e9clar\u00e9 que l'\u00e9conomie allait mieux.".encode("latin-1")
    )
    (root / "e_empty.txt").write_bytes(b"")
    (root / "f_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (root / "g_big.txt").write_text("word " * 400, encoding="utf-8")  # 2,000 bytes
    (root / "h_notes.docx").write_bytes(b"PK\x03\x04 not a text file")
    (root / "i_blank.txt").write_text("   \n\n  ", encoding="utf-8")
    (root / ".secret.txt").write_text("hidden file", encoding="utf-8")
    (root / ".hidden" / "x.txt").write_text("hidden folder", encoding="utf-8")
    (root / "README.md").write_text(
        "# About this corpus\n\nThese are test files.", encoding="utf-8"
    )
    (root / "sub" / "LICENSE.txt").write_text("Licensed to you for testing.", encoding="utf-8")
    (root / "sub" / "z_story.txt").write_text(STORY, encoding="utf-8")
    return root


def test_folder_without_input_files_is_rejected_empty(tmp_path: Path) -> None:
    bare = tmp_path / "inbox"
    (bare / ".cache").mkdir(parents=True)
    (bare / ".cache" / "a.txt").write_text(STORY, encoding="utf-8")
    (bare / "README.md").write_text("# Drop articles here", encoding="utf-8")
    (rejected,) = list(iter_inputs([str(bare)], published_at=PUBLISHED))
    assert isinstance(rejected, Reject)
    assert (rejected.source_uri, rejected.reason) == (str(bare), "empty")
    assert str(bare) in rejected.detail and "no input files" in rejected.detail


def test_folder_mixes_good_and_bad(mixed_folder: Path) -> None:
    rows = list(iter_inputs([str(mixed_folder)], max_bytes=1_500, published_at=PUBLISHED))
    root = str(mixed_folder)
    got = [(Path(r.source_uri).name, type(r).__name__, getattr(r, "reason", "")) for r in rows]
    assert got == [
        ("a_seed.txt", "Reject", "too_large"),  # the seed is ~6 kB, over 1,500 bytes
        ("b_story.md", "Article", ""),
        ("c_cp1252.txt", "Article", ""),
        ("d_latin1.txt", "Article", ""),
        ("e_empty.txt", "Reject", "empty"),
        ("f_image.txt", "Reject", "binary"),
        ("g_big.txt", "Reject", "too_large"),
        ("h_notes.docx", "Reject", "unsupported"),
        ("i_blank.txt", "Reject", "empty"),
        ("z_story.txt", "Article", ""),
    ]
    by_uri = _by_uri(rows)
    cp = by_uri[f"{root}/c_cp1252.txt"]
    assert isinstance(cp, Article) and cp.text == "Café owners said “no” to the new tax — again."
    latin = by_uri[f"{root}/d_latin1.txt"]
    assert isinstance(latin, Article) and "président a déclaré que l'économie" in latin.text
    md = by_uri[f"{root}/b_story.md"]
    assert isinstance(md, Article) and md.title == "Budget passes"
    assert md.text == f"Budget passes\n\n{STORY}"
    assert md.published_at == PUBLISHED and md.source_id == f"{root}/b_story.md"
    for row in rows:
        if isinstance(row, Reject):
            assert row.source_uri in row.detail  # the detail names the file
    nested = by_uri[f"{root}/sub/z_story.txt"]
    assert isinstance(nested, Article) and nested.title is None


def test_folder_order_is_deterministic(mixed_folder: Path) -> None:
    first = [r.source_uri for r in iter_inputs([str(mixed_folder)])]
    second = [r.source_uri for r in iter_inputs([str(mixed_folder)])]
    assert first == second


def test_corpus_documents_read_when_named(mixed_folder: Path) -> None:
    (row,) = iter_inputs([str(mixed_folder / "README.md")])
    assert isinstance(row, Article) and row.title == "About this corpus"


def test_seed_file_as_given(tmp_path: Path, seed_text: str) -> None:
    path = tmp_path / "kim.txt"
    path.write_text(seed_text, encoding="utf-8")
    (row,) = iter_inputs([str(path)], published_at=PUBLISHED)
    assert isinstance(row, Article)
    assert row.source_id == str(path) and row.source_uri == str(path)
    assert row.title is not None and row.title.startswith("North Korean leader calls")
    assert row.published_at == PUBLISHED


def test_every_record_format(tmp_path: Path, test_data: Path) -> None:
    shutil.copytree(
        test_data / "ingest", tmp_path / "ingest", ignore=shutil.ignore_patterns("*.xml")
    )
    jsonl = tmp_path / "ingest" / "more.ndjson"
    jsonl.write_bytes(
        b'{"id": "n1", "text": "An ndjson story."}\n'
        b"{broken\n"
        + json.dumps({"id": "n3", "text": "Caf\u00e9 story."}, ensure_ascii=False).encode("cp1252")
        + b"\n"
    )
    rows = list(iter_inputs([str(tmp_path / "ingest")], published_at=PUBLISHED))
    summary = [(Path(r.source_uri).name, type(r).__name__) for r in rows]
    assert summary == [
        ("articles.csv#line=2", "Article"),
        ("articles.csv#line=5", "Article"),
        ("articles.csv#line=6", "Reject"),
        ("articles.csv#line=7", "Article"),
        ("more.ndjson#line=1", "Article"),
        ("more.ndjson#line=2", "Reject"),
        ("more.ndjson#line=3", "Article"),
        ("page.html", "Article"),
        ("pasted_page.txt", "Article"),
        *[(f"reuters5.jsonl#line={i}", "Article") for i in range(1, 6)],
    ]
    by_name = {Path(r.source_uri).name: r for r in rows}
    csv_bad_date = by_name["articles.csv#line=5"]
    assert isinstance(csv_bad_date, Article)
    assert csv_bad_date.published_at == PUBLISHED  # no readable date of its own
    page = by_name["page.html"]
    assert isinstance(page, Article) and page.published_at == datetime(2024, 3, 5, 13, 30)
    reuters = by_name["reuters5.jsonl#line=1"]
    assert isinstance(reuters, Article)
    assert reuters.source_id == "reuters21578-4"
    assert reuters.published_at == datetime(1987, 2, 26, 15, 7, 13)
    assert "under pressure to act quickly" in reuters.text  # hard wrap undone
    pasted = by_name["pasted_page.txt"]
    assert isinstance(pasted, Article)
    assert pasted.title == "Flood defences fail as river reaches record height"
    assert "Reuters" not in pasted.text and "Advertisement" not in pasted.text
    assert pasted.text.count("Residents of the lower town were evacuated") == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("gone.txt", None, "unreadable"),
        ("x.jsonl", b"\x1f\x8b\x08\x00gzipped", "binary"),
        ("x.csv", b"%PDF-1.4", "binary"),
        ("x.jsonl", b"", "empty"),
        ("x.pdf", b"%PDF-1.4", "unsupported"),
        ("README", b"text", "unsupported"),
    ],
)
def test_bad_single_inputs(tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    (row,) = iter_inputs([str(path)])
    assert isinstance(row, Reject)
    assert row.reason == reason
    assert str(path) in row.detail


def test_oversized_jsonl_line_only_rejects_that_line(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(
        json.dumps({"text": "Short story."}) + "\n" + json.dumps({"text": "x " * 1000}) + "\n",
        encoding="utf-8",
    )
    rows = list(iter_inputs([str(path)], max_bytes=500))
    assert [type(r).__name__ for r in rows] == ["Article", "Reject"]
    assert isinstance(rows[1], Reject) and rows[1].reason == "too_large"


def test_iter_inputs_is_lazy(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(2000):
            handle.write(json.dumps({"id": str(i), "text": f"Story number {i}."}) + "\n")
    stream = iter_inputs([str(path)])
    first = next(stream)
    assert isinstance(first, Article) and first.source_id == "0"
    stream.close()


_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Valley News</title><link>https://valley.example/</link>
<item><title>School in Orrin gets a new roof</title><guid>valley-roof</guid>
<link>https://valley.example/roof</link><pubDate>Mon, 05 Aug 2024 08:00:00 GMT</pubDate>
<description>&lt;p&gt;The primary school in Orrin received a new roof over the summer, paid
for by the regional education fund.&lt;/p&gt;</description></item>
<item><title>Market day moves</title><link>https://valley.example/market</link>
<description>The weekly market in Orrin moves from Friday to Saturday next month, the town
council announced.</description></item>
<item><title>Photo of the week</title><link>https://valley.example/photo</link></item>
</channel></rss>"""

_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Hill Times</title><id>urn:hill</id>
<updated>2024-07-01T00:00:00Z</updated>
<entry><title>Rescue team brings four hikers down</title><id>urn:hill:1</id>
<link href="https://hill.example/rescue"/><updated>2024-07-01T10:00:00Z</updated>
<content type="html">&lt;p&gt;A mountain rescue team brought four hikers down from Brannock
Peak on Sunday night after a storm, its leader said.&lt;/p&gt;</content></entry>
</feed>"""


def test_saved_feed_files_give_one_article_per_item(tmp_path: Path) -> None:
    """A saved RSS or Atom file is read from the feed's own text, item by item."""
    (tmp_path / "valley.rss").write_text(_RSS, encoding="utf-8")
    (tmp_path / "hill.atom").write_text(_ATOM, encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text("<urlset><url>x</url></urlset>", encoding="utf-8")
    rows = _by_uri(list(iter_inputs([str(tmp_path)], published_at=PUBLISHED)))
    rss = str(tmp_path / "valley.rss")
    roof = rows[f"{rss}#item=1"]
    assert isinstance(roof, Article)
    assert (roof.source_id, roof.title) == ("valley-roof", "School in Orrin gets a new roof")
    assert roof.text.startswith("The primary school in Orrin received a new roof")
    assert roof.published_at == datetime(2024, 8, 5, 8, 0)
    assert roof.metadata["url"] == "https://valley.example/roof"
    market = rows[f"{rss}#item=2"]
    assert isinstance(market, Article)
    assert market.source_id == "https://valley.example/market"
    assert market.published_at == PUBLISHED  # no date of its own
    photo = rows[f"{rss}#item=3"]
    assert isinstance(photo, Reject) and photo.reason == "no_text"
    hikers = rows[f"{tmp_path / 'hill.atom'}#item=1"]
    assert isinstance(hikers, Article) and hikers.source_id == "urn:hill:1"
    assert hikers.text.startswith("A mountain rescue team brought four hikers down")
    sitemap = rows[str(tmp_path / "sitemap.xml")]
    assert isinstance(sitemap, Reject) and sitemap.reason == "malformed"
    assert "<urlset> is not an RSS or Atom feed root" in sitemap.detail
    assert len(rows) == 5


def test_other_url_schemes_are_rejected_as_given() -> None:
    """An ftp:// or file:// source is named as given, not mangled into a missing path."""
    rows = list(iter_inputs(["ftp://example.org/news/a.txt", "FILE:///srv/in/b.txt"]))
    assert [(r.source_uri, r.reason) for r in rows if isinstance(r, Reject)] == [
        ("ftp://example.org/news/a.txt", "unsupported"),
        ("FILE:///srv/in/b.txt", "unsupported"),
    ]
    assert rows[0].detail == (  # type: ignore[union-attr]
        "ftp://example.org/news/a.txt: only http:// and https:// URLs are fetched; "
        "give a local file as a path."
    )
