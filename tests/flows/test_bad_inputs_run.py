"""Done-when check of "every bad input fails alone": one run over a folder holding one of
each bad input beside good articles, plus URLs of a local server that misbehaves in every
way the issue lists. The run completes, every good article is loaded, every bad input has a
reject with its reason, and the page with a year-1 date is kept with a warning row.

The run's time is not asserted here (speed belongs in bench scripts); see the note of the
change for measured times.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from flows.runner import run_flow
from tests.flows.servers import DripServer
from tests.flows.test_fetch import NewsServer, Response
from warehouse.store import Warehouse

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "articles"
PUBLISHED = datetime(2024, 11, 18)

#: Good articles written for this test (none shares a phrase with any annotated corpus).
GOOD = {
    "tram.txt": "Tram line extended\n\nThe city extended its tram line to the airport on "
    "Monday, the transport office said. The first trams ran every ten minutes.",
    "bidi.txt": "Market hall reopens\n\nThe old market hall re\u200fopened on Friday after two "
    "years of work, the\u202e mayor said. Traders returned to forty stalls.",
}
YEAR_ONE_PAGE = (
    "<html><head><title>Ferry service resumes</title>"
    '<meta property="article:published_time" content="0001-01-01T00:00:00+00:00"></head>'
    "<body><article><h1>Ferry service resumes</h1><p>The island ferry service resumed on "
    "Thursday after a week of repairs to the main engine, the operator said in a statement."
    "</p><p>Passengers were told to expect short delays while the timetable returns to "
    "normal over the weekend.</p></article></body></html>"
)
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Valley News</title><link>{base}/</link>
<description>Local</description>
<item><title>Orchard harvest starts early</title><link>{base}/trap.html</link>
<guid>valley-1</guid><pubDate>Tue, 05 Mar 2024 13:30:00 GMT</pubDate>
<description>Growers in the valley began picking apples two weeks early this year after a
warm spring, the growers' association said on Tuesday.</description></item>
</channel></rss>"""


@pytest.fixture
def news() -> Iterator[NewsServer]:
    server = NewsServer()

    def redirect(location: str):  # type: ignore[no-untyped-def]
        return lambda _h: Response(status=302, headers={"Location": location})

    server.routes["/trap.html"] = redirect("javascript:alert(1)")
    server.routes["/to-file.html"] = redirect("file:///etc/hostname")
    server.routes["/to-ftp.html"] = redirect("ftp://127.0.0.1/story.txt")
    server.routes["/year-one.html"] = lambda _h: Response(
        body=YEAR_ONE_PAGE.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
    )
    body = FEED.replace("{base}", server.base).encode()
    server.routes["/feed.xml"] = lambda _h: Response(
        body=body, headers={"Content-Type": "application/rss+xml"}
    )
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _bad_folder(folder: Path) -> dict[str, str]:
    """Write one of each bad input; returns source_uri -> expected reject reason."""
    sentence = "The ferry left the island at dawn and reached the mainland by noon. "
    (folder / "too-long.txt").write_text(sentence * 15_000, encoding="utf-8")  # ~1.02M chars
    depth = 100_000
    (folder / "nested.jsonl").write_text(
        '{"id": "n1", "text": ' + "[" * depth + "]" * depth + "}\n", encoding="utf-8"
    )
    (folder / "dupes.jsonl").write_text(
        json.dumps({"id": "same", "text": "Snow closed the mountain pass on Sunday night."})
        + "\n"
        + json.dumps({"id": "same", "text": "A new bakery opened beside the station."})
        + "\n",
        encoding="utf-8",
    )
    records = [{"id": "w1", "text": "Rain flooded three streets near the river on Monday."}]
    (folder / "wide.jsonl").write_bytes(
        "".join(json.dumps(r) + "\n" for r in records).encode("utf-16")
    )
    (folder / "wide.csv").write_bytes(
        'id,text\r\nc1,"The library added a reading room for children, staff said."\r\n'.encode(
            "utf-16"
        )
    )
    (folder / "scan.pdf.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    (folder / "broken.csv").write_text("title,date\nNo text column,2024-01-01\n")
    return {
        str(folder / "too-long.txt"): "too_long",
        f"{folder / 'nested.jsonl'}#line=1": "malformed",
        f"{folder / 'dupes.jsonl'}#line=2": "duplicate_id",
        str(folder / "scan.pdf.txt"): "binary",
        str(folder / "empty.txt"): "empty",
        str(folder / "photo.jpg"): "unsupported",
        f"{folder / 'broken.csv'}#line=1": "malformed",
    }


def test_every_bad_input_fails_alone(
    prefect_harness: None, news: NewsServer, tmp_path: Path
) -> None:
    from flows.settings import Settings

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "kim-nuclear-forces.txt", folder)
    wire = (SAMPLES / "reuters21578-sample.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "wire.jsonl").write_text("\n".join(wire[:5]) + "\n", encoding="utf-8")
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    expected_rejects = _bad_folder(folder)
    drip = DripServer(interval=0.5, part="body", bound=60.0)
    urls = {
        drip.url: "fetch_failed",  # dripping body, cut at the deadline
        news.url("/trap.html"): "fetch_failed",  # redirect to javascript:
        news.url("/to-file.html"): "fetch_failed",
        news.url("/to-ftp.html"): "fetch_failed",
        news.url("/missing.html"): "fetch_failed",  # 404
    }
    expected_rejects.update(urls)
    settings = Settings(
        warehouse=tmp_path / "wh", n_process=1, lock_wait=0, task_batch_size=50, fetch_deadline=2
    )
    try:
        summary = run_flow(
            [str(folder), *urls, news.url("/year-one.html"), news.url("/feed.xml")],
            settings=settings,
            published_at=PUBLISHED,
        )
    finally:
        drip.close()

    assert summary["status"] == "completed"
    wh = Warehouse(settings.warehouse)
    with wh.reader() as con:
        rejects = dict(con.execute("SELECT source_uri, reason FROM rejects").fetchall())
        sources = {r[0] for r in con.execute("SELECT source_id FROM documents").fetchall()}
        texts = [r[0] for r in con.execute("SELECT text FROM documents").fetchall()]
        warnings = con.execute(
            "SELECT d.source_id, w.code FROM warnings AS w JOIN documents AS d USING (doc_id)"
        ).fetchall()
        year_one = con.execute(
            "SELECT published_at FROM documents WHERE source_id = ?", [news.url("/year-one.html")]
        ).fetchone()
    assert rejects == expected_rejects
    # every good article is loaded: the samples (1 + 5 Reuters stories), the written ones,
    # the wide-encoded records, the first of the duplicated ids, the feed item (from the
    # feed's own text: its page redirects to javascript:) and the year-1 page
    good = {str(folder / "kim-nuclear-forces.txt"), str(folder / "tram.txt")}
    good |= {str(folder / "bidi.txt"), "w1", "c1", "same", "valley-1"}
    good.add(news.url("/year-one.html"))
    assert good <= sources
    assert len(sources) == len(good) + 5, "and the five Reuters stories"
    assert not any("\u200f" in t or "\u202e" in t for t in texts)
    assert warnings == [(news.url("/year-one.html"), "implausible_date")]
    assert year_one == (PUBLISHED,), "the run's default date replaced the year-1 date"
