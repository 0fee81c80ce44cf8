"""Time values: resolve a time expression's words against a publication date.

Pure functions shared by the timex component and the event rows (an event's date):
:func:`resolve_time` reads "last Friday", "May 7, 2005" or "three years ago" and returns a
TIMEX3-style value. Values follow TimeML's TIMEX3 ``value`` conventions (Pustejovsky et al.,
*TimeML Annotation Guidelines* 1.2.1; ISO-TimeML): ``2024-11-15`` (day), ``2024-W46`` (ISO
week), ``2024-05`` (month), ``2024-Q3`` (quarter), ``2024-SU`` (season), ``2018`` (year),
``199`` (decade), ``P3Y`` (duration), ``PAST_REF``/``PRESENT_REF``/``FUTURE_REF`` (vague
reference).

The calendar words (month and weekday names, number words, units, vague references) are
data: ``transforms/data/timex/calendar.tsv``, read once through the lexicon reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from transforms.nlp.lexicons import packaged, read_table

_CALENDAR_CLASSES = (
    "month",
    "weekday",
    "number",
    "unit",
    "season",
    "part_of_day",
    "vague_number",
    "present",
    "past",
    "future",
    "leading",
    "quarter",
    "day_offset",
)
#: Classes whose rows carry a value (a number or a TIMEX3 code).
_VALUED = {"month": int, "weekday": int, "number": int, "unit": str, "season": str,
           "part_of_day": str, "quarter": int, "day_offset": int}  # fmt: skip


def _read_calendar() -> dict[str, list[tuple[str, str]]]:
    """The rows of ``calendar.tsv`` by class, in file order (regex alternations and the
    parts of the day are tried in that order)."""
    table = read_table(
        packaged("timex/calendar.tsv"), columns=("word", "class", "value"), required=2
    )
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in _CALENDAR_CLASSES}
    for row in table.rows:
        word, name, value = row.cells
        if name not in out:
            raise table.error(row, f"unknown calendar class {name!r}")
        if (name in _VALUED) != bool(value):
            raise table.error(
                row, f"class {name!r} {'needs' if name in _VALUED else 'takes no'} value"
            )
        if _VALUED.get(name) is int and not value.removeprefix("-").isdigit():
            raise table.error(row, f"value {value!r} is not a number")
        out[name].append((word, value))
    return out


_CALENDAR = _read_calendar()
MONTHS: dict[str, int] = {w: int(v) for w, v in _CALENDAR["month"]}
WEEKDAYS: dict[str, int] = {w: int(v) for w, v in _CALENDAR["weekday"]}
NUMBER_WORDS: dict[str, int] = {w: int(v) for w, v in _CALENDAR["number"]}
VAGUE_NUMBERS = frozenset(w for w, _ in _CALENDAR["vague_number"])
UNITS: dict[str, str] = dict(_CALENDAR["unit"])
SEASONS: dict[str, str] = dict(_CALENDAR["season"])
PARTS_OF_DAY: dict[str, str] = dict(_CALENDAR["part_of_day"])
PRESENT_WORDS = frozenset(w for w, _ in _CALENDAR["present"])
PAST_WORDS = frozenset(w for w, _ in _CALENDAR["past"])
FUTURE_WORDS = frozenset(w for w, _ in _CALENDAR["future"])
_LEADING_WORDS = frozenset(w for w, _ in _CALENDAR["leading"])
QUARTERS: dict[str, int] = {w: int(v) for w, v in _CALENDAR["quarter"]}
DAY_OFFSETS: dict[str, int] = {w: int(v) for w, v in _CALENDAR["day_offset"]}

_ORD = r"(?:st|nd|rd|th)?"

#: Month names and abbreviations as a regex alternation, longest first.
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))

_RE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

_RE_NUMERIC = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})$")

_RE_MDY = re.compile(rf"^({MONTH_PATTERN})\.?\s+(\d{{1,2}}){_ORD}(?:\s*,?\s*(\d{{4}}))?$")

_RE_DMY = re.compile(rf"^(\d{{1,2}}){_ORD}\s+(?:of\s+)?({MONTH_PATTERN})\.?(?:\s*,?\s*(\d{{4}}))?$")

_RE_MY = re.compile(rf"^({MONTH_PATTERN})\.?\s*,?\s*(?:of\s+)?(\d{{4}})$")

_RE_MONTH = re.compile(rf"^(?:(last|next|this|past|early|late|mid|mid-)\s*)?({MONTH_PATTERN})\.?$")

_RE_YEAR = re.compile(r"^(?:(?:early|late|mid|mid-|the year|fiscal|year)\s*)?(\d{4})$")

_RE_SHORT_YEAR = re.compile(r"^'(\d{2})$")

_RE_DECADE = re.compile(r"^(?:early|late|mid|mid-)?\s*(?:(\d{2})(\d)0|'?(\d)0)'?s$")

_RE_QUARTER = re.compile(
    r"^(first|second|third|fourth|final|last|1st|2nd|3rd|4th|q1|q2|q3|q4)[\s-]*(?:fiscal\s+)?"
    r"(?:quarter)?(?:\s+of\s+(.+))?$"
)

_RE_HALF = re.compile(r"^(first|second|1st|2nd)\s+half(?:\s+of\s+(.+))?$")

_RE_TIME = re.compile(
    r"^(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?\s*(?:\(?\s*(utc|gmt|et|est|edt|pt|"
    r"pst|pdt)[^)]*\)?)?\s*(.*)$"
)

_RE_AGO = re.compile(
    r"^(\S+(?:\s+and\s+a\s+half)?)\s+(\w+?)s?\s+(ago|earlier|before|later|from now)$"
)

_RE_IN_N = re.compile(r"^(?:in|within)\s+(\S+)\s+(\w+?)s?$")

_RE_DURATION = re.compile(
    r"^(?:(?:more than|less than|over|nearly|almost|about|around|at least|roughly|some|"
    r"up to|another|the|a further|an additional|the past|the last|the next|the first|past|"
    r"last|next|first)\s+)*(\S+?)(?:\s+straight|\s+consecutive|\s+full|\s+more|\s+long)?"
    r"[\s-]+(year|month|week|day|hour|minute|second|decade|centur(?:y|ie))s?(?:[\s-]+(?:long|old))?$"
)

_RE_RELATIVE_UNIT = re.compile(
    r"^(last|this|next|past|previous|coming|current|following|same|that|the)\s+"
    r"(week|weekend|month|year|quarter|decade|century|day)$"
)


class TimexError(ValueError):
    """A time value could not be built (bad anchor or malformed input)."""


@dataclass(frozen=True, slots=True)
class TimeValue:
    """A resolved time expression.

    Attributes:
        value: TimeML/ISO 8601 value (``2024-11-15``, ``2024-W46``, ``P3Y``, ``PAST_REF``).
        precision: ``time``, ``day``, ``week``, ``month``, ``quarter``, ``season``, ``half``,
            ``year``, ``decade``, ``century``, ``duration`` or ``ref``.
        date: First day of the period it denotes (``None`` for durations and vague refs).
    """

    value: str
    precision: str
    date: date | None


@dataclass(frozen=True, slots=True)
class TimexSpan:
    """A time expression found in a Doc, not yet resolved (see :func:`resolve_time`)."""

    start_char: int
    end_char: int
    text: str
    future: bool


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("–", "-").replace("—", "-").lower()
    text = re.sub(r"\s+([,.)])", r"\1", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return (
        " ".join(text.split()).strip(" ,.;:\"'")
        if not text.strip().startswith("'")
        else (" ".join(text.split()).strip(' ,.;:"'))
    )


def _number(word: str) -> int | None:
    word = word.replace(",", "")
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _day(day: date) -> TimeValue:
    return TimeValue(day.isoformat(), "day", day)


def _month(year: int, month: int) -> TimeValue:
    return TimeValue(f"{year:04d}-{month:02d}", "month", date(year, month, 1))


def _year(year: int) -> TimeValue:
    return TimeValue(f"{year:04d}", "year", date(year, 1, 1))


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= 31 or not 1 <= year <= 9999:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _weekday(target: int, anchor: date, *, direction: str, future: bool) -> date:
    """Date of weekday ``target`` relative to ``anchor``.

    ``direction`` is ``last``/``next``/``this`` or empty. Bare weekdays in news refer to the
    current week: the most recent such day (today included) for past events and the next
    one for future events (TimeML guidelines §2.2.4; the MEANTIME annotations agree).
    """
    diff = target - anchor.weekday()
    if direction == "last":
        back = (anchor.weekday() - target) % 7 or 7
        return anchor - timedelta(days=back)
    if direction == "next":
        ahead = (target - anchor.weekday()) % 7 or 7
        return anchor + timedelta(days=ahead)
    if direction == "this":
        return anchor + timedelta(days=diff)
    if future:
        return anchor + timedelta(days=(target - anchor.weekday()) % 7)
    return anchor - timedelta(days=(anchor.weekday() - target) % 7)


def _resolve_year_phrase(text: str, anchor: date | None) -> int | None:
    """Year of phrases like ``2009``, ``this year``, ``last year`` (None if unknown)."""
    if text.isdigit() and len(text) == 4:
        return int(text)
    if anchor is None:
        return None
    words = text.removeprefix("the ")
    if words in {"this year", "year", "the year", "current year", "this fiscal year"}:
        return anchor.year
    if words in {"last year", "previous year", "past year", "year before"}:
        return anchor.year - 1
    if words in {"next year", "coming year", "following year"}:
        return anchor.year + 1
    return None


def _relative_unit(mod: str, unit: str, anchor: date) -> TimeValue | None:
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}.get(
        mod, 0
    )
    if unit == "day":
        return _day(anchor + timedelta(days=step))
    if unit == "week":
        day = anchor + timedelta(weeks=step)
        monday = day - timedelta(days=day.weekday())
        return TimeValue(_week(day), "week", monday)
    if unit == "weekend":
        day = anchor + timedelta(weeks=step)
        saturday = day - timedelta(days=day.weekday()) + timedelta(days=5)
        return TimeValue(_week(day) + "-WE", "week", saturday)
    if unit == "month":
        year, month = _shift_month(anchor.year, anchor.month, step)
        return _month(year, month)
    if unit == "quarter":
        quarter = (anchor.month - 1) // 3 + step
        year = anchor.year + quarter // 4
        quarter %= 4
        return TimeValue(f"{year}-Q{quarter + 1}", "quarter", date(year, quarter * 3 + 1, 1))
    if unit == "year":
        return _year(anchor.year + step)
    if unit == "decade":
        decade = anchor.year // 10 + step
        return TimeValue(f"{decade:03d}", "decade", date(decade * 10, 1, 1))
    if unit == "century":
        century = anchor.year // 100 + step
        return TimeValue(f"{century:02d}", "century", date(max(century * 100, 1), 1, 1))
    return None


_UNIT_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366, "decade": 3660}


def _shift(anchor: date, amount: int, unit: str) -> TimeValue | None:
    # "52,000 weeks ago" and the like fall outside the calendar: no value rather than a crash.
    if not 1 < anchor.year + amount * _UNIT_DAYS.get(unit, 0) / 365 < 9998:
        return None
    if unit == "day":
        return _day(anchor + timedelta(days=amount))
    if unit == "week":
        day = anchor + timedelta(weeks=amount)
        return TimeValue(_week(day), "week", day - timedelta(days=day.weekday()))
    if unit == "month":
        year, month = _shift_month(anchor.year, anchor.month, amount)
        return _month(year, month)
    if unit == "year":
        return _year(anchor.year + amount)
    if unit == "decade":
        return _relative_unit("", "decade", date(anchor.year + 10 * amount, 1, 1))
    return None


def _duration(amount: int | None, unit: str) -> TimeValue:
    count = "X" if amount is None else str(amount)
    if unit in {"H", "MIN", "S"}:
        return TimeValue(f"PT{count}{'M' if unit == 'MIN' else unit}", "duration", None)
    if unit == "DE":
        return TimeValue(f"P{count}DE", "duration", None)
    if unit == "CE":
        return TimeValue(f"P{count}CE", "duration", None)
    if unit == "Q":
        return TimeValue(f"P{count}Q", "duration", None)
    return TimeValue(f"P{count}{unit}", "duration", None)


def resolve_time(
    text: str, anchor: date | datetime | None, *, future: bool = False
) -> TimeValue | None:
    """Resolve a time phrase to a TimeML value, relative to the ``anchor`` date.

    Args:
        text: The phrase as written ("on Friday", "early Monday", "last week", "May 7, 2005",
            "2018", "the first quarter of 2009", "three years ago", "six months").
        anchor: The document's publication date. Without it, only absolute expressions
            resolve; relative ones return ``None``.
        future: The phrase belongs to a future-tense clause ("will meet on Friday"), so bare
            weekdays and months look forward instead of back.

    Returns:
        The resolved value, or ``None`` when the phrase is not understood or needs an anchor.
    """
    if isinstance(anchor, datetime):
        anchor = anchor.date()
    return _resolve_time(text, anchor, future)


@lru_cache(maxsize=8192)
def _resolve_time(text: str, anchor: date | None, future: bool) -> TimeValue | None:
    """:func:`resolve_time` on a date anchor, memoised: the same phrases recur within and
    across articles, and every caller (the component's split, the ``time_expressions`` and
    ``events`` rows) resolves each one again."""
    words = _norm(text)
    if not words:
        return None
    # "the end of this year", "early Monday", "late on Friday": the period itself.
    words = re.sub(
        r"^(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|rest|remainder|course|turn)"
        r"\s+of\s+",
        "",
        words,
    )
    words = re.sub(r"^(?:earlier|later|early|late|mid|mid-)(?:\s+on)?\s+(?=\w)", "", words)
    while True:
        head, _, rest = words.partition(" ")
        if head in _LEADING_WORDS and rest and head not in {"this", "the"}:
            words = rest
            continue
        break
    resolved = _resolve_words(words, anchor, future=future)
    if resolved is None and words.startswith("the "):
        resolved = _resolve_words(words[4:], anchor, future=future)
    return resolved


def _resolve_words(words: str, anchor: date | None, *, future: bool) -> TimeValue | None:
    if words in PRESENT_WORDS:
        return TimeValue("PRESENT_REF", "ref", None)
    if words in PAST_WORDS or words.startswith(("recent ", "the recent ")):
        return TimeValue("PAST_REF", "ref", None)
    if words in FUTURE_WORDS or words.startswith(("the coming ", "coming ")):
        return TimeValue("FUTURE_REF", "ref", None)
    if match := _RE_ISO.match(words):
        day = _safe_date(int(match[1]), int(match[2]), int(match[3]))
        return _day(day) if day else None
    if match := _RE_NUMERIC.match(words):
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        day = _safe_date(year, int(match[1]), int(match[2]))
        return _day(day) if day else None
    if match := _RE_MDY.match(words):
        return _month_day(MONTHS[match[1]], int(match[2]), match[3], anchor, future=future)
    if match := _RE_DMY.match(words):
        return _month_day(MONTHS[match[2]], int(match[1]), match[3], anchor, future=future)
    if match := _RE_MY.match(words):
        return _month(int(match[2]), MONTHS[match[1]])
    if match := re.match(rf"^({MONTH_PATTERN})\.?\s+(?:of\s+)?(this|last|next) year$", words):
        month_year = _resolve_year_phrase(f"{match[2]} year", anchor)
        return _month(month_year, MONTHS[match[1]]) if month_year is not None else None
    if match := _RE_MONTH.match(words):
        return _bare_month(match[1] or "", MONTHS[match[2]], anchor, future=future)
    if match := _RE_YEAR.match(words):
        return _year(int(match[1]))
    if match := _RE_SHORT_YEAR.match(words):
        short = int(match[1])
        return _year(1900 + short if anchor is None or short > anchor.year % 100 else 2000 + short)
    if match := _RE_DECADE.match(words):
        if match[1]:
            decade = int(match[1] + match[2])
        else:
            decade = (
                190 + int(match[3])
                if anchor is None or int(match[3]) * 10 > anchor.year % 100
                else 200 + int(match[3])
            )
        return TimeValue(f"{decade:03d}", "decade", date(decade * 10, 1, 1))
    if match := _RE_HALF.match(words):
        half_year = _resolve_year_phrase(match[2] or "this year", anchor)
        if half_year is None:
            return None
        half = 1 if match[1] in {"first", "1st"} else 2
        return TimeValue(f"{half_year}-H{half}", "half", date(half_year, 1 if half == 1 else 7, 1))
    if (match := _RE_QUARTER.match(words)) and ("quarter" in words or match[1].startswith("q")):
        return _quarter(match[1], match[2], anchor)
    if (value := _weekday_phrase(words, anchor, future=future)) is not None:
        return value
    if (value := _deictic(words, anchor)) is not None:
        return value
    if match := _RE_RELATIVE_UNIT.match(words):
        if anchor is None:
            return None
        mod = match[1]
        if mod in {"same", "that", "the"}:
            if match[2] == "day":
                return _day(anchor)
            if match[2] == "weekend":
                return _relative_unit("", "weekend", anchor)
            if match[2] == "week" and mod == "the":
                return TimeValue("P1W", "duration", None)
            if match[2] in {"year", "month"} and mod == "the":
                return _relative_unit("", match[2], anchor)
            return None
        return _relative_unit(mod, match[2], anchor)
    if words in {"weekend", "this weekend", "the weekend"}:
        return _relative_unit("", "weekend", anchor) if anchor else None
    if match := re.match(r"^(?:the\s+)?(past|last)\s+decade$", words):
        return _relative_unit("last", "decade", anchor) if anchor else None
    match = re.match(r"^(\w+)\s+(?:of\s+)?(\d{4}|this year|last year|next year)$", words)
    if match and match[1] in SEASONS:
        season_year = _resolve_year_phrase(match[2], anchor)
        if season_year is not None:
            return TimeValue(f"{season_year}-{SEASONS[match[1]]}", "season", None)
    if words.removeprefix("this ").removeprefix("last ").removeprefix("next ") in SEASONS:
        if anchor is None:
            return None
        season = words.split()[-1]
        step = -1 if words.startswith("last ") else 1 if words.startswith("next ") else 0
        return TimeValue(f"{anchor.year + step}-{SEASONS[season]}", "season", None)
    if match := _RE_AGO.match(words):
        amount, unit = _number(match[1]), match[2]
        if unit in UNITS and anchor is not None and amount is not None:
            sign = -1 if match[3] in {"ago", "earlier", "before"} else 1
            return _shift(anchor, sign * amount, unit)
        return None
    if match := _RE_IN_N.match(words):
        amount, unit = _number(match[1]), match[2]
        if unit in UNITS and amount is not None:
            return _duration(amount, UNITS[unit])
    if match := _RE_DURATION.match(words):
        unit = "century" if match[2].startswith("centur") else match[2]
        amount = _number(match[1])
        if amount is None and match[1] not in VAGUE_NUMBERS:
            return None
        return _duration(amount, UNITS[unit])
    if match := re.match(r"^(decades|years|months|weeks|days|hours)(?:-long)?$", words):
        return _duration(None, UNITS[match[1][:-1]])
    if match := re.match(r"^(annual|yearly|monthly|weekly|daily|hourly)$", words):
        unit = {"annual": "Y", "yearly": "Y", "monthly": "M", "weekly": "W", "daily": "D"}
        return _duration(1, unit.get(match[1], "H"))
    if (match := _RE_TIME.match(words)) and (value := _clock(match, anchor, future=future)):
        return value
    if " and " in words or " to " in words or "-" in words:
        first = re.split(r"\s+(?:and|to|or|through)\s+|-", words, maxsplit=1)[0]
        if first != words:
            return _resolve_words(first, anchor, future=future)
    return None


def _month_day(
    month: int, day_of_month: int, year_text: str | None, anchor: date | None, *, future: bool
) -> TimeValue | None:
    if year_text:
        day = _safe_date(int(year_text), month, day_of_month)
        return _day(day) if day else None
    if anchor is None:
        return None
    day = _safe_date(anchor.year, month, day_of_month)
    if day is None:
        return None
    # A bare "November 11" more than half a year away belongs to the neighbouring year.
    if (day - anchor).days > 183:
        day = _safe_date(anchor.year - 1, month, day_of_month) or day
    elif (anchor - day).days > 183 and future:
        day = _safe_date(anchor.year + 1, month, day_of_month) or day
    return _day(day)


def _bare_month(mod: str, month: int, anchor: date | None, *, future: bool) -> TimeValue | None:
    if anchor is None:
        return None
    year = anchor.year
    if mod in {"last", "past"}:
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif mod == "next" or (future and month < anchor.month):
        year = anchor.year if month > anchor.month else anchor.year + 1
    return _month(year, month)


def _quarter(which: str, year_text: str | None, anchor: date | None) -> TimeValue | None:
    if which == "last" and year_text is None:
        return _relative_unit("last", "quarter", anchor) if anchor else None
    quarter = QUARTERS.get(which, 4)
    year = _resolve_year_phrase(year_text or "this year", anchor)
    if year is None:
        return None
    return TimeValue(f"{year}-Q{quarter}", "quarter", date(year, (quarter - 1) * 3 + 1, 1))


def _weekday_phrase(words: str, anchor: date | None, *, future: bool) -> TimeValue | None:
    match = re.match(
        r"^(?:(last|next|this|past|coming|early|late)\s+)?(?:on\s+)?(\w+)\.?"
        r"(?:,?\s+(.+?))?(?:\s+(morning|afternoon|evening|night))?$",
        words,
    )
    if not match or match[2] not in WEEKDAYS:
        return None
    rest = match[3]
    if rest and rest not in PARTS_OF_DAY:
        # "Monday, November 18(, 2024)": the explicit date wins.
        explicit = _resolve_words(rest, anchor, future=future)
        if explicit is not None and explicit.precision == "day":
            return explicit
        if explicit is not None and explicit.precision == "time":
            return explicit
        if not re.match(r"^(morning|afternoon|evening|night)$", rest):
            return None
    if anchor is None:
        return None
    direction = match[1] if match[1] in {"last", "next", "this"} else ""
    if match[1] in {"past"}:
        direction = "last"
    if match[1] == "coming":
        direction = "next"
    return _day(_weekday(WEEKDAYS[match[2]], anchor, direction=direction, future=future))


def _deictic(words: str, anchor: date | None) -> TimeValue | None:
    offsets = DAY_OFFSETS
    parts = {"this morning": "MO", "this afternoon": "AF", "this evening": "EV",
             "tonight": "NI", "last night": "NI", "this week's": ""}  # fmt: skip
    base = words.removesuffix("'s")
    for suffix, code in PARTS_OF_DAY.items():
        if base.endswith(" " + suffix) and base[: -len(suffix) - 1] in offsets:
            if anchor is None:
                return None
            day = anchor + timedelta(days=offsets[base[: -len(suffix) - 1]])
            return TimeValue(f"{day.isoformat()}T{code}", "day", day)
    if parts.get(base):
        if anchor is None:
            return None
        day = anchor - timedelta(days=1) if base == "last night" else anchor
        return TimeValue(f"{day.isoformat()}T{parts[base]}", "day", day)
    if base in offsets:
        return _day(anchor + timedelta(days=offsets[base])) if anchor else None
    return None


def _clock(match: re.Match[str], anchor: date | None, *, future: bool) -> TimeValue | None:
    hour = int(match[1])
    minute = int(match[2]) if match[2] else 0
    meridian = (match[3] or "").replace(".", "")
    if not match[2] and not meridian:
        return None
    if meridian == "pm" and hour < 12:
        hour += 12
    if meridian == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    rest = (match[5] or "").strip()
    day: date | None = anchor
    if rest:
        resolved = _resolve_words(re.sub(r"^(on|of)\s+", "", rest), anchor, future=future)
        if resolved is None or resolved.date is None or resolved.precision != "day":
            return None
        day = resolved.date
    if day is None:
        return None
    zone = "Z" if match[4] in {"utc", "gmt"} else ""
    return TimeValue(f"{day.isoformat()}T{hour:02d}:{minute:02d}{zone}", "time", day)
