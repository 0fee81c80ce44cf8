"""Feeds and pages over HTTP, against a real server on 127.0.0.1 started by the tests."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from flows.fetch import FeedState, FetchSettings, fetch, iter_url, make_client
from flows.sources import iter_inputs
from transforms.types import Article, Reject

FAST = FetchSettings(timeout=0.5, retries=2, backoff=0.05)
PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>{sentence} The officials said the decision was taken after a long public consultation "
    "that involved residents, businesses and the regional government.</p>"
    "<p>Work is expected to start next year, according to a statement.</p>"
    "</article></body></html>"
)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Route = Callable[["Handler"], Response]


class NewsServer:
    """A tiny news site: routes are functions of the request, hits are counted."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.news = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, title: str, sentence: str, **headers: str) -> None:
        body = PAGE.format(title=title, sentence=sentence).encode()
        self.routes[path] = lambda _h: Response(
            body=body, headers={"Content-Type": "text/html; charset=utf-8", **headers}
        )

    def feed(self, path: str, xml: str, *, etag: str, content_type: str) -> None:
        body = xml.replace("{base}", self.base).encode()

        def route(handler: Handler) -> Response:
            if handler.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
            return Response(body=body, headers={"Content-Type": content_type, "ETag": etag})

        self.routes[path] = route


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        news: NewsServer = self.server.news  # type: ignore[attr-defined]
        news.hits[self.path] += 1
        route = news.routes.get(self.path)
        response = route(self) if route else Response(status=404, body=b"not found")
        if response.delay:
            time.sleep(response.delay)
        try:
            self.send_response(response.status)
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server(test_data: Path) -> Iterator[NewsServer]:
    news = NewsServer()
    ingest = test_data / "ingest"
    news.feed("/rss", (ingest / "feed_rss.xml").read_text(encoding="utf-8"), etag='"v1"',
              content_type="application/rss+xml; charset=utf-8")  # fmt: skip
    news.feed("/atom.xml", (ingest / "feed_atom.xml").read_text(encoding="utf-8"), etag='"a1"',
              content_type="application/atom+xml")  # fmt: skip
    ferry = (ingest / "page.html").read_bytes()
    news.routes["/articles/ferry.html"] = lambda _h: Response(
        body=ferry, headers={"Content-Type": "text/html"}
    )
    news.page("/articles/quotas.html", "Fishing quotas cut again",
              "Fishing quotas were cut for the third year in a row.")  # fmt: skip
    news.page("/articles/bridge.html", "Bridge repairs finished early",
              "Repairs on the old bridge were finished two weeks early.")  # fmt: skip
    news.thread.start()
    yield news
    news.httpd.shutdown()
    news.httpd.server_close()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(FAST) as http:
        yield http


def _rows(url: str, client: httpx.Client, **kwargs: object) -> list[Article | Reject]:
    return list(iter_url(url, client=client, settings=FAST, **kwargs))  # type: ignore[arg-type]


def test_rss_feed_items_from_pages_and_feed_fallback(
    server: NewsServer, client: httpx.Client
) -> None:
    rows = _rows(server.url("/rss"), client)
    assert [type(r).__name__ for r in rows] == ["Article", "Article"]
    ferry, storm = rows
    assert isinstance(ferry, Article) and isinstance(storm, Article)
    assert ferry.source_id == "gazette-ferry-1"
    assert ferry.source_uri == server.url("/articles/ferry.html")
    # from the page: its headline, then the body
    assert ferry.text.startswith(
        "Harbour council approves new ferry terminal\n\nThe harbour council voted on Tuesday"
    )
    assert ferry.published_at == datetime(2024, 3, 5, 13, 30)  # the item's pubDate
    assert ferry.metadata["feed"] == server.url("/rss")
    # the second item's page is a 404: its body comes from content:encoded
    assert storm.metadata["body_from"] == "feed"
    assert storm.text == (
        "The coastal road was closed on Wednesday after a storm brought down trees and power "
        "lines.\n\nPolice said the road would reopen on Thursday morning."
    )
    assert storm.title == "Storm closes coastal road"
    assert storm.published_at == datetime(2024, 3, 6, 7, 0)
    assert server.hits["/articles/missing.html"] == 1  # a 404 is not retried


def test_atom_feed(server: NewsServer, client: httpx.Client) -> None:
    rows = _rows(server.url("/atom.xml"), client)
    assert [r.source_id for r in rows if isinstance(r, Article)] == [
        "urn:valley-times:quotas",
        "urn:valley-times:bridge",
    ]
    quotas = rows[0]
    assert isinstance(quotas, Article)
    assert quotas.title == "Fishing quotas cut again"
    assert quotas.text.startswith(
        "Fishing quotas cut again\n\nFishing quotas were cut for the third year in a row."
    )
    assert quotas.published_at == datetime(2024, 3, 7, 8, 0)


def test_page_url(server: NewsServer, client: httpx.Client) -> None:
    (row,) = _rows(server.url("/articles/ferry.html"), client, published_at=datetime(2000, 1, 1))
    assert isinstance(row, Article)
    assert row.source_id == row.source_uri == server.url("/articles/ferry.html")
    assert row.published_at == datetime(2024, 3, 5, 13, 30)  # the page's own date wins


def test_redirect_followed(server: NewsServer, client: httpx.Client) -> None:
    server.routes["/go"] = lambda _h: Response(
        status=301, headers={"Location": server.url("/articles/ferry.html")}
    )
    (row,) = _rows(server.url("/go"), client)
    assert isinstance(row, Article)
    assert row.source_id == server.url("/go")
    assert row.metadata["url"] == server.url("/articles/ferry.html")


def test_slow_page_within_timeout(server: NewsServer, client: httpx.Client) -> None:
    body = PAGE.format(title="Slow", sentence="The slow page finally answered.").encode()
    server.routes["/slow"] = lambda _h: Response(body=body, delay=0.25)
    (row,) = _rows(server.url("/slow"), client)
    assert isinstance(row, Article) and "slow page finally answered" in row.text
    assert server.hits["/slow"] == 1


def test_too_slow_page_rejected_after_retries(server: NewsServer) -> None:
    server.routes["/stuck"] = lambda _h: Response(body=b"late", delay=1.0)
    settings = FetchSettings(timeout=0.3, retries=1, backoff=0.01)
    with make_client(settings) as http:
        (row,) = list(iter_url(server.url("/stuck"), client=http, settings=settings))
    assert isinstance(row, Reject) and row.reason == "fetch_failed"
    assert "Timeout" in row.detail and "2 attempt(s)" in row.detail
    assert server.hits["/stuck"] == 2


def test_5xx_then_ok_is_retried(server: NewsServer, client: httpx.Client) -> None:
    body = PAGE.format(title="Flaky", sentence="The flaky page worked at last.").encode()
    server.routes["/flaky"] = lambda _h: (
        Response(status=503) if server.hits["/flaky"] <= 2 else Response(body=body)
    )
    (row,) = _rows(server.url("/flaky"), client)
    assert isinstance(row, Article) and "flaky page worked" in row.text
    assert server.hits["/flaky"] == 3


def test_permanent_5xx_is_a_reject(server: NewsServer, client: httpx.Client) -> None:
    server.routes["/down"] = lambda _h: Response(status=500)
    (row,) = _rows(server.url("/down"), client)
    assert isinstance(row, Reject)
    assert row.reason == "fetch_failed" and row.source_uri == server.url("/down")
    assert "HTTP 500" in row.detail and "3 attempt(s)" in row.detail
    assert server.hits["/down"] == 3


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<rss><channel><item><title>broken</channel>", "application/rss+xml"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><item>', "text/xml"),
    ],
)
def test_malformed_feed_is_a_reject(
    server: NewsServer, client: httpx.Client, body: bytes, content_type: str
) -> None:
    server.routes["/bad.xml"] = lambda _h: Response(
        body=body, headers={"Content-Type": content_type}
    )
    (row,) = _rows(server.url("/bad.xml"), client)
    assert isinstance(row, Reject) and row.reason == "malformed"
    assert "not well-formed XML" in row.detail


def test_unreachable_host_is_a_reject(client: httpx.Client) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (row,) = _rows(f"http://127.0.0.1:{port}/feed", client)
    assert isinstance(row, Reject) and row.reason == "fetch_failed"
    assert "ConnectError" in row.detail


def test_second_run_304_then_only_new_items(
    server: NewsServer, client: httpx.Client, tmp_path: Path, test_data: Path
) -> None:
    state_dir = tmp_path / "state"
    state = FeedState(state_dir)
    first = _rows(server.url("/rss"), client, feed_state=state)
    assert len(first) == 2
    state.save()

    # second run: the feed answers 304 to the stored ETag, nothing is fetched again
    state = FeedState(state_dir)
    assert state.validators(server.url("/rss")) == ('"v1"', None)
    assert _rows(server.url("/rss"), client, feed_state=state) == []
    assert server.hits["/articles/ferry.html"] == 1

    # the feed changes: only the new item comes through
    xml = (
        (test_data / "ingest" / "feed_rss.xml")
        .read_text(encoding="utf-8")
        .replace(
            "<item>",
            "<item><title>Ferry timetable published</title>"
            "<link>{base}/articles/quotas.html</link><guid>gazette-new-3</guid>"
            "<pubDate>Thu, 07 Mar 2024 10:00:00 GMT</pubDate></item><item>",
            1,
        )
    )
    server.feed("/rss", xml, etag='"v2"', content_type="application/rss+xml")
    rows = _rows(server.url("/rss"), client, feed_state=state)
    assert [r.source_id for r in rows] == ["gazette-new-3"]
    assert server.hits["/articles/ferry.html"] == 1
    state.save()
    assert FeedState(state_dir).validators(server.url("/rss"))[0] == '"v2"'


def test_state_not_saved_means_refetch(
    server: NewsServer, client: httpx.Client, tmp_path: Path
) -> None:
    state = FeedState(tmp_path / "state")
    assert len(_rows(server.url("/rss"), client, feed_state=state)) == 2
    # the run failed before save(): the next run sees everything again
    fresh = FeedState(tmp_path / "state")
    assert len(_rows(server.url("/rss"), client, feed_state=fresh)) == 2


def test_conditional_get_headers(server: NewsServer, client: httpx.Client) -> None:
    result = fetch(client, server.url("/rss"), settings=FAST)
    assert result.status == 200 and result.etag == '"v1"'
    again = fetch(client, server.url("/rss"), etag=result.etag, settings=FAST)
    assert again.not_modified and again.content == b""


def test_declared_latin1_page(server: NewsServer, client: httpx.Client) -> None:
    html = PAGE.format(
        title="Caf\u00e9 prices", sentence="Caf\u00e9 owners raised prices in Z\u00fcrich."
    )
    server.routes["/latin1"] = lambda _h: Response(
        body=html.encode("latin-1"), headers={"Content-Type": "text/html; charset=ISO-8859-1"}
    )
    (row,) = _rows(server.url("/latin1"), client)
    assert isinstance(row, Article) and "Café owners raised prices in Zürich." in row.text


def test_too_large_response(server: NewsServer, client: httpx.Client) -> None:
    server.routes["/huge"] = lambda _h: Response(body=b"x" * 5000)
    (row,) = list(iter_url(server.url("/huge"), client=client, settings=FAST, max_bytes=1000))
    assert isinstance(row, Reject) and row.reason == "too_large"


def test_iter_inputs_mixes_urls_and_files(server: NewsServer, tmp_path: Path) -> None:
    path = tmp_path / "local.txt"
    path.write_text("A local story about the harbour.", encoding="utf-8")
    rows = list(
        iter_inputs(
            [server.url("/atom.xml"), str(path), server.url("/nothing-here")],
            fetch_settings=FAST,
            published_at=datetime(2024, 3, 9),
        )
    )
    assert [type(r).__name__ for r in rows] == ["Article", "Article", "Article", "Reject"]
    assert rows[2].source_uri == str(path)
    assert isinstance(rows[3], Reject) and "HTTP 404" in rows[3].detail


# -- deadlines and permanent errors ---------------------------------------------------------
@pytest.mark.parametrize("part", ["body", "headers"])
def test_dripping_server_is_cut_at_the_deadline(part: str) -> None:
    from tests.flows.servers import DripServer

    drip = DripServer(interval=0.3, part=part, bound=30.0)
    settings = FetchSettings(timeout=5.0, deadline=1.5, retries=3, backoff=0.05)
    try:
        with make_client(settings) as http:
            started = time.monotonic()
            rows = list(iter_url(drip.url, client=http, settings=settings))
            took = time.monotonic() - started
    finally:
        drip.close()
    (reject,) = rows
    assert isinstance(reject, Reject) and reject.reason == "fetch_failed"
    assert "1.5s deadline" in reject.detail
    # cut by the deadline, far before the server's own 30 s bound; no attempt after it
    assert took < 15.0
    assert drip.connections == 1


def _redirect(location: str) -> Route:
    return lambda _h: Response(status=302, headers={"Location": location})


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "ftp://127.0.0.1/story.txt", "javascript:alert(1)", "http://[::1"],
)
def test_redirect_to_a_bad_url_fails_once_without_retries(
    server: NewsServer, client: httpx.Client, location: str
) -> None:
    server.routes["/moved"] = _redirect(location)
    rows = _rows(server.url("/moved"), client)
    (reject,) = rows
    assert isinstance(reject, Reject) and reject.reason == "fetch_failed"
    assert server.hits["/moved"] == 1, "a permanent error is not retried"


def test_404_is_not_retried(server: NewsServer, client: httpx.Client) -> None:
    rows = _rows(server.url("/gone.html"), client)
    assert isinstance(rows[0], Reject) and "404" in rows[0].detail
    assert server.hits["/gone.html"] == 1


def test_feed_item_page_redirecting_to_javascript_uses_the_feed_text(
    server: NewsServer, client: httpx.Client
) -> None:
    server.routes["/articles/missing.html"] = _redirect("javascript:void(0)")
    rows = _rows(server.url("/rss"), client)
    assert [type(r).__name__ for r in rows] == ["Article", "Article"]
    storm = rows[1]
    assert isinstance(storm, Article) and storm.metadata["body_from"] == "feed"
    assert server.hits["/articles/missing.html"] == 1
