"""RSS 2.0 / RSS 1.0 (RDF) / Atom 1.0 parsing with lxml (pure: bytes in, items out).

Elements are matched by local name, so namespaced and non-namespaced feeds read the same
way. The parser never resolves entities or fetches DTDs (no XXE). A document that is not
well-formed XML, or not a feed, raises :class:`FeedError` (reason ``malformed``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from transforms.errors import InputError

__all__ = ["Feed", "FeedError", "FeedItem", "looks_like_feed", "parse_feed"]

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_XML_TYPES = ("application/xml", "text/xml")
_ROOT_SNIFF = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)[\s>]")


class FeedError(InputError, ValueError):
    """A feed that cannot be read.

    Attributes:
        reason: ``malformed``.
        detail: One sentence naming the feed and the problem.
    """


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed.

    Attributes:
        guid: RSS ``guid`` / Atom ``id``, if given.
        link: Absolute URL of the article page, if given.
        title: Item title (plain text).
        published: Raw ``pubDate`` / ``published`` / ``updated`` / ``dc:date`` value.
        content: Full content (``content:encoded`` / Atom ``content``), HTML or text.
        summary: ``description`` / Atom ``summary``, HTML or text.
    """

    guid: str | None
    link: str | None
    title: str | None
    published: str | None
    content: str | None
    summary: str | None

    @property
    def key(self) -> str | None:
        """Stable identity of the item across runs: guid, else link, else title."""
        return self.guid or self.link or self.title


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed.

    Attributes:
        kind: ``rss``, ``rdf`` or ``atom``.
        title: Feed title.
        link: Site link.
        items: Entries in document order.
    """

    kind: str
    title: str | None
    link: str | None
    items: list[FeedItem]


def looks_like_feed(data: bytes, *, content_type: str | None = None) -> bool:
    """Whether a response is a feed rather than a web page.

    Args:
        data: Response body (only the first 2 KiB are inspected).
        content_type: The ``Content-Type`` header, if any.

    Returns:
        True for RSS/Atom/RDF media types, or for XML whose root is ``rss``/``feed``/``RDF``.
    """
    media = (content_type or "").split(";")[0].strip().lower()
    if media in _FEED_TYPES:
        return True
    if media in ("text/html", "application/xhtml+xml"):
        return False
    head = data[:2048].lstrip()
    if media in _XML_TYPES or head.startswith((b"<?xml", b"\xef\xbb\xbf<?xml")) or not media:
        return _ROOT_SNIFF.search(head) is not None
    return False


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: etree._Element, *names: str) -> str | None:
    """Text of the first child named one of ``names`` (inner XML for XHTML content)."""
    for name in names:
        for child in _children(element, name):
            if child.get("type") == "xhtml" and len(child):
                value = "".join(
                    etree.tostring(grand, encoding="unicode", with_tail=True) for grand in child
                )
            else:
                value = "".join(child.itertext())
            value = value.strip()
            if value:
                return value
    return None


def _atom_link(entry: etree._Element, base: str) -> str | None:
    fallback = None
    for link in _children(entry, "link"):
        href = (link.get("href") or "").strip()
        if not href:
            continue
        rel = link.get("rel", "alternate")
        if rel == "alternate":
            return str(urljoin(base, href))
        fallback = fallback or urljoin(base, href)
    return fallback


def parse_feed(data: bytes, *, url: str) -> Feed:
    """Parse an RSS 2.0, RSS 1.0 or Atom feed.

    Args:
        data: The feed document (XML bytes; its own encoding declaration is honoured).
        url: Where it came from: base for relative links and named in errors.

    Returns:
        The feed and its items in document order.

    Raises:
        FeedError: ``malformed`` when the bytes are not well-formed XML or not a feed.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError("malformed", f"{url}: the feed is not well-formed XML ({exc}).") from exc
    if root is None:
        raise FeedError("malformed", f"{url}: the feed is empty.")
    kind = _local(root.tag)
    if kind == "rss":
        channels = _children(root, "channel")
        if not channels:
            raise FeedError("malformed", f"{url}: RSS document without a <channel>.")
        channel = channels[0]
        items = [_rss_item(item, url) for item in _children(channel, "item")]
        return Feed("rss", _text(channel, "title"), _text(channel, "link"), items)
    if kind == "RDF":
        channels = _children(root, "channel")
        title = _text(channels[0], "title") if channels else None
        link = _text(channels[0], "link") if channels else None
        items = [_rss_item(item, url) for item in _children(root, "item")]
        return Feed("rdf", title, link, items)
    if kind == "feed":
        entries = [_atom_entry(entry, url) for entry in _children(root, "entry")]
        return Feed("atom", _text(root, "title"), _atom_link(root, url), entries)
    raise FeedError("malformed", f"{url}: <{kind}> is not an RSS or Atom feed root.")


def _rss_item(item: etree._Element, base: str) -> FeedItem:
    link = _text(item, "link")
    guid = _text(item, "guid")
    about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    if link is None and guid and guid.startswith(("http://", "https://")):
        link = guid
    return FeedItem(
        guid=guid or about,
        link=urljoin(base, link) if link else None,
        title=_text(item, "title"),
        published=_text(item, "pubDate", "date", "published", "updated"),
        content=_text(item, "encoded"),
        summary=_text(item, "description"),
    )


def _atom_entry(entry: etree._Element, base: str) -> FeedItem:
    return FeedItem(
        guid=_text(entry, "id"),
        link=_atom_link(entry, base),
        title=_text(entry, "title"),
        published=_text(entry, "published", "updated", "issued", "modified"),
        content=_text(entry, "content"),
        summary=_text(entry, "summary"),
    )
