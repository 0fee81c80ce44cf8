"""Sources named on the command line -> a stream of articles and rejects.

A source is a file, a folder (walked recursively in sorted order; hidden entries and
``README``/``NOTICE``/``LICENSE``-style corpus documents skipped),
or an ``http(s)://`` URL of a feed or page. Files are read one at a time and JSONL/CSV
line by line, so the corpus is never held in memory. Everything that cannot become an
article comes out as a :class:`~transforms.types.Reject` naming the input and the problem;
nothing here raises for bad input.

==================  ===========================================  =========================
input               source_id                                    source_uri
==================  ===========================================  =========================
``.txt`` ``.md``    the path as given (``str(Path(p))``)         the path
``.html`` ``.htm``  the path                                     the path
``.jsonl`` ``.csv`` the record's ``id``, else ``path#line=N``    ``path#line=N``
``.rss`` ``.atom``  the item's guid, else its link                ``path#item=N``
``.xml`` (a feed)
page URL            the URL as given                             the URL
feed URL            the item's guid, else its link               the item's link
==================  ===========================================  =========================
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx

from flows.fetch import FeedState, FetchSettings, iter_url, make_client
from transforms.text.decode import is_binary, wide_encoding
from transforms.text.ingest import (
    IngestError,
    article_from_bytes,
    article_from_html,
    check_published_at,
    failed_reject,
    iter_csv,
    iter_feed_file,
    iter_jsonl,
)
from transforms.types import Article, Reject

__all__ = ["SUPPORTED_EXTENSIONS", "iter_inputs", "iter_path"]

TEXT_EXTENSIONS = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
CSV_EXTENSIONS = frozenset({".csv"})
#: Saved RSS/Atom feeds: every item becomes an article from the feed's own text.
FEED_EXTENSIONS = frozenset({".rss", ".atom", ".xml"})
SUPPORTED_EXTENSIONS = (
    TEXT_EXTENSIONS | HTML_EXTENSIONS | JSONL_EXTENSIONS | CSV_EXTENSIONS | FEED_EXTENSIONS
)
#: Project documents skipped when walking a folder (a file named on its own is still read):
#: ``README.md``, ``NOTICE.md``, ``LICENSE.txt`` and the like describe a corpus, they are
#: not articles of it.
FOLDER_DOC_NAMES = frozenset(
    {"readme", "notice", "license", "licence", "copying", "changelog", "contributing", "authors"}
)
_URL = re.compile(r"^https?://", re.IGNORECASE)
_SNIFF = 8192


def iter_inputs(
    sources: Sequence[str],
    *,
    max_bytes: int = 5_000_000,
    feed_state: FeedState | None = None,
    published_at: datetime | None = None,
    fetch_settings: FetchSettings | None = None,
    client: httpx.Client | None = None,
    now: datetime | None = None,
) -> Iterator[Article | Reject]:
    """Stream the articles of ``sources``, in order, with a reject for each bad input.

    Nothing here raises for bad input: whatever goes wrong with one input becomes its
    reject. An implausible publication date (before 1800, or more than a day after ``now``)
    is dropped and noted in the article's ``warnings``. A second article under a
    ``source_id`` already seen in this run with another text is rejected ``duplicate_id``
    (the first one wins): one id names one document.

    Args:
        sources: Paths of files or folders, and http(s) URLs of feeds or pages.
        max_bytes: Largest file (``.txt``/``.md``/``.html``), JSONL line, CSV field or
            HTTP response accepted; bigger ones are rejected as ``too_large``. JSONL and
            CSV files themselves may be of any size (they are streamed).
        feed_state: Per-feed state for URL sources (conditional GET, items already seen);
            updated in memory, the caller saves it after a successful load.
        published_at: Publication time for inputs that carry no date of their own.
        fetch_settings: Timeouts, deadline, retries and backoff for URLs.
        client: HTTP client to use (one is made, and closed, when a URL needs it).
        now: The run's clock for the date check (default: the current time, UTC).

    Yields:
        :class:`Article` or :class:`Reject`, one at a time.
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    doc_by_source: dict[str, tuple[str, str]] = {}
    with contextlib.ExitStack() as stack:
        for source in sources:
            if "://" in source and not _URL.match(source):
                yield Reject(
                    source,
                    "unsupported",
                    f"{source}: only http:// and https:// URLs are fetched; give a local "
                    "file as a path.",
                )
                continue
            if _URL.match(source):
                if client is None:
                    client = stack.enter_context(make_client(fetch_settings))
                items = iter_url(
                    source,
                    client=client,
                    feed_state=feed_state,
                    published_at=published_at,
                    settings=fetch_settings,
                    max_bytes=max_bytes,
                )
            else:
                items = iter_path(Path(source), max_bytes=max_bytes, published_at=published_at)
            for item in _guarded(items, source):
                if isinstance(item, Article):
                    item = _one_id_one_text(item, doc_by_source)
                if isinstance(item, Article):
                    item = check_published_at(item, now=now, fallback=published_at)
                yield item


def _guarded(items: Iterator[Article | Reject], source: str) -> Iterator[Article | Reject]:
    """``items``, with an unexpected error ending only this source, as its reject."""
    try:
        yield from items
    except Exception as exc:
        yield failed_reject(source, exc)


def _one_id_one_text(
    article: Article, doc_by_source: dict[str, tuple[str, str]]
) -> Article | Reject:
    first = doc_by_source.setdefault(article.source_id, (article.doc_id, article.source_uri))
    if first[0] == article.doc_id:
        return article
    return Reject(
        article.source_uri,
        "duplicate_id",
        f"{article.source_uri}: id {article.source_id!r} was already given to another text "
        f"({first[1]}); give each article its own id.",
    )


def iter_path(
    path: Path, *, max_bytes: int = 5_000_000, published_at: datetime | None = None
) -> Iterator[Article | Reject]:
    """Articles of a file or of every file under a folder (sorted, hidden entries skipped);
    a folder with no file to read is rejected ``empty``.

    Args:
        path: File or folder.
        max_bytes: See :func:`iter_inputs`.
        published_at: Publication time for inputs without a date.

    Yields:
        :class:`Article` or :class:`Reject`.
    """
    name = str(path)
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as exc:
        yield Reject(name, "unreadable", f"{name}: cannot be read ({exc.strerror or exc}).")
        return
    if not exists:
        yield Reject(name, "unreadable", f"{name}: no such file or folder.")
        return
    if not is_dir:
        yield from _iter_file(path, max_bytes=max_bytes, published_at=published_at)
        return
    found = False
    for file in _walk(path):
        found = True
        yield from _iter_file(file, max_bytes=max_bytes, published_at=published_at)
    if not found:
        yield Reject(
            name,
            "empty",
            f"{name}: the folder holds no input files (hidden files and folders, and "
            "README, LICENSE and the like, are skipped).",
        )


def _walk(folder: Path) -> Iterator[Path]:
    """Files under ``folder`` in sorted order, depth first.

    Hidden files and folders and corpus documents (:data:`FOLDER_DOC_NAMES`) are skipped.
    """
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            stem = file.split(".", 1)[0].lower()
            if not file.startswith(".") and stem not in FOLDER_DOC_NAMES:
                yield Path(root) / file


def _iter_file(
    path: Path, *, max_bytes: int, published_at: datetime | None
) -> Iterator[Article | Reject]:
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        supported = " ".join(sorted(SUPPORTED_EXTENSIONS))
        kind = f"'{suffix}'" if suffix else "without an extension"
        yield Reject(
            name,
            "unsupported",
            f"{name}: unsupported file type {kind} (supported: {supported}).",
        )
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Reject(name, "unreadable", f"{name}: cannot be read ({exc.strerror or exc}).")
        return
    if size == 0:
        yield Reject(name, "empty", f"{name}: the file is empty (0 bytes).")
        return
    streamed = suffix in JSONL_EXTENSIONS or suffix in CSV_EXTENSIONS
    if not streamed and size > max_bytes:
        yield Reject(
            name,
            "too_large",
            f"{name}: the file is {size} bytes, over the {max_bytes}-byte limit.",
        )
        return
    try:
        if streamed:
            yield from _iter_records(path, suffix, max_bytes=max_bytes, published_at=published_at)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Reject(name, "unreadable", f"{name}: cannot be read ({exc.strerror or exc}).")
        return
    if suffix in FEED_EXTENSIONS:
        yield from iter_feed_file(data, source=name, published_at=published_at)
        return
    try:
        if suffix in HTML_EXTENSIONS:
            yield article_from_html(
                data, source_id=name, source_uri=name, published_at=published_at
            )
        else:
            yield article_from_bytes(
                data,
                source_id=name,
                source_uri=name,
                published_at=published_at,
                markdown=suffix in (".md", ".markdown"),
            )
    except IngestError as exc:
        yield exc.to_reject(name)
    except Exception as exc:  # a file that breaks a reader (deep HTML, ...) fails alone
        yield failed_reject(name, exc)


def _iter_records(
    path: Path, suffix: str, *, max_bytes: int, published_at: datetime | None
) -> Iterator[Article | Reject]:
    name = str(path)
    with path.open("rb") as handle:
        head = handle.read(_SNIFF)
        why = is_binary(head)
        if why is not None:
            yield Reject(name, "binary", f"{name}: looks like binary data ({why}), not text.")
            return
        handle.seek(0)
        lines: Iterable[bytes] | Iterable[str] = handle
        wide = wide_encoding(head)
        if wide is not None:
            # UTF-16/32 cannot be split on b"\n": read it as text, line by line
            lines = io.TextIOWrapper(handle, encoding=wide, errors="replace", newline="")
        if suffix in JSONL_EXTENSIONS:
            yield from iter_jsonl(
                lines, source=name, published_at=published_at, max_bytes=max_bytes
            )
        else:
            yield from iter_csv(
                lines, source=name, published_at=published_at, max_field_size=max_bytes
            )
