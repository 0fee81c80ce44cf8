"""RSS/Atom parsing (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms.text.feeds import FeedError, looks_like_feed, parse_feed

BASE = "http://news.test"


def _fixture(test_data: Path, name: str) -> bytes:
    return (
        (test_data / "ingest" / name).read_text(encoding="utf-8").replace("{base}", BASE).encode()
    )


def test_rss(test_data: Path) -> None:
    feed = parse_feed(_fixture(test_data, "feed_rss.xml"), url=f"{BASE}/rss")
    assert (feed.kind, feed.title) == ("rss", "Coastal Gazette")
    first, second = feed.items
    assert first.guid == "gazette-ferry-1" and first.key == "gazette-ferry-1"
    assert first.link == f"{BASE}/articles/ferry.html"
    assert first.published == "Tue, 05 Mar 2024 13:30:00 GMT"
    assert first.summary == "The harbour council approved a new ferry terminal."
    assert second.content is not None and second.content.startswith("<p>The coastal road")


def test_atom(test_data: Path) -> None:
    feed = parse_feed(_fixture(test_data, "feed_atom.xml"), url=f"{BASE}/atom.xml")
    assert (feed.kind, feed.title, feed.link) == ("atom", "Valley Times", f"{BASE}/")
    first, second = feed.items
    assert first.link == f"{BASE}/articles/quotas.html"  # relative href resolved
    assert first.published == "2024-03-07T09:00:00+01:00"  # published before updated
    assert first.summary is not None and first.summary.startswith("<p>Fishing quotas")
    assert second.published == "2024-03-08T12:00:00Z"
    assert second.content is not None and "<p" in second.content and "finished" in second.content


def test_rss1_rdf() -> None:
    rdf = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://x/"><title>RDF news</title><link>http://x/</link></channel>
  <item rdf:about="http://x/a1"><title>A1</title><link>http://x/a1</link>
    <dc:date>2024-01-02T03:04:05Z</dc:date><description>Text.</description></item>
</rdf:RDF>"""
    feed = parse_feed(rdf, url="http://x/rdf")
    assert feed.kind == "rdf"
    (item,) = feed.items
    assert (item.key, item.link, item.published) == ("http://x/a1", "http://x/a1",
                                                     "2024-01-02T03:04:05Z")  # fmt: skip


def test_guid_link_fallback() -> None:
    rss = b"<rss><channel><item><guid>https://x/p/1</guid><title>t</title></item></channel></rss>"
    (item,) = parse_feed(rss, url="u").items
    assert item.link == "https://x/p/1"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"<rss><channel><item><title>unclosed</channel></rss>", "not well-formed XML"),
        (b"", "not well-formed XML"),
        (b"<html><body>page</body></html>", "not an RSS or Atom feed"),
        (b"<rss version='2.0'></rss>", "without a <channel>"),
    ],
)
def test_malformed(data: bytes, match: str) -> None:
    with pytest.raises(FeedError, match=match) as info:
        parse_feed(data, url="http://x/feed")
    assert info.value.reason == "malformed"
    assert "http://x/feed" in info.value.detail


def test_entities_are_not_resolved() -> None:
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&secret;</title><guid>g</guid></item></channel></rss>"""
    (item,) = parse_feed(xxe, url="u").items
    assert "root:" not in (item.title or "")


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        (b"<rss/>", "application/rss+xml", True),
        (b"<feed/>", "application/atom+xml; charset=utf-8", True),
        (b'<?xml version="1.0"?><rss version="2.0">', "text/xml", True),
        (b'<?xml version="1.0"?><feed xmlns="x">', None, True),
        (b"<!DOCTYPE html><html>", "text/html", False),
        (b'<?xml version="1.0"?><html>', "application/xml", False),
        (b"<rss>", "text/html", False),
    ],
)
def test_looks_like_feed(data: bytes, content_type: str | None, expected: bool) -> None:
    assert looks_like_feed(data, content_type=content_type) is expected
