"""Source records -> cleaned :class:`~transforms.types.Article` values or rejects.

Pure functions: they receive text, bytes or iterables of lines (a file object opened by
``flows/sources.py`` streams through them) and return values. One bad record becomes a
:class:`~transforms.types.Reject` naming it (``file.jsonl#line=7``) and the rest goes on.

Records (JSONL objects, CSV rows) use the fields ``id``, ``title``, ``date``, ``url`` and
``text`` (a few common aliases are accepted, see ``_FIELDS``); every other field goes to
``Article.metadata``. Dates become naive UTC datetimes; a date that cannot be read stays in
the metadata and leaves ``published_at`` empty (or the caller's default) -- it is not a
reason to reject the article.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from transforms.errors import InputError
from transforms.ids import doc_id_for
from transforms.text.clean import clean_text, without_headline
from transforms.text.dates import check_published_at, parse_date, to_naive_utc
from transforms.text.decode import DecodedText, DecodeError, decode_bytes, normalize_text
from transforms.text.feeds import FeedError, FeedItem, parse_feed
from transforms.text.html import extract_html, html_fragment_to_text
from transforms.types import Article, Reject

__all__ = [
    "IngestError",
    "article_from_bytes",
    "article_from_html",
    "article_from_record",
    "check_published_at",
    "failed_reject",
    "iter_csv",
    "iter_jsonl",
    "make_article",
    "markdown_to_text",
]

#: Canonical record field -> accepted names, first found wins.
_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "doc_id", "source_id"),
    "title": ("title", "headline"),
    "date": ("date", "published_at", "published", "pubdate", "pub_date", "datetime"),
    "url": ("url", "link", "source_url"),
    "text": ("text", "body", "content", "article"),
}
#: Longest cleaned article text analysed (characters): spaCy's ``nlp.max_length``
#: default. Longer texts are rejected ``too_long`` before the NLP stage; a raw text longer
#: than twice this is rejected before cleaning (furniture never halves a text).
MAX_CHARS = 1_000_000


class IngestError(InputError, ValueError):
    """An input that cannot become an article.

    Attributes:
        reason: Machine-readable code (see :class:`transforms.types.Reject`).
        detail: One sentence naming the input and the problem.
    """


# --- articles -------------------------------------------------------------------------------


def make_article(
    text: str,
    *,
    source_id: str,
    source_uri: str,
    title: str | None = None,
    published_at: datetime | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Article:
    """Clean ``text`` and make the article.

    Args:
        text: Decoded article text, page furniture and hard wraps included.
        source_id: The source's id for the article (record id, guid, URL, path).
        source_uri: Where it came from (path, ``file.jsonl#line=3``, URL).
        title: Headline given by the source; otherwise looked for in the text.
        published_at: Publication time (aware datetimes are converted to naive UTC).
        metadata: Other fields of the source, JSON-serialisable.

    Returns:
        The article; ``doc_id`` is the hash of the cleaned text.

    Raises:
        IngestError: ``empty`` when ``text`` is blank, ``no_text`` when nothing but page
            furniture is left after cleaning.
    """
    if not text.strip():
        raise IngestError("empty", f"{source_uri}: the article text is empty.")
    if len(text) > 2 * MAX_CHARS:
        raise _too_long(source_uri, len(text))
    result = clean_text(text, title=title)
    if len(result.text) > MAX_CHARS:
        raise _too_long(source_uri, len(result.text))
    if not result.text.strip():
        raise IngestError(
            "no_text",
            f"{source_uri}: no article text is left after removing "
            f"{len(result.removed)} line(s) of page furniture.",
        )
    if not without_headline(result.text, result.title).strip():
        raise IngestError("no_text", f"{source_uri}: the text is only its headline, no article.")
    meta = dict(metadata or {})
    if result.removed:
        meta["removed_furniture"] = list(result.removed)
    return Article(
        doc_id=doc_id_for(result.text),
        source_id=source_id,
        source_uri=source_uri,
        title=result.title,
        published_at=to_naive_utc(published_at) if published_at is not None else None,
        text=result.text,
        metadata=meta,
    )


def _too_long(source_uri: str, n_chars: int) -> IngestError:
    return IngestError(
        "too_long",
        f"{source_uri}: the text is {n_chars:,} characters, over the {MAX_CHARS:,}-character "
        "limit of the NLP stage; split it into articles.",
    )


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


#: Front matter of a Markdown file: YAML between ``---`` lines (Jekyll, Hugo, Pandoc...)
#: or TOML between ``+++`` lines (Hugo), at the very top; looked for in the first lines only.
_FRONT_MATTER_LINES = 100
_FRONT_MATTER_FIELD = {
    "---": re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$"),
    "+++": re.compile(r"^([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*$"),
}
_FRONT_MATTER_END = {"---": ("---", "..."), "+++": ("+++",)}


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The front matter's top-level ``key: value`` fields, and the text after it.

    Only plain one-line values are read (quotes stripped); lists and nested values are
    skipped. Text without front matter comes back whole, with no fields.

    Args:
        text: The file's text.

    Returns:
        ``(fields, body)``.
    """
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in _FRONT_MATTER_FIELD:
        return {}, text
    field = _FRONT_MATTER_FIELD[fence]
    closing = _FRONT_MATTER_END[fence]
    end = next(
        (i for i, line in enumerate(lines[1:_FRONT_MATTER_LINES], 1) if line.strip() in closing),
        None,
    )
    if end is None:
        return {}, text
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        match = field.match(line)
        if match:
            if match.group(2):
                fields[match.group(1).lower()] = match.group(2).strip("'\"")
        elif line.strip() and not line[0].isspace() and not line.startswith(("-", "#", "[")):
            return {}, text  # prose between two rules, not front matter
    if not fields:
        return {}, text
    return fields, "\n".join(lines[end + 1 :])


def markdown_to_text(text: str) -> str:
    """Strip the Markdown markup a pasted article carries (headings, links, emphasis).

    Headings keep their words (``# Title`` -> ``Title``), links their text, images and
    code fences go; lists and paragraphs are left as they are.

    Args:
        text: Markdown text.

    Returns:
        Plain text with the same lines.
    """
    lines = []
    for line in text.split("\n"):
        if _MD_FENCE.match(line):
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = _MD_QUOTE.sub("", line)
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        lines.append(line)
    return "\n".join(lines)


def article_from_bytes(
    data: bytes,
    *,
    source_id: str,
    source_uri: str,
    title: str | None = None,
    published_at: datetime | None = None,
    metadata: Mapping[str, Any] | None = None,
    markdown: bool = False,
) -> Article:
    """Decode a plain-text document (``.txt``, ``.md``) and make the article.

    Args:
        data: The file's bytes.
        source_id: Id of the article (the path for files).
        source_uri: Where it came from.
        title: Headline, when known; otherwise looked for in the text.
        published_at: Publication time, when known.
        metadata: Extra metadata (the encoding is added when it is not UTF-8).
        markdown: Strip Markdown markup first (``.md`` files).

    Raises:
        IngestError: ``empty``, ``binary``, ``undecodable`` or ``no_text``.
    """
    if not data.strip():
        raise IngestError("empty", f"{source_uri}: the file is empty.")
    decoded = _decode(data, source_uri)
    meta = dict(metadata or {})
    if decoded.encoding not in ("utf-8", "ascii"):
        meta["encoding"] = decoded.encoding
    text = decoded.text
    if markdown:
        fields, text = split_front_matter(text)
        picked = {name: _pick(fields, name) for name in ("title", "date")}
        used = {key for key, _ in picked.values() if key is not None}
        meta.update({k: v for k, v in fields.items() if k not in used})
        front_title, front_date = picked["title"][1], picked["date"][1]
        date = parse_date(front_date)
        if front_date is not None and date is None:
            meta["date"] = front_date
        title = title or (normalize_text(front_title) if front_title else None)
        published_at = date or published_at
        text = markdown_to_text(text)
    return make_article(
        text,
        source_id=source_id,
        source_uri=source_uri,
        title=title,
        published_at=published_at,
        metadata=meta,
    )


def _decode(data: bytes, source_uri: str) -> DecodedText:
    try:
        return decode_bytes(data, name=source_uri)
    except DecodeError as exc:
        raise IngestError(exc.reason, exc.detail) from exc


def article_from_html(
    html: str | bytes,
    *,
    source_id: str,
    source_uri: str,
    url: str | None = None,
    published_at: datetime | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Article:
    """Extract the article body of an HTML page (trafilatura) and make the article.

    Args:
        html: The page (bytes are decoded first).
        source_id: Id for the article (the URL for web pages, the path for files).
        source_uri: Where it came from.
        url: The page's URL, if known.
        published_at: Used when the page has no date of its own.
        metadata: Extra metadata (the page's own author/sitename/... are added).

    Raises:
        IngestError: ``empty``, ``binary``, ``undecodable``, or ``no_text`` when the page
            has no article body.
    """
    if isinstance(html, bytes):
        if not html.strip():
            raise IngestError("empty", f"{source_uri}: the page is empty.")
        html = _decode(html, source_uri).text
    page = extract_html(html, url=url)
    if not page.text.strip():
        raise IngestError("no_text", f"{source_uri}: no article body found in the HTML page.")
    meta = {**page.metadata, **(metadata or {})}
    page_date = parse_date(page.date)
    if page.date and page_date is None:
        meta["date"] = page.date
    return make_article(
        page.text,
        source_id=source_id,
        source_uri=source_uri,
        title=page.title,
        published_at=page_date or published_at,
        metadata=meta,
    )


def iter_feed_file(
    data: bytes, *, source: str, published_at: datetime | None = None
) -> Iterator[Article | Reject]:
    """Articles of a saved RSS or Atom feed, one per item, from the feed's own text.

    A feed read from a file is read as it is: the items' pages are not fetched (give the
    feed's URL for that). Each item is identified as a feed URL's items are (``source_id``
    is its guid, else its link, else its title), so the same item read from the URL later
    is the same document.

    Args:
        data: The feed document.
        source: The file's name; an item's ``source_uri`` is ``source#item=N``.
        published_at: Date for items without one of their own.

    Yields:
        One :class:`Article` or :class:`Reject` per item; one ``malformed`` reject for a
        file that is not a feed, one ``no_text`` reject for a feed without items.
    """
    try:
        feed = parse_feed(data, url=source)
    except FeedError as exc:
        yield exc.to_reject(source)
        return
    if not feed.items:
        yield Reject(source, "no_text", f"{source}: the {feed.kind} feed has no items.")
        return
    for number, item in enumerate(feed.items, start=1):
        uri = f"{source}#item={number}"
        key = item.key
        if key is None:
            yield Reject(uri, "malformed", f"{uri}: the item has no guid, link or title.")
            continue
        date, metadata = feed_item_fields(item, feed=source)
        try:
            yield article_from_feed_text(
                item, key=key, uri=uri, published_at=date or published_at, metadata=metadata
            )
        except IngestError as exc:
            yield exc.to_reject(uri)


def feed_item_fields(item: FeedItem, *, feed: str) -> tuple[datetime | None, dict[str, Any]]:
    """A feed item's publication date (None when it has none or none that reads) and the
    metadata every article of the item carries: the feed, the item's guid, and its raw date
    when that does not read."""
    date = parse_date(item.published)
    metadata: dict[str, Any] = {"feed": feed}
    if item.guid:
        metadata["guid"] = item.guid
    if item.published and date is None:
        metadata["date"] = item.published
    return date, metadata


def article_from_feed_text(
    item: FeedItem,
    *,
    key: str,
    uri: str,
    published_at: datetime | None,
    metadata: Mapping[str, Any],
) -> Article:
    """The article a feed item's own text makes (its content, else its summary).

    Raises:
        IngestError: ``no_text`` when the item has neither, or what :func:`make_article`
            raises.
    """
    body = html_fragment_to_text(item.content or item.summary or "")
    if not body.strip():
        raise IngestError("no_text", f"{uri}: the feed item has no content or description.")
    return make_article(
        body,
        source_id=key,
        source_uri=uri,
        title=html_fragment_to_text(item.title) if item.title else None,
        published_at=published_at,
        metadata={**metadata, "body_from": "feed", **({"url": item.link} if item.link else {})},
    )


# --- records --------------------------------------------------------------------------------


def _pick(record: Mapping[str, Any], name: str) -> tuple[str | None, Any]:
    lowered = {str(k).lower(): k for k in record}
    for alias in _FIELDS[name]:
        key = lowered.get(alias)
        if key is not None and record[key] not in (None, ""):
            return key, record[key]
    return None, None


def _json_type(value: Any) -> str:
    """The JSON name of a decoded value's type (``number``, ``object``, ...)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {"dict": "object", "list": "array"}.get(type(value).__name__, type(value).__name__)


def article_from_record(
    record: Mapping[str, Any],
    *,
    source_uri: str,
    fallback_id: str,
    published_at: datetime | None = None,
) -> Article:
    """Make the article of one JSONL object or CSV row.

    Args:
        record: Field name -> value (``id``, ``title``, ``date``, ``url``, ``text`` and
            anything else, which goes to metadata).
        source_uri: ``file.jsonl#line=7``.
        fallback_id: ``source_id`` when the record has no id.
        published_at: Used when the record has no readable date.

    Raises:
        IngestError: ``no_text`` when the record has no text field or it is not a string,
            ``empty`` or ``no_text`` from cleaning, ``malformed`` when a field is nested
            too deeply to store.
    """
    used: set[str] = set()
    values: dict[str, Any] = {}
    for name in _FIELDS:
        key, value = _pick(record, name)
        if key is not None:
            used.add(key)
            values[name] = value
    text = values.get("text")
    if text is None:
        given = [k for k in record if str(k).lower() in _FIELDS["text"]]
        raise IngestError(
            "no_text",
            f"{source_uri}: the record's text field {given[0]!r} is empty."
            if given
            else f"{source_uri}: the record has no text field "
            f"(one of {', '.join(_FIELDS['text'])}).",
        )
    if not isinstance(text, str):
        raise IngestError(
            "malformed",
            f"{source_uri}: the text field holds a JSON {_json_type(text)}, not a string.",
        )
    metadata = {str(k): v for k, v in record.items() if k not in used and v not in (None, "")}
    try:
        json.dumps(metadata, default=str)  # stored as JSON: it must serialise
    except (RecursionError, ValueError) as exc:
        raise IngestError(
            "malformed", f"{source_uri}: a field cannot be stored ({type(exc).__name__})."
        ) from exc
    if "url" in values:
        metadata["url"] = str(values["url"])
    date = parse_date(values.get("date"))
    if values.get("date") is not None and date is None:
        metadata["date"] = values["date"]
    title = values.get("title")
    record_id = values.get("id")
    return make_article(
        text,
        source_id=str(record_id) if record_id is not None else fallback_id,
        source_uri=source_uri,
        title=normalize_text(str(title)) if title is not None else None,
        published_at=date or published_at,
        metadata=metadata,
    )


def iter_jsonl(
    lines: Iterable[bytes | str],
    *,
    source: str,
    published_at: datetime | None = None,
    max_bytes: int | None = None,
) -> Iterator[Article | Reject]:
    """Articles of a JSONL (NDJSON) stream, one object a line; blank lines are skipped.

    Args:
        lines: The lines (a binary file object streams).
        source: Name of the file or URL, used in ``source_uri`` (``source#line=N``).
        published_at: Default for records without a date.
        max_bytes: Longest line accepted; longer ones are rejected as ``too_large``.

    Yields:
        One :class:`Article` or :class:`Reject` per non-blank line.
    """
    for number, line in enumerate(lines, start=1):
        uri = f"{source}#line={number}"
        try:
            if max_bytes is not None and len(line) > max_bytes:
                raise IngestError(
                    "too_large", f"{uri}: the line is {len(line)} bytes, over {max_bytes}."
                )
            text = _decode(line, uri).text if isinstance(line, bytes) else line
            if not text.strip():
                continue
            try:
                record = json.loads(text.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                raise IngestError(
                    "malformed", f"{uri}: not valid JSON ({exc.msg}, column {exc.colno})."
                ) from exc
            except RecursionError as exc:
                raise IngestError("malformed", f"{uri}: JSON nested too deeply.") from exc
            if not isinstance(record, dict):
                raise IngestError(
                    "malformed", f"{uri}: a JSON {type(record).__name__}, not an object."
                )
            yield article_from_record(
                record, source_uri=uri, fallback_id=uri, published_at=published_at
            )
        except IngestError as exc:
            yield exc.to_reject(uri)
        except Exception as exc:  # one record that breaks a reader costs only itself
            yield failed_reject(uri, exc)


def failed_reject(source_uri: str, exc: BaseException) -> Reject:
    """The ``ingest_failed`` reject of an input that raised something unexpected."""
    text = " ".join(str(exc).split())[:300]
    return Reject(
        source_uri,
        "ingest_failed",
        f"{source_uri}: cannot be read ({type(exc).__name__}{': ' + text if text else ''}).",
    )


def _text_lines(lines: Iterable[bytes | str], source: str) -> Iterator[str]:
    """Decode CSV lines one by one (each may be UTF-8 or cp1252; NUL bytes are dropped)."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, str):
            yield line
            continue
        try:
            yield decode_bytes(line, name=f"{source}#line={number}").text
        except DecodeError:
            yield normalize_text(line.replace(b"\x00", b"").decode("utf-8", errors="replace"))


#: Field separators a CSV header may use: commas, and the semicolons of spreadsheets set
#: to a decimal-comma locale, tabs, pipes.
_DELIMITERS = (",", ";", "\t", "|")


def _delimiter(header: str) -> str:
    """The separator the header line uses most (a comma when it has none)."""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def iter_csv(
    lines: Iterable[bytes | str],
    *,
    source: str,
    published_at: datetime | None = None,
    max_field_size: int = 5_000_000,
) -> Iterator[Article | Reject]:
    """Articles of a CSV stream with a header row (``id,title,date,url,text,...``).

    Fields are separated by commas, or by the semicolons, tabs or pipes the header line
    uses more than commas (spreadsheets in decimal-comma locales write ``id;title;text``).

    Args:
        lines: The lines: bytes (a binary file object streams; each line is decoded on
            its own) or text (a file opened with ``newline=""``).
        source: Name of the file, used in ``source_uri`` (``source#line=N``, N being the
            line where the row starts; the header is line 1).
        published_at: Default for rows without a date.
        max_field_size: Longest field accepted by the CSV reader.

    Yields:
        One :class:`Article` or :class:`Reject` per data row; a file whose header has no
        text column yields one ``malformed`` reject.
    """
    if csv.field_size_limit() < max_field_size:
        csv.field_size_limit(max_field_size)
    text_lines = _text_lines(lines, source)
    first = next(text_lines, None)
    rows: Iterable[str] = () if first is None else itertools.chain([first], text_lines)
    reader = csv.DictReader(rows, delimiter=_delimiter(first or ""))
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        yield Reject(f"{source}#line=1", "malformed", f"{source}: unreadable CSV header ({exc}).")
        return
    if not header:
        yield Reject(source, "empty", f"{source}: the CSV file has no header row.")
        return
    names = {name.lower() for name in header if name}
    if not names & set(_FIELDS["text"]):
        yield Reject(
            f"{source}#line=1",
            "malformed",
            f"{source}: the CSV header has no text column (one of {', '.join(_FIELDS['text'])}).",
        )
        return
    while True:
        start = reader.line_num + 1
        uri = f"{source}#line={start}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Reject(uri, "malformed", f"{uri}: unreadable CSV row ({exc}).")
            continue
        except Exception as exc:  # the stream itself broke: the rest cannot be read
            yield failed_reject(uri, exc)
            return
        if None in row:
            yield Reject(
                uri,
                "malformed",
                f"{uri}: the row has {len(header) + len(row[None])} fields, "
                f"the header {len(header)}.",
            )
            continue
        clean_row = {k: v for k, v in row.items() if k}
        try:
            yield article_from_record(
                clean_row, source_uri=uri, fallback_id=uri, published_at=published_at
            )
        except IngestError as exc:
            yield exc.to_reject(uri)
        except Exception as exc:  # one row that breaks a reader costs only itself
            yield failed_reject(uri, exc)
