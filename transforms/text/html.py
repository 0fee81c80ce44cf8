"""HTML -> article body, title and date (trafilatura), and HTML fragments -> plain text.

Body extraction is trafilatura's (``bare_extraction``: boilerplate removal by its own
heuristics with readability/justext fallbacks). The publication date is read from the
page's own metadata first (``article:published_time``, ``datePublished`` in JSON-LD,
``<time datetime>``), which keeps the time of day, then from trafilatura/htmldate's reading
of the markup (a date only), and last from htmldate's search of the page's free text, where
a date that falls on the 1st of a month is not kept: that is how htmldate writes a bare year
(a ``Copyright 2024`` footer becomes 2024-01-01) or a month, not a day of publication.
htmldate bounds candidate dates by today's date; it never invents one.

A page whose only text is navigation, header, footer or aside furniture has no article body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import htmldate
import trafilatura
from lxml import etree
from lxml import html as lxml_html

__all__ = ["HtmlPage", "extract_html", "html_fragment_to_text"]

#: ``<meta>`` names/properties that carry the publication time, most specific first.
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
    | {"table", "section", "article", "header", "footer", "figure", "figcaption", "pre"}
    | {"dd", "dt"}
)
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg")
#: Elements whose text is page furniture, never the article: a page with text only in
#: these has no body.
_FURNITURE_TAGS = ("nav", "header", "footer", "aside", "menu")
_CONTENT_TEXT = "//body//text()[not({})]".format(
    " or ".join(f"ancestor::{tag}" for tag in (*_FURNITURE_TAGS, *_DROP_TAGS))
)
#: htmldate reads dates from the page's markup only (tags, attributes, URL); its free-text
#: search runs apart, see :func:`_free_text_date`.
_MARKUP_DATES = {"original_date": True, "extensive_search": False}


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """What an HTML page says about its article.

    Attributes:
        text: Body text, one paragraph a line ('' when no article body was found).
        title: Title from the page metadata (og:title, <title>, <h1>), if any.
        date: Publication date or time as the page writes it (ISO 8601 mostly), if any.
        metadata: Other page metadata (author, sitename, description, url, language).
    """

    text: str
    title: str | None
    date: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


def _page_date(tree: Any) -> str | None:
    """Publication time from ``<meta>``, JSON-LD or ``<time>`` (None when absent)."""
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in metas:
            metas[key] = content
    for key in _DATE_META:
        if key in metas:
            return metas[key]
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        found = _json_ld_date(script.text)
        if found:
            return found
    for time_el in tree.iter("time"):
        value = (time_el.get("datetime") or "").strip()
        if value and ("pubdate" in time_el.attrib or time_el.get("itemprop") == "datePublished"):
            return value
    return None


def _json_ld_date(raw: str) -> str | None:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return None
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            value = item.get("datePublished") or item.get("dateCreated")
            if isinstance(value, str) and value.strip():
                return value.strip()
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return None


def extract_html(html: str, *, url: str | None = None) -> HtmlPage:
    """Extract the article of an HTML page.

    Args:
        html: The page, decoded.
        url: Where it came from (helps trafilatura and fills ``metadata['url']``).

    Returns:
        The body text (empty when the page has no article body), title, date and metadata.
    """
    if not html.strip():
        return HtmlPage(text="", title=None, date=None)
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return HtmlPage(text="", title=None, date=None)
    date = _page_date(tree)
    if not any(str(piece).strip() for piece in tree.xpath(_CONTENT_TEXT)):
        return HtmlPage(text="", title=_fallback_title(tree), date=date)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=False,
        date_extraction_params=dict(_MARKUP_DATES),
    )
    if document is None or isinstance(document, dict):
        return HtmlPage(text="", title=_fallback_title(tree), date=date)
    date = date or document.date or _free_text_date(html, url=url)
    title = (document.title or "").strip() or _fallback_title(tree)
    metadata = {
        key: value
        for key, value in (
            ("author", document.author),
            ("sitename", document.sitename),
            ("description", document.description),
            ("url", document.url or url),
            ("language", document.language),
        )
        if value
    }
    return HtmlPage(
        text=(document.text or "").strip(),
        title=title or None,
        date=date or None,
        metadata=metadata,
    )


def _free_text_date(html: str, *, url: str | None) -> str | None:
    """A publication date htmldate finds in the page's free text, unless it is a padded one.

    htmldate writes a bare year as ``YYYY-01-01`` (its last resorts are the copyright line
    and any four-digit year) and a month as ``YYYY-MM-01``; neither is the day the article
    was published, so a 1st of a month found this way is dropped (the run's default date
    applies instead).
    """
    found = htmldate.find_date(html, url=url, extensive_search=True, original_date=True)
    if not found or found.endswith("-01"):
        return None
    return str(found)


def _fallback_title(tree: Any) -> str | None:
    for path in ("//meta[@property='og:title']/@content", "//title/text()", "//h1//text()"):
        values = tree.xpath(path)
        if values:
            title = " ".join(str(values[0]).split())
            if title:
                return title
    return None


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed item's description or content).

    Block elements become paragraphs (one per line), ``<br>`` a line break; scripts and
    styles are dropped. Text that is not HTML comes back whitespace-normalised.

    Args:
        fragment: HTML or plain text.

    Returns:
        The text, paragraphs separated by ``"\\n"``.
    """
    if not fragment.strip():
        return ""
    if "<" not in fragment:
        return "\n".join(" ".join(line.split()) for line in fragment.splitlines() if line.strip())
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())
    for bad in root.xpath("|".join(f"//{tag}" for tag in _DROP_TAGS)):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    text = root.text_content()
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())
