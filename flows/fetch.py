"""HTTP for feeds and web pages: retries, conditional GET, per-feed state.

* :func:`fetch` -- one GET with redirects followed, retries with exponential backoff on
  connection errors, timeouts, HTTP 429 and 5xx, a size cap, and ``If-None-Match`` /
  ``If-Modified-Since`` when validators are given (a 304 comes back as ``not_modified``).
* :class:`FeedState` -- what earlier runs saw: each URL's ``ETag``/``Last-Modified`` and the
  keys (guid or link) of the feed items already ingested, kept as one JSON file in a
  directory the caller chooses (the run flow passes ``<warehouse>/state/`` and calls
  :meth:`FeedState.save` only after the warehouse load succeeded, so a failed run refetches).
* :func:`iter_url` -- a URL given as a source: a feed yields one article per new item
  (body from the item's page, else from the feed's own content/description), a page yields
  its article. Failures become :class:`~transforms.types.Reject` rows, never exceptions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from transforms.errors import InputError
from transforms.text.decode import DecodeError, decode_bytes
from transforms.text.feeds import FeedError, FeedItem, looks_like_feed, parse_feed
from transforms.text.ingest import (
    IngestError,
    article_from_feed_text,
    article_from_html,
    feed_item_fields,
)
from transforms.types import Article, Reject

__all__ = [
    "FeedState",
    "FeedStateError",
    "FeedStateStore",
    "FetchError",
    "FetchResult",
    "FetchSettings",
    "fetch",
    "iter_url",
    "make_client",
]

logger = logging.getLogger(__name__)

USER_AGENT = "presslake/0.1 (+news ingest; https://github.com/presslake)"
STATE_FILE = "feeds.json"
#: Item keys remembered per feed (oldest forgotten first).
MAX_SEEN_PER_FEED = 10_000
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How URLs are fetched.

    Attributes:
        timeout: Seconds for connect and for each read.
        deadline: Seconds one URL may take in all (every attempt, backoff and byte of the
            body included): a server that drips its answer cannot hold the run longer.
        retries: Extra attempts after the first on transient failures.
        backoff: First wait between attempts in seconds (doubled each time).
        max_redirects: Redirects followed before giving up.
        fetch_item_pages: Fetch each feed item's page for the full body (otherwise the
            feed's content/description is used).
    """

    timeout: float = 10.0
    deadline: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_redirects: int = 10
    fetch_item_pages: bool = True


class FetchError(InputError):
    """A URL that could not be fetched.

    Attributes:
        reason: ``fetch_failed`` or ``too_large``.
        detail: One sentence naming the URL and the problem.
    """


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A response.

    Attributes:
        url: Final URL after redirects.
        status: HTTP status (200, or 304 when not modified).
        content: Body ('' for 304).
        content_type: ``Content-Type`` header.
        etag: ``ETag`` header, if any.
        last_modified: ``Last-Modified`` header, if any.
    """

    url: str
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional GET."""
        return self.status == 304

    @property
    def charset(self) -> str | None:
        """``charset`` of the ``Content-Type`` header, if declared."""
        for part in (self.content_type or "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def make_client(settings: FetchSettings | None = None) -> httpx.Client:
    """An HTTP client with presslake's user agent, timeouts and redirect policy."""
    settings = settings or FetchSettings()
    return httpx.Client(
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        timeout=httpx.Timeout(settings.timeout),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


def _read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"{url}: the response is {declared} bytes, over {max_bytes}.")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large", f"{url}: the response is over {max_bytes} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


class _Deadline:
    """Closes the sockets of one URL's requests when its time is up.

    httpx only has per-operation timeouts: a server that sends one byte every few seconds
    never trips them. The ``trace`` extension hands over each connection's network stream
    as soon as it is open; at the deadline a timer shuts those sockets down, so whatever
    read is blocked (headers or body) fails at once.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._streams: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return self.expires - time.monotonic()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx/httpcore ``trace`` callback: remember every network stream opened."""
        if event.endswith((".connect_tcp.complete", ".start_tls.complete")):
            stream = info.get("return_value")
            if stream is not None:
                with self._lock:
                    self._streams.append(stream)
                    if self.expired:
                        _shutdown(stream)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for stream in self._streams:
                _shutdown(stream)


def _shutdown(stream: Any) -> None:
    sock = stream.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


#: Errors that another attempt cannot mend: a redirect to ``file://``, ``ftp://`` or
#: ``javascript:``, an unparsable URL, a redirect loop.
_PERMANENT = (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.TooManyRedirects)


def fetch(
    client: httpx.Client,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    settings: FetchSettings | None = None,
    max_bytes: int = 5_000_000,
) -> FetchResult:
    """GET ``url`` with retries and, when validators are given, a conditional request.

    Transient failures (connection errors, timeouts, HTTP 408/425/429/5xx) are retried
    with exponential backoff; permanent ones (other 4xx, a redirect to a scheme other than
    http(s), an invalid URL, too many redirects) fail at once. The whole fetch, retries
    included, ends at ``settings.deadline``.

    Args:
        client: From :func:`make_client` (follows redirects).
        url: http(s) URL.
        etag: ``ETag`` seen last time (sent as ``If-None-Match``).
        last_modified: ``Last-Modified`` seen last time (sent as ``If-Modified-Since``).
        settings: Retry count, backoff and deadline.
        max_bytes: Largest body accepted.

    Returns:
        The response (status 200-299, or 304).

    Raises:
        FetchError: ``fetch_failed`` after the retries are used up, on a permanent error
            or at the deadline, ``too_large`` for a body over ``max_bytes``.
    """
    settings = settings or FetchSettings()
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    attempts = settings.retries + 1
    problem = "no attempt made"
    tried = 0
    with _Deadline(settings.deadline) as deadline:
        for attempt in range(attempts):
            if attempt:
                pause = settings.backoff * 2 ** (attempt - 1)
                if pause >= deadline.remaining():
                    break
                time.sleep(pause)
            tried += 1
            try:
                with client.stream(
                    "GET", url, headers=headers, extensions={"trace": deadline.trace}
                ) as response:
                    status = response.status_code
                    if status == 304:
                        return _result(response, b"")
                    if 200 <= status < 300:
                        return _result(response, _read_capped(response, url, max_bytes))
                    problem = f"HTTP {status} {response.reason_phrase}".strip()
                    if status not in _RETRY_STATUS:
                        raise FetchError("fetch_failed", f"{url}: {problem}.")
            except FetchError:
                raise
            except _PERMANENT as exc:
                raise FetchError("fetch_failed", f"{url}: {_describe(exc)}.") from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                if _bad_redirect(exc):
                    raise FetchError("fetch_failed", f"{url}: {_describe(exc)}.") from exc
                if deadline.expired:
                    break
                problem = _describe(exc)
            except Exception as exc:  # anything else about this URL fails it alone
                raise FetchError("fetch_failed", f"{url}: {_describe(exc)}.") from exc
            if deadline.expired:
                break
            logger.info("fetch %s attempt %d/%d failed: %s", url, attempt + 1, attempts, problem)
        if deadline.expired:
            raise FetchError(
                "fetch_failed",
                f"{url}: no complete answer within the {settings.deadline:g}s deadline.",
            )
    raise FetchError("fetch_failed", f"{url}: {problem} after {tried} attempt(s).")


def _bad_redirect(exc: Exception) -> bool:
    """A redirect whose ``Location`` is not a URL (httpx reports it as a protocol error)."""
    return isinstance(exc, httpx.RemoteProtocolError) and "location header" in str(exc).lower()


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _result(response: httpx.Response, content: bytes) -> FetchResult:
    return FetchResult(
        url=str(response.url),
        status=response.status_code,
        content=content,
        content_type=response.headers.get("Content-Type"),
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )


class FeedStateError(ValueError):
    """The stored feed state cannot be read; the message says which file and what to do."""


class FeedState:
    """Per-URL validators and seen feed items, persisted as JSON in ``directory``.

    Changes stay in memory until :meth:`save`, so a run that fails before loading its
    articles into the warehouse leaves the stored state as it was.

    Args:
        directory: Folder for the state file (created on save).
    """

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.path = self.directory / STATE_FILE
        self._urls: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise FeedStateError(
                    f"{self.path}: unreadable feed state ({exc}); delete it to refetch all feeds."
                ) from exc
            self._urls = dict(data.get("urls", {}))

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """``(etag, last_modified)`` stored for ``url``."""
        entry = self._urls.get(url, {})
        return entry.get("etag"), entry.get("last_modified")

    def set_validators(self, url: str, *, etag: str | None, last_modified: str | None) -> None:
        """Remember the validators of the latest full response of ``url``."""
        entry = self._urls.setdefault(url, {})
        entry["etag"] = etag
        entry["last_modified"] = last_modified

    def is_seen(self, url: str, key: str) -> bool:
        """Whether the item ``key`` of feed ``url`` was ingested before."""
        return key in self._urls.get(url, {}).get("seen", ())

    def mark_seen(self, url: str, key: str) -> None:
        """Remember that item ``key`` of feed ``url`` was ingested."""
        seen: list[str] = self._urls.setdefault(url, {}).setdefault("seen", [])
        if key not in seen:
            seen.append(key)
            del seen[:-MAX_SEEN_PER_FEED]

    def save(self) -> None:
        """Write the state atomically (temporary file + rename)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"version": 1, "urls": self._urls}, indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".feeds-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


#: The name ``flows/pipeline.py`` looks up.
FeedStateStore = FeedState


def _decode_result(result: FetchResult) -> str:
    return decode_bytes(result.content, name=result.url, declared=result.charset).text


def iter_url(
    url: str,
    *,
    client: httpx.Client,
    feed_state: FeedState | None = None,
    published_at: datetime | None = None,
    settings: FetchSettings | None = None,
    max_bytes: int = 5_000_000,
) -> Iterator[Article | Reject]:
    """Articles of a URL: every new item of a feed, or the article of a page.

    Args:
        url: The feed or page URL as given on the command line.
        client: HTTP client (see :func:`make_client`).
        feed_state: When given, conditional GET with the stored validators (a 304 yields
            nothing) and feed items seen in earlier runs are skipped; updated in memory.
        published_at: Date for a page or item that has none of its own.
        settings: Retries, backoff, whether to fetch item pages.
        max_bytes: Largest response accepted.

    Yields:
        Articles, and rejects for what failed (``fetch_failed``, ``too_large``,
        ``malformed`` feed XML, ``no_text``, ``binary``, ``undecodable``).
    """
    settings = settings or FetchSettings()
    etag, last_modified = feed_state.validators(url) if feed_state else (None, None)
    try:
        result = fetch(
            client,
            url,
            etag=etag,
            last_modified=last_modified,
            settings=settings,
            max_bytes=max_bytes,
        )
    except FetchError as exc:
        yield exc.to_reject(url)
        return
    if result.not_modified:
        logger.info("%s: not modified since the last run", url)
        return
    complete = True
    if looks_like_feed(result.content, content_type=result.content_type):
        for row in _iter_feed(
            url,
            result,
            client=client,
            feed_state=feed_state,
            published_at=published_at,
            settings=settings,
            max_bytes=max_bytes,
        ):
            complete = complete and not isinstance(row, Reject)
            yield row
    else:
        try:
            yield article_from_html(
                _decode_result(result),
                source_id=url,
                source_uri=url,
                url=result.url,
                published_at=published_at,
                metadata=_fetch_metadata(result, requested=url),
            )
        except (DecodeError, IngestError) as exc:
            complete = False
            yield exc.to_reject(url)
        except Exception as exc:  # a page that breaks extraction fails alone
            complete = False
            yield Reject(url, "ingest_failed", f"{url}: cannot be read ({_describe(exc)}).")
    if feed_state is not None and complete:
        # Only when everything was ingested: a 304 next time must not hide a failed item.
        feed_state.set_validators(url, etag=result.etag, last_modified=result.last_modified)


def _fetch_metadata(result: FetchResult, *, requested: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"url": result.url}
    if result.url != requested:
        meta["requested_url"] = requested
    return meta


def _iter_feed(
    url: str,
    result: FetchResult,
    *,
    client: httpx.Client,
    feed_state: FeedState | None,
    published_at: datetime | None,
    settings: FetchSettings,
    max_bytes: int,
) -> Iterator[Article | Reject]:
    try:
        feed = parse_feed(result.content, url=result.url)
    except FeedError as exc:
        yield exc.to_reject(url)
        return
    except Exception as exc:  # XML that breaks the parser (nesting, entities): this feed only
        yield Reject(url, "malformed", f"{url}: unreadable feed ({_describe(exc)}).")
        return
    for index, item in enumerate(feed.items):
        key = item.key
        if key is None:
            yield Reject(
                f"{url}#item={index + 1}",
                "malformed",
                f"{url}: item {index + 1} has no guid, link or title.",
            )
            continue
        if feed_state is not None and feed_state.is_seen(url, key):
            continue
        try:
            row = _feed_item_article(
                url,
                item,
                key=key,
                client=client,
                published_at=published_at,
                settings=settings,
                max_bytes=max_bytes,
            )
        except Exception as exc:  # one broken item costs only itself
            uri = item.link or f"{url}#item={index + 1}"
            row = Reject(uri, "ingest_failed", f"{uri}: cannot be read ({_describe(exc)}).")
        if isinstance(row, Article) and feed_state is not None:
            feed_state.mark_seen(url, key)
        yield row


def _feed_item_article(
    feed_url: str,
    item: FeedItem,
    *,
    key: str,
    client: httpx.Client,
    published_at: datetime | None,
    settings: FetchSettings,
    max_bytes: int,
) -> Article | Reject:
    """The article of one feed item: its page first, the feed's own text as fallback."""
    item_date, metadata = feed_item_fields(item, feed=feed_url)
    uri = item.link or f"{feed_url}#{key}"
    problems: list[str] = []
    if item.link and settings.fetch_item_pages:
        try:
            page = fetch(client, item.link, settings=settings, max_bytes=max_bytes)
            article = article_from_html(
                _decode_result(page),
                source_id=key,
                source_uri=item.link,
                url=page.url,
                published_at=published_at,
                metadata={**metadata, **_fetch_metadata(page, requested=item.link)},
            )
        except (FetchError, DecodeError, IngestError) as exc:
            problems.append(exc.detail)
            logger.info("feed item page failed, using the feed text: %s", exc.detail)
        except Exception as exc:  # a page that breaks extraction: use the feed's text
            problems.append(f"{item.link}: cannot be read ({_describe(exc)}).")
            logger.info("feed item page failed, using the feed text: %s", problems[-1])
        else:
            if item_date is not None:
                article = dataclasses.replace(article, published_at=item_date)
            if item.title and not article.title:
                article = dataclasses.replace(article, title=item.title)
            return article
    try:
        return article_from_feed_text(
            item, key=key, uri=uri, published_at=item_date or published_at, metadata=metadata
        )
    except IngestError as exc:
        return Reject(uri, exc.reason, " ".join([*problems, exc.detail]))
