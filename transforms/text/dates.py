"""Publication dates: raw values from feeds, records and HTML metadata -> naive UTC datetimes."""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from transforms.types import Article, Note

__all__ = ["EARLIEST_DATE", "FUTURE_SLACK", "check_published_at", "parse_date", "to_naive_utc"]

_STRPTIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%d-%b-%Y %H:%M:%S.%f",  # Reuters-21578: 26-FEB-1987 15:01:01.79
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%Y%m%d",
)
_RFC2822 = re.compile(r"^([A-Za-z]{3},? )?\d{1,2} [A-Za-z]{3} \d{2,4}")
#: Languages dateparser tries (all of them is seconds per unreadable date).
_DATE_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")
#: Unix timestamps accepted between 1970 and 2100 (seconds; milliseconds when larger).
_EPOCH_MAX_S = 4_102_444_800


def to_naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def parse_date(value: object) -> datetime | None:
    """Read a publication date as a naive UTC datetime.

    Accepts datetimes, Unix timestamps (seconds or milliseconds), ISO 8601, RFC 2822
    (``Mon, 18 Nov 2024 06:30:00 +0900``), common written formats (``Nov 18, 2024``,
    ``18 November 2024``, ``11/18/2024`` read as US month/day) and, as a last resort,
    whatever ``dateparser`` reads as an absolute date with day, month and year in a few
    Western European languages (relative dates such as "yesterday" are refused: they
    depend on the clock). Times without a zone
    are taken as UTC.

    Args:
        value: The raw date.

    Returns:
        The datetime, or ``None`` when ``value`` is empty or not a date.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return to_naive_utc(value)
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    raw = " ".join(value.split())
    if not raw:
        return None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", raw):
        return _from_epoch(float(raw))
    try:
        return to_naive_utc(datetime.fromisoformat(raw.replace("z", "Z")))
    except ValueError:
        pass
    if _RFC2822.search(raw):
        try:
            return to_naive_utc(parsedate_to_datetime(raw))
        except (TypeError, ValueError, IndexError):
            pass
    for fmt in _STRPTIME_FORMATS:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return _dateparser(raw)


def _from_epoch(seconds: float) -> datetime | None:
    if not math.isfinite(seconds) or seconds < 0:
        return None
    if seconds > _EPOCH_MAX_S:
        seconds /= 1000.0
    if seconds > _EPOCH_MAX_S:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)


def _dateparser(raw: str) -> datetime | None:
    if not (any(ch.isdigit() for ch in raw) and any(ch.isalpha() for ch in raw)):
        return None  # a day-month-year date written with words has both
    import dateparser  # slow to import; only needed for unusual formats

    parsed = dateparser.parse(
        raw,
        languages=list(_DATE_LANGUAGES),
        settings={
            "TIMEZONE": "UTC",
            "TO_TIMEZONE": "UTC",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PARSERS": ["custom-formats", "absolute-time"],
        },
    )
    return to_naive_utc(parsed) if parsed is not None else None


#: Publication dates before this are not news dates (year 1 and the like come from broken
#: page metadata).
EARLIEST_DATE = datetime(1800, 1, 1)
#: How far after the run's clock a publication date may lie (time zones, embargoes).
FUTURE_SLACK = timedelta(days=1)


def _note_unreadable_date(article: Article, *, fallback: datetime | None) -> Article:
    """Note a publication date the source gave but no format could read (ingest keeps the
    raw value as ``metadata['date']``), so the document's date is not silently the run's."""
    raw = article.metadata.get("date")
    if raw is None or any(n.code == "unreadable_date" for n in article.notes):
        return article
    instead = "the run's default date is used" if fallback is not None else "left empty"
    note = Note(
        "ingest",
        "unreadable_date",
        f"{article.source_uri}: publication date {str(raw)[:80]!r} cannot be read; {instead}.",
    )
    return dataclasses.replace(article, notes=(*article.notes, note))


def check_published_at(
    article: Article, *, now: datetime, fallback: datetime | None = None
) -> Article:
    """Drop an implausible publication date (before 1800, or more than a day after
    ``now``) from ``article``, noting it; ``fallback`` (the run's default date) takes its
    place. A date the source gave that could not be read is noted too.

    Args:
        article: An article.
        now: The run's clock (naive UTC), passed in so the same input gives the same rows.
        fallback: Date for inputs without a usable one of their own.
    """
    article = _note_unreadable_date(article, fallback=fallback)
    date = article.published_at
    if date is None or EARLIEST_DATE <= date <= now + FUTURE_SLACK:
        return article
    when = "before 1800" if date < EARLIEST_DATE else "more than a day in the future"
    note = Note(
        "ingest",
        "implausible_date",
        f"{article.source_uri}: publication date {date.isoformat()} is {when}; dropped.",
    )
    return dataclasses.replace(
        article,
        published_at=fallback,
        metadata={**article.metadata, "dropped_date": date.isoformat()},
        notes=(*article.notes, note),
    )
