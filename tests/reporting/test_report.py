"""The analyst report: built from a real warehouse (the samples and a hostile article loaded by
the flow), opened in headless Chromium."""

from __future__ import annotations

import http.server
import json
import threading
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flows.cli import main
from reporting import render_report
from reporting.html import safe_url
from tests.reporting.browser import (
    dump_dom,
    page_requests,
    png_pixels,
    requests,
    scan_dom,
    screenshot,
)
from warehouse.report import fetch_report
from warehouse.store import Warehouse

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "articles"
PUBLISHED = datetime(2024, 11, 18)
#: What a script from article text would do if it ran.
PWN = "document.body.dataset.pwned"


def _payload(tag: str) -> str:
    return (
        f"<script>{PWN}='{tag}'</script>"
        f"<img src=x onerror=\"{PWN}='{tag}-img'\">"
        f"<a href=\"javascript:{PWN}='{tag}-link'\">more</a>"
    )


def _hostile_record() -> dict[str, Any]:
    """An article whose headline, quote, outlet and URL carry markup."""
    return {
        "id": "hostile-1",
        "title": "Talks end " + _payload("title"),
        "date": "2024-11-19T08:00:00",
        "url": f"javascript:{PWN}='url'",
        "source": "Evil Wire " + _payload("outlet"),
        "text": (
            "Finance Minister Zora Quill met bankers in Geneva on Tuesday to discuss the loan.\n\n"
            f'"We reject {_payload("quote")} outright," Zora Quill told reporters.\n\n'
            f"Shares of <img/src=x/onerror={PWN}='entity'> Corp fell 5 percent in Zurich on "
            "Tuesday after the talks ended.\n\n"
            "Zora Quill accused the bankers of delaying the loan, and the bankers denied it."
        ),
    }


@pytest.fixture(scope="module")
def warehouse(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples and the hostile article, loaded once by the real flow."""
    from flows.runner import run_flow
    from flows.settings import Settings

    root = tmp_path_factory.mktemp("report")
    hostile = root / "hostile.jsonl"
    hostile.write_text(json.dumps(_hostile_record()) + "\n", encoding="utf-8")
    settings = Settings(warehouse=root / "wh", n_process=1, lock_wait=0, task_batch_size=20)
    summary = run_flow([str(SAMPLES), str(hostile)], settings=settings, published_at=PUBLISHED)
    assert summary["status"] == "completed"
    return settings.warehouse


def _report(warehouse: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        main, ["report", "--warehouse", str(warehouse), "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def reports(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The overview and the report on the hostile article's minister, by the command."""
    folder = tmp_path_factory.mktemp("out")
    overview, minister = folder / "report.html", folder / "minister.html"
    output = _report(warehouse, overview)
    assert "report: query 1/" in output and f"wrote {overview}" in output
    _report(warehouse, minister, "--entity", "Zora Quill")
    return {"overview": overview, "minister": minister}


@pytest.fixture(scope="module")
def rendered(reports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both reports opened in Chromium: the DOMs after load, a screenshot, the net logs."""
    folder = tmp_path_factory.mktemp("chromium")
    logs = [folder / f"{name}-net.json" for name in ("dom", "minister", "shot")]
    dom = dump_dom(reports["overview"].as_uri(), net_log=logs[0])
    minister = dump_dom(reports["minister"].as_uri(), net_log=logs[1])
    shot = screenshot(reports["overview"].as_uri(), folder / "report.png", net_log=logs[2])
    return {
        "dom": dom,
        "scan": scan_dom(dom),
        "minister": minister,
        "minister_scan": scan_dom(minister),
        "png": shot,
        "logs": logs,
    }


SECTIONS = ("loaded", "entities", "quotes", "events", "quality", "documents")


def test_every_section_is_present_with_charts_as_svg(rendered: dict[str, Any]) -> None:
    dom = rendered["dom"]
    for section in SECTIONS:
        assert f'<section id="{section}">' in dom
    for heading in (
        "What was loaded",
        "Who is in the news",
        "Who said what",
        "Who did what to whom",
        "Data quality",
    ):
        assert heading in dom
    # documents/day, entities, trend, speakers, event types, pairs, quality
    assert rendered["scan"].tags.get("svg", 0) >= 7
    for title in (
        "Documents per publication day and outlet",
        "Entities in the most stories",
        "Speakers quoted most, by kind of quote",
        "Events per PLOVER type and month",
        "Strongest actor -&gt; target pairs (events)",
    ):
        assert title in dom


def test_screenshot_is_not_blank(rendered: dict[str, Any]) -> None:
    width, height, rows = png_pixels(rendered["png"])
    assert (width, height) == (1200, 3000)
    colours: Counter[bytes] = Counter()
    for row in rows[::7]:
        for x in range(0, len(row), 3 * 7):
            colours[row[x : x + 3]] += 1
    total = sum(colours.values())
    background = colours.most_common(1)[0][1]
    assert len(colours) > 50, "a chart page has many colours"
    assert (total - background) / total > 0.05, "more than 5 % of the page is drawn"


def test_article_text_runs_no_script(rendered: dict[str, Any]) -> None:
    for dom, scan in (
        (rendered["dom"], rendered["scan"]),
        (rendered["minister"], rendered["minister_scan"]),
    ):
        assert "data-pwned" not in dom
        assert "data-pwned" not in scan.body_attrs
        assert scan.tags.get("script", 0) == 0
        assert scan.event_handlers == []
        assert scan.script_links == []
    # the markup is shown as text: headline and outlet in the overview, ...
    text = "".join(rendered["scan"].text)
    assert f"Talks end <script>{PWN}='title'</script>" in text
    assert f"Evil Wire <script>{PWN}='outlet'</script>" in text
    # ... the quote, the headline and the javascript: URL in the minister's report
    text = "".join(rendered["minister_scan"].text)
    assert f"We reject <script>{PWN}='quote'</script><img src=x onerror=" in text
    assert f"Talks end <script>{PWN}='title'</script>" in text
    assert f"javascript:{PWN}='url'" in text


def test_report_makes_no_network_request(rendered: dict[str, Any]) -> None:
    for log in rendered["logs"]:
        assert page_requests(log) == []
        assert all(not r.url.startswith("file:") for r in requests(log))


def test_network_check_sees_a_page_request_and_a_script(tmp_path: Path) -> None:
    """The checks above can fail: a page that fetches and scripts is caught by both."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = tmp_path / "control.html"
        url = f"http://127.0.0.1:{server.server_address[1]}/pixel.png"
        page.write_text(
            f'<html><body><img src="{url}"><script>{PWN}="control"</script></body></html>',
            encoding="utf-8",
        )
        log = tmp_path / "net.json"
        dom = dump_dom(page.as_uri(), net_log=log)
    finally:
        server.shutdown()
    assert hits == ["/pixel.png"]
    assert [r.url for r in page_requests(log)] == [url]
    assert 'data-pwned="control"' in dom


def test_entity_names_with_markup_are_escaped_in_tables_and_charts(
    warehouse: Path, tmp_path: Path
) -> None:
    """The NER never keeps '<' inside a name, so the names are made hostile in the report
    data read from the warehouse, and the page is opened in Chromium."""
    with Warehouse(warehouse).reader() as con:
        data = fetch_report(con)
    hostile = {}
    for name, rows in data.tables.items():
        new_rows = []
        for row in rows:
            new = dict(row)
            for key in ("name", "speaker", "actor", "target"):
                if isinstance(new.get(key), str):
                    new[key] = new[key] + _payload("entity")
            new_rows.append(new)
        hostile[name] = new_rows
    page = tmp_path / "hostile.html"
    page.write_text(
        render_report(replace(data, tables=hostile), warehouse="<b>wh</b>"), encoding="utf-8"
    )
    log = tmp_path / "net.json"
    dom = dump_dom(page.as_uri(), net_log=log)
    scan = scan_dom(dom)
    assert "data-pwned" not in dom
    assert scan.tags.get("script", 0) == 0 and scan.event_handlers == []
    assert scan.script_links == []
    assert page_requests(log) == []
    # in the SVG labels of the charts too
    assert f"&lt;script&gt;{PWN}='entity'&lt;/script&gt;" in dom.split("<svg", 1)[1]


def test_entity_report_kim_jong_un(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "kim.html"
    _report(warehouse, out, "--entity", "kim jong un")
    page = out.read_text("utf-8")
    assert "<h1>Kim Jong Un in the news</h1>" in page
    for section in ("aliases", "mentions", "quotes", "events", "documents"):
        assert f'<section id="{section}">' in page
    with Warehouse(warehouse).reader() as con:
        data = fetch_report(con, entity="Kim Jong Un")
    assert data.entity is not None and data.entity["name"] == "Kim Jong Un"
    assert {"Kim", "Kim Jong Un"} <= set(data.entity["aliases"])
    assert {r["alias"] for r in data.tables["entity_aliases"]} >= {"Kim", "Kim Jong Un"}
    quotes = data.tables["sample_quotes"]
    assert len(quotes) >= 5 and {q["speaker"] for q in quotes} == {"Kim Jong Un"}
    assert any("limitless" in q["quote"] for q in quotes)
    events = data.tables["entity_events"]
    roles = Counter(e["role"] for e in events)
    assert roles["actor"] >= 5 and roles["target"] >= 1
    assert any(e["role"] == "actor" and e["target"] == "United States" for e in events)
    for quote in quotes[:3]:
        assert quote["quote"][:40].replace('"', "&quot;").replace("'", "&#x27;") in page
    assert page.count("<svg") >= 2


def test_unknown_entity_is_a_one_line_error(warehouse: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--warehouse",
            str(warehouse),
            "--out",
            str(tmp_path / "x.html"),
            "--entity",
            "Nobody Atall",
        ],
    )
    assert result.exit_code == 1
    assert "no entity named 'Nobody Atall'" in result.output
    assert not (tmp_path / "x.html").exists()


def test_since_until_limit_the_documents(warehouse: Path) -> None:
    with Warehouse(warehouse).reader() as con:
        everything = fetch_report(con).tables["summary"][0]
        recent = fetch_report(con, since=datetime(2024, 1, 1)).tables["summary"][0]
        old = fetch_report(con, until=datetime(1990, 1, 1)).tables["summary"][0]
    assert recent["documents"] == 2  # the reference article and the hostile one
    assert old["documents"] == 40
    assert everything["documents"] == 42


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a?b=1", True),
        ("HTTP://example.org/", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ('https://example.org/"onmouseover="x', False),
        ("samples/articles/kim-nuclear-forces.txt", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url: str | None, safe: bool) -> None:
    assert (safe_url(url) is not None) is safe
